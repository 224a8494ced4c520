//! The multi-unit Vickrey auction with marginal bids.

use super::units::{check_units, marginal_bids, ranked_unit_bids, units_won};
use super::{AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority};
use crate::values::{Holding, Supply};

/// Multi-unit Vickrey auction for `m` identical units.
///
/// Bids, admissibility and allocation are those of
/// [`UniformPrice`](super::UniformPrice): non-increasing marginal bids, the
/// `m` highest admissible unit bids win, equal bids by priority. A winner
/// of \\(x_i\\) units pays the \\(x_i\\) highest bids of the others that are
/// rejected, i.e. for her \\(j\\)-th unit the \\((m - j + 1)\\)-th highest unit
/// bid of the others:
///
/// \\[ p_i = \sum_{j=1}^{x_i} c^{-i}_{(m-j+1)}, \\]
///
/// where \\(c^{-i}\\) are the others' admissible unit bids together with \\(m\\)
/// bids of the seller at the reserve \\(r\\) (so every unit costs at least
/// \\(r\\)). With non-increasing marginal bids this is the VCG payment, the
/// externality on the others; [`VickreyPackage`](super::VickreyPackage)
/// computes the same outcome from winner determination. Truthful bidding is
/// weakly dominant.
///
/// # Errors
/// [`MultiUnitVickrey::new`] rejects `m = 0` and invalid rules;
/// [`Mechanism::outcome`] rejects bids that are not marginal unit bids,
/// increase, or number more than `m`.
///
/// ```
/// use aftermarket::mechanism::{AuctionRules, Bid, Mechanism, MultiUnitVickrey, Priority};
/// let m = MultiUnitVickrey::new(AuctionRules::default(), 3)?;
/// let bids = [Bid::Marginal(vec![10.0, 8.0, 2.0]), Bid::Marginal(vec![5.0, 3.0])];
/// let o = m.outcome_with_priority(&bids, &Priority::by_index(2))?;
/// // Bidder 0 wins 2 units and pays bidder 1's rejected 3 (and 0 for her
/// // second unit: nobody else's bid was displaced); bidder 1 pays the rejected 2.
/// assert_eq!(o.payments, vec![3.0, 2.0]);
/// # Ok::<(), aftermarket::mechanism::MechanismError>(())
/// ```
///
/// ## References
/// Vickrey (1961); Ausubel (2004), "An efficient ascending-bid auction for
/// multiple objects", *American Economic Review* 94(5); Krishna (2010),
/// *Auction Theory*, ch. 13.
#[derive(Debug, Clone)]
pub struct MultiUnitVickrey {
    rules: AuctionRules,
    m: usize,
}

impl MultiUnitVickrey {
    /// Checked constructor.
    ///
    /// # Errors
    /// `m = 0` or invalid rules.
    pub fn new(rules: AuctionRules, m: usize) -> Result<Self, MechanismError> {
        rules.check()?;
        check_units(m)?;
        Ok(MultiUnitVickrey { rules, m })
    }
}

impl Mechanism for MultiUnitVickrey {
    fn name(&self) -> &str {
        "multi-unit-vickrey"
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
        let won = units_won(&ranked, n, self.m);
        let sold: usize = won.iter().sum();
        let mut out = Outcome::nothing_sold(n, &self.supply());
        let r = self.rules.reserve;
        for (i, &k) in won.iter().enumerate() {
            out.allocation[i] = Holding::Units(k);
            if k == 0 {
                continue;
            }
            let mut others: Vec<f64> = ranked
                .iter()
                .filter(|u| u.bidder != i)
                .map(|u| u.value)
                .chain(std::iter::repeat_n(r, self.m))
                .collect();
            others.sort_by(|a, b| b.total_cmp(a));
            out.payments[i] = (1..=k).map(|j| others[self.m - j]).sum();
        }
        out.unsold = Holding::Units(self.m - sold);
        out.winning_bid = ranked.first().filter(|_| sold > 0).map(|u| u.value);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn muv(m: usize, reserve: f64) -> MultiUnitVickrey {
        MultiUnitVickrey::new(
            AuctionRules {
                reserve,
                ..AuctionRules::default()
            },
            m,
        )
        .expect("valid")
    }

    #[test]
    fn winner_pays_the_rejected_bids_of_others() {
        let bids = [
            Bid::Marginal(vec![10.0, 10.0]),
            Bid::Marginal(vec![6.0, 0.0]),
        ];
        let o = muv(2, 0.0)
            .outcome_with_priority(&bids, &Priority::by_index(2))
            .expect("ok");
        assert_eq!(o.allocation[0], Holding::Units(2));
        assert!((o.payments[0] - 6.0).abs() < 1e-12);
    }

    #[test]
    fn reserve_is_a_floor_on_each_unit_price() {
        let bids = [Bid::Marginal(vec![10.0, 10.0]), Bid::Marginal(vec![0.5])];
        let o = muv(2, 1.0)
            .outcome_with_priority(&bids, &Priority::by_index(2))
            .expect("ok");
        assert!((o.payments[0] - 2.0).abs() < 1e-12);
    }

    #[test]
    fn units_stay_unsold_when_few_bids_are_admissible() {
        let bids = [Bid::Single(4.0), Bid::Single(0.2)];
        let o = muv(3, 1.0)
            .outcome_with_priority(&bids, &Priority::by_index(2))
            .expect("ok");
        assert_eq!(o.unsold, Holding::Units(2));
        assert!((o.payments[0] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn increasing_marginal_bids_are_rejected() {
        let err = muv(2, 0.0)
            .outcome_with_priority(&[Bid::Marginal(vec![1.0, 2.0])], &Priority::by_index(1))
            .expect_err("increasing");
        assert!(matches!(err, MechanismError::BidShape { .. }));
    }
}
