//! The uniform law on \[lo, hi\].

use rand::Rng;
use rand_distr::Distribution;

use super::{Prior, PriorError};

/// Uniform on \\(\[lo, hi\]\\): \\(F(x) = (x - lo)/(hi - lo)\\).
///
/// # Errors
/// [`Uniform::new`] rejects non-finite bounds and `hi <= lo`.
///
/// ```
/// use aftermarket::prior::{Prior, Uniform};
/// let u = Uniform::new(1.0, 1.5)?;
/// assert!((u.mean() - 1.25).abs() < 1e-12);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Uniform {
    lo: f64,
    hi: f64,
    dist: rand_distr::Uniform<f64>,
}

impl Uniform {
    /// Checked constructor.
    ///
    /// # Errors
    /// If a bound is not finite or `hi <= lo`.
    pub fn new(lo: f64, hi: f64) -> Result<Self, PriorError> {
        if !lo.is_finite() {
            return Err(PriorError::InvalidParameter {
                param: "lo",
                rule: "must be finite",
                value: lo,
            });
        }
        if !hi.is_finite() || hi <= lo {
            return Err(PriorError::InvalidParameter {
                param: "hi",
                rule: "must be finite and > lo",
                value: hi,
            });
        }
        let dist = rand_distr::Uniform::new_inclusive(lo, hi)
            .map_err(|e| PriorError::Invalid(format!("uniform[{lo},{hi}]: {e}")))?;
        Ok(Uniform { lo, hi, dist })
    }
}

impl Prior for Uniform {
    fn name(&self) -> String {
        format!("uniform[{},{}]", self.lo, self.hi)
    }
    fn support(&self) -> (f64, f64) {
        (self.lo, self.hi)
    }
    fn cdf(&self, x: f64) -> f64 {
        ((x - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0)
    }
    fn pdf(&self, x: f64) -> f64 {
        if (self.lo..=self.hi).contains(&x) {
            1.0 / (self.hi - self.lo)
        } else {
            0.0
        }
    }
    fn quantile(&self, q: f64) -> f64 {
        self.lo + q.clamp(0.0, 1.0) * (self.hi - self.lo)
    }
    fn sample(&self, rng: &mut dyn Rng) -> f64 {
        self.dist.sample(rng)
    }
    fn mean(&self) -> f64 {
        0.5 * (self.lo + self.hi)
    }
    fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64 {
        crate::analysis::quadrature::integrate(&|x| g(x) * self.pdf(x), self.lo, self.hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hi_must_exceed_lo() {
        let err = Uniform::new(1.0, 1.0).expect_err("empty");
        assert_eq!(err.to_string(), "hi must be finite and > lo, got 1");
    }

    #[test]
    fn quantile_inverts_cdf() {
        let u = Uniform::new(-1.0, 3.0).expect("ok");
        for q in [0.0, 0.1, 0.5, 0.9, 1.0] {
            assert!((u.cdf(u.quantile(q)) - q).abs() < 1e-12);
        }
    }
}
