//! Simultaneous first-price auctions, one per distinct item.

use super::units::per_market_bids;
use super::{AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority, highest};
use crate::values::{Holding, ItemSet, PackageValues, Supply};

/// Checks a number of distinct items is between 1 and
/// [`PackageValues::MAX_ITEMS`].
pub(super) fn check_items(n_items: usize) -> Result<(), MechanismError> {
    if n_items == 0 || n_items > PackageValues::MAX_ITEMS {
        return Err(MechanismError::InvalidParameter {
            param: "n_items",
            rule: "must be between 1 and 16",
            value: n_items.to_string(),
        });
    }
    Ok(())
}

/// Simultaneous first-price auctions for `n_items` distinct items.
///
/// Each bidder submits one bid per item, [`Bid::PerItem`] of length
/// `n_items`. Item \\(k\\) is sold in its own first-price auction: the highest
/// admissible bid \\(b_{i,k} \ge r\\) wins it (equal bids by priority) and pays
/// its bid. A bidder's holding is the set of items she won,
/// \\(S_i = \{k : w_k = i\}\\), and she pays \\(\sum_{k \in S_i} b_{i,k}\\). Items
/// with no admissible bid stay unsold. The reserve is per item.
///
/// # Errors
/// [`SimultaneousFirstPrice::new`] rejects `n_items` outside `1..=16` and
/// invalid rules; [`Mechanism::outcome`] rejects bids that are not
/// `n_items` per-item bids.
///
/// ```
/// use aftermarket::mechanism::{AuctionRules, Bid, Mechanism, Priority, SimultaneousFirstPrice};
/// let m = SimultaneousFirstPrice::new(AuctionRules::default(), 2)?;
/// let bids = [Bid::PerItem(vec![0.6, 0.1]), Bid::PerItem(vec![0.4, 0.7])];
/// let o = m.outcome_with_priority(&bids, &Priority::by_index(2))?;
/// assert_eq!(o.payments, vec![0.6, 0.7]);
/// # Ok::<(), aftermarket::mechanism::MechanismError>(())
/// ```
///
/// ## References
/// Paper 003 (independent item auctions followed by resale); Syrgkanis and
/// Tardos (2013), "Composable and efficient mechanisms", STOC (smoothness
/// composes across simultaneous auctions).
#[derive(Debug, Clone)]
pub struct SimultaneousFirstPrice {
    rules: AuctionRules,
    n_items: usize,
}

impl SimultaneousFirstPrice {
    /// Checked constructor.
    ///
    /// # Errors
    /// `n_items` outside `1..=16` or invalid rules.
    pub fn new(rules: AuctionRules, n_items: usize) -> Result<Self, MechanismError> {
        rules.check()?;
        check_items(n_items)?;
        Ok(SimultaneousFirstPrice { rules, n_items })
    }
}

impl Mechanism for SimultaneousFirstPrice {
    fn name(&self) -> &str {
        "simultaneous-first-price"
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
            ItemPayment::Winner,
        )
    }
}

/// Who pays in each item's auction of a simultaneous format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ItemPayment {
    /// The winner pays its bid (first price).
    Winner,
    /// Every admissible bid is paid (all-pay).
    AllAdmissible,
}

/// One single-item auction per item, run side by side: the highest
/// admissible bid on item `k` wins it; payments per `pay`.
pub(super) fn item_by_item(
    name: &str,
    rules: &AuctionRules,
    n_items: usize,
    bids: &[Bid],
    priority: &Priority,
    pay: ItemPayment,
) -> Result<Outcome, MechanismError> {
    let items = per_market_bids(bids, n_items, name, "one bid per item")?;
    let mut out = Outcome::nothing_sold(bids.len(), &Supply::Items { n: n_items });
    let mut won = vec![ItemSet::EMPTY; bids.len()];
    let mut unsold = ItemSet::full(n_items);
    for (k, b) in items.iter().enumerate() {
        if pay == ItemPayment::AllAdmissible {
            for (p, &x) in out.payments.iter_mut().zip(b) {
                if rules.admissible(x) {
                    *p += x;
                }
            }
        }
        if let Some(w) = highest(b, rules, priority) {
            won[w] = won[w].union(ItemSet::singleton(k));
            unsold = unsold.difference(ItemSet::singleton(k));
            if pay == ItemPayment::Winner {
                out.payments[w] += b[w];
            }
            out.winning_bid = Some(out.winning_bid.map_or(b[w], |x: f64| x.max(b[w])));
        }
    }
    for (h, s) in out.allocation.iter_mut().zip(won) {
        *h = Holding::Items(s);
    }
    out.unsold = Holding::Items(unsold);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sfp(n_items: usize, reserve: f64) -> SimultaneousFirstPrice {
        SimultaneousFirstPrice::new(
            AuctionRules {
                reserve,
                ..AuctionRules::default()
            },
            n_items,
        )
        .expect("valid")
    }

    #[test]
    fn each_item_goes_to_its_highest_bid() {
        let bids = [
            Bid::PerItem(vec![0.6, 0.9, 0.1]),
            Bid::PerItem(vec![0.4, 0.7, 0.2]),
        ];
        let o = sfp(3, 0.0)
            .outcome_with_priority(&bids, &Priority::by_index(2))
            .expect("ok");
        assert_eq!(
            o.allocation[0],
            Holding::Items(ItemSet::from_indices(&[0, 1]))
        );
        assert_eq!(o.allocation[1], Holding::Items(ItemSet::singleton(2)));
        assert!((o.payments[0] - 1.5).abs() < 1e-12);
    }

    #[test]
    fn reserve_is_per_item() {
        let bids = [Bid::PerItem(vec![0.6, 0.3])];
        let o = sfp(2, 0.5)
            .outcome_with_priority(&bids, &Priority::by_index(1))
            .expect("ok");
        assert_eq!(o.unsold, Holding::Items(ItemSet::singleton(1)));
    }

    #[test]
    fn wrong_length_is_rejected() {
        let err = sfp(2, 0.0)
            .outcome_with_priority(&[Bid::PerItem(vec![1.0])], &Priority::by_index(1))
            .expect_err("length");
        assert!(err.to_string().contains("one bid per item"));
    }

    #[test]
    fn too_many_items_is_rejected() {
        let err = SimultaneousFirstPrice::new(AuctionRules::default(), 0).expect_err("0 items");
        assert_eq!(err.to_string(), "n_items must be between 1 and 16, got 0");
    }
}
