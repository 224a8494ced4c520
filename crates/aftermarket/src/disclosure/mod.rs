//! Disclosure (Γ): what each bidder learns after the primary auction.
//!
//! Papers 003 and 004 write \\(\Gamma = \bot\\) for the policy that reveals
//! the allocation and one's own payment only; richer policies add every
//! payment, the winning bid, or every bid. What is disclosed shapes the
//! beliefs with which the aftermarket is played: the runner turns an
//! [`Observation`] into beliefs about rivals' values (see
//! [`crate::market::beliefs_for`]).

use std::fmt::Debug;

use serde::{Deserialize, Serialize};

use crate::mechanism::{Bid, Outcome};
use crate::values::Holding;

/// What one bidder sees after the auction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// The observer.
    pub bidder: usize,
    /// Its own bid.
    pub own_bid: Bid,
    /// Its own payment.
    pub own_payment: f64,
    /// The whole allocation (revealed under every policy: the aftermarket
    /// starts from it).
    pub allocation: Vec<Holding>,
    /// Every bidder's payment, when disclosed.
    pub payments: Option<Vec<f64>>,
    /// The winning (highest) bid, when disclosed.
    pub winning_bid: Option<f64>,
    /// Every bid, when disclosed.
    pub bids: Option<Vec<Bid>>,
}

/// A disclosure policy.
pub trait Disclosure: Debug + Send + Sync {
    /// A short name.
    fn name(&self) -> &str;
    /// What `bidder` observes.
    fn observe(&self, bidder: usize, bids: &[Bid], outcome: &Outcome) -> Observation;
}

/// The policies the papers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    /// Γ = ⊥: the allocation and one's own payment.
    #[default]
    OwnOutcome,
    /// Γ = ⊥ plus every bidder's payment.
    AllPayments,
    /// Γ = ⊥ plus the winning bid.
    WinningBid,
    /// Every bid.
    AllBids,
}

impl Disclosure for Policy {
    fn name(&self) -> &str {
        match self {
            Policy::OwnOutcome => "own-outcome",
            Policy::AllPayments => "all-payments",
            Policy::WinningBid => "winning-bid",
            Policy::AllBids => "all-bids",
        }
    }

    fn observe(&self, bidder: usize, bids: &[Bid], outcome: &Outcome) -> Observation {
        let mut obs = Observation {
            bidder,
            own_bid: bids.get(bidder).cloned().unwrap_or(Bid::Single(0.0)),
            own_payment: outcome.payments.get(bidder).copied().unwrap_or(0.0),
            allocation: outcome.allocation.clone(),
            payments: None,
            winning_bid: None,
            bids: None,
        };
        match self {
            Policy::OwnOutcome => {}
            Policy::AllPayments => obs.payments = Some(outcome.payments.clone()),
            Policy::WinningBid => obs.winning_bid = outcome.winning_bid,
            Policy::AllBids => {
                obs.payments = Some(outcome.payments.clone());
                obs.winning_bid = outcome.winning_bid;
                obs.bids = Some(bids.to_vec());
            }
        }
        obs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Holding;

    fn outcome() -> Outcome {
        Outcome {
            allocation: vec![Holding::Units(1), Holding::Units(0)],
            payments: vec![0.4, 0.0],
            unsold: Holding::Units(0),
            price: Some(0.4),
            winning_bid: Some(0.7),
        }
    }

    #[test]
    fn own_outcome_hides_rival_bids_and_payments() {
        let bids = [Bid::Single(0.7), Bid::Single(0.4)];
        let o = Policy::OwnOutcome.observe(1, &bids, &outcome());
        assert!(o.bids.is_none() && o.payments.is_none() && o.winning_bid.is_none());
        assert_eq!(o.allocation[0], Holding::Units(1));
    }

    #[test]
    fn all_bids_reveals_everything() {
        let bids = [Bid::Single(0.7), Bid::Single(0.4)];
        let o = Policy::AllBids.observe(1, &bids, &outcome());
        assert_eq!(o.bids.as_deref(), Some(&bids[..]));
        assert_eq!(o.winning_bid, Some(0.7));
    }
}
