//! The normal law truncated to an interval.

use rand::Rng;
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

use super::numeric::{check_finite, check_positive, uniform01};
use super::{Prior, PriorError};
use crate::analysis::quadrature::integrate_pieces;

/// Normal \\(N(\mu, \sigma^2)\\) conditioned on \\(\[lo, hi\]\\).
///
/// With \\(\alpha = (lo - \mu)/\sigma\\), \\(\beta = (hi - \mu)/\sigma\\) and
/// \\(Z = \Phi(\beta) - \Phi(\alpha)\\): \\(F(x) = (\Phi((x-\mu)/\sigma) - \Phi(\alpha))/Z\\)
/// and the mean is \\(\mu + \sigma (\varphi(\alpha) - \varphi(\beta))/Z\\).
/// Either end may be infinite. Upper-tail intervals are computed through
/// survival functions to keep precision.
///
/// # Errors
/// [`TruncatedNormal::new`] rejects a non-finite mean, `sd <= 0`,
/// `hi <= lo`, NaN ends and intervals of (numerically) zero probability.
///
/// ```
/// use aftermarket::prior::{Prior, TruncatedNormal};
/// let t = TruncatedNormal::new(0.0, 1.0, 0.0, f64::INFINITY)?;
/// // half-normal mean: sqrt(2/pi)
/// assert!((t.mean() - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-12);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct TruncatedNormal {
    mean: f64,
    sd: f64,
    lo: f64,
    hi: f64,
    // true when the interval lies in the upper half: work with survival
    // functions there.
    upper: bool,
    // Φ(α) (or S(α) when `upper`) and the interval's probability Z.
    base: f64,
    z: f64,
    std: Normal,
}

impl TruncatedNormal {
    /// Checked constructor.
    ///
    /// # Errors
    /// If `mean` is not finite, `sd` not finite and > 0, an end is NaN,
    /// `hi <= lo`, or the interval has probability below 1e-300.
    pub fn new(mean: f64, sd: f64, lo: f64, hi: f64) -> Result<Self, PriorError> {
        check_finite("mean", mean)?;
        check_positive("sd", sd)?;
        if lo.is_nan() || lo >= f64::INFINITY {
            return Err(PriorError::InvalidParameter {
                param: "lo",
                rule: "must be a number < inf",
                value: lo,
            });
        }
        if hi.is_nan() || hi <= lo {
            return Err(PriorError::InvalidParameter {
                param: "hi",
                rule: "must be > lo",
                value: hi,
            });
        }
        let std = Normal::standard();
        let alpha = (lo - mean) / sd;
        let beta = (hi - mean) / sd;
        let upper = alpha > 0.0;
        let (base, z) = if upper {
            let s = std.sf(alpha);
            (s, s - std.sf(beta))
        } else {
            let c = std.cdf(alpha);
            (c, std.cdf(beta) - c)
        };
        if z.is_nan() || z <= 1e-300 {
            return Err(PriorError::Invalid(format!(
                "interval [{lo}, {hi}] has zero probability under normal({mean}, {sd})"
            )));
        }
        Ok(TruncatedNormal {
            mean,
            sd,
            lo,
            hi,
            upper,
            base,
            z,
            std,
        })
    }

    fn standardise(&self, x: f64) -> f64 {
        (x - self.mean) / self.sd
    }
}

impl Prior for TruncatedNormal {
    fn name(&self) -> String {
        format!("normal({},{})[{},{}]", self.mean, self.sd, self.lo, self.hi)
    }
    fn support(&self) -> (f64, f64) {
        (self.lo, self.hi)
    }
    fn cdf(&self, x: f64) -> f64 {
        if x <= self.lo {
            return 0.0;
        }
        if x >= self.hi {
            return 1.0;
        }
        let t = self.standardise(x);
        let f = if self.upper {
            (self.base - self.std.sf(t)) / self.z
        } else {
            (self.std.cdf(t) - self.base) / self.z
        };
        f.clamp(0.0, 1.0)
    }
    fn pdf(&self, x: f64) -> f64 {
        if x < self.lo || x > self.hi {
            return 0.0;
        }
        self.std.pdf(self.standardise(x)) / (self.sd * self.z)
    }
    fn quantile(&self, q: f64) -> f64 {
        let q = q.clamp(0.0, 1.0);
        let t = if self.upper {
            // S(t) = S(α) − q Z, and Φ⁻¹(1 − s) = −Φ⁻¹(s).
            let s = (self.base - q * self.z).clamp(0.0, 1.0);
            -self.std.inverse_cdf(s)
        } else {
            let c = (self.base + q * self.z).clamp(0.0, 1.0);
            self.std.inverse_cdf(c)
        };
        let x = self.mean + self.sd * t;
        if x.is_nan() {
            return if q < 0.5 { self.lo } else { self.hi };
        }
        x.clamp(self.lo, self.hi)
    }
    fn sample(&self, rng: &mut dyn Rng) -> f64 {
        self.quantile(uniform01(rng))
    }
    fn mean(&self) -> f64 {
        let phi = |x: f64| {
            if x.is_finite() { self.std.pdf(x) } else { 0.0 }
        };
        let m = self.mean
            + self.sd * (phi(self.standardise(self.lo)) - phi(self.standardise(self.hi))) / self.z;
        m.clamp(self.lo, self.hi)
    }
    fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64 {
        // Mass more than 40 sd beyond the nearer of the mean and the
        // interval is negligible (below 1e-300 relative).
        let r = 40.0 * self.sd;
        let a = self.lo.max(self.mean.min(self.hi) - r);
        let b = self.hi.min(self.mean.max(self.lo) + r);
        let breaks: Vec<f64> = [-5.0, -1.0, 0.0, 1.0, 5.0]
            .iter()
            .map(|k| self.mean + k * self.sd)
            .collect();
        integrate_pieces(&|x| g(x) * self.pdf(x), a, b, &breaks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sd_must_be_positive() {
        let err = TruncatedNormal::new(0.0, -1.0, 0.0, 1.0).expect_err("sd < 0");
        assert_eq!(err.to_string(), "sd must be finite and > 0, got -1");
    }

    #[test]
    fn hi_must_exceed_lo() {
        let err = TruncatedNormal::new(0.0, 1.0, 1.0, 1.0).expect_err("empty");
        assert_eq!(err.to_string(), "hi must be > lo, got 1");
    }

    #[test]
    fn far_tail_interval_is_rejected() {
        let err = TruncatedNormal::new(0.0, 1.0, 100.0, 101.0).expect_err("zero mass");
        assert_eq!(
            err.to_string(),
            "interval [100, 101] has zero probability under normal(0, 1)"
        );
    }

    #[test]
    fn quantile_inverts_cdf_in_both_tails() {
        for (lo, hi) in [
            (-1.0, 2.0),
            (3.0, 5.0),
            (f64::NEG_INFINITY, -2.0),
            (0.0, f64::INFINITY),
        ] {
            let t = TruncatedNormal::new(0.0, 1.0, lo, hi).expect("valid");
            for q in [0.01, 0.3, 0.5, 0.9, 0.99] {
                assert!((t.cdf(t.quantile(q)) - q).abs() < 1e-9, "[{lo},{hi}] q={q}");
            }
        }
    }

    #[test]
    fn quadrature_mean_matches_closed_form() {
        for (lo, hi) in [(-1.0, 2.0), (3.0, 5.0), (f64::NEG_INFINITY, f64::INFINITY)] {
            let t = TruncatedNormal::new(1.0, 2.0, lo, hi).expect("valid");
            assert!((t.expect(&|v| v) - t.mean()).abs() < 1e-8, "[{lo},{hi}]");
            assert!((t.expect(&|_| 1.0) - 1.0).abs() < 1e-9);
        }
    }
}
