//! Priors: where values come from.
//!
//! Three layers, each knowing nothing of mechanisms:
//!
//! - [`Prior`]: a law on the real line (a bidder's scalar value or signal):
//!   CDF and its left limit, quantile, density of the continuous part, mass
//!   of atoms, mean, \\(E\[g(v)\]\\) by quadrature, sampling.
//! - [`TypePrior`]: a law over one bidder's [`Valuation`], which may be one
//!   number, a vector of marginal values (including structured vectors such
//!   as paper 004's \\((2, u, 0, \dots)\\) and \\((2, z, z, \dots)\\)) or a package
//!   table. Most are built from a scalar [`Prior`] and a [`ValueShape`].
//! - [`ProfilePrior`]: a law over the whole profile of valuations:
//!   independent bidders, or correlated ones (a joint discrete table; a
//!   common component plus private parts).
//!
//! Sampling uses `rand_distr`; distribution functions use `statrs` where it
//! has them.

mod discrete;
mod empirical;
mod equal_revenue;
mod formula_cdf;
mod mixture;
mod numeric;
pub mod order_stats;
mod point_mass;
mod power;
mod profile;
mod tabulated;
mod truncated;
mod truncated_normal;
mod types;
mod uniform;
pub mod virtual_value;

pub use discrete::Discrete;
pub use empirical::Empirical;
pub use equal_revenue::CappedEqualRevenue;
pub use formula_cdf::FormulaCdf;
pub use mixture::Mixture;
pub use order_stats::{
    expected_kth_highest, expected_max, expected_max_iid, kth_highest_cdf, max_cdf, max_cdf_left,
};
pub use point_mass::PointMass;
pub use power::Power;
pub use profile::{CommonComponent, Independent, JointTable};
pub use tabulated::Tabulated;
pub use truncated::Truncated;
pub use truncated_normal::TruncatedNormal;
pub use types::{FiniteTypes, Fixed, ScalarType, SortedDraws};
pub use uniform::Uniform;
pub use virtual_value::{MonopolyPrice, first_irregular_point, monopoly_price, virtual_value};

use std::fmt::Debug;
use std::sync::Arc;

use rand::Rng;
use thiserror::Error;

use crate::values::{Valuation, ValuesError};

/// Errors raised while building or using a prior.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum PriorError {
    /// A parameter broke a rule.
    #[error("{param} {rule}, got {value}")]
    InvalidParameter {
        /// Which parameter.
        param: &'static str,
        /// The rule, e.g. "must be > 0".
        rule: &'static str,
        /// The offending value.
        value: f64,
    },
    /// Something other than a single parameter was wrong.
    #[error("{0}")]
    Invalid(String),
    /// A valuation built from the prior was invalid.
    #[error(transparent)]
    Values(#[from] ValuesError),
}

/// A probability law on the real line.
///
/// Laws may mix a continuous part and atoms: `cdf` is right-continuous,
/// `cdf_left(x)` is \\(P\[v < x\]\\), `mass(x)` is \\(P\[v = x\]\\) and `pdf` is the
/// density of the continuous part only.
///
/// ```
/// use aftermarket::prior::{Prior, Uniform};
/// let u = Uniform::new(0.0, 2.0)?;
/// assert_eq!(u.cdf(0.5), 0.25);
/// assert!((u.expect(&|v| v * v) - 4.0 / 3.0).abs() < 1e-9);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
pub trait Prior: Debug + Send + Sync {
    /// A short name, e.g. `uniform[0,1]`.
    fn name(&self) -> String;
    /// The smallest closed interval holding all the mass.
    fn support(&self) -> (f64, f64);
    /// \\(P\[v \le x\]\\).
    fn cdf(&self, x: f64) -> f64;
    /// \\(P\[v < x\]\\); equals `cdf` where there is no atom.
    fn cdf_left(&self, x: f64) -> f64 {
        self.cdf(x) - self.mass(x)
    }
    /// Density of the continuous part at `x` (0 off the support).
    fn pdf(&self, x: f64) -> f64;
    /// Probability of the atom at `x` (0 for continuous laws).
    fn mass(&self, _x: f64) -> f64 {
        0.0
    }
    /// The atoms, as (point, probability), in increasing order.
    fn atoms(&self) -> Vec<(f64, f64)> {
        Vec::new()
    }
    /// The generalised inverse \\(\inf\{x : F(x) \ge q\}\\), for q in \[0, 1\].
    fn quantile(&self, q: f64) -> f64;
    /// One draw.
    fn sample(&self, rng: &mut dyn Rng) -> f64;
    /// \\(E\[v\]\\).
    fn mean(&self) -> f64 {
        self.expect(&|v| v)
    }
    /// \\(E\[g(v)\]\\): exact on atoms, adaptive Gauss–Kronrod quadrature on the
    /// continuous part.
    fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64;
    /// True if the law is a finite set of atoms.
    fn is_discrete(&self) -> bool {
        false
    }
}

/// How a scalar draw becomes a [`Valuation`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ValueShape {
    /// A single item worth the draw.
    Single,
    /// `m` identical units, each worth the draw.
    Flat {
        /// Number of units.
        m: usize,
    },
    /// A marginal-value vector whose entries are `a_k + b_k · draw`
    /// (paper 004: A = (2, u, 0, …) is `[(2,0), (0,1), (0,0), …]`).
    Affine(Vec<(f64, f64)>),
    /// `m` units whose `k`-th marginal value is a formula in the draw `v`
    /// and the unit `k` (1-based), e.g. `v / k`.
    Formula(ShapeFormula),
}

/// A marginal-value formula \(f(v, k)\) for `m` units.
#[derive(Debug, Clone)]
pub struct ShapeFormula {
    /// The formula, in `v` and `k`.
    pub f: crate::formula::Formula,
    /// Number of units.
    pub m: usize,
}

impl PartialEq for ShapeFormula {
    fn eq(&self, other: &Self) -> bool {
        self.m == other.m && self.f.text() == other.f.text()
    }
}

impl ShapeFormula {
    /// Parses a formula in `v` and `k` for `m` units.
    ///
    /// # Errors
    /// A formula that does not parse or uses other variables; `m = 0`.
    pub fn new(expr: &str, m: usize) -> Result<Self, PriorError> {
        if m == 0 {
            return Err(PriorError::Invalid(
                "formula shape: m must be >= 1, got 0".into(),
            ));
        }
        let f = crate::formula::Formula::parse(expr, &["v", "k"])
            .map_err(|e| PriorError::Invalid(e.to_string()))?;
        Ok(ShapeFormula { f, m })
    }

    /// The marginal values at draw `v` (an evaluation error gives NaN).
    pub fn marginals(&self, v: f64) -> Vec<f64> {
        (1..=self.m)
            .map(|k| self.f.eval(&[v, k as f64]).unwrap_or(f64::NAN))
            .collect()
    }
}

/// A law over one bidder's valuation.
pub trait TypePrior: Debug + Send + Sync {
    /// A short name.
    fn name(&self) -> String;
    /// One draw.
    fn sample(&self, rng: &mut dyn Rng) -> Valuation;
    /// The finite support with probabilities, if the law is discrete
    /// (complete information is the one-point case).
    fn finite_support(&self) -> Option<Vec<(Valuation, f64)>>;
    /// The scalar law and shape behind this type, when there is one: lets
    /// beliefs be conditioned and expectations be computed by quadrature.
    fn scalar(&self) -> Option<(&dyn Prior, &ValueShape)> {
        None
    }
    /// The law conditioned on its scalar draw lying in \\(\[lo, hi\]\\), for
    /// scalar-driven laws (what a bidder learns of a rival from the
    /// auction); `None` when the law has no scalar behind it or the
    /// interval has no mass.
    fn conditioned(&self, _lo: f64, _hi: f64) -> Option<Arc<dyn TypePrior>> {
        None
    }
    /// \\(E\[g(\text{valuation})\]\\): exact for finite laws, quadrature for
    /// scalar-driven laws, else the caller must sample.
    fn expect(&self, g: &dyn Fn(&Valuation) -> f64) -> Option<f64> {
        self.finite_support()
            .map(|pts| pts.iter().map(|(v, p)| p * g(v)).sum())
    }
}

/// A law over the profile of all bidders' valuations.
pub trait ProfilePrior: Debug + Send + Sync {
    /// Number of bidders.
    fn n_bidders(&self) -> usize;
    /// One draw of the whole profile.
    fn sample(&self, rng: &mut dyn Rng) -> Vec<Valuation>;
    /// All profiles with their probabilities, if the law is finite.
    fn finite_support(&self) -> Option<Vec<(Vec<Valuation>, f64)>>;
    /// The marginal law of bidder `i`, when the profile is independent
    /// (used for beliefs); `None` for correlated laws.
    fn marginal(&self, _i: usize) -> Option<Arc<dyn TypePrior>> {
        None
    }
}

/// Shared handle to a scalar prior.
pub type SharedPrior = Arc<dyn Prior>;

/// Checks a probability lies in \[0, 1\].
///
/// # Errors
/// [`PriorError::InvalidParameter`] naming `param`.
pub fn check_probability(param: &'static str, p: f64) -> Result<f64, PriorError> {
    if !p.is_finite() || !(0.0..=1.0).contains(&p) {
        return Err(PriorError::InvalidParameter {
            param,
            rule: "must be a probability in [0, 1]",
            value: p,
        });
    }
    Ok(p)
}
