//! One module per subcommand.

mod check;
mod reproduce;
mod run;
mod sweep;

use crate::Verdict;
use crate::args::{Args, Command};

/// Runs the command.
pub fn dispatch(args: Args) -> anyhow::Result<Verdict> {
    match args.command {
        Command::Reproduce { paper, json } => reproduce::run(paper.as_deref(), json),
        Command::Check { scenario } => check::run(&scenario),
        Command::Run {
            scenario,
            json,
            seed,
            episodes,
            method,
            threads,
        } => run::run(&scenario, json, seed, episodes, method.as_deref(), threads),
        Command::Sweep(a) => sweep::run(&a),
    }
}
