//! Bidder valuations over \\(K\\) divisible goods.
//!
//! A valuation is a reduced form \\(u_i(q) = \hat u_i(q_i^0 + q) - \hat u_i(q_i^0)\\)
//! (paper 002, footnote 11): the value of buying \\(q\\) (negative entries are
//! sales) on top of the endowment \\(q_i^0\\). It must be \\(C^2\\) and strictly
//! concave. The quadratic family of Lemma 3,
//! \\[ u_i(q) = c_i + \theta_i' q - \tfrac12 q' S_i q, \qquad S_i \succ 0, \\]
//! covers every example of the paper; \\(\theta_i = \nabla u_i(0)\\) is the
//! pre-auction marginal utility and \\(-S_i\\) the substitution pattern. The
//! constant \\(c_i\\) (usually 0) appears when endowments are shifted
//! (Proposition 3); core and Vickrey comparisons are invariant to it.
//!
//! With an endowment, \\(\hat u_i(x) = \hat\theta_i'x - \tfrac12 x'S_ix\\) gives
//! \\(\theta_i = \hat\theta_i - S_i q_i^0\\).

use std::fmt::Debug;
use std::sync::Arc;

use nalgebra::{DMatrix, DVector};

use super::ReallocationError;
use super::linalg::{check_finite_vec, check_spd, spd_inverse, symmetrise};

/// Gradient norm at which a demand solve stops.
pub const DEMAND_TOL: f64 = 1e-12;
/// Iteration cap of the demand Newton solve.
pub const DEMAND_MAX_ITERS: usize = 200;

/// A smooth strictly concave valuation over \\(\mathbb R^K\\), given by value,
/// gradient and Hessian.
pub trait ConcaveValuation: Debug + Send + Sync {
    /// Number of goods \\(K\\).
    fn dim(&self) -> usize;
    /// \\(u(q)\\).
    fn value(&self, q: &DVector<f64>) -> f64;
    /// \\(\nabla u(q)\\), the marginal utility (inverse demand).
    fn gradient(&self, q: &DVector<f64>) -> DVector<f64>;
    /// \\(D^2 u(q)\\), negative definite.
    fn hessian(&self, q: &DVector<f64>) -> DMatrix<f64>;
    /// The quadratic form of this valuation, when it has one (fast paths).
    fn as_quadratic(&self) -> Option<&Quadratic> {
        None
    }
    /// Demand \\(d(p) = \arg\max_q u(q) - p \cdot q\\), by damped Newton.
    ///
    /// # Errors
    /// [`ReallocationError::NoConvergence`] when Newton stalls (e.g. \\(p\\)
    /// outside the image of \\(\nabla u\\)).
    fn demand(&self, p: &DVector<f64>) -> Result<DVector<f64>, ReallocationError> {
        newton_demand(self, p, &DVector::zeros(self.dim()))
    }
}

/// Damped Newton for \\(\max_q u(q) - p\cdot q\\) from a starting point.
pub(crate) fn newton_demand<V: ConcaveValuation + ?Sized>(
    u: &V,
    p: &DVector<f64>,
    start: &DVector<f64>,
) -> Result<DVector<f64>, ReallocationError> {
    let mut q = start.clone();
    let obj = |q: &DVector<f64>| u.value(q) - p.dot(q);
    let mut f = obj(&q);
    let mut res = f64::INFINITY;
    for _ in 0..DEMAND_MAX_ITERS {
        let g = u.gradient(&q) - p;
        res = g.norm();
        let scale = 1.0 + p.norm();
        if res <= DEMAND_TOL * scale {
            return Ok(q);
        }
        let neg_h = -symmetrise(&u.hessian(&q));
        let step = match neg_h.cholesky() {
            Some(c) => c.solve(&g),
            None => g.clone(),
        };
        let mut t = 1.0;
        let mut accepted = false;
        for _ in 0..60 {
            let cand = &q + &step * t;
            let fc = obj(&cand);
            if fc.is_finite() && fc >= f - 1e-15 * f.abs().max(1.0) {
                q = cand;
                f = fc;
                accepted = true;
                break;
            }
            t *= 0.5;
        }
        if !accepted {
            break;
        }
    }
    let g = u.gradient(&q) - p;
    if g.norm() <= 1e-8 * (1.0 + p.norm()) {
        return Ok(q);
    }
    Err(ReallocationError::NoConvergence {
        what: "demand",
        iters: DEMAND_MAX_ITERS,
        residual: res,
    })
}

/// The quadratic valuation \\(u(q) = c + \theta'q - \tfrac12 q'Sq\\) (Lemma 3).
///
/// ```
/// use aftermarket::reallocation::valuation::{ConcaveValuation, Quadratic};
/// use nalgebra::{dvector, dmatrix};
/// let u = Quadratic::new(dvector![4.0], dmatrix![1.0])?;
/// assert_eq!(u.value(&dvector![1.0]), 3.5);
/// # Ok::<(), aftermarket::reallocation::ReallocationError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Quadratic {
    theta: DVector<f64>,
    s: DMatrix<f64>,
    s_inv: DMatrix<f64>,
    offset: f64,
}

impl Quadratic {
    /// Builds \\(\theta'q - \tfrac12 q'Sq\\).
    ///
    /// # Errors
    /// Non-finite entries, a dimension mismatch, or \\(S\\) not symmetric
    /// positive definite.
    pub fn new(theta: DVector<f64>, s: DMatrix<f64>) -> Result<Self, ReallocationError> {
        Self::with_offset(theta, s, 0.0)
    }

    /// Builds \\(c + \theta'q - \tfrac12 q'Sq\\).
    ///
    /// # Errors
    /// As [`Quadratic::new`], and a non-finite `offset`.
    pub fn with_offset(
        theta: DVector<f64>,
        s: DMatrix<f64>,
        offset: f64,
    ) -> Result<Self, ReallocationError> {
        let k = theta.len();
        if k == 0 {
            return Err(ReallocationError::DimensionMismatch {
                param: "theta".into(),
                expected: 1,
                got: 0,
            });
        }
        check_finite_vec("theta", &theta)?;
        check_spd("S", &s, k)?;
        if !offset.is_finite() {
            return Err(ReallocationError::InvalidParameter {
                param: "offset".into(),
                rule: "must be finite",
                value: offset,
            });
        }
        let s = symmetrise(&s);
        let s_inv = spd_inverse("S", &s)?;
        Ok(Self {
            theta,
            s,
            s_inv,
            offset,
        })
    }

    /// The reduced form of \\(\hat u(x) = \hat\theta'x - \tfrac12 x'Sx\\) at
    /// endowment \\(q^0\\): \\(\theta = \hat\theta - Sq^0\\).
    ///
    /// # Errors
    /// As [`Quadratic::new`], and a `q0` of the wrong size.
    pub fn from_endowment(
        theta_hat: DVector<f64>,
        s: DMatrix<f64>,
        q0: &DVector<f64>,
    ) -> Result<Self, ReallocationError> {
        if q0.len() != theta_hat.len() {
            return Err(ReallocationError::DimensionMismatch {
                param: "q0".into(),
                expected: theta_hat.len(),
                got: q0.len(),
            });
        }
        check_finite_vec("q0", q0)?;
        let base = Self::new(theta_hat, s)?;
        let theta = &base.theta - &base.s * q0;
        Self::new(theta, base.s)
    }

    /// \\(\tilde u(q) = u(q + t)\\): the same bidder after an endowment shift
    /// \\(t\\) (Proposition 3). The result has \\(\tilde\theta = \theta - St\\)
    /// and offset \\(u(t)\\).
    ///
    /// # Errors
    /// A `t` of the wrong size or with non-finite entries.
    pub fn shifted(&self, t: &DVector<f64>) -> Result<Self, ReallocationError> {
        if t.len() != self.dim() {
            return Err(ReallocationError::DimensionMismatch {
                param: "t".into(),
                expected: self.dim(),
                got: t.len(),
            });
        }
        check_finite_vec("t", t)?;
        let theta = &self.theta - &self.s * t;
        Self::with_offset(theta, self.s.clone(), self.value(t))
    }

    /// \\(\theta = \nabla u(0)\\).
    pub fn theta(&self) -> &DVector<f64> {
        &self.theta
    }
    /// \\(S = -D^2u\\).
    pub fn s(&self) -> &DMatrix<f64> {
        &self.s
    }
    /// \\(S^{-1}\\).
    pub fn s_inv(&self) -> &DMatrix<f64> {
        &self.s_inv
    }
    /// The constant \\(c = u(0)\\).
    pub fn offset(&self) -> f64 {
        self.offset
    }
    /// \\(u(q)\\) (inherent form of [`ConcaveValuation::value`]).
    pub fn value_at(&self, q: &DVector<f64>) -> f64 {
        self.offset + self.theta.dot(q) - 0.5 * q.dot(&(&self.s * q))
    }
}

impl ConcaveValuation for Quadratic {
    fn dim(&self) -> usize {
        self.theta.len()
    }
    fn value(&self, q: &DVector<f64>) -> f64 {
        self.offset + self.theta.dot(q) - 0.5 * q.dot(&(&self.s * q))
    }
    fn gradient(&self, q: &DVector<f64>) -> DVector<f64> {
        &self.theta - &self.s * q
    }
    fn hessian(&self, _q: &DVector<f64>) -> DMatrix<f64> {
        -self.s.clone()
    }
    fn as_quadratic(&self) -> Option<&Quadratic> {
        Some(self)
    }
    fn demand(&self, p: &DVector<f64>) -> Result<DVector<f64>, ReallocationError> {
        Ok(&self.s_inv * (&self.theta - p))
    }
}

/// Boxed value function.
pub type ValueFn = Arc<dyn Fn(&DVector<f64>) -> f64 + Send + Sync>;
/// Boxed gradient function.
pub type GradientFn = Arc<dyn Fn(&DVector<f64>) -> DVector<f64> + Send + Sync>;
/// Boxed Hessian function.
pub type HessianFn = Arc<dyn Fn(&DVector<f64>) -> DMatrix<f64> + Send + Sync>;

/// A general smooth strictly concave valuation from three closures.
///
/// ```
/// use std::sync::Arc;
/// use aftermarket::reallocation::valuation::{ConcaveValuation, FnValuation};
/// use nalgebra::{dvector, DMatrix, DVector};
/// // u(q) = 2q - q^2/2 - q^4/12 in one good
/// let u = FnValuation::new(
///     1,
///     Arc::new(|q: &DVector<f64>| 2.0 * q[0] - 0.5 * q[0] * q[0] - q[0].powi(4) / 12.0),
///     Arc::new(|q: &DVector<f64>| dvector![2.0 - q[0] - q[0].powi(3) / 3.0]),
///     Arc::new(|q: &DVector<f64>| DMatrix::from_element(1, 1, -1.0 - q[0] * q[0])),
/// )?;
/// let d = u.demand(&dvector![2.0])?;
/// assert!(d[0].abs() < 1e-12);
/// # Ok::<(), aftermarket::reallocation::ReallocationError>(())
/// ```
#[derive(Clone)]
pub struct FnValuation {
    k: usize,
    value: ValueFn,
    gradient: GradientFn,
    hessian: HessianFn,
}

impl Debug for FnValuation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnValuation").field("k", &self.k).finish()
    }
}

impl FnValuation {
    /// Wraps value, gradient and Hessian closures for \\(K = k\\) goods.
    ///
    /// # Errors
    /// `k == 0`, or closures that at \\(q = 0\\) return a non-finite value,
    /// a gradient of the wrong size, or a Hessian that is not negative definite.
    pub fn new(
        k: usize,
        value: ValueFn,
        gradient: GradientFn,
        hessian: HessianFn,
    ) -> Result<Self, ReallocationError> {
        if k == 0 {
            return Err(ReallocationError::DimensionMismatch {
                param: "k".into(),
                expected: 1,
                got: 0,
            });
        }
        let z = DVector::zeros(k);
        let v0 = value(&z);
        if !v0.is_finite() {
            return Err(ReallocationError::InvalidParameter {
                param: "value(0)".into(),
                rule: "must be finite",
                value: v0,
            });
        }
        let g0 = gradient(&z);
        if g0.len() != k {
            return Err(ReallocationError::DimensionMismatch {
                param: "gradient(0)".into(),
                expected: k,
                got: g0.len(),
            });
        }
        check_finite_vec("gradient(0)", &g0)?;
        let h0 = hessian(&z);
        check_spd("-hessian(0)", &(-h0), k)?;
        Ok(Self {
            k,
            value,
            gradient,
            hessian,
        })
    }
}

impl ConcaveValuation for FnValuation {
    fn dim(&self) -> usize {
        self.k
    }
    fn value(&self, q: &DVector<f64>) -> f64 {
        (self.value)(q)
    }
    fn gradient(&self, q: &DVector<f64>) -> DVector<f64> {
        (self.gradient)(q)
    }
    fn hessian(&self, q: &DVector<f64>) -> DMatrix<f64> {
        (self.hessian)(q)
    }
}

/// \\(\tilde u(q) = u(q + t)\\) for any valuation (an endowment shift).
#[derive(Debug, Clone)]
pub struct Shifted {
    inner: Arc<dyn ConcaveValuation>,
    t: DVector<f64>,
}

impl Shifted {
    /// Shifts `inner` by `t`.
    ///
    /// # Errors
    /// A `t` of the wrong size or non-finite.
    pub fn new(
        inner: Arc<dyn ConcaveValuation>,
        t: DVector<f64>,
    ) -> Result<Self, ReallocationError> {
        if t.len() != inner.dim() {
            return Err(ReallocationError::DimensionMismatch {
                param: "t".into(),
                expected: inner.dim(),
                got: t.len(),
            });
        }
        check_finite_vec("t", &t)?;
        Ok(Self { inner, t })
    }
}

impl ConcaveValuation for Shifted {
    fn dim(&self) -> usize {
        self.inner.dim()
    }
    fn value(&self, q: &DVector<f64>) -> f64 {
        self.inner.value(&(q + &self.t))
    }
    fn gradient(&self, q: &DVector<f64>) -> DVector<f64> {
        self.inner.gradient(&(q + &self.t))
    }
    fn hessian(&self, q: &DVector<f64>) -> DMatrix<f64> {
        self.inner.hessian(&(q + &self.t))
    }
    fn demand(&self, p: &DVector<f64>) -> Result<DVector<f64>, ReallocationError> {
        Ok(self.inner.demand(p)? - &self.t)
    }
}

/// Shifts any valuation, keeping the quadratic fast path when there is one.
///
/// # Errors
/// As [`Shifted::new`].
pub fn shift(
    u: &Arc<dyn ConcaveValuation>,
    t: &DVector<f64>,
) -> Result<Arc<dyn ConcaveValuation>, ReallocationError> {
    match u.as_quadratic() {
        Some(q) => Ok(Arc::new(q.shifted(t)?)),
        None => Ok(Arc::new(Shifted::new(u.clone(), t.clone())?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::{dmatrix, dvector};

    #[test]
    fn non_positive_definite_s_is_rejected() {
        let e = Quadratic::new(dvector![1.0, 1.0], dmatrix![1.0, 2.0; 2.0, 1.0])
            .expect_err("must fail");
        assert_eq!(e.to_string(), "S must be symmetric positive definite");
    }

    #[test]
    fn nan_theta_is_rejected() {
        let e = Quadratic::new(dvector![f64::NAN], dmatrix![1.0]).expect_err("must fail");
        assert_eq!(e.to_string(), "theta[0] must be finite, got NaN");
    }

    #[test]
    fn dimension_mismatch_is_rejected() {
        let e = Quadratic::new(dvector![1.0, 2.0], dmatrix![1.0]).expect_err("must fail");
        assert!(e.to_string().contains("S must have dimension 2"));
    }

    #[test]
    fn endowment_gives_reduced_theta() {
        let u =
            Quadratic::from_endowment(dvector![5.0], dmatrix![2.0], &dvector![1.0]).expect("ok");
        assert!((u.theta()[0] - 3.0).abs() < 1e-15);
    }

    #[test]
    fn newton_demand_matches_closed_form() {
        let q = Quadratic::new(dvector![1.0, 2.0], dmatrix![2.0, 0.5; 0.5, 1.0]).expect("ok");
        let p = dvector![0.3, -0.7];
        let d = newton_demand(&q, &p, &DVector::zeros(2)).expect("ok");
        assert!((d - q.demand(&p).expect("ok")).norm() < 1e-12);
    }

    #[test]
    fn autotraits() {
        fn is<T: Send + Sync>() {}
        is::<Quadratic>();
        is::<FnValuation>();
        is::<Shifted>();
    }
}
