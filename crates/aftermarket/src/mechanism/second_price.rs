//! Second-price sealed-bid (Vickrey) auction for a single item.

use super::{
    AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority, highest, single_bids,
};
use crate::values::{Holding, Supply};

/// Second-price sealed-bid (Vickrey) auction for one item.
///
/// The highest admissible bid \\(b_{(1)} \ge r\\) wins and pays the larger of
/// the reserve and the highest admissible bid of the others:
///
/// \\[ p = \max\bigl(r,\ \max_{j \ne w,\ b_j \text{ admissible}} b_j\bigr). \\]
///
/// Nobody else pays. With no admissible bid the item stays unsold. Bidding
/// one's value is a weakly dominant strategy.
///
/// # Errors
/// [`SecondPrice::new`] rejects a negative reserve; [`Mechanism::outcome`]
/// rejects bids that are not one finite non-negative number.
///
/// ```
/// use aftermarket::mechanism::{AuctionRules, Bid, Mechanism, Priority, SecondPrice};
/// let m = SecondPrice::new(AuctionRules { reserve: 0.2, ..Default::default() })?;
/// let o = m.outcome_with_priority(&[Bid::Single(0.3), Bid::Single(0.5)], &Priority::by_index(2))?;
/// assert_eq!(o.payments, vec![0.0, 0.3]);
/// # Ok::<(), aftermarket::mechanism::MechanismError>(())
/// ```
///
/// ## References
/// Vickrey (1961), "Counterspeculation, auctions, and competitive sealed
/// tenders", *Journal of Finance* 16(1); the per-market format of paper 000.
#[derive(Debug, Clone)]
pub struct SecondPrice {
    rules: AuctionRules,
}

impl SecondPrice {
    /// Checked constructor.
    ///
    /// # Errors
    /// Invalid rules.
    pub fn new(rules: AuctionRules) -> Result<Self, MechanismError> {
        rules.check()?;
        Ok(SecondPrice { rules })
    }
}

/// The second price faced by the winner `w`: the larger of the reserve and
/// the highest admissible bid among the others (0 if none).
pub(super) fn second_price(bids: &[f64], w: usize, rules: &AuctionRules) -> f64 {
    bids.iter()
        .enumerate()
        .filter(|&(j, &b)| j != w && rules.admissible(b))
        .map(|(_, &b)| b)
        .fold(rules.reserve, f64::max)
}

impl Mechanism for SecondPrice {
    fn name(&self) -> &str {
        "second-price"
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
        if let Some(w) = highest(&b, &self.rules, priority) {
            let p = second_price(&b, w, &self.rules);
            out.allocation[w] = Holding::Units(1);
            out.payments[w] = p;
            out.unsold = Holding::Units(0);
            out.price = Some(p);
            out.winning_bid = Some(b[w]);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(reserve: f64) -> SecondPrice {
        SecondPrice::new(AuctionRules {
            reserve,
            ..AuctionRules::default()
        })
        .expect("valid")
    }

    fn run(m: &SecondPrice, bids: &[f64]) -> Outcome {
        let bids: Vec<Bid> = bids.iter().map(|&b| Bid::Single(b)).collect();
        m.outcome_with_priority(&bids, &Priority::by_index(bids.len()))
            .expect("ok")
    }

    #[test]
    fn winner_pays_second_highest_bid() {
        let o = run(&sp(0.0), &[0.4, 0.9, 0.7]);
        assert_eq!(o.allocation[1], Holding::Units(1));
        assert!((o.payments[1] - 0.7).abs() < 1e-12);
        assert!((o.revenue() - 0.7).abs() < 1e-12);
    }

    #[test]
    fn reserve_sets_the_price_when_others_are_below_it() {
        let o = run(&sp(0.5), &[0.4, 0.9]);
        assert!((o.payments[1] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn lone_bidder_pays_zero_without_reserve() {
        let o = run(&sp(0.0), &[0.6]);
        assert!(o.revenue().abs() < 1e-12);
        assert_eq!(o.unsold, Holding::Units(0));
    }

    #[test]
    fn bids_below_reserve_leave_item_unsold() {
        let o = run(&sp(0.5), &[0.4, 0.3]);
        assert_eq!(o.unsold, Holding::Units(1));
        assert!(o.revenue().abs() < 1e-12);
    }

    #[test]
    fn tie_goes_to_priority_and_price_is_the_tied_bid() {
        let m = sp(0.0);
        let bids = [Bid::Single(0.5), Bid::Single(0.5)];
        let o = m
            .outcome_with_priority(&bids, &Priority::from_order(&[1, 0]))
            .expect("ok");
        assert_eq!(o.allocation[1], Holding::Units(1));
        assert!((o.payments[1] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn zero_bids_cannot_win_when_forbidden() {
        let m = SecondPrice::new(AuctionRules {
            zero_bids_win: false,
            ..AuctionRules::default()
        })
        .expect("valid");
        let o = run(&m, &[0.0, 0.0]);
        assert_eq!(o.unsold, Holding::Units(1));
    }

    #[test]
    fn marginal_bid_lists_are_rejected() {
        let err = sp(0.0)
            .outcome_with_priority(&[Bid::Marginal(vec![1.0, 0.5])], &Priority::by_index(1))
            .expect_err("shape");
        assert!(matches!(err, MechanismError::BidShape { bidder: 0, .. }));
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<SecondPrice>();
    }
}
