//! One module per subcommand.

mod check;
mod compare;
mod core;
mod global_local;
mod regimes;
mod reproduce;
mod run;
mod solve;
mod sweep;
mod verify;
mod verify_strategies;

use crate::Verdict;
use crate::args::{Args, Command};

/// Runs the command.
pub fn dispatch(args: Args) -> anyhow::Result<Verdict> {
    match args.command {
        Command::Reproduce { paper, json } => reproduce::run(paper.as_deref(), json),
        Command::Check { scenario } => check::run(&scenario),
        Command::Compare { scenario, json } => compare::run(&scenario, json),
        Command::Core { scenario, json } => core::run(&scenario, json),
        Command::Run {
            scenario,
            json,
            seed,
            episodes,
            method,
            threads,
        } => run::run(&scenario, json, seed, episodes, method.as_deref(), threads),
        Command::Verify {
            scenario,
            json,
            eps,
            tol,
            levels,
            grid,
            no_halves,
            strategies,
        } => match strategies {
            Some(file) => verify_strategies::run(&scenario, &file, json, tol.max(1e-3)),
            None => verify::run(
                &scenario,
                json,
                eps,
                tol,
                &levels,
                &verify::BayesFlags { grid, no_halves },
            ),
        },
        Command::Regimes {
            scenario,
            json,
            no_verify,
        } => regimes::run(&scenario, json, !no_verify),
        Command::GlobalLocal { file, json } => global_local::run(&file, json),
        Command::Sweep(a) => sweep::run(&a),
        Command::Solve {
            game,
            json,
            strategies_out,
            plot,
        } => solve::run(&game, json, strategies_out.as_deref(), plot.as_deref()),
    }
}
