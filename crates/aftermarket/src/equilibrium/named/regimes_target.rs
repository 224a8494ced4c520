//! Paper 001's regime analysis as a sweep target, so that its region maps
//! (Figure 1, Proposition 2, Lemma 5, Proposition 3, Section 7) come from
//! the general `aftermarket sweep` command over any scenario field.

use super::pagnozzi::{PagnozziInstance, Regime, SolveOptions, ThresholdFormula};
use crate::analysis::sweep::{Axis, EvalOptions, ScenarioTarget, SweepError, SweepTarget};

/// The numbers [`RegimesTarget`] records at each point.
pub const REGIME_COLUMNS: &[&str] = &[
    "revenue_nb_nr",
    "revenue_nb_r",
    "revenue_b_nr",
    "revenue_b_r",
    "bundling_resale_best",
    "joint_dr_no_resale",
    "joint_dr_resale",
    "p_star",
    "welfare_loss_from_resale",
    "unilateral_dr_no_resale",
    "unilateral_dr_resale",
];

/// Sweeps a two-bidder, two-unit complete-information scenario with a
/// Nash-bargaining aftermarket through paper 001's analysis: the four
/// regimes' revenues under the selected equilibria, whether bundling with
/// resale is revenue-best (Proposition 2), whether joint demand reduction
/// is an equilibrium without and with resale (Lemma 1, Lemmas 2 and 5),
/// the corrected threshold \\(\max(p^*, 0)\\) (NaN outside Case A), the welfare lost
/// by allowing resale (Proposition 3) and whether unilateral demand
/// reduction pays without and with resale (Section 7; NaN outside Case A).
/// 0/1 columns are judged from the engine's payoffs, not from the paper's
/// formulas, so a map's boundary can be compared with the formula.
#[derive(Debug)]
pub struct RegimesTarget {
    inner: ScenarioTarget,
    columns: Vec<String>,
}

impl RegimesTarget {
    /// A target over the scenario `text`, setting the fields of `axes`,
    /// recording `columns` (all of [`REGIME_COLUMNS`] when empty).
    ///
    /// # Errors
    /// The scenario is invalid, a field cannot be set, a column is
    /// unknown, or the scenario is not of paper 001's kind.
    pub fn new(
        text: &str,
        origin: &str,
        axes: &[Axis],
        columns: &[String],
    ) -> Result<Self, SweepError> {
        let inner = ScenarioTarget::new(
            text,
            origin,
            None,
            axes,
            &[],
            EvalOptions {
                method: None,
                episodes: None,
            },
        )?;
        let columns: Vec<String> = if columns.is_empty() {
            REGIME_COLUMNS.iter().map(|s| s.to_string()).collect()
        } else {
            for c in columns {
                if !REGIME_COLUMNS.contains(&c.as_str()) {
                    return Err(SweepError::Target(format!(
                        "unknown regimes measure `{c}`; known: {}",
                        REGIME_COLUMNS.join(", ")
                    )));
                }
            }
            columns.to_vec()
        };
        let first: Vec<f64> = axes
            .iter()
            .map(|a| a.values.first().copied().unwrap_or(0.0))
            .collect();
        let sc = inner.scenario_at(&first)?;
        PagnozziInstance::from_scenario(&sc)
            .map_err(|e| SweepError::Target(format!("{origin}: {e}")))?;
        Ok(RegimesTarget { inner, columns })
    }

    /// The recorded columns.
    pub fn measures(&self) -> &[String] {
        &self.columns
    }
}

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

impl SweepTarget for RegimesTarget {
    fn columns(&self) -> Vec<String> {
        self.columns.clone()
    }

    fn evaluate(&self, point: &[f64], _seed: u64) -> Result<Vec<f64>, SweepError> {
        let sc = self.inner.scenario_at(point)?;
        let fail = |e: crate::equilibrium::EquilibriumError| SweepError::Target(e.to_string());
        let (inst, _) = PagnozziInstance::from_scenario(&sc).map_err(fail)?;
        let opts = SolveOptions::default();
        // The four regimes are solved only when a column needs them.
        let needs_regimes = self
            .columns
            .iter()
            .any(|c| c.starts_with("revenue_") || c == "bundling_resale_best");
        let cmp = if needs_regimes {
            Some(inst.compare(&opts).map_err(fail)?)
        } else {
            None
        };
        let revenue = |r: Regime| {
            cmp.as_ref()
                .and_then(|c| c.solutions.iter().find(|s| s.regime == r))
                .map_or(f64::NAN, |s| s.revenue)
        };
        let case_a = inst.case() == super::pagnozzi::Case::A;
        let mut out = Vec::with_capacity(self.columns.len());
        for c in &self.columns {
            let v = match c.as_str() {
                "revenue_nb_nr" => revenue(Regime::SeparateNoResale),
                "revenue_nb_r" => revenue(Regime::SeparateResale),
                "revenue_b_nr" => revenue(Regime::BundledNoResale),
                "revenue_b_r" => revenue(Regime::BundledResale),
                "bundling_resale_best" => {
                    flag(cmp.as_ref().is_some_and(|c| c.bundling_resale_best))
                }
                "joint_dr_no_resale" => flag(inst.joint_reduction_holds(false).map_err(fail)?),
                "joint_dr_resale" => flag(inst.joint_reduction_holds(true).map_err(fail)?),
                // Joint reduction holds for every p above max(p*, 0).
                "p_star" => inst
                    .p_star(ThresholdFormula::Corrected)
                    .map_or(f64::NAN, |p| p.max(0.0)),
                "welfare_loss_from_resale" => {
                    let nr = inst.solve(Regime::SeparateNoResale, &opts).map_err(fail)?;
                    let r = inst.solve(Regime::SeparateResale, &opts).map_err(fail)?;
                    nr.outcome.welfare - r.outcome.welfare
                }
                "unilateral_dr_no_resale" | "unilateral_dr_resale" => {
                    if case_a {
                        let resale = c == "unilateral_dr_resale";
                        flag(
                            inst.unilateral_reduction(resale, None)
                                .map_err(fail)?
                                .reduction_pays,
                        )
                    } else {
                        f64::NAN
                    }
                }
                other => return Err(SweepError::Target(format!("unknown column {other}"))),
            };
            out.push(v);
        }
        Ok(out)
    }

    fn n_params(&self) -> Option<usize> {
        self.inner.n_params()
    }
}
