//! Holders sell their units one at a time at posted prices.

use super::offer::{others, post, sell_one, taker};
use super::pricing::unit_holdings;
use super::{Aftermarket, Indifference, ResaleContext, ResaleError, ResaleOutcome};

/// Each active holder, in index order, sells its units one at a time:
/// for each unit (lowest-valued first) it posts a take-it-or-leave-it
/// price to all other active agents; the accepting agent valuing one more
/// unit most buys it (ties: lowest index). A holder stops at its first
/// unsold unit, or after offering all the units it held when the
/// aftermarket opened.
///
/// Each price is a **myopic** per-unit optimum: the best price for the
/// unit at hand against the holder's beliefs about the others' values for
/// one more unit given current holdings,
/// \\[ \max_{p \ge w}\ (p - w)\Big(1 - \prod_j P\[v_j^{h_j+1} < p\]\Big), \\]
/// ignoring what the sale of this unit means for later ones and without
/// updating beliefs on acceptances or rejections. Buyers accept on their
/// true values; nobody sells below its value for the unit, so the play is
/// ex-post individually rational and strongly budget balanced.
///
/// Opt-out: an agent that opts out posts no prices and accepts none.
///
/// ```
/// use aftermarket::resale::{Aftermarket, Belief, Indifference, ResaleContext, SequentialPostedPrices};
/// use aftermarket::values::{Holding, Supply, Valuation};
/// // Agent 0 holds 2 units worth 1 each; agent 1, whose values 5 and 3
/// // are known, pays 5 for the first unit and 3 for the second.
/// let vals = [Valuation::units(vec![1.0, 1.0])?, Valuation::units(vec![5.0, 3.0])?];
/// let beliefs: Vec<Vec<Belief>> = (0..2)
///     .map(|_| vals.iter().cloned().map(Belief::Known).collect())
///     .collect();
/// let holdings = [Holding::Units(2), Holding::Units(0)];
/// let ctx = ResaleContext {
///     supply: Supply::Units { m: 2 },
///     holdings: &holdings,
///     valuations: &vals,
///     beliefs: &beliefs,
///     observations: &[],
///     opted_out: &[],
/// };
/// let o = &SequentialPostedPrices::new(Indifference::Accept).outcomes(&ctx)?[0].1;
/// assert_eq!(o.holdings, vec![Holding::Units(0), Holding::Units(2)]);
/// assert!((o.payments[1] - 8.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`ResaleError::Unsupported`] for distinct items or package valuations;
/// [`ResaleError::InvalidParameter`] when a belief is missing.
///
/// ## References
/// - Babaioff, Immorlica, Li and Lucier, "On the impact of information
///   acquisition and aftermarkets on auction efficiency", Example 3:
///   winners sequentially post per-unit prices (seed 003).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SequentialPostedPrices {
    indifference: Indifference,
}

impl SequentialPostedPrices {
    /// Buyers indifferent between accepting and rejecting follow
    /// `indifference`.
    pub fn new(indifference: Indifference) -> Self {
        SequentialPostedPrices { indifference }
    }
}

impl Aftermarket for SequentialPostedPrices {
    fn name(&self) -> &str {
        "sequential-posted-prices"
    }
    fn opt_out(&self) -> &str {
        "post no prices and accept none"
    }
    fn outcomes(&self, ctx: &ResaleContext<'_>) -> Result<Vec<(f64, ResaleOutcome)>, ResaleError> {
        let mut held = unit_holdings(ctx, self.name())?;
        let mut out = ResaleOutcome::no_trade(ctx.holdings);
        let ind = self.indifference;
        let sellers: Vec<(usize, usize)> = (0..ctx.n())
            .filter(|&i| ctx.active(i) && held[i] > 0)
            .map(|i| (i, held[i]))
            .collect();
        for (s, units) in sellers {
            let buyers = others(ctx, s);
            for _ in 0..units {
                let Some((p, _)) = post(ctx, self.name(), s, &held, &buyers, ind)? else {
                    break;
                };
                let Some(b) = taker(ctx, &held, &buyers, p, ind) else {
                    break;
                };
                sell_one(&mut out, &mut held, s, b, p);
            }
        }
        Ok(vec![(1.0, out)])
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::prior::{Prior, ValueShape};
    use crate::resale::Belief;
    use crate::resale::test_laws::{EqualRevenue, Shaped, complete};
    use crate::values::{Holding, Supply, Valuation};

    #[test]
    fn paper_003_example_3_posts_m_for_each_unit() {
        // Agent 1 worth 1 per unit holds m - 1 = 4 units; agent 2 holds one
        // and values further units at v ~ equal revenue on [1, 5]: p = 5.
        let m = 5;
        let er: Arc<dyn Prior> = Arc::new(EqualRevenue(m as f64));
        let mut shape = vec![(m as f64, 0.0)];
        shape.extend(std::iter::repeat_n((0.0, 1.0), m - 1));
        for (v, sold) in [(5.0, 4), (3.0, 0)] {
            let mut second = vec![m as f64];
            second.extend(std::iter::repeat_n(v, m - 1));
            let vals = [
                Valuation::units(vec![1.0; m]).expect("ok"),
                Valuation::units(second).expect("ok"),
            ];
            let mut b = complete(&vals);
            b[0][1] = Belief::Distribution(Arc::new(Shaped {
                prior: er.clone(),
                shape: ValueShape::Affine(shape.clone()),
            }));
            let holdings = [Holding::Units(m - 1), Holding::Units(1)];
            let ctx = ResaleContext {
                supply: Supply::Units { m },
                holdings: &holdings,
                valuations: &vals,
                beliefs: &b,
                observations: &[],
                opted_out: &[],
            };
            let o = &SequentialPostedPrices::default()
                .outcomes(&ctx)
                .expect("runs")[0]
                .1;
            assert_eq!(o.volume(), sold);
            assert!(o.trades.iter().all(|t| (t.price - 5.0).abs() < 1e-12));
        }
    }
}
