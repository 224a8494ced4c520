//! Scenario files: a market written down in TOML.
//!
//! Two stages, as in ripgrep's flags: [`raw`] is the file as written
//! (serde, `deny_unknown_fields`), and [`Scenario::from_toml`] turns it into
//! a checked [`Market`] through the library's own constructors, so a file
//! and a program build markets the same way. Every error names the file,
//! the field and the rule, e.g.
//! `examples.toml: bidders[1].values: marginal values must be non-increasing, …`.
//!
//! The format is documented with worked examples in `docs/scenarios.md`.

mod build;
pub mod builtin;
pub mod raw;
mod wiring;

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::market::{Market, McConfig};

/// How to evaluate the strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Exact when the prior is finite, else Monte Carlo.
    Auto,
    /// Exact enumeration.
    Exact,
    /// Monte Carlo.
    MonteCarlo,
}

/// A bad scenario: which file, which field, which rule.
#[derive(Debug, Error, Clone, PartialEq)]
#[error("{origin}: {field}: {message}")]
pub struct ScenarioError {
    /// The file (or `<string>`).
    pub origin: String,
    /// The field, as a path such as `bidders[1].values`.
    pub field: String,
    /// The rule broken.
    pub message: String,
}

/// A checked scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file it came from.
    pub origin: String,
    /// The file as written.
    pub raw: raw::RawScenario,
    /// The market.
    pub market: Market,
    /// How to evaluate it.
    pub method: Method,
    /// Monte Carlo settings.
    pub mc: McConfig,
}

impl Scenario {
    /// Reads and checks a scenario file.
    ///
    /// # Errors
    /// The file cannot be read, does not parse, or breaks a rule.
    pub fn from_path(path: &Path) -> Result<Self, ScenarioError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
            origin: origin.clone(),
            field: "(file)".into(),
            message: format!("cannot read: {e}"),
        })?;
        let dir = path.parent().map(Path::to_path_buf);
        Self::from_toml(&text, &origin, dir)
    }

    /// Parses and checks scenario text; `origin` names it in errors and
    /// `dir` resolves relative paths inside it.
    ///
    /// # Errors
    /// The text does not parse or breaks a rule.
    pub fn from_toml(
        text: &str,
        origin: &str,
        dir: Option<PathBuf>,
    ) -> Result<Self, ScenarioError> {
        let raw: raw::RawScenario = toml::from_str(text).map_err(|e| {
            let span = e.span().map(|s| line_of(text, s.start));
            ScenarioError {
                origin: origin.to_string(),
                field: span.map_or_else(|| "(toml)".to_string(), |l| format!("line {l}")),
                message: e.message().to_string(),
            }
        })?;
        build::build(raw, origin, dir)
    }
}

/// Builds a scalar law written as `raw` (the `kind = "uniform"`, … tables
/// of scenario files), naming `origin` and `field` in errors; relative
/// paths resolve against `dir`.
///
/// # Errors
/// A law that breaks a rule of its constructor.
pub fn scalar_law(
    raw: &raw::RawPrior,
    origin: &str,
    field: &str,
    dir: Option<PathBuf>,
) -> Result<std::sync::Arc<dyn crate::prior::Prior>, ScenarioError> {
    let ctx = build::Ctx {
        origin: origin.to_string(),
        dir,
        names: Vec::new(),
        supply: crate::values::Supply::Units { m: 1 },
        item_names: Vec::new(),
    };
    build::scalar_prior(&ctx, field, raw)
}

/// The line of a byte offset, for parse errors.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests;
