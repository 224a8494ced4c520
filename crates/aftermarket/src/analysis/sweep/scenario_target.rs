//! Sweeping the fields of a scenario file.

use std::path::PathBuf;

use super::{Axis, SweepError, SweepTarget};
use crate::market::{McConfig, Record};
use crate::scenario::{Method, Scenario};

/// How a [`ScenarioTarget`] evaluates each point; unset entries come from
/// the scenario's `[run]` section.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EvalOptions {
    /// Exact, Monte Carlo, or exact when the prior is finite.
    pub method: Option<Method>,
    /// Monte Carlo episodes per point.
    pub episodes: Option<usize>,
}

/// The measure that is not in [`Record::names`]: expected final welfare
/// over expected optimal welfare.
const EFFICIENCY: &str = "efficiency";

/// A scenario file whose numeric fields are set from each point, then
/// checked and run (exact or Monte Carlo) for the chosen measures.
///
/// Columns are the measures; a Monte Carlo sweep adds each measure's
/// standard error as `NAME_se` after it.
#[derive(Debug, Clone)]
pub struct ScenarioTarget {
    origin: String,
    dir: Option<PathBuf>,
    doc: toml::Value,
    fields: Vec<String>,
    measures: Vec<String>,
    exact: bool,
    mc: McConfig,
}

impl ScenarioTarget {
    /// A target over the scenario `text` (named `origin` in errors, with
    /// relative paths resolved in `dir`), setting the fields of `axes` and
    /// recording `measures` (every measure when empty).
    ///
    /// A field must exist in the file, except that the last key may be
    /// new to an existing table (an optional field such as
    /// `mechanism.reserve`); a new key is checked at the axes' first values,
    /// so a misspelt one is found before the sweep starts.
    ///
    /// # Errors
    /// The scenario is invalid, a field cannot be set (named), a measure
    /// is unknown, or exact evaluation is asked of a continuous prior.
    pub fn new(
        text: &str,
        origin: &str,
        dir: Option<PathBuf>,
        axes: &[Axis],
        measures: &[String],
        options: EvalOptions,
    ) -> Result<Self, SweepError> {
        let base = Scenario::from_toml(text, origin, dir.clone())?;
        let doc: toml::Value = toml::from_str::<toml::Table>(text)
            .map(toml::Value::Table)
            .map_err(|e| SweepError::Target(format!("{origin}: {e}")))?;
        let mut created = Vec::new();
        for a in axes {
            let mut probe = doc.clone();
            if set_field(
                &mut probe,
                &a.field,
                a.values.first().copied().unwrap_or(0.0),
            )? {
                created.push(a);
            }
        }
        let mut names = Record::names(&base.market.bidders);
        names.push(EFFICIENCY.into());
        let measures: Vec<String> = if measures.is_empty() {
            names.clone()
        } else {
            measures.to_vec()
        };
        for m in &measures {
            if !names.contains(m) {
                return Err(SweepError::Measure {
                    name: m.clone(),
                    available: names.join(", "),
                });
            }
        }
        let finite = base.market.prior.finite_support().is_some();
        let exact = match options.method.unwrap_or(base.method) {
            Method::Exact => {
                if !finite {
                    return Err(SweepError::Target(format!(
                        "{origin}: exact evaluation needs a finite prior; use Monte Carlo"
                    )));
                }
                true
            }
            Method::MonteCarlo => false,
            Method::Auto => finite,
        };
        let mut mc = base.mc;
        if let Some(e) = options.episodes {
            if e == 0 {
                return Err(SweepError::Target("episodes must be at least 1".into()));
            }
            mc.episodes = e;
        }
        let target = ScenarioTarget {
            origin: origin.to_string(),
            dir,
            doc,
            fields: axes.iter().map(|a| a.field.clone()).collect(),
            measures,
            exact,
            mc,
        };
        if !created.is_empty() {
            let first: Vec<f64> = axes
                .iter()
                .map(|a| a.values.first().copied().unwrap_or(0.0))
                .collect();
            target.scenario_at(&first).map_err(|e| SweepError::Field {
                field: created
                    .iter()
                    .map(|a| a.field.as_str())
                    .collect::<Vec<_>>()
                    .join("`, `"),
                reason: format!("not in the scenario file, and adding it gives: {e}"),
            })?;
        }
        Ok(target)
    }

    /// True when points are evaluated exactly, false for Monte Carlo.
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// Monte Carlo settings (the seed is replaced per point).
    pub fn mc(&self) -> McConfig {
        self.mc
    }

    /// The measures recorded.
    pub fn measures(&self) -> &[String] {
        &self.measures
    }

    /// The checked scenario at `point`.
    ///
    /// # Errors
    /// A field cannot be set, or the scenario breaks a rule there.
    pub fn scenario_at(&self, point: &[f64]) -> Result<Scenario, SweepError> {
        if point.len() != self.fields.len() {
            return Err(SweepError::Grid(format!(
                "a point has {} value(s) for {} field(s)",
                point.len(),
                self.fields.len()
            )));
        }
        let mut doc = self.doc.clone();
        for (f, &x) in self.fields.iter().zip(point) {
            set_field(&mut doc, f, x)?;
        }
        let text = toml::to_string(&doc)
            .map_err(|e| SweepError::Target(format!("{}: {e}", self.origin)))?;
        Ok(Scenario::from_toml(&text, &self.origin, self.dir.clone())?)
    }
}

impl SweepTarget for ScenarioTarget {
    fn columns(&self) -> Vec<String> {
        if self.exact {
            self.measures.clone()
        } else {
            self.measures
                .iter()
                .flat_map(|m| [m.clone(), format!("{m}_se")])
                .collect()
        }
    }

    fn n_params(&self) -> Option<usize> {
        Some(self.fields.len())
    }

    fn evaluate(&self, point: &[f64], seed: u64) -> Result<Vec<f64>, SweepError> {
        let sc = self.scenario_at(point)?;
        let market = |e: crate::market::MarketError| SweepError::Market(e.to_string());
        if self.exact {
            let rep = sc.market.exact().map_err(market)?;
            Ok(self
                .measures
                .iter()
                .map(|m| {
                    if m == EFFICIENCY {
                        rep.efficiency.unwrap_or(f64::NAN)
                    } else {
                        rep.get(m).unwrap_or(f64::NAN)
                    }
                })
                .collect())
        } else {
            let cfg = McConfig { seed, ..self.mc };
            let rep = sc.market.monte_carlo(cfg, None).map_err(market)?;
            let mut out = Vec::with_capacity(2 * self.measures.len());
            for m in &self.measures {
                let e = if m == EFFICIENCY {
                    rep.efficiency
                } else {
                    rep.get(m)
                };
                out.push(e.map_or(f64::NAN, |e| e.mean));
                out.push(e.and_then(|e| e.std_error).unwrap_or(f64::NAN));
            }
            Ok(out)
        }
    }
}

/// Sets the number at the dotted path `field` of a TOML document
/// (`bidders.1.values.0`: key `bidders`, entry 1, key `values`, entry 0).
/// An integer stays an integer when `x` is a whole number, else becomes a
/// float. Returns true when the last key was not there and was added.
///
/// # Errors
/// A path that does not lead to a number (a missing key, an index past
/// the end, a string or table), naming the field.
pub fn set_field(doc: &mut toml::Value, field: &str, x: f64) -> Result<bool, SweepError> {
    let err = |reason: String| SweepError::Field {
        field: field.to_string(),
        reason,
    };
    let parts: Vec<&str> = field.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(err("empty path segment".into()));
    }
    let mut cur = doc;
    let mut walked = String::new();
    for (k, part) in parts.iter().enumerate() {
        let last = k + 1 == parts.len();
        let here = if walked.is_empty() {
            "the scenario".to_string()
        } else {
            format!("`{walked}`")
        };
        cur = match cur {
            toml::Value::Table(t) => {
                if !t.contains_key(*part) {
                    if last {
                        t.insert((*part).to_string(), toml::Value::Float(x));
                        return Ok(true);
                    }
                    return Err(err(format!("{here} has no key `{part}`")));
                }
                t.get_mut(*part)
                    .ok_or_else(|| err(format!("{here} has no key `{part}`")))?
            }
            toml::Value::Array(a) => {
                let n = a.len();
                let i: usize = part
                    .parse()
                    .map_err(|_| err(format!("{here} is a list; `{part}` is not an index")))?;
                a.get_mut(i).ok_or_else(|| {
                    err(format!("{here} has {n} entries; index {i} is past the end"))
                })?
            }
            other => {
                return Err(err(format!(
                    "{here} is a {}, not a table or list",
                    other.type_str()
                )));
            }
        };
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(part);
    }
    match cur {
        toml::Value::Integer(_) if x.fract() == 0.0 && x.abs() < 9.0e15 => {
            *cur = toml::Value::Integer(x as i64);
        }
        toml::Value::Integer(_) | toml::Value::Float(_) => *cur = toml::Value::Float(x),
        other => {
            return Err(err(format!("is a {}, not a number", other.type_str())));
        }
    }
    Ok(false)
}
