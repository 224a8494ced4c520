//! A trade rule that conditions on the revealed bids (paper 003, Example 4).

use super::pricing::move_units;
use super::{Aftermarket, Indifference, ResaleContext, ResaleError, ResaleOutcome};
use crate::values::Holding;

/// Bids within this of the trigger count as equal.
pub const TRIGGER_TOL: f64 = 1e-9;

/// Trade is possible only after one revealed bid profile: when the bids are
/// exactly `trigger`, `seller` may sell one unit to `buyer`; the buyer pays
/// `buyer_pays`, the seller receives `seller_receives` and each listed
/// third party receives its side payment. The trade happens iff the seller
/// holds a unit and both accept, each comparing its true gain with zero
/// (accepting at indifference, or not, as `indifference` says).
///
/// With the trigger \\((0, 2, 1)\\), seller 2 receiving 3, buyer 3 paying
/// 4 and agent 1 receiving 1, this is the aftermarket of paper 003's
/// Example 4: it is strongly budget balanced,
/// \\(4 - 3 - 1 = 0\\), and voluntary (the opt-out is to refuse), but its
/// terms depend on every bid, so a bidder can steer it by its auction bid.
/// The rule needs a disclosure that reveals every bid (`all-bids`).
///
/// ```
/// use aftermarket::disclosure::{Disclosure, Policy};
/// use aftermarket::mechanism::{Bid, Outcome};
/// use aftermarket::resale::{Aftermarket, BidContingentTrade, Indifference, ResaleContext};
/// use aftermarket::values::{Holding, Supply, Valuation};
/// let rule = BidContingentTrade::new(vec![0.0, 2.0, 1.0], 1, 2, 3.0, 4.0, vec![(0, 1.0)], Indifference::Accept)?;
/// let vals = [Valuation::single(1.1)?, Valuation::single(2.0)?, Valuation::single(10.0)?];
/// let bids = [Bid::Single(0.0), Bid::Single(2.0), Bid::Single(1.0)];
/// let holdings = vec![Holding::Units(0), Holding::Units(1), Holding::Units(0)];
/// let outcome = Outcome {
///     allocation: holdings.clone(),
///     payments: vec![0.0, 2.0, 0.0],
///     unsold: Holding::Units(0),
///     price: Some(2.0),
///     winning_bid: Some(2.0),
/// };
/// let obs: Vec<_> = (0..3).map(|i| Policy::AllBids.observe(i, &bids, &outcome)).collect();
/// let ctx = ResaleContext {
///     supply: Supply::Units { m: 1 },
///     holdings: &holdings,
///     valuations: &vals,
///     beliefs: &[],
///     observations: &obs,
///     opted_out: &[],
/// };
/// let o = &rule.outcomes(&ctx)?[0].1;
/// assert_eq!(o.payments, vec![-1.0, -3.0, 4.0]);
/// assert_eq!(o.holdings[2], Holding::Units(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`BidContingentTrade::new`] rejects a trigger or payment that is
/// negative or not finite, a seller who is also the buyer or a side
/// recipient, and terms that subsidise trade. [`Aftermarket::outcomes`]
/// returns [`ResaleError::Unsupported`] when the bids are not revealed or
/// the goods are not units, and [`ResaleError::InvalidParameter`] when the
/// trigger's length differs from the number of agents.
///
/// ## References
/// - Babaioff, Immorlica, Li and Lucier, "On the impact of information
///   acquisition and aftermarkets on auction efficiency", Example 4
///   (seed 003).
#[derive(Debug, Clone, PartialEq)]
pub struct BidContingentTrade {
    trigger: Vec<f64>,
    seller: usize,
    buyer: usize,
    seller_receives: f64,
    buyer_pays: f64,
    side_payments: Vec<(usize, f64)>,
    indifference: Indifference,
}

impl BidContingentTrade {
    /// The rule described in the type docs.
    ///
    /// # Errors
    /// See the type docs.
    pub fn new(
        trigger: Vec<f64>,
        seller: usize,
        buyer: usize,
        seller_receives: f64,
        buyer_pays: f64,
        side_payments: Vec<(usize, f64)>,
        indifference: Indifference,
    ) -> Result<Self, ResaleError> {
        let bad = |param: &'static str, rule: &'static str, value: String| {
            Err(ResaleError::InvalidParameter { param, rule, value })
        };
        if let Some(x) = trigger.iter().find(|x| !x.is_finite() || **x < 0.0) {
            return bad("trigger", "bids must be finite and >= 0", x.to_string());
        }
        if seller == buyer {
            return bad("buyer", "must differ from the seller", buyer.to_string());
        }
        for (name, x) in [
            ("seller_receives", seller_receives),
            ("buyer_pays", buyer_pays),
        ] {
            if !x.is_finite() || x < 0.0 {
                return bad(name, "must be finite and >= 0", x.to_string());
            }
        }
        let mut paid_out = seller_receives;
        for &(k, x) in &side_payments {
            if k == seller || k == buyer {
                return bad(
                    "side_payments",
                    "must go to agents other than the seller and the buyer",
                    k.to_string(),
                );
            }
            if !x.is_finite() || x < 0.0 {
                return bad("side_payments", "must be finite and >= 0", x.to_string());
            }
            paid_out += x;
        }
        if paid_out > buyer_pays + super::ACCOUNTING_TOL {
            return bad(
                "buyer_pays",
                "must cover what the seller and third parties receive (no subsidy)",
                format!("{buyer_pays} < {paid_out}"),
            );
        }
        Ok(BidContingentTrade {
            trigger,
            seller,
            buyer,
            seller_receives,
            buyer_pays,
            side_payments,
            indifference,
        })
    }

    /// The bid profile that allows trade.
    pub fn trigger(&self) -> &[f64] {
        &self.trigger
    }

    fn triggered(&self, ctx: &ResaleContext<'_>) -> Result<bool, ResaleError> {
        let bids = ctx
            .observations
            .get(self.seller)
            .and_then(|o| o.bids.as_ref())
            .ok_or_else(|| ResaleError::Unsupported {
                market: self.name().into(),
                what: "a disclosure that hides the bids (use all-bids)".into(),
            })?;
        if bids.len() != self.trigger.len() {
            return Err(ResaleError::InvalidParameter {
                param: "trigger",
                rule: "needs one bid per agent",
                value: format!("{} bids for {} agents", self.trigger.len(), bids.len()),
            });
        }
        Ok(bids
            .iter()
            .zip(&self.trigger)
            .all(|(b, t)| b.as_single().is_some_and(|x| (x - t).abs() <= TRIGGER_TOL)))
    }
}

impl Aftermarket for BidContingentTrade {
    fn name(&self) -> &str {
        "bid-contingent"
    }
    fn opt_out(&self) -> &str {
        "refuse the trade"
    }
    fn outcomes(&self, ctx: &ResaleContext<'_>) -> Result<Vec<(f64, ResaleOutcome)>, ResaleError> {
        let mut out = ResaleOutcome::no_trade(ctx.holdings);
        let n = ctx.n();
        if self.seller >= n || self.buyer >= n || self.side_payments.iter().any(|(k, _)| *k >= n) {
            return Err(ResaleError::InvalidParameter {
                param: "seller",
                rule: "seller, buyer and side recipients must be existing agents",
                value: format!("{n} agents"),
            });
        }
        let (Holding::Units(held), Holding::Units(bought)) =
            (&ctx.holdings[self.seller], &ctx.holdings[self.buyer])
        else {
            return Err(ResaleError::Unsupported {
                market: self.name().into(),
                what: "distinct items".into(),
            });
        };
        if *held == 0
            || !ctx.active(self.seller)
            || !ctx.active(self.buyer)
            || !self.triggered(ctx)?
        {
            return Ok(vec![(1.0, out)]);
        }
        let keep = ctx.value(self.seller, &Holding::Units(*held))?
            - ctx.value(self.seller, &Holding::Units(held - 1))?;
        let gain = ctx.value(self.buyer, &Holding::Units(bought + 1))?
            - ctx.value(self.buyer, &Holding::Units(*bought))?;
        if self.indifference.accepts(self.seller_receives - keep)
            && self.indifference.accepts(gain - self.buyer_pays)
        {
            let mut holdings = ctx.holdings.to_vec();
            move_units(&mut holdings, self.seller, self.buyer, 1);
            out.holdings = holdings;
            out.record(self.seller, self.buyer, 1, self.seller_receives);
            out.payments[self.buyer] += self.buyer_pays - self.seller_receives;
            for &(k, x) in &self.side_payments {
                out.payments[k] -= x;
            }
        }
        Ok(vec![(1.0, out)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsidised_terms_are_rejected() {
        let err = BidContingentTrade::new(
            vec![0.0, 2.0, 1.0],
            1,
            2,
            3.0,
            3.5,
            vec![(0, 1.0)],
            Indifference::Accept,
        )
        .expect_err("subsidy");
        assert!(
            err.to_string().starts_with("buyer_pays must cover"),
            "{err}"
        );
    }

    #[test]
    fn seller_cannot_be_the_buyer() {
        let err = BidContingentTrade::new(vec![0.0], 0, 0, 1.0, 1.0, vec![], Indifference::Accept)
            .expect_err("same");
        assert_eq!(err.to_string(), "buyer must differ from the seller, got 0");
    }
}
