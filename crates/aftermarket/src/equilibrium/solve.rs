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

use crate::equilibrium::discrete_game::{Metrics, MixedStrategy, SolveError, State, invalid};
use crate::equilibrium::game::{BayesGame, mean_actions};
use crate::equilibrium::learner::Learner;

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
