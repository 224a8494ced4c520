//! Goods and values: what is traded and what it is worth.
//!
//! A market sells either `m` identical units (a single item is the case
//! `m = 1`) or a set of distinct items. A bidder's [`Valuation`] says what
//! every [`Holding`] is worth to it:
//!
//! - for identical units, a vector of non-increasing marginal values
//!   \\(v^1 \ge v^2 \ge \dots \ge v^m \ge 0\\), so that holding \\(k\\) units is worth
//!   \\(u(k) = \sum_{j \le k} v^j\\) (papers 000, 001 and 004);
//! - for distinct items, a set function \\(v(S)\\) on every package \\(S\\) of
//!   items with \\(v(\emptyset) = 0\\) (the package auctions of papers 002 and 003).
//!
//! Validation lives here, once: [`MarginalValues::new`] and
//! [`PackageValues::new`] are the only ways to build the two forms and they
//! reject negative, non-finite or non-monotone input with a message naming
//! the rule.

mod items;
mod marginal;
mod packages;

pub use items::ItemSet;
pub use marginal::MarginalValues;
pub use packages::PackageValues;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Errors raised while building or using values.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ValuesError {
    /// A value was NaN or infinite.
    #[error("{what} must be finite, got {value}")]
    NotFinite {
        /// Which number.
        what: String,
        /// The offending value.
        value: f64,
    },
    /// A value was negative.
    #[error("{what} must be >= 0, got {value}")]
    Negative {
        /// Which number.
        what: String,
        /// The offending value.
        value: f64,
    },
    /// Marginal values increased.
    #[error("marginal values must be non-increasing, but unit {unit} is worth {next} after {prev}")]
    NotMonotone {
        /// 1-based index of the unit whose value rose.
        unit: usize,
        /// The previous marginal value.
        prev: f64,
        /// The larger marginal value that follows.
        next: f64,
    },
    /// The empty package had a non-zero value.
    #[error("the empty package must be worth 0, got {0}")]
    EmptyPackageValue(f64),
    /// Too many or too few items.
    #[error("a package valuation needs between 1 and {max} items, got {got}")]
    ItemCount {
        /// The largest supported number of items.
        max: usize,
        /// The number requested.
        got: usize,
    },
    /// A holding of the wrong kind for this valuation.
    #[error("a {valuation} valuation cannot value a holding of {holding}")]
    KindMismatch {
        /// The valuation's kind.
        valuation: &'static str,
        /// The holding's kind.
        holding: String,
    },
    /// An item index outside the goods.
    #[error("item {item} does not exist: there are {n_items} items")]
    NoSuchItem {
        /// The index asked for.
        item: usize,
        /// How many items there are.
        n_items: usize,
    },
}

/// What is for sale in the primary auction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Supply {
    /// `m` identical units (`m = 1` is a single item).
    Units {
        /// Number of units.
        m: usize,
    },
    /// Distinct items, valued as packages.
    Items {
        /// Number of items.
        n: usize,
    },
}

impl Supply {
    /// A holding of nothing of this supply.
    pub fn empty(&self) -> Holding {
        match self {
            Supply::Units { .. } => Holding::Units(0),
            Supply::Items { .. } => Holding::Items(ItemSet::EMPTY),
        }
    }

    /// A holding of everything for sale.
    pub fn everything(&self) -> Holding {
        match *self {
            Supply::Units { m } => Holding::Units(m),
            Supply::Items { n } => Holding::Items(ItemSet::full(n)),
        }
    }

    /// Number of units, or of items.
    pub fn size(&self) -> usize {
        match *self {
            Supply::Units { m } => m,
            Supply::Items { n } => n,
        }
    }
}

/// What one agent holds: a number of identical units or a set of items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Holding {
    /// A number of identical units.
    Units(usize),
    /// A set of distinct items.
    Items(ItemSet),
}

impl Holding {
    /// How many units or items this holding contains.
    pub fn count(&self) -> usize {
        match self {
            Holding::Units(k) => *k,
            Holding::Items(s) => s.len(),
        }
    }

    /// True if the holding is empty.
    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// Units or items present in `self` but not in `other`, counted.
    ///
    /// For units this is `max(self - other, 0)`; for items the number of
    /// items of `self` missing from `other`.
    pub fn excess_over(&self, other: &Holding) -> usize {
        match (self, other) {
            (Holding::Units(a), Holding::Units(b)) => a.saturating_sub(*b),
            (Holding::Items(a), Holding::Items(b)) => a.difference(*b).len(),
            _ => self.count(),
        }
    }
}

impl std::fmt::Display for Holding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Holding::Units(k) => write!(f, "{k}"),
            Holding::Items(s) => write!(f, "{s}"),
        }
    }
}

/// A bidder's value for every holding.
///
/// Built only through checked constructors, so a `Valuation` is always
/// valid: finite, non-negative, monotone where the model requires it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Valuation {
    /// Non-increasing marginal values for identical units.
    Units(MarginalValues),
    /// A set function over packages of distinct items.
    Packages(PackageValues),
}

impl Valuation {
    /// A single-item value `v` (one unit).
    ///
    /// # Errors
    /// If `v` is negative or not finite.
    pub fn single(v: f64) -> Result<Self, ValuesError> {
        Ok(Valuation::Units(MarginalValues::new(vec![v])?))
    }

    /// Marginal values for identical units.
    ///
    /// # Errors
    /// As [`MarginalValues::new`].
    pub fn units(marginals: Vec<f64>) -> Result<Self, ValuesError> {
        Ok(Valuation::Units(MarginalValues::new(marginals)?))
    }

    /// The value of holding `h`.
    ///
    /// Units beyond the length of a marginal-value vector are worth 0.
    ///
    /// # Errors
    /// If the holding is of the other kind (units for a package valuation
    /// or items for a unit valuation).
    pub fn value(&self, h: &Holding) -> Result<f64, ValuesError> {
        match (self, h) {
            (Valuation::Units(mv), Holding::Units(k)) => Ok(mv.total(*k)),
            (Valuation::Packages(pv), Holding::Items(s)) => pv.value(*s),
            (Valuation::Units(_), Holding::Items(s)) => Err(ValuesError::KindMismatch {
                valuation: "unit",
                holding: format!("items {s}"),
            }),
            (Valuation::Packages(_), Holding::Units(k)) => Err(ValuesError::KindMismatch {
                valuation: "package",
                holding: format!("{k} units"),
            }),
        }
    }

    /// The first marginal value (units) or the value of the most valuable
    /// single item (packages): the number a one-dimensional analysis uses.
    pub fn headline(&self) -> f64 {
        match self {
            Valuation::Units(mv) => mv.marginal(1),
            Valuation::Packages(pv) => (0..pv.n_items())
                .map(|i| pv.value(ItemSet::singleton(i)).unwrap_or(0.0))
                .fold(0.0, f64::max),
        }
    }

    /// The marginal values, if this is a unit valuation.
    pub fn as_units(&self) -> Option<&MarginalValues> {
        match self {
            Valuation::Units(mv) => Some(mv),
            Valuation::Packages(_) => None,
        }
    }

    /// The package values, if this is a package valuation.
    pub fn as_packages(&self) -> Option<&PackageValues> {
        match self {
            Valuation::Packages(pv) => Some(pv),
            Valuation::Units(_) => None,
        }
    }

    /// Whether this valuation can value holdings of `supply`.
    pub fn fits(&self, supply: &Supply) -> bool {
        match (self, supply) {
            (Valuation::Units(_), Supply::Units { .. }) => true,
            (Valuation::Packages(pv), Supply::Items { n }) => pv.n_items() == *n,
            _ => false,
        }
    }
}

/// Checks that `value` is finite and non-negative, naming it `what`.
///
/// # Errors
/// [`ValuesError::NotFinite`] or [`ValuesError::Negative`].
pub fn check_non_negative(what: &str, value: f64) -> Result<f64, ValuesError> {
    if !value.is_finite() {
        return Err(ValuesError::NotFinite {
            what: what.to_string(),
            value,
        });
    }
    if value < 0.0 {
        return Err(ValuesError::Negative {
            what: what.to_string(),
            value,
        });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_valuation_sums_marginals_and_caps_at_length() {
        let v = Valuation::units(vec![10.0, 6.0]).expect("valid");
        assert!((v.value(&Holding::Units(0)).expect("ok")).abs() < 1e-12);
        assert!((v.value(&Holding::Units(1)).expect("ok") - 10.0).abs() < 1e-12);
        assert!((v.value(&Holding::Units(2)).expect("ok") - 16.0).abs() < 1e-12);
        assert!((v.value(&Holding::Units(5)).expect("ok") - 16.0).abs() < 1e-12);
    }

    #[test]
    fn kind_mismatch_is_an_error_not_a_panic() {
        let v = Valuation::single(1.0).expect("valid");
        let err = v
            .value(&Holding::Items(ItemSet::singleton(0)))
            .expect_err("mismatch");
        assert!(err.to_string().contains("cannot value"));
    }

    #[test]
    fn negative_single_value_is_rejected() {
        let err = Valuation::single(-1.0).expect_err("negative");
        assert_eq!(err.to_string(), "marginal value 1 must be >= 0, got -1");
    }

    #[test]
    fn excess_counts_what_left() {
        assert_eq!(Holding::Units(3).excess_over(&Holding::Units(1)), 2);
        assert_eq!(Holding::Units(1).excess_over(&Holding::Units(3)), 0);
        let a = Holding::Items(ItemSet::from_indices(&[0, 1]));
        let b = Holding::Items(ItemSet::from_indices(&[1, 2]));
        assert_eq!(a.excess_over(&b), 1);
    }

    #[test]
    fn valuations_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Valuation>();
        check::<Holding>();
    }
}
