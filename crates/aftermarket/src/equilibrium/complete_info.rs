//! Pure-strategy Nash verification for complete-information games.
//!
//! In a complete-information game every bidder knows every value, so a
//! profile of bids is an equilibrium iff no bidder \\(i\\) has a bid
//! \\(b_i'\\) with \\(\pi_i(b_i', b_{-i}) > \pi_i(b)\\). The payoff
//! \\(\pi_i\\) is the bidder's utility after the auction *and* the
//! aftermarket, re-solved for the deviation (every branch, weighted by its
//! probability), so a deviation that changes who resells to whom is priced
//! correctly.
//!
//! In uniform-price, second-price and bundle auctions a bidder's payoff is
//! piecewise constant in its own bids, with jumps only where a bid crosses a
//! rival's bid; the values and willingness to pay decide which side of a
//! jump is better, and demand-reduction trade-offs compare a price with
//! half a value (two units at price \\(b\\) against one unit). The verifier
//! therefore tries every bid built from the **critical levels**
//! \\(L = \{0\} \cup \{\text{values}, \text{cumulative values}\} \cup
//! \{\text{rival bid entries}\} \cup \{\text{extra levels}\}\\), each also
//! halved and shifted by \\(\pm\varepsilon\\); for marginal-bid formats
//! every non-increasing vector of length \\(m\\) over \\(L\\); and every
//! deviation twice, with the deviator winning every tie and losing every
//! tie. The best deviation, its tie direction and the gain are reported
//! per bidder; the profile is an \\(\varepsilon\\)-equilibrium when every
//! gain is at most the tolerance.
//!
//! ```
//! use aftermarket::equilibrium::{verify_complete_information, VerifyOptions};
//! use aftermarket::scenario::builtin;
//! // Pagnozzi (2009), Example 1 with resale: S (5; 0), W (6; 0) is an equilibrium.
//! let sc = builtin::load("pagnozzi-ex1-separate-resale.toml")?;
//! let rep = verify_complete_information(&sc.market, &[5.0, 6.0], &VerifyOptions::default())?;
//! assert!(rep.is_equilibrium(1e-6));
//! assert_eq!(rep.bidders[0].payoff, 14.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Errors
//! [`EquilibriumError::NotComplete`] when the market has more than one
//! valuation profile; [`EquilibriumError::Unsupported`] for package bids;
//! [`EquilibriumError::TooMany`] when the deviations exceed
//! [`VerifyOptions::max_deviations`].
//!
//! ## References
//! - Pagnozzi, M. (2009), "Resale and bundling in auctions": the brute-force
//!   check of its digest (critical bids, both tie directions).
//! - Fudenberg, D. and Tirole, J. (1991), *Game Theory*, Section 1.2.

use serde::Serialize;

use super::EquilibriumError;
use crate::market::{Market, beliefs_for};
use crate::mechanism::{Bid, Outcome, Priority};
use crate::resale::ResaleContext;
use crate::strategy::BidForm;
use crate::values::Valuation;

/// The default \\(\varepsilon\\) by which critical levels are shifted.
pub const DEFAULT_EPS: f64 = 1e-6;

/// Options of the verifier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyOptions {
    /// Shift of the critical levels (\\(\pm\varepsilon\\)).
    pub eps: f64,
    /// The largest number of deviations tried per bidder (and tie side).
    pub max_deviations: usize,
    /// Check only these bidders (all when `None`).
    pub bidders: Option<Vec<usize>>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            eps: DEFAULT_EPS,
            max_deviations: 200_000,
            bidders: None,
        }
    }
}

impl VerifyOptions {
    /// Checks the options.
    ///
    /// # Errors
    /// A negative or non-finite `eps`, or `max_deviations = 0`.
    pub fn check(&self) -> Result<(), EquilibriumError> {
        if !self.eps.is_finite() || self.eps < 0.0 {
            return Err(EquilibriumError::InvalidParameter {
                param: "eps",
                rule: "must be finite and >= 0",
                value: self.eps.to_string(),
            });
        }
        if self.max_deviations == 0 {
            return Err(EquilibriumError::InvalidParameter {
                param: "max_deviations",
                rule: "must be >= 1",
                value: "0".into(),
            });
        }
        Ok(())
    }
}

/// How ties were broken for a deviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieSide {
    /// The deviator wins every tie.
    Favoured,
    /// The deviator loses every tie.
    Disfavoured,
}

impl std::fmt::Display for TieSide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TieSide::Favoured => "favoured",
            TieSide::Disfavoured => "disfavoured",
        })
    }
}

/// The check of one bidder.
#[derive(Debug, Clone, Serialize)]
pub struct BidderCheck {
    /// The bidder's name.
    pub bidder: String,
    /// Its bid in the profile.
    pub bid: Bid,
    /// Its expected payoff in the profile (ties by the market's rule).
    pub payoff: f64,
    /// The best deviation found.
    pub best_deviation: Bid,
    /// Its expected payoff.
    pub best_deviation_payoff: f64,
    /// How ties were broken for it.
    pub tie: TieSide,
    /// `best_deviation_payoff − payoff`.
    pub gain: f64,
    /// Number of deviations tried (per tie side).
    pub deviations: usize,
}

/// The verifier's answer.
#[derive(Debug, Clone, Serialize)]
pub struct NashReport {
    /// One check per bidder checked.
    pub bidders: Vec<BidderCheck>,
    /// The critical levels used (after halving and shifting).
    pub levels: Vec<f64>,
    /// The shift used.
    pub eps: f64,
}

impl NashReport {
    /// True if no bidder gains more than `tol` by deviating.
    pub fn is_equilibrium(&self, tol: f64) -> bool {
        self.bidders.iter().all(|b| b.gain <= tol)
    }

    /// The largest gain from deviating.
    pub fn max_gain(&self) -> f64 {
        self.bidders
            .iter()
            .map(|b| b.gain)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// The check of the bidder called `name`.
    pub fn bidder(&self, name: &str) -> Option<&BidderCheck> {
        self.bidders.iter().find(|b| b.bidder == name)
    }
}

/// The critical levels: `{0}` ∪ every marginal and cumulative value ∪ every
/// bid entry ∪ `extra`, each also halved and shifted by `±eps`; negative and
/// non-finite levels dropped, sorted, duplicates removed.
pub fn critical_levels(values: &[Valuation], bids: &[Bid], extra: &[f64], eps: f64) -> Vec<f64> {
    let mut base = vec![0.0];
    for v in values {
        match v.as_units() {
            Some(mv) => {
                let mut acc = 0.0;
                for &x in mv.as_slice() {
                    base.push(x);
                    acc += x;
                    base.push(acc);
                }
            }
            None => base.push(v.headline()),
        }
    }
    bid_levels(base, bids, extra, true, eps)
}

/// `base` ∪ every bid entry ∪ `extra`, each also halved when `halves`, and
/// shifted by `±eps`; negative and non-finite levels dropped, sorted,
/// duplicates removed.
pub(super) fn bid_levels(
    mut base: Vec<f64>,
    bids: &[Bid],
    extra: &[f64],
    halves: bool,
    eps: f64,
) -> Vec<f64> {
    for b in bids {
        match b {
            Bid::Single(x) => base.push(*x),
            Bid::Marginal(v) | Bid::PerItem(v) => base.extend(v),
            Bid::Packages(p) => base.extend(p.iter().map(|(_, x)| *x)),
        }
    }
    base.extend(extra);
    let mut out = Vec::with_capacity(base.len() * 6);
    for b in base {
        out.extend([b, b - eps, b + eps]);
        if halves {
            let h = b / 2.0;
            out.extend([h, h - eps, h + eps]);
        }
    }
    out.retain(|x| x.is_finite() && *x >= 0.0);
    out.sort_by(f64::total_cmp);
    out.dedup_by(|a, b| (*a - *b).abs() <= 1e-12);
    out
}

fn binomial(n: usize, k: usize) -> usize {
    let mut r: usize = 1;
    for i in 0..k {
        r = r.saturating_mul(n - i) / (i + 1);
    }
    r
}

/// Every bid of shape `form` over `levels`.
pub(super) fn deviations(
    form: BidForm,
    levels: &[f64],
    limit: usize,
) -> Result<Vec<Bid>, EquilibriumError> {
    let l = levels.len();
    let check = |count: usize| {
        if count > limit {
            Err(EquilibriumError::TooMany { count, limit })
        } else {
            Ok(())
        }
    };
    match form {
        BidForm::Single | BidForm::Bundle { .. } => {
            check(l)?;
            Ok(levels.iter().map(|&x| Bid::Single(x)).collect())
        }
        BidForm::Marginal { m } => {
            check(binomial(l + m - 1, m))?;
            let mut out = Vec::new();
            let mut idx = vec![l.saturating_sub(1); m];
            if l == 0 {
                return Ok(out);
            }
            // Non-increasing index vectors idx[0] >= idx[1] >= ... (levels ascending).
            loop {
                out.push(Bid::Marginal(idx.iter().map(|&k| levels[k]).collect()));
                // Decrement the last position that can go down, reset the tail to it.
                let Some(pos) = (0..m).rev().find(|&p| idx[p] > 0) else {
                    break;
                };
                idx[pos] -= 1;
                let v = idx[pos];
                for t in idx.iter_mut().skip(pos + 1) {
                    *t = v;
                }
            }
            Ok(out)
        }
        BidForm::PerItem { n } => {
            let count = l.checked_pow(n as u32).unwrap_or(usize::MAX);
            check(count)?;
            let mut out = Vec::with_capacity(count);
            let mut idx = vec![0usize; n];
            loop {
                out.push(Bid::PerItem(idx.iter().map(|&k| levels[k]).collect()));
                let Some(pos) = (0..n).rev().find(|&p| idx[p] + 1 < l) else {
                    break;
                };
                idx[pos] += 1;
                for t in idx.iter_mut().skip(pos + 1) {
                    *t = 0;
                }
            }
            Ok(out)
        }
        BidForm::Packages { .. } => Err(EquilibriumError::Unsupported(
            "package bids have too many dimensions to enumerate critical bids".into(),
        )),
    }
}

/// Each bidder's expected payoff for the bids `bids` at the valuation
/// profile `values`: ties by `priority` (or every order the mechanism's tie
/// rule allows, with its probability, when `None`), the aftermarket
/// re-solved with every branch weighted by its probability.
///
/// # Errors
/// A failure of the mechanism, the aftermarket or a valuation.
pub fn expected_payoffs(
    market: &Market,
    values: &[Valuation],
    bids: &[Bid],
    priority: Option<&Priority>,
) -> Result<Vec<f64>, EquilibriumError> {
    let outcomes: Vec<(f64, Outcome)> = match priority {
        Some(p) => vec![(1.0, market.mechanism.outcome_with_priority(bids, p)?)],
        None => market.mechanism.outcomes(bids)?,
    };
    let n = values.len();
    let info: Vec<f64> = match &market.acquisition {
        Some(a) => (0..n)
            .map(|i| match (a.cost.get(i), a.acquire.get(i)) {
                (Some(c), Some(true)) => *c,
                _ => 0.0,
            })
            .collect(),
        None => vec![0.0; n],
    };
    let mut pay = vec![0.0; n];
    let opted_out = vec![false; n];
    for (p_tie, outcome) in outcomes {
        let (observations, beliefs) = if market.aftermarket.uses_beliefs() {
            let obs: Vec<_> = (0..n)
                .map(|i| market.disclosure.observe(i, bids, &outcome))
                .collect();
            let bel = beliefs_for(market, values, bids, &obs)?;
            (obs, bel)
        } else {
            (Vec::new(), Vec::new())
        };
        let ctx = ResaleContext {
            supply: market.mechanism.supply(),
            holdings: &outcome.allocation,
            valuations: values,
            beliefs: &beliefs,
            observations: &observations,
            opted_out: &opted_out,
        };
        for (p_trade, r) in market.aftermarket.outcomes(&ctx)? {
            let w = p_tie * p_trade;
            for i in 0..n {
                let v = values[i].value(&r.holdings[i])?;
                pay[i] += w * (v - outcome.payments[i] - r.payments[i] - r.costs[i] - info[i]);
            }
        }
    }
    Ok(pay)
}

/// Verifies that the market's bid profile is a pure-strategy Nash
/// equilibrium (see the module docs).
///
/// `extra_levels` adds critical levels (willingness to pay, thresholds).
///
/// # Errors
/// See the module docs.
pub fn verify_complete_information(
    market: &Market,
    extra_levels: &[f64],
    opts: &VerifyOptions,
) -> Result<NashReport, EquilibriumError> {
    opts.check()?;
    market.check()?;
    let profiles = market.prior.finite_support().ok_or_else(|| {
        EquilibriumError::NotComplete(
            "the prior is not finite (one valuation profile needed)".into(),
        )
    })?;
    let [(values, _)] = profiles.as_slice() else {
        return Err(EquilibriumError::NotComplete(format!(
            "{} valuation profiles; complete information needs exactly one",
            profiles.len()
        )));
    };
    let bids = market.bids(values)?;
    let levels = critical_levels(values, &bids, extra_levels, opts.eps);
    let candidates = deviations(market.bid_form, &levels, opts.max_deviations)?;
    let eq = expected_payoffs(market, values, &bids, None)?;
    let n = market.n_bidders();
    let who: Vec<usize> = match &opts.bidders {
        Some(list) => {
            if let Some(bad) = list.iter().find(|&&i| i >= n) {
                return Err(EquilibriumError::InvalidParameter {
                    param: "bidders",
                    rule: "must index existing bidders",
                    value: bad.to_string(),
                });
            }
            list.clone()
        }
        None => (0..n).collect(),
    };
    let mut checks = Vec::with_capacity(who.len());
    for i in who {
        let others: Vec<usize> = (0..n).filter(|&j| j != i).collect();
        let mut first = vec![i];
        first.extend(&others);
        let mut last = others.clone();
        last.push(i);
        let sides = [
            (TieSide::Favoured, Priority::from_order(&first)),
            (TieSide::Disfavoured, Priority::from_order(&last)),
        ];
        // Start from the profile's own bid: a deviation must do strictly better.
        let mut best: Option<(f64, Bid, TieSide)> =
            Some((eq[i], bids[i].clone(), TieSide::Favoured));
        let mut trial = bids.clone();
        for d in &candidates {
            trial[i] = d.clone();
            for (side, pr) in &sides {
                let u = expected_payoffs(market, values, &trial, Some(pr))?[i];
                if best.as_ref().is_none_or(|(b, _, _)| u > *b + 1e-12) {
                    best = Some((u, d.clone(), *side));
                }
            }
        }
        let (bu, bd, bs) = best.unwrap_or((eq[i], bids[i].clone(), TieSide::Favoured));
        checks.push(BidderCheck {
            bidder: market.bidders[i].clone(),
            bid: bids[i].clone(),
            payoff: eq[i],
            best_deviation: bd,
            best_deviation_payoff: bu,
            tie: bs,
            gain: bu - eq[i],
            deviations: candidates.len(),
        });
    }
    Ok(NashReport {
        bidders: checks,
        levels,
        eps: opts.eps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::builtin;

    #[test]
    fn non_increasing_vectors_are_all_enumerated() {
        let d = deviations(BidForm::Marginal { m: 2 }, &[0.0, 1.0, 2.0], 100).expect("small");
        assert_eq!(d.len(), 6);
        for b in &d {
            let v = b.as_marginal().expect("marginal");
            assert!(v[0] >= v[1]);
        }
        let d = deviations(BidForm::Marginal { m: 3 }, &[0.0, 1.0, 2.0, 3.0], 100).expect("small");
        assert_eq!(d.len(), binomial(6, 3));
    }

    #[test]
    fn too_many_deviations_name_the_limit() {
        let levels: Vec<f64> = (0..100).map(f64::from).collect();
        let err = deviations(BidForm::Marginal { m: 3 }, &levels, 1000).expect_err("too many");
        assert!(err.to_string().contains("max_deviations"), "{err}");
    }

    #[test]
    fn negative_eps_is_rejected() {
        let o = VerifyOptions {
            eps: -1.0,
            ..VerifyOptions::default()
        };
        assert_eq!(
            o.check().expect_err("negative").to_string(),
            "eps must be finite and >= 0, got -1"
        );
    }

    #[test]
    fn outbidding_in_example_1_is_found_when_w_bids_too_low() {
        // S (5; 0), W (2; 0): W's first bid is below y/2 = 3, so S outbids.
        let mut sc = builtin::load("pagnozzi-ex1-separate-resale.toml").expect("builtin");
        sc.market.strategies[1] =
            std::sync::Arc::new(crate::strategy::Fixed(Bid::Marginal(vec![2.0, 0.0])));
        let rep = verify_complete_information(&sc.market, &[5.0, 6.0], &VerifyOptions::default())
            .expect("runs");
        let s = rep.bidder("S").expect("S");
        assert!(s.gain > 1.0, "{s:?}");
        assert!(!rep.is_equilibrium(1e-6));
    }

    #[test]
    fn reports_are_send_and_sync() {
        fn is<T: Send + Sync>() {}
        is::<NashReport>();
        is::<VerifyOptions>();
    }
}
