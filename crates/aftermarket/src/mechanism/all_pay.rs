//! All-pay sealed-bid auction for a single item.

use super::{
    AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority, highest, single_bids,
};
use crate::values::{Holding, Supply};

/// All-pay sealed-bid auction for one item.
///
/// The highest admissible bid \\(b_{(1)} \ge r\\) wins; every bidder whose
/// bid was entered pays it, win or lose:
///
/// \\[ p_i = b_i \cdot \mathbf{1}\[b_i \ge r\]. \\]
///
/// A bid below the reserve is not entered: it cannot win and is not paid.
/// A bid equal to the reserve is entered (and paid). With
/// `zero_bids_win = false` a zero bid is not entered either, which changes
/// nothing since it pays 0. With no admissible bid the item stays unsold.
///
/// # Errors
/// [`AllPay::new`] rejects a negative reserve; [`Mechanism::outcome`]
/// rejects bids that are not one finite non-negative number.
///
/// ```
/// use aftermarket::mechanism::{AllPay, AuctionRules, Bid, Mechanism, Priority};
/// let m = AllPay::new(AuctionRules { reserve: 0.2, ..Default::default() })?;
/// let bids = [Bid::Single(0.1), Bid::Single(0.3), Bid::Single(0.5)];
/// let o = m.outcome_with_priority(&bids, &Priority::by_index(3))?;
/// assert_eq!(o.payments, vec![0.0, 0.3, 0.5]);
/// # Ok::<(), aftermarket::mechanism::MechanismError>(())
/// ```
///
/// ## References
/// Baye, Kovenock and de Vries (1996), "The all-pay auction with complete
/// information", *Economic Theory* 8(2).
#[derive(Debug, Clone)]
pub struct AllPay {
    rules: AuctionRules,
}

impl AllPay {
    /// Checked constructor.
    ///
    /// # Errors
    /// Invalid rules.
    pub fn new(rules: AuctionRules) -> Result<Self, MechanismError> {
        rules.check()?;
        Ok(AllPay { rules })
    }
}

impl Mechanism for AllPay {
    fn name(&self) -> &str {
        "all-pay"
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
        let mut out = Outcome::nothing_sold(b.len(), &self.supply());
        for (pay, &bi) in out.payments.iter_mut().zip(&b) {
            if self.rules.admissible(bi) {
                *pay = bi;
            }
        }
        if let Some(w) = highest(&b, &self.rules, priority) {
            out.allocation[w] = Holding::Units(1);
            out.unsold = Holding::Units(0);
            out.winning_bid = Some(b[w]);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ap(reserve: f64) -> AllPay {
        AllPay::new(AuctionRules {
            reserve,
            ..AuctionRules::default()
        })
        .expect("valid")
    }

    #[test]
    fn everyone_pays_own_bid() {
        let o = ap(0.0)
            .outcome_with_priority(
                &[Bid::Single(0.7), Bid::Single(0.4)],
                &Priority::by_index(2),
            )
            .expect("ok");
        assert_eq!(o.allocation, vec![Holding::Units(1), Holding::Units(0)]);
        assert!((o.revenue() - 1.1).abs() < 1e-12);
    }

    #[test]
    fn bids_below_reserve_are_not_entered_and_not_paid() {
        let o = ap(0.5)
            .outcome_with_priority(
                &[Bid::Single(0.4), Bid::Single(0.5)],
                &Priority::by_index(2),
            )
            .expect("ok");
        assert!(o.payments[0].abs() < 1e-12);
        assert!((o.payments[1] - 0.5).abs() < 1e-12);
        assert_eq!(o.allocation[1], Holding::Units(1));
    }

    #[test]
    fn nothing_admissible_means_unsold_and_no_payments() {
        let o = ap(1.0)
            .outcome_with_priority(
                &[Bid::Single(0.4), Bid::Single(0.5)],
                &Priority::by_index(2),
            )
            .expect("ok");
        assert_eq!(o.unsold, Holding::Units(1));
        assert!(o.revenue().abs() < 1e-12);
    }

    #[test]
    fn package_bids_are_rejected() {
        let err = ap(0.0)
            .outcome_with_priority(&[Bid::Packages(vec![])], &Priority::by_index(1))
            .expect_err("shape");
        assert!(matches!(err, MechanismError::BidShape { .. }));
    }
}
