//! The input form of a reallocation market: serde structs with
//! `deny_unknown_fields` and one `check()` that turns them into a
//! [`ReallocationMarket`] or an error naming the field and the rule.
//!
//! ```
//! use aftermarket::reallocation::scenario::RawReallocationMarket;
//! let raw: RawReallocationMarket = toml::from_str(r#"
//! K = 1
//! qbar = [1.0]
//! [[bidders]]
//! name = "a"
//! theta = [4.0]
//! S = [[1.0]]
//! [[bidders]]
//! name = "b"
//! theta_hat = [5.0]
//! q0 = [1.0]
//! S = [[1.0]]
//! "#)?;
//! let m = raw.check()?;
//! assert_eq!(m.n_bidders(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::market::{Bidder, ReallocationMarket};
use super::valuation::Quadratic;

/// A scenario field broke a rule.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The field and the rule it broke.
    #[error("{field}: {rule}")]
    Invalid {
        /// Path of the field, e.g. `bidders[1].S`.
        field: String,
        /// The rule, e.g. `must be symmetric positive definite`.
        rule: String,
    },
}

fn bad(field: impl Into<String>, rule: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid {
        field: field.into(),
        rule: rule.into(),
    }
}

/// One bidder: quadratic valuation in reduced form (`theta`) or endowment
/// form (`theta_hat` with optional endowment `q0`, giving
/// \\(\theta = \hat\theta - Sq^0\\)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBidder {
    /// Display name (non-empty, unique).
    pub name: String,
    /// \\(\theta_i = \nabla u_i(0)\\).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theta: Option<Vec<f64>>,
    /// \\(\hat\theta_i\\) of \\(\hat u_i(x) = \hat\theta_i'x - \tfrac12x'S_ix\\).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theta_hat: Option<Vec<f64>>,
    /// \\(S_i\\), as a list of rows.
    #[serde(rename = "S", alias = "s")]
    pub s: Vec<Vec<f64>>,
    /// Endowment \\(q_i^0\\) (needs `theta_hat`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q0: Option<Vec<f64>>,
}

/// A reallocation market as written in a scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReallocationMarket {
    /// Number of goods \\(K\\).
    #[serde(rename = "K", alias = "k")]
    pub k: usize,
    /// The auctioneer's supply \\(\bar q\\) (any sign).
    pub qbar: Vec<f64>,
    /// The bidders.
    pub bidders: Vec<RawBidder>,
}

fn vector(field: &str, v: &[f64], k: usize) -> Result<DVector<f64>, ScenarioError> {
    if v.len() != k {
        return Err(bad(
            field,
            format!("must have K = {k} entries, got {}", v.len()),
        ));
    }
    if let Some((i, x)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
        return Err(bad(
            format!("{field}[{i}]"),
            format!("must be finite, got {x}"),
        ));
    }
    Ok(DVector::from_column_slice(v))
}

impl RawReallocationMarket {
    /// Parses TOML text.
    ///
    /// # Errors
    /// Syntax errors and unknown fields, reported with the field named by the parser.
    pub fn from_toml(text: &str) -> Result<Self, ScenarioError> {
        toml::from_str(text).map_err(|e| bad("scenario", e.to_string().trim().replace('\n', " ")))
    }

    /// Checks every rule and builds the market.
    ///
    /// # Errors
    /// The first field that breaks a rule: `K` ≥ 1; `qbar` of length `K`,
    /// finite; at least two bidders; names non-empty and unique; `S` a
    /// `K`×`K` symmetric positive definite matrix; exactly one of `theta`
    /// and `theta_hat`; `q0` only with `theta_hat`.
    pub fn check(&self) -> Result<ReallocationMarket, ScenarioError> {
        let k = self.k;
        if k == 0 {
            return Err(bad("K", "must be >= 1, got 0"));
        }
        let qbar = vector("qbar", &self.qbar, k)?;
        if self.bidders.len() < 2 {
            return Err(bad(
                "bidders",
                format!("must list at least 2 bidders, got {}", self.bidders.len()),
            ));
        }
        if self.bidders.len() > 64 {
            return Err(bad(
                "bidders",
                format!("must list at most 64 bidders, got {}", self.bidders.len()),
            ));
        }
        let mut names = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (i, b) in self.bidders.iter().enumerate() {
            let f = |x: &str| format!("bidders[{i}].{x}");
            if b.name.trim().is_empty() {
                return Err(bad(f("name"), "must not be empty"));
            }
            if !names.insert(b.name.clone()) {
                return Err(bad(
                    f("name"),
                    format!("must be unique, '{}' repeats", b.name),
                ));
            }
            if b.s.len() != k || b.s.iter().any(|r| r.len() != k) {
                return Err(bad(
                    f("S"),
                    format!("must be a {k}x{k} matrix (list of {k} rows of {k})"),
                ));
            }
            let s = DMatrix::from_fn(k, k, |r, c| b.s[r][c]);
            if let Some((r, c)) = (0..k)
                .flat_map(|r| (0..k).map(move |c| (r, c)))
                .find(|&(r, c)| !s[(r, c)].is_finite())
            {
                return Err(bad(
                    format!("{}[{r}][{c}]", f("S")),
                    format!("must be finite, got {}", s[(r, c)]),
                ));
            }
            let u = match (&b.theta, &b.theta_hat, &b.q0) {
                (Some(_), Some(_), _) => {
                    return Err(bad(f("theta"), "give either theta or theta_hat, not both"));
                }
                (None, None, _) => return Err(bad(f("theta"), "is required (or theta_hat)")),
                (Some(_), None, Some(_)) => {
                    return Err(bad(
                        f("q0"),
                        "needs theta_hat (theta is already the reduced form)",
                    ));
                }
                (Some(t), None, None) => Quadratic::new(vector(&f("theta"), t, k)?, s),
                (None, Some(t), q0) => {
                    let th = vector(&f("theta_hat"), t, k)?;
                    let q0 = match q0 {
                        Some(q) => vector(&f("q0"), q, k)?,
                        None => DVector::zeros(k),
                    };
                    Quadratic::from_endowment(th, s, &q0)
                }
            }
            .map_err(|e| {
                let msg = e.to_string();
                if msg.starts_with("S ") {
                    bad(f("S"), msg.trim_start_matches("S ").to_string())
                } else {
                    bad(format!("bidders[{i}]"), msg)
                }
            })?;
            out.push(Bidder::quadratic(b.name.clone(), u));
        }
        ReallocationMarket::new(qbar, out).map_err(|e| bad("market", e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawReallocationMarket {
        RawReallocationMarket {
            k: 1,
            qbar: vec![1.0],
            bidders: vec![
                RawBidder {
                    name: "a".into(),
                    theta: Some(vec![4.0]),
                    theta_hat: None,
                    s: vec![vec![1.0]],
                    q0: None,
                },
                RawBidder {
                    name: "b".into(),
                    theta: Some(vec![2.0]),
                    theta_hat: None,
                    s: vec![vec![1.0]],
                    q0: None,
                },
            ],
        }
    }

    #[test]
    fn s_must_be_positive_definite() {
        let mut r = raw();
        r.bidders[1].s = vec![vec![-1.0]];
        let e = r.check().expect_err("must fail");
        assert_eq!(
            e.to_string(),
            "bidders[1].S: must be symmetric positive definite"
        );
    }

    #[test]
    fn qbar_length_is_checked() {
        let mut r = raw();
        r.qbar = vec![1.0, 2.0];
        assert_eq!(
            r.check().expect_err("must fail").to_string(),
            "qbar: must have K = 1 entries, got 2"
        );
    }

    #[test]
    fn q0_needs_theta_hat() {
        let mut r = raw();
        r.bidders[0].q0 = Some(vec![1.0]);
        assert!(
            r.check()
                .expect_err("must fail")
                .to_string()
                .starts_with("bidders[0].q0: needs theta_hat")
        );
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let e = RawReallocationMarket::from_toml("K = 1\nqbar = [1.0]\nbidders = []\nextra = 1\n")
            .expect_err("must fail");
        assert!(e.to_string().contains("extra"));
    }

    #[test]
    fn duplicate_names_are_rejected() {
        let mut r = raw();
        r.bidders[1].name = "a".into();
        assert!(
            r.check()
                .expect_err("must fail")
                .to_string()
                .starts_with("bidders[1].name: must be unique")
        );
    }
}
