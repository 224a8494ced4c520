//! Reproductions of the source papers: every example and result with a
//! number, the reference value (the paper's, or the digest's derived value
//! where the paper prints none, labelled so), the value this library
//! computes, and a verdict. Where a paper is wrong the item carries the
//! printed value and the reason, and the verdict says the computed value
//! matches the correction.

mod paper000;
mod paper001;
mod paper002;
mod paper003;
mod paper004;
mod solver;

use serde::Serialize;
use thiserror::Error;

/// Where a reference value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Printed in the paper.
    Paper,
    /// Derived from the paper's formulas in its digest (the paper prints no
    /// number).
    Derived,
}

/// The verdict on one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The computed value matches the reference within tolerance.
    Match,
    /// The paper's printed value is wrong; the computed value matches the
    /// corrected one.
    CorrectedErratum,
    /// The computed value does not match.
    Mismatch,
}

/// One reproduced number.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// Short identifier, e.g. `ex1.resale.revenue`.
    pub id: String,
    /// What the number is.
    pub claim: String,
    /// The reference value.
    pub reference: f64,
    /// Where it comes from.
    pub source: Source,
    /// What the library computes.
    pub computed: f64,
    /// Absolute tolerance.
    pub tol: f64,
    /// Standard error of the computed value when it is a Monte Carlo
    /// estimate.
    pub std_error: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// For errata: what the paper printed, and why it is wrong.
    pub erratum: Option<String>,
    /// How the computed value was obtained (scenario file, method).
    pub how: String,
}

impl Item {
    /// An item whose verdict is decided by comparing the two values.
    pub fn compare(
        id: &str,
        claim: &str,
        reference: f64,
        source: Source,
        computed: f64,
        tol: f64,
        how: &str,
    ) -> Self {
        let ok = (reference - computed).abs() <= tol;
        Item {
            id: id.into(),
            claim: claim.into(),
            reference,
            source,
            computed,
            tol,
            std_error: None,
            verdict: if ok {
                Verdict::Match
            } else {
                Verdict::Mismatch
            },
            erratum: None,
            how: how.into(),
        }
    }

    /// Marks the item as a corrected erratum (only if it matches the
    /// correction).
    pub fn erratum(mut self, printed_and_reason: &str) -> Self {
        if self.verdict == Verdict::Match {
            self.verdict = Verdict::CorrectedErratum;
        }
        self.erratum = Some(printed_and_reason.into());
        self
    }
}

/// The reproduction of one paper.
#[derive(Debug, Clone, Serialize)]
pub struct PaperReport {
    /// The paper's number, e.g. `001`.
    pub paper: String,
    /// Its citation.
    pub citation: String,
    /// The items.
    pub items: Vec<Item>,
}

impl PaperReport {
    /// True if no item is a mismatch.
    pub fn all_match(&self) -> bool {
        self.items.iter().all(|i| i.verdict != Verdict::Mismatch)
    }
}

/// Errors raised while reproducing.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReproduceError {
    /// No such paper.
    #[error("no reproduction registered for paper {0:?}; registered: {1}")]
    UnknownPaper(String, String),
    /// A built-in scenario failed.
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// Running a market failed.
    #[error(transparent)]
    Market(#[from] crate::market::MarketError),
    /// Solving or verifying an equilibrium failed.
    #[error(transparent)]
    Equilibrium(#[from] crate::equilibrium::EquilibriumError),
    /// A discretised game could not be built or solved.
    #[error(transparent)]
    Solve(#[from] crate::equilibrium::SolveError),
    /// A prior could not be built.
    #[error(transparent)]
    Prior(#[from] crate::prior::PriorError),
}

type Reproducer = fn() -> Result<PaperReport, ReproduceError>;

/// Every registered reproduction, by paper number.
pub const REGISTRY: &[(&str, Reproducer)] = &[
    ("000", paper000::reproduce),
    ("001", paper001::reproduce),
    ("002", paper002::reproduce),
    ("003", paper003::reproduce),
    ("004", paper004::reproduce),
    ("solver", solver::reproduce),
];

/// Runs the reproduction of `paper` (`"001"`, or `"1"`).
///
/// # Errors
/// An unknown paper, or a failure while computing.
pub fn reproduce(paper: &str) -> Result<PaperReport, ReproduceError> {
    let want = format!("{:0>3}", paper.trim());
    let f = REGISTRY
        .iter()
        .find(|(id, _)| *id == want)
        .map(|(_, f)| *f)
        .ok_or_else(|| {
            ReproduceError::UnknownPaper(
                paper.to_string(),
                REGISTRY
                    .iter()
                    .map(|(id, _)| *id)
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })?;
    f()
}

/// Runs every registered reproduction.
///
/// # Errors
/// The first failure while computing.
pub fn reproduce_all() -> Result<Vec<PaperReport>, ReproduceError> {
    REGISTRY.iter().map(|(_, f)| f()).collect()
}
