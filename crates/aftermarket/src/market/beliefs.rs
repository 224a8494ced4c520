//! Beliefs for the aftermarket, from the prior and what was disclosed.
//!
//! Under complete information (paper 001) every bidder knows every
//! valuation. Under private values (papers 000, 003, 004) a bidder starts
//! from the prior of each rival and updates on what the disclosure
//! revealed: a bidder that learnt its own information-acquisition signal
//! knows the rivals' valuations; a disclosed bid of a rival whose strategy
//! is strictly increasing reveals that rival's value; type-independent
//! strategies reveal nothing, so posteriors equal priors (paper 004,
//! Example 1).

use serde::{Deserialize, Serialize};

use super::{Market, MarketError};
use crate::disclosure::Observation;
use crate::mechanism::Bid;
use crate::resale::Belief;
use crate::values::Valuation;

/// What bidders know about each other's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Information {
    /// Everyone knows every valuation (paper 001, Assumption 1).
    #[default]
    Complete,
    /// Each knows its own; beliefs about the others come from the prior and
    /// the disclosure.
    Private,
}

/// `beliefs[i][j]`: what `i` believes about `j` after the auction.
///
/// # Errors
/// Private values with a correlated prior that has no marginals.
pub fn beliefs_for(
    market: &Market,
    values: &[Valuation],
    bids: &[Bid],
    observations: &[Observation],
) -> Result<Vec<Vec<Belief>>, MarketError> {
    let n = values.len();
    let mut out = Vec::with_capacity(n);
    for (i, obs) in observations.iter().enumerate().take(n) {
        let acquired = market
            .acquisition
            .as_ref()
            .and_then(|a| a.acquire.get(i).copied())
            .unwrap_or(false);
        let mut row = Vec::with_capacity(n);
        for (j, value) in values.iter().enumerate() {
            let known = i == j
                || market.information == Information::Complete
                || acquired
                || revealed_by_bid(market, j, bids, obs);
            if known {
                row.push(Belief::Known(value.clone()));
            } else {
                let marginal = market.prior.marginal(j).ok_or_else(|| {
                    MarketError::Invalid(format!(
                        "bidder {} has no marginal prior (correlated values); private-value aftermarkets need one",
                        market.bidders[j]
                    ))
                })?;
                row.push(Belief::Distribution(marginal));
            }
        }
        out.push(row);
    }
    Ok(out)
}

/// A disclosed bid reveals the value when the bidder's strategy is
/// strictly increasing in a scalar value.
fn revealed_by_bid(market: &Market, j: usize, bids: &[Bid], obs: &Observation) -> bool {
    obs.bids.is_some()
        && matches!(bids.get(j), Some(Bid::Single(_)))
        && market.strategies[j].inverse(1.0).is_some()
        && !market.strategies[j].is_type_independent()
}
