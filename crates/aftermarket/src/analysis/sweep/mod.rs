//! Parameter sweeps: one evaluation per point of a grid, in parallel,
//! each written down as soon as it finishes.
//!
//! A sweep has three parts:
//! - a [`Grid`] of [`Axis`] values (`aftermarket.alpha=0:1:11`), whose
//!   points are numbered in a fixed order;
//! - a [`SweepTarget`], the pure function (parameter point, seed) →
//!   numbers. [`ScenarioTarget`] sets fields of a scenario file and runs
//!   the market; a closed-form model can implement the trait too;
//! - a [`SweepSink`] that keeps the rows: [`CsvSink`] appends each
//!   finished row to a CSV file and flushes it, and on resume skips the
//!   points already there, so an interrupted sweep loses nothing.
//!
//! Point `i` is evaluated with the seed [`point_seed`]`(seed, i)`, so a
//! row depends on the scenario, the point and the base seed only: never on
//! the order of evaluation, the thread count or which earlier run wrote
//! it. A point that fails is recorded with its error and the sweep goes
//! on.
//!
//! ```
//! use aftermarket::analysis::sweep::{Axis, Grid, ScenarioTarget, EvalOptions, VecSink, run_sweep};
//! let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
//!     "/../../scenarios/pagnozzi-ex1-separate-resale.toml"))?;
//! let grid = Grid::new(vec![Axis::parse("aftermarket.alpha=0.5:1:3")?])?;
//! let target = ScenarioTarget::new(&text, "ex1.toml", None, grid.axes(),
//!     &["resale_payments".to_string()], EvalOptions::default())?;
//! let mut rows = VecSink::default();
//! run_sweep(&target, &grid, 1, &mut rows, None)?;
//! // W resells its unit to S at 2 + α (10 − 2).
//! let prices: Vec<f64> = rows.rows().iter().map(|r| r.values.as_ref().unwrap()[0]).collect();
//! assert_eq!(prices, vec![6.0, 8.0, 10.0]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod axis;
mod heatmap;
mod scenario_target;
mod sink;

pub use axis::{Axis, Grid, MAX_POINTS};
pub use heatmap::{Heatmap, LinePlot, Overlay, Scale, heatmap_svg, line_svg, plot_sweep};
pub use scenario_target::{EvalOptions, ScenarioTarget, set_field};
pub use sink::{CsvSink, SweepTable, csv_header};

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use thiserror::Error;

/// Errors raised by sweeps.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SweepError {
    /// A malformed axis.
    #[error("axis `{spec}`: {reason}")]
    Axis {
        /// The axis as written.
        spec: String,
        /// What is wrong.
        reason: String,
    },
    /// A bad grid.
    #[error("{0}")]
    Grid(String),
    /// A field that cannot be set.
    #[error("field `{field}`: {reason}")]
    Field {
        /// The dotted path.
        field: String,
        /// Why it cannot be set.
        reason: String,
    },
    /// A measure the target does not know.
    #[error("unknown measure `{name}`; available: {available}")]
    Measure {
        /// The name asked for.
        name: String,
        /// The names that exist.
        available: String,
    },
    /// The scenario at a point breaks a rule.
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// The market at a point failed.
    #[error("{0}")]
    Market(String),
    /// The target failed at a point.
    #[error("{0}")]
    Target(String),
    /// Reading or writing results.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// Existing results do not belong to this sweep.
    #[error("{path}: cannot resume: {reason}")]
    Resume {
        /// The file.
        path: String,
        /// Why not.
        reason: String,
    },
    /// A plot cannot be drawn.
    #[error("plot: {0}")]
    Plot(String),
}

/// A function of a parameter point and a seed, swept over a grid.
///
/// Implementations must be pure: the same point and seed give the same
/// numbers, whatever thread runs them and in whatever order.
pub trait SweepTarget: Send + Sync {
    /// Names of the numbers [`SweepTarget::evaluate`] returns.
    fn columns(&self) -> Vec<String>;

    /// The numbers at `point` (one value per axis, in axis order).
    ///
    /// # Errors
    /// The point is infeasible or the evaluation failed; the sweep records
    /// the message and goes on.
    fn evaluate(&self, point: &[f64], seed: u64) -> Result<Vec<f64>, SweepError>;

    /// The number of parameters a point has, when the target knows it.
    fn n_params(&self) -> Option<usize> {
        None
    }
}

/// The seed of point `index` in a sweep with base seed `seed`: a
/// SplitMix64 mix of the two. Part of the results' format: changing it
/// changes every Monte Carlo number.
pub fn point_seed(seed: u64, index: usize) -> u64 {
    let mut z = seed
        ^ (index as u64)
            .wrapping_add(1)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One finished point.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    /// The point's index in the grid.
    pub point: usize,
    /// The seed it was evaluated with.
    pub seed: u64,
    /// Its parameter values, one per axis.
    pub params: Vec<f64>,
    /// The target's numbers, or the error message.
    pub values: Result<Vec<f64>, String>,
}

/// A point already recorded by an earlier run.
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    /// The point's index.
    pub point: usize,
    /// The seed recorded.
    pub seed: u64,
    /// The parameter values recorded.
    pub params: Vec<f64>,
}

/// Where finished rows go.
pub trait SweepSink: Send {
    /// Points recorded before this run; the runner skips them.
    fn finished(&self) -> Vec<Finished> {
        Vec::new()
    }

    /// Records one row (called once per point, in completion order).
    ///
    /// # Errors
    /// The row cannot be stored; the sweep stops.
    fn write(&mut self, row: &SweepRow) -> Result<(), SweepError>;

    /// Called once every point of the grid is recorded.
    ///
    /// # Errors
    /// The results cannot be finalised.
    fn complete(&mut self) -> Result<(), SweepError> {
        Ok(())
    }
}

/// Rows kept in memory.
#[derive(Debug, Clone, Default)]
pub struct VecSink {
    rows: Vec<SweepRow>,
}

impl VecSink {
    /// The rows, in point order once the sweep is complete.
    pub fn rows(&self) -> &[SweepRow] {
        &self.rows
    }
}

impl SweepSink for VecSink {
    fn finished(&self) -> Vec<Finished> {
        self.rows
            .iter()
            .map(|r| Finished {
                point: r.point,
                seed: r.seed,
                params: r.params.clone(),
            })
            .collect()
    }

    fn write(&mut self, row: &SweepRow) -> Result<(), SweepError> {
        self.rows.push(row.clone());
        Ok(())
    }

    fn complete(&mut self) -> Result<(), SweepError> {
        self.rows.sort_by_key(|r| r.point);
        Ok(())
    }
}

/// What a sweep did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SweepSummary {
    /// Points in the grid.
    pub points: usize,
    /// Points recorded by an earlier run and skipped.
    pub resumed: usize,
    /// Points evaluated by this run.
    pub evaluated: usize,
    /// Points of this run that failed.
    pub failed: usize,
}

/// A progress callback: (points evaluated in this run, points this run
/// has to evaluate).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Evaluates `target` at every point of `grid` not yet in `sink`, in
/// parallel on the current rayon pool, writing each row as it finishes.
///
/// # Errors
/// The target's parameter count differs from the grid's, the sink's
/// earlier rows do not belong to this grid and seed, or the sink fails.
/// A failing point is not an error: its row holds the message.
pub fn run_sweep(
    target: &dyn SweepTarget,
    grid: &Grid,
    seed: u64,
    sink: &mut (dyn SweepSink + Send),
    progress: Option<Progress<'_>>,
) -> Result<SweepSummary, SweepError> {
    if let Some(n) = target.n_params()
        && n != grid.axes().len()
    {
        return Err(SweepError::Grid(format!(
            "the target takes {n} parameter(s) but the grid has {} axis/axes",
            grid.axes().len()
        )));
    }
    let mut done = vec![false; grid.len()];
    for f in sink.finished() {
        let expected = grid.point(f.point).ok_or_else(|| {
            SweepError::Grid(format!(
                "recorded point {} is outside the grid of {} points",
                f.point,
                grid.len()
            ))
        })?;
        if !same_params(&f.params, &expected) {
            return Err(SweepError::Grid(format!(
                "recorded point {} has parameters {:?} but the grid gives {:?}",
                f.point, f.params, expected
            )));
        }
        let s = point_seed(seed, f.point);
        if f.seed != s {
            return Err(SweepError::Grid(format!(
                "recorded point {} was evaluated with seed {} but this sweep gives it {s} (another base seed?)",
                f.point, f.seed
            )));
        }
        done[f.point] = true;
    }
    let pending: Vec<usize> = (0..grid.len()).filter(|&i| !done[i]).collect();
    let resumed = grid.len() - pending.len();
    let total = pending.len();
    let counter = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let sink = Mutex::new(sink);
    pending.par_iter().try_for_each(|&i| {
        let params = grid.point(i).unwrap_or_default();
        let s = point_seed(seed, i);
        let values = target.evaluate(&params, s).map_err(|e| e.to_string());
        if values.is_err() {
            failed.fetch_add(1, Ordering::Relaxed);
        }
        let row = SweepRow {
            point: i,
            seed: s,
            params,
            values,
        };
        sink.lock()
            .map_err(|_| SweepError::Target("a sink writer panicked".into()))?
            .write(&row)?;
        let d = counter.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(p) = progress {
            p(d, total);
        }
        Ok::<(), SweepError>(())
    })?;
    let sink = sink
        .into_inner()
        .map_err(|_| SweepError::Target("a sink writer panicked".into()))?;
    sink.complete()?;
    Ok(SweepSummary {
        points: grid.len(),
        resumed,
        evaluated: total,
        failed: failed.into_inner(),
    })
}

/// Parameters read back from a file match the grid's when they print the
/// same (values are written in shortest round-trip form).
fn same_params(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

#[cfg(test)]
mod tests;
