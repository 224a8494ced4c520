//! The `aftermarket` command.

mod args;
mod commands;
mod report;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// What a command concluded.
pub enum Verdict {
    /// Ran and the answer is good.
    Ok,
    /// Ran but the answer is not good (a reproduction mismatch, a run that
    /// did not reach its tolerance).
    NotGood,
}

fn main() -> ExitCode {
    let args = args::Args::parse();
    match commands::dispatch(args) {
        Ok(Verdict::Ok) => ExitCode::SUCCESS,
        Ok(Verdict::NotGood) => ExitCode::from(1),
        Err(err) => {
            // A closed pipe (`aftermarket reproduce | head`) is not an error.
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            ExitCode::from(2)
        }
    }
}
