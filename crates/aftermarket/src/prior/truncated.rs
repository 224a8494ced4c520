//! A law conditioned on an interval.

use std::sync::Arc;

use rand::Rng;

use super::numeric::{expect_mixed, uniform01};
use super::{Prior, PriorError};

/// The law of \\(v\\) given \\(lo \le v \le hi\\) (a closed interval), for any
/// base law: the belief about a rival after an auction reveals, say, that
/// its value is at most \\(\beta^{-1}(b)\\).
///
/// Atoms of the base law at `lo` or `hi` are kept. Either end may be
/// infinite.
///
/// # Errors
/// [`Truncated::new`] rejects NaN ends, `hi < lo` and intervals of
/// probability (below 1e-14) zero under the base law.
///
/// ```
/// use std::sync::Arc;
/// use aftermarket::prior::{Prior, Truncated, Uniform};
/// let t = Truncated::new(Arc::new(Uniform::new(0.0, 1.0)?), f64::NEG_INFINITY, 0.5)?;
/// assert!((t.mean() - 0.25).abs() < 1e-12);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Truncated {
    base: Arc<dyn Prior>,
    lo: f64,
    hi: f64,
    // P[v < lo] and P[lo <= v <= hi] under the base law.
    below: f64,
    p: f64,
    support: (f64, f64),
}

impl Truncated {
    /// Checked constructor.
    ///
    /// # Errors
    /// See the type's documentation.
    pub fn new(base: Arc<dyn Prior>, lo: f64, hi: f64) -> Result<Self, PriorError> {
        if lo.is_nan() {
            return Err(PriorError::InvalidParameter {
                param: "lo",
                rule: "must be a number",
                value: lo,
            });
        }
        if hi.is_nan() || hi < lo {
            return Err(PriorError::InvalidParameter {
                param: "hi",
                rule: "must be >= lo",
                value: hi,
            });
        }
        let below = base.cdf_left(lo);
        let p = base.cdf(hi) - below;
        if p.is_nan() || p <= 1e-14 {
            return Err(PriorError::Invalid(format!(
                "interval [{lo}, {hi}] has zero probability under {}",
                base.name()
            )));
        }
        let (blo, bhi) = base.support();
        let mut support = (lo.max(blo), hi.min(bhi));
        if base.is_discrete() {
            let inside: Vec<f64> = base
                .atoms()
                .into_iter()
                .filter(|&(x, m)| m > 0.0 && x >= lo && x <= hi)
                .map(|a| a.0)
                .collect();
            if let (Some(&a), Some(&b)) = (inside.first(), inside.last()) {
                support = (a, b);
            }
        }
        Ok(Truncated {
            base,
            lo,
            hi,
            below,
            p,
            support,
        })
    }

    /// The base law.
    pub fn base(&self) -> &Arc<dyn Prior> {
        &self.base
    }

    /// The interval's probability under the base law.
    pub fn probability(&self) -> f64 {
        self.p
    }

    fn inside(&self, x: f64) -> bool {
        x >= self.lo && x <= self.hi
    }
}

impl Prior for Truncated {
    fn name(&self) -> String {
        format!("{}|[{},{}]", self.base.name(), self.lo, self.hi)
    }
    fn support(&self) -> (f64, f64) {
        self.support
    }
    fn cdf(&self, x: f64) -> f64 {
        if x < self.lo {
            0.0
        } else if x >= self.hi {
            1.0
        } else {
            ((self.base.cdf(x) - self.below) / self.p).clamp(0.0, 1.0)
        }
    }
    fn cdf_left(&self, x: f64) -> f64 {
        if x <= self.lo {
            0.0
        } else if x > self.hi {
            1.0
        } else {
            ((self.base.cdf_left(x) - self.below) / self.p).clamp(0.0, 1.0)
        }
    }
    fn pdf(&self, x: f64) -> f64 {
        if self.inside(x) {
            self.base.pdf(x) / self.p
        } else {
            0.0
        }
    }
    fn mass(&self, x: f64) -> f64 {
        if self.inside(x) {
            self.base.mass(x) / self.p
        } else {
            0.0
        }
    }
    fn atoms(&self) -> Vec<(f64, f64)> {
        self.base
            .atoms()
            .into_iter()
            .filter(|&(x, _)| self.inside(x))
            .map(|(x, m)| (x, m / self.p))
            .collect()
    }
    fn quantile(&self, q: f64) -> f64 {
        let t = (self.below + q.clamp(0.0, 1.0) * self.p).clamp(0.0, 1.0);
        let (a, b) = self.support;
        self.base.quantile(t).clamp(a, b)
    }
    fn sample(&self, rng: &mut dyn Rng) -> f64 {
        // Rejection when the interval is likely, inversion otherwise.
        if self.p >= 0.25 {
            for _ in 0..64 {
                let x = self.base.sample(rng);
                if self.inside(x) {
                    return x;
                }
            }
        }
        self.quantile(uniform01(rng))
    }
    fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64 {
        let (a, b) = self.support;
        if a.is_finite() && b.is_finite() {
            expect_mixed(self, g, a, b, &[])
        } else {
            let (lo, hi) = (self.lo, self.hi);
            self.base
                .expect(&|x| if x >= lo && x <= hi { g(x) } else { 0.0 })
                / self.p
        }
    }
    fn is_discrete(&self) -> bool {
        self.base.is_discrete()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::{Discrete, Mixture, PointMass, Uniform};

    #[test]
    fn zero_probability_interval_is_rejected() {
        let u = Arc::new(Uniform::new(0.0, 1.0).expect("valid"));
        let err = Truncated::new(u, 2.0, 3.0).expect_err("outside");
        assert_eq!(
            err.to_string(),
            "interval [2, 3] has zero probability under uniform[0,1]"
        );
    }

    #[test]
    fn reversed_interval_is_rejected() {
        let u = Arc::new(Uniform::new(0.0, 1.0).expect("valid"));
        let err = Truncated::new(u, 0.5, 0.4).expect_err("reversed");
        assert_eq!(err.to_string(), "hi must be >= lo, got 0.4");
    }

    #[test]
    fn atoms_at_both_ends_are_kept() {
        let d = Arc::new(Discrete::new(vec![(0.0, 0.2), (1.0, 0.3), (2.0, 0.5)]).expect("valid"));
        let t = Truncated::new(d, 0.0, 1.0).expect("valid");
        assert!((t.mass(0.0) - 0.4).abs() < 1e-12);
        assert!((t.mass(1.0) - 0.6).abs() < 1e-12);
        assert!((t.cdf(1.0) - 1.0).abs() < 1e-12);
        assert!(t.cdf_left(0.0).abs() < 1e-12);
        assert!((t.mean() - 0.6).abs() < 1e-12);
        assert!((t.quantile(0.5) - 1.0).abs() < 1e-12);
        assert_eq!(t.support(), (0.0, 1.0));
    }

    #[test]
    fn atom_inside_a_continuous_law() {
        // ½δ1 + ½U[0,2] given v ≥ 1: mass ½ at 1 out of ¾.
        let m = Mixture::new(vec![
            (
                0.5,
                Arc::new(PointMass::new(1.0).expect("valid")) as Arc<dyn Prior>,
            ),
            (0.5, Arc::new(Uniform::new(0.0, 2.0).expect("valid"))),
        ])
        .expect("valid");
        let t = Truncated::new(Arc::new(m), 1.0, f64::INFINITY).expect("valid");
        assert!((t.mass(1.0) - 2.0 / 3.0).abs() < 1e-12);
        assert!((t.expect(&|_| 1.0) - 1.0).abs() < 1e-9);
        // mean: 2/3·1 + 1/3·1.5
        assert!((t.mean() - (2.0 / 3.0 + 0.5)).abs() < 1e-9);
        assert!((t.quantile(0.5) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn uniform_given_below_is_uniform() {
        let u = Arc::new(Uniform::new(0.0, 1.0).expect("valid"));
        let t = Truncated::new(u, -5.0, 0.5).expect("valid");
        assert_eq!(t.support(), (0.0, 0.5));
        assert!((t.cdf(0.25) - 0.5).abs() < 1e-12);
        assert!((t.quantile(0.5) - 0.25).abs() < 1e-9);
        assert!((t.mean() - 0.25).abs() < 1e-12);
    }
}
