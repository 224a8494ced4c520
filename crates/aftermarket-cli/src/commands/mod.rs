//! One module per subcommand.

mod check;
mod core;
mod reproduce;
mod run;

use crate::Verdict;
use crate::args::{Args, Command};

/// Runs the command.
pub fn dispatch(args: Args) -> anyhow::Result<Verdict> {
    match args.command {
        Command::Reproduce { paper, json } => reproduce::run(paper.as_deref(), json),
        Command::Check { scenario } => check::run(&scenario),
        Command::Core { scenario, json } => core::run(&scenario, json),
        Command::Run {
            scenario,
            json,
            seed,
            episodes,
            method,
            threads,
        } => run::run(&scenario, json, seed, episodes, method.as_deref(), threads),
    }
}
