//! A speculator reselling as a monopolist (paper 004, Example 1).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::pricing::{GAIN_TOL, MarginalLaw, best_price, law, marginal, move_units, unit_holdings};
use super::{Aftermarket, Belief, Indifference, ResaleContext, ResaleError, ResaleOutcome};
use crate::prior::TypePrior;

/// The seller's offer: `quantity` units at `price` each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonopolyOffer {
    /// Units offered.
    pub quantity: usize,
    /// Price per unit.
    pub price: f64,
    /// Expected gain of the offer over keeping the units.
    pub expected_gain: f64,
}

/// Payoff ties within this go to the smaller quantity.
const QUANTITY_TIE_TOL: f64 = 1e-9;
/// Offers remembered before the memory is cleared.
const CACHE_CAPACITY: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum BeliefKey {
    Known(Vec<u64>),
    Law(usize),
}

type CacheKey = (Vec<usize>, Vec<usize>, Vec<u64>, Vec<BeliefKey>);
type CacheEntry = (Option<MonopolyOffer>, Vec<Arc<dyn TypePrior>>);

/// A seller posting one take-it-or-leave-it per-unit price `q` for
/// `Q` of its units; the buyers, in a fixed order, each buy the number of
/// the remaining units that maximises their utility at `q` (every unit
/// whose marginal value is \\(\ge q\\), or \\(> q\\) with
/// [`Indifference::Reject`]).
///
/// The seller chooses \\((Q, q)\\) to maximise its expected gain against its
/// beliefs about the buyers' marginal-value vectors (independent across
/// buyers):
/// \\[ \max_{Q,\,q}\ E\big\[q\,n(Q, q) - L(n(Q, q))\big\], \\]
/// where \\(n\\) is the number of units sold and \\(L(n)\\) the seller's own
/// value of the \\(n\\) lowest-valued units it holds (0 for a speculator).
/// Only units the seller values at most \\(q\\) are offered, so it never
/// sells below its value. The law of \\(n\\) is computed exactly: buyer
/// \\(j\\) wants at least \\(k\\) more units iff its \\(k\\)-th next marginal
/// value reaches \\(q\\), an event whose probability is read off the belief
/// (enumeration for finite laws; the CDF of the scalar law for
/// `scalar()`-driven laws, marginal \\(k\\) being \\(a_k + b_k v\\); a fixed-seed
/// sample otherwise), and the remaining quantity is pushed through the
/// buyers in order. Candidate prices are every breakpoint (values at
/// support ends and atoms, the seller's own values), a fine grid, and a
/// golden-section refinement around the best grid point. Ties go to the
/// lower price, then to the smaller quantity.
///
/// The price is computed for every outcome, never fixed: in paper 004's
/// Example 1 the seller offers all units at \\(q = 1\\) on the equilibrium
/// path, but off it (e.g. holding all six units at \\(m = 6\\)) two units
/// at \\(q = 2\\) do better.
///
/// **Memory.** The optimal offer is remembered per (holdings, seller's
/// values, beliefs): known beliefs by value, laws by identity of the shared
/// law (kept alive while remembered). A Monte Carlo runner passing the same
/// prior handles (as when the disclosure reveals nothing type-dependent)
/// thus solves each holdings vector once.
///
/// Opt-out: an opted-out buyer buys nothing; an opted-out seller makes no
/// offer.
///
/// ```
/// use aftermarket::resale::{Aftermarket, Belief, Indifference, MonopolistReseller, ResaleContext};
/// use aftermarket::values::{Holding, Supply, Valuation};
/// // A speculator (agent 2) holding 3 units; buyers known to value units
/// // at (2, 1) and (1.6): q = 2 earns 2, q = 1 earns 3, q = 1.6 on two
/// // units earns 3.2.
/// let vals = [
///     Valuation::units(vec![2.0, 1.0])?,
///     Valuation::units(vec![1.6])?,
///     Valuation::units(vec![])?,
/// ];
/// let beliefs: Vec<Vec<Belief>> = (0..3)
///     .map(|_| vals.iter().cloned().map(Belief::Known).collect())
///     .collect();
/// let holdings = [Holding::Units(0), Holding::Units(0), Holding::Units(3)];
/// let ctx = ResaleContext {
///     supply: Supply::Units { m: 3 },
///     holdings: &holdings,
///     valuations: &vals,
///     beliefs: &beliefs,
///     observations: &[],
///     opted_out: &[],
/// };
/// let m = MonopolistReseller::new(2, vec![0, 1], Indifference::Accept)?;
/// let offer = m.offer(&ctx)?.expect("an offer");
/// assert_eq!(offer.quantity, 2);
/// assert!((offer.price - 1.6).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`MonopolistReseller::new`] rejects a buyer order that repeats an agent
/// or contains the seller. [`Aftermarket::outcomes`] returns
/// [`ResaleError::InvalidParameter`] for agents that do not exist or a
/// missing belief, and [`ResaleError::Unsupported`] for distinct items.
///
/// ## References
/// - Babaioff, Immorlica, Li and Lucier, "Making auctions robust to
///   aftermarkets", Example 1 and Appendix B.2 (seed 004).
#[derive(Debug)]
pub struct MonopolistReseller {
    seller: usize,
    buyer_order: Vec<usize>,
    indifference: Indifference,
    memory: Mutex<HashMap<CacheKey, CacheEntry>>,
}

impl Clone for MonopolistReseller {
    fn clone(&self) -> Self {
        MonopolistReseller {
            seller: self.seller,
            buyer_order: self.buyer_order.clone(),
            indifference: self.indifference,
            memory: Mutex::new(HashMap::new()),
        }
    }
}

impl MonopolistReseller {
    /// Agent `seller` sells to `buyer_order`, first to last.
    ///
    /// # Errors
    /// A buyer listed twice, or the seller listed as a buyer.
    pub fn new(
        seller: usize,
        buyer_order: Vec<usize>,
        indifference: Indifference,
    ) -> Result<Self, ResaleError> {
        if buyer_order.contains(&seller) {
            return Err(ResaleError::InvalidParameter {
                param: "buyer_order",
                rule: "must not contain the seller",
                value: format!("{buyer_order:?} with seller {seller}"),
            });
        }
        for (k, b) in buyer_order.iter().enumerate() {
            if buyer_order[..k].contains(b) {
                return Err(ResaleError::InvalidParameter {
                    param: "buyer_order",
                    rule: "must not repeat an agent",
                    value: format!("{buyer_order:?}"),
                });
            }
        }
        Ok(MonopolistReseller {
            seller,
            buyer_order,
            indifference,
            memory: Mutex::new(HashMap::new()),
        })
    }

    /// The seller.
    pub fn seller(&self) -> usize {
        self.seller
    }

    /// The buyers, first to last.
    pub fn buyer_order(&self) -> &[usize] {
        &self.buyer_order
    }

    fn check_agents(&self, n: usize) -> Result<(), ResaleError> {
        if let Some(&i) = std::iter::once(&self.seller)
            .chain(&self.buyer_order)
            .find(|&&i| i >= n)
        {
            return Err(ResaleError::InvalidParameter {
                param: "seller and buyer_order",
                rule: "must name existing agents",
                value: format!("agent {i} among {n}"),
            });
        }
        Ok(())
    }

    fn buyers(&self, ctx: &ResaleContext<'_>) -> Vec<usize> {
        self.buyer_order
            .iter()
            .copied()
            .filter(|&j| ctx.active(j))
            .collect()
    }

    /// The seller's optimal offer in this context, or `None` when no offer
    /// has a positive expected gain (or the seller holds nothing or opted
    /// out).
    ///
    /// # Errors
    /// As [`Aftermarket::outcomes`].
    pub fn offer(&self, ctx: &ResaleContext<'_>) -> Result<Option<MonopolyOffer>, ResaleError> {
        let held = unit_holdings(ctx, self.name())?;
        self.check_agents(ctx.n())?;
        let s = self.seller;
        if !ctx.active(s) || held[s] == 0 {
            return Ok(None);
        }
        let buyers = self.buyers(ctx);
        let key = self.key(ctx, &held, &buyers);
        if let Some((offer, _)) = key
            .as_ref()
            .and_then(|k| self.memory.lock().ok()?.get(k).cloned())
        {
            return Ok(offer);
        }
        let offer = self.solve(ctx, &held, &buyers)?;
        if let (Some(k), Ok(mut mem)) = (key, self.memory.lock()) {
            if mem.len() >= CACHE_CAPACITY {
                mem.clear();
            }
            let keep: Vec<Arc<dyn TypePrior>> = buyers
                .iter()
                .filter_map(|&j| match ctx.beliefs.get(s).and_then(|r| r.get(j)) {
                    Some(Belief::Distribution(tp)) => Some(tp.clone()),
                    _ => None,
                })
                .collect();
            mem.insert(k, (offer, keep));
        }
        Ok(offer)
    }

    fn key(&self, ctx: &ResaleContext<'_>, held: &[usize], buyers: &[usize]) -> Option<CacheKey> {
        let s = self.seller;
        let own = ctx
            .valuations
            .get(s)?
            .as_units()?
            .as_slice()
            .iter()
            .map(|v| v.to_bits())
            .collect();
        let mut laws = Vec::with_capacity(buyers.len());
        for &j in buyers {
            laws.push(match ctx.beliefs.get(s)?.get(j)? {
                Belief::Known(v) => BeliefKey::Known(
                    v.as_units()?
                        .as_slice()
                        .iter()
                        .map(|x| x.to_bits())
                        .collect(),
                ),
                Belief::Distribution(tp) => BeliefKey::Law(Arc::as_ptr(tp).cast::<()>() as usize),
            });
        }
        Some((held.to_vec(), buyers.to_vec(), own, laws))
    }

    fn solve(
        &self,
        ctx: &ResaleContext<'_>,
        held: &[usize],
        buyers: &[usize],
    ) -> Result<Option<MonopolyOffer>, ResaleError> {
        let s = self.seller;
        let h_s = held[s];
        let ind = self.indifference;
        let mut laws: Vec<(MarginalLaw<'_>, usize)> = Vec::with_capacity(buyers.len());
        let mut points = Vec::new();
        for &j in buyers {
            let l = law(ctx, s, j, self.name())?;
            for k in 1..=h_s {
                l.breakpoints(held[j] + k, &mut points);
            }
            laws.push((l, held[j]));
        }
        // own[k]: seller's value of its k-th lowest-valued unit (k from 1).
        let own: Vec<f64> = (0..h_s).map(|k| marginal(ctx, s, h_s - k)).collect();
        points.extend(own.iter().copied());
        let loss: Vec<f64> = std::iter::once(0.0)
            .chain(own.iter().scan(0.0, |acc, v| {
                *acc += v;
                Some(*acc)
            }))
            .collect();
        // Gain of each quantity at price q, best first by (gain, -Q).
        let gains = |q: f64| -> Vec<f64> {
            let offerable = own.iter().take_while(|&&v| v <= q).count();
            let wants: Vec<Vec<f64>> = laws
                .iter()
                .map(|(l, h)| {
                    // P[N >= k] for k = 0..=h_s, then the pmf of min(N, h_s).
                    let tail: Vec<f64> = (0..=h_s + 1)
                        .map(|k| if k == 0 { 1.0 } else { l.buys(h + k, q, ind) })
                        .collect();
                    (0..=h_s)
                        .map(|k| {
                            if k == h_s {
                                tail[k]
                            } else {
                                (tail[k] - tail[k + 1]).max(0.0)
                            }
                        })
                        .collect()
                })
                .collect();
            (1..=offerable)
                .map(|big_q| {
                    let mut rem = vec![0.0; big_q + 1];
                    rem[big_q] = 1.0;
                    for pmf in &wants {
                        let mut next = vec![0.0; big_q + 1];
                        for (r, &pr) in rem.iter().enumerate() {
                            if pr <= 0.0 {
                                continue;
                            }
                            for (n, &pn) in pmf.iter().enumerate() {
                                next[r - n.min(r)] += pr * pn;
                            }
                        }
                        rem = next;
                    }
                    rem.iter()
                        .enumerate()
                        .map(|(r, &pr)| {
                            let sold = big_q - r;
                            pr * (q * sold as f64 - loss[sold])
                        })
                        .sum()
                })
                .collect()
        };
        let obj = |q: f64| gains(q).into_iter().fold(0.0, f64::max);
        let lo = own.iter().copied().fold(f64::INFINITY, f64::min).max(0.0);
        let hi = points.iter().copied().fold(lo, f64::max);
        let Some((q, g)) = best_price(&obj, &points, lo, hi) else {
            return Ok(None);
        };
        if g <= GAIN_TOL {
            return Ok(None);
        }
        let quantity = gains(q)
            .iter()
            .position(|&x| x >= g - QUANTITY_TIE_TOL)
            .map_or(h_s, |k| k + 1);
        Ok(Some(MonopolyOffer {
            quantity,
            price: q,
            expected_gain: g,
        }))
    }
}

impl Aftermarket for MonopolistReseller {
    fn name(&self) -> &str {
        "monopolist-reseller"
    }
    fn opt_out(&self) -> &str {
        "buyers buy nothing; the seller offers nothing"
    }
    fn outcomes(&self, ctx: &ResaleContext<'_>) -> Result<Vec<(f64, ResaleOutcome)>, ResaleError> {
        let mut out = ResaleOutcome::no_trade(ctx.holdings);
        let Some(offer) = self.offer(ctx)? else {
            return Ok(vec![(1.0, out)]);
        };
        let held = unit_holdings(ctx, self.name())?;
        let mut left = offer.quantity;
        for j in self.buyers(ctx) {
            let wanted = (1..=left)
                .take_while(|&k| {
                    self.indifference
                        .accepts(marginal(ctx, j, held[j] + k) - offer.price)
                })
                .count();
            if wanted > 0 {
                move_units(&mut out.holdings, self.seller, j, wanted);
                out.record(self.seller, j, wanted, offer.price * wanted as f64);
                left -= wanted;
            }
        }
        Ok(vec![(1.0, out)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resale::test_laws::{complete, uniform_single};
    use crate::values::{Holding, Supply, Valuation};

    fn ctx_parts() -> (Vec<Valuation>, [Holding; 3]) {
        (
            vec![
                Valuation::single(0.8).expect("ok"),
                Valuation::single(0.3).expect("ok"),
                Valuation::units(vec![]).expect("ok"),
            ],
            [Holding::Units(0), Holding::Units(0), Holding::Units(2)],
        )
    }

    #[test]
    fn two_uniform_unit_buyers_get_the_uniform_monopoly_price() {
        // Two unit-demand buyers each U[0,1], two units: each unit sells
        // independently, gain 2 q (1 - q), q = 1/2, gain 1/2.
        let (vals, holdings) = ctx_parts();
        let mut b = complete(&vals);
        b[2][0] = uniform_single(0.0, 1.0);
        b[2][1] = uniform_single(0.0, 1.0);
        let ctx = ResaleContext {
            supply: Supply::Units { m: 2 },
            holdings: &holdings,
            valuations: &vals,
            beliefs: &b,
            observations: &[],
            opted_out: &[],
        };
        let m = MonopolistReseller::new(2, vec![0, 1], Indifference::Accept).expect("ok");
        let offer = m.offer(&ctx).expect("runs").expect("offer");
        assert_eq!(offer.quantity, 2);
        assert!((offer.price - 0.5).abs() < 1e-7);
        assert!((offer.expected_gain - 0.5).abs() < 1e-9);
        // Remembered: the same answer again.
        assert_eq!(m.offer(&ctx).expect("runs"), Some(offer));
        let o = &m.outcomes(&ctx).expect("runs")[0].1;
        assert_eq!(o.holdings[0], Holding::Units(1));
        assert_eq!(o.holdings[1], Holding::Units(0));
        // Buyer 0 out: one buyer left, one unit offered.
        let ctx = ResaleContext {
            opted_out: &[true, false, false],
            ..ctx
        };
        let offer = m.offer(&ctx).expect("runs").expect("offer");
        assert_eq!(offer.quantity, 1);
        assert!((offer.expected_gain - 0.25).abs() < 1e-9);
    }

    #[test]
    fn buyer_order_must_not_hold_the_seller_or_repeat() {
        let err = MonopolistReseller::new(1, vec![0, 1], Indifference::Accept).expect_err("s");
        assert!(
            err.to_string()
                .starts_with("buyer_order must not contain the seller")
        );
        let err = MonopolistReseller::new(2, vec![0, 0], Indifference::Accept).expect_err("r");
        assert!(
            err.to_string()
                .starts_with("buyer_order must not repeat an agent")
        );
    }

    #[test]
    fn unknown_agents_are_an_error_not_a_panic() {
        let (vals, holdings) = ctx_parts();
        let b = complete(&vals);
        let ctx = ResaleContext {
            supply: Supply::Units { m: 2 },
            holdings: &holdings,
            valuations: &vals,
            beliefs: &b,
            observations: &[],
            opted_out: &[],
        };
        let m = MonopolistReseller::new(2, vec![0, 7], Indifference::Accept).expect("ok");
        assert!(m.outcomes(&ctx).is_err());
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<MonopolistReseller>();
    }
}
