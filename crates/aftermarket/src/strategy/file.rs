//! The strategy-table file: how solved and user-given strategies are
//! stored.
//!
//! A JSON object, versioned so that later releases can read older files:
//!
//! ```json
//! { "format": "aftermarket-strategies", "version": 1,
//!   "strategies": [
//!     { "bidder": "A", "kind": "table", "types": [0.0, 1.0], "bids": [0.0, 0.5] },
//!     { "bidder": "B", "kind": "formula", "expr": "v / 2" },
//!     { "bidder": "C", "kind": "fixed", "bid": [1.0, 1.0, 0.0] },
//!     { "bidder": "D", "kind": "truthful" } ] }
//! ```
//!
//! A `table` or `formula` is applied per unit, to the bundle, per item or
//! per package as the mechanism requires; a `fixed` bid is a list of
//! marginal bids (one entry for a single number).

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{BidFunction, Fixed, Scalar, Strategy, StrategyError, Truthful};
use crate::mechanism::Bid;

/// The current version of the file format.
pub const STRATEGY_FILE_VERSION: u32 = 1;

/// One bidder's strategy in a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum StrategyEntry {
    /// Bid one's value.
    Truthful {
        /// The bidder's name.
        bidder: String,
    },
    /// A fixed bid vector.
    Fixed {
        /// The bidder's name.
        bidder: String,
        /// Marginal bids (one entry: a single number).
        bid: Vec<f64>,
    },
    /// \\(b = \text{slope}\cdot v + \text{intercept}\\).
    Linear {
        /// The bidder's name.
        bidder: String,
        /// Slope.
        slope: f64,
        /// Intercept.
        #[serde(default)]
        intercept: f64,
    },
    /// A formula in `v`, `k`, `m`.
    Formula {
        /// The bidder's name.
        bidder: String,
        /// The formula.
        expr: String,
    },
    /// A table of (type, bid) points, interpolated linearly.
    Table {
        /// The bidder's name.
        bidder: String,
        /// Increasing types.
        types: Vec<f64>,
        /// Bids.
        bids: Vec<f64>,
    },
}

impl StrategyEntry {
    /// The bidder this entry is for.
    pub fn bidder(&self) -> &str {
        match self {
            StrategyEntry::Truthful { bidder }
            | StrategyEntry::Fixed { bidder, .. }
            | StrategyEntry::Linear { bidder, .. }
            | StrategyEntry::Formula { bidder, .. }
            | StrategyEntry::Table { bidder, .. } => bidder,
        }
    }

    /// Builds the strategy.
    ///
    /// # Errors
    /// A bad formula or table, or a negative fixed bid.
    pub fn build(&self) -> Result<Arc<dyn Strategy>, StrategyError> {
        Ok(match self {
            StrategyEntry::Truthful { .. } => Arc::new(Truthful),
            StrategyEntry::Fixed { bid, .. } => {
                if let Some(b) = bid.iter().find(|b| !b.is_finite() || **b < 0.0) {
                    return Err(StrategyError::Table(format!(
                        "fixed bids must be finite and >= 0, got {b}"
                    )));
                }
                if bid.is_empty() {
                    return Err(StrategyError::Table(
                        "fixed bid must have at least one entry".into(),
                    ));
                }
                Arc::new(Fixed(if bid.len() == 1 {
                    Bid::Single(bid[0])
                } else {
                    Bid::Marginal(bid.clone())
                }))
            }
            StrategyEntry::Linear {
                slope, intercept, ..
            } => {
                if !slope.is_finite() || !intercept.is_finite() {
                    return Err(StrategyError::Table(format!(
                        "linear slope and intercept must be finite, got {slope} and {intercept}"
                    )));
                }
                Arc::new(Scalar::new(BidFunction::Linear {
                    slope: *slope,
                    intercept: *intercept,
                }))
            }
            StrategyEntry::Formula { expr, .. } => {
                Arc::new(Scalar::new(BidFunction::formula(expr)?))
            }
            StrategyEntry::Table { types, bids, .. } => Arc::new(Scalar::new(BidFunction::table(
                types.clone(),
                bids.clone(),
            )?)),
        })
    }
}

/// A file of strategies, one entry per bidder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyFile {
    /// Always `aftermarket-strategies`.
    pub format: String,
    /// The format version.
    pub version: u32,
    /// The entries.
    pub strategies: Vec<StrategyEntry>,
}

impl StrategyFile {
    /// A file holding `entries`.
    pub fn new(strategies: Vec<StrategyEntry>) -> Self {
        StrategyFile {
            format: "aftermarket-strategies".into(),
            version: STRATEGY_FILE_VERSION,
            strategies,
        }
    }

    /// Parses and checks a file's text.
    ///
    /// # Errors
    /// Bad JSON, another format, a newer version, or a bad entry.
    pub fn from_json(text: &str) -> Result<Self, StrategyError> {
        let f: StrategyFile =
            serde_json::from_str(text).map_err(|e| StrategyError::File(e.to_string()))?;
        if f.format != "aftermarket-strategies" {
            return Err(StrategyError::File(format!(
                "format must be \"aftermarket-strategies\", got {:?}",
                f.format
            )));
        }
        if f.version > STRATEGY_FILE_VERSION {
            return Err(StrategyError::File(format!(
                "version {} is newer than this program reads ({STRATEGY_FILE_VERSION})",
                f.version
            )));
        }
        for e in &f.strategies {
            e.build()?;
        }
        Ok(f)
    }

    /// Reads a file.
    ///
    /// # Errors
    /// As [`Self::from_json`], or the file cannot be read.
    pub fn read(path: &Path) -> Result<Self, StrategyError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| StrategyError::File(format!("{}: {e}", path.display())))?;
        Self::from_json(&text).map_err(|e| StrategyError::File(format!("{}: {e}", path.display())))
    }

    /// The JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The entry for `bidder`.
    pub fn entry(&self, bidder: &str) -> Option<&StrategyEntry> {
        self.strategies.iter().find(|e| e.bidder() == bidder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let f = StrategyFile::new(vec![
            StrategyEntry::Table {
                bidder: "A".into(),
                types: vec![0.0, 1.0],
                bids: vec![0.0, 0.5],
            },
            StrategyEntry::Formula {
                bidder: "B".into(),
                expr: "v/2".into(),
            },
        ]);
        let back = StrategyFile::from_json(&f.to_json()).expect("round trip");
        assert_eq!(back, f);
    }

    #[test]
    fn newer_version_is_refused() {
        let text = r#"{"format":"aftermarket-strategies","version":9,"strategies":[]}"#;
        let err = StrategyFile::from_json(text).expect_err("newer");
        assert!(err.to_string().contains("version 9 is newer"));
    }

    #[test]
    fn unknown_field_is_refused() {
        let text = r#"{"format":"aftermarket-strategies","version":1,"strategies":[{"kind":"truthful","bidder":"A","x":1}]}"#;
        assert!(StrategyFile::from_json(text).is_err());
    }
}
