//! Vickrey auction with separate bidding: one second-price auction per unit.

use super::second_price::second_price;
use super::units::{check_units, per_market_bids};
use super::{AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority, highest};
use crate::values::{Holding, Supply};

/// Vickrey auction with separate bidding for `m` units (paper 000,
/// Section 2.1): `m` simultaneous second-price sealed-bid auctions, one per
/// unit market, with no package bids.
///
/// Each bidder submits one bid per market, [`Bid::PerItem`] of length `m`
/// (a bidder absent from market \\(k\\), such as paper 000's local \\(i\\) in
/// markets \\(k \ne i\\), bids 0 there). In market \\(k\\) the highest
/// admissible bid \\(b_{i,k} \ge r\\) wins the unit (equal bids by priority)
/// and pays
///
/// \\[ p_k = \max\bigl(r,\ \max_{j \ne w_k,\ b_{j,k} \text{ admissible}} b_{j,k}\bigr), \\]
///
/// the second-highest bid of that market. A bidder's holding is the number
/// of markets she won and her payment the sum of her prices; a market with
/// no admissible bid leaves its unit unsold. Zero bids win a market only
/// when every bid in it is 0 and `zero_bids_win` is set: set it to `false`
/// so that absent bidders never win. [`VickreySeparate::market_winners`]
/// tells which market each unit came from, for resale to the market's
/// losers.
///
/// # Errors
/// [`VickreySeparate::new`] rejects `m = 0` and invalid rules;
/// [`Mechanism::outcome`] rejects bids that are not `m` per-market bids.
///
/// ```
/// use aftermarket::mechanism::{AuctionRules, Bid, Mechanism, Priority, VickreySeparate};
/// // Paper 000, N = 2: locals bid 0.6 (market 1) and 0.5 (market 2); the
/// // global bids v^2/2 = 0.75 in each market and wins both, paying 0.6 + 0.5.
/// let m = VickreySeparate::new(AuctionRules::default(), 2)?;
/// let bids = [
///     Bid::PerItem(vec![0.6, 0.0]),
///     Bid::PerItem(vec![0.0, 0.5]),
///     Bid::PerItem(vec![0.75, 0.75]),
/// ];
/// let o = m.outcome_with_priority(&bids, &Priority::by_index(3))?;
/// assert!((o.payments[2] - 1.1).abs() < 1e-12);
/// # Ok::<(), aftermarket::mechanism::MechanismError>(())
/// ```
///
/// ## References
/// Paper 000, Section 2.1 and Propositions 1-3, 5-8 (separate bidding is
/// inefficient and, with resale, has no efficient robust equilibrium);
/// Vickrey (1961).
#[derive(Debug, Clone)]
pub struct VickreySeparate {
    rules: AuctionRules,
    m: usize,
}

impl VickreySeparate {
    /// Checked constructor.
    ///
    /// # Errors
    /// `m = 0` or invalid rules.
    pub fn new(rules: AuctionRules, m: usize) -> Result<Self, MechanismError> {
        rules.check()?;
        check_units(m)?;
        Ok(VickreySeparate { rules, m })
    }

    /// The winner of each unit market (`None`: unsold) and its price.
    ///
    /// # Errors
    /// As [`Mechanism::outcome_with_priority`].
    pub fn market_winners(
        &self,
        bids: &[Bid],
        priority: &Priority,
    ) -> Result<Vec<Option<(usize, f64)>>, MechanismError> {
        let markets = per_market_bids(bids, self.m, self.name(), "one bid per unit market")?;
        Ok(markets
            .iter()
            .map(|b| {
                highest(b, &self.rules, priority).map(|w| (w, second_price(b, w, &self.rules)))
            })
            .collect())
    }
}

impl Mechanism for VickreySeparate {
    fn name(&self) -> &str {
        "vickrey-separate"
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
        let winners = self.market_winners(bids, priority)?;
        let mut out = Outcome::nothing_sold(bids.len(), &self.supply());
        let mut won = vec![0usize; bids.len()];
        let mut best: Option<f64> = None;
        for (k, &(w, p)) in winners
            .iter()
            .enumerate()
            .filter_map(|(k, x)| x.as_ref().map(|x| (k, x)))
        {
            won[w] += 1;
            out.payments[w] += p;
            if let Bid::PerItem(v) = &bids[w] {
                best = v.get(k).copied().into_iter().chain(best).reduce(f64::max);
            }
        }
        let sold: usize = won.iter().sum();
        for (h, k) in out.allocation.iter_mut().zip(won) {
            *h = Holding::Units(k);
        }
        out.unsold = Holding::Units(self.m - sold);
        out.winning_bid = best;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vs(m: usize, reserve: f64) -> VickreySeparate {
        VickreySeparate::new(
            AuctionRules {
                reserve,
                ..AuctionRules::default()
            },
            m,
        )
        .expect("valid")
    }

    #[test]
    fn each_market_is_a_second_price_auction() {
        let bids = [
            Bid::PerItem(vec![0.6, 0.0]),
            Bid::PerItem(vec![0.0, 1.0]),
            Bid::PerItem(vec![0.75, 0.75]),
        ];
        let o = vs(2, 0.0)
            .outcome_with_priority(&bids, &Priority::by_index(3))
            .expect("ok");
        assert_eq!(
            o.allocation,
            vec![Holding::Units(0), Holding::Units(1), Holding::Units(1)]
        );
        assert!((o.payments[1] - 0.75).abs() < 1e-12);
        assert!((o.payments[2] - 0.6).abs() < 1e-12);
    }

    #[test]
    fn market_winners_name_the_market() {
        let bids = [Bid::PerItem(vec![0.6, 0.0]), Bid::PerItem(vec![0.2, 0.3])];
        let w = vs(2, 0.0)
            .market_winners(&bids, &Priority::by_index(2))
            .expect("ok");
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].map(|(i, _)| i), Some(0));
        assert_eq!(w[1].map(|(i, _)| i), Some(1));
    }

    #[test]
    fn reserve_leaves_a_market_unsold() {
        let bids = [Bid::PerItem(vec![0.6, 0.1]), Bid::PerItem(vec![0.2, 0.3])];
        let o = vs(2, 0.5)
            .outcome_with_priority(&bids, &Priority::by_index(2))
            .expect("ok");
        assert_eq!(o.unsold, Holding::Units(1));
        assert!((o.payments[0] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn absent_bidders_never_win_without_zero_bids() {
        let m = VickreySeparate::new(
            AuctionRules {
                zero_bids_win: false,
                ..AuctionRules::default()
            },
            2,
        )
        .expect("valid");
        let bids = [Bid::PerItem(vec![0.6, 0.0]), Bid::PerItem(vec![0.0, 0.0])];
        let o = m
            .outcome_with_priority(&bids, &Priority::by_index(2))
            .expect("ok");
        assert_eq!(o.allocation, vec![Holding::Units(1), Holding::Units(0)]);
        assert_eq!(o.unsold, Holding::Units(1));
    }

    #[test]
    fn wrong_number_of_market_bids_is_rejected() {
        let err = vs(2, 0.0)
            .outcome_with_priority(&[Bid::PerItem(vec![1.0])], &Priority::by_index(1))
            .expect_err("one market bid");
        assert!(matches!(err, MechanismError::BidShape { bidder: 0, .. }));
        let err = vs(2, 0.0)
            .outcome_with_priority(&[Bid::Marginal(vec![1.0, 1.0])], &Priority::by_index(1))
            .expect_err("marginal");
        assert!(err.to_string().contains("one bid per unit market"));
    }
}
