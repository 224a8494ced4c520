//! Weak dominance and its iterated elimination on finite grids.
//!
//! In the combined market a strategy is a pair: an auction bid and an
//! aftermarket policy (what to ask as a holder, what to accept as a buyer).
//! With private values and the policy spelled out as part of the action,
//! a type's payoff depends on the rivals only through their actions, so,
//! following paper 004's Definition 6 (footnote 14), action \\(a\\) of type
//! \\(t_i\\) is **weakly dominated** by the witness \\(a'\\) when
//! \\[ u_i(a', a_{-i}; t_i) \ge u_i(a, a_{-i}; t_i)\ \ \forall a_{-i},
//!     \qquad u_i(a', a_{-i}; t_i) > u_i(a, a_{-i}; t_i)\ \ \text{for some } a_{-i}, \\]
//! the rivals ranging over every action that survives for some of their
//! types. One round of elimination removes, simultaneously, every action
//! weakly dominated by a surviving action of the same type; paper 003's
//! Theorem 4 uses two rounds (TWDS).
//!
//! [`SecondPriceResale`] is the finite game of paper 003's Theorem 4 and
//! Example 2: a second-price auction (ties by a fair coin) with Γ = ⊥,
//! after which the holder may post one take-it-or-leave-it price to the
//! other bidder, who buys iff the price is at most its acceptance
//! threshold.
//!
//! ```
//! use aftermarket::equilibrium::{eliminate, SecondPriceResale};
//! // One bidder of value 1 against one of value 1 or 2, on half-unit grids.
//! let g = SecondPriceResale::grid(vec![vec![1.0], vec![1.0, 2.0]], 2.0, 0.5)?;
//! let rounds = eliminate(&g, 1, 1e-12)?;
//! // Selling below value is gone after one round.
//! assert!(rounds[0].survivors[0][0].iter().all(|&a| g.action(0, a).price.is_none_or(|p| p >= 1.0)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Errors
//! [`EquilibriumError::InvalidParameter`] for empty or malformed grids;
//! [`EquilibriumError::TooMany`] when a round would compare more pairs
//! than [`MAX_COMPARISONS`].
//!
//! ## References
//! - Babaioff, Immorlica, Li and Lucier, "On the impact of information
//!   acquisition and aftermarkets on auction efficiency" (seed 003),
//!   Appendix A, Lemma 3 and Theorem 4.
//! - Babaioff, Immorlica, Li and Lucier, "Making auctions robust to
//!   aftermarkets" (seed 004), Definition 6.

use serde::Serialize;

use super::EquilibriumError;

/// The largest number of (action, witness, rival profile) comparisons one
/// round may make.
pub const MAX_COMPARISONS: usize = 2_000_000_000;

/// A finite game of incomplete information with private values.
pub trait FiniteGame {
    /// Number of players.
    fn n_players(&self) -> usize;
    /// Number of types of player `i`.
    fn n_types(&self, i: usize) -> usize;
    /// Number of actions of player `i`.
    fn n_actions(&self, i: usize) -> usize;
    /// Payoff of player `i` of type `t` when the players take `actions`.
    fn payoff(&self, i: usize, t: usize, actions: &[usize]) -> f64;
    /// The action in words.
    fn describe(&self, i: usize, a: usize) -> String;
}

/// `[player][type]` → surviving action indices, ascending.
pub type Survivors = Vec<Vec<Vec<usize>>>;

/// Every action for every type.
pub fn all_actions(g: &dyn FiniteGame) -> Survivors {
    (0..g.n_players())
        .map(|i| {
            (0..g.n_types(i))
                .map(|_| (0..g.n_actions(i)).collect())
                .collect()
        })
        .collect()
}

/// Every profile of the rivals of `i`, each rival over the actions that
/// survive for some of its types.
fn rival_profiles(g: &dyn FiniteGame, s: &Survivors, i: usize) -> Vec<Vec<usize>> {
    let mut profiles = vec![vec![0usize; g.n_players()]];
    for j in 0..g.n_players() {
        if j == i {
            continue;
        }
        let mut union: Vec<usize> = s[j].iter().flatten().copied().collect();
        union.sort_unstable();
        union.dedup();
        let mut next = Vec::with_capacity(profiles.len() * union.len());
        for p in &profiles {
            for &a in &union {
                let mut q = p.clone();
                q[j] = a;
                next.push(q);
            }
        }
        profiles = next;
    }
    profiles
}

/// How a witness compares with an action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The witness does at least as well against every rival profile.
    pub weakly_better: bool,
    /// A rival profile against which the witness does strictly better.
    pub strictly_better_against: Option<Vec<usize>>,
    /// A rival profile against which the witness does strictly worse.
    pub worse_against: Option<Vec<usize>>,
}

impl Comparison {
    /// True if the witness weakly dominates the action.
    pub fn dominates(&self) -> bool {
        self.weakly_better && self.strictly_better_against.is_some()
    }
}

/// Compares action `a` of type `t` of player `i` with the witness `w`
/// against every rival profile allowed by `s`; differences within `tol`
/// count as ties.
pub fn compare(
    g: &dyn FiniteGame,
    s: &Survivors,
    i: usize,
    t: usize,
    a: usize,
    w: usize,
    tol: f64,
) -> Comparison {
    let mut out = Comparison {
        weakly_better: true,
        strictly_better_against: None,
        worse_against: None,
    };
    for mut p in rival_profiles(g, s, i) {
        p[i] = a;
        let ua = g.payoff(i, t, &p);
        p[i] = w;
        let uw = g.payoff(i, t, &p);
        p[i] = 0;
        if uw < ua - tol {
            out.weakly_better = false;
            if out.worse_against.is_none() {
                out.worse_against = Some(p.clone());
            }
        } else if uw > ua + tol && out.strictly_better_against.is_none() {
            out.strictly_better_against = Some(p.clone());
        }
    }
    out
}

/// An action removed in a round, with the witness that dominates it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Removed {
    /// The player.
    pub player: usize,
    /// Its type.
    pub type_index: usize,
    /// The action removed.
    pub action: usize,
    /// A surviving action that weakly dominates it.
    pub witness: usize,
}

/// One round of elimination.
#[derive(Debug, Clone, Serialize)]
pub struct Round {
    /// What survives the round.
    pub survivors: Survivors,
    /// What the round removed.
    pub removed: Vec<Removed>,
}

/// One round: every action weakly dominated by a surviving action of the
/// same type, against the rivals' surviving actions, is removed at once.
///
/// # Errors
/// [`EquilibriumError::TooMany`] beyond [`MAX_COMPARISONS`].
pub fn eliminate_once(
    g: &dyn FiniteGame,
    s: &Survivors,
    tol: f64,
) -> Result<Round, EquilibriumError> {
    let mut next = s.clone();
    let mut removed = Vec::new();
    for i in 0..g.n_players() {
        let profiles = rival_profiles(g, s, i);
        for t in 0..g.n_types(i) {
            let acts = &s[i][t];
            let count = acts
                .len()
                .saturating_mul(acts.len())
                .saturating_mul(profiles.len());
            if count > MAX_COMPARISONS {
                return Err(EquilibriumError::TooMany {
                    count,
                    limit: MAX_COMPARISONS,
                });
            }
            // Payoff of each surviving action against each rival profile.
            let table: Vec<Vec<f64>> = acts
                .iter()
                .map(|&a| {
                    profiles
                        .iter()
                        .map(|p| {
                            let mut p = p.clone();
                            p[i] = a;
                            g.payoff(i, t, &p)
                        })
                        .collect()
                })
                .collect();
            let mut keep = Vec::with_capacity(acts.len());
            for (ka, &a) in acts.iter().enumerate() {
                let witness = acts.iter().enumerate().find_map(|(kw, &w)| {
                    if kw == ka {
                        return None;
                    }
                    let (ra, rw) = (&table[ka], &table[kw]);
                    let mut strict = false;
                    for (x, y) in ra.iter().zip(rw) {
                        if *y < *x - tol {
                            return None;
                        }
                        strict |= *y > *x + tol;
                    }
                    strict.then_some(w)
                });
                match witness {
                    Some(w) => removed.push(Removed {
                        player: i,
                        type_index: t,
                        action: a,
                        witness: w,
                    }),
                    None => keep.push(a),
                }
            }
            next[i][t] = keep;
        }
    }
    Ok(Round {
        survivors: next,
        removed,
    })
}

/// `rounds` rounds of elimination from the full game; one [`Round`] each.
///
/// # Errors
/// As [`eliminate_once`].
pub fn eliminate(
    g: &dyn FiniteGame,
    rounds: usize,
    tol: f64,
) -> Result<Vec<Round>, EquilibriumError> {
    let mut s = all_actions(g);
    let mut out = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let r = eliminate_once(g, &s, tol)?;
        s = r.survivors.clone();
        out.push(r);
    }
    Ok(out)
}

/// One action of [`SecondPriceResale`]: a bid, the price asked as the
/// holder (`None`: no offer) and the highest price accepted as a buyer
/// (`None`: buys at no price).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BidPolicy {
    /// The auction bid.
    pub bid: f64,
    /// The price asked after winning.
    pub price: Option<f64>,
    /// The highest price accepted after losing.
    pub accept_up_to: Option<f64>,
}

impl std::fmt::Display for BidPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let opt = |x: Option<f64>, none: &str| x.map_or(none.to_string(), |v| format!("{v}"));
        write!(
            f,
            "bid {}, ask {}, accept ≤ {}",
            self.bid,
            opt(self.price, "none"),
            opt(self.accept_up_to, "never")
        )
    }
}

/// Two bidders, one item: a second-price auction (ties by a fair coin),
/// nothing disclosed, then the holder may post a take-it-or-leave-it price
/// to the other (paper 003, Example 2 and Theorem 4).
#[derive(Debug, Clone)]
pub struct SecondPriceResale {
    values: Vec<Vec<f64>>,
    actions: Vec<BidPolicy>,
}

impl SecondPriceResale {
    /// Types `values[i]` per bidder; every bidder chooses among `actions`.
    ///
    /// # Errors
    /// Not two bidders, a bidder without types, no actions, or a negative
    /// or non-finite number.
    pub fn new(values: Vec<Vec<f64>>, actions: Vec<BidPolicy>) -> Result<Self, EquilibriumError> {
        let bad = |param: &'static str, rule: &'static str, value: String| {
            Err(EquilibriumError::InvalidParameter { param, rule, value })
        };
        if values.len() != 2 {
            return bad(
                "values",
                "must list the types of two bidders",
                values.len().to_string(),
            );
        }
        if values.iter().any(Vec::is_empty) {
            return bad(
                "values",
                "every bidder needs at least one type",
                "[]".into(),
            );
        }
        if let Some(x) = values
            .iter()
            .flatten()
            .find(|x| !x.is_finite() || **x < 0.0)
        {
            return bad("values", "must be finite and >= 0", x.to_string());
        }
        if actions.is_empty() {
            return bad("actions", "must not be empty", "[]".into());
        }
        let nums = actions
            .iter()
            .flat_map(|a| [Some(a.bid), a.price, a.accept_up_to])
            .flatten();
        for x in nums {
            if !x.is_finite() || x < 0.0 {
                return bad(
                    "actions",
                    "bids and prices must be finite and >= 0",
                    x.to_string(),
                );
            }
        }
        Ok(SecondPriceResale { values, actions })
    }

    /// Every action on the grid \\(\{0, s, 2s, \dots, h\}\\): bids on it,
    /// asks on it or none, acceptance thresholds on it or never.
    ///
    /// # Errors
    /// A non-positive step or top, more than 40 grid points, or bad values.
    pub fn grid(values: Vec<Vec<f64>>, top: f64, step: f64) -> Result<Self, EquilibriumError> {
        if !(step > 0.0 && top > 0.0 && step.is_finite() && top.is_finite()) {
            return Err(EquilibriumError::InvalidParameter {
                param: "step",
                rule: "step and top must be finite and > 0",
                value: format!("step {step}, top {top}"),
            });
        }
        let n = (top / step).round() as usize + 1;
        if n > 40 {
            return Err(EquilibriumError::InvalidParameter {
                param: "step",
                rule: "the grid may have at most 40 points",
                value: n.to_string(),
            });
        }
        let pts: Vec<f64> = (0..n).map(|k| k as f64 * step).collect();
        let opts: Vec<Option<f64>> = std::iter::once(None)
            .chain(pts.iter().copied().map(Some))
            .collect();
        let mut actions = Vec::with_capacity(n * opts.len() * opts.len());
        for &bid in &pts {
            for &price in &opts {
                for &accept_up_to in &opts {
                    actions.push(BidPolicy {
                        bid,
                        price,
                        accept_up_to,
                    });
                }
            }
        }
        Self::new(values, actions)
    }

    /// The action with index `a` (same list for both bidders).
    ///
    /// # Panics
    /// If `a` is out of range.
    pub fn action(&self, _i: usize, a: usize) -> BidPolicy {
        self.actions[a]
    }

    /// The index of `p` among the actions.
    pub fn index_of(&self, p: &BidPolicy) -> Option<usize> {
        self.actions.iter().position(|a| {
            (a.bid - p.bid).abs() < 1e-12
                && same(a.price, p.price)
                && same(a.accept_up_to, p.accept_up_to)
        })
    }

    /// The value of type `t` of bidder `i`.
    ///
    /// # Panics
    /// If `i` or `t` is out of range.
    pub fn value(&self, i: usize, t: usize) -> f64 {
        self.values[i][t]
    }

    /// Payoff of the winner of value `v` who paid `c` and asks `ask` of a
    /// loser accepting up to `up_to`.
    fn as_winner(v: f64, c: f64, ask: Option<f64>, up_to: Option<f64>) -> f64 {
        match (ask, up_to) {
            (Some(p), Some(r)) if p <= r => p - c,
            _ => v - c,
        }
    }

    /// Payoff of the loser of value `v` accepting up to `up_to` when the
    /// winner asks `ask`.
    fn as_loser(v: f64, ask: Option<f64>, up_to: Option<f64>) -> f64 {
        match (ask, up_to) {
            (Some(p), Some(r)) if p <= r => v - p,
            _ => 0.0,
        }
    }
}

fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => (x - y).abs() < 1e-12,
        _ => false,
    }
}

impl FiniteGame for SecondPriceResale {
    fn n_players(&self) -> usize {
        2
    }
    fn n_types(&self, i: usize) -> usize {
        self.values[i].len()
    }
    fn n_actions(&self, _i: usize) -> usize {
        self.actions.len()
    }
    fn payoff(&self, i: usize, t: usize, actions: &[usize]) -> f64 {
        let v = self.values[i][t];
        let me = self.actions[actions[i]];
        let other = self.actions[actions[1 - i]];
        let win = Self::as_winner(v, other.bid, me.price, other.accept_up_to);
        let lose = Self::as_loser(v, other.price, me.accept_up_to);
        if me.bid > other.bid {
            win
        } else if me.bid < other.bid {
            lose
        } else {
            0.5 * (win + lose)
        }
    }
    fn describe(&self, _i: usize, a: usize) -> String {
        self.actions[a].to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(bid: f64, price: Option<f64>, accept_up_to: Option<f64>) -> BidPolicy {
        BidPolicy {
            bid,
            price,
            accept_up_to,
        }
    }

    #[test]
    fn buying_above_value_is_dominated_by_buying_up_to_value() {
        let g = SecondPriceResale::grid(vec![vec![1.0], vec![1.0, 2.0]], 2.0, 0.5).expect("ok");
        let s = all_actions(&g);
        let a = g.index_of(&policy(0.0, None, Some(2.0))).expect("on grid");
        let w = g.index_of(&policy(0.0, None, Some(1.0))).expect("on grid");
        let c = compare(&g, &s, 0, 0, a, w, 1e-12);
        assert!(c.dominates(), "{c:?}");
        // The converse fails: buying up to 2 is worse against an ask of 1.5.
        assert!(!compare(&g, &s, 0, 0, w, a, 1e-12).weakly_better);
    }

    #[test]
    fn ties_split_the_item_by_a_coin() {
        let g = SecondPriceResale::new(vec![vec![2.0], vec![1.0]], vec![policy(1.0, None, None)])
            .expect("ok");
        // Both bid 1: the winner pays 1 for a value of 2 half the time.
        assert!((g.payoff(0, 0, &[0, 0]) - 0.5).abs() < 1e-12);
        assert!(g.payoff(1, 0, &[0, 0]).abs() < 1e-12);
    }

    #[test]
    fn one_bidder_is_rejected() {
        let err = SecondPriceResale::new(vec![vec![1.0]], vec![policy(0.0, None, None)])
            .expect_err("one");
        assert_eq!(
            err.to_string(),
            "values must list the types of two bidders, got 1"
        );
    }
}
