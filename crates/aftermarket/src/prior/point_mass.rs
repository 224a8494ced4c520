//! A point mass.

use rand::Rng;

use super::numeric::check_finite;
use super::{Prior, PriorError};

/// The law putting all mass on one point `x` (a known value).
///
/// # Errors
/// [`PointMass::new`] rejects a non-finite `x`.
///
/// ```
/// use aftermarket::prior::{PointMass, Prior};
/// let d = PointMass::new(2.0)?;
/// assert_eq!(d.mass(2.0), 1.0);
/// assert_eq!(d.cdf_left(2.0), 0.0);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct PointMass {
    x: f64,
}

impl PointMass {
    /// Checked constructor.
    ///
    /// # Errors
    /// If `x` is not finite.
    pub fn new(x: f64) -> Result<Self, PriorError> {
        check_finite("x", x)?;
        Ok(PointMass { x })
    }

    /// The point.
    pub fn x(&self) -> f64 {
        self.x
    }
}

impl Prior for PointMass {
    fn name(&self) -> String {
        format!("point[{}]", self.x)
    }
    fn support(&self) -> (f64, f64) {
        (self.x, self.x)
    }
    fn cdf(&self, x: f64) -> f64 {
        if x >= self.x { 1.0 } else { 0.0 }
    }
    fn cdf_left(&self, x: f64) -> f64 {
        if x > self.x { 1.0 } else { 0.0 }
    }
    fn pdf(&self, _x: f64) -> f64 {
        0.0
    }
    fn mass(&self, x: f64) -> f64 {
        if x.partial_cmp(&self.x) == Some(std::cmp::Ordering::Equal) {
            1.0
        } else {
            0.0
        }
    }
    fn atoms(&self) -> Vec<(f64, f64)> {
        vec![(self.x, 1.0)]
    }
    fn quantile(&self, _q: f64) -> f64 {
        self.x
    }
    fn sample(&self, _rng: &mut dyn Rng) -> f64 {
        self.x
    }
    fn mean(&self) -> f64 {
        self.x
    }
    fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64 {
        g(self.x)
    }
    fn is_discrete(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_must_be_finite() {
        let err = PointMass::new(f64::NAN).expect_err("nan");
        assert_eq!(err.to_string(), "x must be finite, got NaN");
    }

    #[test]
    fn all_mass_on_the_point() {
        let d = PointMass::new(-1.5).expect("valid");
        assert!((d.cdf(-1.5) - 1.0).abs() < 1e-15);
        assert!(d.cdf(-1.6).abs() < 1e-15);
        assert!((d.expect(&|v| v * v) - 2.25).abs() < 1e-15);
        assert!(d.is_discrete());
    }
}
