//! What a profile of the resale game leads to: welfare after resale,
//! auction revenue, how often the item is resold.

use serde::Serialize;

use super::{Offers, ResaleGame, ResaleRule, WinnerInfo};
use crate::equilibrium::discrete_game::{Format, MixedStrategy, SolveError};
use crate::equilibrium::game::BayesGame;

/// Expected outcomes of a profile on the grid (exact: every pair of type
/// and bid cells is enumerated).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResaleOutcomes {
    /// Expected value of the final holder (0 if unsold).
    pub welfare: f64,
    /// Expected value of the auction winner, before resale.
    pub auction_welfare: f64,
    /// \\(E\[\max_i v_i\]\\) on the grid.
    pub optimal_welfare: f64,
    /// `welfare / optimal_welfare`.
    pub efficiency: f64,
    /// Expected auction payments.
    pub revenue: f64,
    /// Probability that the item is resold.
    pub resale_probability: f64,
    /// Expected resale payments (price times the probability of trade).
    pub resale_transfers: f64,
    /// Probability that each bidder wins the auction.
    pub win_probability: Vec<f64>,
    /// Probability that each bidder ends with the item.
    pub final_probability: Vec<f64>,
    /// Expected utility of each bidder, resale included.
    pub utility: Vec<f64>,
}

impl ResaleGame {
    /// The expected outcomes of `profile`, offers and acceptances chosen
    /// as in [`BayesGame::utilities`].
    ///
    /// # Errors
    /// A profile that does not fit the game.
    pub fn outcomes(&self, profile: &[MixedStrategy]) -> Result<ResaleOutcomes, SolveError> {
        self.check_profile(profile)?;
        let offers: Vec<Offers> = match self.rule {
            ResaleRule::TakeItOrLeaveIt => {
                (0..2).map(|i| self.offers(i, &profile[1 - i])).collect()
            }
            ResaleRule::Nash { .. } => vec![Offers::default(), Offers::default()],
        };
        let bids = self.bids();
        let first = self.first_valid_bid();
        let reserve = self.auction.reserve();
        let format = self.auction.format();
        let info = self.winner_info();
        let (g0, g1) = (self.types(0), self.types(1));
        let mut out = ResaleOutcomes {
            win_probability: vec![0.0; 2],
            final_probability: vec![0.0; 2],
            utility: vec![0.0; 2],
            ..ResaleOutcomes::default()
        };
        for (&v0, &w0) in g0.points.iter().zip(&g0.weights) {
            for (&v1, &w1) in g1.points.iter().zip(&g1.weights) {
                out.optimal_welfare += w0 * w1 * v0.max(v1);
            }
        }
        for (s0, (&v0, &w0)) in g0.points.iter().zip(&g0.weights).enumerate() {
            for (j0, &p0) in profile[0].row(s0).iter().enumerate() {
                if p0 <= 0.0 {
                    continue;
                }
                for (s1, (&v1, &w1)) in g1.points.iter().zip(&g1.weights).enumerate() {
                    for (j1, &p1) in profile[1].row(s1).iter().enumerate() {
                        if p1 <= 0.0 {
                            continue;
                        }
                        let pr = w0 * p0 * w1 * p1;
                        let (s, v, j) = ([s0, s1], [v0, v1], [j0, j1]);
                        let valid = [j0 >= first, j1 >= first];
                        if format == Format::AllPay {
                            for i in 0..2 {
                                if valid[i] {
                                    out.revenue += pr * bids[j[i]];
                                    out.utility[i] -= pr * bids[j[i]];
                                }
                            }
                        }
                        let winners: &[(usize, f64)] = match (valid[0], valid[1]) {
                            (false, false) => &[],
                            (true, false) => &[(0, 1.0)],
                            (false, true) => &[(1, 1.0)],
                            _ if j0 > j1 => &[(0, 1.0)],
                            _ if j1 > j0 => &[(1, 1.0)],
                            _ => &[(0, 0.5), (1, 0.5)],
                        };
                        for &(w, q) in winners {
                            let l = 1 - w;
                            let pq = pr * q;
                            let pay = match format {
                                Format::FirstPrice => bids[j[w]],
                                Format::SecondPrice => {
                                    if valid[l] {
                                        bids[j[l]].max(reserve)
                                    } else {
                                        reserve
                                    }
                                }
                                Format::AllPay => 0.0,
                            };
                            out.revenue += pq * pay;
                            out.utility[w] -= pq * pay;
                            out.win_probability[w] += pq;
                            out.auction_welfare += pq * v[w];
                            let price = match self.rule {
                                ResaleRule::TakeItOrLeaveIt => {
                                    let c = match info {
                                        WinnerInfo::OwnBid => j[w],
                                        WinnerInfo::RivalBid { pooled } => {
                                            self.cell_of(j[l], pooled)
                                        }
                                    };
                                    let p = offers[w].price[s[w] * offers[w].n_info + c];
                                    (v[l] >= p).then_some(p)
                                }
                                ResaleRule::Nash { alpha } => {
                                    (v[l] > v[w]).then(|| v[w] + (1.0 - alpha) * (v[l] - v[w]))
                                }
                            };
                            match price {
                                Some(p) => {
                                    out.resale_probability += pq;
                                    out.resale_transfers += pq * p;
                                    out.welfare += pq * v[l];
                                    out.final_probability[l] += pq;
                                    out.utility[w] += pq * p;
                                    out.utility[l] += pq * (v[l] - p);
                                }
                                None => {
                                    out.welfare += pq * v[w];
                                    out.final_probability[w] += pq;
                                    out.utility[w] += pq * v[w];
                                }
                            }
                        }
                    }
                }
            }
        }
        out.efficiency = if out.optimal_welfare > 0.0 {
            out.welfare / out.optimal_welfare
        } else {
            1.0
        };
        Ok(out)
    }
}
