//! Command-line arguments, as written (clap derive). Checked meaning is
//! built in the commands from the scenario layer.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Auctions followed by resale: equilibrium bids, outcomes, trades,
/// welfare, revenue.
#[derive(Debug, Parser)]
#[command(name = "aftermarket", version, about, long_about = None)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Reproduce the source papers' examples and results.
    Reproduce {
        /// A paper number (000–004); all papers when omitted.
        paper: Option<String>,
        /// Print a versioned JSON object instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Check that a scenario file is valid.
    Check {
        /// The scenario file.
        scenario: PathBuf,
    },
    /// Evaluate the strategies a scenario gives.
    Run {
        /// The scenario file.
        scenario: PathBuf,
        /// Print a versioned JSON object instead of tables.
        #[arg(long)]
        json: bool,
        /// Override the seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Override the number of Monte Carlo episodes.
        #[arg(long)]
        episodes: Option<usize>,
        /// Force exact evaluation or Monte Carlo.
        #[arg(long, value_parser = ["auto", "exact", "monte-carlo"])]
        method: Option<String>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Compare separate and package bidding, with and without resale, for
    /// a global bidder against local bidders (paper 000's model).
    GlobalLocal {
        /// The global-local file (see docs/global-local.md).
        file: PathBuf,
        /// Print a versioned JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
}
