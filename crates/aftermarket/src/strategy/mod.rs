//! Strategies: what each bidder bids, as a function of its valuation.
//!
//! A [`Strategy`] maps a valuation to a [`Bid`] of the shape the mechanism
//! takes ([`BidForm`]). The scalar rules ([`BidFunction`]) are applied per
//! unit (marginal bids), to the bundle value, per item or per package, so a
//! rule such as "bid half your value", \\(b(v) = v/2\\), works unchanged in every
//! format. Bid functions are written as closed forms (linear), as formulas
//! in `v` (the value), `k` (the unit, 1-based) and `m` (the number of units
//! or items), or as tables interpolated linearly; tables are what the
//! equilibrium solver reads and writes ([`StrategyFile`]).

mod file;

pub use file::{STRATEGY_FILE_VERSION, StrategyEntry, StrategyFile};

use std::fmt::Debug;

use thiserror::Error;

use crate::formula::{Formula, FormulaError};
use crate::mechanism::Bid;
use crate::values::{ItemSet, Valuation};

/// Errors raised by strategies.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum StrategyError {
    /// A formula failed.
    #[error(transparent)]
    Formula(#[from] FormulaError),
    /// A table is malformed.
    #[error("bid table {0}")]
    Table(String),
    /// The valuation does not fit the bid form.
    #[error("a {valuation} valuation cannot bid in the form {form}")]
    Form {
        /// The valuation's kind.
        valuation: &'static str,
        /// The bid form.
        form: String,
    },
    /// The rule produced a negative or non-finite bid.
    #[error("strategy {strategy} bid {bid} for value {value}; bids must be finite and >= 0")]
    BadBid {
        /// The strategy.
        strategy: String,
        /// The value bid on.
        value: f64,
        /// The bid.
        bid: f64,
    },
    /// A strategy file could not be read or written.
    #[error("strategy file: {0}")]
    File(String),
}

/// The shape of bid a mechanism takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BidForm {
    /// One number for the one item.
    Single,
    /// Marginal bids for up to `m` identical units.
    Marginal {
        /// Number of units.
        m: usize,
    },
    /// One number for the bundle of all `m` units.
    Bundle {
        /// Number of units.
        m: usize,
    },
    /// One bid per unit market or per item.
    PerItem {
        /// Number of markets or items.
        n: usize,
    },
    /// A bid on every non-empty package of `n` items.
    Packages {
        /// Number of items.
        n: usize,
    },
}

impl std::fmt::Display for BidForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BidForm::Single => write!(f, "single"),
            BidForm::Marginal { m } => write!(f, "marginal[{m}]"),
            BidForm::Bundle { m } => write!(f, "bundle[{m}]"),
            BidForm::PerItem { n } => write!(f, "per-item[{n}]"),
            BidForm::Packages { n } => write!(f, "packages[{n}]"),
        }
    }
}

/// A bidding strategy.
pub trait Strategy: Debug + Send + Sync {
    /// A short description, e.g. `linear 0.5·v`.
    fn name(&self) -> String;
    /// The bid of a bidder with valuation `v`.
    ///
    /// # Errors
    /// A valuation that does not fit `form`, or a rule that gives a
    /// negative or non-finite bid.
    fn bid(&self, v: &Valuation, form: BidForm) -> Result<Bid, StrategyError>;
    /// For a strictly increasing scalar rule, the value that bids `b`
    /// (used to form beliefs when bids are disclosed).
    fn inverse(&self, _b: f64) -> Option<f64> {
        None
    }
    /// True if the bid does not depend on the valuation.
    fn is_type_independent(&self) -> bool {
        false
    }
}

/// A scalar bid rule \\(b(v, k, m)\\).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum BidFunction {
    /// \\(b = \text{slope} \cdot v + \text{intercept}\\), floored at 0.
    Linear {
        /// Slope.
        slope: f64,
        /// Intercept.
        intercept: f64,
    },
    /// A formula in `v`, `k`, `m`.
    Formula(Formula),
    /// Linear interpolation through (type, bid) points, constant beyond the
    /// ends.
    Table {
        /// Increasing types.
        types: Vec<f64>,
        /// Bids at those types.
        bids: Vec<f64>,
    },
}

impl BidFunction {
    /// Parses a formula in `v`, `k`, `m`.
    ///
    /// # Errors
    /// As [`Formula::parse`].
    pub fn formula(expr: &str) -> Result<Self, StrategyError> {
        Ok(BidFunction::Formula(Formula::parse(
            expr,
            &["v", "k", "m"],
        )?))
    }

    /// A checked table.
    ///
    /// # Errors
    /// Lengths differ, fewer than one point, types not increasing, or a
    /// bid negative or not finite.
    pub fn table(types: Vec<f64>, bids: Vec<f64>) -> Result<Self, StrategyError> {
        if types.is_empty() || types.len() != bids.len() {
            return Err(StrategyError::Table(format!(
                "needs as many bids as types (at least one), got {} types and {} bids",
                types.len(),
                bids.len()
            )));
        }
        if let Some(k) = types
            .windows(2)
            .position(|w| w[1].partial_cmp(&w[0]) != Some(std::cmp::Ordering::Greater))
        {
            return Err(StrategyError::Table(format!(
                "types must be strictly increasing, but type {} is {} after {}",
                k + 2,
                types[k + 1],
                types[k]
            )));
        }
        if let Some(b) = bids.iter().chain(&types).find(|b| !b.is_finite()) {
            return Err(StrategyError::Table(format!(
                "entries must be finite, got {b}"
            )));
        }
        if let Some(b) = bids.iter().find(|b| **b < 0.0) {
            return Err(StrategyError::Table(format!("bids must be >= 0, got {b}")));
        }
        Ok(BidFunction::Table { types, bids })
    }

    /// Evaluates the rule.
    ///
    /// # Errors
    /// A failing formula.
    pub fn eval(&self, v: f64, k: usize, m: usize) -> Result<f64, StrategyError> {
        Ok(match self {
            BidFunction::Linear { slope, intercept } => (slope * v + intercept).max(0.0),
            BidFunction::Formula(f) => f.eval(&[v, k as f64, m as f64])?,
            BidFunction::Table { types, bids } => interpolate(types, bids, v),
        })
    }

    /// A short description.
    pub fn describe(&self) -> String {
        match self {
            BidFunction::Linear { slope, intercept } => {
                if intercept.abs() < 1e-15 {
                    format!("{slope}·v")
                } else {
                    format!("{slope}·v + {intercept}")
                }
            }
            BidFunction::Formula(f) => f.text().to_string(),
            BidFunction::Table { types, .. } => format!("table of {} points", types.len()),
        }
    }

    fn inverse(&self, b: f64) -> Option<f64> {
        match self {
            BidFunction::Linear { slope, intercept } if *slope > 0.0 => {
                Some((b - intercept) / slope)
            }
            BidFunction::Table { types, bids } if bids.windows(2).all(|w| w[1] > w[0]) => {
                Some(interpolate(bids, types, b))
            }
            _ => None,
        }
    }
}

/// Piecewise-linear interpolation, constant beyond the ends; `xs`
/// increasing and non-empty.
pub fn interpolate(xs: &[f64], ys: &[f64], x: f64) -> f64 {
    let n = xs.len().min(ys.len());
    if n == 0 {
        return 0.0;
    }
    if x <= xs[0] {
        return ys[0];
    }
    if x >= xs[n - 1] {
        return ys[n - 1];
    }
    let j = xs[..n].partition_point(|&t| t <= x);
    let (x0, x1, y0, y1) = (xs[j - 1], xs[j], ys[j - 1], ys[j]);
    y0 + (y1 - y0) * (x - x0) / (x1 - x0)
}

/// Bid each value through `f`, in the shape `form` asks for.
///
/// # Errors
/// As [`Strategy::bid`].
pub fn bid_through(
    name: &str,
    v: &Valuation,
    form: BidForm,
    f: &dyn Fn(f64, usize, usize) -> Result<f64, StrategyError>,
) -> Result<Bid, StrategyError> {
    let checked = |value: f64, k: usize, m: usize| -> Result<f64, StrategyError> {
        let b = f(value, k, m)?;
        if !b.is_finite() || b < 0.0 {
            return Err(StrategyError::BadBid {
                strategy: name.to_string(),
                value,
                bid: b,
            });
        }
        Ok(b)
    };
    let mismatch = |valuation: &'static str| StrategyError::Form {
        valuation,
        form: form.to_string(),
    };
    match (v, form) {
        (Valuation::Units(mv), BidForm::Single) => Ok(Bid::Single(checked(mv.marginal(1), 1, 1)?)),
        (Valuation::Units(mv), BidForm::Marginal { m }) => Ok(Bid::Marginal(
            (1..=m)
                .map(|k| checked(mv.marginal(k), k, m))
                .collect::<Result<_, _>>()?,
        )),
        (Valuation::Units(mv), BidForm::Bundle { m }) => {
            Ok(Bid::Single(checked(mv.total(m), m, m)?))
        }
        (Valuation::Units(mv), BidForm::PerItem { n }) => Ok(Bid::PerItem(
            (1..=n)
                .map(|k| checked(mv.marginal(k), k, n))
                .collect::<Result<_, _>>()?,
        )),
        (Valuation::Packages(pv), BidForm::PerItem { n }) if pv.n_items() == n => Ok(Bid::PerItem(
            (0..n)
                .map(|i| checked(pv.value(ItemSet::singleton(i)).unwrap_or(0.0), i + 1, n))
                .collect::<Result<_, _>>()?,
        )),
        (Valuation::Packages(pv), BidForm::Packages { n }) if pv.n_items() == n => {
            let mut out = Vec::new();
            for s in ItemSet::full(n).subsets().skip(1) {
                let value = pv.value(s).unwrap_or(0.0);
                out.push((s, checked(value, s.len(), n)?));
            }
            Ok(Bid::Packages(out))
        }
        (Valuation::Units(_), _) => Err(mismatch("unit")),
        (Valuation::Packages(_), _) => Err(mismatch("package")),
    }
}

/// Bid one's value: \\(b(v) = v\\) in every form.
#[derive(Debug, Clone, Copy, Default)]
pub struct Truthful;

impl Strategy for Truthful {
    fn name(&self) -> String {
        "truthful".into()
    }
    fn bid(&self, v: &Valuation, form: BidForm) -> Result<Bid, StrategyError> {
        bid_through("truthful", v, form, &|x, _, _| Ok(x))
    }
    fn inverse(&self, b: f64) -> Option<f64> {
        Some(b)
    }
}

/// The same bid whatever the valuation (complete-information profiles).
#[derive(Debug, Clone)]
pub struct Fixed(pub Bid);

impl Strategy for Fixed {
    fn name(&self) -> String {
        format!("fixed {}", self.0.describe())
    }
    fn bid(&self, _v: &Valuation, _form: BidForm) -> Result<Bid, StrategyError> {
        Ok(self.0.clone())
    }
    fn is_type_independent(&self) -> bool {
        true
    }
}

/// A scalar rule applied per unit, to the bundle, per item or per package.
///
/// ```
/// use aftermarket::strategy::{BidForm, BidFunction, Scalar, Strategy};
/// use aftermarket::values::Valuation;
/// use aftermarket::mechanism::Bid;
/// // First-price with three i.i.d. uniform bidders: b(v) = 2v/3.
/// let s = Scalar::new(BidFunction::formula("v * (3 - 1) / 3")?);
/// let b = s.bid(&Valuation::single(0.9)?, BidForm::Single)?;
/// assert!(matches!(b, Bid::Single(x) if (x - 0.6).abs() < 1e-12));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Scalar {
    f: BidFunction,
    // Described once: bids are made in the Monte Carlo hot path.
    name: String,
}

impl Scalar {
    /// Wraps a rule.
    pub fn new(f: BidFunction) -> Self {
        let name = f.describe();
        Scalar { f, name }
    }

    /// The rule.
    pub fn function(&self) -> &BidFunction {
        &self.f
    }
}

impl Strategy for Scalar {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn bid(&self, v: &Valuation, form: BidForm) -> Result<Bid, StrategyError> {
        bid_through(&self.name, v, form, &|x, k, m| self.f.eval(x, k, m))
    }
    fn inverse(&self, b: f64) -> Option<f64> {
        self.f.inverse(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marginal_bids_apply_the_rule_per_unit() {
        let s = Scalar::new(BidFunction::Linear {
            slope: 0.5,
            intercept: 0.0,
        });
        let v = Valuation::units(vec![10.0, 6.0]).expect("ok");
        assert_eq!(
            s.bid(&v, BidForm::Marginal { m: 3 }).expect("ok"),
            Bid::Marginal(vec![5.0, 3.0, 0.0])
        );
        assert_eq!(
            s.bid(&v, BidForm::Bundle { m: 2 }).expect("ok"),
            Bid::Single(8.0)
        );
    }

    #[test]
    fn negative_formula_bid_is_rejected_with_the_value() {
        let s = Scalar::new(BidFunction::formula("v - 1").expect("parses"));
        let err = s
            .bid(&Valuation::single(0.5).expect("ok"), BidForm::Single)
            .expect_err("negative");
        assert_eq!(
            err.to_string(),
            "strategy v - 1 bid -0.5 for value 0.5; bids must be finite and >= 0"
        );
    }

    #[test]
    fn table_interpolates_and_inverts() {
        let f = BidFunction::table(vec![0.0, 1.0], vec![0.0, 0.5]).expect("ok");
        assert!((f.eval(0.4, 1, 1).expect("ok") - 0.2).abs() < 1e-12);
        let s = Scalar::new(f);
        assert!((s.inverse(0.25).expect("invertible") - 0.5).abs() < 1e-12);
    }

    #[test]
    fn table_types_must_increase() {
        let err = BidFunction::table(vec![0.0, 0.0], vec![0.0, 1.0]).expect_err("flat");
        assert!(err.to_string().contains("strictly increasing"));
    }

    #[test]
    fn package_bids_cover_every_package() {
        let v =
            Valuation::Packages(crate::values::PackageValues::additive(&[1.0, 2.0]).expect("ok"));
        match Truthful.bid(&v, BidForm::Packages { n: 2 }).expect("ok") {
            Bid::Packages(p) => {
                assert_eq!(p.len(), 3);
                assert!((p[2].1 - 3.0).abs() < 1e-12);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
