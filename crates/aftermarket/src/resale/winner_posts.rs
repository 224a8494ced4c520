//! The holder posts one price to all other agents.

use super::offer::{others, post, sell_one, taker};
use super::pricing::unit_holdings;
use super::{Aftermarket, Indifference, ResaleContext, ResaleError, ResaleOutcome};

/// The holder of the item posts one take-it-or-leave-it price to every
/// other active agent; if several accept, the one valuing the item most
/// buys it (ties: lowest index).
///
/// The price \\(p \ge w\\) (the holder's own value) maximises the holder's
/// expected payoff against its beliefs about the others, taken as
/// independent:
/// \\[ \max_{p \ge w}\ (p - w)\, P\big[\max_j v_j \ge p\big],\qquad
///     P\big\[\max_j v_j \ge p\big\] = 1 - \prod_j P\[v_j < p\]. \\]
/// For units, each active holder in index order posts one price for its
/// lowest-valued unit, against holdings as they stand when it posts.
/// Buyers accept iff their true surplus is \\(\ge 0\\) (\\(> 0\\) with
/// [`Indifference::Reject`]); nobody sells below its value, so the play is
/// ex-post individually rational and strongly budget balanced.
///
/// Opt-out: an agent that opts out posts no price and accepts none.
///
/// ```
/// use aftermarket::resale::{Aftermarket, Belief, Indifference, ResaleContext, WinnerPostsPrice};
/// use aftermarket::values::{Holding, Supply, Valuation};
/// let vals = [Valuation::single(0.0)?, Valuation::single(2.0)?, Valuation::single(5.0)?];
/// let beliefs: Vec<Vec<Belief>> = (0..3)
///     .map(|_| vals.iter().cloned().map(Belief::Known).collect())
///     .collect();
/// let holdings = [Holding::Units(1), Holding::Units(0), Holding::Units(0)];
/// let ctx = ResaleContext {
///     supply: Supply::Units { m: 1 },
///     holdings: &holdings,
///     valuations: &vals,
///     beliefs: &beliefs,
///     observations: &[],
///     opted_out: &[],
/// };
/// let o = &WinnerPostsPrice::new(Indifference::Accept).outcomes(&ctx)?[0].1;
/// assert_eq!(o.trades[0].buyer, 2);
/// assert!((o.trades[0].price - 5.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`ResaleError::Unsupported`] for distinct items or package valuations;
/// [`ResaleError::InvalidParameter`] when a belief is missing.
///
/// ## References
/// - Babaioff, Immorlica, Li and Lucier, "On the impact of information
///   acquisition and aftermarkets on auction efficiency", Theorem 4 and
///   footnote 21 (seed 003).
/// - Hafalir, I. and Krishna, V. (2008), "Asymmetric auctions with resale",
///   American Economic Review 98(1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WinnerPostsPrice {
    indifference: Indifference,
}

impl WinnerPostsPrice {
    /// Buyers indifferent between accepting and rejecting follow
    /// `indifference`.
    pub fn new(indifference: Indifference) -> Self {
        WinnerPostsPrice { indifference }
    }
}

impl Aftermarket for WinnerPostsPrice {
    fn name(&self) -> &str {
        "winner-posts-price"
    }
    fn opt_out(&self) -> &str {
        "post no price and accept none"
    }
    fn outcomes(&self, ctx: &ResaleContext<'_>) -> Result<Vec<(f64, ResaleOutcome)>, ResaleError> {
        let mut held = unit_holdings(ctx, self.name())?;
        let mut out = ResaleOutcome::no_trade(ctx.holdings);
        let ind = self.indifference;
        let sellers: Vec<usize> = (0..ctx.n())
            .filter(|&i| ctx.active(i) && held[i] > 0)
            .collect();
        for s in sellers {
            let buyers = others(ctx, s);
            if let Some((p, _)) = post(ctx, self.name(), s, &held, &buyers, ind)?
                && let Some(b) = taker(ctx, &held, &buyers, p, ind)
            {
                sell_one(&mut out, &mut held, s, b, p);
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

    #[test]
    fn two_uniform_rivals_raise_the_price() {
        // Holder worth 0; two rivals each U[0,1]: max p (1 - p^2), p = 1/sqrt 3.
        let vals: Vec<Valuation> = [0.0, 0.7, 0.9]
            .iter()
            .map(|&v| Valuation::single(v).expect("ok"))
            .collect();
        let mut b = complete(&vals);
        b[0][1] = uniform_single(0.0, 1.0);
        b[0][2] = uniform_single(0.0, 1.0);
        let holdings = [Holding::Units(1), Holding::Units(0), Holding::Units(0)];
        let ctx = ResaleContext {
            supply: Supply::Units { m: 1 },
            holdings: &holdings,
            valuations: &vals,
            beliefs: &b,
            observations: &[],
            opted_out: &[],
        };
        let m = WinnerPostsPrice::new(Indifference::Accept);
        let o = &m.outcomes(&ctx).expect("runs")[0].1;
        assert_eq!(o.trades.len(), 1);
        assert_eq!(o.trades[0].buyer, 2, "both accept; the higher value buys");
        assert!((o.trades[0].price - 1.0 / 3f64.sqrt()).abs() < 1e-7);
        // With agent 2 out, the price is optimal against one rival: 1/2.
        let ctx = ResaleContext {
            opted_out: &[false, false, true],
            ..ctx
        };
        let o = &m.outcomes(&ctx).expect("runs")[0].1;
        assert_eq!(o.trades[0].buyer, 1);
        assert!((o.trades[0].price - 0.5).abs() < 1e-7);
        assert_eq!(o.holdings[2], Holding::Units(0));
    }
}
