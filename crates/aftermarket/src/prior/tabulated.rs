//! A law given by a table of its CDF, linear in between.

use rand::Rng;

use super::numeric::{SUM_TOL, uniform01};
use super::{Prior, PriorError};
use crate::analysis::quadrature::integrate;

/// A knot of the table: the CDF's left limit and value at `x`.
#[derive(Debug, Clone, Copy)]
struct Knot {
    x: f64,
    left: f64,
    right: f64,
}

/// A law whose CDF passes through the points `(xs[i], cdf[i])` and is linear
/// in between.
///
/// Jumps are atoms: a repeated `x` with two different CDF values, or a first
/// CDF value above 0 (an atom at `xs[0]`). The last CDF value must be 1
/// (within 1e-9). Use it for a law known only through a table, such as the
/// distribution of a rival's value read off a figure.
///
/// # Errors
/// [`Tabulated::new`] rejects tables that are empty, of unequal lengths,
/// non-finite, decreasing in `x` or in the CDF, or not ending at 1.
///
/// ```
/// use aftermarket::prior::{Prior, Tabulated};
/// // an atom of 0.2 at 0, then uniform density 0.8 on [0, 1]
/// let t = Tabulated::new(vec![0.0, 1.0], vec![0.2, 1.0])?;
/// assert!((t.mass(0.0) - 0.2).abs() < 1e-15);
/// assert!((t.mean() - 0.4).abs() < 1e-12);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Tabulated {
    knots: Vec<Knot>,
}

impl Tabulated {
    /// Checked constructor.
    ///
    /// # Errors
    /// See the type's documentation.
    pub fn new(xs: Vec<f64>, cdf: Vec<f64>) -> Result<Self, PriorError> {
        if xs.is_empty() || xs.len() != cdf.len() {
            return Err(PriorError::Invalid(format!(
                "xs and cdf must be non-empty and of equal length, got {} and {}",
                xs.len(),
                cdf.len()
            )));
        }
        for &x in &xs {
            if !x.is_finite() {
                return Err(PriorError::InvalidParameter {
                    param: "xs",
                    rule: "must be finite",
                    value: x,
                });
            }
        }
        for &c in &cdf {
            super::check_probability("cdf", c)?;
        }
        for (i, w) in xs.windows(2).enumerate() {
            if w[1] < w[0] {
                return Err(PriorError::Invalid(format!(
                    "xs must be non-decreasing, but xs[{}] = {} follows {}",
                    i + 1,
                    w[1],
                    w[0]
                )));
            }
        }
        for (i, w) in cdf.windows(2).enumerate() {
            if w[1] < w[0] {
                return Err(PriorError::Invalid(format!(
                    "cdf must be non-decreasing, but cdf[{}] = {} follows {}",
                    i + 1,
                    w[1],
                    w[0]
                )));
            }
        }
        let last = cdf.last().copied().unwrap_or(0.0);
        if (last - 1.0).abs() > SUM_TOL {
            return Err(PriorError::InvalidParameter {
                param: "last cdf value",
                rule: "must be 1",
                value: last,
            });
        }
        // Collapse repeated xs into one knot with a jump.
        let mut knots: Vec<Knot> = Vec::with_capacity(xs.len());
        for (i, (&x, &c)) in xs.iter().zip(&cdf).enumerate() {
            let c = if i + 1 == cdf.len() { 1.0 } else { c };
            match knots.last_mut() {
                Some(k) if k.x.partial_cmp(&x) == Some(std::cmp::Ordering::Equal) => k.right = c,
                _ => knots.push(Knot {
                    x,
                    left: if knots.is_empty() { 0.0 } else { c },
                    right: c,
                }),
            }
        }
        // Drop flat stretches at the ends so that `support` is tight.
        while knots.len() >= 2 && knots[0].right <= 0.0 && knots[1].left <= 0.0 {
            knots.remove(0);
            knots[0].left = 0.0;
        }
        while knots.len() >= 2 && knots[knots.len() - 2].right >= 1.0 {
            knots.pop();
        }
        Ok(Tabulated { knots })
    }

    // Index of the last knot with x <= v, if any.
    fn segment(&self, v: f64) -> Option<usize> {
        self.knots.partition_point(|k| k.x <= v).checked_sub(1)
    }
}

impl Prior for Tabulated {
    fn name(&self) -> String {
        let (lo, hi) = self.support();
        format!("tabulated[{lo},{hi}]({} knots)", self.knots.len())
    }
    fn support(&self) -> (f64, f64) {
        match (self.knots.first(), self.knots.last()) {
            (Some(a), Some(b)) => (a.x, b.x),
            _ => (0.0, 0.0),
        }
    }
    fn cdf(&self, x: f64) -> f64 {
        let Some(i) = self.segment(x) else {
            return 0.0;
        };
        match (self.knots.get(i), self.knots.get(i + 1)) {
            (Some(k), Some(n)) => {
                let t = (x - k.x) / (n.x - k.x);
                (k.right + t * (n.left - k.right)).clamp(0.0, 1.0)
            }
            _ => 1.0,
        }
    }
    fn mass(&self, x: f64) -> f64 {
        match self.segment(x).and_then(|i| self.knots.get(i)) {
            Some(k) if k.x.partial_cmp(&x) == Some(std::cmp::Ordering::Equal) => {
                (k.right - k.left).max(0.0)
            }
            _ => 0.0,
        }
    }
    fn pdf(&self, x: f64) -> f64 {
        let Some(i) = self.segment(x) else {
            return 0.0;
        };
        match (self.knots.get(i), self.knots.get(i + 1)) {
            (Some(k), Some(n)) => (n.left - k.right) / (n.x - k.x),
            _ => 0.0,
        }
    }
    fn atoms(&self) -> Vec<(f64, f64)> {
        self.knots
            .iter()
            .filter(|k| k.right > k.left)
            .map(|k| (k.x, k.right - k.left))
            .collect()
    }
    fn quantile(&self, q: f64) -> f64 {
        let q = q.clamp(0.0, 1.0);
        let mut prev: Option<&Knot> = None;
        for k in &self.knots {
            if let Some(p) = prev {
                if q <= k.left {
                    // q > p.right, so the segment rises
                    let t = (q - p.right) / (k.left - p.right);
                    return p.x + t * (k.x - p.x);
                }
            }
            if q <= k.right {
                return k.x;
            }
            prev = Some(k);
        }
        self.support().1
    }
    fn sample(&self, rng: &mut dyn Rng) -> f64 {
        self.quantile(uniform01(rng))
    }
    fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64 {
        let on_atoms: f64 = self.atoms().iter().map(|&(x, p)| p * g(x)).sum();
        let on_segments: f64 = self
            .knots
            .windows(2)
            .map(|w| {
                let slope = (w[1].left - w[0].right) / (w[1].x - w[0].x);
                if slope > 0.0 {
                    slope * integrate(g, w[0].x, w[1].x)
                } else {
                    0.0
                }
            })
            .sum();
        on_atoms + on_segments
    }
    fn is_discrete(&self) -> bool {
        self.knots.windows(2).all(|w| w[1].left <= w[0].right)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_must_end_at_one() {
        let err = Tabulated::new(vec![0.0, 1.0], vec![0.0, 0.9]).expect_err("ends at 0.9");
        assert_eq!(err.to_string(), "last cdf value must be 1, got 0.9");
    }

    #[test]
    fn cdf_must_not_decrease() {
        let err = Tabulated::new(vec![0.0, 1.0, 2.0], vec![0.0, 0.6, 0.5]).expect_err("decreasing");
        assert_eq!(
            err.to_string(),
            "cdf must be non-decreasing, but cdf[2] = 0.5 follows 0.6"
        );
    }

    #[test]
    fn repeated_x_is_an_atom() {
        let t =
            Tabulated::new(vec![0.0, 1.0, 1.0, 2.0], vec![0.0, 0.25, 0.75, 1.0]).expect("valid");
        assert!((t.mass(1.0) - 0.5).abs() < 1e-15);
        assert!((t.cdf_left(1.0) - 0.25).abs() < 1e-15);
        assert!((t.cdf(1.0) - 0.75).abs() < 1e-15);
        assert!((t.quantile(0.5) - 1.0).abs() < 1e-15);
        assert!((t.quantile(0.875) - 1.5).abs() < 1e-12);
        // mean: 0.25·0.5 + 0.5·1 + 0.25·1.5
        assert!((t.expect(&|v| v) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn uniform_table_matches_uniform() {
        let t = Tabulated::new(vec![0.0, 0.5, 1.0], vec![0.0, 0.5, 1.0]).expect("valid");
        assert!((t.mean() - 0.5).abs() < 1e-12);
        assert!((t.pdf(0.3) - 1.0).abs() < 1e-12);
        assert!(!t.is_discrete());
    }

    #[test]
    fn flat_ends_are_trimmed() {
        let t = Tabulated::new(vec![-1.0, 0.0, 1.0, 2.0], vec![0.0, 0.0, 1.0, 1.0]).expect("valid");
        assert_eq!(t.support(), (0.0, 1.0));
    }
}
