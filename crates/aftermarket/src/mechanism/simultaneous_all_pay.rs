//! Simultaneous all-pay auctions, one per distinct item.

use super::simultaneous_first_price::{ItemPayment, check_items, item_by_item};
use super::{AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority};
use crate::values::Supply;

/// Simultaneous all-pay auctions for `n_items` distinct items.
///
/// Each bidder submits one bid per item, [`Bid::PerItem`] of length
/// `n_items`. Item \\(k\\) is sold in its own all-pay auction: the highest
/// admissible bid \\(b_{i,k} \ge r\\) wins it (equal bids by priority) and every
/// admissible bid on it is paid, win or lose:
///
/// \\[ p_i = \sum_k b_{i,k}\, \mathbf{1}\[b_{i,k} \ge r\]. \\]
///
/// As in [`AllPay`](super::AllPay), a bid below the reserve is not entered
/// and not paid. A bidder's holding is the set of items she won; items with
/// no admissible bid stay unsold. The reserve is per item.
///
/// # Errors
/// [`SimultaneousAllPay::new`] rejects `n_items` outside `1..=16` and
/// invalid rules; [`Mechanism::outcome`] rejects bids that are not
/// `n_items` per-item bids.
///
/// ```
/// use aftermarket::mechanism::{AuctionRules, Bid, Mechanism, Priority, SimultaneousAllPay};
/// let m = SimultaneousAllPay::new(AuctionRules::default(), 2)?;
/// let bids = [Bid::PerItem(vec![0.5, 0.25]), Bid::PerItem(vec![0.25, 0.5])];
/// let o = m.outcome_with_priority(&bids, &Priority::by_index(2))?;
/// assert_eq!(o.payments, vec![0.75, 0.75]);
/// # Ok::<(), aftermarket::mechanism::MechanismError>(())
/// ```
///
/// ## References
/// Baye, Kovenock and de Vries (1996); Syrgkanis and Tardos (2013)
/// (all-pay is \\((1/2, 1)\\)-smooth and smoothness composes across
/// simultaneous auctions), used by papers 003 and 004.
#[derive(Debug, Clone)]
pub struct SimultaneousAllPay {
    rules: AuctionRules,
    n_items: usize,
}

impl SimultaneousAllPay {
    /// Checked constructor.
    ///
    /// # Errors
    /// `n_items` outside `1..=16` or invalid rules.
    pub fn new(rules: AuctionRules, n_items: usize) -> Result<Self, MechanismError> {
        rules.check()?;
        check_items(n_items)?;
        Ok(SimultaneousAllPay { rules, n_items })
    }
}

impl Mechanism for SimultaneousAllPay {
    fn name(&self) -> &str {
        "simultaneous-all-pay"
    }
    fn supply(&self) -> Supply {
        Supply::Items { n: self.n_items }
    }
    fn rules(&self) -> &AuctionRules {
        &self.rules
    }
    fn outcome_with_priority(
        &self,
        bids: &[Bid],
        priority: &Priority,
    ) -> Result<Outcome, MechanismError> {
        item_by_item(
            self.name(),
            &self.rules,
            self.n_items,
            bids,
            priority,
            ItemPayment::AllAdmissible,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::{Holding, ItemSet};

    fn sap(n_items: usize, reserve: f64) -> SimultaneousAllPay {
        SimultaneousAllPay::new(
            AuctionRules {
                reserve,
                ..AuctionRules::default()
            },
            n_items,
        )
        .expect("valid")
    }

    #[test]
    fn every_entered_bid_is_paid() {
        let bids = [Bid::PerItem(vec![0.6, 0.1]), Bid::PerItem(vec![0.4, 0.7])];
        let o = sap(2, 0.0)
            .outcome_with_priority(&bids, &Priority::by_index(2))
            .expect("ok");
        assert_eq!(o.allocation[0], Holding::Items(ItemSet::singleton(0)));
        assert_eq!(o.allocation[1], Holding::Items(ItemSet::singleton(1)));
        assert!((o.payments[0] - 0.7).abs() < 1e-12);
        assert!((o.payments[1] - 1.1).abs() < 1e-12);
    }

    #[test]
    fn bids_below_reserve_are_not_paid() {
        let bids = [Bid::PerItem(vec![0.6, 0.3])];
        let o = sap(2, 0.5)
            .outcome_with_priority(&bids, &Priority::by_index(1))
            .expect("ok");
        assert!((o.payments[0] - 0.6).abs() < 1e-12);
        assert_eq!(o.unsold, Holding::Items(ItemSet::singleton(1)));
    }

    #[test]
    fn single_bids_are_rejected() {
        let err = sap(2, 0.0)
            .outcome_with_priority(&[Bid::Single(1.0)], &Priority::by_index(1))
            .expect_err("shape");
        assert!(matches!(err, MechanismError::BidShape { .. }));
    }
}
