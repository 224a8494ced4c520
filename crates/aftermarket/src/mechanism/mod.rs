//! Primary mechanisms (M1): bids in, allocation and payments out.
//!
//! A [`Mechanism`] maps a profile of [`Bid`]s to an [`Outcome`]: who holds
//! what after the auction, what each bidder pays, what the seller keeps
//! unsold, and the price where the format has one. Every format takes the
//! same [`AuctionRules`]: a reserve price, a [`TieRule`] and whether zero
//! bids may win.
//!
//! Ties are the one source of randomness in an auction. A mechanism is
//! written once as a deterministic function of the bids and a [`Priority`]
//! (a strict order of bidders that breaks every tie), so that the runner can
//! either draw the priority (Monte Carlo) or enumerate all priorities the
//! tie rule allows with their probabilities (exact evaluation).

mod all_pay;
mod bundle_second_price;
mod first_price;
mod multi_unit_vickrey;
mod pay_as_bid;
mod posted_price;
mod second_price;
mod simultaneous_all_pay;
mod simultaneous_first_price;
mod tie;
mod uniform_price;
mod units;
mod vcg;
mod vickrey_package;
mod vickrey_separate;

pub use all_pay::AllPay;
pub use bundle_second_price::BundleSecondPrice;
pub use first_price::FirstPrice;
pub use multi_unit_vickrey::MultiUnitVickrey;
pub use pay_as_bid::PayAsBid;
pub use posted_price::{INDIFFERENCE_TOL, PostedPrice, PostedPrices};
pub use second_price::SecondPrice;
pub use simultaneous_all_pay::SimultaneousAllPay;
pub use simultaneous_first_price::SimultaneousFirstPrice;
pub use tie::{Priority, TieRule};
pub use uniform_price::{PriceRule, UniformPrice};
pub use vcg::{MAX_VCG_ITEMS, Vcg};
pub use vickrey_package::VickreyPackage;
pub use vickrey_separate::VickreySeparate;

use std::fmt::Debug;

use rand::Rng;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::values::{Holding, ItemSet, Supply};

/// Errors raised by a mechanism.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum MechanismError {
    /// A parameter of the mechanism broke a rule.
    #[error("{param} {rule}, got {value}")]
    InvalidParameter {
        /// Which parameter.
        param: &'static str,
        /// The rule.
        rule: &'static str,
        /// The offending value.
        value: String,
    },
    /// A bid had the wrong shape for this format.
    #[error("bidder {bidder}: {format} takes {expected}, got {got}")]
    BidShape {
        /// The bidder.
        bidder: usize,
        /// The format's name.
        format: String,
        /// The expected shape.
        expected: &'static str,
        /// What was given.
        got: String,
    },
    /// A bid was negative or not finite.
    #[error("bidder {bidder}: bids must be finite and >= 0, got {value}")]
    BadBid {
        /// The bidder.
        bidder: usize,
        /// The offending bid.
        value: f64,
    },
    /// No bidders.
    #[error("the auction needs at least one bidder")]
    NoBidders,
    /// Too many bidders to enumerate tie orders exactly.
    #[error("exact tie enumeration supports at most {max} bidders, got {got}")]
    TooManyForExact {
        /// The limit.
        max: usize,
        /// The number of bidders.
        got: usize,
    },
    /// The problem is too large for the exact algorithm.
    #[error("{0}")]
    TooLarge(String),
}

/// One bidder's bid. Which shapes a format accepts is stated in its docs;
/// `Single(b)` is accepted wherever a one-unit `Marginal([b])` is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Bid {
    /// One number: a single item, or the bundle.
    Single(f64),
    /// Non-increasing bids for the 1st, 2nd, … unit (multi-unit formats).
    Marginal(Vec<f64>),
    /// One bid per distinct item (simultaneous single-item auctions).
    PerItem(Vec<f64>),
    /// Bids on packages of items (package auctions, XOR semantics).
    Packages(Vec<(ItemSet, f64)>),
}

impl Bid {
    /// The bid as marginal unit bids: `Single(b)` is `[b]`.
    pub fn as_marginal(&self) -> Option<&[f64]> {
        match self {
            Bid::Single(b) => Some(std::slice::from_ref(b)),
            Bid::Marginal(v) => Some(v),
            _ => None,
        }
    }

    /// The bid as one number: `Single(b)` or a one-entry `Marginal`.
    pub fn as_single(&self) -> Option<f64> {
        match self {
            Bid::Single(b) => Some(*b),
            Bid::Marginal(v) if v.len() == 1 => Some(v[0]),
            _ => None,
        }
    }

    /// The largest number in the bid.
    pub fn max(&self) -> f64 {
        match self {
            Bid::Single(b) => *b,
            Bid::Marginal(v) | Bid::PerItem(v) => v.iter().copied().fold(0.0, f64::max),
            Bid::Packages(p) => p.iter().map(|(_, b)| *b).fold(0.0, f64::max),
        }
    }

    /// A short description for errors and tables.
    pub fn describe(&self) -> String {
        match self {
            Bid::Single(b) => format!("{b}"),
            Bid::Marginal(v) => format!("marginal {v:?}"),
            Bid::PerItem(v) => format!("per-item {v:?}"),
            Bid::Packages(p) => format!("{} package bids", p.len()),
        }
    }

    /// Checks every number is finite and non-negative.
    ///
    /// # Errors
    /// [`MechanismError::BadBid`] naming `bidder`.
    pub fn check(&self, bidder: usize) -> Result<(), MechanismError> {
        let bad = |v: f64| !v.is_finite() || v < 0.0;
        let first_bad = match self {
            Bid::Single(b) => bad(*b).then_some(*b),
            Bid::Marginal(v) | Bid::PerItem(v) => v.iter().copied().find(|&x| bad(x)),
            Bid::Packages(p) => p.iter().map(|(_, b)| *b).find(|&x| bad(x)),
        };
        match first_bad {
            Some(value) => Err(MechanismError::BadBid { bidder, value }),
            None => Ok(()),
        }
    }
}

/// What the primary auction did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// What each bidder holds after the auction.
    pub allocation: Vec<Holding>,
    /// What each bidder pays the seller.
    pub payments: Vec<f64>,
    /// What the seller keeps unsold.
    pub unsold: Holding,
    /// The per-unit price, for formats that set one (uniform price, the
    /// second-highest bid of a single-item auction).
    pub price: Option<f64>,
    /// The highest bid that won, where the format has one.
    pub winning_bid: Option<f64>,
}

impl Outcome {
    /// Seller revenue: the sum of payments.
    pub fn revenue(&self) -> f64 {
        self.payments.iter().sum()
    }

    /// An outcome where nobody wins anything.
    pub fn nothing_sold(n: usize, supply: &Supply) -> Self {
        Outcome {
            allocation: vec![supply.empty(); n],
            payments: vec![0.0; n],
            unsold: supply.everything(),
            price: None,
            winning_bid: None,
        }
    }
}

/// Rules every format shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuctionRules {
    /// Reserve price (per unit where the format sells units). Bids below it
    /// never win; bids equal to it may.
    pub reserve: f64,
    /// How ties are broken.
    pub tie: TieRule,
    /// Whether a bid of exactly 0 may win (e.g. leftover units in a
    /// uniform-price auction). Default: yes.
    pub zero_bids_win: bool,
}

impl Default for AuctionRules {
    fn default() -> Self {
        AuctionRules {
            reserve: 0.0,
            tie: TieRule::Random,
            zero_bids_win: true,
        }
    }
}

impl AuctionRules {
    /// Checks the reserve.
    ///
    /// # Errors
    /// A negative or non-finite reserve.
    pub fn check(&self) -> Result<(), MechanismError> {
        if !self.reserve.is_finite() || self.reserve < 0.0 {
            return Err(MechanismError::InvalidParameter {
                param: "reserve",
                rule: "must be finite and >= 0",
                value: self.reserve.to_string(),
            });
        }
        self.tie.check()
    }

    /// Whether a bid is high enough to be allowed to win.
    pub fn admissible(&self, b: f64) -> bool {
        b >= self.reserve && (self.zero_bids_win || b > 0.0)
    }
}

/// A primary mechanism.
///
/// Implementations are deterministic given a [`Priority`]; the provided
/// methods draw or enumerate priorities according to the tie rule.
pub trait Mechanism: Debug + Send + Sync {
    /// A short name, e.g. `first-price`.
    fn name(&self) -> &str;
    /// What is for sale.
    fn supply(&self) -> Supply;
    /// The shared rules.
    fn rules(&self) -> &AuctionRules;

    /// Whether, with one item for sale, the winner's bid is at least every
    /// loser's bid, so that losing tells a bidder the winner bid more and
    /// winning tells it the losers bid less. True for auctions; false for
    /// posted prices, where who buys depends on the arrival order.
    fn highest_bid_wins(&self) -> bool {
        true
    }
    /// The outcome when ties are broken by `priority`.
    ///
    /// # Errors
    /// A bid of the wrong shape, negative or not finite; no bidders.
    fn outcome_with_priority(
        &self,
        bids: &[Bid],
        priority: &Priority,
    ) -> Result<Outcome, MechanismError>;

    /// The outcome with ties broken by a draw from the tie rule.
    ///
    /// # Errors
    /// As [`Mechanism::outcome_with_priority`].
    fn outcome(&self, bids: &[Bid], rng: &mut dyn Rng) -> Result<Outcome, MechanismError> {
        let priority = self.rules().tie.sample(bids.len(), rng);
        self.outcome_with_priority(bids, &priority)
    }

    /// Every outcome the tie rule can produce, with its probability
    /// (identical outcomes merged).
    ///
    /// # Errors
    /// As [`Mechanism::outcome_with_priority`], or too many bidders to
    /// enumerate tie orders.
    fn outcomes(&self, bids: &[Bid]) -> Result<Vec<(f64, Outcome)>, MechanismError> {
        let mut out: Vec<(f64, Outcome)> = Vec::new();
        for (p, priority) in self.rules().tie.priorities(bids.len())? {
            let o = self.outcome_with_priority(bids, &priority)?;
            match out.iter_mut().find(|(_, q)| *q == o) {
                Some(slot) => slot.0 += p,
                None => out.push((p, o)),
            }
        }
        Ok(out)
    }
}

/// Checks a profile is non-empty and every bid is finite and non-negative.
///
/// # Errors
/// [`MechanismError::NoBidders`] or [`MechanismError::BadBid`].
pub fn check_bids(bids: &[Bid]) -> Result<(), MechanismError> {
    if bids.is_empty() {
        return Err(MechanismError::NoBidders);
    }
    bids.iter().enumerate().try_for_each(|(i, b)| b.check(i))
}

/// Reads each bid as one number, or says which bidder's bid is not.
///
/// # Errors
/// [`MechanismError::BidShape`].
pub fn single_bids(bids: &[Bid], format: &str) -> Result<Vec<f64>, MechanismError> {
    check_bids(bids)?;
    bids.iter()
        .enumerate()
        .map(|(i, b)| {
            b.as_single().ok_or_else(|| MechanismError::BidShape {
                bidder: i,
                format: format.to_string(),
                expected: "one number",
                got: b.describe(),
            })
        })
        .collect()
}

/// The index of the highest admissible bid, ties broken by `priority`.
pub fn highest(bids: &[f64], rules: &AuctionRules, priority: &Priority) -> Option<usize> {
    (0..bids.len())
        .filter(|&i| rules.admissible(bids[i]))
        .min_by(|&a, &b| {
            bids[b]
                .total_cmp(&bids[a])
                .then(priority.rank(a).cmp(&priority.rank(b)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_bids_are_named() {
        let err = check_bids(&[Bid::Single(1.0), Bid::Single(-2.0)]).expect_err("negative");
        assert_eq!(
            err.to_string(),
            "bidder 1: bids must be finite and >= 0, got -2"
        );
    }

    #[test]
    fn negative_reserve_is_rejected() {
        let r = AuctionRules {
            reserve: -1.0,
            ..AuctionRules::default()
        };
        assert_eq!(
            r.check().expect_err("negative").to_string(),
            "reserve must be finite and >= 0, got -1"
        );
    }
}
