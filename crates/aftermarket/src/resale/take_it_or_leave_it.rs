//! A take-it-or-leave-it offer by the holder or by a buyer.

use serde::{Deserialize, Serialize};

use super::offer::{others, post, sell_one};
use super::pricing::{GAIN_TOL, best_price, law, marginal, unit_holdings};
use super::{Aftermarket, Indifference, ResaleContext, ResaleError, ResaleOutcome};

/// Who makes the take-it-or-leave-it offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Proposer {
    /// The holder offers a unit to one other agent (papers 000 and 003).
    #[default]
    Holder,
    /// The agent without goods valuing a unit most offers to buy one.
    Buyer,
}

/// One take-it-or-leave-it offer for one unit, made under incomplete
/// information against the proposer's beliefs.
///
/// **Holder proposes.** Each active agent holding units, in index order,
/// offers its lowest-valued unit (worth \\(w\\) to it) to the one other
/// active agent \\(j\\) and at the price \\(p \ge w\\) that maximise its
/// expected payoff
/// \\[ p \cdot P\[v_j \ge p\] + w \cdot P\[v_j < p\], \\]
/// \\(v_j\\) being \\(j\\)'s value for one more unit under the holder's
/// belief. A known value is charged in full (shaded by a price step when
/// buyers reject at indifference). Ties go to the lower-indexed agent and
/// the lower price; no offer is made when no price beats keeping the unit.
///
/// **Buyer proposes.** The active agent holding nothing with the highest
/// value \\(v\\) for a unit (ties: lowest index) offers one active holder
/// \\(j\\) a price \\(p \le v\\) for its lowest-valued unit, maximising
/// \\((v - p) \cdot P\[w_j \le p\]\\) against its belief about that unit's
/// value \\(w_j\\) to \\(j\\).
///
/// The responder accepts iff its surplus is \\(\ge 0\\) (or \\(> 0\\) with
/// [`Indifference::Reject`]), judged on its true values. Nobody sells below
/// its own value for the unit and nobody buys above it, so the play is
/// ex-post individually rational and strongly budget balanced.
///
/// Opt-out: an agent that opts out neither makes, receives nor accepts an
/// offer.
///
/// ```
/// use aftermarket::resale::{Aftermarket, Belief, Indifference, Proposer, ResaleContext, TakeItOrLeaveIt};
/// use aftermarket::values::{Holding, Supply, Valuation};
/// // The holder (value 1) knows the other's value 3: it asks 3.
/// let vals = [Valuation::single(1.0)?, Valuation::single(3.0)?];
/// let beliefs: Vec<Vec<Belief>> = (0..2)
///     .map(|_| vals.iter().cloned().map(Belief::Known).collect())
///     .collect();
/// let holdings = [Holding::Units(1), Holding::Units(0)];
/// let ctx = ResaleContext {
///     supply: Supply::Units { m: 1 },
///     holdings: &holdings,
///     valuations: &vals,
///     beliefs: &beliefs,
///     observations: &[],
///     opted_out: &[],
/// };
/// let m = TakeItOrLeaveIt::new(Proposer::Holder, Indifference::Accept);
/// let o = &m.outcomes(&ctx)?[0].1;
/// assert!((o.trades[0].price - 3.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`ResaleError::Unsupported`] for distinct items or package valuations;
/// [`ResaleError::InvalidParameter`] when a belief is missing.
///
/// ## References
/// - Babaioff, Immorlica, Li and Lucier, "On the impact of information
///   acquisition and aftermarkets on auction efficiency", Example 2: the
///   holder's offer (seed 003).
/// - Multi-unit Vickrey auctions with resale (seed 000), Section 1.5: each
///   winner makes take-it-or-leave-it offers to losing bidders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TakeItOrLeaveIt {
    proposer: Proposer,
    indifference: Indifference,
}

impl TakeItOrLeaveIt {
    /// An offer by `proposer`; responders indifferent between accepting
    /// and rejecting follow `indifference`.
    pub fn new(proposer: Proposer, indifference: Indifference) -> Self {
        TakeItOrLeaveIt {
            proposer,
            indifference,
        }
    }

    /// Who proposes.
    pub fn proposer(&self) -> Proposer {
        self.proposer
    }

    fn holder_offers(&self, ctx: &ResaleContext<'_>) -> Result<ResaleOutcome, ResaleError> {
        let mut held = unit_holdings(ctx, self.name())?;
        let mut out = ResaleOutcome::no_trade(ctx.holdings);
        let ind = self.indifference;
        let sellers: Vec<usize> = (0..ctx.n())
            .filter(|&i| ctx.active(i) && held[i] > 0)
            .collect();
        for s in sellers {
            let mut best: Option<(usize, f64, f64)> = None;
            for j in others(ctx, s) {
                if let Some((p, g)) = post(ctx, self.name(), s, &held, &[j], ind)?
                    && best.is_none_or(|(_, _, bg)| g > bg + GAIN_TOL)
                {
                    best = Some((j, p, g));
                }
            }
            if let Some((j, p, _)) = best {
                let v = marginal(ctx, j, held[j] + 1);
                if ind.accepts(v - p) {
                    sell_one(&mut out, &mut held, s, j, p);
                }
            }
        }
        Ok(out)
    }

    fn buyer_offers(&self, ctx: &ResaleContext<'_>) -> Result<ResaleOutcome, ResaleError> {
        let mut held = unit_holdings(ctx, self.name())?;
        let mut out = ResaleOutcome::no_trade(ctx.holdings);
        let ind = self.indifference;
        let mut buyer: Option<(usize, f64)> = None;
        for b in (0..ctx.n()).filter(|&b| ctx.active(b) && held[b] == 0) {
            let v = marginal(ctx, b, 1);
            if buyer.is_none_or(|(_, bv)| v > bv) {
                buyer = Some((b, v));
            }
        }
        let Some((b, v)) = buyer else {
            return Ok(out);
        };
        let mut best: Option<(usize, f64, f64)> = None;
        for j in others(ctx, b).into_iter().filter(|&j| held[j] > 0) {
            let l = law(ctx, b, j, self.name())?;
            let k = held[j];
            let mut points = Vec::new();
            l.breakpoints(k, &mut points);
            let lo = points.iter().copied().fold(v, f64::min).max(0.0);
            let obj = |p: f64| (v - p) * l.sells(k, p, ind);
            if let Some((p, g)) = best_price(&obj, &points, lo, v)
                && g > GAIN_TOL
                && best.is_none_or(|(_, _, bg)| g > bg + GAIN_TOL)
            {
                best = Some((j, p, g));
            }
        }
        if let Some((j, p, _)) = best {
            let w = marginal(ctx, j, held[j]);
            if ind.accepts(p - w) {
                sell_one(&mut out, &mut held, j, b, p);
            }
        }
        Ok(out)
    }
}

impl Aftermarket for TakeItOrLeaveIt {
    fn name(&self) -> &str {
        match self.proposer {
            Proposer::Holder => "take-it-or-leave-it-by-holder",
            Proposer::Buyer => "take-it-or-leave-it-by-buyer",
        }
    }
    fn opt_out(&self) -> &str {
        "make no offer and reject every offer"
    }
    fn outcomes(&self, ctx: &ResaleContext<'_>) -> Result<Vec<(f64, ResaleOutcome)>, ResaleError> {
        let o = match self.proposer {
            Proposer::Holder => self.holder_offers(ctx)?,
            Proposer::Buyer => self.buyer_offers(ctx)?,
        };
        Ok(vec![(1.0, o)])
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::prior::{Uniform, ValueShape};
    use crate::resale::Belief;
    use crate::resale::test_laws::{
        EqualRevenue, Finite, SampleOnly, Shaped, complete, uniform_single,
    };
    use crate::values::{Holding, ItemSet, Supply, Valuation};

    fn single(v: f64) -> Valuation {
        Valuation::single(v).expect("valid")
    }

    fn run(
        m: &TakeItOrLeaveIt,
        vals: &[Valuation],
        holdings: &[Holding],
        beliefs: &[Vec<Belief>],
        opted_out: &[bool],
    ) -> ResaleOutcome {
        let ctx = ResaleContext {
            supply: Supply::Units { m: 1 },
            holdings,
            valuations: vals,
            beliefs,
            observations: &[],
            opted_out,
        };
        let mut out = m.outcomes(&ctx).expect("runs");
        assert_eq!(out.len(), 1);
        out.swap_remove(0).1
    }

    fn holder_beliefs(about_other: Belief, vals: &[Valuation]) -> Vec<Vec<Belief>> {
        let mut b = complete(vals);
        b[0][1] = about_other;
        b
    }

    const ONE: [Holding; 2] = [Holding::Units(1), Holding::Units(0)];

    #[test]
    fn equal_revenue_belief_prices_at_the_atom() {
        // Paper 003, Example 2: holder worth 1, buyer ~ equal revenue on
        // [1, 10]: payoff 2 - 1/p, maximised at p = H = 10.
        let er = Belief::Distribution(Arc::new(Shaped {
            prior: Arc::new(EqualRevenue(10.0)),
            shape: ValueShape::Single,
        }));
        let m = TakeItOrLeaveIt::new(Proposer::Holder, Indifference::Accept);
        let vals = [single(1.0), single(10.0)];
        let o = run(&m, &vals, &ONE, &holder_beliefs(er.clone(), &vals), &[]);
        assert_eq!(o.trades.len(), 1);
        assert!((o.trades[0].price - 10.0).abs() < 1e-12);
        let vals = [single(1.0), single(5.0)];
        let o = run(&m, &vals, &ONE, &holder_beliefs(er, &vals), &[]);
        assert!(o.trades.is_empty());
    }

    #[test]
    fn uniform_belief_gives_the_monopoly_price() {
        // max (p - 0.2) (1 - p) on [0, 1]: p = 0.6.
        let m = TakeItOrLeaveIt::new(Proposer::Holder, Indifference::Accept);
        let vals = [single(0.2), single(0.9)];
        let o = run(
            &m,
            &vals,
            &ONE,
            &holder_beliefs(uniform_single(0.0, 1.0), &vals),
            &[],
        );
        assert!((o.trades[0].price - 0.6).abs() < 1e-7);
        assert!((o.payments[1] - o.trades[0].price).abs() < 1e-12);
    }

    #[test]
    fn finite_belief_is_enumerated_and_reject_shades_the_price() {
        let fin = Belief::Distribution(Arc::new(Finite(vec![
            (single(1.0), 0.5),
            (single(3.0), 0.5),
        ])));
        let vals = [single(0.0), single(3.0)];
        let b = holder_beliefs(fin, &vals);
        let acc = TakeItOrLeaveIt::new(Proposer::Holder, Indifference::Accept);
        assert!((run(&acc, &vals, &ONE, &b, &[]).trades[0].price - 3.0).abs() < 1e-12);
        let rej = TakeItOrLeaveIt::new(Proposer::Holder, Indifference::Reject);
        let p = run(&rej, &vals, &ONE, &b, &[]).trades[0].price;
        assert!(p < 3.0 && p > 3.0 - 1e-6);
    }

    #[test]
    fn known_value_is_charged_in_full() {
        let vals = [single(1.0), single(4.0), single(2.0)];
        let holdings = [Holding::Units(1), Holding::Units(0), Holding::Units(0)];
        let m = TakeItOrLeaveIt::new(Proposer::Holder, Indifference::Accept);
        let o = run(&m, &vals, &holdings, &complete(&vals), &[]);
        assert_eq!(o.trades[0].buyer, 1);
        assert!((o.trades[0].price - 4.0).abs() < 1e-12);
        // With agent 1 out, agent 2 gets the offer at 2.
        let o = run(
            &m,
            &vals,
            &holdings,
            &complete(&vals),
            &[false, true, false],
        );
        assert_eq!(o.trades[0].buyer, 2);
        assert!((o.trades[0].price - 2.0).abs() < 1e-12);
        // Nothing worth selling: no offer.
        let vals = [single(5.0), single(4.0)];
        assert!(
            run(&m, &vals, &ONE, &complete(&vals), &[])
                .trades
                .is_empty()
        );
    }

    #[test]
    fn sampled_belief_is_deterministic_and_close() {
        let s = Belief::Distribution(Arc::new(SampleOnly(Shaped {
            prior: Arc::new(Uniform::new(0.0, 1.0).expect("ok")),
            shape: ValueShape::Single,
        })));
        let m = TakeItOrLeaveIt::new(Proposer::Holder, Indifference::Accept);
        let vals = [single(0.0), single(0.99)];
        let b = holder_beliefs(s, &vals);
        let p1 = run(&m, &vals, &ONE, &b, &[]).trades[0].price;
        let p2 = run(&m, &vals, &ONE, &b, &[]).trades[0].price;
        assert!((p1 - 0.5).abs() < 0.05, "{p1}");
        assert!((p1 - p2).abs() < 1e-15);
    }

    #[test]
    fn buyer_offers_against_its_belief_about_the_holder() {
        // Buyer worth 1, holder ~ U[0, 1]: max (1 - p) p, p = 1/2.
        let m = TakeItOrLeaveIt::new(Proposer::Buyer, Indifference::Accept);
        let vals = [single(0.3), single(1.0)];
        let mut b = complete(&vals);
        b[1][0] = uniform_single(0.0, 1.0);
        let o = run(&m, &vals, &ONE, &b, &[]);
        assert_eq!((o.trades[0].seller, o.trades[0].buyer), (0, 1));
        assert!((o.trades[0].price - 0.5).abs() < 1e-7);
        let vals = [single(0.7), single(1.0)];
        assert!(run(&m, &vals, &ONE, &b, &[]).trades.is_empty());
    }

    #[test]
    fn items_are_unsupported() {
        let m = TakeItOrLeaveIt::default();
        let vals = [single(1.0)];
        let holdings = [Holding::Items(ItemSet::singleton(0))];
        let ctx = ResaleContext {
            supply: Supply::Items { n: 1 },
            holdings: &holdings,
            valuations: &vals,
            beliefs: &[],
            observations: &[],
            opted_out: &[],
        };
        let err = m.outcomes(&ctx).expect_err("items");
        assert!(matches!(err, ResaleError::Unsupported { .. }));
    }
}
