//! Deviations and the two sides of the smoothness inequality, computed
//! exactly.

use std::cell::RefCell;

use serde::Serialize;

use super::{ONE_MINUS_INV_E, Smoothness, SmoothnessError};
use crate::analysis::quadrature::integrate_tol;
use crate::analysis::welfare::efficient_allocation;
use crate::disclosure::Disclosure;
use crate::mechanism::{Bid, Mechanism, Outcome, Priority};
use crate::resale::{
    Aftermarket, Belief, ResaleContext, ResaleOutcome, check_budget_balance,
    check_voluntary_participation,
};
use crate::values::{Holding, Supply, Valuation};

/// Absolute tolerance of each quadrature piece.
const QUAD_TOL: f64 = 1e-11;

/// The law of the scale \\(t\\) of a scaled deviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScaleLaw {
    /// Density \\(1/(1-t)\\) on \\([0, 1 - 1/e]\\): the first-price
    /// deviation (quantile \\(t = 1 - e^{-q}\\)).
    FirstPrice,
    /// \\(t \sim U[0, 1]\\): the all-pay deviation.
    Uniform,
}

impl ScaleLaw {
    /// The scale at quantile `q` in \\([0, 1]\\).
    pub fn quantile(self, q: f64) -> f64 {
        match self {
            ScaleLaw::FirstPrice => 1.0 - (-q).exp(),
            ScaleLaw::Uniform => q,
        }
    }

    /// The quantile of scale `t`.
    pub fn cdf(self, t: f64) -> f64 {
        match self {
            ScaleLaw::FirstPrice if t <= 0.0 => 0.0,
            ScaleLaw::FirstPrice if t >= ONE_MINUS_INV_E => 1.0,
            ScaleLaw::FirstPrice => -(1.0 - t).ln(),
            ScaleLaw::Uniform => t.clamp(0.0, 1.0),
        }
    }
}

/// One bidder's deviation \\(b^*_i(v)\\).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Deviation {
    /// A fixed bid.
    Fixed(Bid),
    /// The bid `base` with every number multiplied by a random scale
    /// \\(t\\) drawn from `law`.
    Scaled {
        /// The law of \\(t\\).
        law: ScaleLaw,
        /// The bid at \\(t = 1\\).
        base: Bid,
    },
}

fn scaled(base: &Bid, t: f64) -> Result<Bid, SmoothnessError> {
    Ok(match base {
        Bid::Single(b) => Bid::Single(t * b),
        Bid::Marginal(v) => Bid::Marginal(v.iter().map(|b| t * b).collect()),
        Bid::PerItem(v) => Bid::PerItem(v.iter().map(|b| t * b).collect()),
        other => {
            return Err(SmoothnessError::InvalidParameter {
                param: "deviation.base",
                rule: "must be one number, marginal or per-item bids",
                value: other.describe(),
            });
        }
    })
}

fn numbers(b: &Bid) -> Vec<f64> {
    match b {
        Bid::Single(x) => vec![*x],
        Bid::Marginal(v) | Bid::PerItem(v) => v.clone(),
        Bid::Packages(p) => p.iter().map(|(_, x)| *x).collect(),
    }
}

/// The aftermarket stage of the combined market: the aftermarket and what
/// bidders see before it. Bidders know each other's valuations in it
/// (complete information); voluntary participation makes the opt-out
/// deviation's utility independent of what they believe.
#[derive(Debug, Clone, Copy)]
pub struct Stage2<'a> {
    /// The aftermarket (a trade mechanism: voluntary, weakly budget-balanced).
    pub aftermarket: &'a dyn Aftermarket,
    /// What each bidder sees after the auction.
    pub disclosure: &'a dyn Disclosure,
}

impl Stage2<'_> {
    /// Every branch of the aftermarket after `outcome`, with `opted_out`
    /// agents opting out; checks both hypotheses of paper 003's Lemma 2 on
    /// every branch.
    fn branches(
        &self,
        supply: Supply,
        values: &[Valuation],
        bids: &[Bid],
        outcome: &Outcome,
        opted_out: &[bool],
    ) -> Result<Vec<(f64, ResaleOutcome)>, SmoothnessError> {
        let n = values.len();
        let observations: Vec<_> = (0..n)
            .map(|j| self.disclosure.observe(j, bids, outcome))
            .collect();
        let beliefs: Vec<Vec<Belief>> = (0..n)
            .map(|_| values.iter().cloned().map(Belief::Known).collect())
            .collect();
        let ctx = ResaleContext {
            supply,
            holdings: &outcome.allocation,
            valuations: values,
            beliefs: &beliefs,
            observations: &observations,
            opted_out,
        };
        let branches = self.aftermarket.outcomes(&ctx)?;
        for (_, r) in &branches {
            let name = self.aftermarket.name();
            check_voluntary_participation(&ctx, r).map_err(|e| {
                SmoothnessError::Hypothesis(format!(
                    "aftermarket {name} breaks voluntary participation: {e}"
                ))
            })?;
            check_budget_balance(r).map_err(|e| {
                SmoothnessError::Hypothesis(format!(
                    "aftermarket {name} breaks weak budget balance: {e}"
                ))
            })?;
        }
        Ok(branches)
    }
}

/// The auction's outcomes with their probabilities. Without equal bids of
/// different bidders the tie rule plays no part and one order suffices;
/// otherwise every order the rule allows is enumerated.
fn tie_outcomes(
    mech: &dyn Mechanism,
    bids: &[Bid],
) -> Result<Vec<(f64, Outcome)>, SmoothnessError> {
    let mut all: Vec<(f64, usize)> = bids
        .iter()
        .enumerate()
        .flat_map(|(i, b)| numbers(b).into_iter().map(move |x| (x, i)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let tied = all
        .windows(2)
        .any(|w| w[0].0.total_cmp(&w[1].0).is_eq() && w[0].1 != w[1].1);
    if tied {
        Ok(mech.outcomes(bids)?)
    } else {
        Ok(vec![(
            1.0,
            mech.outcome_with_priority(bids, &Priority::by_index(bids.len()))?,
        )])
    }
}

/// Bidder `i`'s expected utility at the profile `bids`: in the auction
/// alone, or, with `stage2`, after the aftermarket, where `i` opts out if
/// `opt_out`. Ties and aftermarket branches are averaged exactly.
///
/// # Errors
/// A failing mechanism or aftermarket, or an aftermarket that breaks
/// voluntary participation or weak budget balance.
pub fn expected_utility(
    mech: &dyn Mechanism,
    values: &[Valuation],
    bids: &[Bid],
    i: usize,
    stage2: Option<&Stage2<'_>>,
    opt_out: bool,
) -> Result<f64, SmoothnessError> {
    let mut u = 0.0;
    for (p, o) in tie_outcomes(mech, bids)? {
        match stage2 {
            None => u += p * (values[i].value(&o.allocation[i])? - o.payments[i]),
            Some(s) => {
                let mut opted = vec![false; values.len()];
                opted[i] = opt_out;
                for (q, r) in s.branches(mech.supply(), values, bids, &o, &opted)? {
                    let after = values[i].value(&r.holdings[i])?;
                    u += p * q * (after - o.payments[i] - r.payments[i] - r.costs[i]);
                }
            }
        }
    }
    Ok(u)
}

/// \\(\mathrm{Rev}(b)\\): expected auction revenue, plus, with `stage2`, the
/// aftermarket's net payments when nobody opts out (non-negative by weak
/// budget balance).
///
/// # Errors
/// As [`expected_utility`].
pub fn revenue(
    mech: &dyn Mechanism,
    values: &[Valuation],
    bids: &[Bid],
    stage2: Option<&Stage2<'_>>,
) -> Result<f64, SmoothnessError> {
    let mut rev = 0.0;
    for (p, o) in tie_outcomes(mech, bids)? {
        rev += p * o.revenue();
        if let Some(s) = stage2 {
            let opted = vec![false; values.len()];
            for (q, r) in s.branches(mech.supply(), values, bids, &o, &opted)? {
                rev += p * q * r.surplus();
            }
        }
    }
    Ok(rev)
}

/// \\(\mathbb E[u_i(b^*_i, b_{-i})]\\), the deviator opting out of the
/// aftermarket. A scaled deviation is integrated over its quantile with
/// adaptive quadrature, split wherever a deviating bid crosses a rival's
/// bid or the reserve, so every piece is smooth.
///
/// # Errors
/// As [`expected_utility`], or a deviation that cannot be scaled.
pub fn deviation_utility(
    mech: &dyn Mechanism,
    values: &[Valuation],
    bids: &[Bid],
    i: usize,
    dev: &Deviation,
    stage2: Option<&Stage2<'_>>,
) -> Result<f64, SmoothnessError> {
    let with = |b: Bid| -> Result<f64, SmoothnessError> {
        let mut profile = bids.to_vec();
        profile[i] = b;
        expected_utility(mech, values, &profile, i, stage2, true)
    };
    match dev {
        Deviation::Fixed(b) => with(b.clone()),
        Deviation::Scaled { law, base } => {
            let mut levels: Vec<f64> = bids
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .flat_map(|(_, b)| numbers(b))
                .collect();
            levels.push(mech.rules().reserve);
            let mut cuts = vec![0.0, 1.0];
            for c in numbers(base).into_iter().filter(|c| *c > 0.0) {
                for l in &levels {
                    let q = law.cdf(l / c);
                    if q > 0.0 && q < 1.0 {
                        cuts.push(q);
                    }
                }
            }
            cuts.sort_by(f64::total_cmp);
            cuts.dedup_by(|a, b| (*a - *b).abs() < 1e-14);
            let err: RefCell<Option<SmoothnessError>> = RefCell::new(None);
            let f = |q: f64| -> f64 {
                let r = scaled(base, law.quantile(q)).and_then(&with);
                match r {
                    Ok(u) => u,
                    Err(e) => {
                        err.borrow_mut().get_or_insert(e);
                        0.0
                    }
                }
            };
            let total: f64 = cuts
                .windows(2)
                .map(|w| integrate_tol(&f, w[0], w[1], QUAD_TOL))
                .sum();
            match err.into_inner() {
                Some(e) => Err(e),
                None => Ok(total),
            }
        }
    }
}

/// The two sides of the smoothness inequality at one profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// \\(\sum_i \mathbb E[u_i(b^*_i, b_{-i})]\\).
    pub deviation_utility: f64,
    /// Each bidder's term of that sum.
    pub per_bidder: Vec<f64>,
    /// \\(\mathrm{OPT}(v)\\).
    pub optimal_welfare: f64,
    /// \\(\mathrm{Rev}(b)\\) (with the aftermarket's net payments in the
    /// combined market).
    pub revenue: f64,
    /// Left side minus right side: \\(\ge 0\\) when the inequality holds.
    pub slack: f64,
}

/// Both sides of \\(\sum_i \mathbb E[u_i(b^*_i, b_{-i})] \ge \lambda\,
/// \mathrm{OPT}(v) - \mu\, \mathrm{Rev}(b)\\) for the deviations `devs`; with
/// `stage2`, for the combined market (paper 003, Lemma 2).
///
/// # Errors
/// One deviation per bidder is required; otherwise as
/// [`deviation_utility`].
pub fn evaluate(
    mech: &dyn Mechanism,
    values: &[Valuation],
    bids: &[Bid],
    devs: &[Deviation],
    s: Smoothness,
    stage2: Option<&Stage2<'_>>,
) -> Result<Evaluation, SmoothnessError> {
    if devs.len() != values.len() || bids.len() != values.len() {
        return Err(SmoothnessError::InvalidParameter {
            param: "deviations and bids",
            rule: "must give one entry per bidder",
            value: format!(
                "{} deviations, {} bids for {} bidders",
                devs.len(),
                bids.len(),
                values.len()
            ),
        });
    }
    let per_bidder = devs
        .iter()
        .enumerate()
        .map(|(i, d)| deviation_utility(mech, values, bids, i, d, stage2))
        .collect::<Result<Vec<f64>, _>>()?;
    let deviation_utility: f64 = per_bidder.iter().sum();
    let optimal_welfare = efficient_allocation(values, &mech.supply(), &[])?.welfare;
    let revenue = revenue(mech, values, bids, stage2)?;
    Ok(Evaluation {
        deviation_utility,
        per_bidder,
        optimal_welfare,
        revenue,
        slack: deviation_utility - s.lambda * optimal_welfare + s.mu * revenue,
    })
}

/// The standard smoothness deviations of `mech` at the profile `values`,
/// with the constants they certify.
///
/// Each bidder bids only on what it gets in the optimal allocation \\(x^*\\),
/// a random fraction \\(t\\) of its value for it:
/// - units (first-price, pay-as-bid; all-pay for one unit): bidder \\(i\\)
///   bids \\(t v_{i,j}\\) on its \\(j\\)-th unit for \\(j \le x^*_i\\), 0 beyond.
///   Its \\(j\\)-th unit wins when \\(t v_{i,j}\\) beats \\(\theta_j\\), the
///   \\((m-j+1)\\)-th highest rival bid, which gives at least
///   \\((1-1/e) v_{i,j} - \theta_j\\); the thresholds summed over bidders
///   and units are at most the revenue (the construction of de Keijzer et
///   al. 2013, with the first-price scale law);
/// - distinct items (simultaneous first-price or all-pay): bidder \\(i\\)
///   bids \\(t a_{i,k}\\) on each item \\(k\\) of its optimal package, where
///   \\(a_{i,k}\\) are its marginal values along the package (an additive
///   lower bound on every sub-package when values are submodular), as
///   Syrgkanis and Tardos (2013) do.
///
/// The scale law is [`ScaleLaw::FirstPrice`] with \\((1 - 1/e, 1)\\) for
/// first-price formats and [`ScaleLaw::Uniform`] with \\((1/2, 1)\\) for
/// all-pay formats.
///
/// # Errors
/// [`SmoothnessError::NoDeviation`] for formats with no known deviation
/// (second-price, uniform-price, …); [`SmoothnessError::Hypothesis`] for
/// package values that are not submodular.
pub fn standard_deviations(
    mech: &dyn Mechanism,
    values: &[Valuation],
) -> Result<(Smoothness, Vec<Deviation>), SmoothnessError> {
    let (s, law) = match mech.name() {
        "first-price" | "pay-as-bid" | "simultaneous-first-price" => {
            (Smoothness::FIRST_PRICE, ScaleLaw::FirstPrice)
        }
        "all-pay" | "simultaneous-all-pay" => (Smoothness::ALL_PAY, ScaleLaw::Uniform),
        other => return Err(SmoothnessError::NoDeviation(other.to_string())),
    };
    let supply = mech.supply();
    let opt = efficient_allocation(values, &supply, &[])?;
    let mut devs = Vec::with_capacity(values.len());
    for (i, (v, x)) in values.iter().zip(&opt.allocation).enumerate() {
        let dev = match (supply, x, v) {
            (Supply::Units { m }, Holding::Units(k), Valuation::Units(mv)) => {
                let base: Vec<f64> = (1..=m)
                    .map(|j| if j <= *k { mv.marginal(j) } else { 0.0 })
                    .collect();
                let bid = |b: Vec<f64>| {
                    if m == 1 {
                        Bid::Single(b[0])
                    } else {
                        Bid::Marginal(b)
                    }
                };
                if *k == 0 {
                    Deviation::Fixed(bid(vec![0.0; m]))
                } else {
                    Deviation::Scaled {
                        law,
                        base: bid(base),
                    }
                }
            }
            (Supply::Items { n }, Holding::Items(set), Valuation::Packages(pv)) => {
                if !pv.is_submodular() {
                    return Err(SmoothnessError::Hypothesis(format!(
                        "bidder {i}: the simultaneous auctions' bound needs submodular values"
                    )));
                }
                let mut base = vec![0.0; n];
                let mut held = crate::values::ItemSet::EMPTY;
                for k in set.indices() {
                    let next = held.union(crate::values::ItemSet::singleton(k));
                    base[k] = pv.value(next)? - pv.value(held)?;
                    held = next;
                }
                if set.is_empty() {
                    Deviation::Fixed(Bid::PerItem(base))
                } else {
                    Deviation::Scaled {
                        law,
                        base: Bid::PerItem(base),
                    }
                }
            }
            _ => {
                return Err(SmoothnessError::Hypothesis(format!(
                    "bidder {i}: its valuation does not fit the goods of {}",
                    mech.name()
                )));
            }
        };
        devs.push(dev);
    }
    Ok((s, devs))
}
