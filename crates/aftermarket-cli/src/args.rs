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
    /// Core analysis of a reallocation market (divisible goods, bidders who
    /// buy and sell): Vickrey, uniform price, blocking coalitions,
    /// core-selecting payments.
    Core {
        /// The reallocation market file.
        scenario: PathBuf,
        /// Print a versioned JSON object instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Run one market under several primary mechanisms (the scenario's,
    /// uniform-price, with the reserve E[OPT]/(2m), pay-as-bid, posted
    /// price E[OPT]/(2m)) with its aftermarket, with each format's
    /// welfare guarantee.
    Compare {
        /// The scenario file (identical units).
        scenario: PathBuf,
        /// Print a versioned JSON object instead of a table.
        #[arg(long)]
        json: bool,
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
    /// Check that a complete-information scenario's bids are a Nash
    /// equilibrium (critical bids, both tie directions, resale re-solved).
    Verify {
        /// The scenario file.
        scenario: PathBuf,
        /// Print a versioned JSON object instead of tables.
        #[arg(long)]
        json: bool,
        /// Shift of the critical bid levels.
        #[arg(long, default_value_t = 1e-6)]
        eps: f64,
        /// Largest gain still counted as no gain.
        #[arg(long, default_value_t = 1e-5)]
        tol: f64,
        /// Extra critical levels (e.g. willingness to pay), comma-separated.
        #[arg(long, value_delimiter = ',')]
        levels: Vec<f64>,
        /// Bayesian scenarios: quantile points per continuous prior.
        #[arg(long, default_value_t = 8)]
        grid: usize,
        /// Bayesian scenarios: leave halves of the levels out of the critical bids.
        #[arg(long)]
        no_halves: bool,
        /// Check a Bayesian profile in a solve game file instead (one bid
        /// function per bidder; see docs/solve.md).
        #[arg(long)]
        strategies: Option<PathBuf>,
    },
    /// The four regimes of Pagnozzi (2009) for a two-bidder, two-unit
    /// scenario with a nash-bargaining aftermarket: equilibria, revenues,
    /// ranking and Proposition 2.
    Regimes {
        /// The scenario file.
        scenario: PathBuf,
        /// Print a versioned JSON object instead of tables.
        #[arg(long)]
        json: bool,
        /// Skip running the verifier on each selected profile.
        #[arg(long)]
        no_verify: bool,
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
    /// Evaluate a scenario over a grid of parameter values, in parallel,
    /// writing each point to a CSV file as it finishes.
    Sweep(Box<SweepArgs>),
    /// Solve a game file for a Bayes-Nash equilibrium on a grid of types
    /// and bids (see docs/solve.md).
    Solve {
        /// The game file.
        game: PathBuf,
        /// Print a versioned JSON object instead of tables.
        #[arg(long)]
        json: bool,
        /// Write the solved strategies (mean bid per type) to this file.
        #[arg(long)]
        strategies_out: Option<PathBuf>,
        /// Write an SVG plot of the bid functions to this file.
        #[arg(long)]
        plot: Option<PathBuf>,
    },
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
    /// What to evaluate at each point: `scenario` runs the scenario's
    /// strategies (measures of `run`); `regimes` runs paper 001's analysis
    /// of a two-bidder, two-unit scenario with Nash-bargaining resale
    /// (measures: revenue_nb_nr, revenue_nb_r, revenue_b_nr, revenue_b_r,
    /// bundling_resale_best, joint_dr_no_resale, joint_dr_resale, p_star,
    /// welfare_loss_from_resale, unilateral_dr_no_resale,
    /// unilateral_dr_resale).
    #[arg(long, value_parser = ["scenario", "regimes"], default_value = "scenario")]
    pub model: String,
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
