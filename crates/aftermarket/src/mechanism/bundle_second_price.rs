//! Second-price sealed-bid auction of all units as one bundle.

use super::second_price::second_price;
use super::units::check_units;
use super::{
    AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority, highest, single_bids,
};
use crate::values::{Holding, Supply};

/// Second-price auction of all `m` units as one bundle.
///
/// Each bidder submits one bid \\(B_i\\) for the whole bundle
/// ([`Bid::Single`]). The reserve \\(r\\) is per unit, so the bundle's reserve
/// is \\(m r\\): bids below it are dropped, bids equal to it kept. The highest
/// admissible bid wins all `m` units (equal bids by priority) and pays
///
/// \\[ p = \max\bigl(m r,\ \max_{j \ne w,\ B_j \ge m r} B_j\bigr). \\]
///
/// With no admissible bid all units stay unsold. Bidding one's value for
/// the bundle is weakly dominant.
///
/// # Errors
/// [`BundleSecondPrice::new`] rejects `m = 0` and invalid rules;
/// [`Mechanism::outcome`] rejects bids that are not one number.
///
/// ```
/// use aftermarket::mechanism::{AuctionRules, Bid, BundleSecondPrice, Mechanism, Priority};
/// // Paper 001, bundling: S values the bundle at 20, W at 2; S wins and pays 2.
/// let m = BundleSecondPrice::new(AuctionRules::default(), 2)?;
/// let o = m.outcome_with_priority(&[Bid::Single(20.0), Bid::Single(2.0)], &Priority::by_index(2))?;
/// assert_eq!(o.payments, vec![2.0, 0.0]);
/// # Ok::<(), aftermarket::mechanism::MechanismError>(())
/// ```
///
/// ## References
/// Paper 001, Section 5 (bundling with and without resale: revenue
/// \\(\min\{V_S, V_W\}\\) without resale); Palfrey (1983), "Bundling decisions
/// by a multiproduct monopolist with incomplete information",
/// *Econometrica* 51(2).
#[derive(Debug, Clone)]
pub struct BundleSecondPrice {
    rules: AuctionRules,
    m: usize,
}

impl BundleSecondPrice {
    /// Checked constructor.
    ///
    /// # Errors
    /// `m = 0` or invalid rules.
    pub fn new(rules: AuctionRules, m: usize) -> Result<Self, MechanismError> {
        rules.check()?;
        check_units(m)?;
        Ok(BundleSecondPrice { rules, m })
    }
}

impl Mechanism for BundleSecondPrice {
    fn name(&self) -> &str {
        "bundle-second-price"
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
        let b = single_bids(bids, self.name())?;
        let bundle = AuctionRules {
            reserve: self.rules.reserve * self.m as f64,
            ..self.rules.clone()
        };
        let mut out = Outcome::nothing_sold(b.len(), &self.supply());
        if let Some(w) = highest(&b, &bundle, priority) {
            let p = second_price(&b, w, &bundle);
            out.allocation[w] = Holding::Units(self.m);
            out.payments[w] = p;
            out.unsold = Holding::Units(0);
            out.price = Some(p / self.m as f64);
            out.winning_bid = Some(b[w]);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bsp(m: usize, reserve: f64) -> BundleSecondPrice {
        BundleSecondPrice::new(
            AuctionRules {
                reserve,
                ..AuctionRules::default()
            },
            m,
        )
        .expect("valid")
    }

    #[test]
    fn winner_takes_every_unit_at_the_second_bid() {
        let o = bsp(3, 0.0)
            .outcome_with_priority(
                &[Bid::Single(5.0), Bid::Single(7.0), Bid::Single(6.0)],
                &Priority::by_index(3),
            )
            .expect("ok");
        assert_eq!(o.allocation[1], Holding::Units(3));
        assert!((o.payments[1] - 6.0).abs() < 1e-12);
        assert!((o.price.expect("sold") - 2.0).abs() < 1e-12);
    }

    #[test]
    fn reserve_is_per_unit() {
        let m = bsp(2, 1.0);
        let o = m
            .outcome_with_priority(&[Bid::Single(1.5)], &Priority::by_index(1))
            .expect("ok");
        assert_eq!(o.unsold, Holding::Units(2));
        let o = m
            .outcome_with_priority(
                &[Bid::Single(3.0), Bid::Single(1.0)],
                &Priority::by_index(2),
            )
            .expect("ok");
        assert!((o.payments[0] - 2.0).abs() < 1e-12);
    }

    #[test]
    fn marginal_lists_are_rejected() {
        let err = bsp(2, 0.0)
            .outcome_with_priority(&[Bid::Marginal(vec![2.0, 1.0])], &Priority::by_index(1))
            .expect_err("shape");
        assert!(matches!(err, MechanismError::BidShape { .. }));
    }
}
