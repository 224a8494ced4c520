//! Bayes–Nash verification of a combined-market profile over critical bids.
//!
//! With private values a profile \\(\sigma\\) of the combined market
//! \\(G(M_1, \Gamma, M_2)\\) is a Bayes–Nash equilibrium when no type
//! \\(t_i\\) of any bidder gains by a unilateral auction deviation:
//! \\[ \max_{b_i'}\ E_{t_{-i}}\big[\pi_i(b_i', \sigma_{-i}(t_{-i}); t)\big]
//!     - E_{t_{-i}}\big[\pi_i(\sigma(t); t)\big] \le \varepsilon
//!     \quad\text{for every } i, t_i, \\]
//! where \\(\pi_i\\) is the payoff after the auction *and* the aftermarket
//! (papers 003 and 004, Section 2). The aftermarket is solved by backward
//! induction for every auction outcome: rivals observe what the disclosure
//! reveals and form beliefs as if the deviator played its equilibrium
//! strategy (a deviation is unobserved), the seller's offer is optimised
//! against those beliefs outcome by outcome (never fixed in advance), and
//! buyers accept exactly the offers that do not lower their utility (the
//! aftermarket's stated indifference convention, accept by default).
//!
//! Types range over the prior's finite support, or, for a continuous
//! marginal, over a stated grid of `grid` quantile midpoints
//! \\(F^{-1}((k + 1/2)/n)\\) with weight \\(1/n\\) each; only the
//! expectation over rivals' types is discretised, the beliefs the
//! aftermarket is played with stay those of the market's prior. The
//! deviations tried are the **critical bids**: \\(0\\), every bid any
//! bidder makes at any of its types, the deviator's own values and
//! `extra_levels`, each shifted by \\(\pm\varepsilon\\) and (unless turned
//! off) halved; for marginal bids every non-increasing vector over these
//! levels, up to a stated limit. Each deviation is evaluated twice, the
//! deviator winning every tie and losing every tie. The largest gain per
//! bidder and type is reported with the deviation achieving it.
//!
//! ```
//! use aftermarket::equilibrium::{verify_bayes, BayesOptions};
//! use aftermarket::scenario::builtin;
//! // Paper 004, Example 1 at m = 5: the speculator's equilibrium survives
//! // every critical deviation of A, B and C.
//! let sc = builtin::load("speculator-uniform-price.toml")?;
//! let opts = BayesOptions { grid: 2, halves: false, ..BayesOptions::default() };
//! let rep = verify_bayes(&sc.market, &opts)?;
//! assert!(rep.is_equilibrium(1e-9));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Errors
//! [`EquilibriumError::Unsupported`] for a prior that is neither finite
//! nor a product of scalar laws, or package bids;
//! [`EquilibriumError::TooMany`] when the deviations of one type exceed
//! [`BayesOptions::max_deviations`]; [`EquilibriumError::InvalidParameter`]
//! for bad options.
//!
//! ## References
//! - Babaioff, Immorlica, Li and Lucier, "On the impact of information
//!   acquisition and aftermarkets on auction efficiency" (seed 003),
//!   Section 2.3 and Example 4.
//! - Babaioff, Immorlica, Li and Lucier, "Making auctions robust to
//!   aftermarkets" (seed 004), Example 1 and Proposition 1.

use rayon::prelude::*;
use serde::Serialize;

use super::EquilibriumError;
use super::complete_info::{TieSide, bid_levels, critical_levels, deviations, expected_payoffs};
use crate::market::Market;
use crate::mechanism::{Bid, Priority};
use crate::values::Valuation;

/// Options of the Bayesian verifier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BayesOptions {
    /// Shift of the critical levels (\\(\pm\varepsilon\\)).
    pub eps: f64,
    /// The largest number of deviations tried per type (and tie side).
    pub max_deviations: usize,
    /// Check only these bidders (all when `None`).
    pub bidders: Option<Vec<usize>>,
    /// Quantile points per continuous marginal prior.
    pub grid: usize,
    /// Whether halves of the levels are critical too.
    pub halves: bool,
    /// Further critical levels (reserves, thresholds of the aftermarket).
    pub extra_levels: Vec<f64>,
    /// The largest number of type profiles enumerated.
    pub max_profiles: usize,
}

impl Default for BayesOptions {
    fn default() -> Self {
        BayesOptions {
            eps: super::DEFAULT_EPS,
            max_deviations: 20_000,
            bidders: None,
            grid: 8,
            halves: true,
            extra_levels: Vec::new(),
            max_profiles: 100_000,
        }
    }
}

impl BayesOptions {
    /// Checks the options.
    ///
    /// # Errors
    /// A negative or non-finite `eps`, `max_deviations = 0`, `grid = 0`,
    /// `max_profiles = 0`, or a negative or non-finite extra level.
    pub fn check(&self) -> Result<(), EquilibriumError> {
        let bad = |param: &'static str, rule: &'static str, value: String| {
            Err(EquilibriumError::InvalidParameter { param, rule, value })
        };
        if !self.eps.is_finite() || self.eps < 0.0 {
            return bad("eps", "must be finite and >= 0", self.eps.to_string());
        }
        if self.max_deviations == 0 {
            return bad("max_deviations", "must be >= 1", "0".into());
        }
        if self.grid == 0 {
            return bad("grid", "must be >= 1", "0".into());
        }
        if self.max_profiles == 0 {
            return bad("max_profiles", "must be >= 1", "0".into());
        }
        if let Some(x) = self
            .extra_levels
            .iter()
            .find(|x| !x.is_finite() || **x < 0.0)
        {
            return bad("extra_levels", "must be finite and >= 0", x.to_string());
        }
        Ok(())
    }
}

/// The types the check ranges over.
#[derive(Debug, Clone, Serialize)]
pub struct TypeSpace {
    /// Per bidder, its types with their marginal probabilities.
    pub types: Vec<Vec<(Valuation, f64)>>,
    /// Type profiles as indices into `types`, with probabilities.
    pub profiles: Vec<(Vec<usize>, f64)>,
    /// Per bidder, whether its types are a quantile grid of a continuous law.
    pub discretised: Vec<bool>,
}

fn index_of(list: &mut Vec<(Valuation, f64)>, v: &Valuation, p: f64) -> usize {
    match list.iter().position(|(w, _)| w == v) {
        Some(k) => {
            list[k].1 += p;
            k
        }
        None => {
            list.push((v.clone(), p));
            list.len() - 1
        }
    }
}

/// The types of every bidder and the profiles of the market's prior: the
/// exact support where finite, `grid` quantile midpoints of each continuous
/// scalar marginal otherwise (independent priors only).
///
/// # Errors
/// A prior that is neither finite nor independent with scalar marginals,
/// or more than `max_profiles` profiles.
pub fn type_space(
    market: &Market,
    grid: usize,
    max_profiles: usize,
) -> Result<TypeSpace, EquilibriumError> {
    let n = market.n_bidders();
    let marginals: Option<Vec<_>> = (0..n).map(|j| market.prior.marginal(j)).collect();
    if let Some(marginals) = marginals {
        let mut types = Vec::with_capacity(n);
        let mut discretised = Vec::with_capacity(n);
        let mut count: usize = 1;
        for (j, law) in marginals.iter().enumerate() {
            let list = match law.finite_support() {
                Some(s) => {
                    discretised.push(false);
                    let mut list = Vec::new();
                    for (v, p) in s {
                        index_of(&mut list, &v, p);
                    }
                    list
                }
                None => {
                    let (scalar, shape) = law.scalar().ok_or_else(|| {
                        EquilibriumError::Unsupported(format!(
                            "bidder {}: the prior {} is neither finite nor scalar",
                            market.bidders[j],
                            law.name()
                        ))
                    })?;
                    discretised.push(true);
                    let mut list = Vec::new();
                    for k in 0..grid {
                        let q = (k as f64 + 0.5) / grid as f64;
                        let v = shape.valuation(scalar.quantile(q))?;
                        index_of(&mut list, &v, 1.0 / grid as f64);
                    }
                    list
                }
            };
            count = count.saturating_mul(list.len());
            types.push(list);
        }
        if count > max_profiles {
            return Err(EquilibriumError::TooManyProfiles {
                count,
                limit: max_profiles,
            });
        }
        let mut profiles = vec![(Vec::with_capacity(n), 1.0)];
        for list in &types {
            let mut next = Vec::with_capacity(profiles.len() * list.len());
            for (idx, p) in &profiles {
                for (k, (_, q)) in list.iter().enumerate() {
                    let mut idx = idx.clone();
                    idx.push(k);
                    next.push((idx, p * q));
                }
            }
            profiles = next;
        }
        return Ok(TypeSpace {
            types,
            profiles,
            discretised,
        });
    }
    let support = market.prior.finite_support().ok_or_else(|| {
        EquilibriumError::Unsupported(
            "a correlated prior must have finite support to be checked".into(),
        )
    })?;
    if support.len() > max_profiles {
        return Err(EquilibriumError::TooManyProfiles {
            count: support.len(),
            limit: max_profiles,
        });
    }
    let mut types: Vec<Vec<(Valuation, f64)>> = vec![Vec::new(); n];
    let mut profiles = Vec::with_capacity(support.len());
    for (values, p) in &support {
        let idx = values
            .iter()
            .enumerate()
            .map(|(j, v)| index_of(&mut types[j], v, *p))
            .collect();
        profiles.push((idx, *p));
    }
    Ok(TypeSpace {
        types,
        profiles,
        discretised: vec![false; n],
    })
}

/// The check of one type of one bidder.
#[derive(Debug, Clone, Serialize)]
pub struct TypeCheck {
    /// The bidder's name.
    pub bidder: String,
    /// The bidder's index.
    pub index: usize,
    /// The type.
    pub valuation: Valuation,
    /// Its probability (grid weight for a discretised law).
    pub probability: f64,
    /// The bid the profile prescribes.
    pub bid: Bid,
    /// Interim expected payoff of the profile (ties by the market's rule).
    pub payoff: f64,
    /// The best deviation found (the profile's bid when nothing beats it).
    pub best_deviation: Bid,
    /// Its interim expected payoff.
    pub best_deviation_payoff: f64,
    /// How ties were broken for it.
    pub tie: TieSide,
    /// `best_deviation_payoff − payoff`.
    pub gain: f64,
    /// Deviations tried (per tie side).
    pub deviations: usize,
}

/// Ex-ante measures of the profile over the type space.
#[derive(Debug, Clone, Serialize)]
pub struct ExAnte {
    /// Expected payoff of each bidder.
    pub payoffs: Vec<f64>,
    /// Expected welfare of the final allocation.
    pub welfare: f64,
    /// Expected welfare of the auction's allocation.
    pub auction_welfare: f64,
    /// Expected optimal welfare.
    pub optimal_welfare: f64,
    /// Probability that some trade takes place after the auction.
    pub resale_probability: f64,
    /// Expected number of units or items sold in the auction.
    pub sold: f64,
}

/// The Bayesian verifier's answer.
#[derive(Debug, Clone, Serialize)]
pub struct BayesReport {
    /// One check per type of every bidder checked.
    pub types: Vec<TypeCheck>,
    /// The profile's ex-ante measures.
    pub ex_ante: ExAnte,
    /// Type profiles enumerated.
    pub profiles: usize,
    /// Per bidder, whether its types are a quantile grid.
    pub discretised: Vec<bool>,
    /// The shift used.
    pub eps: f64,
}

impl BayesReport {
    /// True if no type gains more than `tol` by deviating.
    pub fn is_equilibrium(&self, tol: f64) -> bool {
        self.types.iter().all(|t| t.gain <= tol)
    }

    /// The largest gain over every bidder and type.
    pub fn max_gain(&self) -> f64 {
        self.types
            .iter()
            .map(|t| t.gain)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// The check of the type of `bidder` with the largest gain.
    pub fn worst(&self, bidder: &str) -> Option<&TypeCheck> {
        self.types
            .iter()
            .filter(|t| t.bidder == bidder)
            .max_by(|a, b| a.gain.total_cmp(&b.gain))
    }

    /// The check of `bidder` at the type whose headline value is `value`.
    pub fn at(&self, bidder: &str, value: f64) -> Option<&TypeCheck> {
        self.types
            .iter()
            .find(|t| t.bidder == bidder && (t.valuation.headline() - value).abs() <= 1e-9)
    }
}

/// Interim payoff of bidder `i` over `rows` (values, bids, weight) with its
/// bid replaced by `own`.
fn interim(
    market: &Market,
    rows: &[(Vec<Valuation>, Vec<Bid>, f64)],
    i: usize,
    own: Option<&Bid>,
    priority: Option<&Priority>,
) -> Result<f64, EquilibriumError> {
    let mut total = 0.0;
    for (values, bids, w) in rows {
        let u = match own {
            Some(b) => {
                let mut trial = bids.clone();
                trial[i] = b.clone();
                expected_payoffs(market, values, &trial, priority)?[i]
            }
            None => expected_payoffs(market, values, bids, priority)?[i],
        };
        total += w * u;
    }
    Ok(total)
}

fn ex_ante(market: &Market, space: &TypeSpace) -> Result<ExAnte, EquilibriumError> {
    let n = market.n_bidders();
    let mut out = ExAnte {
        payoffs: vec![0.0; n],
        welfare: 0.0,
        auction_welfare: 0.0,
        optimal_welfare: 0.0,
        resale_probability: 0.0,
        sold: 0.0,
    };
    for (idx, p) in &space.profiles {
        let values: Vec<Valuation> = idx
            .iter()
            .enumerate()
            .map(|(j, &k)| space.types[j][k].0.clone())
            .collect();
        for b in market.branches(&values)? {
            let w = p * b.probability;
            let r = &b.episode.record;
            for (acc, u) in out.payoffs.iter_mut().zip(&r.payoffs) {
                *acc += w * u;
            }
            out.welfare += w * r.final_welfare;
            out.auction_welfare += w * r.auction_welfare;
            out.optimal_welfare += w * r.optimal_welfare;
            out.resale_probability += w * r.resale_occurred;
            out.sold += w * r.won.iter().sum::<f64>();
        }
    }
    Ok(out)
}

/// Verifies that the market's strategy profile is a Bayes–Nash
/// equilibrium of the combined market (see the module docs).
///
/// # Errors
/// See the module docs.
pub fn verify_bayes(market: &Market, opts: &BayesOptions) -> Result<BayesReport, EquilibriumError> {
    opts.check()?;
    market.check()?;
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
    let space = type_space(market, opts.grid, opts.max_profiles)?;
    // Every bidder's bid at every one of its types.
    let mut bids_by_type: Vec<Vec<Bid>> = Vec::with_capacity(n);
    for (j, list) in space.types.iter().enumerate() {
        let mut row = Vec::with_capacity(list.len());
        for (v, _) in list {
            let b = market.strategies[j]
                .bid(v, market.bid_form)
                .map_err(|source| crate::market::MarketError::Strategy {
                    bidder: market.bidders[j].clone(),
                    source,
                })?;
            row.push(b);
        }
        bids_by_type.push(row);
    }
    let all_bids: Vec<Bid> = bids_by_type.iter().flatten().cloned().collect();
    let mut checks = Vec::new();
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
        for (k, (valuation, _)) in space.types[i].iter().enumerate() {
            let mut rows = Vec::new();
            let mut mass = 0.0;
            for (idx, p) in &space.profiles {
                if idx[i] != k {
                    continue;
                }
                let values: Vec<Valuation> = idx
                    .iter()
                    .enumerate()
                    .map(|(j, &t)| space.types[j][t].0.clone())
                    .collect();
                let bids: Vec<Bid> = idx
                    .iter()
                    .enumerate()
                    .map(|(j, &t)| bids_by_type[j][t].clone())
                    .collect();
                rows.push((values, bids, *p));
                mass += p;
            }
            if mass <= 0.0 {
                continue;
            }
            for row in &mut rows {
                row.2 /= mass;
            }
            let mut extra = opts.extra_levels.clone();
            match valuation.as_units() {
                Some(mv) => extra.extend(mv.as_slice()),
                None => extra.push(valuation.headline()),
            }
            let levels = if opts.halves {
                critical_levels(&[], &all_bids, &extra, opts.eps)
            } else {
                bid_levels(vec![0.0], &all_bids, &extra, false, opts.eps)
            };
            let candidates = deviations(market.bid_form, &levels, opts.max_deviations)?;
            let bid = bids_by_type[i][k].clone();
            let payoff = interim(market, &rows, i, None, None)?;
            let trials: Vec<Result<[f64; 2], EquilibriumError>> = candidates
                .par_iter()
                .map(|d| {
                    let mut out = [0.0; 2];
                    for (slot, (_, pr)) in out.iter_mut().zip(&sides) {
                        *slot = interim(market, &rows, i, Some(d), Some(pr))?;
                    }
                    Ok(out)
                })
                .collect();
            // A deviation must do strictly better than the profile itself.
            let mut best = (payoff, bid.clone(), TieSide::Favoured);
            for (d, r) in candidates.iter().zip(trials) {
                let us = r?;
                for (u, (side, _)) in us.iter().zip(&sides) {
                    if *u > best.0 + 1e-12 {
                        best = (*u, d.clone(), *side);
                    }
                }
            }
            checks.push(TypeCheck {
                bidder: market.bidders[i].clone(),
                index: i,
                valuation: valuation.clone(),
                probability: mass,
                bid,
                payoff,
                gain: best.0 - payoff,
                best_deviation: best.1,
                best_deviation_payoff: best.0,
                tie: best.2,
                deviations: candidates.len(),
            });
        }
    }
    Ok(BayesReport {
        types: checks,
        ex_ante: ex_ante(market, &space)?,
        profiles: space.profiles.len(),
        discretised: space.discretised,
        eps: opts.eps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::builtin;

    #[test]
    fn zero_grid_is_rejected() {
        let o = BayesOptions {
            grid: 0,
            ..BayesOptions::default()
        };
        assert_eq!(
            o.check().expect_err("zero").to_string(),
            "grid must be >= 1, got 0"
        );
    }

    #[test]
    fn continuous_marginals_become_quantile_midpoints() {
        let sc = builtin::load("speculator-uniform-price.toml").expect("builtin");
        let space = type_space(&sc.market, 4, 1000).expect("independent");
        assert_eq!(space.discretised, vec![true, true, false]);
        // A's second marginal is u ~ U[1, 1.5]: midpoints 1.0625, 1.1875, ...
        let u: Vec<f64> = space.types[0]
            .iter()
            .map(|(v, _)| v.as_units().expect("units").as_slice()[1])
            .collect();
        assert!((u[0] - 1.0625).abs() < 1e-12 && (u[3] - 1.4375).abs() < 1e-12);
        assert_eq!(space.profiles.len(), 16);
        let total: f64 = space.profiles.iter().map(|(_, p)| p).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn too_many_profiles_name_the_limit() {
        let sc = builtin::load("speculator-uniform-price.toml").expect("builtin");
        let err = type_space(&sc.market, 100, 1000).expect_err("too many");
        assert!(err.to_string().contains("max_profiles"), "{err}");
    }

    #[test]
    fn speculator_bidding_on_every_unit_gains_by_reducing_demand() {
        // With C bidding 1 on all five units her fourth bid sets the price
        // at 1 on the three units she wins; bidding on three pays 0.
        let mut sc = builtin::load("speculator-uniform-price.toml").expect("builtin");
        sc.market.strategies[2] =
            std::sync::Arc::new(crate::strategy::Fixed(Bid::Marginal(vec![1.0; 5])));
        let opts = BayesOptions {
            grid: 2,
            halves: false,
            bidders: Some(vec![2]),
            ..BayesOptions::default()
        };
        let rep = verify_bayes(&sc.market, &opts).expect("runs");
        let c = rep.worst("C").expect("C");
        assert!((c.gain - 3.0).abs() < 1e-6, "{c:?}");
        assert!(!rep.is_equilibrium(1e-6));
    }

    #[test]
    fn reports_are_send_and_sync() {
        fn is<T: Send + Sync>() {}
        is::<BayesReport>();
        is::<BayesOptions>();
    }
}
