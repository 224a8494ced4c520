//! Adversarial search over bid profiles: the smallest slack of a deviation,
//! and the largest \\(\lambda\\) any deviation could certify.

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::deviation::{
    Evaluation, Stage2, evaluate, expected_utility, revenue, standard_deviations,
};
use super::{Smoothness, SmoothnessError};
use crate::analysis::welfare::efficient_allocation;
use crate::mechanism::{Bid, Mechanism};
use crate::values::{PackageValues, Supply, Valuation};

/// Candidate bids per bidder beyond which a best response is not
/// enumerated.
const MAX_CANDIDATES: usize = 20_000;

/// How hard to search.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SearchConfig {
    /// Random starting instances.
    pub restarts: usize,
    /// Local-search moves from each start.
    pub steps: usize,
    /// Bids range over \\([0, \text{bid\\_cap} \cdot \max v]\\): above 1
    /// lets bidders overbid.
    pub bid_cap: f64,
    /// Seed of every random draw.
    pub seed: u64,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            restarts: 16,
            steps: 60,
            bid_cap: 2.0,
            seed: 2026,
        }
    }
}

impl SearchConfig {
    fn check(&self) -> Result<(), SmoothnessError> {
        if self.restarts == 0 {
            return Err(SmoothnessError::InvalidParameter {
                param: "restarts",
                rule: "must be >= 1",
                value: "0".into(),
            });
        }
        if !(self.bid_cap.is_finite() && self.bid_cap > 0.0) {
            return Err(SmoothnessError::InvalidParameter {
                param: "bid_cap",
                rule: "must be finite and > 0",
                value: self.bid_cap.to_string(),
            });
        }
        Ok(())
    }
}

/// A valuation profile and a bid profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Instance {
    /// The values.
    pub values: Vec<Valuation>,
    /// The bids.
    pub bids: Vec<Bid>,
}

impl Instance {
    /// The instance in one line, e.g. `v = [1, 0.2]; b = [0, 1.5]`.
    pub fn describe(&self) -> String {
        let vs: Vec<String> = self
            .values
            .iter()
            .map(|v| match v {
                Valuation::Units(m) if m.len() == 1 => format!("{:.4}", m.marginal(1)),
                Valuation::Units(m) => format!("{:.4?}", m.as_slice()),
                Valuation::Packages(p) => format!("{:.4?}", p.table()),
            })
            .collect();
        let bs: Vec<String> = self
            .bids
            .iter()
            .map(|b| match b {
                Bid::Single(x) => format!("{x:.4}"),
                Bid::Marginal(v) | Bid::PerItem(v) => format!("{v:.4?}"),
                other => other.describe(),
            })
            .collect();
        format!("v = [{}]; b = [{}]", vs.join(", "), bs.join(", "))
    }
}

/// The worst profile [`search_violation`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchReport {
    /// The mechanism.
    pub mechanism: String,
    /// The constants checked.
    pub smoothness: Smoothness,
    /// Whether the aftermarket stage was included.
    pub combined: bool,
    /// The smallest slack over \\(\mathrm{OPT}(v)\\) found (negative: a
    /// violation).
    pub min_relative_slack: f64,
    /// Where it was found.
    pub worst: Instance,
    /// Both sides of the inequality there.
    pub evaluation: Evaluation,
    /// Profiles evaluated.
    pub evaluations: usize,
}

/// The instance [`search_lambda_bound`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LambdaBound {
    /// The mechanism.
    pub mechanism: String,
    /// The \\(\mu\\) held fixed.
    pub mu: f64,
    /// No deviation certifies a larger \\(\lambda\\) with this \\(\mu\\):
    /// \\((\sum_i \max_{b'} u_i(b', b_{-i}) + \mu \mathrm{Rev}(b)) / \mathrm{OPT}(v)\\)
    /// at the instance below.
    pub lambda_upper: f64,
    /// The instance.
    pub worst: Instance,
    /// Each bidder's best-response utility there.
    pub best_responses: Vec<f64>,
    /// \\(\mathrm{Rev}(b)\\) there.
    pub revenue: f64,
    /// \\(\mathrm{OPT}(v)\\) there.
    pub optimal_welfare: f64,
    /// Profiles evaluated.
    pub evaluations: usize,
}

/// The bid shape `mech` takes, as (units or items, count).
fn bid_shape(mech: &dyn Mechanism) -> Result<(bool, usize), SmoothnessError> {
    match mech.supply() {
        Supply::Units { m } => Ok((true, m)),
        Supply::Items { n } => Ok((false, n)),
    }
}

fn make_bid(units: bool, mut xs: Vec<f64>) -> Bid {
    if units {
        xs.sort_by(|a, b| b.total_cmp(a));
        if xs.len() == 1 {
            Bid::Single(xs[0])
        } else {
            Bid::Marginal(xs)
        }
    } else {
        Bid::PerItem(xs)
    }
}

fn bid_numbers(b: &Bid) -> Vec<f64> {
    match b {
        Bid::Single(x) => vec![*x],
        Bid::Marginal(v) | Bid::PerItem(v) => v.clone(),
        Bid::Packages(p) => p.iter().map(|(_, x)| *x).collect(),
    }
}

fn value_numbers(v: &Valuation) -> Vec<f64> {
    match v {
        Valuation::Units(m) => m.as_slice().to_vec(),
        Valuation::Packages(p) => p.table().to_vec(),
    }
}

fn max_value(values: &[Valuation]) -> f64 {
    let m = values.iter().flat_map(value_numbers).fold(0.0, f64::max);
    if m > 0.0 { m } else { 1.0 }
}

fn scale_valuation(v: &Valuation, c: f64) -> Result<Valuation, SmoothnessError> {
    Ok(match v {
        Valuation::Units(m) => Valuation::units(m.as_slice().iter().map(|x| x * c).collect())?,
        Valuation::Packages(p) => Valuation::Packages(PackageValues::new(
            p.n_items(),
            p.table().iter().map(|x| x * c).collect(),
        )?),
    })
}

/// One random local move: rescale one bidder's values, or change one bid
/// number (uniformly, by a step, or onto another number of the instance so
/// that ties and thresholds get tried).
fn perturb(
    inst: &Instance,
    units: bool,
    cap: f64,
    step: f64,
    rng: &mut dyn Rng,
) -> Result<Instance, SmoothnessError> {
    let mut next = inst.clone();
    let n = inst.values.len();
    let j = rng.random_range(0..n);
    if rng.random::<f64>() < 0.25 {
        let c = rng.random_range(0.0..1.5);
        next.values[j] = scale_valuation(&inst.values[j], c)?;
        return Ok(next);
    }
    let mut xs = bid_numbers(&inst.bids[j]);
    let r: f64 = rng.random();
    if r < 0.1 {
        // Overbid on everything: the move that breaks second-price formats.
        let level = cap * rng.random_range(0.5..=1.0);
        xs.iter_mut().for_each(|x| *x = level);
    } else if r < 0.2 {
        xs.iter_mut().for_each(|x| *x = 0.0);
    } else {
        let k = rng.random_range(0..xs.len());
        xs[k] = if r < 0.4 {
            rng.random_range(0.0..=cap)
        } else if r < 0.6 {
            let pool: Vec<f64> = inst
                .bids
                .iter()
                .flat_map(bid_numbers)
                .chain(inst.values.iter().flat_map(value_numbers))
                .collect();
            pool[rng.random_range(0..pool.len())]
        } else {
            (xs[k] + step * cap * rng.random_range(-1.0..=1.0)).clamp(0.0, cap)
        };
    }
    next.bids[j] = make_bid(units, xs);
    Ok(next)
}

fn random_bids(n: usize, units: bool, width: usize, cap: f64, rng: &mut dyn Rng) -> Vec<Bid> {
    (0..n)
        .map(|_| {
            let xs = (0..width).map(|_| rng.random_range(0.0..=cap)).collect();
            make_bid(units, xs)
        })
        .collect()
}

/// Random restarts and local search minimising `objective` over
/// instances; returns the best instance, its objective and the count.
fn minimise(
    mech: &dyn Mechanism,
    draw: &dyn Fn(&mut dyn Rng) -> Vec<Valuation>,
    cfg: &SearchConfig,
    objective: &dyn Fn(&Instance) -> Result<f64, SmoothnessError>,
) -> Result<(Instance, f64, usize), SmoothnessError> {
    cfg.check()?;
    let (units, width) = bid_shape(mech)?;
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let mut best: Option<(Instance, f64)> = None;
    let mut count = 0;
    for _ in 0..cfg.restarts {
        let values = draw(&mut rng);
        let cap = cfg.bid_cap * max_value(&values);
        let bids = random_bids(values.len(), units, width, cap, &mut rng);
        let mut cur = Instance { values, bids };
        let mut f = objective(&cur)?;
        count += 1;
        let mut step = 0.25;
        let mut stale = 0;
        for _ in 0..cfg.steps {
            let cap = cfg.bid_cap * max_value(&cur.values);
            let cand = perturb(&cur, units, cap, step, &mut rng)?;
            let g = objective(&cand)?;
            count += 1;
            if g < f {
                cur = cand;
                f = g;
                stale = 0;
            } else {
                stale += 1;
                if stale % 10 == 0 {
                    step *= 0.5;
                }
            }
        }
        if best.as_ref().is_none_or(|(_, b)| f < *b) {
            best = Some((cur, f));
        }
    }
    let (inst, f) = best.ok_or_else(|| SmoothnessError::InvalidParameter {
        param: "restarts",
        rule: "must be >= 1",
        value: "0".into(),
    })?;
    Ok((inst, f, count))
}

/// Searches for a bid profile (and a scaling of the drawn values) at which
/// the standard deviations of `mech` ([`standard_deviations`]) leave the
/// least slack, relative to \\(\mathrm{OPT}(v)\\). With `stage2` the
/// combined market is checked, each deviator opting out of the aftermarket
/// (paper 003, Lemma 2).
///
/// # Errors
/// A format with no known deviation, or the errors of [`evaluate`].
pub fn search_violation(
    mech: &dyn Mechanism,
    draw: &dyn Fn(&mut dyn Rng) -> Vec<Valuation>,
    stage2: Option<&Stage2<'_>>,
    cfg: &SearchConfig,
) -> Result<SearchReport, SmoothnessError> {
    let relative = |inst: &Instance| -> Result<f64, SmoothnessError> {
        let (s, devs) = standard_deviations(mech, &inst.values)?;
        let e = evaluate(mech, &inst.values, &inst.bids, &devs, s, stage2)?;
        Ok(if e.optimal_welfare > 0.0 {
            e.slack / e.optimal_welfare
        } else {
            e.slack
        })
    };
    let (worst, f, evaluations) = minimise(mech, draw, cfg, &relative)?;
    let (smoothness, devs) = standard_deviations(mech, &worst.values)?;
    let evaluation = evaluate(mech, &worst.values, &worst.bids, &devs, smoothness, stage2)?;
    Ok(SearchReport {
        mechanism: mech.name().to_string(),
        smoothness,
        combined: stage2.is_some(),
        min_relative_slack: f,
        worst,
        evaluation,
        evaluations,
    })
}

/// Each bidder's best-response utility against the others' bids, over the
/// bids that matter: 0, each rival bid and just above it, its own values
/// and the reserve, combined over units (non-increasing) or items.
///
/// # Errors
/// Too many candidate bids, or a failing mechanism.
pub fn best_responses(
    mech: &dyn Mechanism,
    values: &[Valuation],
    bids: &[Bid],
) -> Result<Vec<f64>, SmoothnessError> {
    let (units, width) = bid_shape(mech)?;
    (0..values.len())
        .map(|i| {
            let mut levels = vec![0.0, mech.rules().reserve];
            for (j, b) in bids.iter().enumerate() {
                if j != i {
                    for x in bid_numbers(b) {
                        levels.push(x);
                        levels.push(x + 1e-9 * x.max(1.0));
                    }
                }
            }
            levels.extend(value_numbers(&values[i]).into_iter().take(width));
            levels.sort_by(f64::total_cmp);
            levels.dedup_by(|a, b| a.total_cmp(b).is_eq());
            let count = if units {
                // Non-increasing vectors of length `width` over the levels.
                binomial(levels.len() + width - 1, width)
            } else {
                levels.len().saturating_pow(width as u32)
            };
            if count > MAX_CANDIDATES {
                return Err(SmoothnessError::InvalidParameter {
                    param: "instance size",
                    rule: "best responses enumerate at most 20000 candidate bids",
                    value: count.to_string(),
                });
            }
            let mut best = f64::NEG_INFINITY;
            let mut idx = vec![0usize; width];
            loop {
                let xs: Vec<f64> = idx.iter().map(|&k| levels[k]).collect();
                let mut profile = bids.to_vec();
                profile[i] = make_bid(units, xs);
                best = best.max(expected_utility(mech, values, &profile, i, None, false)?);
                if !advance(&mut idx, levels.len(), units) {
                    break;
                }
            }
            Ok(best)
        })
        .collect()
}

/// Next index vector: all vectors (items), or non-decreasing index vectors
/// (units, whose bids are sorted anyway).
fn advance(idx: &mut [usize], n: usize, monotone: bool) -> bool {
    for p in (0..idx.len()).rev() {
        if idx[p] + 1 < n {
            idx[p] += 1;
            if monotone {
                let v = idx[p];
                for q in idx.iter_mut().skip(p + 1) {
                    *q = v;
                }
            } else {
                for q in idx.iter_mut().skip(p + 1) {
                    *q = 0;
                }
            }
            return true;
        }
    }
    false
}

fn binomial(n: usize, k: usize) -> usize {
    let mut r: usize = 1;
    for j in 0..k {
        r = r.saturating_mul(n - j) / (j + 1);
    }
    r
}

/// Searches for the instance where best responses leave the least room:
/// the smallest \\((\sum_i \max_{b'} u_i(b', b_{-i}) + \mu\,\mathrm{Rev}(b)) /
/// \mathrm{OPT}(v)\\). Every deviation, whatever it is, earns at most the
/// best responses, so no deviation makes `mech` \\((\lambda, \mu)\\)-smooth
/// for \\(\lambda\\) above the value returned; a value near 0 shows the
/// format is not smooth at all.
///
/// # Errors
/// `mu` below 1, or as [`best_responses`].
pub fn search_lambda_bound(
    mech: &dyn Mechanism,
    draw: &dyn Fn(&mut dyn Rng) -> Vec<Valuation>,
    mu: f64,
    cfg: &SearchConfig,
) -> Result<LambdaBound, SmoothnessError> {
    Smoothness::new(1.0, mu)?;
    let ratio = |inst: &Instance| -> Result<f64, SmoothnessError> {
        let opt = efficient_allocation(&inst.values, &mech.supply(), &[])?.welfare;
        if opt <= 1e-9 {
            return Ok(f64::INFINITY);
        }
        let br: f64 = best_responses(mech, &inst.values, &inst.bids)?.iter().sum();
        Ok((br + mu * revenue(mech, &inst.values, &inst.bids, None)?) / opt)
    };
    let (worst, lambda_upper, evaluations) = minimise(mech, draw, cfg, &ratio)?;
    Ok(LambdaBound {
        mechanism: mech.name().to_string(),
        mu,
        lambda_upper,
        best_responses: best_responses(mech, &worst.values, &worst.bids)?,
        revenue: revenue(mech, &worst.values, &worst.bids, None)?,
        optimal_welfare: efficient_allocation(&worst.values, &mech.supply(), &[])?.welfare,
        worst,
        evaluations,
    })
}
