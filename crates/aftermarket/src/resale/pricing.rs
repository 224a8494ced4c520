//! What a price setter knows and how it optimises a price.
//!
//! A seller posting a price for a unit cares about the probability that a
//! buyer's value for one more unit reaches the price; a buyer making an
//! offer cares about the probability that the holder's value for the unit
//! it would give up lies below the price. Both are read from a
//! [`MarginalLaw`], the law a belief puts on another agent's marginal values:
//!
//! - a known valuation: a point;
//! - a finite law: exact enumeration;
//! - a scalar law with a [`ValueShape`]: unit `k` is worth
//!   \\(a_k + b_k v\\), so its distribution is read exactly off the CDF of
//!   \\(v\\) (atoms included);
//! - anything else: a fixed number of draws from a generator with a fixed
//!   seed, so the result is deterministic.
//!
//! Prices are optimised over the candidate set {breakpoints (values at
//! support ends and atoms), the same shifted by one price step either way
//! (so that "reject at indifference" is served), a uniform grid}, then
//! refined by golden-section search around the best grid point.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{Belief, INDIFFERENCE_TOL, Indifference, ResaleContext, ResaleError};
use crate::prior::{Prior, ValueShape};
use crate::values::{Holding, Supply, Valuation};

/// Draws used when a belief offers neither a finite support nor a scalar law.
pub(crate) const BELIEF_SAMPLES: usize = 2048;
/// Seed of the generator behind those draws.
pub(crate) const BELIEF_SEED: u64 = 0xaf7e_120a_2ce7;
/// Points of the uniform price grid.
pub(crate) const PRICE_GRID: usize = 64;
/// Golden-section iterations around the best grid point.
pub(crate) const GOLDEN_ITERS: usize = 56;
/// How far below (or above) a breakpoint a price is shaded when buyers
/// reject at indifference.
pub(crate) const PRICE_STEP: f64 = 1e-9;
/// Expected gains at most this are treated as zero (no offer is made).
pub(crate) const GAIN_TOL: f64 = 1e-12;

/// The law one agent's belief puts on another's marginal values.
#[derive(Debug, Clone)]
pub(crate) enum MarginalLaw<'a> {
    /// Known marginal values.
    Known(Vec<f64>),
    /// Finitely many marginal vectors with probabilities.
    Finite(Vec<(Vec<f64>, f64)>),
    /// Unit `k` (1-based) is worth `a_k + b_k · v`, `v` drawn from `prior`;
    /// units beyond the list are worth 0.
    Scalar {
        prior: &'a dyn Prior,
        coeffs: Vec<(f64, f64)>,
    },
}

fn marginals_of(v: &Valuation, market: &str) -> Result<Vec<f64>, ResaleError> {
    v.as_units()
        .map(|mv| mv.as_slice().to_vec())
        .ok_or_else(|| unsupported(market, "package valuations"))
}

/// The `Unsupported` error for `market`.
pub(crate) fn unsupported(market: &str, what: &str) -> ResaleError {
    ResaleError::Unsupported {
        market: market.to_string(),
        what: what.to_string(),
    }
}

impl<'a> MarginalLaw<'a> {
    /// The law behind `belief`.
    pub(crate) fn from_belief(belief: &'a Belief, market: &str) -> Result<Self, ResaleError> {
        match belief {
            Belief::Known(v) => Ok(MarginalLaw::Known(marginals_of(v, market)?)),
            Belief::Distribution(tp) => {
                if let Some((prior, shape)) = tp.scalar() {
                    #[allow(unreachable_patterns)]
                    let coeffs = match shape {
                        ValueShape::Single => Some(vec![(0.0, 1.0)]),
                        ValueShape::Flat { m } => Some(vec![(0.0, 1.0); *m]),
                        ValueShape::Affine(c) => Some(c.clone()),
                        _ => None,
                    };
                    if let Some(coeffs) = coeffs
                        && coeffs.iter().all(|(a, b)| a.is_finite() && b.is_finite())
                    {
                        return Ok(MarginalLaw::Scalar { prior, coeffs });
                    }
                }
                if let Some(points) = tp.finite_support() {
                    let mut out = Vec::with_capacity(points.len());
                    for (v, p) in points {
                        out.push((marginals_of(&v, market)?, p));
                    }
                    return Ok(MarginalLaw::Finite(out));
                }
                let mut rng = ChaCha8Rng::seed_from_u64(BELIEF_SEED);
                let w = 1.0 / BELIEF_SAMPLES as f64;
                let mut out = Vec::with_capacity(BELIEF_SAMPLES);
                for _ in 0..BELIEF_SAMPLES {
                    let v = tp.sample(&mut rng);
                    out.push((marginals_of(&v, market)?, w));
                }
                Ok(MarginalLaw::Finite(out))
            }
        }
    }

    /// \\(P\[V_k \ge x\]\\) (`strict`: \\(P\[V_k > x\]\\)) for unit `k` (1-based).
    fn upper(&self, k: usize, x: f64, strict: bool) -> f64 {
        let hit = |v: f64| if strict { v > x } else { v >= x };
        let at = |m: &[f64]| {
            if k == 0 {
                0.0
            } else {
                m.get(k - 1).copied().unwrap_or(0.0)
            }
        };
        match self {
            MarginalLaw::Known(m) => f64::from(u8::from(hit(at(m)))),
            MarginalLaw::Finite(pts) => {
                pts.iter().filter(|(m, _)| hit(at(m))).map(|(_, p)| p).sum()
            }
            MarginalLaw::Scalar { prior, coeffs } => {
                let (a, b) = match k.checked_sub(1).and_then(|i| coeffs.get(i)) {
                    Some(&c) => c,
                    None => (0.0, 0.0),
                };
                if b.abs() < f64::EPSILON {
                    return f64::from(u8::from(hit(a)));
                }
                let t = (x - a) / b;
                let p = match (b > 0.0, strict) {
                    (true, false) => 1.0 - prior.cdf_left(t),
                    (true, true) => 1.0 - prior.cdf(t),
                    (false, false) => prior.cdf(t),
                    (false, true) => prior.cdf_left(t),
                };
                p.clamp(0.0, 1.0)
            }
        }
    }

    /// Probability that the agent, offered unit number `k` at price `q`,
    /// buys it: its value for that unit less `q` is accepted.
    pub(crate) fn buys(&self, k: usize, q: f64, ind: Indifference) -> f64 {
        match ind {
            Indifference::Accept => self.upper(k, q - INDIFFERENCE_TOL, false),
            Indifference::Reject => self.upper(k, q + INDIFFERENCE_TOL, true),
        }
    }

    /// Probability that the agent, offered `p` for its `k`-th unit, sells.
    pub(crate) fn sells(&self, k: usize, p: f64, ind: Indifference) -> f64 {
        match ind {
            Indifference::Accept => 1.0 - self.upper(k, p + INDIFFERENCE_TOL, true),
            Indifference::Reject => 1.0 - self.upper(k, p - INDIFFERENCE_TOL, false),
        }
    }

    /// Values unit `k` may take at which the acceptance probability jumps
    /// or changes slope: the value itself (known), every support point
    /// (finite), the images of the support ends and atoms (scalar).
    pub(crate) fn breakpoints(&self, k: usize, out: &mut Vec<f64>) {
        let at = |m: &[f64]| {
            if k == 0 {
                0.0
            } else {
                m.get(k - 1).copied().unwrap_or(0.0)
            }
        };
        match self {
            MarginalLaw::Known(m) => out.push(at(m)),
            MarginalLaw::Finite(pts) => out.extend(pts.iter().map(|(m, _)| at(m))),
            MarginalLaw::Scalar { prior, coeffs } => {
                let (a, b) = match k.checked_sub(1).and_then(|i| coeffs.get(i)) {
                    Some(&c) => c,
                    None => (0.0, 0.0),
                };
                let (lo, hi) = prior.support();
                for v in [lo, hi]
                    .into_iter()
                    .chain(prior.atoms().into_iter().map(|(x, _)| x))
                {
                    out.push(a + b * v);
                }
            }
        }
    }
}

/// Maximises `obj` over prices in `[lo, hi]`: candidates are `points`
/// (each also shifted by ±[`PRICE_STEP`]), the bounds, a uniform grid, and a
/// golden-section refinement around the best grid point. Near-ties go to
/// the exact candidates, and among them to the lower price. Returns (price, value), or `None` when the interval is
/// empty.
pub(crate) fn best_price(
    obj: &dyn Fn(f64) -> f64,
    points: &[f64],
    lo: f64,
    hi: f64,
) -> Option<(f64, f64)> {
    if !lo.is_finite() || !hi.is_finite() || hi < lo {
        return None;
    }
    let mut best: Option<(f64, f64)> = None;
    // Exact candidates (bounds and breakpoints) win near-ties against grid
    // and golden-section points, so that rounding noise never moves the
    // price off a breakpoint; among exact candidates, near-ties go to the
    // lower price.
    let consider = |p: f64, exact: bool, best: &mut Option<(f64, f64)>| {
        if !p.is_finite() || p < lo || p > hi {
            return;
        }
        let v = obj(p);
        if !v.is_finite() {
            return;
        }
        let better = match *best {
            None => true,
            Some((bp, bv)) => {
                let tol = GAIN_TOL * (1.0 + bv.abs());
                v > bv + tol || (exact && v >= bv - tol && p < bp)
            }
        };
        if better {
            *best = Some((p, v));
        }
    };
    consider(lo, true, &mut best);
    consider(hi, true, &mut best);
    for &x in points {
        for p in [x, x - PRICE_STEP, x + PRICE_STEP] {
            consider(p, true, &mut best);
        }
    }
    if hi > lo {
        let step = (hi - lo) / PRICE_GRID as f64;
        let at = |i: usize| lo + step * i as f64;
        let (mut k, mut vk) = (0, obj(lo));
        for i in 1..=PRICE_GRID {
            let v = obj(at(i));
            if v > vk {
                k = i;
                vk = v;
            }
        }
        consider(at(k), false, &mut best);
        let mut a = at(k.saturating_sub(1));
        let mut b = at((k + 1).min(PRICE_GRID));
        let r = (5f64.sqrt() - 1.0) / 2.0;
        let mut c = b - r * (b - a);
        let mut d = a + r * (b - a);
        let (mut fc, mut fd) = (obj(c), obj(d));
        for _ in 0..GOLDEN_ITERS {
            if fc >= fd {
                b = d;
                d = c;
                fd = fc;
                c = b - r * (b - a);
                fc = obj(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + r * (b - a);
                fd = obj(d);
            }
        }
        consider(c, false, &mut best);
        consider(d, false, &mut best);
    }
    best
}

/// Checks the context has one valuation per holding and that the goods are
/// units with unit valuations; returns the number of units each agent holds.
///
/// # Errors
/// [`ResaleError::InvalidParameter`] on mismatched lengths,
/// [`ResaleError::Unsupported`] for distinct items.
pub(crate) fn unit_holdings(
    ctx: &ResaleContext<'_>,
    market: &str,
) -> Result<Vec<usize>, ResaleError> {
    check_lengths(ctx)?;
    if !matches!(ctx.supply, Supply::Units { .. }) {
        return Err(unsupported(market, "distinct items (package holdings)"));
    }
    let mut out = Vec::with_capacity(ctx.n());
    for (h, v) in ctx.holdings.iter().zip(ctx.valuations) {
        match h {
            Holding::Units(k) => out.push(*k),
            Holding::Items(_) => {
                return Err(unsupported(market, "distinct items (package holdings)"));
            }
        }
        if v.as_units().is_none() {
            return Err(unsupported(market, "package valuations"));
        }
    }
    Ok(out)
}

/// Checks the context has one valuation per holding.
///
/// # Errors
/// [`ResaleError::InvalidParameter`] naming `valuations`.
pub(crate) fn check_lengths(ctx: &ResaleContext<'_>) -> Result<(), ResaleError> {
    if ctx.valuations.len() != ctx.n() {
        return Err(ResaleError::InvalidParameter {
            param: "valuations",
            rule: "must give one valuation per holding",
            value: format!(
                "{} valuations for {} holdings",
                ctx.valuations.len(),
                ctx.n()
            ),
        });
    }
    Ok(())
}

/// Agent `i`'s value for its `k`-th unit (1-based).
pub(crate) fn marginal(ctx: &ResaleContext<'_>, i: usize, k: usize) -> f64 {
    ctx.valuations
        .get(i)
        .and_then(Valuation::as_units)
        .map_or(0.0, |mv| mv.marginal(k))
}

/// What `i` believes about `j`'s marginal values.
///
/// # Errors
/// A missing belief, or one over package valuations.
pub(crate) fn law<'a>(
    ctx: &ResaleContext<'a>,
    i: usize,
    j: usize,
    market: &str,
) -> Result<MarginalLaw<'a>, ResaleError> {
    let beliefs: &'a [Vec<Belief>] = ctx.beliefs;
    let belief =
        beliefs
            .get(i)
            .and_then(|row| row.get(j))
            .ok_or_else(|| ResaleError::InvalidParameter {
                param: "beliefs",
                rule: "must give every agent a belief about every other",
                value: format!("no belief of agent {i} about agent {j}"),
            })?;
    MarginalLaw::from_belief(belief, market)
}

/// Records `qty` units moving from `seller` to `buyer` in unit holdings.
pub(crate) fn move_units(holdings: &mut [Holding], seller: usize, buyer: usize, qty: usize) {
    if let Some(Holding::Units(k)) = holdings.get_mut(seller) {
        *k = k.saturating_sub(qty);
    }
    if let Some(Holding::Units(k)) = holdings.get_mut(buyer) {
        *k += qty;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::Uniform;

    #[test]
    fn scalar_law_reads_the_cdf() {
        let u = Uniform::new(0.0, 1.0).expect("ok");
        let law = MarginalLaw::Scalar {
            prior: &u,
            coeffs: vec![(1.0, 2.0)],
        };
        // Unit 1 worth 1 + 2v: P[1 + 2v >= 2] = P[v >= 0.5] = 0.5.
        assert!((law.buys(1, 2.0, Indifference::Accept) - 0.5).abs() < 1e-9);
        assert!((law.sells(1, 2.0, Indifference::Accept) - 0.5).abs() < 1e-9);
        // Unit 2 is worth 0.
        assert!((law.buys(2, 0.0, Indifference::Accept) - 1.0).abs() < 1e-12);
        assert!(law.buys(2, 0.0, Indifference::Reject).abs() < 1e-12);
    }

    #[test]
    fn uniform_monopoly_price_is_half() {
        let u = Uniform::new(0.0, 1.0).expect("ok");
        let law = MarginalLaw::Scalar {
            prior: &u,
            coeffs: vec![(0.0, 1.0)],
        };
        let mut pts = Vec::new();
        law.breakpoints(1, &mut pts);
        let obj = |p: f64| p * law.buys(1, p, Indifference::Accept);
        let (p, v) = best_price(&obj, &pts, 0.0, 1.0).expect("non-empty");
        assert!((p - 0.5).abs() < 1e-7, "{p}");
        assert!((v - 0.25).abs() < 1e-12);
    }
}
