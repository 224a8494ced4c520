//! Vickrey (VCG) auction for identical units with package bidding.

use super::units::{check_units, marginal_bids};
use super::vcg::{MAX_VCG_ITEMS, clarke};
use super::{AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority};
use crate::values::{Holding, PackageValues, Supply, Valuation};

/// Vickrey auction with package bidding for `m` identical units: VCG over
/// package sizes (paper 000, Section 2.2).
///
/// Bidder \\(i\\)'s marginal bids \\(b_i^1, b_i^2, \dots\\) (at most `m`;
/// `Single(b)` is one unit bid) are read as her package bids by size,
/// \\(B_i(k) = \sum_{j \le k} b_i^j\\); they need not be non-increasing, so a
/// global bidder with complementary values (per-unit value rising with the
/// package) bids them truthfully. The allocation maximises reported welfare
/// and each winner pays the externality she imposes on the others:
///
/// \\[ x \in \arg\max_{\sum_i x_i \le m} \sum_i B_i(x_i), \qquad
/// p_i = \max_{y} \sum_{j \ne i} B_j(y_j) - \sum_{j \ne i} B_j(x_j). \\]
///
/// The reserve \\(r\\) is per unit and enters as the seller's value \\(r\\) for
/// each unit it keeps (units the seller keeps are [`Outcome::unsold`]).
/// Ties go to bidders ranked first by the priority, and bidders win ties
/// with the seller. When zero bids may win (`zero_bids_win` and \\(r = 0\\)),
/// units left over go to zero marginal bids in priority order; this changes
/// no payment. With non-increasing bids the outcome is that of
/// [`MultiUnitVickrey`](super::MultiUnitVickrey). Winner determination is
/// greedy for non-increasing bids and exact over all splits otherwise
/// (then `m` is at most 12).
///
/// # Errors
/// [`VickreyPackage::new`] rejects `m = 0` and invalid rules;
/// [`Mechanism::outcome`] rejects bids that are not marginal unit bids or
/// number more than `m`, and complementary bids with `m > 12`.
///
/// ```
/// use aftermarket::mechanism::{AuctionRules, Bid, Mechanism, Priority, VickreyPackage};
/// // Paper 000 with N = 2: locals bid 0.6 and 0.5, the global bids
/// // v^1 = 0.5 and v^2 = 1.5 (marginals 0.5, 1.0) and wins both, paying 0.6 + 0.5.
/// let m = VickreyPackage::new(AuctionRules::default(), 2)?;
/// let bids = [Bid::Single(0.6), Bid::Single(0.5), Bid::Marginal(vec![0.5, 1.0])];
/// let o = m.outcome_with_priority(&bids, &Priority::by_index(3))?;
/// assert!((o.payments[2] - 1.1).abs() < 1e-12);
/// # Ok::<(), aftermarket::mechanism::MechanismError>(())
/// ```
///
/// ## References
/// Paper 000, Section 2.2 and Propositions 4 and 9 (truthful bidding is a
/// robust equilibrium with or without resale); Vickrey (1961); Clarke
/// (1971); Groves (1973).
#[derive(Debug, Clone)]
pub struct VickreyPackage {
    rules: AuctionRules,
    m: usize,
}

impl VickreyPackage {
    /// Checked constructor.
    ///
    /// # Errors
    /// `m = 0` or invalid rules.
    pub fn new(rules: AuctionRules, m: usize) -> Result<Self, MechanismError> {
        rules.check()?;
        check_units(m)?;
        Ok(VickreyPackage { rules, m })
    }

    fn too_large(&self) -> MechanismError {
        MechanismError::TooLarge(format!(
            "{}: bids with complementarities need m <= {MAX_VCG_ITEMS}, got {}",
            self.name(),
            self.m
        ))
    }
}

impl Mechanism for VickreyPackage {
    fn name(&self) -> &str {
        "vickrey-package"
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
        let marg = marginal_bids(bids, self.m, self.name(), false)?;
        let n = marg.len();
        let r = self.rules.reserve;
        let concave = marg.iter().all(|v| v.windows(2).all(|w| w[1] <= w[0]));
        let c = if concave {
            let vals = marg
                .iter()
                .map(|v| Valuation::units(v.clone()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| MechanismError::TooLarge(e.to_string()))?;
            let seller = if r > 0.0 {
                Some(
                    Valuation::units(vec![r; self.m])
                        .map_err(|e| MechanismError::TooLarge(e.to_string()))?,
                )
            } else {
                None
            };
            clarke(&vals, seller, &self.supply(), priority)?
        } else {
            if self.m > MAX_VCG_ITEMS {
                return Err(self.too_large());
            }
            let by_size = |v: &[f64]| -> Vec<f64> {
                let mut prefix = vec![0.0];
                for &b in v {
                    prefix.push(prefix.last().copied().unwrap_or(0.0) + b);
                }
                (0..1usize << self.m)
                    .map(|mask| {
                        let k = (mask.count_ones() as usize).min(v.len());
                        prefix[k]
                    })
                    .collect()
            };
            let vals = marg
                .iter()
                .map(|v| PackageValues::new(self.m, by_size(v)).map(Valuation::Packages))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| MechanismError::TooLarge(e.to_string()))?;
            let seller = if r > 0.0 {
                Some(Valuation::Packages(
                    PackageValues::additive(&vec![r; self.m])
                        .map_err(|e| MechanismError::TooLarge(e.to_string()))?,
                ))
            } else {
                None
            };
            let mut c = clarke(&vals, seller, &Supply::Items { n: self.m }, priority)?;
            for h in &mut c.allocation {
                *h = Holding::Units(h.count());
            }
            c
        };
        let mut out = Outcome::nothing_sold(n, &self.supply());
        let mut held: Vec<usize> = c.allocation.iter().map(Holding::count).collect();
        let mut left = self.m.saturating_sub(held.iter().sum());
        if self.rules.admissible(0.0) {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by_key(|&i| (priority.rank(i), i));
            for i in order {
                while left > 0 && marg[i].get(held[i]).is_some_and(|&b| b == 0.0) {
                    held[i] += 1;
                    left -= 1;
                }
            }
        }
        for (slot, k) in out.allocation.iter_mut().zip(held) {
            *slot = Holding::Units(k);
        }
        out.payments = c.payments;
        out.unsold = Holding::Units(left);
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

    fn vp(m: usize, reserve: f64) -> VickreyPackage {
        VickreyPackage::new(
            AuctionRules {
                reserve,
                ..AuctionRules::default()
            },
            m,
        )
        .expect("valid")
    }

    #[test]
    fn global_with_complements_wins_all_and_pays_displaced_bids() {
        // v^2 = 3 s_g with s_g = 0.5: marginals (0.5, 1.0); locals 0.6, 0.5.
        let bids = [
            Bid::Single(0.6),
            Bid::Single(0.5),
            Bid::Marginal(vec![0.5, 1.0]),
        ];
        let o = vp(2, 0.0)
            .outcome_with_priority(&bids, &Priority::by_index(3))
            .expect("ok");
        assert_eq!(o.allocation[2], Holding::Units(2));
        assert!((o.payments[2] - 1.1).abs() < 1e-12);
    }

    #[test]
    fn winning_locals_pay_the_digest_closed_form() {
        // Locals 0.6 and 1.0 beat the global's 1.5. Local i pays
        // max_k [B_g(k) - L^{-i}_{k-1}] - [B_g(0) - L^{-i}_0]:
        // local 0.6 pays max(0.5, 1.5 - 1.0) = 0.5; local 1.0 pays max(0.5, 1.5 - 0.6) = 0.9.
        let bids = [
            Bid::Single(0.6),
            Bid::Single(1.0),
            Bid::Marginal(vec![0.5, 1.0]),
        ];
        let o = vp(2, 0.0)
            .outcome_with_priority(&bids, &Priority::by_index(3))
            .expect("ok");
        assert_eq!(o.allocation[2], Holding::Units(0));
        assert!((o.payments[0] - 0.5).abs() < 1e-12);
        assert!((o.payments[1] - 0.9).abs() < 1e-12);
    }

    #[test]
    fn reserve_is_the_sellers_value_per_unit() {
        let bids = [Bid::Marginal(vec![3.0, 0.5])];
        let o = vp(2, 1.0)
            .outcome_with_priority(&bids, &Priority::by_index(1))
            .expect("ok");
        assert_eq!(o.allocation[0], Holding::Units(1));
        assert_eq!(o.unsold, Holding::Units(1));
        assert!((o.payments[0] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn leftover_units_go_to_zero_bids_when_allowed() {
        let bids = [Bid::Marginal(vec![3.0, 0.0]), Bid::Marginal(vec![0.0])];
        let o = vp(3, 0.0)
            .outcome_with_priority(&bids, &Priority::from_order(&[1, 0]))
            .expect("ok");
        assert_eq!(o.allocation, vec![Holding::Units(2), Holding::Units(1)]);
        assert_eq!(o.unsold, Holding::Units(0));
        assert!(o.revenue().abs() < 1e-12);
    }

    #[test]
    fn too_many_bids_are_rejected() {
        let err = vp(1, 0.0)
            .outcome_with_priority(&[Bid::Marginal(vec![1.0, 1.0])], &Priority::by_index(1))
            .expect_err("too long");
        assert!(matches!(err, MechanismError::BidShape { .. }));
    }

    #[test]
    fn complementary_bids_on_many_units_are_too_large() {
        let mut v = vec![0.0; 13];
        v[12] = 1.0;
        let err = vp(13, 0.0)
            .outcome_with_priority(&[Bid::Marginal(v)], &Priority::by_index(1))
            .expect_err("13 units");
        assert!(matches!(err, MechanismError::TooLarge(_)));
    }
}
