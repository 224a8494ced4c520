//! Expected Vickrey and uniform-price revenue with i.i.d. quadratic
//! valuations (paper 002, Section 5, Theorem 3).
//!
//! \\(N>2\\) bidders with \\(u(q) = \theta'q - \tfrac12q'Sq\\), a common \\(S\\) and
//! \\(\theta_i\\) i.i.d. from \\(F\\). With \\(\mathrm{het} = \sum_k \mathrm{Var}(\varphi_k\cdot\theta)/\lambda_k
//! = \mathrm{tr}(S^{-1}\mathrm{Cov}_F(\theta))\\):
//! \\[ E\pi_a^V = \bar q'E\theta - \tfrac12\mathrm{het} - \tfrac{2N-1}{2N(N-1)}\bar q'S\bar q, \qquad
//!     E\pi_a^U = \bar q'E\theta - \tfrac{N-1}{N(N-2)}\bar q'S\bar q, \\]
//! so Vickrey raises more iff \\(\mathrm{het} < \bar q'S\bar q/((N-1)(N-2))\\).
//! *Erratum (footnote 48)*: \\(E\,v(X,\bar q) = \tfrac{N-1}2\mathrm{het} + \bar q'E\theta - \bar q'S\bar q/(2N)\\)
//! diverges when \\(\mathrm{Cov}\ne0\\); the limit \\(\bar q'E\theta\\) holds for
//! \\(E[v(X,\bar q) - v(X,0)]\\).

use nalgebra::{DMatrix, DVector};
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use super::ReallocationError;
use super::linalg::{check_finite_vec, check_spd, spd_inverse};

/// Largest number of profiles enumerated exactly.
pub const MAX_PROFILES: usize = 5_000_000;

/// Theorem 3's quantities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Theorem3 {
    /// \\(N\\).
    pub n: usize,
    /// \\(E\pi_a^V\\).
    pub vickrey: f64,
    /// \\(E\pi_a^U\\).
    pub uniform: f64,
    /// \\(E\pi_a^V - E\pi_a^U = \bar q'S\bar q/(2(N-1)(N-2)) - \mathrm{het}/2\\).
    pub difference: f64,
    /// \\(\mathrm{het} = \mathrm{tr}(S^{-1}\mathrm{Cov})\\).
    pub heterogeneity: f64,
    /// \\(\bar q'S\bar q/((N-1)(N-2))\\).
    pub threshold: f64,
    /// Vickrey raises strictly more.
    pub vickrey_higher: bool,
    /// \\(\lim_{N\to\infty}E\pi_a^V = \bar q'E\theta - \mathrm{het}/2\\).
    pub vickrey_limit: f64,
    /// \\(E\,v(X,\bar q)\\) (footnote 48 erratum).
    pub expected_surplus: f64,
    /// \\(E[v(X,\bar q) - v(X,0)] = \bar q'E\theta - \bar q'S\bar q/(2N)\\).
    pub expected_surplus_from_supply: f64,
}

/// Theorem 3 from the mean and covariance of \\(F\\).
///
/// ```
/// use aftermarket::reallocation::revenue::theorem3;
/// use nalgebra::{dmatrix, dvector};
/// // F = {4, 2} equiprobable, S = 1, qbar = 1, N = 3
/// let t = theorem3(&dmatrix![1.0], &dvector![1.0], 3, &dvector![3.0], &dmatrix![1.0])?;
/// assert!((t.vickrey - 25.0 / 12.0).abs() < 1e-12 && (t.uniform - 7.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), aftermarket::reallocation::ReallocationError>(())
/// ```
///
/// # Errors
/// \\(N \le 2\\), \\(S\\) not positive definite, sizes that disagree, non-finite inputs.
pub fn theorem3(
    s: &DMatrix<f64>,
    qbar: &DVector<f64>,
    n: usize,
    mean: &DVector<f64>,
    cov: &DMatrix<f64>,
) -> Result<Theorem3, ReallocationError> {
    let k = qbar.len();
    check_spd("S", s, k)?;
    check_finite_vec("qbar", qbar)?;
    check_finite_vec("mean", mean)?;
    if mean.len() != k || cov.nrows() != k || cov.ncols() != k {
        return Err(ReallocationError::DimensionMismatch {
            param: "mean/cov".into(),
            expected: k,
            got: mean.len(),
        });
    }
    if n < 3 {
        return Err(ReallocationError::InvalidParameter {
            param: "n".into(),
            rule: "must be >= 3",
            value: n as f64,
        });
    }
    let nf = n as f64;
    let het = (spd_inverse("S", s)? * cov).trace();
    let qsq = qbar.dot(&(s * qbar));
    let qe = qbar.dot(mean);
    let vickrey = qe - 0.5 * het - (2.0 * nf - 1.0) / (2.0 * nf * (nf - 1.0)) * qsq;
    let uniform = qe - (nf - 1.0) / (nf * (nf - 2.0)) * qsq;
    let threshold = qsq / ((nf - 1.0) * (nf - 2.0));
    Ok(Theorem3 {
        n,
        vickrey,
        uniform,
        difference: vickrey - uniform,
        heterogeneity: het,
        threshold,
        vickrey_higher: het < threshold,
        vickrey_limit: qe - 0.5 * het,
        expected_surplus: 0.5 * (nf - 1.0) * het + qe - qsq / (2.0 * nf),
        expected_surplus_from_supply: qe - qsq / (2.0 * nf),
    })
}

/// A finite law of \\(\theta\in\mathbb R^K\\).
#[derive(Debug, Clone, PartialEq)]
pub struct DiscreteTypes {
    points: Vec<DVector<f64>>,
    probs: Vec<f64>,
}

impl DiscreteTypes {
    /// Support points with probabilities (summing to 1 within 1e-12).
    ///
    /// # Errors
    /// Empty support, sizes that disagree, negative or non-finite probabilities.
    pub fn new(points: Vec<DVector<f64>>, probs: Vec<f64>) -> Result<Self, ReallocationError> {
        if points.is_empty() || points.len() != probs.len() {
            return Err(ReallocationError::DimensionMismatch {
                param: "probs".into(),
                expected: points.len(),
                got: probs.len(),
            });
        }
        let k = points[0].len();
        for (i, p) in points.iter().enumerate() {
            if p.len() != k {
                return Err(ReallocationError::DimensionMismatch {
                    param: format!("points[{i}]"),
                    expected: k,
                    got: p.len(),
                });
            }
            check_finite_vec(&format!("points[{i}]"), p)?;
        }
        for (i, &p) in probs.iter().enumerate() {
            if !(p.is_finite() && p >= 0.0) {
                return Err(ReallocationError::InvalidParameter {
                    param: format!("probs[{i}]"),
                    rule: "must be finite and >= 0",
                    value: p,
                });
            }
        }
        let total: f64 = probs.iter().sum();
        if (total - 1.0).abs() > 1e-12 {
            return Err(ReallocationError::InvalidParameter {
                param: "probs".into(),
                rule: "must sum to 1",
                value: total,
            });
        }
        Ok(Self { points, probs })
    }
    /// \\(E\theta\\).
    pub fn mean(&self) -> DVector<f64> {
        self.points
            .iter()
            .zip(&self.probs)
            .fold(DVector::zeros(self.points[0].len()), |a, (x, p)| a + x * *p)
    }
    /// \\(\mathrm{Cov}(\theta)\\).
    pub fn cov(&self) -> DMatrix<f64> {
        let m = self.mean();
        let k = m.len();
        self.points
            .iter()
            .zip(&self.probs)
            .fold(DMatrix::zeros(k, k), |a, (x, p)| {
                let d = x - &m;
                a + &d * d.transpose() * *p
            })
    }
}

/// Realised Vickrey and uniform-price (Proposition 6) revenue for one
/// profile, common \\(S\\) (\\(s_{inv} = S^{-1}\\)).
fn revenues(
    thetas: &[&DVector<f64>],
    s: &DMatrix<f64>,
    s_inv: &DMatrix<f64>,
    qbar: &DVector<f64>,
) -> (f64, f64) {
    let n = thetas.len();
    let nf = n as f64;
    let sum = thetas
        .iter()
        .fold(DVector::zeros(qbar.len()), |a, t| a + *t);
    let own: Vec<f64> = thetas.iter().map(|t| t.dot(&(s_inv * *t))).collect();
    let own_sum: f64 = own.iter().sum();
    let qsq = qbar.dot(&(s * qbar));
    // v(Z) = ½Σθ'S⁻¹θ − (1/(2|Z|))[(Σθ)'S⁻¹(Σθ) − 2q'Σθ + q'Sq]
    let v = |own: f64, sum: &DVector<f64>, m: f64| {
        0.5 * own - (sum.dot(&(s_inv * sum)) - 2.0 * qbar.dot(sum) + qsq) / (2.0 * m)
    };
    let vx = v(own_sum, &sum, nf);
    let mut pis = 0.0;
    for (i, t) in thetas.iter().enumerate() {
        let s_i = &sum - *t;
        pis += vx - v(own_sum - own[i], &s_i, nf - 1.0);
    }
    let vick = vx - pis;
    let uni = (sum.dot(qbar) - (nf - 1.0) / (nf - 2.0) * qsq) / nf;
    (vick, uni)
}

fn check_setting(
    types: &DiscreteTypes,
    s: &DMatrix<f64>,
    qbar: &DVector<f64>,
    n: usize,
) -> Result<DMatrix<f64>, ReallocationError> {
    let k = qbar.len();
    check_spd("S", s, k)?;
    check_finite_vec("qbar", qbar)?;
    if types.points[0].len() != k {
        return Err(ReallocationError::DimensionMismatch {
            param: "points".into(),
            expected: k,
            got: types.points[0].len(),
        });
    }
    if n < 3 {
        return Err(ReallocationError::InvalidParameter {
            param: "n".into(),
            rule: "must be >= 3",
            value: n as f64,
        });
    }
    spd_inverse("S", s)
}

/// \\((E\pi_a^V, E\pi_a^U)\\) by enumerating all \\(m^N\\) type profiles.
///
/// # Errors
/// As [`theorem3`], or more than [`MAX_PROFILES`] profiles.
pub fn exact_expected_revenue(
    types: &DiscreteTypes,
    s: &DMatrix<f64>,
    qbar: &DVector<f64>,
    n: usize,
) -> Result<(f64, f64), ReallocationError> {
    let s_inv = check_setting(types, s, qbar, n)?;
    let m = types.points.len();
    let total = (m as f64).powi(n as i32);
    if total > MAX_PROFILES as f64 {
        return Err(ReallocationError::InvalidParameter {
            param: "profiles".into(),
            rule: "must be <= 5000000 for exact enumeration",
            value: total,
        });
    }
    let mut idx = vec![0usize; n];
    let (mut ev, mut eu) = (0.0, 0.0);
    loop {
        let prob: f64 = idx.iter().map(|&j| types.probs[j]).product();
        if prob > 0.0 {
            let th: Vec<&DVector<f64>> = idx.iter().map(|&j| &types.points[j]).collect();
            let (v, u) = revenues(&th, s, &s_inv, qbar);
            ev += prob * v;
            eu += prob * u;
        }
        let mut pos = 0;
        loop {
            if pos == n {
                return Ok((ev, eu));
            }
            idx[pos] += 1;
            if idx[pos] < m {
                break;
            }
            idx[pos] = 0;
            pos += 1;
        }
    }
}

/// Monte Carlo estimates with standard errors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonteCarloRevenue {
    /// Mean Vickrey revenue.
    pub vickrey_mean: f64,
    /// Its standard error.
    pub vickrey_se: f64,
    /// Mean uniform-price revenue.
    pub uniform_mean: f64,
    /// Its standard error.
    pub uniform_se: f64,
    /// Draws used.
    pub draws: usize,
    /// The seed.
    pub seed: u64,
}

/// Monte Carlo estimate of both expected revenues (seeded ChaCha8).
///
/// # Errors
/// As [`theorem3`], or `draws < 2`.
pub fn monte_carlo_revenue(
    types: &DiscreteTypes,
    s: &DMatrix<f64>,
    qbar: &DVector<f64>,
    n: usize,
    draws: usize,
    seed: u64,
) -> Result<MonteCarloRevenue, ReallocationError> {
    let s_inv = check_setting(types, s, qbar, n)?;
    if draws < 2 {
        return Err(ReallocationError::InvalidParameter {
            param: "draws".into(),
            rule: "must be >= 2",
            value: draws as f64,
        });
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let cdf: Vec<f64> = types
        .probs
        .iter()
        .scan(0.0, |a, p| {
            *a += p;
            Some(*a)
        })
        .collect();
    let (mut sv, mut sv2, mut su, mut su2) = (0.0, 0.0, 0.0, 0.0);
    for _ in 0..draws {
        let th: Vec<&DVector<f64>> = (0..n)
            .map(|_| {
                let u: f64 = rng.random();
                let j = cdf.iter().position(|c| u < *c).unwrap_or(cdf.len() - 1);
                &types.points[j]
            })
            .collect();
        let (v, u) = revenues(&th, s, &s_inv, qbar);
        sv += v;
        sv2 += v * v;
        su += u;
        su2 += u * u;
    }
    let d = draws as f64;
    let se = |s: f64, s2: f64| ((s2 / d - (s / d).powi(2)).max(0.0) / (d - 1.0)).sqrt();
    Ok(MonteCarloRevenue {
        vickrey_mean: sv / d,
        vickrey_se: se(sv, sv2),
        uniform_mean: su / d,
        uniform_se: se(su, su2),
        draws,
        seed,
    })
}
