//! A single-item auction followed by resale, solved on type and bid grids.
//!
//! Two bidders bid in a first-price, all-pay or second-price auction (with
//! a reserve) on the grids of [`DiscreteGame`]. Then the winner may resell
//! to the loser. What the winner knows when it sets its price depends on
//! the disclosure:
//!
//! - [`Disclosure::None`]: each bidder knows its type, its bid and whether
//!   it won. A first-price or all-pay winner with bid \\(b_j\\) only infers
//!   that the loser bid at most \\(b_j\\), so its posterior over the loser's
//!   type \\(t\\) is
//!   \\(\pi_j(t) \propto w_t\big(\sum_{k<j}\sigma\[t,k\] + \tfrac12\sigma\[t,j\]\big)\\)
//!   (ties are split evenly). A second-price winner's payment is the
//!   loser's bid, so it learns that bid whenever it is at least the
//!   reserve; bids below the reserve stay pooled.
//! - [`Disclosure::AllBids`]: the winner sees the loser's bid \\(b_k\\), and
//!   its posterior is \\(\pi^k(t) \propto w_t\,\sigma\[t,k\]\\).
//!
//! **Take-it-or-leave-it** ([`ResaleRule::TakeItOrLeaveIt`]; paper 003,
//! aftermarket (a)). The winner of value \\(v\\) names a price; the loser
//! accepts when its value is at least the price (acceptance at
//! indifference, as [`crate::resale::Indifference::Accept`]). Acceptance
//! is a step in the loser's type, so an optimal price is one of the loser's
//! grid values; against posterior mass \\(\pi\\) the winner earns
//! \\[ v + \max\Big(0,\ \max_{t'}\ (v_{t'} - v)\textstyle\sum_{t \ge t'}\pi(t)\Big) \\]
//! (ties go to the lower price; no offer when no price beats keeping).
//! The loser of value \\(u\\) gains \\(E\[(u - p)^+\]\\) over the winner's
//! type and information. With an all-pay or first-price auction,
//! Theorem 3 of paper 003 (Theorem 7 of paper 004) says this stays
//! efficient for two i.i.d. atomless bidders in every monotone
//! equilibrium: the no-resale equilibrium \\(b(v) = v/2\\) survives and
//! nothing is resold.
//!
//! **Nash bargaining** ([`ResaleRule::Nash`]). Values become known before
//! the aftermarket (as they do when all bids are disclosed and the bids
//! are strictly increasing), and the two bidders bargain as
//! [`crate::resale::NashBargaining`] does with weights \\((1-\alpha,
//! \alpha)\\) for (winner, loser): they trade exactly when the loser's value
//! \\(u\\) exceeds the winner's \\(v\\), at the price
//! \\(v + (1-\alpha)(u - v)\\), so the loser keeps the share \\(\alpha\\) of
//! the gain.
//!
//! The interim utility of bid \\(b_j\\) at type \\(v\\) adds to the auction
//! payoff \\(v\,W(j) - P(j)\\) of [`DiscreteGame`] the expected resale gain
//! as winner and as loser, recomputed from the current profile at every
//! evaluation (offers are re-optimised for every type and information set,
//! deviations included). Prefix sums over bids keep one evaluation at
//! \\(O(n_{\text{types}}^2 n_{\text{bids}})\\) per bidder.
//!
//! ## References
//! - M. Babaioff, N. Immorlica, Y. Li, B. Lucier, *On the impact of
//!   information acquisition and aftermarkets on auction efficiency*,
//!   Section 2.3 and Theorem 3 (paper 003).
//! - I. Hafalir, V. Krishna, *Asymmetric auctions with resale*, American
//!   Economic Review 98 (2008) — the first-price auction followed by a
//!   take-it-or-leave-it offer of the winner.

mod outcomes;
mod spec;
mod speculator;
mod speculator_spec;

pub use outcomes::ResaleOutcomes;
pub use spec::{AftermarketSpec, ResaleSpec};
pub use speculator::{SpeculatorFormat, SpeculatorGame, SpeculatorOutcomes};
pub use speculator_spec::{SpeculatorSection, SpeculatorSpec};

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::equilibrium::discrete_game::{
    BidValues, DiscreteGame, Format, Metrics, MixedStrategy, SolveError, TypeGrid, invalid,
};
use crate::equilibrium::game::BayesGame;
use crate::prior::Prior;

/// What bidders learn about each other after the auction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Disclosure {
    /// Own type, bid, outcome and payment only.
    #[default]
    None,
    /// The winner sees the loser's bid.
    AllBids,
}

impl Disclosure {
    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Disclosure::None => "none",
            Disclosure::AllBids => "all-bids",
        }
    }
}

/// The trade after the auction.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ResaleRule {
    /// The winner makes a take-it-or-leave-it offer to the loser.
    TakeItOrLeaveIt,
    /// Values are known; the winner and the loser split the gain, the
    /// loser getting the share `alpha`.
    Nash {
        /// The loser's (buyer's) share of the gain, in \[0, 1\].
        alpha: f64,
    },
}

impl ResaleRule {
    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            ResaleRule::TakeItOrLeaveIt => "tioli",
            ResaleRule::Nash { .. } => "nash",
        }
    }
}

/// What the winner conditions its offer on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WinnerInfo {
    /// Its own winning bid (index `j`).
    OwnBid,
    /// The loser's bid `k`; with `pooled`, bids below the reserve are one
    /// cell (index `n_bids`).
    RivalBid { pooled: bool },
}

/// The winner's offers: `price[s * n_info + c]` at seller type `s` and
/// information cell `c` (infinite: no offer), and the expected gain
/// (unnormalised: the probability of the cell times the conditional gain).
#[derive(Debug, Clone, Default)]
pub(crate) struct Offers {
    pub(crate) n_info: usize,
    pub(crate) price: Vec<f64>,
    pub(crate) gain: Vec<f64>,
}

/// Prices within this of each other earn the same and the lower is taken.
const PRICE_TIE_TOL: f64 = 1e-14;

/// A two-bidder single-item auction followed by resale.
///
/// ```
/// # use std::sync::Arc;
/// use aftermarket::equilibrium::{BayesGame, Disclosure, Format, MixedStrategy, ResaleGame, ResaleRule};
/// use aftermarket::prior::Uniform;
/// let u = Arc::new(Uniform::new(0.0, 1.0)?);
/// let g = ResaleGame::new(Format::FirstPrice, 0.0, vec![u.clone(), u], 8, 9, 1.0,
///     Disclosure::None, ResaleRule::TakeItOrLeaveIt)?;
/// // Both bid b(v) = v/2 (the nearest grid bid): the higher value wins
/// // (up to ties on the grid) and resale is rare.
/// let choice: Vec<usize> = g.types(0).points.iter().map(|v| (v * 0.5 * 8.0).round() as usize).collect();
/// let s = MixedStrategy::pure(&choice, 9);
/// let out = g.outcomes(&[s.clone(), s])?;
/// assert!(out.efficiency > 0.97 && out.resale_probability < 0.07);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ResaleGame {
    auction: DiscreteGame,
    n_cells: usize,
    disclosure: Disclosure,
    rule: ResaleRule,
}

impl ResaleGame {
    /// The game with `n_types` cells per bidder (plus atoms) and `n_bids`
    /// bids on \[0, `b_max`\].
    ///
    /// # Errors
    /// As [`DiscreteGame::new`]; other than two bidders; a Nash share
    /// outside \[0, 1\].
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        format: Format,
        reserve: f64,
        priors: Vec<Arc<dyn Prior>>,
        n_types: usize,
        n_bids: usize,
        b_max: f64,
        disclosure: Disclosure,
        rule: ResaleRule,
    ) -> Result<Self, SolveError> {
        if priors.len() != 2 {
            return Err(invalid(
                "bidders",
                "must number exactly 2 with a single-item aftermarket",
                priors.len(),
            ));
        }
        if let ResaleRule::Nash { alpha } = rule
            && !(alpha.is_finite() && (0.0..=1.0).contains(&alpha))
        {
            return Err(invalid("aftermarket.alpha", "must be in [0, 1]", alpha));
        }
        let auction = DiscreteGame::new(format, reserve, priors, n_types, n_bids, b_max)?;
        Ok(ResaleGame {
            auction,
            n_cells: n_types,
            disclosure,
            rule,
        })
    }

    /// The same game on a grid `factor` times finer: `factor` times the
    /// type cells and `factor (m - 1) + 1` bids, so every bid of this grid
    /// is a bid of the finer one.
    ///
    /// # Errors
    /// `factor = 0`.
    pub fn refine(&self, factor: usize) -> Result<Self, SolveError> {
        if factor == 0 {
            return Err(invalid("factor", "must be >= 1", factor));
        }
        let a = &self.auction;
        Self::new(
            a.format(),
            a.reserve(),
            a.priors().to_vec(),
            self.n_cells * factor,
            factor * (a.n_bids() - 1) + 1,
            a.bids().last().copied().unwrap_or(1.0),
            self.disclosure,
            self.rule,
        )
    }

    /// The auction stage.
    pub fn auction(&self) -> &DiscreteGame {
        &self.auction
    }
    /// Bidder `i`'s type grid.
    pub fn types(&self, i: usize) -> &TypeGrid {
        self.auction.types(i)
    }
    /// The bid grid.
    pub fn bids(&self) -> &[f64] {
        self.auction.bids()
    }
    /// The disclosure.
    pub fn disclosure(&self) -> Disclosure {
        self.disclosure
    }
    /// The aftermarket.
    pub fn rule(&self) -> ResaleRule {
        self.rule
    }

    pub(crate) fn winner_info(&self) -> WinnerInfo {
        match (self.disclosure, self.auction.format()) {
            (Disclosure::AllBids, _) => WinnerInfo::RivalBid { pooled: false },
            (Disclosure::None, Format::SecondPrice) => WinnerInfo::RivalBid { pooled: true },
            (Disclosure::None, _) => WinnerInfo::OwnBid,
        }
    }

    /// Index of the first bid at or above the reserve.
    pub(crate) fn first_valid_bid(&self) -> usize {
        let r = self.auction.reserve();
        self.bids()
            .iter()
            .position(|&b| b >= r)
            .unwrap_or(self.bids().len())
    }

    /// The information cell of a winner who saw loser bid `k` (for
    /// [`WinnerInfo::RivalBid`]).
    pub(crate) fn cell_of(&self, k: usize, pooled: bool) -> usize {
        if pooled && k < self.first_valid_bid() {
            self.bids().len()
        } else {
            k
        }
    }

    /// `cum[t * (m + 1) + k]` = probability that type `t` bids below `b_k`.
    fn cumulative(s: &MixedStrategy) -> Vec<f64> {
        let m = s.n_bids;
        let mut cum = vec![0.0; s.n_types * (m + 1)];
        for t in 0..s.n_types {
            let row = s.row(t);
            let c = &mut cum[t * (m + 1)..(t + 1) * (m + 1)];
            for k in 0..m {
                c[k + 1] = c[k] + row[k];
            }
        }
        cum
    }

    /// The mass on each loser type of the event that bidder `winner`'s bid
    /// `j` beats the loser's (ties halved): `out[t]`.
    fn beaten_mass(
        &self,
        loser: usize,
        ls: &MixedStrategy,
        cum: &[f64],
        j: usize,
        out: &mut [f64],
    ) {
        let m = self.bids().len();
        let w = &self.types(loser).weights;
        if j < self.first_valid_bid() {
            out.iter_mut().for_each(|x| *x = 0.0);
            return;
        }
        for (t, o) in out.iter_mut().enumerate() {
            *o = w[t] * (cum[t * (m + 1) + j] + 0.5 * ls.row(t)[j]);
        }
    }

    /// The take-it-or-leave-it offers of bidder `winner` against the
    /// loser's strategy `ls`.
    pub(crate) fn offers(&self, winner: usize, ls: &MixedStrategy) -> Offers {
        let loser = 1 - winner;
        let m = self.bids().len();
        let lv = &self.types(loser).points;
        let lw = &self.types(loser).weights;
        let sv = &self.types(winner).points;
        let info = self.winner_info();
        let n_info = match info {
            WinnerInfo::OwnBid => m,
            WinnerInfo::RivalBid { .. } => m + 1,
        };
        let mut offers = Offers {
            n_info,
            price: vec![f64::INFINITY; sv.len() * n_info],
            gain: vec![0.0; sv.len() * n_info],
        };
        let cum = Self::cumulative(ls);
        let mut mass = vec![0.0; lv.len()];
        let mut surv = vec![0.0; lv.len()];
        let first = self.first_valid_bid();
        for c in 0..n_info {
            match info {
                WinnerInfo::OwnBid => self.beaten_mass(loser, ls, &cum, c, &mut mass),
                WinnerInfo::RivalBid { pooled } => {
                    for (t, x) in mass.iter_mut().enumerate() {
                        *x = if c < m {
                            if pooled && c < first {
                                0.0
                            } else {
                                lw[t] * ls.row(t)[c]
                            }
                        } else if pooled {
                            lw[t] * cum[t * (m + 1) + first]
                        } else {
                            0.0
                        };
                    }
                }
            }
            let mut acc = 0.0;
            for t in (0..lv.len()).rev() {
                acc += mass[t];
                surv[t] = acc;
            }
            if acc <= 0.0 {
                continue;
            }
            for (s, &v) in sv.iter().enumerate() {
                let (gain, price) = best_price(v, lv, &surv);
                offers.gain[s * n_info + c] = gain;
                offers.price[s * n_info + c] = price;
            }
        }
        offers
    }

    /// The interim utilities of bidder `i` against the rival's strategy in
    /// `profile` (whose bid law is `rival_pmf[0]`), given both bidders'
    /// offers.
    fn bidder_utilities(
        &self,
        i: usize,
        profile: &[MixedStrategy],
        rival_pmf: &[Vec<f64>],
        offers: &[Offers],
        out: &mut Vec<f64>,
    ) {
        let r = 1 - i;
        let rs = &profile[r];
        let m = self.bids().len();
        let mut bv = BidValues::default();
        self.auction.bid_values_from_pmfs(rival_pmf, &mut bv);
        self.auction.fill_utilities(i, &bv, out);
        let first = self.first_valid_bid();
        let iv = &self.types(i).points;
        let rv = &self.types(r).points;
        let rw = &self.types(r).weights;
        // P[rival type s' bid j' beats bid k] for every s', k: suffix sums.
        let mut beat = vec![0.0; rv.len() * m];
        for s in 0..rv.len() {
            let row = rs.row(s);
            let mut above = 0.0;
            for k in (0..m).rev() {
                beat[s * m + k] = if k >= first {
                    above + 0.5 * row[k]
                } else {
                    above
                };
                if k >= first {
                    above += row[k];
                }
            }
        }
        match self.rule {
            ResaleRule::TakeItOrLeaveIt => {
                let own = &offers[i];
                let theirs = &offers[r];
                // As winner.
                for (t, urow) in out.chunks_mut(m).enumerate() {
                    let g = &own.gain[t * own.n_info..(t + 1) * own.n_info];
                    match self.winner_info() {
                        WinnerInfo::OwnBid => {
                            for (u, &x) in urow.iter_mut().zip(g) {
                                *u += x;
                            }
                        }
                        WinnerInfo::RivalBid { pooled } => {
                            let mut below = if pooled { g[m] } else { 0.0 };
                            for (j, u) in urow.iter_mut().enumerate() {
                                let c = self.cell_of(j, pooled);
                                let here = if c == j { g[j] } else { 0.0 };
                                if j >= first {
                                    *u += below + 0.5 * here;
                                }
                                below += here;
                            }
                        }
                    }
                }
                // As loser.
                match self.winner_info() {
                    WinnerInfo::OwnBid => {
                        let mut a = vec![0.0; m];
                        for (t, urow) in out.chunks_mut(m).enumerate() {
                            let u = iv[t];
                            for (j, aj) in a.iter_mut().enumerate() {
                                let mut x = 0.0;
                                if j >= first {
                                    for (s, &ws) in rw.iter().enumerate() {
                                        let p = theirs.price[s * theirs.n_info + j];
                                        if u >= p {
                                            x += ws * rs.row(s)[j] * (u - p);
                                        }
                                    }
                                }
                                *aj = x;
                            }
                            let mut above = 0.0;
                            for k in (0..m).rev() {
                                urow[k] += above + 0.5 * a[k];
                                above += a[k];
                            }
                        }
                    }
                    WinnerInfo::RivalBid { pooled } => {
                        for (t, urow) in out.chunks_mut(m).enumerate() {
                            let u = iv[t];
                            for (k, uk) in urow.iter_mut().enumerate() {
                                let c = self.cell_of(k, pooled);
                                let mut x = 0.0;
                                for s in 0..rv.len() {
                                    let p = theirs.price[s * theirs.n_info + c];
                                    if u >= p {
                                        x += rw[s] * beat[s * m + k] * (u - p);
                                    }
                                }
                                *uk += x;
                            }
                        }
                    }
                }
            }
            ResaleRule::Nash { alpha } => {
                let cum = Self::cumulative(rs);
                let mut mass = vec![0.0; rv.len()];
                for j in 0..m {
                    self.beaten_mass(r, rs, &cum, j, &mut mass);
                    for (t, urow) in out.chunks_mut(m).enumerate() {
                        let v = iv[t];
                        let g: f64 = rv
                            .iter()
                            .zip(&mass)
                            .filter(|(u, _)| **u > v)
                            .map(|(u, x)| (u - v) * x)
                            .sum();
                        urow[j] += (1.0 - alpha) * g;
                    }
                }
                for (t, urow) in out.chunks_mut(m).enumerate() {
                    let u = iv[t];
                    for (k, uk) in urow.iter_mut().enumerate() {
                        let g: f64 = (0..rv.len())
                            .filter(|&s| rv[s] < u)
                            .map(|s| rw[s] * beat[s * m + k] * (u - rv[s]))
                            .sum();
                        *uk += alpha * g;
                    }
                }
            }
        }
    }

    /// Maps a profile of this game onto `fine` (a [`Self::refine`] of it):
    /// each fine type plays the strategy of the nearest coarse type, each
    /// coarse bid being a fine bid.
    ///
    /// # Errors
    /// A profile that does not fit this game, or a `fine` grid that does
    /// not contain this one's bids.
    pub fn lift(
        &self,
        fine: &ResaleGame,
        profile: &[MixedStrategy],
    ) -> Result<Vec<MixedStrategy>, SolveError> {
        self.check_profile(profile)?;
        let m = self.bids().len();
        let fm = fine.bids().len();
        if fm < m || (fm - 1) % (m - 1) != 0 {
            return Err(invalid(
                "fine grid",
                "must contain the coarse bids",
                format!("{fm} bids for {m}"),
            ));
        }
        let factor = (fm - 1) / (m - 1);
        Ok(profile
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let coarse = &self.types(i).points;
                let pts = &fine.types(i).points;
                let mut probs = vec![0.0; pts.len() * fm];
                for (ft, &v) in pts.iter().enumerate() {
                    let t = nearest(coarse, v);
                    for (k, &p) in s.row(t).iter().enumerate() {
                        probs[ft * fm + k * factor] = p;
                    }
                }
                MixedStrategy {
                    n_types: pts.len(),
                    n_bids: fm,
                    probs,
                }
            })
            .collect())
    }

    /// The utility loss of `profile` on a grid `factor` times finer, with
    /// every offer and acceptance re-optimised there (the ε of a solved
    /// profile).
    ///
    /// # Errors
    /// As [`Self::refine`] and [`Self::lift`].
    pub fn verify_refined(
        &self,
        profile: &[MixedStrategy],
        factor: usize,
    ) -> Result<Metrics, SolveError> {
        let fine = self.refine(factor)?;
        let lifted = self.lift(&fine, profile)?;
        fine.utility_loss(&lifted)
    }
}

/// The index of the point of `sorted` nearest to `v`.
fn nearest(sorted: &[f64], v: f64) -> usize {
    let k = sorted.partition_point(|&x| x < v);
    if k == 0 {
        0
    } else if k == sorted.len() || v - sorted[k - 1] <= sorted[k] - v {
        k - 1
    } else {
        k
    }
}

/// The seller of value `v` facing buyer values `lv` (increasing) with
/// survival masses `surv[t] = Σ_{t'≥t} π(t')`: the best gain over keeping
/// and its price (infinite: no offer).
pub(crate) fn best_price(v: f64, lv: &[f64], surv: &[f64]) -> (f64, f64) {
    let mut best = 0.0_f64;
    let mut price = f64::INFINITY;
    let start = lv.partition_point(|&x| x <= v);
    for t in start..lv.len() {
        let g = (lv[t] - v) * surv[t];
        if g > best + PRICE_TIE_TOL * best.max(f64::MIN_POSITIVE) {
            best = g;
            price = lv[t];
        }
    }
    (best, price)
}

impl BayesGame for ResaleGame {
    fn n_bidders(&self) -> usize {
        2
    }

    fn refine(&self, factor: usize) -> Option<Box<dyn BayesGame>> {
        // The inherent method: the same market on grids `factor` times finer.
        ResaleGame::refine(self, factor)
            .ok()
            .map(|g| Box::new(g) as Box<dyn BayesGame>)
    }

    fn outcomes(&self, profile: &[MixedStrategy]) -> Option<crate::equilibrium::Outcomes> {
        ResaleGame::outcomes(self, profile)
            .ok()
            .map(|o| crate::equilibrium::Outcomes::new(o.welfare, o.revenue, o.efficiency))
    }

    fn type_weights(&self, i: usize) -> &[f64] {
        &self.types(i).weights
    }

    fn type_point(&self, i: usize, t: usize) -> &[f64] {
        std::slice::from_ref(&self.types(i).points[t])
    }

    fn n_actions(&self, _i: usize) -> usize {
        self.bids().len()
    }

    fn action(&self, _i: usize, a: usize) -> &[f64] {
        std::slice::from_ref(&self.bids()[a])
    }

    fn describe(&self) -> String {
        format!(
            "{} with resale ({}, disclosure {}), 2 bidders, {} bids",
            self.auction.format().name(),
            self.rule.name(),
            self.disclosure.name(),
            self.bids().len()
        )
    }

    fn utilities(
        &self,
        profile: &[MixedStrategy],
        out: &mut Vec<Vec<f64>>,
    ) -> Result<(), SolveError> {
        self.check_profile(profile)?;
        let m = self.bids().len();
        let pmfs: Vec<Vec<f64>> = (0..2)
            .map(|i| {
                let mut p = vec![0.0; m];
                self.auction.bid_pmf(i, &profile[i], &mut p);
                p
            })
            .collect();
        let offers: Vec<Offers> = match self.rule {
            ResaleRule::TakeItOrLeaveIt => {
                (0..2).map(|i| self.offers(i, &profile[1 - i])).collect()
            }
            ResaleRule::Nash { .. } => vec![Offers::default(), Offers::default()],
        };
        out.resize_with(2, Vec::new);
        for (i, ui) in out.iter_mut().enumerate() {
            self.bidder_utilities(i, profile, &pmfs[1 - i..2 - i], &offers, ui);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
