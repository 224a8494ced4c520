//! Nash bargaining over the whole reallocation (paper 001, Assumption 2).

use serde::{Deserialize, Serialize};

use super::efficient::{flows, reallocate, trades_from};
use super::pricing::GAIN_TOL;
use super::{Aftermarket, ResaleContext, ResaleError, ResaleOutcome};
use crate::analysis::welfare::welfare_of;

/// Who pays the per-unit trade cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum CostBearer {
    /// The buyer of each unit.
    #[default]
    Buyer,
    /// The seller of each unit.
    Seller,
    /// Both sides, each paying the full cost per unit.
    Both,
}

#[derive(Debug, Clone, PartialEq)]
enum Weights {
    PerAgent(Vec<f64>),
    TwoBidder { alpha: f64, weak: usize },
}

/// Complete-information Nash bargaining: the agents taking part move to
/// the efficient allocation among themselves and split the gain by fixed
/// bargaining weights.
///
/// With holdings \\(h\\), the efficient allocation \\(h^*\\) of the active
/// agents' goods among them, and gain
/// \\(G = \sum_i u_i(h^*_i) - \sum_i u_i(h_i) \ge 0\\), agent \\(i\\) with
/// share \\(s_i = w_i / \sum_{j\ \mathrm{active}} w_j\\) pays
/// \\[ t_i = u_i(h^*_i) - u_i(h_i) - s_i G, \\]
/// so it ends with \\(u_i(h_i) + s_i G\\) and \\(\sum_i t_i = 0\\) (strong
/// budget balance). In the two-bidder form the weak bidder W has share
/// \\(\alpha\\) and the strong bidder S share \\(1-\alpha\\), which reproduces
/// every resale price of paper 001: W sells to S at the owner's value plus
/// \\(\alpha\\) times the gain, S sells to W at her value plus
/// \\((1-\alpha)\\) times the gain, and W holding both units of Case A
/// receives \\(x + y = \alpha V_S + (1-\alpha) V_W\\) in total.
///
/// A cost \\(c\\) per unit traded is borne by the buyer, the seller or both
/// (each paying \\(c\\)) on top of the price, which \\(c\\) does not change;
/// trade takes place only if \\(G\\) exceeds the total cost. With
/// probability \\(p\\) the trade happens, otherwise nobody trades (two
/// branches). Goods nobody values stay with their holders.
///
/// Trade prices: each seller's net receipt is spread over its sales in
/// proportion to quantity. With more than two agents an agent whose
/// holding does not change still receives its share of \\(G\\); that
/// transfer appears in the payments only.
///
/// Opt-out: an agent that opts out is left out of the bargaining; it keeps
/// its goods, pays nothing and bears no cost.
///
/// ```
/// use aftermarket::resale::{Aftermarket, CostBearer, NashBargaining, ResaleContext};
/// use aftermarket::values::{Holding, Supply, Valuation};
/// // Paper 001, Example 1: S = (10, 10), W = (2, 0), alpha = 1/2, one unit each.
/// let nb = NashBargaining::two_bidder(0.5, 1, 1.0, 0.0, CostBearer::Buyer)?;
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
/// let out = nb.outcomes(&ctx)?;
/// let trade = &out[0].1.trades[0];
/// assert_eq!((trade.seller, trade.buyer, trade.quantity), (1, 0, 1));
/// assert!((trade.price - 6.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The constructors reject weights that are negative, not finite or all
/// zero, \\(\alpha \notin (0, 1\]\\), a weak-bidder index other than 0 or 1,
/// \\(p \notin \[0, 1\]\\) and negative or non-finite costs.
/// [`Aftermarket::outcomes`] returns [`ResaleError::InvalidParameter`] when
/// the number of agents does not match the weights.
///
/// ## References
/// - Pagnozzi, M. (2009), "Resale and bundling in auctions", Assumption 2,
///   Sections 6 and 7 (seed 001).
/// - Binmore, K., Rubinstein, A. and Wolinsky, A. (1986), "The Nash
///   bargaining solution in economic modelling".
#[derive(Debug, Clone, PartialEq)]
pub struct NashBargaining {
    weights: Weights,
    trade_probability: f64,
    cost_per_unit: f64,
    cost_bearer: CostBearer,
}

fn check_common(p: f64, c: f64) -> Result<(), ResaleError> {
    if !p.is_finite() || !(0.0..=1.0).contains(&p) {
        return Err(ResaleError::InvalidParameter {
            param: "trade_probability",
            rule: "must be in [0, 1]",
            value: p.to_string(),
        });
    }
    if !c.is_finite() || c < 0.0 {
        return Err(ResaleError::InvalidParameter {
            param: "cost_per_unit",
            rule: "must be finite and >= 0",
            value: c.to_string(),
        });
    }
    Ok(())
}

impl NashBargaining {
    /// Bargaining weight `weights[i]` for agent `i` (any number of agents).
    ///
    /// # Errors
    /// See the type's `# Errors`.
    pub fn new(
        weights: Vec<f64>,
        trade_probability: f64,
        cost_per_unit: f64,
        cost_bearer: CostBearer,
    ) -> Result<Self, ResaleError> {
        if let Some(w) = weights.iter().find(|w| !w.is_finite() || **w < 0.0) {
            return Err(ResaleError::InvalidParameter {
                param: "weights",
                rule: "must be finite and >= 0",
                value: w.to_string(),
            });
        }
        if !weights.iter().any(|w| *w > 0.0) {
            return Err(ResaleError::InvalidParameter {
                param: "weights",
                rule: "must have a positive entry",
                value: format!("{weights:?}"),
            });
        }
        check_common(trade_probability, cost_per_unit)?;
        Ok(NashBargaining {
            weights: Weights::PerAgent(weights),
            trade_probability,
            cost_per_unit,
            cost_bearer,
        })
    }

    /// Two bidders, the weak one (`weak`, 0 or 1) getting share `alpha` of
    /// the gain and the other `1 - alpha` (paper 001).
    ///
    /// # Errors
    /// See the type's `# Errors`.
    pub fn two_bidder(
        alpha: f64,
        weak: usize,
        trade_probability: f64,
        cost_per_unit: f64,
        cost_bearer: CostBearer,
    ) -> Result<Self, ResaleError> {
        if !alpha.is_finite() || alpha <= 0.0 || alpha > 1.0 {
            return Err(ResaleError::InvalidParameter {
                param: "alpha",
                rule: "must be in (0, 1]",
                value: alpha.to_string(),
            });
        }
        if weak > 1 {
            return Err(ResaleError::InvalidParameter {
                param: "weak",
                rule: "must be 0 or 1",
                value: weak.to_string(),
            });
        }
        check_common(trade_probability, cost_per_unit)?;
        Ok(NashBargaining {
            weights: Weights::TwoBidder { alpha, weak },
            trade_probability,
            cost_per_unit,
            cost_bearer,
        })
    }

    /// The probability that the trade happens.
    pub fn trade_probability(&self) -> f64 {
        self.trade_probability
    }

    /// The cost per unit traded.
    pub fn cost_per_unit(&self) -> f64 {
        self.cost_per_unit
    }

    /// Who bears the cost.
    pub fn cost_bearer(&self) -> CostBearer {
        self.cost_bearer
    }

    fn weights_for(&self, n: usize) -> Result<Vec<f64>, ResaleError> {
        match &self.weights {
            Weights::PerAgent(w) if w.len() == n => Ok(w.clone()),
            Weights::PerAgent(w) => Err(ResaleError::InvalidParameter {
                param: "weights",
                rule: "must give one weight per agent",
                value: format!("{} weights for {n} agents", w.len()),
            }),
            Weights::TwoBidder { alpha, weak } if n == 2 => {
                let mut w = vec![1.0 - alpha; 2];
                w[*weak] = *alpha;
                Ok(w)
            }
            Weights::TwoBidder { .. } => Err(ResaleError::InvalidParameter {
                param: "weights",
                rule: "the two-bidder form needs exactly two agents",
                value: format!("{n} agents"),
            }),
        }
    }

    /// The outcome when the trade happens, or `None` when there is nothing
    /// worth trading.
    fn settle(&self, ctx: &ResaleContext<'_>) -> Result<Option<ResaleOutcome>, ResaleError> {
        let n = ctx.n();
        let weights = self.weights_for(n)?;
        let after = reallocate(ctx, self.name())?;
        let flows = flows(ctx.holdings, &after);
        if flows.is_empty() {
            return Ok(None);
        }
        let gain = welfare_of(ctx.valuations, &after)? - welfare_of(ctx.valuations, ctx.holdings)?;
        let mut costs = vec![0.0; n];
        for &(s, b, q) in &flows {
            let c = self.cost_per_unit * q as f64;
            match self.cost_bearer {
                CostBearer::Buyer => costs[b] += c,
                CostBearer::Seller => costs[s] += c,
                CostBearer::Both => {
                    costs[b] += c;
                    costs[s] += c;
                }
            }
        }
        let total_cost: f64 = costs.iter().sum();
        if gain <= total_cost + GAIN_TOL {
            return Ok(None);
        }
        let active: Vec<usize> = (0..n).filter(|&i| ctx.active(i)).collect();
        let w_sum: f64 = active.iter().map(|&i| weights[i]).sum();
        let mut payments = vec![0.0; n];
        for &i in &active {
            let share = if w_sum > 0.0 {
                weights[i] / w_sum
            } else {
                1.0 / active.len() as f64
            };
            payments[i] = ctx.value(i, &after[i])? - ctx.value(i, &ctx.holdings[i])? - share * gain;
        }
        let trades = trades_from(&flows, &payments);
        Ok(Some(ResaleOutcome {
            holdings: after,
            payments,
            costs,
            trades,
        }))
    }
}

impl Aftermarket for NashBargaining {
    fn uses_beliefs(&self) -> bool {
        false
    }
    fn name(&self) -> &str {
        "nash-bargaining"
    }
    fn opt_out(&self) -> &str {
        "stay out of the bargaining: keep one's goods, pay nothing, bear no cost"
    }
    fn outcomes(&self, ctx: &ResaleContext<'_>) -> Result<Vec<(f64, ResaleOutcome)>, ResaleError> {
        let none = ResaleOutcome::no_trade(ctx.holdings);
        let Some(trade) = self.settle(ctx)? else {
            return Ok(vec![(1.0, none)]);
        };
        let p = self.trade_probability;
        Ok(if p >= 1.0 {
            vec![(1.0, trade)]
        } else if p <= 0.0 {
            vec![(1.0, none)]
        } else {
            vec![(p, trade), (1.0 - p, none)]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::{Holding, Supply, Valuation};

    fn run(nb: &NashBargaining, vs: [&[f64]; 2], held: [usize; 2]) -> Vec<(f64, ResaleOutcome)> {
        let vals: Vec<Valuation> = vs
            .iter()
            .map(|v| Valuation::units(v.to_vec()).expect("valid"))
            .collect();
        let holdings: Vec<Holding> = held.iter().map(|&k| Holding::Units(k)).collect();
        let ctx = ResaleContext {
            supply: Supply::Units { m: 2 },
            holdings: &holdings,
            valuations: &vals,
            beliefs: &[],
            observations: &[],
            opted_out: &[],
        };
        nb.outcomes(&ctx).expect("runs")
    }

    fn half() -> NashBargaining {
        NashBargaining::two_bidder(0.5, 1, 1.0, 0.0, CostBearer::Buyer).expect("valid")
    }

    #[test]
    fn weak_bidder_holding_one_unit_sells_at_six() {
        let out = run(&half(), [&[10.0, 10.0], &[2.0, 0.0]], [1, 1]);
        assert_eq!(out.len(), 1);
        let o = &out[0].1;
        assert_eq!(o.holdings, vec![Holding::Units(2), Holding::Units(0)]);
        assert!((o.payments[0] - 6.0).abs() < 1e-12);
        assert!((o.payments[1] + 6.0).abs() < 1e-12);
        assert_eq!(o.trades.len(), 1);
        assert!((o.trades[0].price - 6.0).abs() < 1e-12);
    }

    #[test]
    fn weak_bidder_holding_both_units_receives_x_plus_y() {
        // x + y = alpha VS + (1 - alpha) VW = 10 + 1 = 11.
        let out = run(&half(), [&[10.0, 10.0], &[2.0, 0.0]], [0, 2]);
        let o = &out[0].1;
        assert_eq!(o.trades.len(), 1);
        assert_eq!(o.trades[0].quantity, 2);
        assert!((o.trades[0].price - 11.0).abs() < 1e-12);
    }

    #[test]
    fn case_b_strong_bidder_sells_one_unit_at_y() {
        // y = alpha vS2 + (1 - alpha) vW1 = 1.5 + 2.5 = 4.
        let out = run(&half(), [&[10.0, 3.0], &[5.0, 1.0]], [2, 0]);
        let t = &out[0].1.trades[0];
        assert_eq!((t.seller, t.buyer, t.quantity), (0, 1, 1));
        assert!((t.price - 4.0).abs() < 1e-12);
    }

    #[test]
    fn trade_probability_gives_two_weighted_branches() {
        let nb = NashBargaining::two_bidder(0.5, 1, 0.4, 0.0, CostBearer::Buyer).expect("ok");
        let out = run(&nb, [&[10.0, 10.0], &[2.0, 0.0]], [1, 1]);
        assert_eq!(out.len(), 2);
        assert!((out[0].0 - 0.4).abs() < 1e-12 && (out[1].0 - 0.6).abs() < 1e-12);
        assert_eq!(out[0].1.volume(), 1);
        assert_eq!(out[1].1.volume(), 0);
    }

    #[test]
    fn cost_is_paid_by_the_buyer_on_top_of_the_price() {
        let nb = NashBargaining::two_bidder(0.5, 1, 1.0, 0.01, CostBearer::Buyer).expect("ok");
        let out = run(&nb, [&[10.0, 10.0], &[2.0, 0.0]], [1, 1]);
        let o = &out[0].1;
        assert!((o.trades[0].price - 6.0).abs() < 1e-12);
        assert!((o.costs[0] - 0.01).abs() < 1e-12);
        assert!(o.costs[1].abs() < 1e-12);
        let both = NashBargaining::two_bidder(0.5, 1, 1.0, 0.01, CostBearer::Both).expect("ok");
        let o = &run(&both, [&[10.0, 10.0], &[2.0, 0.0]], [0, 2])[0].1;
        assert!((o.costs[0] - 0.02).abs() < 1e-12 && (o.costs[1] - 0.02).abs() < 1e-12);
    }

    #[test]
    fn no_trade_when_cost_exceeds_gain() {
        let nb = NashBargaining::two_bidder(0.5, 1, 1.0, 5.0, CostBearer::Seller).expect("ok");
        // Case B, S holds both: gain 2 < cost 5.
        let out = run(&nb, [&[10.0, 3.0], &[5.0, 1.0]], [2, 0]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].1.volume(), 0);
    }

    #[test]
    fn alpha_must_be_in_the_half_open_unit_interval() {
        let err = NashBargaining::two_bidder(0.0, 1, 1.0, 0.0, CostBearer::Buyer).expect_err("0");
        assert_eq!(err.to_string(), "alpha must be in (0, 1], got 0");
        let err = NashBargaining::two_bidder(0.5, 2, 1.0, 0.0, CostBearer::Buyer).expect_err("2");
        assert_eq!(err.to_string(), "weak must be 0 or 1, got 2");
        let err = NashBargaining::two_bidder(0.5, 0, 1.5, 0.0, CostBearer::Buyer).expect_err("p");
        assert_eq!(
            err.to_string(),
            "trade_probability must be in [0, 1], got 1.5"
        );
        let err = NashBargaining::new(vec![0.0, 0.0], 1.0, 0.0, CostBearer::Buyer).expect_err("w");
        assert!(
            err.to_string()
                .starts_with("weights must have a positive entry")
        );
    }

    #[test]
    fn two_bidder_form_refuses_three_agents() {
        let nb = half();
        let vals = vec![Valuation::single(1.0).expect("ok"); 3];
        let holdings = [Holding::Units(1), Holding::Units(0), Holding::Units(0)];
        let ctx = ResaleContext {
            supply: Supply::Units { m: 1 },
            holdings: &holdings,
            valuations: &vals,
            beliefs: &[],
            observations: &[],
            opted_out: &[],
        };
        assert!(nb.outcomes(&ctx).is_err());
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<NashBargaining>();
    }
}
