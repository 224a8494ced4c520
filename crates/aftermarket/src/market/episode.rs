//! One play of the combined market.

use rand::Rng;
use serde::Serialize;

use super::{Market, MarketError, beliefs_for};
use crate::analysis::welfare::{efficient_allocation, welfare_of};
use crate::disclosure::Observation;
use crate::mechanism::{Bid, Outcome};
use crate::resale::{ResaleContext, ResaleOutcome};
use crate::values::{Holding, Valuation};

/// The numbers of one play.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// Welfare of the efficient allocation.
    pub optimal_welfare: f64,
    /// Welfare of the auction's allocation.
    pub auction_welfare: f64,
    /// Welfare of the final allocation (before costs).
    pub final_welfare: f64,
    /// Seller revenue from the auction.
    pub revenue: f64,
    /// Money that changed hands in the aftermarket (sum of trade prices).
    pub resale_payments: f64,
    /// Net aftermarket payments (≥ 0 under weak budget balance; kept by
    /// the market maker).
    pub resale_surplus: f64,
    /// Units or items that changed hands.
    pub resale_volume: f64,
    /// 1 if any trade took place.
    pub resale_occurred: f64,
    /// Deadweight trade costs.
    pub trade_costs: f64,
    /// Information-acquisition costs.
    pub info_costs: f64,
    /// Each bidder's utility: value of final holding − auction payment −
    /// net aftermarket payment − trade and information costs.
    pub payoffs: Vec<f64>,
    /// Units or items each bidder won in the auction.
    pub won: Vec<f64>,
    /// Units or items each bidder holds at the end.
    pub held: Vec<f64>,
}

impl Record {
    /// The accounting identity: final welfare − trade and information
    /// costs = payoffs + revenue + net aftermarket payments. Returns the
    /// discrepancy (0 up to rounding).
    pub fn identity_gap(&self) -> f64 {
        let lhs = self.final_welfare - self.trade_costs - self.info_costs;
        let rhs = self.payoffs.iter().sum::<f64>() + self.revenue + self.resale_surplus;
        lhs - rhs
    }

    /// Names of the flattened measures, in the order of [`Record::flatten`].
    pub fn names(bidders: &[String]) -> Vec<String> {
        let mut v: Vec<String> = [
            "optimal_welfare",
            "auction_welfare",
            "final_welfare",
            "revenue",
            "resale_payments",
            "resale_surplus",
            "resale_volume",
            "resale_probability",
            "trade_costs",
            "info_costs",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(bidders.iter().map(|b| format!("payoff[{b}]")));
        v.extend(bidders.iter().map(|b| format!("won[{b}]")));
        v.extend(bidders.iter().map(|b| format!("held[{b}]")));
        v
    }

    /// The measures in the order of [`Record::names`], without allocating.
    pub fn measures(&self) -> impl Iterator<Item = f64> + '_ {
        [
            self.optimal_welfare,
            self.auction_welfare,
            self.final_welfare,
            self.revenue,
            self.resale_payments,
            self.resale_surplus,
            self.resale_volume,
            self.resale_occurred,
            self.trade_costs,
            self.info_costs,
        ]
        .into_iter()
        .chain(self.payoffs.iter().copied())
        .chain(self.won.iter().copied())
        .chain(self.held.iter().copied())
    }

    /// The measures as one vector.
    pub fn flatten(&self) -> Vec<f64> {
        self.measures().collect()
    }
}

/// Everything that happened in one play.
#[derive(Debug, Clone, Serialize)]
pub struct Episode {
    /// The valuations drawn.
    pub values: Vec<Valuation>,
    /// The bids made.
    pub bids: Vec<Bid>,
    /// The auction's outcome.
    pub outcome: Outcome,
    /// The aftermarket's outcome.
    pub resale: ResaleOutcome,
    /// The numbers.
    pub record: Record,
}

/// One branch of an exact evaluation: an episode and its probability.
#[derive(Debug, Clone, Serialize)]
pub struct Branch {
    /// Probability of this branch.
    pub probability: f64,
    /// The play.
    pub episode: Episode,
}

impl Market {
    /// The bids of every bidder for the profile `values`.
    ///
    /// # Errors
    /// A strategy that fails on a valuation.
    pub fn bids(&self, values: &[Valuation]) -> Result<Vec<Bid>, MarketError> {
        self.strategies
            .iter()
            .zip(values)
            .enumerate()
            .map(|(i, (s, v))| {
                s.bid(v, self.bid_form)
                    .map_err(|source| MarketError::Strategy {
                        bidder: self.bidders[i].clone(),
                        source,
                    })
            })
            .collect()
    }

    fn observations(&self, bids: &[Bid], outcome: &Outcome) -> Vec<Observation> {
        if !self.aftermarket.uses_beliefs() {
            return Vec::new();
        }
        (0..bids.len())
            .map(|i| self.disclosure.observe(i, bids, outcome))
            .collect()
    }

    fn beliefs(
        &self,
        values: &[Valuation],
        bids: &[Bid],
        observations: &[Observation],
    ) -> Result<Vec<Vec<crate::resale::Belief>>, MarketError> {
        if !self.aftermarket.uses_beliefs() {
            return Ok(Vec::new());
        }
        beliefs_for(self, values, bids, observations)
    }

    fn info_costs(&self) -> Vec<f64> {
        match &self.acquisition {
            Some(a) => a
                .cost
                .iter()
                .zip(&a.acquire)
                .map(|(c, &yes)| if yes { *c } else { 0.0 })
                .collect(),
            None => vec![0.0; self.n_bidders()],
        }
    }

    /// Builds the record of a play from its parts.
    ///
    /// # Errors
    /// A valuation that cannot value a holding.
    pub fn record(
        &self,
        values: &[Valuation],
        outcome: &Outcome,
        resale: &ResaleOutcome,
    ) -> Result<Record, MarketError> {
        let supply = self.mechanism.supply();
        let optimal = efficient_allocation(values, &supply, &[])?.welfare;
        let auction_welfare = welfare_of(values, &outcome.allocation)?;
        let final_welfare = welfare_of(values, &resale.holdings)?;
        let info = self.info_costs();
        let mut payoffs = Vec::with_capacity(values.len());
        for i in 0..values.len() {
            let v = values[i].value(&resale.holdings[i])?;
            payoffs.push(v - outcome.payments[i] - resale.payments[i] - resale.costs[i] - info[i]);
        }
        let count = |h: &Holding| h.count() as f64;
        Ok(Record {
            optimal_welfare: optimal,
            auction_welfare,
            final_welfare,
            revenue: outcome.revenue(),
            resale_payments: resale.trades.iter().map(|t| t.price).sum(),
            resale_surplus: resale.surplus(),
            resale_volume: resale.volume() as f64,
            resale_occurred: if resale.trades.is_empty() { 0.0 } else { 1.0 },
            trade_costs: resale.costs.iter().sum(),
            info_costs: info.iter().sum(),
            payoffs,
            won: outcome.allocation.iter().map(count).collect(),
            held: resale.holdings.iter().map(count).collect(),
        })
    }

    /// What each bidder observes and believes after `outcome`, handed to
    /// `f` as the aftermarket's context (nobody opts out).
    fn after_auction<T>(
        &self,
        values: &[Valuation],
        bids: &[Bid],
        outcome: &Outcome,
        f: impl FnOnce(&ResaleContext<'_>) -> Result<T, MarketError>,
    ) -> Result<T, MarketError> {
        let observations = self.observations(bids, outcome);
        let beliefs = self.beliefs(values, bids, &observations)?;
        let opted_out = vec![false; values.len()];
        f(&ResaleContext {
            supply: self.mechanism.supply(),
            holdings: &outcome.allocation,
            valuations: values,
            beliefs: &beliefs,
            observations: &observations,
            opted_out: &opted_out,
        })
    }

    /// One play for the profile `values`, ties and aftermarket randomness
    /// drawn from `rng`.
    ///
    /// # Errors
    /// Any failure of a strategy, the mechanism or the aftermarket.
    pub fn play(&self, values: &[Valuation], rng: &mut dyn Rng) -> Result<Episode, MarketError> {
        let bids = self.bids(values)?;
        let outcome = self.mechanism.outcome(&bids, rng)?;
        let resale = self.after_auction(values, &bids, &outcome, |ctx| {
            Ok(self.aftermarket.trade(ctx, rng)?)
        })?;
        let record = self.record(values, &outcome, &resale)?;
        Ok(Episode {
            values: values.to_vec(),
            bids,
            outcome,
            resale,
            record,
        })
    }

    /// Every branch of play for the profile `values` (tie orders and
    /// aftermarket branches), with probabilities.
    ///
    /// # Errors
    /// As [`Market::play`], or too many bidders to enumerate ties.
    pub fn branches(&self, values: &[Valuation]) -> Result<Vec<Branch>, MarketError> {
        let bids = self.bids(values)?;
        let mut out = Vec::new();
        for (p_tie, outcome) in self.mechanism.outcomes(&bids)? {
            let branches = self.after_auction(values, &bids, &outcome, |ctx| {
                Ok(self.aftermarket.outcomes(ctx)?)
            })?;
            for (p_trade, resale) in branches {
                let record = self.record(values, &outcome, &resale)?;
                out.push(Branch {
                    probability: p_tie * p_trade,
                    episode: Episode {
                        values: values.to_vec(),
                        bids: bids.clone(),
                        outcome: outcome.clone(),
                        resale,
                        record,
                    },
                });
            }
        }
        Ok(out)
    }
}
