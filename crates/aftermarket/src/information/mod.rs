//! Information acquisition: buying signals about rivals before the auction.
//!
//! Before bidding, each agent may buy a signal structure
//! \\(\psi_i : \theta_{-i} \to \Delta(S_i)\\) about its rivals' values at a
//! cost \\(c_i(\psi_i; \theta_i) \ge 0\\) that may depend on its own value;
//! the null structure (no signal, no cost) is always available, and the
//! choice is private (paper 003, Section 2.2). Welfare is then counted net
//! of what agents spend on information: the optimum buys none.
//!
//! Information about rivals can make every equilibrium inefficient even
//! with two i.i.d. bidders and a first-price auction, whose unique
//! no-information equilibrium is efficient (paper 003, Example 1 and
//! Proposition 4): a buyer who learns that its rival's value is 0 wins at
//! price 0, and against a rival who does the same bidding changes, so the
//! efficient profile is broken by a profitable informed deviation; in the
//! equilibrium with information the allocation is efficient but costs are
//! paid, and welfare is 19/48 against 5/12. Smoothness still bounds the
//! loss by \\(e/(e-1)\\) (Theorem 2).
//!
//! [`AcquisitionGame`] evaluates two-bidder first-price and all-pay
//! auctions with a menu of structures: interim utilities by quadrature
//! (exact on atoms), the rival's bid depending on what it learnt about the
//! bidder being evaluated; ex-ante welfare net of costs, revenue and
//! utilities; and per-type best responses over (buy or not) × (opt out or
//! bid) with the regret of a profile. [`example1`] builds paper 003's
//! Example 1. The combined market's own acquisition stage
//! ([`crate::market::InformationAcquisition`]) is the special case of one
//! fully revealing structure at a value-independent cost.
//!
//! ```
//! use aftermarket::information::{BidSearch, example1};
//! let game = example1::game()?;
//! let eq = example1::equilibrium();
//! // Interim utility v/2 + 3v²/16 at v = 1.
//! let u = game.interim(0, 1.0, &eq, &eq)?.utility;
//! assert!((u - 0.6875).abs() < 1e-8);
//! // The best deviation does no better.
//! let best = game.best_response(0, 1.0, &eq, BidSearch::default())?;
//! assert!(best.utility - u < 1e-8);
//! # Ok::<(), aftermarket::information::InformationError>(())
//! ```
//!
//! ## References
//! - Babaioff, Immorlica, Li and Lucier, "On the impact of information
//!   acquisition and aftermarkets on auction efficiency" (seed 003),
//!   Section 2.2, Example 1, Proposition 4.

mod contest;
mod cost;
pub mod example1;
mod signal;

pub use contest::{
    AcquisitionGame, Action, BestResponse, BidSearch, Format, Interim, Observed, Offer, Plan,
    Summary,
};
pub use cost::InformationCost;
pub use signal::{Garbled, NullSignal, Partition, SignalStructure};

use thiserror::Error;

use crate::prior::PriorError;

/// Errors raised by the information-acquisition stage.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum InformationError {
    /// A parameter broke a rule.
    #[error("{param} {rule}, got {value}")]
    InvalidParameter {
        /// Which parameter.
        param: &'static str,
        /// The rule.
        rule: &'static str,
        /// The offending value.
        value: f64,
    },
    /// Something other than a single parameter was wrong.
    #[error("{0}")]
    Invalid(String),
    /// A prior failed.
    #[error(transparent)]
    Prior(#[from] PriorError),
}

#[cfg(test)]
mod tests;
