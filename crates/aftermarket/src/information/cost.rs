//! The cost of a signal, which may depend on the buyer's own value.

use super::InformationError;

/// The cost \\(c_i(\psi; \theta_i) \ge 0\\) of one signal structure as a
/// function of the acquirer's own value.
///
/// ```
/// use aftermarket::information::InformationCost;
/// // Paper 003, Example 1: v²/16.
/// let c = InformationCost::power(1.0 / 16.0, 2.0)?;
/// assert!((c.at(0.5) - 1.0 / 64.0).abs() < 1e-15);
/// # Ok::<(), aftermarket::information::InformationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum InformationCost {
    /// The same cost for every type.
    Constant(f64),
    /// \\(c(v) = \text{scale} \cdot v^{\text{exponent}}\\) (negative values
    /// are treated as 0).
    Power {
        /// The factor.
        scale: f64,
        /// The exponent.
        exponent: f64,
    },
}

impl InformationCost {
    /// A constant cost.
    ///
    /// # Errors
    /// A cost that is negative or not finite.
    pub fn constant(c: f64) -> Result<Self, InformationError> {
        check_non_negative("cost", c)?;
        Ok(InformationCost::Constant(c))
    }

    /// The cost \\(\text{scale} \cdot v^{\text{exponent}}\\).
    ///
    /// # Errors
    /// A scale or exponent that is negative or not finite.
    pub fn power(scale: f64, exponent: f64) -> Result<Self, InformationError> {
        check_non_negative("cost scale", scale)?;
        check_non_negative("cost exponent", exponent)?;
        Ok(InformationCost::Power { scale, exponent })
    }

    /// The cost to a buyer of value `v`.
    pub fn at(&self, v: f64) -> f64 {
        match *self {
            InformationCost::Constant(c) => c,
            InformationCost::Power { scale, exponent } => scale * v.max(0.0).powf(exponent),
        }
    }
}

fn check_non_negative(param: &'static str, x: f64) -> Result<(), InformationError> {
    if !x.is_finite() || x < 0.0 {
        return Err(InformationError::InvalidParameter {
            param,
            rule: "must be finite and >= 0",
            value: x,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_cannot_be_negative() {
        let err = InformationCost::constant(-0.1).expect_err("negative");
        assert_eq!(err.to_string(), "cost must be finite and >= 0, got -0.1");
        let err = InformationCost::power(1.0, f64::NAN).expect_err("nan");
        assert_eq!(
            err.to_string(),
            "cost exponent must be finite and >= 0, got NaN"
        );
    }
}
