//! The equal-revenue law capped at H.

use rand::Rng;

use super::numeric::uniform01;
use super::{Prior, PriorError};
use crate::analysis::quadrature::integrate;

/// Equal-revenue law capped at \\(H > 1\\): \\(F(v) = 1 - 1/v\\) on
/// \\(\[1, H)\\) and an atom of mass \\(1/H\\) at \\(H\\).
///
/// Every posted price \\(p \in \[1, H\]\\) earns the same revenue
/// \\(p \cdot P\[v \ge p\] = 1\\); the mean is \\(1 + \ln H\\).
///
/// ## References
/// - Hartline, J. D. (2013). *Mechanism Design and Approximation*, ch. 4
///   (the equal-revenue distribution).
///
/// # Errors
/// [`CappedEqualRevenue::new`] rejects `h <= 1` and non-finite `h`.
///
/// ```
/// use aftermarket::prior::{CappedEqualRevenue, Prior};
/// let e = CappedEqualRevenue::new(4.0)?;
/// assert!((e.mean() - (1.0 + 4f64.ln())).abs() < 1e-9);
/// assert!((e.mass(4.0) - 0.25).abs() < 1e-15);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CappedEqualRevenue {
    h: f64,
}

impl CappedEqualRevenue {
    /// Checked constructor.
    ///
    /// # Errors
    /// If `h` is not finite and > 1.
    pub fn new(h: f64) -> Result<Self, PriorError> {
        if !h.is_finite() || h <= 1.0 {
            return Err(PriorError::InvalidParameter {
                param: "h",
                rule: "must be finite and > 1",
                value: h,
            });
        }
        Ok(CappedEqualRevenue { h })
    }

    /// The cap `h`.
    pub fn h(&self) -> f64 {
        self.h
    }
}

impl Prior for CappedEqualRevenue {
    fn name(&self) -> String {
        format!("equal-revenue[1,{}]", self.h)
    }
    fn support(&self) -> (f64, f64) {
        (1.0, self.h)
    }
    fn cdf(&self, x: f64) -> f64 {
        if x < 1.0 {
            0.0
        } else if x >= self.h {
            1.0
        } else {
            1.0 - 1.0 / x
        }
    }
    fn cdf_left(&self, x: f64) -> f64 {
        if x <= 1.0 {
            0.0
        } else if x > self.h {
            1.0
        } else {
            1.0 - 1.0 / x
        }
    }
    fn pdf(&self, x: f64) -> f64 {
        if (1.0..self.h).contains(&x) {
            1.0 / (x * x)
        } else {
            0.0
        }
    }
    fn mass(&self, x: f64) -> f64 {
        if x.partial_cmp(&self.h) == Some(std::cmp::Ordering::Equal) {
            1.0 / self.h
        } else {
            0.0
        }
    }
    fn atoms(&self) -> Vec<(f64, f64)> {
        vec![(self.h, 1.0 / self.h)]
    }
    fn quantile(&self, q: f64) -> f64 {
        let q = q.clamp(0.0, 1.0);
        if q > 1.0 - 1.0 / self.h {
            self.h
        } else {
            (1.0 / (1.0 - q)).clamp(1.0, self.h)
        }
    }
    fn sample(&self, rng: &mut dyn Rng) -> f64 {
        self.quantile(uniform01(rng))
    }
    fn mean(&self) -> f64 {
        1.0 + self.h.ln()
    }
    fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64 {
        g(self.h) / self.h + integrate(&|x| g(x) / (x * x), 1.0, self.h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h_must_exceed_one() {
        let err = CappedEqualRevenue::new(1.0).expect_err("h = 1");
        assert_eq!(err.to_string(), "h must be finite and > 1, got 1");
    }

    #[test]
    fn atom_at_the_cap() {
        let e = CappedEqualRevenue::new(4.0).expect("valid");
        assert!((e.cdf(4.0) - 1.0).abs() < 1e-15);
        assert!((e.cdf_left(4.0) - 0.75).abs() < 1e-15);
        assert!((e.quantile(0.9) - 4.0).abs() < 1e-15);
        assert!((e.quantile(0.75) - 4.0).abs() < 1e-12);
        assert!((e.quantile(0.5) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn every_price_earns_one() {
        let e = CappedEqualRevenue::new(10.0).expect("valid");
        for p in [1.0, 2.0, 5.0, 10.0] {
            assert!((p * (1.0 - e.cdf_left(p)) - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn quadrature_mean_matches_closed_form() {
        let e = CappedEqualRevenue::new(4.0).expect("valid");
        assert!((e.expect(&|v| v) - (1.0 + 4f64.ln())).abs() < 1e-9);
        assert!((e.expect(&|_| 1.0) - 1.0).abs() < 1e-12);
    }
}
