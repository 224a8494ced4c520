//! Posted prices with buyers arriving in a fixed order.

use serde::{Deserialize, Serialize};

use super::units::{check_units, marginal_bids};
use super::{AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority};
use crate::values::{Holding, Supply};

/// Two utilities closer than this count as equal (indifference buys).
pub const INDIFFERENCE_TOL: f64 = 1e-12;

/// The prices a [`PostedPrice`] seller posts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PostedPrices {
    /// The same price for every unit: \\(k\\) units cost \\(k p\\).
    PerUnit(f64),
    /// Entry \\(k - 1\\) is the price of a bundle of \\(k\\) units,
    /// \\(k = 1, \dots, m\\).
    PerBundle(Vec<f64>),
}

/// Posted prices for `m` identical units, buyers arriving one at a time.
///
/// The seller posts a price \\(P(k)\\) for \\(k\\) units (per unit or per bundle
/// size). Buyers arrive in the order `arrival` lists them; bidders it does
/// not list arrive after, in priority order (so a random tie rule draws
/// their order). Each buyer, facing \\(L\\) units left, buys the quantity that
/// maximises her reported utility given her marginal bids
/// \\(b_i^1, b_i^2, \dots\\) (read as her marginal values; they need not be
/// non-increasing):
///
/// \\[ x_i \in \arg\max_{0 \le k \le \min(L, \ell_i)} \Bigl(\sum_{j \le k} b_i^j - P(k)\Bigr), \\]
///
/// with \\(\ell_i\\) the length of her bid. Indifference buys: among quantities
/// of equal utility (within [`INDIFFERENCE_TOL`]) she takes the largest, so
/// a buyer whose value equals the price buys. The reserve is a floor on the
/// posted prices, \\(P(k) = \max(\text{posted}(k), k r)\\). With
/// `zero_bids_win = false` a buyer never buys a unit on a marginal bid of 0.
/// Units nobody buys stay unsold.
///
/// # Errors
/// [`PostedPrice::new`] rejects `m = 0`, negative or non-finite prices, a
/// bundle price list whose length is not `m`, an arrival order naming a
/// bidder twice, and invalid rules; [`Mechanism::outcome`] rejects bids
/// that are not marginal unit bids or number more than `m`.
///
/// ```
/// use aftermarket::mechanism::{AuctionRules, Bid, Mechanism, PostedPrice, PostedPrices, Priority};
/// // Price 3 per unit, 2 units; bidder 1 arrives first and buys both.
/// let m = PostedPrice::new(AuctionRules::default(), 2, PostedPrices::PerUnit(3.0), vec![1, 0])?;
/// let bids = [Bid::Marginal(vec![10.0]), Bid::Marginal(vec![5.0, 3.0])];
/// let o = m.outcome_with_priority(&bids, &Priority::by_index(2))?;
/// assert_eq!(o.payments, vec![0.0, 6.0]);
/// # Ok::<(), aftermarket::mechanism::MechanismError>(())
/// ```
///
/// ## References
/// Paper 004, Section 2 (posted-price mechanism, balanced prices,
/// Theorem 4); Feldman, Gravin and Lucier (2015), "Combinatorial auctions
/// via posted prices", SODA.
#[derive(Debug, Clone)]
pub struct PostedPrice {
    rules: AuctionRules,
    m: usize,
    prices: PostedPrices,
    arrival: Vec<usize>,
}

impl PostedPrice {
    /// Checked constructor.
    ///
    /// # Errors
    /// `m = 0`, a negative or non-finite price, `PerBundle` prices not of
    /// length `m`, a repeated bidder in `arrival`, or invalid rules.
    pub fn new(
        rules: AuctionRules,
        m: usize,
        prices: PostedPrices,
        arrival: Vec<usize>,
    ) -> Result<Self, MechanismError> {
        rules.check()?;
        check_units(m)?;
        let bad = |p: &f64| !p.is_finite() || *p < 0.0;
        match &prices {
            PostedPrices::PerUnit(p) if bad(p) => {
                return Err(MechanismError::InvalidParameter {
                    param: "prices.per-unit",
                    rule: "must be finite and >= 0",
                    value: p.to_string(),
                });
            }
            PostedPrices::PerBundle(ps) if ps.len() != m => {
                return Err(MechanismError::InvalidParameter {
                    param: "prices.per-bundle",
                    rule: "must give one price per bundle size 1..=m",
                    value: format!("{} prices for m = {m}", ps.len()),
                });
            }
            PostedPrices::PerBundle(ps) if ps.iter().any(bad) => {
                return Err(MechanismError::InvalidParameter {
                    param: "prices.per-bundle",
                    rule: "must be finite and >= 0",
                    value: format!("{ps:?}"),
                });
            }
            _ => {}
        }
        let mut seen = arrival.clone();
        seen.sort_unstable();
        if seen.windows(2).any(|w| w[0] == w[1]) {
            return Err(MechanismError::InvalidParameter {
                param: "arrival",
                rule: "must name each bidder at most once",
                value: format!("{arrival:?}"),
            });
        }
        Ok(PostedPrice {
            rules,
            m,
            prices,
            arrival,
        })
    }

    /// The price of `k` units, the reserve included.
    pub fn price_of(&self, k: usize) -> f64 {
        if k == 0 {
            return 0.0;
        }
        let posted = match &self.prices {
            PostedPrices::PerUnit(p) => p * k as f64,
            PostedPrices::PerBundle(ps) => ps.get(k - 1).copied().unwrap_or(f64::INFINITY),
        };
        posted.max(self.rules.reserve * k as f64)
    }

    fn order(&self, n: usize, priority: &Priority) -> Vec<usize> {
        let mut order: Vec<usize> = self.arrival.iter().copied().filter(|&i| i < n).collect();
        let mut rest: Vec<usize> = (0..n).filter(|i| !self.arrival.contains(i)).collect();
        rest.sort_by_key(|&i| (priority.rank(i), i));
        order.extend(rest);
        order
    }
}

impl Mechanism for PostedPrice {
    fn name(&self) -> &str {
        "posted-price"
    }
    fn supply(&self) -> Supply {
        Supply::Units { m: self.m }
    }
    fn rules(&self) -> &AuctionRules {
        &self.rules
    }
    fn highest_bid_wins(&self) -> bool {
        false
    }
    fn outcome_with_priority(
        &self,
        bids: &[Bid],
        priority: &Priority,
    ) -> Result<Outcome, MechanismError> {
        let marg = marginal_bids(bids, self.m, self.name(), false)?;
        let n = marg.len();
        let mut out = Outcome::nothing_sold(n, &self.supply());
        let mut left = self.m;
        for i in self.order(n, priority) {
            let v = &marg[i];
            let mut best = (0usize, 0.0f64);
            let mut value = 0.0;
            for k in 1..=left.min(v.len()) {
                let b = v[k - 1];
                value += b;
                if !self.rules.zero_bids_win && b == 0.0 {
                    continue;
                }
                let u = value - self.price_of(k);
                if u >= best.1 - INDIFFERENCE_TOL {
                    best = (k, u.max(best.1));
                }
            }
            let k = best.0;
            if k > 0 {
                out.allocation[i] = Holding::Units(k);
                out.payments[i] = self.price_of(k);
                left -= k;
            }
        }
        out.unsold = Holding::Units(left);
        if let PostedPrices::PerUnit(p) = self.prices {
            out.price = Some(p.max(self.rules.reserve));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pp(m: usize, prices: PostedPrices, arrival: Vec<usize>) -> PostedPrice {
        PostedPrice::new(AuctionRules::default(), m, prices, arrival).expect("valid")
    }

    fn run(m: &PostedPrice, bids: &[&[f64]]) -> Outcome {
        let bids: Vec<Bid> = bids.iter().map(|b| Bid::Marginal(b.to_vec())).collect();
        m.outcome_with_priority(&bids, &Priority::by_index(bids.len()))
            .expect("ok")
    }

    #[test]
    fn earlier_arrivals_buy_first() {
        let m = pp(2, PostedPrices::PerUnit(1.0), vec![1, 0]);
        let o = run(&m, &[&[5.0, 5.0], &[3.0, 2.0]]);
        assert_eq!(o.allocation, vec![Holding::Units(0), Holding::Units(2)]);
        assert!((o.payments[1] - 2.0).abs() < 1e-12);
    }

    #[test]
    fn buyers_stop_where_marginal_value_falls_below_price() {
        let m = pp(3, PostedPrices::PerUnit(2.0), vec![]);
        let o = run(&m, &[&[5.0, 1.0], &[3.0]]);
        assert_eq!(o.allocation, vec![Holding::Units(1), Holding::Units(1)]);
        assert_eq!(o.unsold, Holding::Units(1));
    }

    #[test]
    fn indifference_buys() {
        let m = pp(1, PostedPrices::PerUnit(2.0), vec![]);
        let o = run(&m, &[&[2.0]]);
        assert_eq!(o.allocation[0], Holding::Units(1));
    }

    #[test]
    fn bundle_prices_reward_buying_more() {
        // 1 unit costs 3, 2 units cost 4: with values (3.5, 1) the buyer
        // gets 0.5 from one unit and 0.5 from two, and indifference buys two.
        let m = pp(2, PostedPrices::PerBundle(vec![3.0, 4.0]), vec![]);
        let o = run(&m, &[&[3.5, 1.0]]);
        assert_eq!(o.allocation[0], Holding::Units(2));
        assert!((o.payments[0] - 4.0).abs() < 1e-12);
    }

    #[test]
    fn complementary_values_can_buy_a_bundle() {
        let m = pp(2, PostedPrices::PerUnit(1.0), vec![]);
        let o = run(&m, &[&[0.5, 2.0]]);
        assert_eq!(o.allocation[0], Holding::Units(2));
    }

    #[test]
    fn reserve_floors_the_posted_price() {
        let m = PostedPrice::new(
            AuctionRules {
                reserve: 2.0,
                ..AuctionRules::default()
            },
            1,
            PostedPrices::PerUnit(1.0),
            vec![],
        )
        .expect("valid");
        let o = run(&m, &[&[1.5]]);
        assert_eq!(o.unsold, Holding::Units(1));
    }

    #[test]
    fn unlisted_buyers_arrive_in_priority_order() {
        let m = pp(1, PostedPrices::PerUnit(1.0), vec![]);
        let bids = [Bid::Single(2.0), Bid::Single(3.0)];
        let o = m
            .outcome_with_priority(&bids, &Priority::from_order(&[1, 0]))
            .expect("ok");
        assert_eq!(o.allocation[1], Holding::Units(1));
    }

    #[test]
    fn bundle_prices_of_wrong_length_are_rejected() {
        let err = PostedPrice::new(
            AuctionRules::default(),
            2,
            PostedPrices::PerBundle(vec![1.0]),
            vec![],
        )
        .expect_err("length");
        assert_eq!(
            err.to_string(),
            "prices.per-bundle must give one price per bundle size 1..=m, got 1 prices for m = 2"
        );
    }

    #[test]
    fn negative_price_is_rejected() {
        let err = PostedPrice::new(
            AuctionRules::default(),
            1,
            PostedPrices::PerUnit(-1.0),
            vec![],
        )
        .expect_err("negative");
        assert_eq!(
            err.to_string(),
            "prices.per-unit must be finite and >= 0, got -1"
        );
    }

    #[test]
    fn repeated_arrival_is_rejected() {
        let err = PostedPrice::new(
            AuctionRules::default(),
            1,
            PostedPrices::PerUnit(1.0),
            vec![0, 0],
        )
        .expect_err("repeat");
        assert!(
            err.to_string()
                .starts_with("arrival must name each bidder at most once")
        );
    }
}
