//! The power law on \[0, w\].

use rand::Rng;

use super::numeric::{check_positive, uniform01};
use super::{Prior, PriorError};
use crate::analysis::quadrature::integrate;

/// Power law on \\(\[0, w\]\\): \\(F(v) = (v / w)^a\\), density
/// \\(f(v) = a v^{a-1} / w^a\\), mean \\(a w / (a + 1)\\).
///
/// `a = 1` is the uniform law; `a > 1` puts more weight on high values
/// (the law of the highest of `a` uniform draws when `a` is an integer).
///
/// # Errors
/// [`Power::new`] rejects `w <= 0`, `a <= 0` and non-finite parameters.
///
/// ```
/// use aftermarket::prior::{Power, Prior};
/// let p = Power::new(1.0, 2.0)?;
/// assert!((p.mean() - 2.0 / 3.0).abs() < 1e-12);
/// assert!((p.cdf(0.5) - 0.25).abs() < 1e-12);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Power {
    w: f64,
    a: f64,
}

impl Power {
    /// Checked constructor.
    ///
    /// # Errors
    /// If `w` or `a` is not finite and > 0.
    pub fn new(w: f64, a: f64) -> Result<Self, PriorError> {
        check_positive("w", w)?;
        check_positive("a", a)?;
        Ok(Power { w, a })
    }

    /// The upper end `w`.
    pub fn w(&self) -> f64 {
        self.w
    }

    /// The exponent `a`.
    pub fn a(&self) -> f64 {
        self.a
    }
}

impl Prior for Power {
    fn name(&self) -> String {
        format!("power[0,{}]^{}", self.w, self.a)
    }
    fn support(&self) -> (f64, f64) {
        (0.0, self.w)
    }
    fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            0.0
        } else if x >= self.w {
            1.0
        } else {
            (x / self.w).powf(self.a)
        }
    }
    fn pdf(&self, x: f64) -> f64 {
        if x <= 0.0 || x > self.w {
            0.0
        } else {
            self.a * (x / self.w).powf(self.a - 1.0) / self.w
        }
    }
    fn quantile(&self, q: f64) -> f64 {
        self.w * q.clamp(0.0, 1.0).powf(1.0 / self.a)
    }
    fn sample(&self, rng: &mut dyn Rng) -> f64 {
        self.quantile(uniform01(rng))
    }
    fn mean(&self) -> f64 {
        self.a * self.w / (self.a + 1.0)
    }
    fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64 {
        // E[g(v)] = ∫_0^1 g(Q(q)) dq: smooth even where the density is not.
        integrate(&|q| g(self.quantile(q)), 0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w_must_be_positive() {
        let err = Power::new(-1.0, 2.0).expect_err("negative w");
        assert_eq!(err.to_string(), "w must be finite and > 0, got -1");
    }

    #[test]
    fn a_must_be_positive() {
        let err = Power::new(1.0, 0.0).expect_err("zero a");
        assert_eq!(err.to_string(), "a must be finite and > 0, got 0");
        let err = Power::new(1.0, f64::NAN).expect_err("nan a");
        assert_eq!(err.to_string(), "a must be finite and > 0, got NaN");
    }

    #[test]
    fn mean_matches_closed_form() {
        for (w, a) in [(1.0, 2.0), (3.0, 0.5), (2.0, 7.0)] {
            let p = Power::new(w, a).expect("valid");
            let closed = a * w / (a + 1.0);
            assert!((p.expect(&|v| v) - closed).abs() < 1e-9, "w={w} a={a}");
            assert!((p.expect(&|_| 1.0) - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn quantile_inverts_cdf() {
        let p = Power::new(2.0, 0.3).expect("valid");
        for q in [0.0, 0.01, 0.5, 0.99, 1.0] {
            assert!((p.cdf(p.quantile(q)) - q).abs() < 1e-12);
        }
    }
}
