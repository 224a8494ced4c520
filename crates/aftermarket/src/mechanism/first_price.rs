//! First-price sealed-bid auction for a single item.

use super::{
    AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority, highest, single_bids,
};
use crate::values::{Holding, Supply};

/// First-price sealed-bid auction for one item.
///
/// The highest admissible bid \\(b_{(1)} \ge r\\) wins and pays its own bid;
/// nobody else pays. With no admissible bid the item stays unsold.
///
/// # Errors
/// [`FirstPrice::new`] rejects a negative reserve; [`Mechanism::outcome`]
/// rejects bids that are not one finite non-negative number.
///
/// ```
/// use aftermarket::mechanism::{Bid, FirstPrice, Mechanism, Priority};
/// let m = FirstPrice::new(Default::default())?;
/// let o = m.outcome_with_priority(&[Bid::Single(0.3), Bid::Single(0.5)], &Priority::by_index(2))?;
/// assert_eq!(o.payments, vec![0.0, 0.5]);
/// # Ok::<(), aftermarket::mechanism::MechanismError>(())
/// ```
///
/// ## References
/// Vickrey (1961); the smoothness bound \\((1 - 1/e, 1)\\) is from
/// Syrgkanis and Tardos (2013), used by papers 003 and 004.
#[derive(Debug, Clone)]
pub struct FirstPrice {
    rules: AuctionRules,
}

impl FirstPrice {
    /// Checked constructor.
    ///
    /// # Errors
    /// Invalid rules.
    pub fn new(rules: AuctionRules) -> Result<Self, MechanismError> {
        rules.check()?;
        Ok(FirstPrice { rules })
    }
}

impl Mechanism for FirstPrice {
    fn name(&self) -> &str {
        "first-price"
    }
    fn supply(&self) -> Supply {
        Supply::Units { m: 1 }
    }
    fn rules(&self) -> &AuctionRules {
        &self.rules
    }
    fn outcome_with_priority(
        &self,
        bids: &[Bid],
        priority: &Priority,
    ) -> Result<Outcome, MechanismError> {
        let b = single_bids(bids, self.name())?;
        let n = b.len();
        let mut out = Outcome::nothing_sold(n, &self.supply());
        if let Some(w) = highest(&b, &self.rules, priority) {
            out.allocation[w] = Holding::Units(1);
            out.payments[w] = b[w];
            out.unsold = Holding::Units(0);
            out.price = Some(b[w]);
            out.winning_bid = Some(b[w]);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(reserve: f64) -> FirstPrice {
        FirstPrice::new(AuctionRules {
            reserve,
            ..AuctionRules::default()
        })
        .expect("valid")
    }

    #[test]
    fn winner_pays_own_bid() {
        let o = fp(0.0)
            .outcome_with_priority(
                &[Bid::Single(0.7), Bid::Single(0.4)],
                &Priority::by_index(2),
            )
            .expect("ok");
        assert_eq!(o.allocation, vec![Holding::Units(1), Holding::Units(0)]);
        assert!((o.revenue() - 0.7).abs() < 1e-12);
    }

    #[test]
    fn bids_below_reserve_leave_item_unsold() {
        let o = fp(0.5)
            .outcome_with_priority(
                &[Bid::Single(0.4), Bid::Single(0.3)],
                &Priority::by_index(2),
            )
            .expect("ok");
        assert_eq!(o.unsold, Holding::Units(1));
        assert!(o.revenue().abs() < 1e-12);
    }

    #[test]
    fn random_ties_split_evenly() {
        let outs = fp(0.0)
            .outcomes(&[Bid::Single(1.0), Bid::Single(1.0)])
            .expect("ok");
        assert_eq!(outs.len(), 2);
        assert!(outs.iter().all(|(p, _)| (p - 0.5).abs() < 1e-12));
    }
}
