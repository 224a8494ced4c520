//! Shared numerics for the scalar laws: checks, uniform draws, expectations
//! of mixed laws and generalised inverses by bisection.

use rand::{Rng, RngExt};

use super::{Prior, PriorError};
use crate::analysis::quadrature::integrate_pieces;

/// Tolerance on a list of probabilities summing to 1.
pub(crate) const SUM_TOL: f64 = 1e-9;

/// Most profiles or types a finite law may enumerate.
pub(crate) const MAX_SUPPORT: usize = 1_000_000;

/// A draw from \[0, 1).
pub(crate) fn uniform01(rng: &mut dyn Rng) -> f64 {
    rng.random::<f64>()
}

/// Checks that `x` is finite.
pub(crate) fn check_finite(param: &'static str, x: f64) -> Result<f64, PriorError> {
    if !x.is_finite() {
        return Err(PriorError::InvalidParameter {
            param,
            rule: "must be finite",
            value: x,
        });
    }
    Ok(x)
}

/// Checks that `x` is finite and > 0.
pub(crate) fn check_positive(param: &'static str, x: f64) -> Result<f64, PriorError> {
    if !x.is_finite() || x <= 0.0 {
        return Err(PriorError::InvalidParameter {
            param,
            rule: "must be finite and > 0",
            value: x,
        });
    }
    Ok(x)
}

/// Checks each probability and that they sum to 1 within [`SUM_TOL`];
/// returns the sum.
pub(crate) fn check_probabilities(
    param: &'static str,
    ps: impl Iterator<Item = f64>,
) -> Result<f64, PriorError> {
    let mut total = 0.0;
    let mut count = 0usize;
    for p in ps {
        super::check_probability(param, p)?;
        total += p;
        count += 1;
    }
    if count == 0 {
        return Err(PriorError::Invalid(format!(
            "{param}: the list must not be empty"
        )));
    }
    if (total - 1.0).abs() > SUM_TOL {
        return Err(PriorError::InvalidParameter {
            param,
            rule: "must sum to 1",
            value: total,
        });
    }
    Ok(total)
}

/// \\(E\[g(v)\]\\) for a law with atoms and a density on its support: exact on
/// the atoms, quadrature of \\(g f\\) between consecutive atoms and `breaks`.
pub(crate) fn expect_mixed(
    prior: &dyn Prior,
    g: &dyn Fn(f64) -> f64,
    lo: f64,
    hi: f64,
    breaks: &[f64],
) -> f64 {
    let atoms = prior.atoms();
    let on_atoms: f64 = atoms.iter().map(|&(x, p)| p * g(x)).sum();
    let mut pts: Vec<f64> = atoms.iter().map(|a| a.0).collect();
    pts.extend_from_slice(breaks);
    on_atoms + integrate_pieces(&|x| g(x) * prior.pdf(x), lo, hi, &pts)
}

/// \\(\inf\{x \in \[lo, hi\] : F(x) \ge q\}\\) by bisection, for a bracket with
/// \\(F(hi) \ge q\\).
pub(crate) fn quantile_bisect(cdf: &dyn Fn(f64) -> f64, q: f64, lo: f64, hi: f64) -> f64 {
    if cdf(lo) >= q {
        return lo;
    }
    let (mut a, mut b) = (lo, hi);
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if m <= a || m >= b {
            break;
        }
        if cdf(m) >= q {
            b = m;
        } else {
            a = m;
        }
    }
    b
}

/// Finite stand-ins for the ends of a support, using far quantiles where
/// an end is infinite.
pub(crate) fn finite_support(prior: &dyn Prior) -> (f64, f64) {
    let (lo, hi) = prior.support();
    let lo = if lo.is_finite() {
        lo
    } else {
        prior.quantile(1e-15)
    };
    let hi = if hi.is_finite() {
        hi
    } else {
        prior.quantile(1.0 - 1e-15)
    };
    (lo, hi)
}

/// Sorts atoms by point and merges equal points, dropping zero masses.
pub(crate) fn merge_atoms(mut atoms: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    atoms.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(atoms.len());
    for (x, p) in atoms {
        if p <= 0.0 {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.0.partial_cmp(&x) == Some(std::cmp::Ordering::Equal) => last.1 += p,
            _ => out.push((x, p)),
        }
    }
    out
}
