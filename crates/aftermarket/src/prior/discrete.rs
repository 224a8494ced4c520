//! Finite discrete laws.

use rand::Rng;

use super::numeric::{check_probabilities, merge_atoms, uniform01};
use super::{Prior, PriorError};

/// A finite law: points with probabilities.
///
/// Probabilities must lie in \[0, 1\] and sum to 1 within 1e-9 (they are
/// then rescaled to sum to 1 exactly); equal points are merged, points of
/// probability 0 dropped, and the rest sorted.
///
/// # Errors
/// [`Discrete::new`] rejects an empty list, non-finite points,
/// probabilities outside \[0, 1\] and totals other than 1.
///
/// ```
/// use aftermarket::prior::{Discrete, Prior};
/// let d = Discrete::new(vec![(2.0, 0.5), (0.0, 0.25), (2.0, 0.25)])?;
/// assert_eq!(d.atoms(), vec![(0.0, 0.25), (2.0, 0.75)]);
/// assert!((d.mean() - 1.5).abs() < 1e-12);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Discrete {
    points: Vec<(f64, f64)>,
    // cum[i] = P[v <= points[i].0]; the last entry is exactly 1.
    cum: Vec<f64>,
}

impl Discrete {
    /// Checked constructor from (point, probability) pairs.
    ///
    /// # Errors
    /// If the list is empty, a point is not finite, a probability is not
    /// in \[0, 1\] or the probabilities do not sum to 1.
    pub fn new(points: Vec<(f64, f64)>) -> Result<Self, PriorError> {
        for &(x, _) in &points {
            if !x.is_finite() {
                return Err(PriorError::InvalidParameter {
                    param: "point",
                    rule: "must be finite",
                    value: x,
                });
            }
        }
        let total = check_probabilities("probabilities", points.iter().map(|p| p.1))?;
        let points: Vec<(f64, f64)> = merge_atoms(points)
            .into_iter()
            .map(|(x, p)| (x, p / total))
            .collect();
        let mut cum = Vec::with_capacity(points.len());
        let mut acc = 0.0;
        for &(_, p) in &points {
            acc += p;
            cum.push(acc.min(1.0));
        }
        if let Some(last) = cum.last_mut() {
            *last = 1.0;
        }
        Ok(Discrete { points, cum })
    }

    /// The law putting `1/n` on each of `n` values (repeats add up).
    ///
    /// # Errors
    /// If `values` is empty or holds a non-finite number.
    pub fn uniform_on(values: &[f64]) -> Result<Self, PriorError> {
        if values.is_empty() {
            return Err(PriorError::Invalid(
                "values: the list must not be empty".into(),
            ));
        }
        let p = 1.0 / values.len() as f64;
        Discrete::new(values.iter().map(|&x| (x, p)).collect())
    }

    /// The points and their probabilities, sorted by point.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    // Number of points <= x.
    fn count_le(&self, x: f64) -> usize {
        self.points.partition_point(|p| p.0 <= x)
    }

    // Number of points < x.
    fn count_lt(&self, x: f64) -> usize {
        self.points.partition_point(|p| p.0 < x)
    }
}

impl Prior for Discrete {
    fn name(&self) -> String {
        let pts: Vec<String> = self
            .points
            .iter()
            .map(|(x, p)| format!("{x}:{p}"))
            .collect();
        format!("discrete{{{}}}", pts.join(","))
    }
    fn support(&self) -> (f64, f64) {
        match (self.points.first(), self.points.last()) {
            (Some(a), Some(b)) => (a.0, b.0),
            _ => (0.0, 0.0),
        }
    }
    fn cdf(&self, x: f64) -> f64 {
        match self.count_le(x) {
            0 => 0.0,
            k => self.cum.get(k - 1).copied().unwrap_or(1.0),
        }
    }
    fn cdf_left(&self, x: f64) -> f64 {
        match self.count_lt(x) {
            0 => 0.0,
            k => self.cum.get(k - 1).copied().unwrap_or(1.0),
        }
    }
    fn pdf(&self, _x: f64) -> f64 {
        0.0
    }
    fn mass(&self, x: f64) -> f64 {
        let k = self.count_lt(x);
        match self.points.get(k) {
            Some(&(y, p)) if y.partial_cmp(&x) == Some(std::cmp::Ordering::Equal) => p,
            _ => 0.0,
        }
    }
    fn atoms(&self) -> Vec<(f64, f64)> {
        self.points.clone()
    }
    fn quantile(&self, q: f64) -> f64 {
        let q = q.clamp(0.0, 1.0);
        let k = self.cum.partition_point(|&c| c < q);
        let k = k.min(self.points.len().saturating_sub(1));
        self.points.get(k).map_or(0.0, |p| p.0)
    }
    fn sample(&self, rng: &mut dyn Rng) -> f64 {
        let u = uniform01(rng);
        let k = self.cum.partition_point(|&c| c <= u);
        let k = k.min(self.points.len().saturating_sub(1));
        self.points.get(k).map_or(0.0, |p| p.0)
    }
    fn mean(&self) -> f64 {
        self.points.iter().map(|(x, p)| x * p).sum()
    }
    fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64 {
        self.points.iter().map(|&(x, p)| p * g(x)).sum()
    }
    fn is_discrete(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_must_sum_to_one() {
        let err = Discrete::new(vec![(0.0, 0.5), (1.0, 0.4)]).expect_err("sum 0.9");
        assert_eq!(err.to_string(), "probabilities must sum to 1, got 0.9");
    }

    #[test]
    fn probabilities_must_lie_in_unit_interval() {
        let err = Discrete::new(vec![(0.0, 1.5), (1.0, -0.5)]).expect_err("outside");
        assert_eq!(
            err.to_string(),
            "probabilities must be a probability in [0, 1], got 1.5"
        );
        let err = Discrete::new(vec![(0.0, f64::NAN)]).expect_err("nan");
        assert_eq!(
            err.to_string(),
            "probabilities must be a probability in [0, 1], got NaN"
        );
    }

    #[test]
    fn points_must_be_finite() {
        let err = Discrete::new(vec![(f64::INFINITY, 1.0)]).expect_err("inf");
        assert_eq!(err.to_string(), "point must be finite, got inf");
    }

    #[test]
    fn duplicates_merge_and_sort() {
        let d =
            Discrete::new(vec![(3.0, 0.25), (1.0, 0.25), (3.0, 0.5), (2.0, 0.0)]).expect("valid");
        assert_eq!(d.points(), &[(1.0, 0.25), (3.0, 0.75)]);
        assert!((d.cdf(1.0) - 0.25).abs() < 1e-15);
        assert!(d.cdf_left(1.0).abs() < 1e-15);
        assert!((d.cdf(2.9) - 0.25).abs() < 1e-15);
        assert!((d.mass(3.0) - 0.75).abs() < 1e-15);
        assert!(d.mass(2.0).abs() < 1e-15);
    }

    #[test]
    fn quantile_is_generalised_inverse() {
        let d = Discrete::new(vec![(1.0, 0.25), (3.0, 0.75)]).expect("valid");
        assert!((d.quantile(0.0) - 1.0).abs() < 1e-15);
        assert!((d.quantile(0.25) - 1.0).abs() < 1e-15);
        assert!((d.quantile(0.26) - 3.0).abs() < 1e-15);
        assert!((d.quantile(1.0) - 3.0).abs() < 1e-15);
    }
}
