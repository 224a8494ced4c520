//! The combined market \\(G(M_1, \Gamma, M_2)\\) and its runner.
//!
//! A [`Market`] joins a prior over valuation profiles, a primary
//! mechanism, a disclosure policy, an aftermarket and one strategy per
//! bidder (papers 003 and 004, Section 2). One play of it is an
//! [`Episode`]: values are drawn, bids are made, the auction runs, each
//! bidder observes what the disclosure reveals and forms beliefs, the
//! aftermarket trades, and the [`Record`] of welfare, revenue, resale and
//! payoffs is taken.
//!
//! Two ways to evaluate the strategies:
//! - [`Market::exact`] for finite priors (complete information is the
//!   one-profile case): every profile, every tie order and every branch of
//!   the aftermarket, weighted by its probability;
//! - [`Market::monte_carlo`] for continuous priors: fixed-size batches,
//!   each seeded from (seed, batch index), run in parallel with rayon and
//!   summed in batch order, so the numbers depend on the seed only, never on
//!   the thread count.

mod beliefs;
mod episode;
mod exact;
mod monte_carlo;

pub use beliefs::{Information, beliefs_for};
pub use episode::{Branch, Episode, Record};
pub use exact::{ExactReport, MAX_EXACT_PROFILES};
pub use monte_carlo::{McConfig, McReport, Progress};

use std::sync::Arc;

use thiserror::Error;

use crate::disclosure::Disclosure;
use crate::mechanism::{Mechanism, MechanismError};
use crate::prior::ProfilePrior;
use crate::resale::{Aftermarket, ResaleError};
use crate::strategy::{BidForm, Strategy, StrategyError};
use crate::values::ValuesError;

/// Errors raised while running a market.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MarketError {
    /// The market is inconsistent.
    #[error("{0}")]
    Invalid(String),
    /// A strategy failed.
    #[error("bidder {bidder}: {source}")]
    Strategy {
        /// The bidder.
        bidder: String,
        /// The cause.
        source: StrategyError,
    },
    /// The mechanism failed.
    #[error(transparent)]
    Mechanism(#[from] MechanismError),
    /// The aftermarket failed.
    #[error(transparent)]
    Resale(#[from] ResaleError),
    /// A valuation failed.
    #[error(transparent)]
    Values(#[from] ValuesError),
    /// Exact evaluation is impossible (infinite or too large support).
    #[error("exact evaluation impossible: {0}")]
    NotFinite(String),
    /// A Monte Carlo run failed part-way; what finished is kept.
    #[error("monte carlo stopped after {} of {} episodes: {error}", .completed.episodes, .requested)]
    Partial {
        /// The batches that finished before the failure.
        completed: Box<McReport>,
        /// Episodes asked for.
        requested: usize,
        /// The first failure.
        error: Box<MarketError>,
    },
}

/// The optional information-acquisition stage before the auction
/// (paper 003, Section 2.2): bidder `i` may pay `cost[i]` to learn every
/// rival's valuation exactly; whether it does is part of its strategy
/// (`acquire[i]`) and is not revealed to the others.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InformationAcquisition {
    /// Cost of the signal, per bidder.
    pub cost: Vec<f64>,
    /// Whether each bidder acquires it.
    pub acquire: Vec<bool>,
}

/// The combined market.
#[derive(Debug, Clone)]
pub struct Market {
    /// A name for reports.
    pub name: String,
    /// Bidder names, in order.
    pub bidders: Vec<String>,
    /// The prior over valuation profiles.
    pub prior: Arc<dyn ProfilePrior>,
    /// The primary mechanism.
    pub mechanism: Arc<dyn Mechanism>,
    /// The bid shape the mechanism takes.
    pub bid_form: BidForm,
    /// What bidders learn after the auction.
    pub disclosure: Arc<dyn Disclosure>,
    /// The aftermarket.
    pub aftermarket: Arc<dyn Aftermarket>,
    /// One strategy per bidder.
    pub strategies: Vec<Arc<dyn Strategy>>,
    /// What bidders know of each other's values in the aftermarket.
    pub information: Information,
    /// The optional information-acquisition stage.
    pub acquisition: Option<InformationAcquisition>,
}

impl Market {
    /// Checks the pieces fit together.
    ///
    /// # Errors
    /// [`MarketError::Invalid`] naming what does not fit.
    pub fn check(&self) -> Result<(), MarketError> {
        let n = self.bidders.len();
        if n == 0 {
            return Err(MarketError::Invalid(
                "the market needs at least one bidder".into(),
            ));
        }
        if self.prior.n_bidders() != n {
            return Err(MarketError::Invalid(format!(
                "the prior describes {} bidders but the market has {n}",
                self.prior.n_bidders()
            )));
        }
        if self.strategies.len() != n {
            return Err(MarketError::Invalid(format!(
                "{} strategies for {n} bidders",
                self.strategies.len()
            )));
        }
        if let Some(a) = &self.acquisition {
            if a.cost.len() != n || a.acquire.len() != n {
                return Err(MarketError::Invalid(format!(
                    "information acquisition needs one cost and one choice per bidder ({n})"
                )));
            }
            if let Some(c) = a.cost.iter().find(|c| !c.is_finite() || **c < 0.0) {
                return Err(MarketError::Invalid(format!(
                    "information cost must be finite and >= 0, got {c}"
                )));
            }
        }
        Ok(())
    }

    /// Number of bidders.
    pub fn n_bidders(&self) -> usize {
        self.bidders.len()
    }
}
