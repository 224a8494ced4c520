//! Pay-as-bid (discriminatory) sealed-bid auction for identical units.

use super::units::{check_units, marginal_bids, ranked_unit_bids};
use super::{AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority};
use crate::values::{Holding, Supply};

/// Pay-as-bid (discriminatory) auction for `m` identical units.
///
/// Bids, admissibility and allocation are those of
/// [`UniformPrice`](super::UniformPrice): the `m` highest admissible unit
/// bids (\\(\ge r\\)) win, equal bids by priority, and units beyond the
/// admissible bids stay unsold. Each winning unit bid is paid: a bidder
/// winning \\(x_i\\) units pays her \\(x_i\\) highest marginal bids,
///
/// \\[ p_i = \sum_{j=1}^{x_i} b_i^j . \\]
///
/// For a single unit this is the first-price auction.
///
/// # Errors
/// [`PayAsBid::new`] rejects `m = 0` and invalid rules;
/// [`Mechanism::outcome`] rejects bids that are not marginal unit bids,
/// increase, or number more than `m`.
///
/// ```
/// use aftermarket::mechanism::{AuctionRules, Bid, Mechanism, PayAsBid, Priority};
/// let m = PayAsBid::new(AuctionRules::default(), 2)?;
/// let bids = [Bid::Marginal(vec![10.0, 4.0]), Bid::Marginal(vec![6.0, 0.0])];
/// let o = m.outcome_with_priority(&bids, &Priority::by_index(2))?;
/// assert_eq!(o.payments, vec![10.0, 6.0]);
/// # Ok::<(), aftermarket::mechanism::MechanismError>(())
/// ```
///
/// ## References
/// Paper 004, Section 2 (discriminatory auction, smooth with
/// \\((1 - 1/e, 1)\\)); de Keijzer, Markakis, Schäfer and Telelis (2013),
/// "Inefficiency of standard multi-unit auctions", ESA.
#[derive(Debug, Clone)]
pub struct PayAsBid {
    rules: AuctionRules,
    m: usize,
}

impl PayAsBid {
    /// Checked constructor.
    ///
    /// # Errors
    /// `m = 0` or invalid rules.
    pub fn new(rules: AuctionRules, m: usize) -> Result<Self, MechanismError> {
        rules.check()?;
        check_units(m)?;
        Ok(PayAsBid { rules, m })
    }
}

impl Mechanism for PayAsBid {
    fn name(&self) -> &str {
        "pay-as-bid"
    }
    fn supply(&self) -> Supply {
        Supply::Units { m: self.m }
    }
    fn rules(&self) -> &AuctionRules {
        &self.rules
    }
    fn outcome_with_priority(
        &self,
        bids: &[Bid],
        priority: &Priority,
    ) -> Result<Outcome, MechanismError> {
        let marg = marginal_bids(bids, self.m, self.name(), true)?;
        let n = marg.len();
        let ranked = ranked_unit_bids(&marg, &self.rules, priority);
        let mut out = Outcome::nothing_sold(n, &self.supply());
        let mut won = vec![0usize; n];
        for u in ranked.iter().take(self.m) {
            won[u.bidder] += 1;
            out.payments[u.bidder] += u.value;
        }
        let sold: usize = won.iter().sum();
        for (h, k) in out.allocation.iter_mut().zip(won) {
            *h = Holding::Units(k);
        }
        out.unsold = Holding::Units(self.m - sold);
        out.winning_bid = ranked.first().filter(|_| sold > 0).map(|u| u.value);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pab(m: usize, reserve: f64) -> PayAsBid {
        PayAsBid::new(
            AuctionRules {
                reserve,
                ..AuctionRules::default()
            },
            m,
        )
        .expect("valid")
    }

    #[test]
    fn each_winning_unit_bid_is_paid() {
        let bids = [
            Bid::Marginal(vec![9.0, 7.0, 1.0]),
            Bid::Marginal(vec![8.0, 2.0]),
        ];
        let o = pab(3, 0.0)
            .outcome_with_priority(&bids, &Priority::by_index(2))
            .expect("ok");
        assert_eq!(o.allocation, vec![Holding::Units(2), Holding::Units(1)]);
        assert!((o.payments[0] - 16.0).abs() < 1e-12);
        assert!((o.payments[1] - 8.0).abs() < 1e-12);
    }

    #[test]
    fn bids_below_reserve_leave_units_unsold() {
        let bids = [Bid::Marginal(vec![9.0, 0.5])];
        let o = pab(2, 1.0)
            .outcome_with_priority(&bids, &Priority::by_index(1))
            .expect("ok");
        assert_eq!(o.allocation[0], Holding::Units(1));
        assert_eq!(o.unsold, Holding::Units(1));
        assert!((o.revenue() - 9.0).abs() < 1e-12);
    }

    #[test]
    fn single_bid_is_one_unit_bid() {
        let o = pab(2, 0.0)
            .outcome_with_priority(&[Bid::Single(3.0)], &Priority::by_index(1))
            .expect("ok");
        assert_eq!(o.allocation[0], Holding::Units(1));
        assert_eq!(o.unsold, Holding::Units(1));
    }

    #[test]
    fn per_item_bids_are_rejected() {
        let err = pab(2, 0.0)
            .outcome_with_priority(&[Bid::PerItem(vec![1.0, 1.0])], &Priority::by_index(1))
            .expect_err("shape");
        assert!(matches!(err, MechanismError::BidShape { .. }));
    }
}
