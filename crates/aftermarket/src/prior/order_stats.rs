//! Order statistics of independent values: the highest, the k-th highest.
//!
//! Expectations use \\(E\[X\] = L + \int_L^U (1 - G(x))\,dx\\) for a law \\(G\\)
//! on \\(\[L, U\]\\), split at every atom, so they are right with atoms and
//! with negative supports. Infinite ends of a support are replaced by the
//! quantiles at \\(10^{-15}\\) and \\(1 - 10^{-15}\\).

use statrs::function::beta::checked_beta_reg;

use super::numeric::finite_support;
use super::{Prior, PriorError};
use crate::analysis::quadrature::integrate_pieces;

/// \\(P\[\max_i v_i \le x\] = \prod_i F_i(x)\\) for independent values.
///
/// ```
/// use aftermarket::prior::{max_cdf, Uniform};
/// let u = Uniform::new(0.0, 1.0)?;
/// assert!((max_cdf(&[&u, &u], 0.5) - 0.25).abs() < 1e-15);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
pub fn max_cdf(priors: &[&dyn Prior], x: f64) -> f64 {
    priors.iter().map(|p| p.cdf(x)).product()
}

/// \\(P\[\max_i v_i < x\] = \prod_i F_i(x^-)\\) for independent values.
pub fn max_cdf_left(priors: &[&dyn Prior], x: f64) -> f64 {
    priors.iter().map(|p| p.cdf_left(x)).product()
}

fn all_atoms(priors: &[&dyn Prior]) -> Vec<f64> {
    priors
        .iter()
        .flat_map(|p| p.atoms().into_iter().map(|a| a.0))
        .collect()
}

/// \\(E\[\max_i v_i\]\\) for independent values.
///
/// # Errors
/// If `priors` is empty.
///
/// ```
/// use aftermarket::prior::{expected_max, Uniform};
/// let u = Uniform::new(0.0, 1.0)?;
/// assert!((expected_max(&[&u, &u])? - 2.0 / 3.0).abs() < 1e-10);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
pub fn expected_max(priors: &[&dyn Prior]) -> Result<f64, PriorError> {
    if priors.is_empty() {
        return Err(PriorError::Invalid(
            "priors: the list must not be empty".into(),
        ));
    }
    let (lo, hi) = priors
        .iter()
        .fold((f64::NEG_INFINITY, f64::NEG_INFINITY), |(l, h), p| {
            let (a, b) = finite_support(*p);
            (l.max(a), h.max(b))
        });
    let breaks = all_atoms(priors);
    Ok(lo + integrate_pieces(&|x| 1.0 - max_cdf(priors, x), lo, hi, &breaks))
}

/// \\(E\[\max(v_1, \dots, v_n)\]\\) for `n` i.i.d. draws from `prior`.
///
/// # Errors
/// If `n` is 0.
pub fn expected_max_iid(prior: &dyn Prior, n: usize) -> Result<f64, PriorError> {
    expected_kth_highest(prior, n, 1)
}

fn check_k(n: usize, k: usize) -> Result<(), PriorError> {
    if n == 0 {
        return Err(PriorError::Invalid("n must be >= 1, got 0".into()));
    }
    if k == 0 || k > n {
        return Err(PriorError::Invalid(format!(
            "k must be in 1..={n}, got {k}"
        )));
    }
    Ok(())
}

/// \\(P\[v_{(k)} \le x\]\\) for the `k`-th highest of `n` i.i.d. draws:
/// fewer than `k` draws exceed `x`, i.e.
/// \\(\sum_{j<k} \binom{n}{j} (1-F)^j F^{n-j} = I_{F(x)}(n-k+1, k)\\).
///
/// # Errors
/// If `n` is 0 or `k` is not in `1..=n`.
///
/// ```
/// use aftermarket::prior::{kth_highest_cdf, Uniform};
/// let u = Uniform::new(0.0, 1.0)?;
/// // second highest of 2: P[min <= 1/2] = 3/4
/// assert!((kth_highest_cdf(&u, 2, 2, 0.5)? - 0.75).abs() < 1e-12);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
pub fn kth_highest_cdf(prior: &dyn Prior, n: usize, k: usize, x: f64) -> Result<f64, PriorError> {
    check_k(n, k)?;
    Ok(kth_cdf(prior.cdf(x), n, k))
}

fn kth_cdf(f: f64, n: usize, k: usize) -> f64 {
    let f = f.clamp(0.0, 1.0);
    if f <= 0.0 {
        return 0.0;
    }
    if f >= 1.0 {
        return 1.0;
    }
    if k == 1 {
        return f.powi(i32::try_from(n).unwrap_or(i32::MAX));
    }
    checked_beta_reg((n - k + 1) as f64, k as f64, f)
        .unwrap_or(f64::NAN)
        .clamp(0.0, 1.0)
}

/// \\(E\[v_{(k)}\]\\), the expected `k`-th highest of `n` i.i.d. draws.
///
/// # Errors
/// If `n` is 0 or `k` is not in `1..=n`.
///
/// ```
/// use aftermarket::prior::{expected_kth_highest, Uniform};
/// let u = Uniform::new(0.0, 1.0)?;
/// // k-th highest of n uniforms: (n + 1 - k)/(n + 1)
/// assert!((expected_kth_highest(&u, 4, 2)? - 0.6).abs() < 1e-10);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
pub fn expected_kth_highest(prior: &dyn Prior, n: usize, k: usize) -> Result<f64, PriorError> {
    check_k(n, k)?;
    let (lo, hi) = finite_support(prior);
    let breaks = all_atoms(&[prior]);
    Ok(lo + integrate_pieces(&|x| 1.0 - kth_cdf(prior.cdf(x), n, k), lo, hi, &breaks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::{CappedEqualRevenue, Discrete, TruncatedNormal, Uniform};

    #[test]
    fn max_of_two_uniforms_is_two_thirds() {
        let u = Uniform::new(0.0, 1.0).expect("valid");
        assert!((expected_max(&[&u, &u]).expect("ok") - 2.0 / 3.0).abs() < 1e-10);
        assert!((expected_max_iid(&u, 2).expect("ok") - 2.0 / 3.0).abs() < 1e-10);
    }

    #[test]
    fn max_with_atoms_and_negative_support() {
        // v1 ∈ {-2, -1} equally, v2 = -1.5 surely: max is -1.5 or -1.
        let a = Discrete::new(vec![(-2.0, 0.5), (-1.0, 0.5)]).expect("valid");
        let b = Discrete::new(vec![(-1.5, 1.0)]).expect("valid");
        assert!((expected_max(&[&a, &b]).expect("ok") + 1.25).abs() < 1e-10);
    }

    #[test]
    fn max_of_unbounded_normals() {
        // E[max of 2 iid N(0,1)] = 1/sqrt(pi)
        let n = TruncatedNormal::new(0.0, 1.0, f64::NEG_INFINITY, f64::INFINITY).expect("valid");
        let e = expected_max_iid(&n, 2).expect("ok");
        assert!((e - 1.0 / std::f64::consts::PI.sqrt()).abs() < 1e-8);
    }

    #[test]
    fn kth_highest_of_discrete_matches_enumeration() {
        // second highest of 3 draws from {0, 1} with p(1) = 0.3:
        // it is 1 when at least two draws are 1.
        let d = Discrete::new(vec![(0.0, 0.7), (1.0, 0.3)]).expect("valid");
        let p2 = 3.0 * 0.3 * 0.3 * 0.7 + 0.3f64.powi(3);
        assert!((expected_kth_highest(&d, 3, 2).expect("ok") - p2).abs() < 1e-10);
        assert!((kth_highest_cdf(&d, 3, 2, 0.0).expect("ok") - (1.0 - p2)).abs() < 1e-12);
    }

    #[test]
    fn max_of_capped_equal_revenue() {
        // E[max of 2] with H = 4: 1 + ∫_1^4 (1 - (1-1/x)^2) dx = 1 + 2 ln 4 − 3/4
        let e = CappedEqualRevenue::new(4.0).expect("valid");
        let closed = 1.0 + 2.0 * 4f64.ln() - 0.75;
        assert!((expected_max_iid(&e, 2).expect("ok") - closed).abs() < 1e-9);
    }

    #[test]
    fn k_must_be_within_n() {
        let u = Uniform::new(0.0, 1.0).expect("valid");
        let err = expected_kth_highest(&u, 2, 3).expect_err("k > n");
        assert_eq!(err.to_string(), "k must be in 1..=2, got 3");
        let err = expected_max_iid(&u, 0).expect_err("n = 0");
        assert_eq!(err.to_string(), "n must be >= 1, got 0");
    }
}
