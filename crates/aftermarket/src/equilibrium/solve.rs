//! The loop around a [`Learner`]: stopping, timing and observers.
//!
//! [`Solve`] runs a learner from the uniform profile (or a given one)
//! until the largest relative utility loss over bidders,
//! \\(\max_i \sum_t w_t (\max_j u_i(b_j|v_t) - u_i(\sigma_i|v_t)) / \sum_t w_t \max_j u_i(b_j|v_t)\\),
//! is at most `tol` ([`Stop::Converged`]), the iteration budget is spent
//! ([`Stop::MaxIters`]) or the time budget is ([`Stop::Timeout`]).
//!
//! ## References
//! - M. Fichtl, M. Oberlechner, M. Bichler, *Computing Bayes–Nash
//!   equilibrium strategies in auction games via simultaneous online dual
//!   averaging*, Operations Research (2024) — relative utility loss.

use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::equilibrium::discrete_game::{
    DiscreteGame, Metrics, MixedStrategy, SolveError, State, invalid,
};
use crate::equilibrium::game::{BayesGame, Outcomes, mean_actions};
use crate::equilibrium::learner::{Extragradient, Learner};

/// Why the loop stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stop {
    /// The relative utility loss reached the tolerance.
    Converged,
    /// The iteration budget was spent.
    MaxIters,
    /// The time budget was spent.
    Timeout,
}

impl Stop {
    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Stop::Converged => "converged",
            Stop::MaxIters => "max-iters",
            Stop::Timeout => "timeout",
        }
    }
}

/// What an observer sees.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Iterations done.
    pub iter: usize,
    /// The iteration budget.
    pub max_iters: usize,
    /// Metrics of the latest profile.
    pub metrics: &'a Metrics,
    /// Time since the start.
    pub elapsed: Duration,
}

/// The result of [`Solve::run`].
#[derive(Debug, Clone)]
pub struct Solution {
    /// The final profile.
    pub strategies: Vec<MixedStrategy>,
    /// Why the loop stopped.
    pub stop: Stop,
    /// Iterations done.
    pub iters: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Utility loss of the final profile.
    pub metrics: Metrics,
    /// Metrics of each iteration's profile.
    pub history: Vec<Metrics>,
}

impl Solution {
    /// Mean bid at each type, per bidder.
    pub fn mean_bids<G: BayesGame + ?Sized>(&self, game: &G) -> Vec<Vec<f64>> {
        self.strategies
            .iter()
            .enumerate()
            .map(|(i, s)| {
                mean_actions(game, i, s)
                    .into_iter()
                    .map(|a| a.first().copied().unwrap_or(0.0))
                    .collect()
            })
            .collect()
    }

    /// The mean of every action coordinate per bidder and type:
    /// `[i][t][k]` (the bid on unit `k` for multi-unit games).
    pub fn mean_actions<G: BayesGame + ?Sized>(&self, game: &G) -> Vec<Vec<Vec<f64>>> {
        self.strategies
            .iter()
            .enumerate()
            .map(|(i, s)| mean_actions(game, i, s))
            .collect()
    }
}

type Observer<'o> = Box<dyn FnMut(&Progress<'_>) + 'o>;

/// Runs a learner on a game.
pub struct Solve<'g, 'o, L: Learner> {
    game: &'g dyn BayesGame,
    learner: L,
    max_iters: usize,
    tol: f64,
    timeout: Option<Duration>,
    init: Option<State>,
    observer: Option<(Observer<'o>, usize)>,
    keep_history: bool,
}

impl<'g, 'o, L: Learner> Solve<'g, 'o, L> {
    /// A loop of at most 1000 iterations to a tolerance of 1e-3.
    pub fn new(game: &'g dyn BayesGame, learner: L) -> Self {
        Solve {
            game,
            learner,
            max_iters: 1000,
            tol: 1e-3,
            timeout: None,
            init: None,
            observer: None,
            keep_history: true,
        }
    }
    /// The iteration budget.
    pub fn max_iters(mut self, k: usize) -> Self {
        self.max_iters = k;
        self
    }
    /// The tolerance on the largest relative utility loss.
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
    /// The time budget.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
    /// The starting profile (uniform by default).
    pub fn init(mut self, s: State) -> Self {
        self.init = Some(s);
        self
    }
    /// Whether to keep every iteration's metrics (default yes).
    pub fn history(mut self, keep: bool) -> Self {
        self.keep_history = keep;
        self
    }
    /// Calls `f` every `every` iterations (and at the end).
    pub fn observe(mut self, f: impl FnMut(&Progress<'_>) + 'o, every: usize) -> Self {
        self.observer = Some((Box::new(f), every.max(1)));
        self
    }

    /// Runs the loop.
    ///
    /// # Errors
    /// `tol` not >= 0; a starting profile that does not fit; a learner
    /// error.
    pub fn run(mut self) -> Result<Solution, SolveError> {
        self.run_mut()
    }

    /// As [`Self::run`], and gives the learner back (with its accumulated
    /// state, e.g. to carry a dual over to a finer grid).
    ///
    /// # Errors
    /// As [`Self::run`].
    pub fn run_with_learner(mut self) -> Result<(Solution, L), SolveError> {
        let sol = self.run_mut()?;
        Ok((sol, self.learner))
    }

    fn run_mut(&mut self) -> Result<Solution, SolveError> {
        if self.tol.is_nan() || self.tol < 0.0 {
            return Err(invalid("learner.tol", "must be >= 0", self.tol));
        }
        let start = Instant::now();
        let mut state = self
            .init
            .take()
            .unwrap_or_else(|| self.game.uniform_state());
        self.game.check_profile(&state.strategies)?;
        let mut history = Vec::new();
        let mut done = 0usize;
        loop {
            if done >= self.max_iters {
                let metrics = self.game.utility_loss(&state.strategies)?;
                let stop = if metrics.max_relative() <= self.tol {
                    Stop::Converged
                } else {
                    Stop::MaxIters
                };
                return Ok(self.finish(state, stop, done, start, metrics, history));
            }
            let (next, metrics) = self.learner.step(self.game, state)?;
            if let Some((f, every)) = self.observer.as_mut()
                && done % *every == 0
            {
                f(&Progress {
                    iter: done,
                    max_iters: self.max_iters,
                    metrics: &metrics,
                    elapsed: start.elapsed(),
                });
            }
            if metrics.max_relative() <= self.tol {
                // The profile measured was the one before the step; the
                // step's result is returned only if it is as good.
                let after = self.game.utility_loss(&next.strategies)?;
                if after.max_relative() <= self.tol {
                    return Ok(self.finish(next, Stop::Converged, done + 1, start, after, history));
                }
            }
            if self.keep_history {
                history.push(metrics.clone());
            }
            done += 1;
            state = next;
            if self.timeout.is_some_and(|t| start.elapsed() >= t) {
                let metrics = self.game.utility_loss(&state.strategies)?;
                return Ok(self.finish(state, Stop::Timeout, done, start, metrics, history));
            }
        }
    }

    fn finish(
        &mut self,
        state: State,
        stop: Stop,
        iters: usize,
        start: Instant,
        metrics: Metrics,
        mut history: Vec<Metrics>,
    ) -> Solution {
        if let Some((f, _)) = self.observer.as_mut() {
            f(&Progress {
                iter: iters,
                max_iters: self.max_iters,
                metrics: &metrics,
                elapsed: start.elapsed(),
            });
        }
        if self.keep_history {
            history.push(metrics.clone());
        }
        Solution {
            strategies: state.strategies,
            stop,
            iters,
            elapsed: start.elapsed(),
            metrics,
            history,
        }
    }
}

/// Options of [`solve_coarse_to_fine`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoarseToFine {
    /// Step size of [`Extragradient`].
    pub eta: f64,
    /// Tolerance on the largest relative utility loss, at every level.
    pub tol: f64,
    /// Iteration budget over all levels.
    pub max_iters: usize,
    /// Grid size of the coarsest level (the larger of types and bids).
    pub coarsest: usize,
    /// Weight of the carried-over dual, in steps: the coarser level's
    /// accumulated utilities are rescaled to this many steps' worth, so the
    /// finer level keeps the coarse solution's shape without being locked
    /// into it.
    pub carry: f64,
    /// Iteration budget of each coarser level.
    pub coarse_iters: usize,
}

impl Default for CoarseToFine {
    fn default() -> Self {
        CoarseToFine {
            eta: 200.0,
            tol: 1e-3,
            max_iters: 2000,
            coarsest: 64,
            carry: 50.0,
            coarse_iters: 100,
        }
    }
}

/// Solves a single-item auction from coarse to fine grids.
///
/// The grid is halved until it is at most `coarsest` points, that game is
/// solved by [`Extragradient`], and each finer level starts from the
/// coarser level's accumulated utilities: winning probability and
/// expected payment are functions of the bid, so the dual carries over by
/// interpolating in the bid. Most iterations then run on small grids and
/// the finest grid needs only a few. The reported iterations are summed
/// over levels, the time is the total.
///
/// ```
/// # use std::sync::Arc;
/// use aftermarket::equilibrium::{CoarseToFine, DiscreteGame, Format, Stop, solve_coarse_to_fine};
/// use aftermarket::prior::Uniform;
/// let u = Arc::new(Uniform::new(0.0, 1.0)?);
/// let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![u.clone(), u], 200, 200, 0.6)?;
/// let sol = solve_coarse_to_fine(&g, &CoarseToFine::default())?;
/// assert_eq!(sol.stop, Stop::Converged);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// `eta` not > 0, `tol` not >= 0, `coarsest < 2`.
pub fn solve_coarse_to_fine(
    game: &DiscreteGame,
    opts: &CoarseToFine,
) -> Result<Solution, SolveError> {
    if opts.coarsest < 2 {
        return Err(invalid("coarsest", "must be >= 2", opts.coarsest));
    }
    let start = Instant::now();
    let (nt, nb) = (game.cells(), game.n_bids());
    let top = nt.max(nb);
    let mut sizes = vec![top];
    while let Some(&s) = sizes.last() {
        if s <= opts.coarsest {
            break;
        }
        sizes.push(s.div_ceil(2));
    }
    // A grid already at most `coarsest` (but not tiny) still starts from one
    // level of half its size: those iterations cost a quarter and settle
    // most of the shape.
    if sizes.len() == 1 && top >= 32 {
        sizes.push(top.div_ceil(2));
    }
    sizes.reverse();
    // The previous level's bid grid and its dual (slopes, offsets).
    let mut dual: Option<Carried> = None;
    let mut used = 0usize;
    let last = sizes.len() - 1;
    for (k, &s) in sizes.iter().enumerate() {
        let level;
        let g: &DiscreteGame = if k == last {
            game
        } else {
            let t = (nt * s).div_ceil(top).max(1);
            let b = (nb * s).div_ceil(top).max(2);
            level = game.with_grid(t, b)?;
            &level
        };
        let mut learner = Extragradient::new(opts.eta)?;
        if let Some(Carried(bids, a, b)) = dual.take() {
            let fine = g.bids();
            learner = learner.with_affine_dual(
                a.iter().map(|y| interpolate(&bids, y, fine)).collect(),
                b.iter().map(|y| interpolate(&bids, y, fine)).collect(),
            );
        }
        let init = learner
            .initial_state(g)
            .unwrap_or_else(|| g.uniform_state());
        // A coarse level only seeds the next one: it gets a small budget (a
        // tolerance the coarse grid cannot reach, e.g. 1e-4 on all-pay at 32
        // points, would otherwise spend half of the whole budget there) and
        // never more than half of what is left, so the finest level always
        // gets a share. Its iterations are cheap, so it does aim at `tol`:
        // stopping it earlier costs more iterations on the finest grid.
        let left = opts.max_iters.saturating_sub(used).max(1);
        let budget = if k == last {
            left
        } else {
            left.div_ceil(2).min(opts.coarse_iters.max(1))
        };
        let (sol, learner) = Solve::new(g, learner)
            .max_iters(budget)
            .tol(opts.tol)
            .history(false)
            .init(init)
            .run_with_learner()?;
        used += sol.iters;
        if k == last {
            return Ok(Solution {
                iters: used,
                elapsed: start.elapsed(),
                ..sol
            });
        }
        if let Some((a, b)) = learner.affine_dual() {
            let scale = (opts.carry / sol.iters.max(1) as f64).min(1.0);
            let rescale = |d: &[Vec<f64>]| -> Vec<Vec<f64>> {
                d.iter()
                    .map(|y| y.iter().map(|x| x * scale).collect())
                    .collect()
            };
            dual = Some(Carried(g.bids().to_vec(), rescale(a), rescale(b)));
        }
    }
    Err(invalid("grid", "must have at least one level", 0))
}

/// A dual carried to the next level: bid grid, slopes, offsets.
struct Carried(Vec<f64>, Vec<Vec<f64>>, Vec<Vec<f64>>);

/// `ys` given at increasing `xs`, linear in between and flat beyond, at `at`.
fn interpolate(xs: &[f64], ys: &[f64], at: &[f64]) -> Vec<f64> {
    at.iter()
        .map(|&x| {
            let k = xs.partition_point(|&p| p <= x);
            if k == 0 {
                ys[0]
            } else if k >= xs.len() {
                ys[xs.len() - 1]
            } else {
                let (x0, x1) = (xs[k - 1], xs[k]);
                ys[k - 1] + (ys[k] - ys[k - 1]) * (x - x0) / (x1 - x0)
            }
        })
        .collect()
}

/// A starting profile of [`Restarts`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Start {
    /// Every type mixes uniformly over its actions.
    Uniform,
    /// Every type plays the action nearest its own type point.
    Truthful,
    /// Every type plays the action nearest the given multiple of its type.
    Shaded(f64),
    /// A random mixed profile from a seeded ChaCha8 generator.
    Random(u64),
}

impl Start {
    /// A short name for reports.
    pub fn name(&self) -> String {
        match self {
            Start::Uniform => "uniform".into(),
            Start::Truthful => "truthful".into(),
            Start::Shaded(f) => format!("shaded x{f}"),
            Start::Random(seed) => format!("random (seed {seed})"),
        }
    }

    /// The starting profile on `game`.
    pub fn state(&self, game: &dyn BayesGame) -> State {
        let near = |i: usize, t: usize, f: f64| -> usize {
            let x = game.type_point(i, t);
            let mut best = (f64::INFINITY, 0);
            for a in 0..game.n_actions(i) {
                let d: f64 = game
                    .action(i, a)
                    .iter()
                    .zip(x)
                    .map(|(b, v)| (b - f * v) * (b - f * v))
                    .sum();
                if d < best.0 {
                    best = (d, a);
                }
            }
            best.1
        };
        let pure = |f: f64| State {
            strategies: (0..game.n_bidders())
                .map(|i| {
                    let choice: Vec<usize> = (0..game.type_weights(i).len())
                        .map(|t| near(i, t, f))
                        .collect();
                    MixedStrategy::pure(&choice, game.n_actions(i))
                })
                .collect(),
            iter: 0,
        };
        match *self {
            Start::Uniform => game.uniform_state(),
            Start::Truthful => pure(1.0),
            Start::Shaded(f) => pure(f),
            Start::Random(seed) => {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let strategies = (0..game.n_bidders())
                    .map(|i| {
                        let (nt, m) = (game.type_weights(i).len(), game.n_actions(i));
                        let mut s = MixedStrategy::uniform(nt, m);
                        for row in s.probs.chunks_mut(m) {
                            // Fourth powers of uniforms: a few actions dominate each row.
                            row.iter_mut().for_each(|p| {
                                let u: f64 = rng.random();
                                *p = u.powi(4);
                            });
                            let z: f64 = row.iter().sum();
                            row.iter_mut().for_each(|p| *p /= z);
                        }
                        s
                    })
                    .collect();
                State {
                    strategies,
                    iter: 0,
                }
            }
        }
    }
}

/// One equilibrium found by [`Restarts`]: the first start that reached
/// it, how many did, and its solution.
#[derive(Debug, Clone)]
pub struct Found {
    /// The first start that reached it.
    pub start: Start,
    /// Starts that reached it.
    pub count: usize,
    /// The solution of the first start that reached it.
    pub solution: Solution,
    /// Welfare, revenue and efficiency, if the game defines them.
    pub outcomes: Option<Outcomes>,
}

/// The distinct equilibria found from several starts.
#[derive(Debug, Clone)]
pub struct RestartReport {
    /// Distinct solutions, in the order found.
    pub found: Vec<Found>,
    /// Starts run.
    pub runs: usize,
}

impl RestartReport {
    /// The index and welfare of the found equilibrium with the lowest
    /// welfare among those that reached the tolerance: the worst *found*,
    /// not a proven worst equilibrium.
    pub fn worst_welfare_found(&self) -> Option<(usize, f64)> {
        self.found
            .iter()
            .enumerate()
            .filter(|(_, f)| f.solution.stop == Stop::Converged)
            .filter_map(|(k, f)| f.outcomes.map(|o| (k, o.welfare)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// Runs a learner from several starting profiles and groups the solutions
/// into distinct equilibria: two solutions are the same when their mean
/// actions differ by at most `distinct` at every type of positive weight.
/// Starts run one after another (each learner may use all cores), and
/// random starts are seeded, so the report does not depend on the number
/// of threads.
#[derive(Debug, Clone)]
pub struct Restarts {
    /// The starting profiles.
    pub starts: Vec<Start>,
    /// Distance between mean-action functions above which two solutions
    /// are distinct.
    pub distinct: f64,
    /// Iteration budget per start.
    pub max_iters: usize,
    /// Tolerance on the relative utility loss.
    pub tol: f64,
}

impl Restarts {
    /// `count` starts: uniform, truthful, shaded by half, then random
    /// starts seeded `seed`, `seed + 1`, ….
    pub fn standard(count: usize, seed: u64) -> Vec<Start> {
        let fixed = [Start::Uniform, Start::Truthful, Start::Shaded(0.5)];
        fixed
            .into_iter()
            .chain((0..).map(|k| Start::Random(seed.wrapping_add(k))))
            .take(count)
            .collect()
    }

    /// Runs every start with a fresh learner from `make`.
    ///
    /// # Errors
    /// No starts; a learner or game error.
    pub fn run<L: Learner>(
        &self,
        game: &dyn BayesGame,
        make: impl Fn() -> Result<L, SolveError>,
    ) -> Result<RestartReport, SolveError> {
        if self.starts.is_empty() {
            return Err(invalid("restarts.count", "must be >= 1", 0));
        }
        let mut found: Vec<(Vec<Vec<Vec<f64>>>, Found)> = Vec::new();
        for start in &self.starts {
            let sol = Solve::new(game, make()?)
                .max_iters(self.max_iters)
                .tol(self.tol)
                .history(false)
                .init(start.state(game))
                .run()?;
            let means = sol.mean_actions(game);
            let same = found
                .iter_mut()
                .find(|(other, _)| distance(game, &means, other) <= self.distinct);
            match same {
                Some((_, f)) => f.count += 1,
                None => {
                    let outcomes = game.outcomes(&sol.strategies);
                    found.push((
                        means,
                        Found {
                            start: *start,
                            count: 1,
                            solution: sol,
                            outcomes,
                        },
                    ));
                }
            }
        }
        Ok(RestartReport {
            found: found.into_iter().map(|(_, f)| f).collect(),
            runs: self.starts.len(),
        })
    }
}

/// The largest difference between two mean-action functions over bidders,
/// types of positive weight and coordinates.
fn distance(game: &dyn BayesGame, a: &[Vec<Vec<f64>>], b: &[Vec<Vec<f64>>]) -> f64 {
    let mut d = 0.0f64;
    for (i, (ai, bi)) in a.iter().zip(b).enumerate() {
        for ((x, y), &w) in ai.iter().zip(bi).zip(game.type_weights(i)) {
            if w > 0.0 {
                for (p, q) in x.iter().zip(y) {
                    d = d.max((p - q).abs());
                }
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::equilibrium::Format;
    use crate::prior::{Prior, Uniform};

    #[test]
    fn coarse_to_fine_reaches_the_tolerance_on_the_fine_grid() {
        let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0).expect("uniform"));
        let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![u.clone(), u], 150, 150, 0.6)
            .expect("game");
        let sol = solve_coarse_to_fine(&g, &CoarseToFine::default()).expect("solve");
        assert_eq!(sol.stop, Stop::Converged);
        // The metrics are those of the fine game itself.
        let again = g.utility_loss(&sol.strategies).expect("loss");
        assert!(again.max_relative() <= 1e-3);
        let bids = sol.mean_bids(&g);
        let step = 0.6 / 149.0;
        for (v, b) in g.types(0).points.iter().zip(&bids[0]) {
            assert!((b - v / 2.0).abs() < 3.0 * step, "type {v}: bid {b}");
        }
    }

    #[test]
    fn restarts_find_one_first_price_equilibrium() {
        let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0).expect("uniform"));
        let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![u.clone(), u], 32, 32, 0.6)
            .expect("game");
        let r = Restarts {
            starts: Restarts::standard(5, 7),
            distinct: 0.05,
            max_iters: 2000,
            tol: 1e-3,
        };
        let report = r.run(&g, || Extragradient::new(50.0)).expect("run");
        assert_eq!(report.runs, 5);
        // The first-price equilibrium is unique: every start lands on it.
        assert_eq!(
            report.found.len(),
            1,
            "{:?}",
            report.found.iter().map(|f| f.start).collect::<Vec<_>>()
        );
        assert_eq!(report.found[0].count, 5);
        let (_, w) = report.worst_welfare_found().expect("converged");
        // Efficient: welfare is E[max of two values] on the grid, about 2/3.
        assert!((w - 2.0 / 3.0).abs() < 0.02, "{w}");
        // Same seeds, same random starts.
        let a = Start::Random(3).state(&g);
        let b = Start::Random(3).state(&g);
        assert_eq!(a, b);
    }

    #[test]
    fn interpolation_is_linear_and_flat_beyond() {
        let y = interpolate(&[0.0, 1.0], &[2.0, 4.0], &[-1.0, 0.25, 2.0]);
        assert_eq!(y.len(), 3);
        assert!((y[0] - 2.0).abs() < 1e-15 && (y[1] - 2.5).abs() < 1e-15);
        assert!((y[2] - 4.0).abs() < 1e-15);
    }
}
