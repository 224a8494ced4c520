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
    /// Evaluate a scenario over a grid of parameter values, in parallel,
    /// writing each point to a CSV file as it finishes.
    Sweep(SweepArgs),
}

/// Arguments of `aftermarket sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// The scenario file.
    pub scenario: PathBuf,
    /// A swept field: `FIELD=lo:hi:n` (n points, ends included) or
    /// `FIELD=a,b,c`; FIELD is a dotted path into the scenario such as
    /// `aftermarket.alpha` or `bidders.1.values.0`. Repeat for a grid.
    #[arg(long = "axis", value_name = "FIELD=SPEC", required = true)]
    pub axes: Vec<String>,
    /// A measure to record (e.g. `revenue`, `payoff[S]`, `efficiency`);
    /// repeat for several; every measure when omitted.
    #[arg(long = "measure", value_name = "NAME")]
    pub measures: Vec<String>,
    /// The CSV file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Continue the sweep in `--out`, skipping points already there.
    #[arg(long)]
    pub resume: bool,
    /// Replace an existing `--out` file.
    #[arg(long, conflicts_with = "resume")]
    pub force: bool,
    /// Also draw an SVG: a heatmap for two axes, a line for one.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// The measure to draw (default: the first `--measure`).
    #[arg(long, value_name = "NAME")]
    pub plot_measure: Option<String>,
    /// Draw a region map (measure > threshold) instead of a colour scale.
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub threshold: Option<f64>,
    /// A curve over the plot, `label=formula in x`; repeat for several.
    #[arg(long = "overlay", value_name = "LABEL=FORMULA")]
    pub overlays: Vec<String>,
    /// The plot's title.
    #[arg(long)]
    pub title: Option<String>,
    /// The base seed (default: the scenario's); each point gets its own
    /// seed derived from it and the point's index.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Monte Carlo episodes per point.
    #[arg(long)]
    pub episodes: Option<usize>,
    /// Force exact evaluation or Monte Carlo.
    #[arg(long, value_parser = ["auto", "exact", "monte-carlo"])]
    pub method: Option<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}
