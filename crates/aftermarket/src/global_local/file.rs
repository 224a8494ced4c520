//! Global-local files: the model and the regimes to compare, in TOML.
//!
//! ```toml
//! name = "three licences, one national bidder"
//! n = 3
//! locals = "independent"          # or "symmetric" (default)
//! [values]
//! kind = "power"                  # v^n(s) = n^(1+beta) s
//! beta = 0.25                     # or kind = "linear", alpha = [1, …];
//!                                 # or kind = "formula", expr = "n^1.5 * s"
//! [signals]                       # the law F, as in scenario files
//! kind = "uniform"
//! lo = 0
//! hi = 1
//! [run]
//! method = "monte-carlo"          # "auto" (default), "quadrature"
//! episodes = 20000
//! seed = 7
//! regimes = ["minimum-revenue", "vcg-truthful+resale"]
//! ```
//!
//! Optional: `[global-signal]` (the global's law, default `[signals]`),
//! `normalisation = "bottom-of-support" | "lower-bound"`,
//! `indifference = "accept" | "reject"`. A regime is a profile name
//! (`proposition-1`, `example-1`, `example-1-constant-reading`,
//! `half-signal`, `minimum-revenue`, `vcg-truthful`,
//! `independent-best-response`) with `+resale` for the resale stage.
//! Unknown fields are errors naming the field.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::equilibria::Profile;
use super::revenue::{Expectations, Regime, by_monte_carlo, by_quadrature};
use super::{GlobalLocal, GlobalLocalParams, Locals, Normalisation, ValueFunction};
use crate::market::McConfig;
use crate::resale::Indifference;
use crate::scenario::raw::RawPrior;
use crate::scenario::{ScenarioError, line_of, scalar_law};

/// The file as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawGlobalLocal {
    /// A name for reports.
    #[serde(default)]
    pub name: String,
    /// Number of objects.
    pub n: usize,
    /// Symmetric or independent locals.
    #[serde(default)]
    pub locals: Locals,
    /// The reading of the normalisation.
    #[serde(default)]
    pub normalisation: Normalisation,
    /// Acceptance at indifference.
    #[serde(default)]
    pub indifference: Indifference,
    /// The global's value function.
    pub values: RawValues,
    /// The law of the signals.
    pub signals: RawPrior,
    /// The law of the global's signal, if different.
    #[serde(default)]
    pub global_signal: Option<RawPrior>,
    /// How to evaluate.
    #[serde(default)]
    pub run: RawRun,
}

/// The value function as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", tag = "kind")]
pub enum RawValues {
    /// \\(v^n(s) = \alpha_n s\\).
    Linear {
        /// \\(\alpha_1 = 1, \alpha_2, …, \alpha_N\\).
        alpha: Vec<f64>,
    },
    /// \\(v^n(s) = n^{1+\beta} s\\).
    Power {
        /// \\(\beta > 0\\).
        beta: f64,
    },
    /// A formula in `s` and `n`.
    Formula {
        /// The formula.
        expr: String,
    },
}

/// How to evaluate, as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRun {
    /// `auto`, `quadrature` or `monte-carlo`.
    #[serde(default = "auto")]
    pub method: String,
    /// Monte Carlo episodes.
    #[serde(default = "episodes")]
    pub episodes: usize,
    /// Monte Carlo seed.
    #[serde(default = "seed")]
    pub seed: u64,
    /// The regimes; default: those the paper studies for these locals.
    #[serde(default)]
    pub regimes: Vec<String>,
}

fn auto() -> String {
    "auto".into()
}
fn episodes() -> usize {
    100_000
}
fn seed() -> u64 {
    1
}

impl Default for RawRun {
    fn default() -> Self {
        RawRun {
            method: auto(),
            episodes: episodes(),
            seed: seed(),
            regimes: Vec::new(),
        }
    }
}

/// How expectations are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Numerical integration.
    Quadrature,
    /// Monte Carlo.
    MonteCarlo,
}

/// A checked global-local file.
#[derive(Debug, Clone)]
pub struct GlobalLocalFile {
    /// The name.
    pub name: String,
    /// The model.
    pub model: Arc<GlobalLocal>,
    /// The regimes.
    pub regimes: Vec<Regime>,
    /// The method.
    pub method: Method,
    /// Monte Carlo settings.
    pub mc: McConfig,
}

/// One row of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct RegimeRow {
    /// The regime, e.g. `example-1 + resale`.
    pub regime: String,
    /// The method used.
    pub method: Method,
    /// The expectations.
    pub mean: Expectations,
    /// Standard errors (Monte Carlo only).
    pub std_error: Option<Expectations>,
}

/// The profile called `name`.
///
/// # Errors
/// An unknown name (the message lists the known ones).
pub fn named_profile(model: &GlobalLocal, name: &str) -> Result<Profile, String> {
    Ok(match name {
        "proposition-1" => Profile::proposition1(model),
        "example-1" => Profile::example1(model),
        "example-1-constant-reading" => Profile::example1_constant(model),
        "half-signal" => Profile::half_signal(model),
        "minimum-revenue" => Profile::minimum_revenue(model),
        "vcg-truthful" => Profile::vcg_truthful(),
        "independent-best-response" => {
            Profile::independent_best_response(model).map_err(|e| e.to_string())?
        }
        other => {
            return Err(format!(
                "unknown profile {other:?}; known: proposition-1, example-1, example-1-constant-reading, half-signal, minimum-revenue, vcg-truthful, independent-best-response"
            ));
        }
    })
}

impl GlobalLocalFile {
    /// Reads and checks a file.
    ///
    /// # Errors
    /// The file cannot be read, does not parse or breaks a rule.
    pub fn from_path(path: &Path) -> Result<Self, ScenarioError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
            origin: origin.clone(),
            field: "(file)".into(),
            message: format!("cannot read: {e}"),
        })?;
        Self::from_toml(&text, &origin, path.parent().map(Path::to_path_buf))
    }

    /// Parses and checks text; `origin` names it in errors.
    ///
    /// # Errors
    /// The text does not parse or breaks a rule.
    pub fn from_toml(
        text: &str,
        origin: &str,
        dir: Option<PathBuf>,
    ) -> Result<Self, ScenarioError> {
        let err = |field: &str, message: String| ScenarioError {
            origin: origin.to_string(),
            field: field.to_string(),
            message,
        };
        let raw: RawGlobalLocal = toml::from_str(text).map_err(|e| {
            let field = e.span().map_or_else(
                || "(toml)".to_string(),
                |s| format!("line {}", line_of(text, s.start)),
            );
            err(&field, e.message().to_string())
        })?;
        let law = scalar_law(&raw.signals, origin, "signals", dir.clone())?;
        let global_law = match &raw.global_signal {
            Some(g) => scalar_law(g, origin, "global-signal", dir)?,
            None => law.clone(),
        };
        let values = match &raw.values {
            RawValues::Linear { alpha } => ValueFunction::Linear(alpha.clone()),
            RawValues::Power { beta } => ValueFunction::Power { beta: *beta },
            RawValues::Formula { expr } => {
                ValueFunction::formula(expr).map_err(|e| err("values.expr", e.to_string()))?
            }
        };
        let params = GlobalLocalParams {
            n: raw.n,
            values,
            local_law: law,
            global_law,
            locals: raw.locals,
            normalisation: raw.normalisation,
        };
        let model = Arc::new(params.check().map_err(|e| {
            let msg = e.to_string();
            let field = if msg.starts_with("n ") {
                "n"
            } else if msg.starts_with("signals") {
                "signals"
            } else {
                "values"
            };
            err(field, msg)
        })?);
        let method = match raw.run.method.as_str() {
            "quadrature" => Method::Quadrature,
            "monte-carlo" => Method::MonteCarlo,
            "auto" => {
                if model.locals() == Locals::Symmetric || model.n() == 2 {
                    Method::Quadrature
                } else {
                    Method::MonteCarlo
                }
            }
            other => {
                return Err(err(
                    "run.method",
                    format!("must be auto, quadrature or monte-carlo, got {other:?}"),
                ));
            }
        };
        if method == Method::Quadrature && model.locals() == Locals::Independent && model.n() > 2 {
            return Err(err(
                "run.method",
                "quadrature over independent locals supports n = 2; use monte-carlo".into(),
            ));
        }
        if raw.run.episodes == 0 {
            return Err(err("run.episodes", "must be >= 1, got 0".into()));
        }
        let names: Vec<String> = if raw.run.regimes.is_empty() {
            match model.locals() {
                Locals::Symmetric => [
                    "proposition-1",
                    "proposition-1+resale",
                    "example-1+resale",
                    "half-signal+resale",
                    "vcg-truthful",
                    "vcg-truthful+resale",
                ],
                Locals::Independent => [
                    "minimum-revenue",
                    "minimum-revenue+resale",
                    "independent-best-response",
                    "proposition-1+resale",
                    "vcg-truthful",
                    "vcg-truthful+resale",
                ],
            }
            .iter()
            .map(|s| s.to_string())
            .collect()
        } else {
            raw.run.regimes.clone()
        };
        let mut regimes = Vec::new();
        for (k, name) in names.iter().enumerate() {
            let (base, resale) = match name.strip_suffix("+resale") {
                Some(b) => (b, true),
                None => (name.as_str(), false),
            };
            let profile = named_profile(&model, base.trim())
                .map_err(|m| err(&format!("run.regimes[{k}]"), m))?;
            let mut r = Regime::new(profile, resale);
            r.indifference = raw.indifference;
            regimes.push(r);
        }
        Ok(GlobalLocalFile {
            name: raw.name,
            model,
            regimes,
            method,
            mc: McConfig {
                episodes: raw.run.episodes,
                seed: raw.run.seed,
                ..McConfig::default()
            },
        })
    }

    /// Evaluates every regime.
    ///
    /// # Errors
    /// A failing computation.
    pub fn evaluate(&self) -> Result<Vec<RegimeRow>, super::GlobalLocalError> {
        self.regimes
            .iter()
            .map(|r| {
                Ok(match self.method {
                    Method::Quadrature => RegimeRow {
                        regime: r.label(),
                        method: self.method,
                        mean: by_quadrature(&self.model, r)?,
                        std_error: None,
                    },
                    Method::MonteCarlo => {
                        let e = by_monte_carlo(&self.model, r, self.mc)?;
                        RegimeRow {
                            regime: r.label(),
                            method: self.method,
                            mean: e.mean,
                            std_error: Some(e.std_error),
                        }
                    }
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_named() {
        let text = "n = 2\nbogus = 1\n[values]\nkind = \"power\"\nbeta = 0.5\n[signals]\nkind = \"uniform\"\nhi = 1\n";
        let err = GlobalLocalFile::from_toml(text, "x.toml", None).expect_err("bogus");
        assert!(err.to_string().contains("bogus"), "{err}");
    }

    #[test]
    fn bad_values_name_the_field() {
        let text = "n = 2\n[values]\nkind = \"linear\"\nalpha = [1, 1.5]\n[signals]\nkind = \"uniform\"\nhi = 1\n";
        let err = GlobalLocalFile::from_toml(text, "x.toml", None).expect_err("substitutes");
        assert!(err.to_string().starts_with("x.toml: values: "), "{err}");
        let text = "n = 2\n[values]\nkind = \"power\"\nbeta = 0.5\n[signals]\nkind = \"uniform\"\nhi = 1\n[run]\nregimes = [\"nope\"]\n";
        let err = GlobalLocalFile::from_toml(text, "x.toml", None).expect_err("profile");
        assert!(err.to_string().contains("run.regimes[0]"), "{err}");
    }
}
