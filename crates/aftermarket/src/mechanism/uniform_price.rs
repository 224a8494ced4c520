//! Uniform-price sealed-bid auction for identical units.

use serde::{Deserialize, Serialize};

use super::units::{check_units, marginal_bids, ranked_unit_bids, units_won};
use super::{AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority};
use crate::values::{Holding, Supply};

/// Which bid sets the common price of a [`UniformPrice`] auction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PriceRule {
    /// The highest losing admissible unit bid, the \\((m+1)\\)-st highest
    /// (0 if there is none): papers 001 and 004.
    #[default]
    HighestLosing,
    /// The lowest winning unit bid, the \\(m\\)-th highest; the reserve
    /// when fewer than \\(m\\) bids are admissible.
    LowestWinning,
}

/// Uniform-price sealed-bid auction for `m` identical units.
///
/// Each bidder submits non-increasing marginal bids
/// \\(b_i^1 \ge b_i^2 \ge \dots\\) (at most `m`; `Single(b)` is one unit bid).
/// Unit bids below the reserve \\(r\\) are dropped, bids equal to \\(r\\) are
/// kept. The `m` highest admissible unit bids win one unit each (equal bids
/// by priority) and every unit sold is paid the same price
///
/// \\[ p = \max\bigl(r,\ b_{(m+1)}\bigr) \quad\text{(highest losing)},
/// \qquad p = \max\bigl(r,\ b_{(m)}\bigr) \quad\text{(lowest winning)}, \\]
///
/// where \\(b_{(k)}\\) is the \\(k\\)-th highest admissible unit bid and a missing
/// one counts as 0. Bidder \\(i\\) winning \\(x_i\\) units pays \\(p\, x_i\\). When
/// fewer than `m` unit bids are admissible every admissible bid wins, the
/// price is \\(r\\), and the remaining \\(Z = m - \sum_i x_i\\) units stay with
/// the seller ([`Outcome::unsold`]).
///
/// With `rules.reserve = r` this is paper 004's uniform-price auction with an
/// anonymous per-unit reserve (Section 6): "marginal bids strictly less than
/// this reserve price are ignored, but bids exactly equal to the reserve are
/// allowed", every unit sold is paid at least \\(r\\), and a bidder winning
/// with a bid equal to \\(r\\) pays exactly \\(r\\). See
/// [`UniformPrice::with_anonymous_reserve`].
///
/// # Errors
/// [`UniformPrice::new`] rejects `m = 0` and invalid rules;
/// [`Mechanism::outcome`] rejects bids that are not marginal unit bids,
/// increase, or number more than `m`.
///
/// ```
/// use aftermarket::mechanism::{AuctionRules, Bid, Mechanism, PriceRule, Priority, UniformPrice};
/// // Paper 001, Example 1: S bids (10, 10), W bids (2, 0).
/// let m = UniformPrice::new(AuctionRules::default(), 2, PriceRule::HighestLosing)?;
/// let bids = [Bid::Marginal(vec![10.0, 10.0]), Bid::Marginal(vec![2.0, 0.0])];
/// let o = m.outcome_with_priority(&bids, &Priority::by_index(2))?;
/// assert_eq!(o.price, Some(2.0));
/// assert_eq!(o.revenue(), 4.0);
/// # Ok::<(), aftermarket::mechanism::MechanismError>(())
/// ```
///
/// ## References
/// - Paper 001 (uniform-price auction of two units, Example 1).
/// - Paper 004, Section 6 and Theorem 5 (anonymous reserve
///   \\(r = \mathbb{E}\[\mathrm{OPT}\]/(2m)\\)).
/// - Ausubel, Cramton, Pycia, Rostek and Weretka (2014), "Demand reduction
///   and inefficiency in multi-unit auctions", *Review of Economic Studies*
///   81(4).
#[derive(Debug, Clone)]
pub struct UniformPrice {
    rules: AuctionRules,
    m: usize,
    price_rule: PriceRule,
}

impl UniformPrice {
    /// Checked constructor.
    ///
    /// # Errors
    /// `m = 0` or invalid rules.
    pub fn new(
        rules: AuctionRules,
        m: usize,
        price_rule: PriceRule,
    ) -> Result<Self, MechanismError> {
        rules.check()?;
        check_units(m)?;
        Ok(UniformPrice {
            rules,
            m,
            price_rule,
        })
    }

    /// Paper 004's uniform-price auction with an anonymous per-unit reserve
    /// `reserve`: highest-losing-bid price, random ties, zero bids may win.
    ///
    /// # Errors
    /// `m = 0` or a negative reserve.
    pub fn with_anonymous_reserve(m: usize, reserve: f64) -> Result<Self, MechanismError> {
        Self::new(
            AuctionRules {
                reserve,
                ..AuctionRules::default()
            },
            m,
            PriceRule::HighestLosing,
        )
    }

    /// The price rule.
    pub fn price_rule(&self) -> PriceRule {
        self.price_rule
    }
}

impl Mechanism for UniformPrice {
    fn name(&self) -> &str {
        "uniform-price"
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
        if sold == 0 {
            return Ok(out);
        }
        let r = self.rules.reserve;
        let set_by = match self.price_rule {
            PriceRule::HighestLosing => ranked.get(self.m),
            PriceRule::LowestWinning => ranked.get(self.m - 1),
        };
        let price = set_by.map_or(r, |u| u.value.max(r));
        for (i, &k) in won.iter().enumerate() {
            out.allocation[i] = Holding::Units(k);
            out.payments[i] = price * k as f64;
        }
        out.unsold = Holding::Units(self.m - sold);
        out.price = Some(price);
        out.winning_bid = ranked.first().map(|u| u.value);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(m: usize, reserve: f64, rule: PriceRule) -> UniformPrice {
        UniformPrice::new(
            AuctionRules {
                reserve,
                ..AuctionRules::default()
            },
            m,
            rule,
        )
        .expect("valid")
    }

    fn run(m: &UniformPrice, bids: &[&[f64]]) -> Outcome {
        let bids: Vec<Bid> = bids.iter().map(|b| Bid::Marginal(b.to_vec())).collect();
        m.outcome_with_priority(&bids, &Priority::by_index(bids.len()))
            .expect("ok")
    }

    #[test]
    fn price_is_the_highest_losing_bid() {
        let o = run(
            &up(2, 0.0, PriceRule::HighestLosing),
            &[&[10.0, 10.0], &[6.0, 0.0]],
        );
        assert_eq!(o.allocation, vec![Holding::Units(2), Holding::Units(0)]);
        assert!((o.payments[0] - 12.0).abs() < 1e-12);
    }

    #[test]
    fn one_unit_each_at_zero_when_second_bids_are_zero() {
        let o = run(
            &up(2, 0.0, PriceRule::HighestLosing),
            &[&[5.0, 0.0], &[6.0, 0.0]],
        );
        assert_eq!(o.allocation, vec![Holding::Units(1), Holding::Units(1)]);
        assert!(o.revenue().abs() < 1e-12);
    }

    #[test]
    fn lowest_winning_rule_charges_the_mth_bid() {
        let o = run(
            &up(2, 0.0, PriceRule::LowestWinning),
            &[&[10.0, 7.0], &[6.0, 0.0]],
        );
        assert_eq!(o.allocation, vec![Holding::Units(2), Holding::Units(0)]);
        assert!((o.price.expect("sold") - 7.0).abs() < 1e-12);
    }

    #[test]
    fn reserve_drops_lower_bids_and_leaves_units_unsold() {
        let o = run(
            &up(3, 1.0, PriceRule::HighestLosing),
            &[&[3.0, 0.5], &[1.0]],
        );
        assert_eq!(o.allocation, vec![Holding::Units(1), Holding::Units(1)]);
        assert_eq!(o.unsold, Holding::Units(1));
        assert!((o.price.expect("sold") - 1.0).abs() < 1e-12);
        assert!((o.revenue() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn bid_equal_to_reserve_wins_and_pays_reserve() {
        let m = UniformPrice::with_anonymous_reserve(2, 0.5).expect("valid");
        let o = run(&m, &[&[0.5, 0.5], &[0.4]]);
        assert_eq!(o.allocation[0], Holding::Units(2));
        assert!((o.payments[0] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn reserve_below_highest_losing_bid_does_not_bind() {
        let m = UniformPrice::with_anonymous_reserve(1, 0.5).expect("valid");
        let o = run(&m, &[&[2.0], &[0.8]]);
        assert!((o.payments[0] - 0.8).abs() < 1e-12);
    }

    #[test]
    fn zero_bids_take_leftover_units_only_when_allowed() {
        let allowed = run(&up(2, 0.0, PriceRule::HighestLosing), &[&[3.0, 0.0]]);
        assert_eq!(allowed.allocation[0], Holding::Units(2));
        let m = UniformPrice::new(
            AuctionRules {
                zero_bids_win: false,
                ..AuctionRules::default()
            },
            2,
            PriceRule::HighestLosing,
        )
        .expect("valid");
        let forbidden = run(&m, &[&[3.0, 0.0]]);
        assert_eq!(forbidden.allocation[0], Holding::Units(1));
        assert_eq!(forbidden.unsold, Holding::Units(1));
    }

    #[test]
    fn ties_at_the_margin_follow_priority() {
        let m = up(1, 0.0, PriceRule::HighestLosing);
        let bids = [Bid::Single(4.0), Bid::Single(4.0)];
        let o = m
            .outcome_with_priority(&bids, &Priority::from_order(&[1, 0]))
            .expect("ok");
        assert_eq!(o.allocation, vec![Holding::Units(0), Holding::Units(1)]);
        assert!((o.payments[1] - 4.0).abs() < 1e-12);
    }

    #[test]
    fn increasing_marginal_bids_are_rejected() {
        let err = up(2, 0.0, PriceRule::HighestLosing)
            .outcome_with_priority(&[Bid::Marginal(vec![1.0, 2.0])], &Priority::by_index(1))
            .expect_err("increasing");
        assert!(err.to_string().contains("non-increasing"));
    }

    #[test]
    fn more_bids_than_units_are_rejected() {
        let err = up(1, 0.0, PriceRule::HighestLosing)
            .outcome_with_priority(&[Bid::Marginal(vec![2.0, 1.0])], &Priority::by_index(1))
            .expect_err("too long");
        assert!(matches!(err, MechanismError::BidShape { bidder: 0, .. }));
    }

    #[test]
    fn zero_units_is_rejected() {
        let err = UniformPrice::new(AuctionRules::default(), 0, PriceRule::HighestLosing)
            .expect_err("m = 0");
        assert_eq!(err.to_string(), "m must be >= 1, got 0");
    }
}
