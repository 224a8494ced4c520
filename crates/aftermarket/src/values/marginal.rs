//! Non-increasing marginal values for identical units.

use serde::{Deserialize, Serialize};

use super::{ValuesError, check_non_negative};

/// Marginal values \\(v^1 \ge v^2 \ge \dots\\) for identical units.
///
/// ```
/// use aftermarket::values::MarginalValues;
/// let v = MarginalValues::new(vec![10.0, 6.0])?;
/// assert_eq!(v.total(2), 16.0);
/// assert!(MarginalValues::new(vec![1.0, 2.0]).is_err());
/// # Ok::<(), aftermarket::values::ValuesError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<f64>", into = "Vec<f64>")]
pub struct MarginalValues {
    marginals: Vec<f64>,
    // prefix[k] = value of holding k units; kept so that `total` is O(1)
    // in the Monte Carlo hot path.
    prefix: Vec<f64>,
}

impl MarginalValues {
    /// Checked constructor.
    ///
    /// # Errors
    /// If a value is negative or not finite, or if the values increase.
    pub fn new(marginals: Vec<f64>) -> Result<Self, ValuesError> {
        // Name the value only when it is bad: this runs once per draw in the
        // Monte Carlo hot path.
        if let Some(k) = marginals.iter().position(|v| !v.is_finite() || *v < 0.0) {
            check_non_negative(&format!("marginal value {}", k + 1), marginals[k])?;
        }
        for (k, w) in marginals.windows(2).enumerate() {
            if w[1] > w[0] {
                return Err(ValuesError::NotMonotone {
                    unit: k + 2,
                    prev: w[0],
                    next: w[1],
                });
            }
        }
        let mut prefix = Vec::with_capacity(marginals.len() + 1);
        prefix.push(0.0);
        let mut acc = 0.0;
        for &v in &marginals {
            acc += v;
            prefix.push(acc);
        }
        Ok(MarginalValues { marginals, prefix })
    }

    /// The marginal values.
    pub fn as_slice(&self) -> &[f64] {
        &self.marginals
    }

    /// Number of marginal values given.
    pub fn len(&self) -> usize {
        self.marginals.len()
    }

    /// True if no marginal value is given (all units worthless).
    pub fn is_empty(&self) -> bool {
        self.marginals.is_empty()
    }

    /// Value of the `k`-th unit (1-based); 0 beyond the vector.
    pub fn marginal(&self, k: usize) -> f64 {
        if k == 0 {
            return 0.0;
        }
        self.marginals.get(k - 1).copied().unwrap_or(0.0)
    }

    /// Value of holding `k` units.
    pub fn total(&self, k: usize) -> f64 {
        let k = k.min(self.marginals.len());
        self.prefix[k]
    }
}

impl TryFrom<Vec<f64>> for MarginalValues {
    type Error = ValuesError;
    fn try_from(v: Vec<f64>) -> Result<Self, Self::Error> {
        MarginalValues::new(v)
    }
}

impl From<MarginalValues> for Vec<f64> {
    fn from(m: MarginalValues) -> Self {
        m.marginals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increasing_marginals_are_rejected_with_the_unit() {
        let err = MarginalValues::new(vec![3.0, 2.0, 2.5]).expect_err("increasing");
        assert_eq!(
            err.to_string(),
            "marginal values must be non-increasing, but unit 3 is worth 2.5 after 2"
        );
    }

    #[test]
    fn nan_is_rejected() {
        let err = MarginalValues::new(vec![f64::NAN]).expect_err("nan");
        assert!(err.to_string().contains("must be finite"));
    }

    #[test]
    fn serde_round_trip_checks() {
        let ok: MarginalValues = serde_json::from_str("[2.0, 1.0]").expect("valid");
        assert_eq!(ok.len(), 2);
        assert!(serde_json::from_str::<MarginalValues>("[1.0, 2.0]").is_err());
    }
}
