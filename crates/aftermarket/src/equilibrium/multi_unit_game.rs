//! Auctions of \\(m\\) identical units with multi-unit demand as discretised
//! Bayesian games.
//!
//! A bidder's type is a non-increasing vector of marginal values
//! \\(v_1 \ge \dots \ge v_m\\) (drawn from a finite grid with weights: sorted
//! i.i.d. draws, flat demand, unit demand, or a list); an action is a
//! non-increasing vector of bids on a bid grid, or, in the shading class, a
//! factor \\(s\\) with bids \\(b_k = s\, v_k\\) rounded to the grid. The
//! \\(m\\) highest of all bids win. Payment formats:
//!
//! - **uniform price**: every unit at the highest losing bid (the
//!   \\((m+1)\\)-th highest bid), or, as a variant, at the lowest winning
//!   bid (the \\(m\\)-th highest);
//! - **pay-as-bid** (discriminatory): each winning bid is paid;
//! - **Vickrey**: a bidder winning \\(k\\) units pays the \\(k\\) highest
//!   rival bids it displaced, \\(\sum_{j=1}^{k} c_{m-k+j}\\) for rival bids
//!   \\(c_1 \ge c_2 \ge \dots\\).
//!
//! Ties at the clearing bid are broken by a uniformly random order of the
//! tied bids, so with \\(T\\) tied bids, \\(\tau\\) of them one's own, and
//! \\(s\\) units left, the number of one's tied bids that win is
//! hypergeometric.
//!
//! Bidders are independent, so a bidder's payoff depends on the rivals only
//! through the law of the pooled rival bids' top order statistics: the
//! \\(m + 1\\) highest (the \\((m+1)\\)-th sets the uniform price when one's
//! own bids all win) and how many further rival bids equal the
//! \\((m+1)\\)-th (they join a tie at the clearing bid). That law is built by
//! merging the rivals' bid-vector laws one bidder at a time, keeping only
//! this summary. For every own bid vector it gives
//! \\(P(\text{win} \ge k)\\) and the expected payment, neither depending on
//! the type, so
//! \\[ U(t, a) = \sum_k v_{t,k}\, P(\text{win} \ge k \mid a) - E\[\text{pay} \mid a\]. \\]
//! Exact over all bid vectors for up to 3 units and 3 bidders; beyond that
//! within the shading class, whose few actions keep the tables small.
//!
//! Known equilibria: Vickrey is truthful (weakly dominant); with unit
//! demand the uniform price at the highest losing bid is truthful, and
//! pay-as-bid has \\(b(v) = E\[Y_m \mid Y_m < v\]\\), \\(Y_m\\) the \\(m\\)-th
//! highest of the \\(n-1\\) rivals' values; with two bidders, two units and
//! flat demand, bidding \\((v, 0)\\) is an equilibrium of the uniform price
//! (demand reduction).
//!
//! ## References
//! - V. Krishna, *Auction Theory*, 2nd ed., Academic Press (2010), ch.
//!   12–13 (multi-unit formats, the discriminatory auction with unit
//!   demand).
//! - L. Ausubel, P. Cramton, M. Pycia, M. Rostek, M. Weretka, *Demand
//!   reduction and inefficiency in multi-unit auctions*, Review of Economic
//!   Studies 81 (2014); L. Ausubel, P. Cramton, *Demand reduction and
//!   inefficiency in multi-unit auctions* (2002).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Deserialize;

use crate::equilibrium::discrete_game::{MixedStrategy, SolveError, TypeGrid, invalid};
use crate::equilibrium::game::BayesGame;
use crate::prior::Prior;
use crate::scenario::raw::RawPrior;

/// The payment rule of a multi-unit auction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum UnitFormat {
    /// Every unit at the highest losing bid.
    UniformPrice,
    /// Every unit at the lowest winning bid.
    UniformPriceLowestWinning,
    /// Each winning bid is paid.
    PayAsBid,
    /// Each won unit at the rival bid it displaced.
    Vickrey,
}

impl UnitFormat {
    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            UnitFormat::UniformPrice => "uniform-price",
            UnitFormat::UniformPriceLowestWinning => "uniform-price-lowest-winning",
            UnitFormat::PayAsBid => "pay-as-bid",
            UnitFormat::Vickrey => "vickrey",
        }
    }
}

/// The actions bidders choose from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ActionClass {
    /// Every non-increasing bid vector on the grid (at most 3 units and 3
    /// bidders).
    Vectors,
    /// A shading factor \\(s \in \{0, 1/(L-1), \dots, 1\}\\): bids
    /// \\(s v_k\\) rounded to the grid.
    Shading {
        /// Number of factors \\(L \ge 2\\).
        levels: usize,
    },
}

/// One bidder's discretised types: non-increasing marginal-value vectors
/// of a common length with weights summing to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitTypes {
    /// Marginal values, `points[t][k]`.
    pub points: Vec<Vec<f64>>,
    /// Probability of each type.
    pub weights: Vec<f64>,
}

impl UnitTypes {
    /// `m` i.i.d. draws from `prior` (discretised to `n` cells), sorted
    /// decreasing: one type per multiset of cells, with its multinomial
    /// weight.
    ///
    /// # Errors
    /// As [`TypeGrid::from_prior`]; `m = 0`.
    pub fn sorted_draws(prior: &dyn Prior, m: usize, n: usize) -> Result<Self, SolveError> {
        check_units(m)?;
        let g = TypeGrid::from_prior(prior, n)?;
        let mut out = UnitTypes {
            points: Vec::new(),
            weights: Vec::new(),
        };
        let mut cur = Vec::with_capacity(m);
        multisets(&g, g.len(), m, 1.0, &mut cur, &mut out, m);
        Ok(out)
    }

    /// One draw worth the same on all `m` units (flat demand).
    ///
    /// # Errors
    /// As [`TypeGrid::from_prior`]; `m = 0`.
    pub fn flat(prior: &dyn Prior, m: usize, n: usize) -> Result<Self, SolveError> {
        check_units(m)?;
        let g = TypeGrid::from_prior(prior, n)?;
        Ok(UnitTypes {
            points: g.points.iter().map(|&v| vec![v; m]).collect(),
            weights: g.weights,
        })
    }

    /// One draw for the first unit, nothing for the others (unit demand).
    ///
    /// # Errors
    /// As [`TypeGrid::from_prior`]; `m = 0`.
    pub fn unit_demand(prior: &dyn Prior, m: usize, n: usize) -> Result<Self, SolveError> {
        check_units(m)?;
        let g = TypeGrid::from_prior(prior, n)?;
        Ok(UnitTypes {
            points: g
                .points
                .iter()
                .map(|&v| {
                    let mut x = vec![0.0; m];
                    x[0] = v;
                    x
                })
                .collect(),
            weights: g.weights,
        })
    }

    /// Checks a hand-made list.
    ///
    /// # Errors
    /// An empty list, vectors of different lengths, increasing or negative
    /// values, or weights that are negative or do not sum to 1.
    pub fn checked(points: Vec<Vec<f64>>, weights: Vec<f64>) -> Result<Self, SolveError> {
        if points.is_empty() || points.len() != weights.len() {
            return Err(invalid(
                "types",
                "must be a non-empty list with one weight per vector",
                format!("{} vectors, {} weights", points.len(), weights.len()),
            ));
        }
        let m = points[0].len();
        for p in &points {
            let ok = p.len() == m
                && p.iter().all(|v| v.is_finite() && *v >= 0.0)
                && p.windows(2).all(|w| w[0] >= w[1]);
            if !ok {
                return Err(invalid(
                    "types",
                    "must be non-increasing vectors of values >= 0 of one length",
                    format!("{p:?}"),
                ));
            }
        }
        let total: f64 = weights.iter().sum();
        if weights.iter().any(|w| w.is_nan() || *w < 0.0) || (total - 1.0).abs() > 1e-9 {
            return Err(invalid(
                "weights",
                "must be >= 0 and sum to 1",
                format!("{weights:?}"),
            ));
        }
        Ok(UnitTypes { points, weights })
    }

    /// Number of types.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// True if there are no types.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}

fn check_units(m: usize) -> Result<(), SolveError> {
    if !(1..=MAX_UNITS).contains(&m) {
        return Err(invalid("units", "must be in [1, 6]", m));
    }
    Ok(())
}

/// Multisets of `m` cells (indices below `hi`, non-increasing), weighted by
/// the multinomial probability.
fn multisets(
    g: &TypeGrid,
    hi: usize,
    left: usize,
    w: f64,
    cur: &mut Vec<usize>,
    out: &mut UnitTypes,
    m: usize,
) {
    if left == 0 {
        // m!/∏(multiplicities)! ∏ w_c
        let mut coef = (1..=m).map(|j| j as f64).product::<f64>();
        let mut run = 1usize;
        for k in 1..=cur.len() {
            if k < cur.len() && cur[k] == cur[k - 1] {
                run += 1;
            } else {
                coef /= (1..=run).map(|j| j as f64).product::<f64>();
                run = 1;
            }
        }
        out.points.push(cur.iter().map(|&c| g.points[c]).collect());
        out.weights.push(coef * w);
        return;
    }
    for c in (0..hi).rev() {
        cur.push(c);
        multisets(g, c + 1, left - 1, w * g.weights[c], cur, out, m);
        cur.pop();
    }
}

/// Largest number of units (the summary state packs `m + 1` bids in a word).
const MAX_UNITS: usize = 6;
/// Largest bid grid (bid indices take 8 bits).
const MAX_BIDS: usize = 255;
/// Largest number of summary states allowed (bounds memory and time).
const MAX_STATES: f64 = 2e6;

/// Checked parameters of a [`MultiUnitGame`].
#[derive(Debug, Clone, PartialEq)]
pub struct MultiUnitParams {
    /// The payment rule.
    pub format: UnitFormat,
    /// Number of units.
    pub units: usize,
    /// Each bidder's types.
    pub types: Vec<UnitTypes>,
    /// Number of grid bids on \[0, `b_max`\].
    pub bids: usize,
    /// The largest bid.
    pub b_max: f64,
    /// The actions.
    pub class: ActionClass,
}

/// The top `m + 1` rival bids (grid indices, `-1` for none) and how many
/// further rival bids tie with the last of them.
#[derive(Debug, Clone)]
struct Summary {
    top: Vec<i32>,
    extra: u32,
    prob: f64,
}

/// A multi-unit auction on type and bid grids.
///
/// ```
/// use aftermarket::equilibrium::{ActionClass, BayesGame, MultiUnitGame, MultiUnitParams, UnitFormat, UnitTypes};
/// use aftermarket::prior::Uniform;
/// let u = Uniform::new(0.0, 1.0)?;
/// let types = UnitTypes::sorted_draws(&u, 2, 2)?; // (.75,.75), (.75,.25), (.25,.25)
/// let g = MultiUnitGame::new(MultiUnitParams {
///     format: UnitFormat::Vickrey, units: 2, types: vec![types.clone(), types],
///     bids: 5, b_max: 1.0, class: ActionClass::Vectors,
/// })?;
/// assert_eq!(g.n_actions(0), 15); // non-increasing pairs of 5 bids
/// // Truthful bidding is an equilibrium of the Vickrey auction.
/// let m = g.utility_loss(&g.truthful_profile())?;
/// assert!(m.max_absolute() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct MultiUnitGame {
    format: UnitFormat,
    m: usize,
    types: Vec<UnitTypes>,
    bids: Vec<f64>,
    class: ActionClass,
    /// Distinct bid vectors (grid indices), `m` each, flattened.
    vectors: Vec<u8>,
    /// Action coordinates per bidder: bid vectors or shading factors.
    coords: Vec<f64>,
    /// Per bidder, the bid vector of `(t, a)`: `vec_of[i][t * n_actions + a]`.
    vec_of: Vec<Vec<u32>>,
}

impl MultiUnitGame {
    /// Builds the game.
    ///
    /// # Errors
    /// Fewer than 2 bidders, units outside \[1, 6\], types of the wrong
    /// length, `bids` outside \[2, 255\], `b_max` not > 0, the vector class
    /// beyond 3 units or 3 bidders, fewer than 2 shading levels, or tables
    /// too large.
    pub fn new(p: MultiUnitParams) -> Result<Self, SolveError> {
        let n = p.types.len();
        let m = p.units;
        if n < 2 {
            return Err(invalid("bidders", "must number at least 2", n));
        }
        check_units(m)?;
        for t in &p.types {
            if t.is_empty() || t.points.iter().any(|v| v.len() != m) {
                return Err(invalid(
                    "bidders.types",
                    "must be non-empty with one value per unit",
                    m,
                ));
            }
        }
        if !(2..=MAX_BIDS).contains(&p.bids) {
            return Err(invalid("grid.bids", "must be in [2, 255]", p.bids));
        }
        if !(p.b_max.is_finite() && p.b_max > 0.0) {
            return Err(invalid("grid.b-max", "must be > 0 and finite", p.b_max));
        }
        let k = p.bids;
        let step = p.b_max / (k - 1) as f64;
        let bids: Vec<f64> = (0..k).map(|j| step * j as f64).collect();
        let mut vectors: Vec<u8> = Vec::new();
        let coords: Vec<f64>;
        let mut vec_of = Vec::with_capacity(n);
        match p.class {
            ActionClass::Vectors => {
                if m > 3 || n > 3 {
                    return Err(invalid(
                        "strategy",
                        "\"vectors\" is exact for at most 3 units and 3 bidders; use \"shading\"",
                        format!("{m} units, {n} bidders"),
                    ));
                }
                let mut cur = Vec::with_capacity(m);
                monotone_vectors(k, m, &mut cur, &mut vectors);
                coords = vectors.iter().map(|&j| bids[j as usize]).collect();
                let na = vectors.len() / m;
                for t in &p.types {
                    vec_of.push((0..t.len() * na).map(|x| (x % na) as u32).collect());
                }
            }
            ActionClass::Shading { levels } => {
                if !(2..=1001).contains(&levels) {
                    return Err(invalid("shading-levels", "must be in [2, 1001]", levels));
                }
                coords = (0..levels)
                    .map(|j| j as f64 / (levels - 1) as f64)
                    .collect();
                let mut index: HashMap<Vec<u8>, u32> = HashMap::new();
                for t in &p.types {
                    let mut map = Vec::with_capacity(t.len() * levels);
                    for v in &t.points {
                        for &s in &coords {
                            // Rounding is monotone, so bids stay non-increasing.
                            let key: Vec<u8> = v
                                .iter()
                                .map(|&x| ((s * x / step).round().clamp(0.0, (k - 1) as f64)) as u8)
                                .collect();
                            let next = index.len() as u32;
                            let id = *index.entry(key.clone()).or_insert_with(|| {
                                vectors.extend_from_slice(&key);
                                next
                            });
                            map.push(id);
                        }
                    }
                    vec_of.push(map);
                }
            }
        }
        // The summary holds m + 1 rival bids below the grid top, with up to
        // (n-1)m - (m+1) further ties.
        let top = m + 1;
        let mut states = 1.0f64;
        for j in 0..top {
            states *= (k + 1 + j) as f64 / (j + 1) as f64;
        }
        states *= ((n - 1) * m).saturating_sub(top) as f64 + 1.0;
        if states > MAX_STATES {
            return Err(invalid(
                "grid.bids",
                "is too large for this many units and bidders (over 2e6 summary states)",
                k,
            ));
        }
        Ok(MultiUnitGame {
            format: p.format,
            m,
            types: p.types,
            bids,
            class: p.class,
            vectors,
            coords,
            vec_of,
        })
    }

    /// The payment rule.
    pub fn format(&self) -> UnitFormat {
        self.format
    }
    /// Number of units.
    pub fn units(&self) -> usize {
        self.m
    }
    /// The bid grid.
    pub fn bids(&self) -> &[f64] {
        &self.bids
    }
    /// Bidder `i`'s types.
    pub fn types(&self, i: usize) -> &UnitTypes {
        &self.types[i]
    }
    /// The actions.
    pub fn class(&self) -> ActionClass {
        self.class
    }

    /// The bid vector (values) bidder `i` submits with action `a` at type `t`.
    pub fn bid_vector(&self, i: usize, t: usize, a: usize) -> Vec<f64> {
        let id = self.vec_of[i][t * self.n_actions(i) + a] as usize;
        self.vectors[id * self.m..(id + 1) * self.m]
            .iter()
            .map(|&j| self.bids[j as usize])
            .collect()
    }

    fn n_vectors(&self) -> usize {
        self.vectors.len() / self.m
    }

    fn vector(&self, id: usize) -> &[u8] {
        &self.vectors[id * self.m..(id + 1) * self.m]
    }

    /// The pure profile whose action at each type is the one whose bid
    /// vector is nearest (squared distance) to `f(i, values)`; in the
    /// shading class `f` returns the factor as a one-element vector.
    pub fn pure_profile(&self, f: impl Fn(usize, &[f64]) -> Vec<f64>) -> Vec<MixedStrategy> {
        (0..self.types.len())
            .map(|i| {
                let na = self.n_actions(i);
                let choice: Vec<usize> = self.types[i]
                    .points
                    .iter()
                    .map(|v| {
                        let want = f(i, v);
                        (0..na)
                            .min_by(|&a, &b| {
                                let d = |x: usize| -> f64 {
                                    self.action(i, x)
                                        .iter()
                                        .zip(&want)
                                        .map(|(p, q)| (p - q) * (p - q))
                                        .sum()
                                };
                                d(a).total_cmp(&d(b))
                            })
                            .unwrap_or(0)
                    })
                    .collect();
                MixedStrategy::pure(&choice, na)
            })
            .collect()
    }

    /// Everyone bids its marginal values (the nearest grid vector, or a
    /// shading factor of 1).
    pub fn truthful_profile(&self) -> Vec<MixedStrategy> {
        match self.class {
            ActionClass::Vectors => self.pure_profile(|_, v| v.to_vec()),
            ActionClass::Shading { .. } => self.pure_profile(|_, _| vec![1.0]),
        }
    }

    /// Bidder `i`'s law over bid vectors.
    fn vector_pmf(&self, i: usize, s: &MixedStrategy) -> Vec<(u32, f64)> {
        let mut acc = vec![0.0; self.n_vectors()];
        let na = s.n_bids;
        for (t, &w) in self.types[i].weights.iter().enumerate() {
            for (a, &p) in s.row(t).iter().enumerate() {
                if p > 0.0 {
                    acc[self.vec_of[i][t * na + a] as usize] += w * p;
                }
            }
        }
        acc.into_iter()
            .enumerate()
            .filter(|(_, p)| *p > 0.0)
            .map(|(v, p)| (v as u32, p))
            .collect()
    }

    /// The law of the rivals' summary, merging the rivals one at a time.
    fn summaries(&self, i: usize, profile: &[MixedStrategy]) -> Vec<Summary> {
        let top = self.m + 1;
        let mut cur: HashMap<u64, f64> = HashMap::new();
        cur.insert(encode(&vec![-1; top], 0), 1.0);
        let mut merged = Vec::with_capacity(top + self.m);
        let mut decoded = vec![0i32; top];
        for (r, s) in profile.iter().enumerate() {
            if r == i {
                continue;
            }
            let pmf = self.vector_pmf(r, s);
            let mut next: HashMap<u64, f64> = HashMap::with_capacity(cur.len() * 2);
            for (&key, &p) in &cur {
                let extra = decode(key, &mut decoded);
                for &(v, q) in &pmf {
                    merged.clear();
                    merged.extend_from_slice(&decoded);
                    merged.extend(self.vector(v as usize).iter().map(|&j| i32::from(j)));
                    merged.sort_unstable_by(|a, b| b.cmp(a));
                    let last = merged[top - 1];
                    let mut e = 0u32;
                    if last >= 0 {
                        e = merged[top..].iter().filter(|&&x| x == last).count() as u32;
                        if decoded[top - 1] == last {
                            e += extra;
                        }
                    }
                    *next.entry(encode(&merged[..top], e)).or_insert(0.0) += p * q;
                }
            }
            cur = next;
        }
        cur.into_iter()
            .map(|(key, prob)| {
                let mut top_v = vec![0i32; top];
                let extra = decode(key, &mut top_v);
                Summary {
                    top: top_v,
                    extra,
                    prob,
                }
            })
            .collect()
    }

    /// \\(P(\text{win} \ge k)\\) for `k = 1..m` and the expected payment of
    /// the bid vector `own` against the rival summaries.
    fn vector_values(&self, own: &[u8], rivals: &[Summary], out: &mut [f64]) {
        let m = self.m;
        out.iter_mut().for_each(|x| *x = 0.0);
        let mut pooled: Vec<i32> = Vec::with_capacity(2 * m + 1);
        let mut won = vec![0.0; m + 1];
        for s in rivals {
            pooled.clear();
            pooled.extend(own.iter().map(|&j| i32::from(j)));
            pooled.extend_from_slice(&s.top);
            pooled.sort_unstable_by(|a, b| b.cmp(a));
            let clearing = pooled[m - 1];
            let above = pooled.iter().filter(|&&x| x > clearing).count();
            let own_above = own.iter().filter(|&&j| i32::from(j) > clearing).count();
            let own_tied = own.iter().filter(|&&j| i32::from(j) == clearing).count();
            let mut rival_tied = s.top.iter().filter(|&&x| x == clearing).count();
            if s.top[m] == clearing {
                rival_tied += s.extra as usize;
            }
            let slots = m - above;
            let tied = own_tied + rival_tied;
            won.iter_mut().for_each(|x| *x = 0.0);
            for j in 0..=own_tied.min(slots) {
                won[own_above + j] = hypergeometric(tied, own_tied, slots, j);
            }
            for (k, &pk) in won.iter().enumerate() {
                if pk == 0.0 || k == 0 {
                    continue;
                }
                let pay = match self.format {
                    UnitFormat::PayAsBid => own[..k].iter().map(|&j| self.bids[j as usize]).sum(),
                    UnitFormat::UniformPrice => k as f64 * self.bid_at(pooled[m]),
                    UnitFormat::UniformPriceLowestWinning => k as f64 * self.bid_at(clearing),
                    UnitFormat::Vickrey => s.top[m - k..m].iter().map(|&x| self.bid_at(x)).sum(),
                };
                let w = s.prob * pk;
                for x in &mut out[..k] {
                    *x += w;
                }
                out[m] += w * pay;
            }
        }
    }

    fn bid_at(&self, j: i32) -> f64 {
        usize::try_from(j).map_or(0.0, |j| self.bids[j])
    }

    /// `P(win >= k)` (`k = 1..m`) and the expected payment of every bid
    /// vector against the others' strategies, `m + 1` numbers per vector.
    ///
    /// # Errors
    /// A profile that does not fit the game.
    pub fn vector_table(
        &self,
        i: usize,
        profile: &[MixedStrategy],
    ) -> Result<Vec<f64>, SolveError> {
        self.check_profile(profile)?;
        let rivals = self.summaries(i, profile);
        let w = self.m + 1;
        let mut used = vec![false; self.n_vectors()];
        for &v in &self.vec_of[i] {
            used[v as usize] = true;
        }
        let mut table = vec![0.0; self.n_vectors() * w];
        table
            .par_chunks_mut(w)
            .enumerate()
            .filter(|(v, _)| used[*v])
            .for_each(|(v, row)| self.vector_values(self.vector(v), &rivals, row));
        Ok(table)
    }
}

/// Probability that `j` of one's `own` tied bids are among `slots` drawn
/// uniformly from `tied` tied bids.
fn hypergeometric(tied: usize, own: usize, slots: usize, j: usize) -> f64 {
    if slots > tied || j > slots || slots - j > tied - own {
        return 0.0;
    }
    binom(own, j) * binom(tied - own, slots - j) / binom(tied, slots)
}

fn binom(n: usize, k: usize) -> f64 {
    if k > n {
        return 0.0;
    }
    (0..k).fold(1.0, |acc, j| acc * (n - j) as f64 / (j + 1) as f64)
}

fn encode(top: &[i32], extra: u32) -> u64 {
    let mut key = u64::from(extra);
    for &x in top {
        key = (key << 8) | ((x + 1) as u64 & 0xff);
    }
    key
}

fn decode(mut key: u64, top: &mut [i32]) -> u32 {
    for x in top.iter_mut().rev() {
        *x = (key & 0xff) as i32 - 1;
        key >>= 8;
    }
    key as u32
}

/// All non-increasing `m`-vectors of indices below `k`, flattened.
fn monotone_vectors(k: usize, m: usize, cur: &mut Vec<u8>, out: &mut Vec<u8>) {
    if cur.len() == m {
        out.extend_from_slice(cur);
        return;
    }
    let hi = cur.last().map_or(k, |&j| j as usize + 1);
    for j in 0..hi {
        cur.push(j as u8);
        monotone_vectors(k, m, cur, out);
        cur.pop();
    }
}

impl BayesGame for MultiUnitGame {
    fn n_bidders(&self) -> usize {
        self.types.len()
    }

    fn type_weights(&self, i: usize) -> &[f64] {
        &self.types[i].weights
    }

    fn type_point(&self, i: usize, t: usize) -> &[f64] {
        &self.types[i].points[t]
    }

    fn n_actions(&self, _i: usize) -> usize {
        match self.class {
            ActionClass::Vectors => self.n_vectors(),
            ActionClass::Shading { levels } => levels,
        }
    }

    fn action(&self, _i: usize, a: usize) -> &[f64] {
        match self.class {
            ActionClass::Vectors => &self.coords[a * self.m..(a + 1) * self.m],
            ActionClass::Shading { .. } => std::slice::from_ref(&self.coords[a]),
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} with {} units, {} bidders, {} bids",
            self.format.name(),
            self.m,
            self.types.len(),
            self.bids.len()
        )
    }

    fn utilities(
        &self,
        profile: &[MixedStrategy],
        out: &mut Vec<Vec<f64>>,
    ) -> Result<(), SolveError> {
        self.check_profile(profile)?;
        let n = self.types.len();
        let w = self.m + 1;
        out.resize_with(n, Vec::new);
        for (i, ui) in out.iter_mut().enumerate() {
            let table = self.vector_table(i, profile)?;
            let na = self.n_actions(i);
            ui.resize(self.types[i].len() * na, 0.0);
            for (t, row) in ui.chunks_mut(na).enumerate() {
                let v = &self.types[i].points[t];
                for (a, x) in row.iter_mut().enumerate() {
                    let id = self.vec_of[i][t * na + a] as usize;
                    let r = &table[id * w..(id + 1) * w];
                    *x = v.iter().zip(r).map(|(vk, pk)| vk * pk).sum::<f64>() - r[self.m];
                }
            }
        }
        Ok(())
    }
}

/// How a bidder's scalar draw becomes marginal values in a game file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValuesSpec {
    /// `units` i.i.d. draws, sorted decreasing.
    Sorted,
    /// The draw on every unit.
    Flat,
    /// The draw on the first unit only.
    UnitDemand,
}

/// One bidder of a multi-unit game file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UnitBidderSpec {
    /// A display name.
    #[serde(default)]
    pub name: Option<String>,
    /// The scalar law of the draws.
    pub prior: RawPrior,
    /// How draws become marginal values (default `sorted`).
    #[serde(default = "default_values")]
    pub values: ValuesSpec,
}

fn default_values() -> ValuesSpec {
    ValuesSpec::Sorted
}

/// The grid of a multi-unit game file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UnitGridSpec {
    /// Cells of each scalar prior.
    pub types: usize,
    /// Number of grid bids.
    pub bids: usize,
    /// The largest bid (default: the largest upper end of the priors).
    #[serde(default)]
    pub b_max: Option<f64>,
}

/// A multi-unit game file: `format` (`uniform-price`,
/// `uniform-price-lowest-winning`, `pay-as-bid`, `vickrey`), `units`,
/// `strategy` (`vectors` or `shading` with `shading-levels`),
/// `[[bidders]]` with `prior` and `values`, `[grid]`, and a `[learner]`
/// table left to the caller.
///
/// ```
/// use aftermarket::equilibrium::{BayesGame, MultiUnitSpec};
/// let spec: MultiUnitSpec = toml::from_str(r#"
///     format = "pay-as-bid"
///     units = 2
///     [[bidders]]
///     prior = { kind = "uniform", lo = 0.0, hi = 1.0 }
///     values = "unit-demand"
///     [[bidders]]
///     prior = { kind = "uniform", lo = 0.0, hi = 1.0 }
///     values = "unit-demand"
///     [grid]
///     types = 4
///     bids = 5
/// "#)?;
/// let game = spec.build("example.toml")?;
/// assert_eq!(game.n_actions(0), 15);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MultiUnitSpec {
    /// The payment rule.
    pub format: UnitFormat,
    /// Number of units.
    pub units: usize,
    /// `vectors` (default) or `shading`.
    #[serde(default = "default_strategy")]
    pub strategy: String,
    /// Number of shading factors (default 21).
    #[serde(default = "default_levels")]
    pub shading_levels: usize,
    /// The bidders.
    pub bidders: Vec<UnitBidderSpec>,
    /// The grid.
    pub grid: UnitGridSpec,
    /// Learner settings, read by the caller.
    #[serde(default)]
    pub learner: Option<toml::Table>,
}

fn default_strategy() -> String {
    "vectors".into()
}

fn default_levels() -> usize {
    21
}

impl MultiUnitSpec {
    /// Checks the file and builds the game; `origin` names the file in
    /// errors and `dir` is where relative data paths in priors start.
    ///
    /// # Errors
    /// A bad prior, an unknown `strategy`, or parameters
    /// [`MultiUnitGame::new`] rejects.
    pub fn build_in(
        &self,
        origin: &str,
        dir: Option<PathBuf>,
    ) -> Result<MultiUnitGame, SolveError> {
        let class = match self.strategy.as_str() {
            "vectors" => ActionClass::Vectors,
            "shading" => ActionClass::Shading {
                levels: self.shading_levels,
            },
            other => {
                return Err(invalid(
                    "strategy",
                    "must be \"vectors\" or \"shading\"",
                    format!("{other:?} in {origin}"),
                ));
            }
        };
        check_units(self.units)?;
        let mut types = Vec::with_capacity(self.bidders.len());
        let mut b_max = 0.0f64;
        for (i, b) in self.bidders.iter().enumerate() {
            let field = format!("bidders[{i}].prior");
            let prior: Arc<dyn Prior> =
                crate::scenario::scalar_law(&b.prior, origin, &field, dir.clone())
                    .map_err(|e| invalid("bidders.prior", "must be a valid prior", e))?;
            b_max = b_max.max(prior.support().1);
            let (m, n) = (self.units, self.grid.types);
            types.push(match b.values {
                ValuesSpec::Sorted => UnitTypes::sorted_draws(prior.as_ref(), m, n)?,
                ValuesSpec::Flat => UnitTypes::flat(prior.as_ref(), m, n)?,
                ValuesSpec::UnitDemand => UnitTypes::unit_demand(prior.as_ref(), m, n)?,
            });
        }
        MultiUnitGame::new(MultiUnitParams {
            format: self.format,
            units: self.units,
            types,
            bids: self.grid.bids,
            b_max: self.grid.b_max.unwrap_or(b_max),
            class,
        })
    }

    /// As [`Self::build_in`] with paths relative to the working directory.
    ///
    /// # Errors
    /// As [`Self::build_in`].
    pub fn build(&self, origin: &str) -> Result<MultiUnitGame, SolveError> {
        self.build_in(origin, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::Uniform;

    fn unif() -> Uniform {
        Uniform::new(0.0, 1.0).expect("uniform")
    }

    #[test]
    fn sorted_draws_weights_are_multinomial() {
        let t = UnitTypes::sorted_draws(&unif(), 2, 2).expect("types");
        assert_eq!(
            t.points,
            vec![vec![0.75, 0.75], vec![0.75, 0.25], vec![0.25, 0.25]]
        );
        let want = [0.25, 0.5, 0.25];
        for (w, x) in t.weights.iter().zip(want) {
            assert!((w - x).abs() < 1e-12);
        }
    }

    #[test]
    fn hypergeometric_splits_ties() {
        // Two tied bids (one own) for one unit: win it with 1/2.
        assert!((hypergeometric(2, 1, 1, 1) - 0.5).abs() < 1e-15);
        // Three tied (two own) for two units: both own win with 1/3.
        assert!((hypergeometric(3, 2, 2, 2) - 1.0 / 3.0).abs() < 1e-15);
        assert!((hypergeometric(3, 2, 2, 1) - 2.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn summary_key_round_trips() {
        let mut out = [0i32; 4];
        let e = decode(encode(&[7, 3, 3, -1], 2), &mut out);
        assert_eq!((out, e), ([7, 3, 3, -1], 2));
    }

    #[test]
    fn vectors_class_is_limited_to_three() {
        let t = UnitTypes::flat(&unif(), 4, 2).expect("types");
        let err = MultiUnitGame::new(MultiUnitParams {
            format: UnitFormat::PayAsBid,
            units: 4,
            types: vec![t.clone(), t],
            bids: 4,
            b_max: 1.0,
            class: ActionClass::Vectors,
        })
        .expect_err("too many units");
        assert!(err.to_string().starts_with("strategy \"vectors\" is exact"));
    }

    #[test]
    fn game_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<MultiUnitGame>();
    }
}
