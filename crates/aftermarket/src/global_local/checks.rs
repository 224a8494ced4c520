//! Checks of the paper's lemmas and conditions, and deviation searches.
//!
//! Robustness (a weakly information invariant equilibrium) asks that the
//! profile be an equilibrium under every law of the signals. Software can
//! approximate it two ways, both here: **per draw** ([`max_ex_post_gain`]:
//! no bidder gains by any bid on a grid, for every realisation of the
//! signals on a grid, resale included) and **under laws concentrated on
//! small intervals** ([`concentrated_gain`]: the average gain of one
//! deviation when the rivals' signals lie in \\([a, b]\\)), the construction
//! the paper's proofs of Propositions 2, 5–8 use.
//!
//! ```
//! use aftermarket::global_local::{GlobalLocalParams, Locals, ValueFunction};
//! use aftermarket::global_local::equilibria::Profile;
//! use aftermarket::global_local::checks::prop2_condition;
//! use aftermarket::prior::Uniform;
//! use std::sync::Arc;
//! let model = GlobalLocalParams::new(2, ValueFunction::Linear(vec![1.0, 3.0]),
//!     Arc::new(Uniform::new(0.0, 1.0)?), Locals::Symmetric).check()?;
//! // Digest T10: E[v^2 - v^1 - v^2/2] = E[0.5 s_g] = 0.25 > 0, so the
//! // Proposition 1 profile breaks Proposition 2's necessary condition.
//! let c = prop2_condition(&model, &Profile::proposition1(&model));
//! assert!((c - 0.25).abs() < 1e-9);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use serde::Serialize;

use super::equilibria::{Format, Profile, local_bid};
use super::revenue::{Regime, market, play_in};
use super::{GlobalLocal, GlobalLocalError, Locals};
use crate::market::Market;
use crate::mechanism::Bid;
use crate::strategy::Fixed;

fn grid(lo: f64, hi: f64, k: usize) -> Vec<f64> {
    (0..=k)
        .map(|j| lo + (hi - lo) * j as f64 / k as f64)
        .collect()
}

/// Lemma A1: an efficient equilibrium with resale has
/// \\(b_g(s) = b_l(v^N(s)/N)\\) wherever \\(v^N(s)/N\\) is a signal. Returns the
/// largest gap on 201 signals (0: the profile satisfies it).
pub fn lemma_a1_gap(model: &GlobalLocal, profile: &Profile) -> f64 {
    let (lo, hi) = model.support();
    let n = model.n() as f64;
    grid(lo, hi, 200)
        .into_iter()
        .filter(|&s| (lo..=hi).contains(&(model.top(s) / n)))
        .map(|s| (profile.global_bid(model, s) - profile.local.bid(model, model.top(s) / n)).abs())
        .fold(0.0, f64::max)
}

/// Lemma A2: in a robust equilibrium locals never overbid,
/// \\(b_l(s) \le s\\). Returns the largest overbid on 201 signals (0: holds).
pub fn lemma_a2_excess(model: &GlobalLocal, profile: &Profile) -> f64 {
    let (lo, hi) = model.support();
    grid(lo, hi, 200)
        .into_iter()
        .map(|s| profile.local.bid(model, s) - s)
        .fold(0.0, f64::max)
}

/// Proposition 2's necessary condition for an efficient equilibrium with
/// resale: \\(E_{s_g}[v^N(s_g) - v^{N-1}(s_g) - b_g(s_g)] \le 0\\). Returns the
/// expectation (positive: a local of type \\(s_{lo}\\) profits by outbidding
/// the global and reselling).
pub fn prop2_condition(model: &GlobalLocal, profile: &Profile) -> f64 {
    let n = model.n();
    model
        .global_law()
        .expect(&|s| model.value(n, s) - model.value(n - 1, s) - profile.global_bid(model, s))
}

/// Proposition 3: in a strictly individually rational robust equilibrium
/// with resale \\(b_l(s) = s\\) and \\(b_g(s) \ge v^N(s)/N\\). Returns
/// (largest \\(|b_l(s) - s|\\), smallest \\(b_g(s) - v^N(s)/N\\)) on 201 signals.
pub fn prop3_shape(model: &GlobalLocal, profile: &Profile) -> (f64, f64) {
    let (lo, hi) = model.support();
    let n = model.n() as f64;
    let g = grid(lo, hi, 200);
    let local = g
        .iter()
        .map(|&s| (profile.local.bid(model, s) - s).abs())
        .fold(0.0, f64::max);
    let over = g
        .iter()
        .map(|&s| profile.global_bid(model, s) - model.top(s) / n)
        .fold(f64::INFINITY, f64::min);
    (local, over)
}

/// Who deviates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Who {
    /// Local `i`.
    Local(usize),
    /// The global bidder.
    Global,
}

impl Who {
    fn index(self, model: &GlobalLocal) -> usize {
        match self {
            Who::Local(i) => i,
            Who::Global => model.global(),
        }
    }
}

/// A deviation and what it gains.
#[derive(Debug, Clone, Serialize)]
pub struct Deviation {
    /// Who deviates.
    pub who: Who,
    /// The global's signal.
    pub s_g: f64,
    /// The locals' signals.
    pub s_l: Vec<f64>,
    /// The deviating bid.
    pub bid: Bid,
    /// Payoff gain over the profile's bid (resale included).
    pub gain: f64,
}

/// `who`'s payoff at the signals when it bids `bid` (None: the profile's
/// bid) and the others follow the profile.
///
/// # Errors
/// A failing play.
pub fn payoff(
    mkt: &Market,
    model: &GlobalLocal,
    s_g: f64,
    s_l: &[f64],
    who: Who,
    bid: Option<Bid>,
) -> Result<f64, GlobalLocalError> {
    let i = who.index(model);
    let rec = match bid {
        None => play_in(mkt, model, s_g, s_l)?.record,
        Some(b) => {
            let mut m = mkt.clone();
            if let Some(slot) = m.strategies.get_mut(i) {
                *slot = Arc::new(Fixed(b));
            }
            play_in(&m, model, s_g, s_l)?.record
        }
    };
    Ok(rec.payoffs.get(i).copied().unwrap_or(f64::NAN))
}

/// The candidate deviations of `who` from the bid levels `levels`: one bid
/// per level for a local; for the global every vector of per-market (or
/// marginal package) bids from the levels when there are at most 4096,
/// else the same level everywhere.
pub fn candidate_bids(model: &GlobalLocal, format: Format, who: Who, levels: &[f64]) -> Vec<Bid> {
    let n = model.n();
    match who {
        Who::Local(i) => levels
            .iter()
            .map(|&b| local_bid(model, i, b, format))
            .collect(),
        Who::Global => {
            let count = levels.len().checked_pow(n as u32).unwrap_or(usize::MAX);
            let vectors: Vec<Vec<f64>> = if count <= 4096 {
                let mut acc = vec![Vec::new()];
                for _ in 0..n {
                    acc = acc
                        .into_iter()
                        .flat_map(|v: Vec<f64>| {
                            levels.iter().map(move |&b| {
                                let mut w = v.clone();
                                w.push(b);
                                w
                            })
                        })
                        .collect();
                }
                acc
            } else {
                levels.iter().map(|&b| vec![b; n]).collect()
            };
            vectors
                .into_iter()
                .map(|v| match format {
                    Format::Separate => Bid::PerItem(v),
                    Format::Package => Bid::Marginal(v),
                })
                .collect()
        }
    }
}

/// The best deviation of `who` at one draw of the signals.
///
/// # Errors
/// A failing play.
pub fn best_deviation(
    model: &Arc<GlobalLocal>,
    regime: &Regime,
    s_g: f64,
    s_l: &[f64],
    who: Who,
    levels: &[f64],
) -> Result<Deviation, GlobalLocalError> {
    let mkt = market(model, regime)?;
    best_in(&mkt, model, regime, s_g, s_l, who, levels)
}

fn best_in(
    mkt: &Market,
    model: &GlobalLocal,
    regime: &Regime,
    s_g: f64,
    s_l: &[f64],
    who: Who,
    levels: &[f64],
) -> Result<Deviation, GlobalLocalError> {
    let base = payoff(mkt, model, s_g, s_l, who, None)?;
    let mut best = Deviation {
        who,
        s_g,
        s_l: s_l.to_vec(),
        bid: Bid::Single(f64::NAN),
        gain: f64::NEG_INFINITY,
    };
    for b in candidate_bids(model, regime.profile.format, who, levels) {
        let u = payoff(mkt, model, s_g, s_l, who, Some(b.clone()))?;
        if u - base > best.gain {
            best.gain = u - base;
            best.bid = b;
        }
    }
    Ok(best)
}

/// The largest gain any bidder gets from any bid level, over every draw of
/// signals from `signals` (the locals share one signal when symmetric; every
/// combination when independent). Locals are symmetric, so local 1 and the
/// global are the deviators searched.
///
/// # Errors
/// A failing play.
pub fn max_ex_post_gain(
    model: &Arc<GlobalLocal>,
    regime: &Regime,
    signals: &[f64],
    levels: &[f64],
) -> Result<Deviation, GlobalLocalError> {
    let mkt = market(model, regime)?;
    let n = model.n();
    let locals: Vec<Vec<f64>> = match model.locals() {
        Locals::Symmetric => signals.iter().map(|&s| vec![s; n]).collect(),
        Locals::Independent => {
            let mut acc = vec![Vec::new()];
            for _ in 0..n {
                acc = acc
                    .into_iter()
                    .flat_map(|v: Vec<f64>| {
                        signals.iter().map(move |&s| {
                            let mut w = v.clone();
                            w.push(s);
                            w
                        })
                    })
                    .collect();
            }
            acc
        }
    };
    let mut worst: Option<Deviation> = None;
    for &s_g in signals {
        for s_l in &locals {
            for who in [Who::Local(0), Who::Global] {
                let d = best_in(&mkt, model, regime, s_g, s_l, who, levels)?;
                if worst.as_ref().is_none_or(|w| d.gain > w.gain) {
                    worst = Some(d);
                }
            }
        }
    }
    worst.ok_or_else(|| GlobalLocalError::Unsupported("no signals to search".into()))
}

/// Which rival signals a concentrated law moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concentrate {
    /// The global's signal.
    Global,
    /// Local `i`'s signal (every local's, when symmetric).
    Local(usize),
}

/// The expected gain of `who` bidding `bid` instead of following the
/// profile when one rival's signal is spread evenly over \\([a, b]\\) (41
/// points) and the other signals are as given: the paper's
/// "distribution concentrated on a small interval".
///
/// # Errors
/// A failing play.
#[allow(clippy::too_many_arguments)]
pub fn concentrated_gain(
    model: &Arc<GlobalLocal>,
    regime: &Regime,
    s_g: f64,
    s_l: &[f64],
    who: Who,
    bid: &Bid,
    moved: Concentrate,
    interval: (f64, f64),
) -> Result<f64, GlobalLocalError> {
    let mkt = market(model, regime)?;
    let pts = grid(interval.0, interval.1, 40);
    let mut total = 0.0;
    for &x in &pts {
        let mut g = s_g;
        let mut l = s_l.to_vec();
        match moved {
            Concentrate::Global => g = x,
            Concentrate::Local(i) => {
                if model.locals() == Locals::Symmetric {
                    l.iter_mut().for_each(|s| *s = x);
                } else if let Some(s) = l.get_mut(i) {
                    *s = x;
                }
            }
        }
        let base = payoff(&mkt, model, g, &l, who, None)?;
        let dev = payoff(&mkt, model, g, &l, who, Some(bid.clone()))?;
        total += dev - base;
    }
    Ok(total / pts.len() as f64)
}
