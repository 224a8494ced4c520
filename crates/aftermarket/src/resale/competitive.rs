//! Competitive resale: efficient reallocation at a market-clearing price.

use super::efficient::{flows, reallocate};
use super::pricing::{marginal, unit_holdings};
use super::{Aftermarket, ResaleContext, ResaleError, ResaleOutcome};

/// Competitive (Walrasian) resale of identical units under complete
/// information: the active agents' units are reallocated efficiently among
/// them and every unit traded changes hands at one price per unit.
///
/// With \\(M\\) units held by active agents and \\(v_{(k)}\\) the \\(k\\)-th
/// highest of all their marginal values (zeros beyond each vector), every
/// price in \\(\[v_{(M+1)}, v_{(M)}\]\\) clears the market: at such a price each
/// agent demands exactly its units in the efficient allocation. The price
/// used is the **midpoint**
/// \\[ p = \tfrac12\big(v_{(M+1)} + v_{(M)}\big). \\]
/// Buyers pay \\(p\\) for units worth at least \\(v_{(M)} \ge p\\) to them and
/// sellers give up units worth at most \\(v_{(M+1)} \le p\\), so the play is
/// ex-post individually rational and strongly budget balanced. Units nobody
/// values stay with their holders; sellers are matched with buyers in index
/// order to list the trades.
///
/// Opt-out: an agent that opts out stays out of the market; it keeps its
/// units and its value does not enter the price.
///
/// ```
/// use aftermarket::resale::{Aftermarket, Competitive, ResaleContext};
/// use aftermarket::values::{Holding, Supply, Valuation};
/// // Paper 001 Example 1 values, one unit each: S buys W's unit. The
/// // clearing prices are [2, 10]; the midpoint is 6.
/// let vals = [Valuation::units(vec![10.0, 10.0])?, Valuation::units(vec![2.0, 0.0])?];
/// let holdings = [Holding::Units(1), Holding::Units(1)];
/// let ctx = ResaleContext {
///     supply: Supply::Units { m: 2 },
///     holdings: &holdings,
///     valuations: &vals,
///     beliefs: &[],
///     observations: &[],
///     opted_out: &[],
/// };
/// let o = &Competitive.outcomes(&ctx)?[0].1;
/// assert!((o.trades[0].price - 6.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`ResaleError::Unsupported`] for distinct items or package valuations
/// (competitive prices for packages need not exist).
///
/// ## References
/// - Babaioff, Immorlica, Li and Lucier, "Making auctions robust to
///   aftermarkets" (seed 004), Definitions 1 and 2: this market is a
///   trade mechanism (voluntary participation, budget balance) that
///   reallocates efficiently.
/// - Mas-Colell, A., Whinston, M. and Green, J. (1995), *Microeconomic
///   Theory*, Chapter 10 (competitive equilibrium with quasi-linear
///   utility).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Competitive;

impl Competitive {
    /// The midpoint of the market-clearing prices for the units active
    /// agents hold, or `None` when they hold none.
    ///
    /// # Errors
    /// As [`Aftermarket::outcomes`].
    pub fn price(&self, ctx: &ResaleContext<'_>) -> Result<Option<f64>, ResaleError> {
        let held = unit_holdings(ctx, self.name())?;
        let active: Vec<usize> = (0..ctx.n()).filter(|&i| ctx.active(i)).collect();
        let m: usize = active.iter().map(|&i| held[i]).sum();
        if m == 0 {
            return Ok(None);
        }
        let mut vs: Vec<f64> = active
            .iter()
            .flat_map(|&i| (1..=m + 1).map(move |k| (i, k)))
            .map(|(i, k)| marginal(ctx, i, k))
            .collect();
        vs.sort_by(|a, b| b.total_cmp(a));
        let hi = vs.get(m - 1).copied().unwrap_or(0.0);
        let lo = vs.get(m).copied().unwrap_or(0.0);
        Ok(Some(0.5 * (lo + hi)))
    }
}

impl Aftermarket for Competitive {
    fn uses_beliefs(&self) -> bool {
        false
    }
    fn name(&self) -> &str {
        "competitive"
    }
    fn opt_out(&self) -> &str {
        "stay out of the market: keep one's units, neither buy nor sell"
    }
    fn outcomes(&self, ctx: &ResaleContext<'_>) -> Result<Vec<(f64, ResaleOutcome)>, ResaleError> {
        let mut out = ResaleOutcome::no_trade(ctx.holdings);
        let Some(p) = self.price(ctx)? else {
            return Ok(vec![(1.0, out)]);
        };
        let after = reallocate(ctx, self.name())?;
        for (s, b, q) in flows(ctx.holdings, &after) {
            out.record(s, b, q, p * q as f64);
        }
        out.holdings = after;
        Ok(vec![(1.0, out)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::{Holding, Supply, Valuation};

    #[test]
    fn case_b_clears_between_the_second_and_third_values() {
        // vS = (10, 3), vW = (5, 1), S holds 2: S sells one unit; values
        // sorted 10, 5, 3, 1 with M = 2: prices [3, 5], midpoint 4.
        let vals = [
            Valuation::units(vec![10.0, 3.0]).expect("ok"),
            Valuation::units(vec![5.0, 1.0]).expect("ok"),
        ];
        let holdings = [Holding::Units(2), Holding::Units(0)];
        let ctx = ResaleContext {
            supply: Supply::Units { m: 2 },
            holdings: &holdings,
            valuations: &vals,
            beliefs: &[],
            observations: &[],
            opted_out: &[],
        };
        let o = &Competitive.outcomes(&ctx).expect("runs")[0].1;
        assert_eq!(o.holdings, vec![Holding::Units(1), Holding::Units(1)]);
        assert!((o.payments[1] - 4.0).abs() < 1e-12);
        // Agent 1 out: nothing to trade with.
        let ctx = ResaleContext {
            opted_out: &[false, true],
            ..ctx
        };
        let o = &Competitive.outcomes(&ctx).expect("runs")[0].1;
        assert_eq!(o.volume(), 0);
    }
}
