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
use std::sync::Arc;

use crate::prior::TypePrior;
use crate::resale::Belief;
use crate::values::{Supply, Valuation};

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

impl std::fmt::Display for Information {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Information::Complete => "complete",
            Information::Private => "private",
        })
    }
}

/// `beliefs[i][j]`: what `i` believes about `j` after the auction.
///
/// With private values, `i` conditions `j`'s prior on what it saw: an
/// exactly disclosed bid (all bids; the winning bid when `j` won) of a
/// strictly increasing scalar strategy reveals `j`'s value; in a
/// single-item auction the allocation bounds `j`'s bid by `i`'s own (the
/// loser bid no more than the winner), hence `j`'s value by the inverse of
/// its strategy; a posted price, where the first arrival willing to pay
/// buys, bounds nothing. What cannot be inverted leaves the prior unchanged.
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
            if i == j || market.information == Information::Complete || acquired {
                row.push(Belief::Known(value.clone()));
                continue;
            }
            let marginal = market.prior.marginal(j).ok_or_else(|| {
                MarketError::Invalid(format!(
                    "bidder {} has no marginal prior (correlated values); private-value aftermarkets need one",
                    market.bidders[j]
                ))
            })?;
            row.push(posterior(market, i, j, bids, obs, marginal));
        }
        out.push(row);
    }
    Ok(out)
}

fn posterior(
    market: &Market,
    i: usize,
    j: usize,
    bids: &[Bid],
    obs: &Observation,
    prior: Arc<dyn TypePrior>,
) -> Belief {
    let strategy = &market.strategies[j];
    if strategy.is_type_independent() {
        return Belief::Distribution(prior);
    }
    let Some((law, shape)) = prior.scalar() else {
        return Belief::Distribution(prior);
    };
    let (lo, hi) = law.support();
    let single_item = market.mechanism.supply() == Supply::Units { m: 1 };
    let j_won = obs.allocation.get(j).is_some_and(|h| !h.is_empty());
    let i_won = obs.allocation.get(i).is_some_and(|h| !h.is_empty());
    // An exactly observed bid of j.
    let seen = match (&obs.bids, obs.winning_bid) {
        (Some(all), _) => all.get(j).and_then(Bid::as_single),
        (None, Some(w)) if single_item && j_won => Some(w),
        _ => None,
    };
    if let Some(b) = seen {
        if let Some(v) = strategy.inverse(b) {
            if let Ok(val) = shape.valuation(v.clamp(lo, hi)) {
                return Belief::Known(val);
            }
        }
        return Belief::Distribution(prior);
    }
    if !single_item || !market.mechanism.highest_bid_wins() {
        return Belief::Distribution(prior);
    }
    let Some(own) = bids.get(i).and_then(Bid::as_single) else {
        return Belief::Distribution(prior);
    };
    let Some(bound) = strategy.inverse(own) else {
        return Belief::Distribution(prior);
    };
    let (a, b) = match (i_won, j_won) {
        (true, false) => (lo, bound.min(hi)),
        (false, true) => (bound.max(lo), hi),
        _ => return Belief::Distribution(prior),
    };
    match prior.conditioned(a, b) {
        Some(p) => Belief::Distribution(p),
        None => Belief::Distribution(prior),
    }
}
