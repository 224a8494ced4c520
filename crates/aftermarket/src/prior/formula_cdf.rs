//! A continuous law whose CDF is written as a formula.

use rand::Rng;

use super::numeric::{check_finite, expect_mixed, quantile_bisect, uniform01};
use super::{Prior, PriorError};
use crate::formula::Formula;

/// Grid on which the formula is checked to be a CDF.
const CHECK_GRID: usize = 2000;
/// Largest rise of the CDF between neighbouring points of a fine grid
/// before it counts as a jump (an atom, which this law does not model).
const JUMP_TOL: f64 = 1e-3;

/// A continuous law on \\(\[lo, hi\]\\) with CDF \\(F(x)\\) given by a formula
/// in `x`, e.g. paper 004's law of bidder B's value,
/// \\(F(z) = 1 - 1/(1 + (2m-1)z)\\) on \\(\[0, 1)\\) and \\(z - 1/(2m)\\) on
/// \\(\[1, 1 + 1/(2m)\]\\).
///
/// The formula is checked on a grid of 2,000 points: finite, within
/// \\(\[0, 1\]\\), non-decreasing, 0 at `lo`, 1 at `hi`, and without jumps
/// (atoms belong in a [`Mixture`](super::Mixture)). The density is the
/// central difference of the CDF; quantiles are found by bisection, so
/// sampling is slower than for the closed-form laws.
///
/// ```
/// use aftermarket::prior::{FormulaCdf, Prior};
/// let f = FormulaCdf::new("x^2", 0.0, 1.0)?; // Power(w = 1, a = 2)
/// assert!((f.mean() - 2.0 / 3.0).abs() < 1e-6);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
///
/// # Errors
/// [`FormulaCdf::new`] rejects a formula that does not parse, uses a
/// variable other than `x`, or is not a continuous CDF on the interval.
#[derive(Debug, Clone)]
pub struct FormulaCdf {
    f: Formula,
    lo: f64,
    hi: f64,
}

impl FormulaCdf {
    /// Checked constructor.
    ///
    /// # Errors
    /// See the type's `# Errors`.
    pub fn new(cdf: &str, lo: f64, hi: f64) -> Result<Self, PriorError> {
        check_finite("lo", lo)?;
        if !hi.is_finite() || hi <= lo {
            return Err(PriorError::InvalidParameter {
                param: "hi",
                rule: "must be finite and > lo",
                value: hi,
            });
        }
        let f = Formula::parse(cdf, &["x"]).map_err(|e| PriorError::Invalid(e.to_string()))?;
        let eval = |x: f64| f.eval(&[x]).map_err(|e| PriorError::Invalid(e.to_string()));
        let at_lo = eval(lo)?;
        if at_lo.abs() > 1e-9 {
            return Err(PriorError::Invalid(format!(
                "cdf `{cdf}` must be 0 at lo = {lo}, got {at_lo}"
            )));
        }
        let at_hi = eval(hi)?;
        if (at_hi - 1.0).abs() > 1e-9 {
            return Err(PriorError::Invalid(format!(
                "cdf `{cdf}` must be 1 at hi = {hi}, got {at_hi}"
            )));
        }
        let mut prev = at_lo;
        for i in 1..=CHECK_GRID {
            let x = lo + (hi - lo) * i as f64 / CHECK_GRID as f64;
            let y = eval(x)?;
            if !(-1e-12..=1.0 + 1e-12).contains(&y) {
                return Err(PriorError::Invalid(format!(
                    "cdf `{cdf}` must lie in [0, 1], got {y} at x = {x}"
                )));
            }
            if y < prev - 1e-12 {
                return Err(PriorError::Invalid(format!(
                    "cdf `{cdf}` must be non-decreasing, but falls from {prev} to {y} at x = {x}"
                )));
            }
            // A jump shows as a rise that does not shrink with the step.
            let eps = (hi - lo) * 1e-9;
            let left = eval((x - eps).max(lo))?;
            if y - left > JUMP_TOL {
                return Err(PriorError::Invalid(format!(
                    "cdf `{cdf}` jumps by {} at x = {x}; write atoms as a mixture",
                    y - left
                )));
            }
            prev = y;
        }
        Ok(FormulaCdf { f, lo, hi })
    }

    fn value(&self, x: f64) -> f64 {
        self.f.eval(&[x]).unwrap_or(0.0).clamp(0.0, 1.0)
    }
}

impl Prior for FormulaCdf {
    fn name(&self) -> String {
        format!("cdf {} on [{},{}]", self.f.text(), self.lo, self.hi)
    }
    fn support(&self) -> (f64, f64) {
        (self.lo, self.hi)
    }
    fn cdf(&self, x: f64) -> f64 {
        if x < self.lo {
            0.0
        } else if x >= self.hi {
            1.0
        } else {
            self.value(x)
        }
    }
    fn pdf(&self, x: f64) -> f64 {
        if x < self.lo || x > self.hi {
            return 0.0;
        }
        let h = (self.hi - self.lo) * 1e-6;
        let a = (x - h).max(self.lo);
        let b = (x + h).min(self.hi);
        ((self.cdf(b) - self.cdf(a)) / (b - a)).max(0.0)
    }
    fn quantile(&self, q: f64) -> f64 {
        quantile_bisect(&|x| self.cdf(x), q.clamp(0.0, 1.0), self.lo, self.hi)
    }
    fn sample(&self, rng: &mut dyn Rng) -> f64 {
        self.quantile(uniform01(rng))
    }
    fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64 {
        // E[g] = g(lo) + ∫ g'(x)(1 − F(x)) would need g'; integrate g·f
        // instead, split on a few points so kinks of F are seen.
        let breaks: Vec<f64> = (1..8)
            .map(|i| self.lo + (self.hi - self.lo) * i as f64 / 8.0)
            .collect();
        expect_mixed(self, g, self.lo, self.hi, &breaks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_004_bidder_b_law_is_a_cdf_with_the_stated_tail() {
        // m = 5: F(1) = 1 − 1/10, uniform density 1 on [1, 1.1].
        let f =
            FormulaCdf::new("if(x < 1, 1 - 1 / (1 + 9 * x), x - 0.1)", 0.0, 1.1).expect("valid");
        assert!((f.cdf(1.0) - 0.9).abs() < 1e-12);
        assert!((1.0 - f.cdf_left(1.0) - 0.1).abs() < 1e-12);
        // E[z] = ln(2m)/(2m−1) + 1/(8m²) (digest of paper 004).
        let ez = 10f64.ln() / 9.0 + 1.0 / 200.0;
        assert!((f.mean() - ez).abs() < 1e-6, "{} vs {ez}", f.mean());
    }

    #[test]
    fn decreasing_formula_is_rejected() {
        let err = FormulaCdf::new("1 - x", 0.0, 1.0).expect_err("not a cdf");
        assert!(err.to_string().contains("must be 0 at lo"), "{err}");
        let err = FormulaCdf::new(
            "if(x < 0.5, x, 1 - x) * 2 * if(x < 0.99, 1, 0) + if(x < 0.99, 0, 1)",
            0.0,
            1.0,
        )
        .expect_err("falls");
        assert!(
            err.to_string().contains("non-decreasing") || err.to_string().contains("jumps"),
            "{err}"
        );
    }

    #[test]
    fn jumps_are_rejected() {
        let err = FormulaCdf::new(
            "if(x < 0.5, x, x + 0.0) * 0.5 + if(x < 0.5, 0, 0.5)",
            0.0,
            1.0,
        )
        .expect_err("atom");
        assert!(err.to_string().contains("jumps"), "{err}");
    }

    #[test]
    fn quantile_inverts() {
        let f = FormulaCdf::new("x^3", 0.0, 2.0f64.cbrt()).expect_err("F(hi) must be 1 only at 1");
        assert!(f.to_string().contains("must be 1 at hi"));
        let f = FormulaCdf::new("x^3", 0.0, 1.0).expect("valid");
        assert!((f.quantile(0.125) - 0.5).abs() < 1e-9);
    }
}
