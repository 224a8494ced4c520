//! Identical units sold to unit-demand bidders and a speculator who
//! resells as a monopolist (paper 004, Section 3).
//!
//! \\(m\\) units are sold by a uniform-price auction (every winner pays the
//! highest losing bid, 0 when no bid loses) or pay-as-bid to \\(n\\) bidders
//! who want one unit each (scalar values on a type grid; one bid on the
//! bid grid) and a speculator of value 0. The speculator's actions are
//! small on purpose: stay out, or bid one level \\(b_j\\) on \\(q = 1, \dots,
//! m\\) units (\\(1 + m \cdot n_{\text{bids}}\\) actions). Ties at the
//! clearing level are broken uniformly at random among the tied unit bids.
//!
//! Nothing is disclosed: the speculator knows its action and the number
//! \\(x\\) of units it won. Holding \\(x \ge 1\\) units it posts one
//! take-it-or-leave-it price \\(p\\) per unit to the bidders who won
//! nothing (as [`crate::resale::MonopolistReseller`] with one price); each
//! buys one unit if its value is at least \\(p\\), and if more accept than
//! there are units the units go to a uniformly random subset of them. The
//! price maximises \\(p\,E\[\min(x, A(p)) \mid \text{action}, x\]\\), where
//! \\(A(p)\\) counts the accepting losers, over the bidders' grid values,
//! the posterior being Bayes on the grid given the current profile.
//!
//! Interim utilities are exact: every profile of the bidders' (type, bid)
//! cells is enumerated, so one evaluation costs
//! \\(O((n_{\text{types}} n_{\text{bids}})^n (1 + m\,n_{\text{bids}}))\\):
//! small grids and two or three bidders.
//!
//! ## References
//! - M. Babaioff, N. Immorlica, Y. Li, B. Lucier, *Making auctions robust
//!   to aftermarkets*, Example 1 and Theorem 1 (paper 004): a speculator
//!   monopolising the aftermarket of a uniform-price auction.

use std::sync::Arc;

use serde::Serialize;

use crate::equilibrium::discrete_game::{MixedStrategy, SolveError, TypeGrid, invalid};
use crate::equilibrium::game::BayesGame;
use crate::prior::Prior;

/// The payment rule of the multi-unit auction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpeculatorFormat {
    /// Every unit costs the highest losing bid.
    UniformPrice,
    /// Every winning bid pays itself.
    PayAsBid,
}

/// Largest number of bidders (besides the speculator) enumerated.
const MAX_BIDDERS: usize = 4;

/// The multi-unit auction with a speculator reselling as a monopolist.
///
/// ```
/// # use std::sync::Arc;
/// use aftermarket::equilibrium::{BayesGame, MixedStrategy, SpeculatorFormat, SpeculatorGame};
/// use aftermarket::prior::Uniform;
/// let u = Arc::new(Uniform::new(0.0, 1.0)?);
/// // One bidder bidding 0, one unit: the speculator bids 0.5, wins it for
/// // free and resells at the best grid value, 0.55, accepted half the time.
/// let g = SpeculatorGame::new(SpeculatorFormat::UniformPrice, 1, vec![u], 10, 3, 1.0)?;
/// let bidder = MixedStrategy::pure(&[0; 10], 3);
/// let out = g.outcomes(&[bidder, MixedStrategy::pure(&[2], 4)])?;
/// assert!((out.speculator_utility - 0.55 * 0.5).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct SpeculatorGame {
    format: SpeculatorFormat,
    m: usize,
    priors: Vec<Arc<dyn Prior>>,
    cells: usize,
    types: Vec<TypeGrid>,
    bids: Vec<f64>,
    /// `[bid, quantity]` per speculator action.
    spec_actions: Vec<f64>,
    prices: Vec<f64>,
}

/// Expected outcomes of a profile of the speculator game.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SpeculatorOutcomes {
    /// Expected value of the units' final holders.
    pub welfare: f64,
    /// Expected sum of the \\(m\\) highest bidder values (each wants one).
    pub optimal_welfare: f64,
    /// `welfare / optimal_welfare`.
    pub efficiency: f64,
    /// Expected auction payments.
    pub revenue: f64,
    /// Expected units the speculator wins.
    pub speculator_units: f64,
    /// Expected units resold.
    pub units_resold: f64,
    /// Probability that at least one unit is resold.
    pub resale_probability: f64,
    /// The speculator's expected profit.
    pub speculator_utility: f64,
}

/// One way the auction ends: probability, bidders winning (bitmask),
/// speculator's units.
struct Clearing {
    prob: f64,
    winners: u32,
    spec_units: usize,
}

fn binom(n: usize, k: usize) -> f64 {
    if k > n {
        return 0.0;
    }
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

impl SpeculatorGame {
    /// `m` units, one bidder per prior (`n_types` cells each), `n_bids`
    /// bids on \[0, `b_max`\].
    ///
    /// # Errors
    /// `m = 0`; no bidder or more than four; `n_bids < 2`; `b_max` not > 0;
    /// a bad prior.
    pub fn new(
        format: SpeculatorFormat,
        m: usize,
        priors: Vec<Arc<dyn Prior>>,
        n_types: usize,
        n_bids: usize,
        b_max: f64,
    ) -> Result<Self, SolveError> {
        if m == 0 {
            return Err(invalid("units", "must be >= 1", m));
        }
        if priors.is_empty() || priors.len() > MAX_BIDDERS {
            return Err(invalid(
                "bidders",
                "must number 1 to 4 besides the speculator",
                priors.len(),
            ));
        }
        if n_bids < 2 {
            return Err(invalid("grid.bids", "must be >= 2", n_bids));
        }
        if !(b_max.is_finite() && b_max > 0.0) {
            return Err(invalid("grid.b-max", "must be > 0 and finite", b_max));
        }
        let mut types = priors
            .iter()
            .map(|p| TypeGrid::from_prior(p.as_ref(), n_types))
            .collect::<Result<Vec<_>, _>>()?;
        let step = b_max / (n_bids - 1) as f64;
        let bids: Vec<f64> = (0..n_bids).map(|j| step * j as f64).collect();
        let mut spec_actions = vec![0.0, 0.0];
        for q in 1..=m {
            for &b in &bids {
                spec_actions.extend([b, q as f64]);
            }
        }
        let mut prices: Vec<f64> = types.iter().flat_map(|g| g.points.clone()).collect();
        prices.retain(|&p| p > 0.0);
        prices.sort_by(f64::total_cmp);
        prices.dedup_by(|a, b| (*a - *b).abs() <= 1e-12);
        types.push(TypeGrid {
            points: vec![0.0],
            weights: vec![1.0],
        });
        Ok(SpeculatorGame {
            format,
            m,
            priors,
            cells: n_types,
            types,
            bids,
            spec_actions,
            prices,
        })
    }

    fn n(&self) -> usize {
        self.types.len() - 1
    }

    /// The speculator's action `a` as (bid index, quantity); quantity 0 is
    /// staying out.
    fn spec_action(&self, a: usize) -> (usize, usize) {
        if a == 0 {
            (0, 0)
        } else {
            let nb = self.bids.len();
            ((a - 1) % nb, (a - 1) / nb + 1)
        }
    }

    /// The ways the auction can clear for bidder bids `j` and the
    /// speculator's `q` units at level `js`.
    fn clearings(&self, j: &[usize], js: usize, q: usize, out: &mut Vec<Clearing>) {
        out.clear();
        let n = j.len();
        let m = self.m;
        let mut levels: Vec<usize> = j.to_vec();
        if q > 0 {
            levels.push(js);
        }
        levels.sort_unstable_by(|a, b| b.cmp(a));
        levels.dedup();
        let count_at =
            |l: usize| j.iter().filter(|&&x| x == l).count() + if q > 0 && js == l { q } else { 0 };
        let mut above = 0;
        for &l in &levels {
            let here = count_at(l);
            if above + here > m {
                // The cutoff: `m - above` units among `here` tied bids.
                let units = m - above;
                let mut winners = 0u32;
                let mut tied = Vec::new();
                for (k, &x) in j.iter().enumerate() {
                    if x > l {
                        winners |= 1 << k;
                    } else if x == l {
                        tied.push(k);
                    }
                }
                let base_spec = if q > 0 && js > l { q } else { 0 };
                let q_t = if q > 0 && js == l { q } else { 0 };
                let total = binom(here, units);
                for h in 0..=q_t.min(units) {
                    let rest = units - h;
                    if rest > tied.len() {
                        continue;
                    }
                    let p_h = binom(q_t, h) * binom(tied.len(), rest) / total;
                    let per = p_h / binom(tied.len(), rest);
                    for mask in 0u32..(1 << tied.len()) {
                        if mask.count_ones() as usize != rest {
                            continue;
                        }
                        let mut w = winners;
                        for (b, &k) in tied.iter().enumerate() {
                            if mask & (1 << b) != 0 {
                                w |= 1 << k;
                            }
                        }
                        out.push(Clearing {
                            prob: per,
                            winners: w,
                            spec_units: base_spec + h,
                        });
                    }
                }
                return;
            }
            above += here;
        }
        // Every bid wins.
        let _ = n;
        out.push(Clearing {
            prob: 1.0,
            winners: (1u32 << j.len()) - 1,
            spec_units: q,
        });
    }

    /// The uniform price: the highest losing unit bid (0 if none loses).
    fn uniform_price(&self, j: &[usize], js: usize, q: usize) -> f64 {
        let mut all: Vec<usize> = j.to_vec();
        all.extend(std::iter::repeat_n(js, q));
        if all.len() <= self.m {
            return 0.0;
        }
        all.sort_unstable_by(|a, b| b.cmp(a));
        self.bids[all[self.m]]
    }

    /// Calls `f(probability of the others' cells for each bidder k, full
    /// probability, types, bids)` for every profile of the bidders' cells.
    fn for_each_profile(
        &self,
        profile: &[MixedStrategy],
        mut f: impl FnMut(&[f64], f64, &[usize], &[usize]),
    ) {
        let n = self.n();
        let nb = self.bids.len();
        let radix: Vec<usize> = (0..n).map(|k| self.types[k].len() * nb).collect();
        let total: usize = radix.iter().product();
        let mut t = vec![0; n];
        let mut j = vec![0; n];
        let mut without = vec![0.0; n];
        for idx in 0..total {
            let mut r = idx;
            for k in 0..n {
                let c = r % radix[k];
                r /= radix[k];
                t[k] = c / nb;
                j[k] = c % nb;
            }
            let factors: Vec<f64> = (0..n)
                .map(|k| self.types[k].weights[t[k]] * profile[k].row(t[k])[j[k]])
                .collect();
            let full: f64 = factors.iter().product();
            for (k, x) in without.iter_mut().enumerate() {
                *x = factors
                    .iter()
                    .enumerate()
                    .filter(|&(o, _)| o != k)
                    .map(|(_, f)| f)
                    .product::<f64>();
            }
            f(&without, full, &t, &j);
        }
    }

    /// The speculator's posted price for each action and units held
    /// (`[a * (m + 1) + x]`, infinite: no offer).
    fn offers(&self, profile: &[MixedStrategy]) -> Vec<f64> {
        let n = self.n();
        let np = self.prices.len();
        let na = self.spec_actions.len() / 2;
        let stride = self.m + 1;
        let mut sales = vec![0.0; na * stride * np];
        let mut cl = Vec::new();
        self.for_each_profile(profile, |_, full, t, j| {
            if full <= 0.0 {
                return;
            }
            for a in 1..na {
                let (js, q) = self.spec_action(a);
                self.clearings(j, js, q, &mut cl);
                for c in &cl {
                    if c.spec_units == 0 {
                        continue;
                    }
                    let base = (a * stride + c.spec_units) * np;
                    for (pi, &p) in self.prices.iter().enumerate() {
                        let accept = (0..n)
                            .filter(|&k| {
                                c.winners & (1 << k) == 0 && self.types[k].points[t[k]] >= p
                            })
                            .count();
                        sales[base + pi] += full * c.prob * accept.min(c.spec_units) as f64;
                    }
                }
            }
        });
        let mut price = vec![f64::INFINITY; na * stride];
        for (cell, p_out) in price.iter_mut().enumerate() {
            let mut best = 0.0_f64;
            for (pi, &p) in self.prices.iter().enumerate() {
                let r = p * sales[cell * np + pi];
                if r > best * (1.0 + 1e-14) && r > 0.0 {
                    best = r;
                    *p_out = p;
                }
            }
        }
        price
    }

    /// Payoffs of one clearing: (per bidder, speculator, resold units,
    /// revenue).
    fn settle(
        &self,
        c: &Clearing,
        t: &[usize],
        j: &[usize],
        (js, q): (usize, usize),
        price: f64,
        out: &mut [f64],
    ) -> (f64, f64, f64) {
        let n = self.n();
        let unit_price = match self.format {
            SpeculatorFormat::UniformPrice => Some(self.uniform_price(j, js, q)),
            SpeculatorFormat::PayAsBid => None,
        };
        let mut revenue = 0.0;
        let accept: Vec<usize> = (0..n)
            .filter(|&k| c.winners & (1 << k) == 0 && self.types[k].points[t[k]] >= price)
            .collect();
        let sold = accept.len().min(c.spec_units) as f64;
        let share = if accept.is_empty() {
            0.0
        } else {
            sold / accept.len() as f64
        };
        for k in 0..n {
            let v = self.types[k].points[t[k]];
            out[k] = if c.winners & (1 << k) != 0 {
                let pay = unit_price.unwrap_or(self.bids[j[k]]);
                revenue += pay;
                v - pay
            } else if accept.contains(&k) {
                share * (v - price)
            } else {
                0.0
            };
        }
        let spec_pay = c.spec_units as f64 * unit_price.unwrap_or(self.bids[js]);
        revenue += spec_pay;
        out[n] = if sold > 0.0 { sold * price } else { 0.0 } - spec_pay;
        (sold, revenue, if sold > 0.0 { 1.0 } else { 0.0 })
    }

    /// The expected outcomes of `profile`.
    ///
    /// # Errors
    /// A profile that does not fit the game.
    pub fn outcomes(&self, profile: &[MixedStrategy]) -> Result<SpeculatorOutcomes, SolveError> {
        self.check_profile(profile)?;
        let n = self.n();
        let offers = self.offers(profile);
        let stride = self.m + 1;
        let na = self.spec_actions.len() / 2;
        let mut out = SpeculatorOutcomes::default();
        let mut cl = Vec::new();
        let mut pay = vec![0.0; n + 1];
        self.for_each_profile(profile, |_, full, t, j| {
            if full <= 0.0 {
                return;
            }
            let mut vals: Vec<f64> = (0..n).map(|k| self.types[k].points[t[k]]).collect();
            vals.sort_by(|a, b| b.total_cmp(a));
            out.optimal_welfare += full * vals.iter().take(self.m).sum::<f64>();
            for a in 0..na {
                let pa = profile[n].probs[a];
                if pa <= 0.0 {
                    continue;
                }
                let (js, q) = self.spec_action(a);
                self.clearings(j, js, q, &mut cl);
                for c in &cl {
                    let price = offers[a * stride + c.spec_units];
                    let (sold, revenue, any) = self.settle(c, t, j, (js, q), price, &mut pay);
                    let pr = full * pa * c.prob;
                    let held: f64 = (0..n)
                        .filter(|&k| c.winners & (1 << k) != 0)
                        .map(|k| self.types[k].points[t[k]])
                        .sum();
                    // Resold units go to accepting losers, each with the same chance.
                    let accept: Vec<usize> = (0..n)
                        .filter(|&k| {
                            c.winners & (1 << k) == 0 && self.types[k].points[t[k]] >= price
                        })
                        .collect();
                    let share = if accept.is_empty() {
                        0.0
                    } else {
                        sold / accept.len() as f64
                    };
                    let buyers: f64 = accept
                        .iter()
                        .map(|&k| share * self.types[k].points[t[k]])
                        .sum();
                    out.welfare += pr * (held + buyers);
                    out.revenue += pr * revenue;
                    out.speculator_units += pr * c.spec_units as f64;
                    out.units_resold += pr * sold;
                    out.resale_probability += pr * any;
                    out.speculator_utility += pr * pay[n];
                }
            }
        });
        out.efficiency = if out.optimal_welfare > 0.0 {
            out.welfare / out.optimal_welfare
        } else {
            1.0
        };
        Ok(out)
    }
}

impl BayesGame for SpeculatorGame {
    fn n_bidders(&self) -> usize {
        self.types.len()
    }

    fn type_weights(&self, i: usize) -> &[f64] {
        &self.types[i].weights
    }

    fn type_point(&self, i: usize, t: usize) -> &[f64] {
        std::slice::from_ref(&self.types[i].points[t])
    }

    fn n_actions(&self, i: usize) -> usize {
        if i == self.n() {
            self.spec_actions.len() / 2
        } else {
            self.bids.len()
        }
    }

    fn action(&self, i: usize, a: usize) -> &[f64] {
        if i == self.n() {
            &self.spec_actions[2 * a..2 * a + 2]
        } else {
            std::slice::from_ref(&self.bids[a])
        }
    }

    /// The speculator acts with a bid level and a number of units.
    fn action_labels(&self, i: usize) -> Option<Vec<String>> {
        (i == self.n()).then(|| vec!["bid level".into(), "units bid on".into()])
    }

    /// Welfare, revenue, and efficiency as welfare over the optimal
    /// welfare (the units with the highest values).
    fn outcomes(&self, profile: &[MixedStrategy]) -> Option<crate::equilibrium::Outcomes> {
        let o = SpeculatorGame::outcomes(self, profile).ok()?;
        Some(crate::equilibrium::Outcomes::new(
            o.welfare,
            o.revenue,
            o.efficiency,
        ))
    }

    /// Type cells and bid steps `factor` times finer, while one evaluation
    /// stays below about 10^8 enumerated cases; `None` beyond.
    fn refine(&self, factor: usize) -> Option<Box<dyn BayesGame>> {
        let f = factor.max(1);
        let cells = self.cells * f;
        let bids = (self.bids.len() - 1) * f + 1;
        let n = self.n() as i32;
        let cases = ((cells * bids) as f64).powi(n) * (1 + self.m * bids) as f64;
        if cases > 1e8 {
            return None;
        }
        let b_max = *self.bids.last()?;
        let g = SpeculatorGame::new(self.format, self.m, self.priors.clone(), cells, bids, b_max)
            .ok()?;
        Some(Box::new(g))
    }

    fn describe(&self) -> String {
        format!(
            "{} auction of {} units, {} unit-demand bidders and a speculator",
            match self.format {
                SpeculatorFormat::UniformPrice => "uniform-price",
                SpeculatorFormat::PayAsBid => "pay-as-bid",
            },
            self.m,
            self.n()
        )
    }

    fn utilities(
        &self,
        profile: &[MixedStrategy],
        out: &mut Vec<Vec<f64>>,
    ) -> Result<(), SolveError> {
        self.check_profile(profile)?;
        let n = self.n();
        let nb = self.bids.len();
        let offers = self.offers(profile);
        let stride = self.m + 1;
        let na = self.spec_actions.len() / 2;
        out.resize_with(n + 1, Vec::new);
        for (i, ui) in out.iter_mut().enumerate() {
            ui.clear();
            ui.resize(self.types[i].len() * self.n_actions(i), 0.0);
        }
        let mut cl = Vec::new();
        let mut pay = vec![0.0; n + 1];
        let spec = &profile[n];
        self.for_each_profile(profile, |without, full, t, j| {
            for a in 0..na {
                let pa = spec.probs[a];
                let (js, q) = self.spec_action(a);
                self.clearings(j, js, q, &mut cl);
                for c in &cl {
                    let price = offers[a * stride + c.spec_units];
                    self.settle(c, t, j, (js, q), price, &mut pay);
                    for k in 0..n {
                        out[k][t[k] * nb + j[k]] += without[k] * pa * c.prob * pay[k];
                    }
                    out[n][a] += full * c.prob * pay[n];
                }
            }
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::Uniform;

    fn unif() -> Arc<dyn Prior> {
        Arc::new(Uniform::new(0.0, 1.0).expect("uniform"))
    }

    #[test]
    fn ties_at_the_cutoff_are_split_evenly() {
        let g = SpeculatorGame::new(
            SpeculatorFormat::UniformPrice,
            2,
            vec![unif(), unif()],
            2,
            3,
            1.0,
        )
        .expect("game");
        let mut cl = Vec::new();
        // Both bidders and two speculator units at level 1: 2 of 4 bids win.
        g.clearings(&[1, 1], 1, 2, &mut cl);
        let total: f64 = cl.iter().map(|c| c.prob).sum();
        assert!((total - 1.0).abs() < 1e-12);
        let spec: f64 = cl.iter().map(|c| c.prob * c.spec_units as f64).sum();
        assert!((spec - 1.0).abs() < 1e-12);
        let first: f64 = cl
            .iter()
            .filter(|c| c.winners & 1 != 0)
            .map(|c| c.prob)
            .sum();
        assert!((first - 0.5).abs() < 1e-12);
        // The uniform price is the highest losing bid.
        assert!((g.uniform_price(&[2, 1], 1, 1) - 0.5).abs() < 1e-12);
        assert!(g.uniform_price(&[2, 0], 1, 1).abs() < 1e-12);
        assert!(g.uniform_price(&[2], 1, 1).abs() < 1e-12);
    }

    #[test]
    fn interim_utilities_average_to_outcomes() {
        let g = SpeculatorGame::new(
            SpeculatorFormat::PayAsBid,
            2,
            vec![unif(), unif(), unif()],
            3,
            3,
            1.0,
        )
        .expect("game");
        let p = g.uniform_state().strategies;
        let mut u = Vec::new();
        g.utilities(&p, &mut u).expect("utilities");
        let o = g.outcomes(&p).expect("outcomes");
        let spec: f64 = u[3].iter().zip(&p[3].probs).map(|(x, q)| x * q).sum();
        assert!((spec - o.speculator_utility).abs() < 1e-12);
        let bidders: f64 = (0..3)
            .map(|i| {
                let w = g.type_weights(i);
                u[i].chunks(3)
                    .zip(p[i].probs.chunks(3))
                    .zip(w)
                    .map(|((x, q), wt)| wt * x.iter().zip(q).map(|(a, b)| a * b).sum::<f64>())
                    .sum::<f64>()
            })
            .sum();
        // Welfare = bidders' and speculator's utilities + revenue.
        assert!((bidders + spec + o.revenue - o.welfare).abs() < 1e-12);
    }

    #[test]
    fn speculator_needs_units() {
        let err = SpeculatorGame::new(SpeculatorFormat::PayAsBid, 0, vec![unif()], 3, 3, 1.0)
            .expect_err("m = 0");
        assert_eq!(err.to_string(), "units must be >= 1, got 0");
    }
}
