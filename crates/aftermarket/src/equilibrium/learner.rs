//! Learning dynamics on a [`DiscreteGame`]: one step each.
//!
//! A [`Learner`] maps a profile to the next one and reports the utility
//! loss of the profile it was given; [`crate::equilibrium::Solve`] owns the
//! loop.
//!
//! - [`DualAveraging`]: simultaneous online dual averaging (SODA). Each
//!   bidder accumulates its utility gradient \\(y_i \leftarrow y_i + \eta_t
//!   U_i\\), \\(\eta_t = \eta_0 t^{-\beta}\\), and plays the regularised
//!   best response to \\(y_i\\): with the entropic regulariser
//!   \\(\sigma_i[t,\cdot] = \operatorname{softmax}(y_i[t,\cdot])\\); with the
//!   Euclidean one, the projection of \\(y_i[t,\cdot]\\) onto the simplex.
//! - [`FictitiousPlay`]: a best response to the time average of the
//!   rivals' play; the average is the reported profile.
//! - [`BestResponse`]: every bidder plays a pure best response to the
//!   current profile.
//!
//! ## References
//! - M. Fichtl, M. Oberlechner, M. Bichler, *Computing Bayes–Nash
//!   equilibrium strategies in auction games via simultaneous online dual
//!   averaging*, Operations Research (2024).
//! - G. W. Brown, *Iterative solution of games by fictitious play* (1951).

use rayon::prelude::*;

use crate::equilibrium::discrete_game::{Metrics, MixedStrategy, SolveError, State, invalid};
use crate::equilibrium::game::{BayesGame, best_actions, metrics_from_utilities};

/// One step of a learning dynamic.
pub trait Learner {
    /// A short name, e.g. `soda-entropic`.
    fn name(&self) -> &str;
    /// The next profile, and the metrics of `state` (the profile given).
    ///
    /// # Errors
    /// A profile that does not fit the game.
    fn step(&mut self, game: &dyn BayesGame, state: State) -> Result<(State, Metrics), SolveError>;
}

/// Interim utilities of every bidder at `profile` and the profile's metrics.
fn utilities_and_metrics(
    game: &dyn BayesGame,
    profile: &[MixedStrategy],
) -> Result<(Vec<Vec<f64>>, Metrics), SolveError> {
    let mut u = Vec::new();
    game.utilities(profile, &mut u)?;
    let metrics = metrics_from_utilities(game, profile, &u);
    Ok((u, metrics))
}

/// The regulariser of [`DualAveraging`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regulariser {
    /// Negative entropy: play the softmax of the dual variable.
    Entropic,
    /// Half the squared norm: play its projection onto the simplex.
    Euclidean,
}

/// Simultaneous online dual averaging (SODA).
///
/// ```
/// # use std::sync::Arc;
/// use aftermarket::equilibrium::{DiscreteGame, DualAveraging, Format, Solve};
/// use aftermarket::prior::Uniform;
/// let u = Arc::new(Uniform::new(0.0, 1.0)?);
/// let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![u.clone(), u], 32, 33, 0.64)?;
/// let sol = Solve::new(&g, DualAveraging::entropic(20.0, 0.05)?).max_iters(3000).tol(1e-3).run()?;
/// let bids = sol.mean_bids(&g);
/// // b(v) = v/2 at the type nearest 0.75.
/// assert!((bids[0][24] - 0.75 * 0.5 + 0.01).abs() < 0.03);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// `eta <= 0` or `beta` outside \[0, 1\].
#[derive(Debug, Clone)]
pub struct DualAveraging {
    regulariser: Regulariser,
    eta: f64,
    beta: f64,
    dual: Vec<Vec<f64>>,
    name: &'static str,
}

impl DualAveraging {
    /// With the entropic regulariser.
    ///
    /// # Errors
    /// As [`Self::new`].
    pub fn entropic(eta: f64, beta: f64) -> Result<Self, SolveError> {
        Self::new(Regulariser::Entropic, eta, beta)
    }

    /// With the Euclidean regulariser.
    ///
    /// # Errors
    /// As [`Self::new`].
    pub fn euclidean(eta: f64, beta: f64) -> Result<Self, SolveError> {
        Self::new(Regulariser::Euclidean, eta, beta)
    }

    /// Step size \\(\eta_t = \eta_0 t^{-\beta}\\).
    ///
    /// # Errors
    /// `eta` not > 0 and finite; `beta` outside \[0, 1\].
    pub fn new(regulariser: Regulariser, eta: f64, beta: f64) -> Result<Self, SolveError> {
        if !(eta.is_finite() && eta > 0.0) {
            return Err(invalid("learner.eta", "must be > 0 and finite", eta));
        }
        if !(0.0..=1.0).contains(&beta) {
            return Err(invalid("learner.beta", "must be in [0, 1]", beta));
        }
        Ok(DualAveraging {
            regulariser,
            eta,
            beta,
            dual: Vec::new(),
            name: match regulariser {
                Regulariser::Entropic => "soda-entropic",
                Regulariser::Euclidean => "soda-euclidean",
            },
        })
    }
}

impl Learner for DualAveraging {
    fn name(&self) -> &str {
        self.name
    }

    fn step(&mut self, game: &dyn BayesGame, state: State) -> Result<(State, Metrics), SolveError> {
        let (u, metrics) = utilities_and_metrics(game, &state.strategies)?;
        if self.dual.len() != game.n_bidders()
            || self
                .dual
                .iter()
                .zip(&state.strategies)
                .any(|(d, s)| d.len() != s.probs.len())
        {
            self.dual = state
                .strategies
                .iter()
                .map(|s| vec![0.0; s.probs.len()])
                .collect();
        }
        let t = (state.iter + 1) as f64;
        let eta = self.eta * t.powf(-self.beta);
        let mut next = state.strategies;
        let regulariser = self.regulariser;
        for (i, (s, ui)) in next.iter_mut().zip(&u).enumerate() {
            let m = game.n_actions(i);
            self.dual[i]
                .par_chunks_mut(m)
                .zip(s.probs.par_chunks_mut(m))
                .zip(ui.par_chunks(m))
                .for_each_init(
                    || vec![0.0; m],
                    |scratch, ((y, row), urow)| {
                        for (yj, &x) in y.iter_mut().zip(urow) {
                            *yj += eta * x;
                        }
                        match regulariser {
                            Regulariser::Entropic => softmax(y, row),
                            Regulariser::Euclidean => project_simplex(y, row, scratch),
                        }
                    },
                );
        }
        Ok((
            State {
                strategies: next,
                iter: state.iter + 1,
            },
            metrics,
        ))
    }
}

fn softmax(y: &[f64], out: &mut [f64]) {
    let mx = y.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut z = 0.0;
    for (o, &x) in out.iter_mut().zip(y) {
        // Below e^-50 relative to the largest weight a bid is never played.
        let d = x - mx;
        let e = if d < -50.0 { 0.0 } else { d.exp() };
        *o = e;
        z += e;
    }
    out.iter_mut().for_each(|o| *o /= z);
}

/// Euclidean projection onto the simplex (sort-based; Held, Wolfe, Crowder).
fn project_simplex(y: &[f64], out: &mut [f64], scratch: &mut [f64]) {
    scratch.copy_from_slice(y);
    scratch.sort_unstable_by(|a, b| b.total_cmp(a));
    let mut cum = 0.0;
    let mut theta = 0.0;
    for (k, &u) in scratch.iter().enumerate() {
        cum += u;
        let th = (cum - 1.0) / (k + 1) as f64;
        if u - th > 0.0 {
            theta = th;
        }
    }
    for (o, &x) in out.iter_mut().zip(y) {
        *o = (x - theta).max(0.0);
    }
}

/// Fictitious play: best respond to the rivals' time-averaged strategies.
#[derive(Debug, Clone, Default)]
pub struct FictitiousPlay;

impl FictitiousPlay {
    /// The learner.
    pub fn new() -> Self {
        FictitiousPlay
    }
}

impl Learner for FictitiousPlay {
    fn name(&self) -> &str {
        "fictitious-play"
    }

    fn step(&mut self, game: &dyn BayesGame, state: State) -> Result<(State, Metrics), SolveError> {
        let (u, metrics) = utilities_and_metrics(game, &state.strategies)?;
        let k = (state.iter + 1) as f64;
        let mut next = state.strategies;
        for (i, (s, ui)) in next.iter_mut().zip(&u).enumerate() {
            let m = game.n_actions(i);
            for (t, j) in best_actions(ui, m).into_iter().enumerate() {
                let row = &mut s.probs[t * m..(t + 1) * m];
                row.iter_mut().for_each(|p| *p *= k / (k + 1.0));
                row[j] += 1.0 / (k + 1.0);
            }
        }
        Ok((
            State {
                strategies: next,
                iter: state.iter + 1,
            },
            metrics,
        ))
    }
}

/// Best-response iteration: all bidders play a pure best response to the
/// current profile.
#[derive(Debug, Clone, Default)]
pub struct BestResponse;

impl BestResponse {
    /// The learner.
    pub fn new() -> Self {
        BestResponse
    }
}

impl Learner for BestResponse {
    fn name(&self) -> &str {
        "best-response"
    }

    fn step(&mut self, game: &dyn BayesGame, state: State) -> Result<(State, Metrics), SolveError> {
        let (u, metrics) = utilities_and_metrics(game, &state.strategies)?;
        let next = u
            .iter()
            .enumerate()
            .map(|(i, ui)| {
                let m = game.n_actions(i);
                MixedStrategy::pure(&best_actions(ui, m), m)
            })
            .collect();
        Ok((
            State {
                strategies: next,
                iter: state.iter + 1,
            },
            metrics,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_must_be_positive() {
        let err = DualAveraging::entropic(0.0, 0.1).expect_err("eta");
        assert_eq!(err.to_string(), "learner.eta must be > 0 and finite, got 0");
    }

    #[test]
    fn beta_must_be_in_unit_interval() {
        let err = DualAveraging::euclidean(1.0, 2.0).expect_err("beta");
        assert_eq!(err.to_string(), "learner.beta must be in [0, 1], got 2");
    }

    #[test]
    fn projection_lands_on_simplex() {
        let y = [0.3, 1.2, -0.5, 0.9];
        let mut out = [0.0; 4];
        let mut s = [0.0; 4];
        project_simplex(&y, &mut out, &mut s);
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((out[1] - 0.65).abs() < 1e-12 && (out[3] - 0.35).abs() < 1e-12);
    }
}
