//! Aftermarkets (M2): trade among bidders after the auction.
//!
//! An [`Aftermarket`] starts from the auction's allocation and returns the
//! holdings after trade, the net payment each bidder makes (positive pays,
//! negative receives), any deadweight trade costs, and the list of trades.
//! Papers 003 and 004 require two properties of every aftermarket (their
//! Definitions 1 and 2), and this module states them as checkable
//! functions:
//!
//! - **voluntary participation**: every agent has an opt-out action that
//!   guarantees it the value of what it holds ([`ResaleContext::opted_out`]
//!   marks agents taking it; [`check_voluntary_participation`]);
//! - **weak budget balance**: net payments sum to \\(\ge 0\\), the market never
//!   subsidises trade ([`check_budget_balance`]).
//!
//! Each aftermarket may be random (a trade that happens only with
//! probability p); it then lists its branches with probabilities, so the
//! runner can average exactly or sample.

mod bid_contingent;
mod competitive;
mod efficient;
mod monopolist;
mod nash;
mod none;
mod offer;
mod pricing;
mod sequential;
mod take_it_or_leave_it;
#[cfg(test)]
mod test_laws;
mod winner_posts;

pub use bid_contingent::BidContingentTrade;
pub use competitive::Competitive;
pub use monopolist::{MonopolistReseller, MonopolyOffer};
pub use nash::{CostBearer, NashBargaining};
pub use none::NoResale;
pub use sequential::SequentialPostedPrices;
pub use take_it_or_leave_it::{Proposer, TakeItOrLeaveIt};
pub use winner_posts::WinnerPostsPrice;

use std::fmt::Debug;
use std::sync::Arc;

use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::disclosure::Observation;
use crate::prior::TypePrior;
use crate::values::{Holding, Supply, Valuation, ValuesError};

/// Errors raised by an aftermarket.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ResaleError {
    /// A parameter broke a rule.
    #[error("{param} {rule}, got {value}")]
    InvalidParameter {
        /// Which parameter.
        param: &'static str,
        /// The rule.
        rule: &'static str,
        /// The offending value.
        value: String,
    },
    /// The aftermarket cannot handle these goods.
    #[error("{market} does not support {what}")]
    Unsupported {
        /// The aftermarket.
        market: String,
        /// What it cannot do.
        what: String,
    },
    /// A valuation could not value a holding.
    #[error(transparent)]
    Values(#[from] ValuesError),
}

/// What one agent believes about another's valuation.
#[derive(Debug, Clone)]
pub enum Belief {
    /// The valuation is known (complete information, or revealed).
    Known(Valuation),
    /// A law over the valuation (the prior, possibly conditioned on what
    /// the disclosure revealed).
    Distribution(Arc<dyn TypePrior>),
}

/// Whether a buyer indifferent between accepting and rejecting accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Indifference {
    /// Accept at indifference (makes the seller's optimal price attained).
    #[default]
    Accept,
    /// Reject at indifference.
    Reject,
}

impl Indifference {
    /// Whether a buyer with surplus `gain` from accepting accepts.
    pub fn accepts(self, gain: f64) -> bool {
        match self {
            Indifference::Accept => gain >= -INDIFFERENCE_TOL,
            Indifference::Reject => gain > INDIFFERENCE_TOL,
        }
    }
}

/// Surpluses within this of zero count as indifference.
pub const INDIFFERENCE_TOL: f64 = 1e-12;

/// Everything an aftermarket may use.
#[derive(Debug, Clone, Copy)]
pub struct ResaleContext<'a> {
    /// What is traded.
    pub supply: Supply,
    /// Holdings after the auction.
    pub holdings: &'a [Holding],
    /// True valuations (each agent acts on its own).
    pub valuations: &'a [Valuation],
    /// `beliefs[i][j]`: what `i` believes about `j` (entry `i` is its own,
    /// known, valuation).
    pub beliefs: &'a [Vec<Belief>],
    /// What each agent saw after the auction.
    pub observations: &'a [Observation],
    /// Agents taking the opt-out action: they neither buy nor sell.
    pub opted_out: &'a [bool],
}

impl ResaleContext<'_> {
    /// Number of agents.
    pub fn n(&self) -> usize {
        self.holdings.len()
    }

    /// Whether agent `i` takes part.
    pub fn active(&self, i: usize) -> bool {
        !self.opted_out.get(i).copied().unwrap_or(false)
    }

    /// Value to agent `i` of holding `h`.
    ///
    /// # Errors
    /// A holding of the wrong kind.
    pub fn value(&self, i: usize, h: &Holding) -> Result<f64, ResaleError> {
        Ok(self.valuations[i].value(h)?)
    }
}

/// One trade: `quantity` units (or the items `items`) from `seller` to
/// `buyer` for `price` in total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trade {
    /// Who gives up the goods.
    pub seller: usize,
    /// Who receives them.
    pub buyer: usize,
    /// Units, or items counted.
    pub quantity: usize,
    /// Total price paid by the buyer to the seller.
    pub price: f64,
}

/// What an aftermarket did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResaleOutcome {
    /// Holdings after trade.
    pub holdings: Vec<Holding>,
    /// Net payment each agent makes (positive pays, negative receives).
    pub payments: Vec<f64>,
    /// Deadweight trade costs each agent bears.
    pub costs: Vec<f64>,
    /// The trades, in order.
    pub trades: Vec<Trade>,
}

impl ResaleOutcome {
    /// No trade: holdings unchanged, nothing paid.
    pub fn no_trade(holdings: &[Holding]) -> Self {
        ResaleOutcome {
            holdings: holdings.to_vec(),
            payments: vec![0.0; holdings.len()],
            costs: vec![0.0; holdings.len()],
            trades: Vec::new(),
        }
    }

    /// Units or items that changed hands.
    pub fn volume(&self) -> usize {
        self.trades.iter().map(|t| t.quantity).sum()
    }

    /// Net payments summed: ≥ 0 under weak budget balance; what is left
    /// goes to the market maker.
    pub fn surplus(&self) -> f64 {
        self.payments.iter().sum()
    }

    /// Records a trade of `quantity` from `seller` to `buyer` at total
    /// `price`, updating payments (holdings are the caller's job).
    pub fn record(&mut self, seller: usize, buyer: usize, quantity: usize, price: f64) {
        self.payments[buyer] += price;
        self.payments[seller] -= price;
        self.trades.push(Trade {
            seller,
            buyer,
            quantity,
            price,
        });
    }
}

/// An aftermarket.
pub trait Aftermarket: Debug + Send + Sync {
    /// A short name.
    fn name(&self) -> &str;
    /// The opt-out action, in words.
    fn opt_out(&self) -> &str;
    /// Every branch of the aftermarket's play with its probability
    /// (one branch when the play is deterministic).
    ///
    /// # Errors
    /// Goods the aftermarket cannot handle; invalid valuations.
    fn outcomes(&self, ctx: &ResaleContext<'_>) -> Result<Vec<(f64, ResaleOutcome)>, ResaleError>;

    /// Whether play depends on beliefs and observations. Complete-information
    /// aftermarkets say no, and the runner then skips forming beliefs.
    fn uses_beliefs(&self) -> bool {
        true
    }

    /// One draw of the aftermarket's play.
    ///
    /// # Errors
    /// As [`Aftermarket::outcomes`].
    fn trade(
        &self,
        ctx: &ResaleContext<'_>,
        rng: &mut dyn Rng,
    ) -> Result<ResaleOutcome, ResaleError> {
        let mut branches = self.outcomes(ctx)?;
        if branches.len() == 1 {
            return Ok(branches.swap_remove(0).1);
        }
        let u: f64 = rng.random();
        let mut acc = 0.0;
        let last = branches.len() - 1;
        let mut pick = last;
        for (k, (p, _)) in branches.iter().enumerate() {
            acc += p;
            if u < acc {
                pick = k;
                break;
            }
        }
        Ok(branches.swap_remove(pick).1)
    }
}

/// Tolerance for the accounting checks below.
pub const ACCOUNTING_TOL: f64 = 1e-9;

/// Weak budget balance: net payments sum to at least zero.
pub fn check_budget_balance(o: &ResaleOutcome) -> Result<(), String> {
    let s = o.surplus();
    if s < -ACCOUNTING_TOL {
        return Err(format!("aftermarket subsidises trade: payments sum to {s}"));
    }
    Ok(())
}

/// Voluntary participation: every agent that opted out ends with its
/// holding, pays nothing and bears no cost.
pub fn check_voluntary_participation(
    ctx: &ResaleContext<'_>,
    o: &ResaleOutcome,
) -> Result<(), String> {
    for i in 0..ctx.n() {
        if ctx.active(i) {
            continue;
        }
        if o.holdings[i] != ctx.holdings[i]
            || o.payments[i].abs() > ACCOUNTING_TOL
            || o.costs[i].abs() > ACCOUNTING_TOL
        {
            return Err(format!(
                "agent {i} opted out but its holding went {} -> {}, it paid {} and bore {}",
                ctx.holdings[i], o.holdings[i], o.payments[i], o.costs[i]
            ));
        }
    }
    Ok(())
}

/// Ex-post individual rationality of the aftermarket's play: no agent ends
/// worse off than with its initial holding.
///
/// # Errors
/// A description of the first agent made worse off.
pub fn check_ex_post_ir(ctx: &ResaleContext<'_>, o: &ResaleOutcome) -> Result<(), String> {
    for i in 0..ctx.n() {
        let before = ctx.value(i, &ctx.holdings[i]).map_err(|e| e.to_string())?;
        let after =
            ctx.value(i, &o.holdings[i]).map_err(|e| e.to_string())? - o.payments[i] - o.costs[i];
        if after < before - ACCOUNTING_TOL {
            return Err(format!(
                "agent {i} ends with {after} < {before} before trade"
            ));
        }
    }
    Ok(())
}

/// Goods are conserved: the total held before and after trade agree.
pub fn check_conservation(ctx: &ResaleContext<'_>, o: &ResaleOutcome) -> Result<(), String> {
    let before: usize = ctx.holdings.iter().map(Holding::count).sum();
    let after: usize = o.holdings.iter().map(Holding::count).sum();
    if before != after {
        return Err(format!(
            "goods not conserved: {before} before, {after} after"
        ));
    }
    Ok(())
}
