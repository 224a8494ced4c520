//! The seam between a discretised Bayesian game and the learners that
//! solve it.
//!
//! A finite Bayesian game gives each bidder \\(i\\) types \\(t = 1, \dots,
//! n_i\\) with marginal probabilities \\(w_{i,t}\\) and actions \\(a = 1,
//! \dots, m_i\\) (a bid, a vector of marginal bids, a package bid). A mixed
//! strategy is a row-stochastic \\(n_i \times m_i\\) matrix. Everything a
//! learner needs from the game is the *interim utility* of every
//! type–action pair against the others' current strategies,
//! \\[ U_i[t, a] = E\big[u_i(a, \sigma_{-i}(\theta_{-i}) \mid \theta_i = t\big], \\]
//! where the expectation is over the rivals' types given one's own (so
//! correlated priors fit) and over their mixed actions; with an aftermarket
//! it includes the continuation payoff of the trade that follows. How a
//! game computes \\(U\\) is its own business: the single-item auction uses
//! the law of the highest rival bid, multi-unit auctions order statistics,
//! the combined market posteriors on the grid. Dual averaging, fictitious
//! play and best-response iteration ([`crate::equilibrium::Learner`]) and
//! the utility loss ([`BayesGame::utility_loss`]) only read \\(U\\).
//!
//! ## References
//! - M. Fichtl, M. Oberlechner, M. Bichler, *Computing Bayes–Nash
//!   equilibrium strategies in auction games via simultaneous online dual
//!   averaging*, Operations Research (2024) — utilities as a tensor over
//!   discretised types and actions.

use crate::equilibrium::discrete_game::{Metrics, MixedStrategy, SolveError, State, push_metrics};

/// A finite Bayesian game: types with marginal weights, actions, and the
/// interim utility of every type–action pair against a profile.
pub trait BayesGame: Send + Sync {
    /// Number of bidders.
    fn n_bidders(&self) -> usize;

    /// Marginal probability of each of bidder `i`'s types (sums to 1).
    fn type_weights(&self, i: usize) -> &[f64];

    /// Bidder `i`'s type `t` as coordinates (one value, or marginal values).
    fn type_point(&self, i: usize, t: usize) -> &[f64];

    /// Number of bidder `i`'s actions.
    fn n_actions(&self, i: usize) -> usize;

    /// Bidder `i`'s action `a` as bid coordinates (one bid, or a bid vector).
    fn action(&self, i: usize, a: usize) -> &[f64];

    /// Interim utilities: `out[i][t * n_actions(i) + a]` is bidder `i`'s
    /// expected utility of action `a` at type `t` against the others'
    /// strategies in `profile` (its own strategy is ignored).
    ///
    /// # Errors
    /// A profile that does not fit the game.
    fn utilities(
        &self,
        profile: &[MixedStrategy],
        out: &mut Vec<Vec<f64>>,
    ) -> Result<(), SolveError>;

    /// Utilities affine in a scalar type, \\(U_i[t, a] = x_{i,t}\\,
    /// \\mathrm{slope}_i[a] - \\mathrm{offset}_i[a]\\) with \\(x_{i,t}\\) =
    /// `type_point(i, t)[0]`: fills `slope` and `offset` and returns true, or
    /// returns false (the default) when the game has no such form. Learners
    /// use it to keep their state in O(actions) per bidder instead of
    /// O(types × actions).
    ///
    /// # Errors
    /// A profile that does not fit the game.
    fn affine_utilities(
        &self,
        profile: &[MixedStrategy],
        slope: &mut Vec<Vec<f64>>,
        offset: &mut Vec<Vec<f64>>,
    ) -> Result<bool, SolveError> {
        let _ = (profile, slope, offset);
        Ok(false)
    }

    /// An earlier bidder `k < i` that bidder `i` can be swapped with without
    /// changing anyone's payoffs (same types, weights, actions and role),
    /// or `None` (the default). When two such bidders play the same
    /// strategy their utilities are the same, so a learner may compute one
    /// and copy it: the symmetric equilibrium of a symmetric game costs as
    /// much as one bidder's.
    fn interchangeable_with(&self, i: usize) -> Option<usize> {
        let _ = i;
        None
    }

    /// Whether [`Self::affine_utilities_shared`] takes copies: then a
    /// learner need not write a copied bidder's strategy before asking for
    /// utilities. False by default.
    fn shares_copies(&self) -> bool {
        false
    }

    /// As [`Self::affine_utilities`], told that bidder `i` plays the same
    /// strategy as bidder `k` wherever `copies[i] == Some(k)` (with `k`
    /// from [`Self::interchangeable_with`]): such a bidder's slope and
    /// offset are `k`'s. A game whose [`Self::shares_copies`] is true copies
    /// them without reading `profile[i]`, which may then be stale; the
    /// default ignores `copies` and reads every strategy.
    ///
    /// # Errors
    /// As [`Self::affine_utilities`].
    fn affine_utilities_shared(
        &self,
        profile: &[MixedStrategy],
        copies: &[Option<usize>],
        slope: &mut Vec<Vec<f64>>,
        offset: &mut Vec<Vec<f64>>,
    ) -> Result<bool, SolveError> {
        let _ = copies;
        self.affine_utilities(profile, slope, offset)
    }

    /// The same game on a grid `factor` times finer (types and actions),
    /// for checking a solved profile beyond the grid it was solved on;
    /// `None` (the default) when the game cannot be refined.
    fn refine(&self, factor: usize) -> Option<Box<dyn BayesGame>> {
        let _ = factor;
        None
    }

    /// Welfare, revenue and efficiency of `profile`, computed on the grid;
    /// `None` (the default) when the game does not define them.
    fn outcomes(&self, profile: &[MixedStrategy]) -> Option<Outcomes> {
        let _ = profile;
        None
    }

    /// Names of the coordinates of bidder `i`'s actions for reports, when
    /// they are not bids on units (e.g. a bid level and a quantity);
    /// `None` (the default) for bids.
    fn action_labels(&self, i: usize) -> Option<Vec<String>> {
        let _ = i;
        None
    }

    /// A short name of the game for reports.
    fn describe(&self) -> String {
        format!("{}-bidder game", self.n_bidders())
    }

    /// Checks that `profile` fits the game.
    ///
    /// # Errors
    /// A wrong number of strategies or wrong dimensions.
    fn check_profile(&self, profile: &[MixedStrategy]) -> Result<(), SolveError> {
        if profile.len() != self.n_bidders() {
            return Err(SolveError::Profile(format!(
                "{} strategies for {} bidders",
                profile.len(),
                self.n_bidders()
            )));
        }
        for (i, s) in profile.iter().enumerate() {
            let (nt, na) = (self.type_weights(i).len(), self.n_actions(i));
            if s.n_types != nt || s.n_bids != na || s.probs.len() != nt * na {
                return Err(SolveError::Profile(format!(
                    "bidder {i}: {}x{} strategy for a {nt}x{na} grid",
                    s.n_types, s.n_bids
                )));
            }
        }
        Ok(())
    }

    /// The profile in which every type mixes uniformly over its actions.
    fn uniform_state(&self) -> State {
        State {
            strategies: (0..self.n_bidders())
                .map(|i| MixedStrategy::uniform(self.type_weights(i).len(), self.n_actions(i)))
                .collect(),
            iter: 0,
        }
    }

    /// Utility loss of each bidder at `profile` (on this game's own grid).
    ///
    /// # Errors
    /// A profile that does not fit the game.
    fn utility_loss(&self, profile: &[MixedStrategy]) -> Result<Metrics, SolveError> {
        let mut u = Vec::new();
        self.utilities(profile, &mut u)?;
        Ok(metrics_from_utilities(self, profile, &u))
    }
}

/// What a profile achieves.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Outcomes {
    /// Expected value of the allocation (sum of the winners' values).
    pub welfare: f64,
    /// Expected payments.
    pub revenue: f64,
    /// Probability that the item goes to a bidder with the highest value.
    pub efficiency: f64,
}

impl Outcomes {
    /// The outcomes.
    pub fn new(welfare: f64, revenue: f64, efficiency: f64) -> Self {
        Outcomes {
            welfare,
            revenue,
            efficiency,
        }
    }
}

/// A profile of `coarse` mapped onto the finer game `fine`: every fine type
/// plays the strategy of the nearest coarse type (distance between
/// `type_point`s), and each coarse action's probability is spread evenly
/// over the fine actions nearest to it (its cell; distance between
/// `action`s). A coarse action stands for its cell, as a coarse type does:
/// moved whole onto one fine action it would leave atoms in the rivals'
/// bid laws that a deviation just above them exploits, an artefact of the
/// coarse grid rather than of the profile (see
/// [`crate::equilibrium::verify_cells`] for the single-item case).
///
/// # Errors
/// A profile that does not fit `coarse`, or games with different numbers
/// of bidders.
pub fn map_profile(
    coarse: &dyn BayesGame,
    profile: &[MixedStrategy],
    fine: &dyn BayesGame,
) -> Result<Vec<MixedStrategy>, SolveError> {
    coarse.check_profile(profile)?;
    if coarse.n_bidders() != fine.n_bidders() {
        return Err(SolveError::Profile(format!(
            "{} bidders mapped onto a game of {}",
            coarse.n_bidders(),
            fine.n_bidders()
        )));
    }
    let dist =
        |a: &[f64], b: &[f64]| -> f64 { a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum() };
    let nearest = |points: &[&[f64]], x: &[f64]| -> usize {
        let mut best = (f64::INFINITY, 0);
        for (k, p) in points.iter().enumerate() {
            let d = dist(p, x);
            if d < best.0 {
                best = (d, k);
            }
        }
        best.1
    };
    let mut out = Vec::with_capacity(profile.len());
    for (i, s) in profile.iter().enumerate() {
        let (nc, nf) = (coarse.type_weights(i).len(), fine.type_weights(i).len());
        let (mc, mf) = (coarse.n_actions(i), fine.n_actions(i));
        let fine_actions: Vec<&[f64]> = (0..mf).map(|b| fine.action(i, b)).collect();
        let coarse_types: Vec<&[f64]> = (0..nc).map(|k| coarse.type_point(i, k)).collect();
        let coarse_actions: Vec<&[f64]> = (0..mc).map(|a| coarse.action(i, a)).collect();
        // The cell of each coarse action: the fine actions nearest to it, or
        // the one fine action nearest to it when no fine action is.
        let mut cells: Vec<Vec<usize>> = vec![Vec::new(); mc];
        for (f, x) in fine_actions.iter().enumerate() {
            cells[nearest(&coarse_actions, x)].push(f);
        }
        for (a, cell) in cells.iter_mut().enumerate() {
            if cell.is_empty() {
                cell.push(nearest(&fine_actions, coarse_actions[a]));
            }
        }
        let mut probs = vec![0.0; nf * mf];
        for t in 0..nf {
            let c = nearest(&coarse_types, fine.type_point(i, t));
            let row = &mut probs[t * mf..(t + 1) * mf];
            for (&p, cell) in s.row(c).iter().zip(&cells) {
                if p > 0.0 {
                    let share = p / cell.len() as f64;
                    for &f in cell {
                        row[f] += share;
                    }
                }
            }
        }
        out.push(MixedStrategy {
            n_types: nf,
            n_bids: mf,
            probs,
        });
    }
    Ok(out)
}

/// Utility loss of `profile` on `game` refined `factor` times
/// ([`BayesGame::refine`]), the profile mapped by type and action cells
/// ([`map_profile`]); `None` when the game cannot be refined.
///
/// # Errors
/// As [`map_profile`].
pub fn verify_refined(
    game: &dyn BayesGame,
    profile: &[MixedStrategy],
    factor: usize,
) -> Result<Option<Metrics>, SolveError> {
    let Some(fine) = game.refine(factor) else {
        return Ok(None);
    };
    let mapped = map_profile(game, profile, fine.as_ref())?;
    fine.utility_loss(&mapped).map(Some)
}

/// Utility loss of each bidder from the interim utilities `u` of `profile`.
pub fn metrics_from_utilities<G: BayesGame + ?Sized>(
    game: &G,
    profile: &[MixedStrategy],
    u: &[Vec<f64>],
) -> Metrics {
    let mut metrics = Metrics::default();
    for (i, (s, ui)) in profile.iter().zip(u).enumerate() {
        let m = game.n_actions(i);
        let mut br_total = 0.0;
        let mut cur_total = 0.0;
        for (t, (&w, row)) in game.type_weights(i).iter().zip(ui.chunks(m)).enumerate() {
            let mut best = f64::NEG_INFINITY;
            let mut cur = 0.0;
            for (&x, &p) in row.iter().zip(s.row(t)) {
                best = best.max(x);
                cur += p * x;
            }
            br_total += w * best;
            cur_total += w * cur;
        }
        push_metrics(
            &mut metrics,
            (br_total - cur_total).max(0.0),
            br_total,
            cur_total,
        );
    }
    metrics
}

/// The best action of each type in the utility matrix `u` of a bidder with
/// `m` actions (the lowest action among ties within 1e-15).
pub fn best_actions(u: &[f64], m: usize) -> Vec<usize> {
    u.chunks(m)
        .map(|row| {
            let mut best = f64::NEG_INFINITY;
            let mut arg = 0;
            for (a, &x) in row.iter().enumerate() {
                if x > best + 1e-15 {
                    best = x;
                    arg = a;
                }
            }
            arg
        })
        .collect()
}

/// The mean of each action coordinate at each type: `out[t][k]`.
pub fn mean_actions<G: BayesGame + ?Sized>(game: &G, i: usize, s: &MixedStrategy) -> Vec<Vec<f64>> {
    let m = game.n_actions(i);
    let dim = if m > 0 { game.action(i, 0).len() } else { 0 };
    (0..s.n_types)
        .map(|t| {
            let mut acc = vec![0.0; dim];
            for (a, &p) in s.row(t).iter().enumerate() {
                if p > 0.0 {
                    for (x, &b) in acc.iter_mut().zip(game.action(i, a)) {
                        *x += p * b;
                    }
                }
            }
            acc
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::equilibrium::{DiscreteGame, Format};
    use crate::prior::{Prior, Uniform};

    #[test]
    fn utilities_are_value_times_win_minus_pay() {
        let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0).expect("uniform"));
        let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![u.clone(), u], 4, 3, 1.0)
            .expect("game");
        let p = g.uniform_state().strategies;
        let mut out = Vec::new();
        g.utilities(&p, &mut out).expect("utilities");
        let bv = g.bid_values(0, &p).expect("bid values");
        // Type 0.625 (third cell) bidding 0.5: wins with 1/2, pays 0.5.
        let x = out[0][2 * 3 + 1];
        assert!((x - (0.625 * bv.win[1] - bv.pay[1])).abs() < 1e-15);
        assert!((x - (0.625 - 0.5) * 0.5).abs() < 1e-12);
        // The best response of every type is the lowest optimal bid.
        let m = metrics_from_utilities(&g, &p, &out);
        let br = best_actions(&out[0], 3);
        let want: f64 = (0..4).map(|t| 0.25 * out[0][t * 3 + br[t]]).sum();
        assert!((m.utility_loss[0] + m.utility[0] - want).abs() < 1e-12);
    }

    #[test]
    fn refined_check_spreads_each_bid_over_its_cell() {
        let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0).expect("uniform"));
        let g = DiscreteGame::new(Format::SecondPrice, 0.0, vec![u.clone(), u], 16, 17, 1.0)
            .expect("game");
        // Truthful on the coarse grid: each type bids the bid nearest it.
        let truthful: Vec<usize> = g
            .types(0)
            .points
            .iter()
            .map(|v| (v * 16.0).round() as usize)
            .collect();
        let p = vec![MixedStrategy::pure(&truthful, 17); 2];
        let fine = verify_refined(&g, &p, 4).expect("fits").expect("refinable");
        // Still nearly truthful on the finer grid: small, but not zero, since
        // four fine types share one coarse bid.
        assert!(fine.max_relative() < 0.02, "{}", fine.max_relative());
        assert!(fine.max_absolute() > 0.0);
        let mapped = map_profile(&g, &p, g.refine(4).expect("fine").as_ref()).expect("map");
        // Fine type 0.5 - 1/128 lies in coarse cell 7 (point 0.46875), which
        // bids 0.5: spread over the fine bids of its cell, 31/64 to 34/64
        // (30/64 is as near to 0.4375 and goes to the lower bid).
        let row = mapped[0].row(31);
        for (f, &p) in row.iter().enumerate() {
            let want = if (31..=34).contains(&f) { 0.25 } else { 0.0 };
            assert!((p - want).abs() < 1e-12, "fine bid {f}: {p}");
        }
    }

    #[test]
    fn wrong_profile_is_an_error() {
        let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0).expect("uniform"));
        let g =
            DiscreteGame::new(Format::AllPay, 0.0, vec![u.clone(), u], 4, 3, 1.0).expect("game");
        let err = g
            .utility_loss(&[MixedStrategy::uniform(4, 3)])
            .expect_err("one strategy");
        assert_eq!(
            err.to_string(),
            "strategy profile: 1 strategies for 2 bidders"
        );
    }
}
