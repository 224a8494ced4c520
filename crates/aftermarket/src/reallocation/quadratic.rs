//! Closed forms for quadratic valuations (paper 002, Lemma 3 and the proof
//! of Theorem 3).
//!
//! With \\(u_i(q) = \theta_i'q - \tfrac12q'S_iq\\) and the harmonic mean
//! \\(H(Z) = (\sum_{j\in Z}S_j^{-1})^{-1}\\):
//! - surplus \\(v(Z,q) = \tfrac12\sum_Z\theta_i'S_i^{-1}\theta_i - \tfrac12(\sum_ZS_i^{-1}\theta_i - q)'H(Z)(\sum_ZS_i^{-1}\theta_i - q)\\);
//! - price \\(p = H(Z)(\sum_ZS_i^{-1}\theta_i - q)\\), allocation \\(q_i = S_i^{-1}(\theta_i - p)\\);
//! - common \\(\theta\\): \\(v(Z,q) = \theta'q - \tfrac12q'H(Z)q\\);
//! - common \\(S\\): \\(q_i^e = \tfrac1{|Z|}(q - S^{-1}\sum_Z(\theta_j-\theta_i))\\).
//!
//! [`crate::reallocation::market::ReallocationMarket`] evaluates these for
//! any coalition (with reused coalition sums for whole tables); the
//! functions here state them directly.

pub use super::valuation::Quadratic;

use nalgebra::{DMatrix, DVector};

use super::ReallocationError;
use super::linalg::spd_inverse;

/// \\(H(Z) = (\sum_{j\in Z}S_j^{-1})^{-1}\\) for the given bidders.
///
/// ```
/// use aftermarket::reallocation::quadratic::{harmonic_mean, Quadratic};
/// use nalgebra::{dmatrix, dvector};
/// let u = Quadratic::new(dvector![1.0], dmatrix![2.0])?;
/// assert!((harmonic_mean(&[&u, &u])?[(0, 0)] - 1.0).abs() < 1e-15);
/// # Ok::<(), aftermarket::reallocation::ReallocationError>(())
/// ```
///
/// # Errors
/// No bidders, or bidders of different dimensions.
pub fn harmonic_mean(bidders: &[&Quadratic]) -> Result<DMatrix<f64>, ReallocationError> {
    let first = bidders
        .first()
        .ok_or_else(|| ReallocationError::InvalidParameter {
            param: "bidders".into(),
            rule: "must not be empty",
            value: 0.0,
        })?;
    let k = first.s().nrows();
    let mut a = DMatrix::zeros(k, k);
    for (i, b) in bidders.iter().enumerate() {
        if b.s().nrows() != k {
            return Err(ReallocationError::DimensionMismatch {
                param: format!("bidders[{i}]"),
                expected: k,
                got: b.s().nrows(),
            });
        }
        a += b.s_inv();
    }
    spd_inverse("sum of S_j^-1", &a)
}

/// Lemma 3's surplus \\(v(Z, q)\\) for the given bidders (offsets included).
///
/// ```
/// use aftermarket::reallocation::quadratic::{lemma3_surplus, Quadratic};
/// use nalgebra::{dmatrix, dvector};
/// let u = |t: f64| Quadratic::new(dvector![t], dmatrix![1.0]);
/// let (a, b, c) = (u(4.0)?, u(4.0)?, u(2.0)?);
/// assert!((lemma3_surplus(&[&a, &b, &c], &dvector![1.0])? - 4.5).abs() < 1e-12);
/// # Ok::<(), aftermarket::reallocation::ReallocationError>(())
/// ```
///
/// # Errors
/// As [`harmonic_mean`], or `q` of the wrong size.
pub fn lemma3_surplus(bidders: &[&Quadratic], q: &DVector<f64>) -> Result<f64, ReallocationError> {
    let h = harmonic_mean(bidders)?;
    if q.len() != h.nrows() {
        return Err(ReallocationError::DimensionMismatch {
            param: "q".into(),
            expected: h.nrows(),
            got: q.len(),
        });
    }
    let mut d = -q.clone();
    let mut own = 0.0;
    for b in bidders {
        let st = b.s_inv() * b.theta();
        own += b.theta().dot(&st) + 2.0 * b.offset();
        d += st;
    }
    Ok(0.5 * own - 0.5 * d.dot(&(&h * &d)))
}

/// The common-\\(S\\) efficient allocation
/// \\(q_i^e = \tfrac1n(q - S^{-1}\sum_j(\theta_j - \theta_i))\\).
///
/// # Errors
/// Fewer than one type, inconsistent sizes, or \\(S\\) not positive definite.
pub fn common_s_allocation(
    s: &DMatrix<f64>,
    thetas: &[DVector<f64>],
    q: &DVector<f64>,
) -> Result<Vec<DVector<f64>>, ReallocationError> {
    let n = thetas.len();
    if n == 0 || thetas.iter().any(|t| t.len() != q.len()) {
        return Err(ReallocationError::DimensionMismatch {
            param: "thetas".into(),
            expected: q.len(),
            got: thetas.first().map_or(0, |t| t.len()),
        });
    }
    let s_inv = spd_inverse("S", s)?;
    let sum = thetas.iter().fold(DVector::zeros(q.len()), |a, t| a + t);
    Ok(thetas
        .iter()
        .map(|t| (q - &s_inv * (&sum - t * n as f64)) / n as f64)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reallocation::market::ReallocationMarket;
    use nalgebra::{dmatrix, dvector};

    #[test]
    fn common_s_allocation_matches_market() {
        let s = dmatrix![2.0, 0.5; 0.5, 1.0];
        let thetas = vec![dvector![5.0, 3.0], dvector![4.0, 6.0], dvector![3.0, 2.0]];
        let q = dvector![1.0, -1.0];
        let m = ReallocationMarket::quadratic(
            q.clone(),
            thetas.iter().map(|t| (t.clone(), s.clone())).collect(),
        )
        .expect("ok");
        let e = m.efficient(m.all(), &q).expect("ok");
        for (a, b) in common_s_allocation(&s, &thetas, &q)
            .expect("ok")
            .iter()
            .zip(&e.quantities)
        {
            assert!((a - b).norm() < 1e-12);
        }
    }

    #[test]
    fn common_theta_surplus_is_theta_q_minus_half_qhq() {
        let a = Quadratic::new(dvector![1.0, 2.0], dmatrix![2.0, 0.3; 0.3, 1.0]).expect("ok");
        let b = Quadratic::new(dvector![1.0, 2.0], dmatrix![1.0, -0.2; -0.2, 3.0]).expect("ok");
        let q = dvector![0.7, -0.4];
        let h = harmonic_mean(&[&a, &b]).expect("ok");
        let want = dvector![1.0, 2.0].dot(&q) - 0.5 * q.dot(&(&h * &q));
        assert!((lemma3_surplus(&[&a, &b], &q).expect("ok") - want).abs() < 1e-12);
    }
}
