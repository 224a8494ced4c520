//! The paper's resale stage: after every bid is announced, each auction
//! winner may make take-it-or-leave-it offers to the losers of its market.
//!
//! [`GlobalLocalResale`] is an [`Aftermarket`] on the objects of the
//! model. It reads the announced bids from the observations (the
//! disclosure must be all bids) and forms beliefs by inverting the bid
//! functions of the [`Profile`] being played ([`BidRule::preimage`](super::equilibria::BidRule::preimage)): a
//! separating bid reveals the signal; a pooling bid leaves the law \\(F\\)
//! conditioned on the pool; a bid no signal makes follows the off-path
//! rule (Example 1: the global believes every local has the signal behind
//! the highest local bid). Then, simultaneously:
//!
//! 1. **The global sells.** For the objects she holds she offers object
//!    \\(i\\) to local \\(i\\) at the prices that maximise
//!    \\(E[v^{h-K}(s_g)] + \sum_i p_i P[s_{l_i} \ge p_i]\\), \\(K\\) being the
//!    number accepted. A known signal is charged in full; a pooled one at
//!    the best of 64 quantiles of its posterior (coordinate ascent). Up to
//!    six buyers every subset of offers is tried; beyond that the buyers are
//!    ranked by their expected signal and the best top-\\(k\\) set is used.
//!    No offer is made unless it beats keeping everything.
//! 2. **Each winning local sells its object to the global** at the
//!    global's marginal value for one more object at her auction holding,
//!    \\(v^{h+1}(s_g) - v^h(s_g)\\), with \\(s_g\\) as believed (against a pooled
//!    belief, the best price on a grid of 64 quantiles), only above its own
//!    value. This is the paper's bound: a local seller gets at most
//!    \\(v^N - v^{N-1}\\) when the global holds \\(N-1\\) objects.
//! 3. **Answers.** A local accepts when \\(s_{l_i} - p \ge 0\\); the global
//!    takes, given the answers to her own offers, the subset \\(A\\) of the
//!    offers she received that maximises \\(v^{h' + |A|}(s_g) - \sum_{A} p\\)
//!    (the joint decision on simultaneous offers). Indifference follows
//!    [`Indifference`] (default: accept, which makes full-value prices
//!    attained); with `Reject`, known values are charged less a step of
//!    1e-9 and ties go to the smaller set.
//!
//! Every trade moves one object at one price from seller to buyer, so the
//! play is strongly budget balanced; an agent that opts out makes, receives
//! and accepts no offer.
//!
//! ```
//! use aftermarket::global_local::{GlobalLocalParams, Locals, ValueFunction};
//! use aftermarket::global_local::equilibria::Profile;
//! use aftermarket::global_local::revenue::{play, Regime};
//! use aftermarket::prior::Uniform;
//! use std::sync::Arc;
//! let model = Arc::new(GlobalLocalParams::new(2, ValueFunction::Linear(vec![1.0, 3.0]),
//!     Arc::new(Uniform::new(0.0, 1.0)?), Locals::Symmetric).check()?);
//! // Digest T3: Example 1, s_g = 0.3, s_l = 0.6. The global wins both
//! // objects at 0.6 each, v^2 = 0.9 < 1.2, and resells both at 0.6.
//! let e = play(&model, &Regime::new(Profile::example1(&model), true), 0.3, &[0.6, 0.6])?;
//! assert!((e.record.revenue - 1.2).abs() < 1e-12);
//! assert_eq!(e.record.resale_volume, 2.0);
//! assert!((e.record.final_welfare - 1.2).abs() < 1e-12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## References
//! Seed 000, Section 2 (the resale market), Example 1 (beliefs) and
//! footnote 7 (take-it-or-leave-it by the winner).

use std::sync::Arc;

use super::equilibria::{Format, GlobalBid, OffPathRule, Preimage, Profile};
use super::{GlobalLocal, Locals, signal_of};
use crate::mechanism::Bid;
use crate::prior::Prior;
use crate::resale::{Aftermarket, Indifference, ResaleContext, ResaleError, ResaleOutcome};
use crate::values::{Holding, ItemSet, Supply};

const PRICE_STEP: f64 = 1e-9;
const GAIN_TOL: f64 = 1e-12;
const GRID: usize = 64;
const ENUMERATE_UP_TO: usize = 6;

/// What a seller believes about one buyer's signal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SignalBelief {
    /// The signal is known.
    Point(f64),
    /// The signal follows the law conditioned on \\([a, b]\\).
    Pool(f64, f64),
}

impl SignalBelief {
    fn from_preimage(p: Preimage) -> Self {
        match p {
            Preimage::Point(s) | Preimage::OffPath(s) => SignalBelief::Point(s),
            Preimage::Pool(a, b) => SignalBelief::Pool(a, b),
        }
    }

    /// Candidate signals: the point, or 64 quantiles of the posterior
    /// (from its bottom), with the probability that the signal is at
    /// least each.
    fn grid(&self, law: &dyn Prior) -> Vec<(f64, f64)> {
        match *self {
            SignalBelief::Point(s) => vec![(s, 1.0)],
            SignalBelief::Pool(a, b) => {
                let (fa, fb) = (law.cdf_left(a), law.cdf(b));
                if fb - fa <= 1e-15 {
                    return vec![(a, 1.0)];
                }
                (0..GRID)
                    .map(|k| {
                        let u = k as f64 / GRID as f64;
                        let s = law.quantile(fa + u * (fb - fa)).clamp(a, b);
                        let above = ((fb - law.cdf_left(s)) / (fb - fa)).clamp(0.0, 1.0);
                        (s, above)
                    })
                    .collect()
            }
        }
    }

    fn mean(&self, law: &dyn Prior) -> f64 {
        let g = self.grid(law);
        g.iter().map(|(s, _)| s).sum::<f64>() / g.len() as f64
    }
}

/// The paper's resale stage as an aftermarket.
///
/// # Errors
/// [`ResaleError::Unsupported`] when the goods are not the model's objects.
#[derive(Debug, Clone)]
pub struct GlobalLocalResale {
    model: Arc<GlobalLocal>,
    profile: Arc<Profile>,
    indifference: Indifference,
}

impl GlobalLocalResale {
    /// Resale after `profile` is played in `model`.
    pub fn new(model: Arc<GlobalLocal>, profile: Arc<Profile>, indifference: Indifference) -> Self {
        GlobalLocalResale {
            model,
            profile,
            indifference,
        }
    }

    fn unsupported(&self, what: &str) -> ResaleError {
        ResaleError::Unsupported {
            market: self.name().to_string(),
            what: what.to_string(),
        }
    }

    /// The announced bids, if any observation carries them.
    fn announced<'a>(&self, ctx: &'a ResaleContext<'_>) -> Option<&'a [Bid]> {
        ctx.observations.iter().find_map(|o| o.bids.as_deref())
    }

    fn local_bid_value(&self, bids: &[Bid], i: usize) -> Option<f64> {
        match (self.profile.format, bids.get(i)?) {
            (Format::Separate, Bid::PerItem(v)) => v.get(i).copied(),
            (_, b) => b.as_single().or_else(|| b.as_marginal()?.first().copied()),
        }
    }

    /// The global's beliefs about each local.
    pub fn beliefs_about_locals(&self, bids: Option<&[Bid]>) -> Vec<SignalBelief> {
        let m = &self.model;
        let n = m.n();
        let (lo, hi) = m.local_law().support();
        let Some(bids) = bids else {
            return vec![SignalBelief::Pool(lo, hi); n];
        };
        let seen: Vec<Option<f64>> = (0..n).map(|i| self.local_bid_value(bids, i)).collect();
        let invert = |x: Option<f64>| match x {
            Some(x) => SignalBelief::from_preimage(self.profile.local.preimage(m, x, lo, hi)),
            None => SignalBelief::Pool(lo, hi),
        };
        if m.locals() == Locals::Symmetric && self.profile.off_path == OffPathRule::HighestLocalBid
        {
            let xs: Vec<f64> = seen.iter().flatten().copied().collect();
            let top = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let bottom = xs.iter().copied().fold(f64::INFINITY, f64::min);
            if xs.len() == n && top - bottom > 1e-12 {
                return vec![invert(Some(top)); n];
            }
        }
        seen.into_iter().map(invert).collect()
    }

    /// Local `i`'s belief about the global.
    pub fn belief_about_global(&self, bids: Option<&[Bid]>, i: usize) -> SignalBelief {
        let m = &self.model;
        let g = m.global();
        let (lo, hi) = m.global_law().support();
        let Some(b) = bids.and_then(|b| b.get(g)) else {
            return SignalBelief::Pool(lo, hi);
        };
        let x = match b {
            Bid::PerItem(v) => v.get(i).copied(),
            Bid::Marginal(v) => v.first().copied(),
            other => other.as_single(),
        };
        let Some(x) = x else {
            return SignalBelief::Pool(lo, hi);
        };
        let p = match &self.profile.global {
            GlobalBid::PerMarket(r) => r.preimage(m, x, lo, hi),
            GlobalBid::TruthfulPackages => {
                if (lo..=hi).contains(&x) {
                    Preimage::Point(x)
                } else {
                    Preimage::OffPath(x.clamp(lo, hi))
                }
            }
        };
        SignalBelief::from_preimage(p)
    }

    /// The global's expected payoff from offers `prices` (None: no offer)
    /// to buyers with beliefs `beliefs`, holding `h` objects.
    fn sale_value(&self, s_g: f64, h: usize, offers: &[(f64, f64)]) -> f64 {
        // offers: (price, probability accepted). K ~ sum of Bernoullis.
        let mut dist = vec![1.0];
        let mut income = 0.0;
        for &(p, q) in offers {
            income += p * q;
            let mut next = vec![0.0; dist.len() + 1];
            for (k, w) in dist.iter().enumerate() {
                next[k] += w * (1.0 - q);
                next[k + 1] += w * q;
            }
            dist = next;
        }
        let keep: f64 = dist
            .iter()
            .enumerate()
            .map(|(k, w)| w * self.model.value(h.saturating_sub(k), s_g))
            .sum();
        keep + income
    }

    /// The global's offers: (local, price).
    fn global_offers(
        &self,
        s_g: f64,
        h: usize,
        buyers: &[usize],
        beliefs: &[SignalBelief],
    ) -> Vec<(usize, f64)> {
        let law = self.model.local_law().as_ref();
        let shade = match self.indifference {
            Indifference::Accept => 0.0,
            Indifference::Reject => PRICE_STEP,
        };
        let grids: Vec<Vec<(f64, f64)>> = buyers
            .iter()
            .map(|&i| {
                beliefs[i]
                    .grid(law)
                    .into_iter()
                    .map(|(s, q)| ((s - shade).max(0.0), q))
                    .collect()
            })
            .collect();
        let keep = self.model.value(h, s_g);
        let mut best: (f64, Vec<(usize, f64)>) = (keep, Vec::new());
        let mut try_set = |set: &[usize]| {
            // Coordinate ascent over the grid of each chosen buyer.
            let mut pick: Vec<usize> = set
                .iter()
                .map(|&b| {
                    grids[b]
                        .iter()
                        .enumerate()
                        .max_by(|x, y| (x.1.0 * x.1.1).total_cmp(&(y.1.0 * y.1.1)))
                        .map_or(0, |(k, _)| k)
                })
                .collect();
            let value = |pick: &[usize]| {
                let offers: Vec<(f64, f64)> =
                    set.iter().zip(pick).map(|(&b, &k)| grids[b][k]).collect();
                self.sale_value(s_g, h, &offers)
            };
            let mut v = value(&pick);
            for _ in 0..3 {
                let mut moved = false;
                for j in 0..set.len() {
                    for k in 0..grids[set[j]].len() {
                        let old = pick[j];
                        pick[j] = k;
                        let w = value(&pick);
                        if w > v + GAIN_TOL {
                            v = w;
                            moved = true;
                        } else {
                            pick[j] = old;
                        }
                    }
                }
                if !moved {
                    break;
                }
            }
            if v > best.0 + GAIN_TOL {
                best = (
                    v,
                    set.iter()
                        .zip(&pick)
                        .map(|(&b, &k)| (buyers[b], grids[b][k].0))
                        .collect(),
                );
            }
        };
        let nb = buyers.len();
        if nb <= ENUMERATE_UP_TO {
            for mask in 1usize..(1 << nb) {
                let set: Vec<usize> = (0..nb).filter(|b| mask & (1 << b) != 0).collect();
                try_set(&set);
            }
        } else {
            let mut order: Vec<usize> = (0..nb).collect();
            order.sort_by(|&a, &b| {
                beliefs[buyers[b]]
                    .mean(law)
                    .total_cmp(&beliefs[buyers[a]].mean(law))
            });
            for k in 1..=nb {
                try_set(&order[..k]);
            }
        }
        best.1
    }

    /// Local `i`'s asking price to the global (who holds `h`), if any.
    fn local_offer(&self, own: f64, h: usize, belief: SignalBelief) -> Option<f64> {
        let m = &self.model;
        let marginal = |s: f64| m.value(h + 1, s) - m.value(h, s);
        let shade = match self.indifference {
            Indifference::Accept => 0.0,
            Indifference::Reject => PRICE_STEP,
        };
        let mut best: Option<(f64, f64)> = None;
        for (s, q) in belief.grid(m.global_law().as_ref()) {
            let p = marginal(s) - shade;
            let gain = (p - own) * q;
            if p > own + GAIN_TOL && gain > GAIN_TOL && best.is_none_or(|(_, g)| gain > g) {
                best = Some((p, gain));
            }
        }
        best.map(|(p, _)| p)
    }

    fn play(&self, ctx: &ResaleContext<'_>) -> Result<ResaleOutcome, ResaleError> {
        let m = &self.model;
        let n = m.n();
        let g = m.global();
        if ctx.supply != (Supply::Items { n }) || ctx.n() != n + 1 {
            return Err(self.unsupported("goods other than the model's objects"));
        }
        let mut sets = Vec::with_capacity(n + 1);
        for h in ctx.holdings {
            match h {
                Holding::Items(s) => sets.push(*s),
                Holding::Units(_) => return Err(self.unsupported("units")),
            }
        }
        let signal = |i: usize| {
            ctx.valuations
                .get(i)
                .and_then(|v| signal_of(m, i, v))
                .ok_or_else(|| self.unsupported("valuations outside the model"))
        };
        let s_g = signal(g)?;
        let s_l = (0..n).map(signal).collect::<Result<Vec<_>, _>>()?;
        let bids = self.announced(ctx);
        let mut out = ResaleOutcome::no_trade(ctx.holdings);
        let ind = self.indifference;
        let h0 = sets[g].len();

        // 1. The global's offers and the locals' answers.
        let mut sold = Vec::new();
        if ctx.active(g) {
            let buyers: Vec<usize> = sets[g]
                .indices()
                .filter(|&i| i < n && ctx.active(i))
                .collect();
            if !buyers.is_empty() {
                let beliefs = self.beliefs_about_locals(bids);
                let idx: Vec<usize> = (0..buyers.len()).collect();
                let local_beliefs: Vec<SignalBelief> = buyers.iter().map(|&i| beliefs[i]).collect();
                let offers = self.global_offers(s_g, h0, &idx, &local_beliefs);
                for (b, p) in offers {
                    let i = buyers[b];
                    if ind.accepts(s_l[i] - p) {
                        sold.push((i, p));
                    }
                }
            }
        }
        // 2. The locals' offers to the global.
        let mut asks = Vec::new();
        if ctx.active(g) {
            for i in (0..n).filter(|&i| ctx.active(i) && sets[i].contains(i)) {
                let belief = self.belief_about_global(bids, i);
                if let Some(p) = self.local_offer(s_l[i], h0, belief) {
                    asks.push((i, p));
                }
            }
        }
        // 3. The global's joint decision on the asks.
        let h1 = h0 - sold.len();
        let mut take: Vec<(usize, f64)> = Vec::new();
        if !asks.is_empty() {
            let base = m.value(h1, s_g);
            let mut best: Option<(f64, usize)> = None;
            for mask in 1usize..(1 << asks.len()) {
                let k = mask.count_ones() as usize;
                let cost: f64 = (0..asks.len())
                    .filter(|j| mask & (1 << j) != 0)
                    .map(|j| asks[j].1)
                    .sum();
                let gain = m.value(h1 + k, s_g) - cost - base;
                let better = match best {
                    None => true,
                    Some((bg, bm)) => {
                        let bk = bm.count_ones() as usize;
                        gain > bg + GAIN_TOL
                            || (gain >= bg - GAIN_TOL
                                && match ind {
                                    Indifference::Accept => k > bk,
                                    Indifference::Reject => k < bk,
                                })
                    }
                };
                if better {
                    best = Some((gain, mask));
                }
            }
            if let Some((gain, mask)) = best
                && ind.accepts(gain)
            {
                take = (0..asks.len())
                    .filter(|j| mask & (1 << j) != 0)
                    .map(|j| asks[j])
                    .collect();
            }
        }
        for (i, p) in sold {
            sets[g] = sets[g].difference(ItemSet::singleton(i));
            sets[i] = sets[i].union(ItemSet::singleton(i));
            out.record(g, i, 1, p);
        }
        for (i, p) in take {
            sets[i] = sets[i].difference(ItemSet::singleton(i));
            sets[g] = sets[g].union(ItemSet::singleton(i));
            out.record(i, g, 1, p);
        }
        out.holdings = sets.into_iter().map(Holding::Items).collect();
        Ok(out)
    }
}

impl Aftermarket for GlobalLocalResale {
    fn name(&self) -> &str {
        "global-local-take-it-or-leave-it"
    }
    fn opt_out(&self) -> &str {
        "make no offer and reject every offer"
    }
    fn outcomes(&self, ctx: &ResaleContext<'_>) -> Result<Vec<(f64, ResaleOutcome)>, ResaleError> {
        Ok(vec![(1.0, self.play(ctx)?)])
    }
}
