//! Vickrey-Clarke-Groves auction for packages of distinct items.

use super::{AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority, check_bids};
use crate::analysis::welfare::efficient_allocation;
use crate::values::{Holding, ItemSet, PackageValues, Supply, Valuation, ValuesError};

/// The largest number of items [`Vcg`] accepts: winner determination is
/// exact, \\(O(n \cdot 3^k)\\) for `k` items, once per winner.
pub const MAX_VCG_ITEMS: usize = 12;

/// Vickrey-Clarke-Groves auction for `n_items` distinct items.
///
/// Each bidder submits XOR package bids \\((S_1, b_1), (S_2, b_2), \dots\\)
/// ([`Bid::Packages`]); her reported value for a set \\(T\\) is the best bid on
/// a package it contains (free disposal):
/// \\(\hat v_i(T) = \max\{ b_k : S_k \subseteq T \}\\), 0 if none. The
/// allocation \\(x\\) maximises reported welfare (exact winner determination,
/// [`efficient_allocation`]) and each bidder pays her externality on the
/// others (Clarke pivot):
///
/// \\[ p_i = \max_{y} \sum_{j \ne i} \hat v_j(y_j) - \sum_{j \ne i} \hat v_j(x_j). \\]
///
/// The reserve \\(r\\) is per item and enters as the seller's own value \\(r\\)
/// for every item it keeps, so the seller is one of the "others": a package
/// wins only if it beats keeping its items at \\(r\\) each, and items the
/// seller keeps are [`Outcome::unsold`]. Ties between equally good
/// allocations go to the bidder ranked first by the priority, and bidders
/// win ties against the seller (a package bid equal to \\(r\\) per item may
/// win). When zero bids may win (`zero_bids_win` and \\(r = 0\\)), a bidder
/// who won nothing and bid 0 on a package of unsold items receives it, in
/// priority order; this changes no payment.
///
/// Truthful bidding is weakly dominant, individually rational, and
/// revenue is at most the sum of winning bids.
///
/// # Errors
/// [`Vcg::new`] rejects `n_items` outside `1..=12` and invalid rules;
/// [`Mechanism::outcome`] rejects bids that are not package bids on items
/// `0..n_items`.
///
/// ```
/// use aftermarket::mechanism::{AuctionRules, Bid, Mechanism, Priority, Vcg};
/// use aftermarket::values::ItemSet;
/// // Local-local-global: locals want A (0.6) and B (0.7), the global AB (1.5).
/// let m = Vcg::new(AuctionRules::default(), 2)?;
/// let bids = [
///     Bid::Packages(vec![(ItemSet::singleton(0), 0.6)]),
///     Bid::Packages(vec![(ItemSet::singleton(1), 0.7)]),
///     Bid::Packages(vec![(ItemSet::full(2), 1.5)]),
/// ];
/// let o = m.outcome_with_priority(&bids, &Priority::by_index(3))?;
/// assert!((o.payments[2] - 1.3).abs() < 1e-12);
/// # Ok::<(), aftermarket::mechanism::MechanismError>(())
/// ```
///
/// ## References
/// Vickrey (1961); Clarke (1971), "Multipart pricing of public goods",
/// *Public Choice* 11; Groves (1973), "Incentives in teams",
/// *Econometrica* 41(4); Ausubel and Milgrom (2006), "The lovely but lonely
/// Vickrey auction", in *Combinatorial Auctions*. Papers 000 (package
/// bidding) and 002.
#[derive(Debug, Clone)]
pub struct Vcg {
    rules: AuctionRules,
    n_items: usize,
}

impl Vcg {
    /// Checked constructor.
    ///
    /// # Errors
    /// `n_items` outside `1..=12` or invalid rules.
    pub fn new(rules: AuctionRules, n_items: usize) -> Result<Self, MechanismError> {
        rules.check()?;
        if n_items == 0 || n_items > MAX_VCG_ITEMS {
            return Err(MechanismError::InvalidParameter {
                param: "n_items",
                rule: "must be between 1 and 12",
                value: n_items.to_string(),
            });
        }
        Ok(Vcg { rules, n_items })
    }
}

/// A VCG outcome over reported valuations, in the bidders' own order.
pub(super) struct Clarke {
    /// Each bidder's holding.
    pub(super) allocation: Vec<Holding>,
    /// Each bidder's Clarke payment.
    pub(super) payments: Vec<f64>,
    /// Each bidder's reported value for her holding.
    pub(super) values: Vec<f64>,
}

fn winner_determination(e: ValuesError) -> MechanismError {
    MechanismError::TooLarge(format!("winner determination failed: {e}"))
}

/// Efficient allocation of `supply` for the reported `valuations` plus the
/// seller's (kept goods are worth `seller` to it), with Clarke payments.
/// Ties go to bidders ranked first by `priority`, and bidders win ties with
/// the seller.
pub(super) fn clarke(
    valuations: &[Valuation],
    seller: Option<Valuation>,
    supply: &Supply,
    priority: &Priority,
) -> Result<Clarke, MechanismError> {
    let n = valuations.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (priority.rank(i), i));
    let mut vals: Vec<Valuation> = order.iter().map(|&i| valuations[i].clone()).collect();
    vals.extend(seller);
    let all = efficient_allocation(&vals, supply, &[]).map_err(winner_determination)?;
    let mut out = Clarke {
        allocation: vec![supply.empty(); n],
        payments: vec![0.0; n],
        values: vec![0.0; n],
    };
    for (p, &i) in order.iter().enumerate() {
        let held = all.allocation[p];
        out.allocation[i] = held;
        if held.is_empty() {
            continue;
        }
        let v = vals[p].value(&held).map_err(winner_determination)?;
        let without: Vec<bool> = (0..vals.len()).map(|q| q != p).collect();
        let others_best = efficient_allocation(&vals, supply, &without)
            .map_err(winner_determination)?
            .welfare;
        out.values[i] = v;
        out.payments[i] = (others_best - (all.welfare - v)).max(0.0);
    }
    Ok(out)
}

impl Vcg {
    fn package_values(&self, bids: &[Bid]) -> Result<Vec<Vec<(ItemSet, f64)>>, MechanismError> {
        check_bids(bids)?;
        let full = ItemSet::full(self.n_items);
        bids.iter()
            .enumerate()
            .map(|(i, b)| {
                let shape = |expected: &'static str| MechanismError::BidShape {
                    bidder: i,
                    format: self.name().to_string(),
                    expected,
                    got: b.describe(),
                };
                match b {
                    Bid::Packages(p) if p.iter().all(|(s, _)| s.is_subset(full)) => Ok(p.clone()),
                    Bid::Packages(_) => Err(shape("package bids on items 0..n_items")),
                    _ => Err(shape("package bids")),
                }
            })
            .collect()
    }
}

impl Mechanism for Vcg {
    fn name(&self) -> &str {
        "vcg"
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
        let packages = self.package_values(bids)?;
        let valuations = packages
            .iter()
            .map(|p| PackageValues::from_packages(self.n_items, p).map(Valuation::Packages))
            .collect::<Result<Vec<_>, _>>()
            .map_err(winner_determination)?;
        let r = self.rules.reserve;
        let seller = if r > 0.0 {
            let kept = PackageValues::additive(&vec![r; self.n_items]);
            Some(Valuation::Packages(kept.map_err(winner_determination)?))
        } else {
            None
        };
        let c = clarke(&valuations, seller, &self.supply(), priority)?;
        let n = bids.len();
        let mut out = Outcome::nothing_sold(n, &self.supply());
        let full = ItemSet::full(self.n_items);
        let mut unsold = full;
        for (slot, h) in out.allocation.iter_mut().zip(&c.allocation) {
            *slot = *h;
            if let Holding::Items(s) = h {
                unsold = unsold.difference(*s);
            }
        }
        if self.rules.admissible(0.0) {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by_key(|&i| (priority.rank(i), i));
            for i in order {
                if !out.allocation[i].is_empty() {
                    continue;
                }
                let free = packages[i]
                    .iter()
                    .find(|&&(s, b)| b == 0.0 && !s.is_empty() && s.is_subset(unsold));
                if let Some(&(s, _)) = free {
                    out.allocation[i] = Holding::Items(s);
                    unsold = unsold.difference(s);
                }
            }
        }
        out.payments = c.payments;
        out.unsold = Holding::Items(unsold);
        out.winning_bid = c
            .allocation
            .iter()
            .zip(&c.values)
            .filter(|(h, _)| !h.is_empty())
            .map(|(_, &v)| v)
            .reduce(f64::max);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vcg(n_items: usize, reserve: f64) -> Vcg {
        Vcg::new(
            AuctionRules {
                reserve,
                ..AuctionRules::default()
            },
            n_items,
        )
        .expect("valid")
    }

    fn llg(a: f64, b: f64, ab: f64) -> Vec<Bid> {
        vec![
            Bid::Packages(vec![(ItemSet::singleton(0), a)]),
            Bid::Packages(vec![(ItemSet::singleton(1), b)]),
            Bid::Packages(vec![(ItemSet::full(2), ab)]),
        ]
    }

    #[test]
    fn global_bidder_pays_the_locals_bids() {
        let o = vcg(2, 0.0)
            .outcome_with_priority(&llg(0.6, 0.7, 1.5), &Priority::by_index(3))
            .expect("ok");
        assert_eq!(o.allocation[2], Holding::Items(ItemSet::full(2)));
        assert!((o.payments[2] - 1.3).abs() < 1e-12);
        assert!((o.revenue() - 1.3).abs() < 1e-12);
    }

    #[test]
    fn winning_locals_pay_what_the_global_outbids_the_other() {
        // Locals 0.8 and 0.9 beat the global's 1.2: local A pays
        // 1.2 - 0.9 = 0.3 and local B pays 1.2 - 0.8 = 0.4.
        let o = vcg(2, 0.0)
            .outcome_with_priority(&llg(0.8, 0.9, 1.2), &Priority::by_index(3))
            .expect("ok");
        assert!((o.payments[0] - 0.3).abs() < 1e-12);
        assert!((o.payments[1] - 0.4).abs() < 1e-12);
        assert!(o.payments[2].abs() < 1e-12);
    }

    #[test]
    fn xor_bids_take_the_best_contained_package() {
        let bids = vec![
            Bid::Packages(vec![(ItemSet::singleton(0), 2.0), (ItemSet::full(2), 3.0)]),
            Bid::Packages(vec![(ItemSet::singleton(1), 1.5)]),
        ];
        let o = vcg(2, 0.0)
            .outcome_with_priority(&bids, &Priority::by_index(2))
            .expect("ok");
        // 2.0 + 1.5 beats 3.0. Bidder 1 gets B with or without bidder 0, so
        // bidder 0 pays 0; without bidder 1, bidder 0 would take AB (3.0),
        // so bidder 1 pays 3.0 - 2.0 = 1.0.
        assert_eq!(o.allocation[0], Holding::Items(ItemSet::singleton(0)));
        assert!(o.payments[0].abs() < 1e-12);
        assert!((o.payments[1] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn reserve_keeps_items_and_raises_prices() {
        let o = vcg(2, 0.5)
            .outcome_with_priority(&llg(0.6, 0.4, 0.9), &Priority::by_index(3))
            .expect("ok");
        // Seller keeps B (0.5 > 0.4) and A goes to local A (0.6 > 0.5); the
        // global's 0.9 < 0.6 + 0.5. Without local A the seller would keep
        // both (1.0 > 0.9), with her it keeps B (0.5): she pays 0.5.
        assert_eq!(o.allocation[0], Holding::Items(ItemSet::singleton(0)));
        assert_eq!(o.unsold, Holding::Items(ItemSet::singleton(1)));
        assert!((o.payments[0] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn ties_follow_priority() {
        let bids = vec![
            Bid::Packages(vec![(ItemSet::singleton(0), 1.0)]),
            Bid::Packages(vec![(ItemSet::singleton(0), 1.0)]),
        ];
        let o = vcg(1, 0.0)
            .outcome_with_priority(&bids, &Priority::from_order(&[1, 0]))
            .expect("ok");
        assert_eq!(o.allocation[1], Holding::Items(ItemSet::singleton(0)));
        assert!((o.payments[1] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn zero_package_bids_take_unsold_items_only_when_allowed() {
        let bids = vec![Bid::Packages(vec![(ItemSet::singleton(1), 0.0)])];
        let o = vcg(2, 0.0)
            .outcome_with_priority(&bids, &Priority::by_index(1))
            .expect("ok");
        assert_eq!(o.allocation[0], Holding::Items(ItemSet::singleton(1)));
        assert_eq!(o.unsold, Holding::Items(ItemSet::singleton(0)));
        let strict = Vcg::new(
            AuctionRules {
                zero_bids_win: false,
                ..AuctionRules::default()
            },
            2,
        )
        .expect("valid");
        let o = strict
            .outcome_with_priority(&bids, &Priority::by_index(1))
            .expect("ok");
        assert_eq!(o.unsold, Holding::Items(ItemSet::full(2)));
    }

    #[test]
    fn packages_outside_the_items_are_rejected() {
        let bids = vec![Bid::Packages(vec![(ItemSet::singleton(3), 1.0)])];
        let err = vcg(2, 0.0)
            .outcome_with_priority(&bids, &Priority::by_index(1))
            .expect_err("no item 3");
        assert!(matches!(err, MechanismError::BidShape { bidder: 0, .. }));
    }

    #[test]
    fn unit_bids_are_rejected() {
        let err = vcg(2, 0.0)
            .outcome_with_priority(&[Bid::Single(1.0)], &Priority::by_index(1))
            .expect_err("shape");
        assert!(err.to_string().contains("package bids"));
    }

    #[test]
    fn too_many_items_is_rejected() {
        let err = Vcg::new(AuctionRules::default(), 13).expect_err("13 items");
        assert_eq!(err.to_string(), "n_items must be between 1 and 12, got 13");
    }
}
