//! Exact evaluation over a finite prior.

use serde::Serialize;

use super::{Branch, Market, MarketError, Record};
use crate::analysis::measures::{Accumulator, Estimate};

/// The largest number of profiles evaluated exactly.
pub const MAX_EXACT_PROFILES: usize = 200_000;

/// The result of an exact evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct ExactReport {
    /// Names of the measures.
    pub names: Vec<String>,
    /// Expected value of each measure.
    pub means: Vec<f64>,
    /// Expected final welfare over expected optimal welfare.
    pub efficiency: Option<f64>,
    /// The branches, when there is a single profile (complete
    /// information): what happened, with probabilities.
    pub branches: Vec<Branch>,
    /// Number of profiles evaluated.
    pub profiles: usize,
    /// Largest violation of the accounting identity found.
    pub identity_gap: f64,
}

impl ExactReport {
    /// The expected value of the measure `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|k| self.means[k])
    }

    /// Each measure as an exact [`Estimate`].
    pub fn estimates(&self) -> Vec<(String, Estimate)> {
        self.names
            .iter()
            .cloned()
            .zip(self.means.iter().map(|&m| Estimate::exact(m)))
            .collect()
    }
}

impl Market {
    /// Expected measures by enumeration of every profile, tie order and
    /// aftermarket branch.
    ///
    /// # Errors
    /// [`MarketError::NotFinite`] for a continuous or too large prior, or
    /// any failure of the pieces.
    pub fn exact(&self) -> Result<ExactReport, MarketError> {
        self.check()?;
        let profiles = self.prior.finite_support().ok_or_else(|| {
            MarketError::NotFinite("the prior is not finite; use Monte Carlo".into())
        })?;
        if profiles.len() > MAX_EXACT_PROFILES {
            return Err(MarketError::NotFinite(format!(
                "{} profiles exceed the limit of {MAX_EXACT_PROFILES}",
                profiles.len()
            )));
        }
        let names = Record::names(&self.bidders);
        let mut acc = Accumulator::new(names.len(), (2, 0));
        let mut kept = Vec::new();
        let mut gap = 0.0f64;
        for (values, p) in &profiles {
            for b in self.branches(values)? {
                let w = p * b.probability;
                acc.add(&b.episode.record.flatten(), w);
                gap = gap.max(b.episode.record.identity_gap().abs());
                if profiles.len() == 1 {
                    kept.push(b);
                }
            }
        }
        let means = acc.estimates(true).into_iter().map(|e| e.mean).collect();
        Ok(ExactReport {
            names,
            means,
            efficiency: acc.ratio(true).map(|e| e.mean),
            branches: kept,
            profiles: profiles.len(),
            identity_gap: gap,
        })
    }
}
