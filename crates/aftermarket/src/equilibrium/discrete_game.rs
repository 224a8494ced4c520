//! A single-item auction on discretised types and bids.
//!
//! Each bidder \\(i\\) has a finite type grid \\(v_{i,1} < \dots < v_{i,n_i}\\)
//! with weights \\(w_{i,t}\\) taken from the prior: the support of the
//! continuous part is cut into \\(n\\) cells, each represented by its midpoint
//! and weighted by the CDF difference over the cell; every atom of the prior
//! is a grid point of its own, with its mass. All bidders share the bid grid
//! \\(b_j = j\, b_{\max}/(m-1)\\), \\(j = 0, \dots, m-1\\). A mixed strategy is a
//! row-stochastic \\(n_i \times m\\) matrix \\(\sigma_i\[t, j\]\\).
//!
//! With independent bidders, bidder \\(i\\)'s expected utility of bid
//! \\(b_j\\) at type \\(v\\) depends on the rivals only through the law of the
//! highest rival bid. Writing \\(G_r(j) = P\[\beta_r < b_j\]\\) and
//! \\(p_r(j) = P\[\beta_r = b_j\]\\) for rival \\(r\\)'s bid, and breaking ties
//! uniformly at random, the probability of winning is
//! \\[ W(j) = \sum_k \frac{P\[k \text{ rivals tie at } b_j,\ \text{the rest below}\]}{k+1}
//!        = \int_0^1 \prod_{r \ne i} \big(G_r(j) + p_r(j)\, s\big)\, ds, \\]
//! computed exactly from the coefficients of the product polynomial. Utility
//! is affine in the type, \\(u(b_j \mid v) = v\,W(j) - P(j)\\), where the
//! expected payment \\(P(j)\\) is \\(b_j W(j)\\) (first price), \\(b_j\\)
//! (all-pay) or \\(E\[\max(r, \text{highest rival}); \text{win}\]\\)
//! (second price). Bids below the reserve \\(r\\) lose and pay nothing. So
//! one evaluation of the utility matrix costs \\(O(R^2 m + n m)\\) for
//! \\(R\\) rivals and never enumerates bid profiles.
//!
//! ## References
//! - M. Fichtl, M. Oberlechner, M. Bichler, *Computing Bayes–Nash
//!   equilibrium strategies in auction games via simultaneous online dual
//!   averaging*, Operations Research (2024) — the discretisation (SODA).
//! - V. Krishna, *Auction Theory*, 2nd ed., Academic Press (2010), ch. 2–3.

use std::sync::Arc;

use rayon::prelude::*;
use thiserror::Error;

use crate::equilibrium::game::{BayesGame, Outcomes};
use crate::prior::{Prior, PriorError};

/// Errors raised while building or solving a discretised game.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum SolveError {
    /// A parameter broke a rule.
    #[error("{param} {rule}, got {value}")]
    InvalidParameter {
        /// Which parameter.
        param: &'static str,
        /// The rule.
        rule: &'static str,
        /// The offending value.
        value: String,
    },
    /// A strategy profile does not fit the game.
    #[error("strategy profile: {0}")]
    Profile(String),
    /// A prior failed.
    #[error(transparent)]
    Prior(#[from] PriorError),
}

pub(crate) fn invalid(param: &'static str, rule: &'static str, value: impl ToString) -> SolveError {
    SolveError::InvalidParameter {
        param,
        rule,
        value: value.to_string(),
    }
}

/// The payment rule of a single-item auction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// The winner pays its bid.
    FirstPrice,
    /// The winner pays the highest rival bid (at least the reserve).
    SecondPrice,
    /// Every bidder at or above the reserve pays its bid; the highest wins.
    AllPay,
}

impl Format {
    /// The kebab-case name (`first-price`, …).
    pub fn name(self) -> &'static str {
        match self {
            Format::FirstPrice => "first-price",
            Format::SecondPrice => "second-price",
            Format::AllPay => "all-pay",
        }
    }
}

/// One bidder's discretised types: increasing points with weights summing to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeGrid {
    /// Increasing type points.
    pub points: Vec<f64>,
    /// Probability of each point.
    pub weights: Vec<f64>,
}

impl TypeGrid {
    /// Discretises `prior` into `n` cells of its continuous part plus one
    /// point per atom.
    ///
    /// # Errors
    /// `n = 0`, a support that is not finite, or a law with no mass.
    pub fn from_prior(prior: &dyn Prior, n: usize) -> Result<Self, SolveError> {
        if n == 0 {
            return Err(invalid("grid.types", "must be >= 1", n));
        }
        let (lo, hi) = prior.support();
        if !lo.is_finite() || !hi.is_finite() || hi < lo {
            return Err(invalid(
                "prior support",
                "must be a finite interval",
                format!("[{lo}, {hi}]"),
            ));
        }
        let atoms = prior.atoms();
        let mut pts: Vec<(f64, f64)> = atoms.iter().copied().filter(|a| a.1 > 0.0).collect();
        let atom_mass: f64 = pts.iter().map(|a| a.1).sum();
        if hi > lo && atom_mass < 1.0 - 1e-12 {
            let h = (hi - lo) / n as f64;
            for k in 0..n {
                let l = lo + h * k as f64;
                let r = if k + 1 == n {
                    hi
                } else {
                    lo + h * (k + 1) as f64
                };
                let inside: f64 = atoms
                    .iter()
                    .filter(|a| a.0 > l && a.0 <= r)
                    .map(|a| a.1)
                    .sum();
                let w = (prior.cdf(r) - prior.cdf(l) - inside).max(0.0);
                if w > 0.0 {
                    pts.push((0.5 * (l + r), w));
                }
            }
        }
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut points: Vec<f64> = Vec::with_capacity(pts.len());
        let mut weights: Vec<f64> = Vec::with_capacity(pts.len());
        for (x, w) in pts {
            match points.last() {
                Some(&last) if (x - last).abs() <= 1e-12 * (1.0 + x.abs()) => {
                    if let Some(lw) = weights.last_mut() {
                        *lw += w;
                    }
                }
                _ => {
                    points.push(x);
                    weights.push(w);
                }
            }
        }
        let total: f64 = weights.iter().sum();
        if !(total.is_finite() && total > 0.0) {
            return Err(invalid(
                "prior",
                "must put positive mass on its support",
                total,
            ));
        }
        weights.iter_mut().for_each(|w| *w /= total);
        Ok(TypeGrid { points, weights })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// True if there are no points.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}

/// A mixed strategy: a row-stochastic matrix, types × bids, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct MixedStrategy {
    /// Number of type rows.
    pub n_types: usize,
    /// Number of bid columns.
    pub n_bids: usize,
    /// `probs[t * n_bids + j]` = probability of bid `j` at type `t`.
    pub probs: Vec<f64>,
}

impl MixedStrategy {
    /// The uniform strategy.
    pub fn uniform(n_types: usize, n_bids: usize) -> Self {
        MixedStrategy {
            n_types,
            n_bids,
            probs: vec![1.0 / n_bids as f64; n_types * n_bids],
        }
    }

    /// The pure strategy bidding column `choice[t]` at type `t`.
    pub fn pure(choice: &[usize], n_bids: usize) -> Self {
        let mut probs = vec![0.0; choice.len() * n_bids];
        for (t, &j) in choice.iter().enumerate() {
            probs[t * n_bids + j.min(n_bids - 1)] = 1.0;
        }
        MixedStrategy {
            n_types: choice.len(),
            n_bids,
            probs,
        }
    }

    /// The row of type `t`.
    pub fn row(&self, t: usize) -> &[f64] {
        &self.probs[t * self.n_bids..(t + 1) * self.n_bids]
    }

    /// The mean bid of each type on `bids`.
    pub fn mean_bids(&self, bids: &[f64]) -> Vec<f64> {
        (0..self.n_types)
            .map(|t| self.row(t).iter().zip(bids).map(|(p, b)| p * b).sum())
            .collect()
    }
}

/// A strategy profile with the iteration it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// One strategy per bidder.
    pub strategies: Vec<MixedStrategy>,
    /// Iterations done.
    pub iter: usize,
}

/// Winning probability and expected payment of every grid bid, against
/// fixed rivals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BidValues {
    /// \\(W(j)\\).
    pub win: Vec<f64>,
    /// \\(P(j)\\).
    pub pay: Vec<f64>,
}

/// Utility loss of each bidder at a profile.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics {
    /// \\(\sum_t w_t (\max_j u(b_j|v_t) - u(\sigma_t|v_t))\\) per bidder.
    pub utility_loss: Vec<f64>,
    /// The loss divided by the best-response utility, per bidder.
    pub relative_loss: Vec<f64>,
    /// Expected utility at the profile, per bidder.
    pub utility: Vec<f64>,
}

impl Metrics {
    /// The largest relative loss over bidders.
    pub fn max_relative(&self) -> f64 {
        self.relative_loss.iter().copied().fold(0.0, f64::max)
    }
    /// The largest absolute loss over bidders.
    pub fn max_absolute(&self) -> f64 {
        self.utility_loss.iter().copied().fold(0.0, f64::max)
    }
}

/// How a bid tied with the highest rival bid is treated.
///
/// `Split` shares the item uniformly among the tied bidders (exactly, over
/// every number of tied rivals). `Lose` is SODA's `tie_breaking: lose`
/// (Bichler, Fichtl and Oberlechner): a bid wins only when strictly above
/// every rival bid, so a tie at the top leaves the item unsold and a bid of
/// 0 never wins. On a grid, `Split` rewards matching the rival's grid bid and
/// entropic learning cycles there; under `Lose` undercutting by one grid step
/// is never a tie, and the dynamic settles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ties {
    /// Tied bidders share the item uniformly at random.
    #[default]
    Split,
    /// A tied bid loses.
    Lose,
}

impl Ties {
    /// The name used in game files: `split` or `lose`.
    pub fn name(self) -> &'static str {
        match self {
            Ties::Split => "split",
            Ties::Lose => "lose",
        }
    }

    /// Parses a game file's `ties` value.
    ///
    /// # Errors
    /// A value other than `split` or `lose`.
    pub fn parse(s: &str) -> Result<Self, SolveError> {
        match s {
            "split" => Ok(Ties::Split),
            "lose" => Ok(Ties::Lose),
            _ => Err(invalid("ties", "must be \"split\" or \"lose\"", s)),
        }
    }

    /// Winning probability from `coef[d]` = P\[d rivals tie, the rest below\].
    fn win(self, coef: &[f64]) -> f64 {
        match self {
            Ties::Split => coef
                .iter()
                .enumerate()
                .map(|(d, c)| c / (d + 1) as f64)
                .sum(),
            Ties::Lose => coef[0],
        }
    }
}

/// A single-item auction with independent bidders on type and bid grids.
///
/// ```
/// # use std::sync::Arc;
/// use aftermarket::equilibrium::{DiscreteGame, Format, MixedStrategy};
/// use aftermarket::prior::Uniform;
/// let u = Arc::new(Uniform::new(0.0, 1.0)?);
/// let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![u.clone(), u], 4, 3, 1.0)?;
/// // Against a rival bidding 0, 0.5 or 1 with equal chance, a bid of 0.5
/// // wins with probability 1/3 + 1/6 (half of the tie).
/// let rival = MixedStrategy::uniform(4, 3);
/// let bv = g.bid_values(0, &[rival.clone(), rival])?;
/// assert!((bv.win[1] - 0.5).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct DiscreteGame {
    format: Format,
    reserve: f64,
    priors: Vec<Arc<dyn Prior>>,
    types: Vec<TypeGrid>,
    bids: Vec<f64>,
    cells: usize,
    ties: Ties,
    /// Per bidder, the first earlier bidder with the same type grid.
    twin: Vec<Option<usize>>,
}

impl DiscreteGame {
    /// Builds the game: `n_types` cells per bidder (plus atoms), `n_bids`
    /// bids on \[0, `b_max`\].
    ///
    /// # Errors
    /// Fewer than two bidders, `n_types = 0`, `n_bids < 2`, `b_max <= 0`,
    /// a negative or non-finite reserve, or a prior with unbounded support.
    pub fn new(
        format: Format,
        reserve: f64,
        priors: Vec<Arc<dyn Prior>>,
        n_types: usize,
        n_bids: usize,
        b_max: f64,
    ) -> Result<Self, SolveError> {
        if priors.len() < 2 {
            return Err(invalid("bidders", "must number at least 2", priors.len()));
        }
        if !(reserve.is_finite() && reserve >= 0.0) {
            return Err(invalid("reserve", "must be >= 0 and finite", reserve));
        }
        if n_bids < 2 {
            return Err(invalid("grid.bids", "must be >= 2", n_bids));
        }
        if !(b_max.is_finite() && b_max > 0.0) {
            return Err(invalid("grid.b-max", "must be > 0 and finite", b_max));
        }
        let types = priors
            .iter()
            .map(|p| TypeGrid::from_prior(p.as_ref(), n_types))
            .collect::<Result<Vec<_>, _>>()?;
        let step = b_max / (n_bids - 1) as f64;
        let bids = (0..n_bids).map(|j| step * j as f64).collect();
        let twin = (0..types.len())
            .map(|i| {
                types[..i].iter().position(|h: &TypeGrid| {
                    h.points == types[i].points && h.weights == types[i].weights
                })
            })
            .collect();
        Ok(DiscreteGame {
            format,
            reserve,
            priors,
            types,
            bids,
            cells: n_types,
            ties: Ties::Split,
            twin,
        })
    }

    /// The same game under tie rule `ties`.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// use aftermarket::equilibrium::{DiscreteGame, Format, MixedStrategy, Ties};
    /// use aftermarket::prior::Uniform;
    /// let u = Arc::new(Uniform::new(0.0, 1.0)?);
    /// let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![u.clone(), u], 4, 3, 1.0)?
    ///     .with_ties(Ties::Lose);
    /// // Against a rival bidding 0, 0.5 or 1 with equal chance, a bid of 0.5
    /// // wins only against 0.
    /// let rival = MixedStrategy::uniform(4, 3);
    /// let bv = g.bid_values(0, &[rival.clone(), rival])?;
    /// assert!((bv.win[1] - 1.0 / 3.0).abs() < 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_ties(mut self, ties: Ties) -> Self {
        self.ties = ties;
        self
    }

    /// The tie rule.
    pub fn ties(&self) -> Ties {
        self.ties
    }

    /// The same auction on another grid: `n_types` cells per bidder and
    /// `n_bids` bids on the same \[0, b_max\].
    ///
    /// # Errors
    /// As [`Self::new`].
    pub fn with_grid(&self, n_types: usize, n_bids: usize) -> Result<Self, SolveError> {
        DiscreteGame::new(
            self.format,
            self.reserve,
            self.priors.clone(),
            n_types,
            n_bids,
            self.b_max(),
        )
        .map(|g| g.with_ties(self.ties))
    }

    /// Cells per bidder of the continuous part of the priors.
    pub fn cells(&self) -> usize {
        self.cells
    }

    /// The largest bid.
    pub fn b_max(&self) -> f64 {
        self.bids.last().copied().unwrap_or(0.0)
    }

    /// The payment rule.
    pub fn format(&self) -> Format {
        self.format
    }
    /// The reserve.
    pub fn reserve(&self) -> f64 {
        self.reserve
    }
    /// The priors.
    pub fn priors(&self) -> &[Arc<dyn Prior>] {
        &self.priors
    }
    /// Bidder `i`'s type grid.
    pub fn types(&self, i: usize) -> &TypeGrid {
        &self.types[i]
    }
    /// The bid grid.
    pub fn bids(&self) -> &[f64] {
        &self.bids
    }
    /// Number of bids.
    pub fn n_bids(&self) -> usize {
        self.bids.len()
    }

    /// The marginal bid law of bidder `i` under `s`.
    pub fn bid_pmf(&self, i: usize, s: &MixedStrategy, out: &mut [f64]) {
        out.iter_mut().for_each(|x| *x = 0.0);
        for (t, &w) in self.types[i].weights.iter().enumerate() {
            for (o, p) in out.iter_mut().zip(s.row(t)) {
                *o += w * p;
            }
        }
    }

    /// Winning probability and expected payment of each grid bid of bidder
    /// `i` against the others' strategies in `profile`.
    ///
    /// # Errors
    /// A profile that does not fit the game.
    pub fn bid_values(&self, i: usize, profile: &[MixedStrategy]) -> Result<BidValues, SolveError> {
        self.check_profile(profile)?;
        let m = self.n_bids();
        let mut pmfs = Vec::with_capacity(self.n_bidders() - 1);
        for (r, s) in profile.iter().enumerate() {
            if r != i {
                let mut p = vec![0.0; m];
                self.bid_pmf(r, s, &mut p);
                pmfs.push(p);
            }
        }
        let mut out = BidValues::default();
        self.bid_values_from_pmfs(&pmfs, &mut out);
        Ok(out)
    }

    /// As [`Self::bid_values`], from the rivals' bid laws on the grid.
    pub fn bid_values_from_pmfs(&self, rivals: &[Vec<f64>], out: &mut BidValues) {
        let refs: Vec<&[f64]> = rivals.iter().map(Vec::as_slice).collect();
        self.win_pay(&refs, &mut out.win, &mut out.pay);
    }

    /// \\(W(j)\\) and \\(P(j)\\) against the rivals' bid laws `rivals`.
    fn win_pay(&self, rivals: &[&[f64]], win_out: &mut Vec<f64>, pay_out: &mut Vec<f64>) {
        let m = self.n_bids();
        win_out.resize(m, 0.0);
        pay_out.resize(m, 0.0);
        let nr = rivals.len();
        let mut below = vec![0.0; nr];
        let mut coef = vec![0.0; nr + 1];
        // Payment of a second-price winner strictly above every rival.
        let mut sp_prefix = 0.0;
        let mut h_prev = 0.0; // P[all rivals < b_j]
        for j in 0..m {
            let b = self.bids[j];
            coef.iter_mut().for_each(|c| *c = 0.0);
            coef[0] = 1.0;
            let mut h_lt = 1.0;
            for (k, p) in rivals.iter().enumerate() {
                let g = below[k];
                let q = p[j];
                h_lt *= g;
                for d in (0..=k + 1).rev() {
                    let lower = if d > 0 { coef[d - 1] * q } else { 0.0 };
                    coef[d] = coef[d] * g + lower;
                }
            }
            let win = self.ties.win(&coef);
            if j > 0 {
                // P[highest rival = b_{j-1}] = h_lt(j) - h_lt(j-1).
                let b_prev = self.bids[j - 1];
                sp_prefix += (h_lt - h_prev) * b_prev.max(self.reserve);
            }
            h_prev = h_lt;
            if b < self.reserve {
                win_out[j] = 0.0;
                pay_out[j] = 0.0;
            } else {
                win_out[j] = win;
                pay_out[j] = match self.format {
                    Format::FirstPrice => win * b,
                    Format::AllPay => b,
                    Format::SecondPrice => sp_prefix + (win - h_lt).max(0.0) * b,
                };
            }
            for (k, p) in rivals.iter().enumerate() {
                below[k] += p[j];
            }
        }
    }

    /// Every bidder's bid law under `profile`; a bidder marked as a copy
    /// of an earlier one (see [`BayesGame::affine_utilities_shared`]) gets
    /// that one's law.
    fn pmfs(&self, profile: &[MixedStrategy], copies: &[Option<usize>]) -> Vec<Vec<f64>> {
        let m = self.n_bids();
        let copy = |i: usize| copies.get(i).copied().flatten().filter(|&k| k < i);
        let mut pmfs = vec![vec![0.0; m]; self.n_bidders()];
        if self.cells * m < PARALLEL_ENTRIES {
            for (i, (p, s)) in pmfs.iter_mut().zip(profile).enumerate() {
                if copy(i).is_none() {
                    self.bid_pmf(i, s, p);
                }
            }
        } else {
            pmfs.par_iter_mut()
                .zip(profile)
                .enumerate()
                .filter(|(i, _)| copy(*i).is_none())
                .for_each(|(i, (p, s))| self.bid_pmf(i, s, p));
        }
        for i in 0..pmfs.len() {
            if let Some(k) = copy(i) {
                let (done, rest) = pmfs.split_at_mut(i);
                rest[0].copy_from_slice(&done[k]);
            }
        }
        pmfs
    }

    /// Welfare, revenue and efficiency of `profile` on the grid.
    ///
    /// Revenue and welfare follow from each bid's winning probability and
    /// payment. Efficiency is the probability that the winner's value is
    /// the highest: for each own type \\(v\\), the rivals' bid laws are
    /// restricted to types at most \\(v\\) and the tie formula is applied to
    /// those restricted laws (rivals are independent, so the joint event
    /// factorises). Types are swept in increasing order so each restricted
    /// law grows by one row at a time: \\(O(n m R^2)\\) per bidder.
    ///
    /// # Errors
    /// A profile that does not fit the game.
    pub fn outcomes_of(&self, profile: &[MixedStrategy]) -> Result<Outcomes, SolveError> {
        let (mut win, mut pay) = (Vec::new(), Vec::new());
        self.affine_utilities(profile, &mut win, &mut pay)?;
        let m = self.n_bids();
        let n = self.n_bidders();
        let (mut welfare, mut revenue, mut efficiency) = (0.0, 0.0, 0.0);
        for i in 0..n {
            let g = &self.types[i];
            for (t, (&v, &w)) in g.points.iter().zip(&g.weights).enumerate() {
                for (j, &p) in profile[i].row(t).iter().enumerate() {
                    welfare += w * p * v * win[i][j];
                    revenue += w * p * pay[i][j];
                }
            }
            // Rival types merged in increasing order of value.
            let rivals: Vec<usize> = (0..n).filter(|&r| r != i).collect();
            let mut next = vec![0usize; rivals.len()];
            let mut restricted = vec![vec![0.0; m]; rivals.len()];
            let mut below = vec![0.0; rivals.len()];
            let mut coef = vec![0.0; rivals.len() + 1];
            for (t, (&v, &w)) in g.points.iter().zip(&g.weights).enumerate() {
                for (k, &r) in rivals.iter().enumerate() {
                    let rg = &self.types[r];
                    while next[k] < rg.len() && rg.points[next[k]] <= v + 1e-12 {
                        let s = next[k];
                        for (x, &p) in restricted[k].iter_mut().zip(profile[r].row(s)) {
                            *x += rg.weights[s] * p;
                        }
                        next[k] += 1;
                    }
                }
                below.iter_mut().for_each(|b| *b = 0.0);
                let row = profile[i].row(t);
                let mut e = 0.0;
                for j in 0..m {
                    if row[j] > 0.0 && self.bids[j] >= self.reserve {
                        coef.iter_mut().for_each(|c| *c = 0.0);
                        coef[0] = 1.0;
                        for (k, r) in restricted.iter().enumerate() {
                            let (gk, q) = (below[k], r[j]);
                            for d in (0..=k + 1).rev() {
                                let lower = if d > 0 { coef[d - 1] * q } else { 0.0 };
                                coef[d] = coef[d] * gk + lower;
                            }
                        }
                        let wins = self.ties.win(&coef);
                        e += row[j] * wins;
                    }
                    for (b, r) in below.iter_mut().zip(&restricted) {
                        *b += r[j];
                    }
                }
                efficiency += w * e;
            }
        }
        Ok(Outcomes::new(welfare, revenue, efficiency))
    }

    /// Fills `out` with the interim utilities \\(v_t W(j) - P(j)\\) of
    /// bidder `i` against `bv`.
    pub(crate) fn fill_utilities(&self, i: usize, bv: &BidValues, out: &mut Vec<f64>) {
        let m = self.n_bids();
        out.resize(self.types[i].len() * m, 0.0);
        for (row, &v) in out.chunks_mut(m).zip(&self.types[i].points) {
            for ((x, &wj), &pj) in row.iter_mut().zip(&bv.win).zip(&bv.pay) {
                *x = v * wj - pj;
            }
        }
    }
}

impl BayesGame for DiscreteGame {
    fn n_bidders(&self) -> usize {
        self.types.len()
    }

    fn type_weights(&self, i: usize) -> &[f64] {
        &self.types[i].weights
    }

    fn type_point(&self, i: usize, t: usize) -> &[f64] {
        std::slice::from_ref(&self.types[i].points[t])
    }

    fn n_actions(&self, _i: usize) -> usize {
        self.bids.len()
    }

    fn action(&self, _i: usize, a: usize) -> &[f64] {
        std::slice::from_ref(&self.bids[a])
    }

    /// Bidders with the same type grid (points and weights) are
    /// interchangeable: format, reserve, tie rule and bids are common.
    fn interchangeable_with(&self, i: usize) -> Option<usize> {
        self.twin.get(i).copied().flatten()
    }

    fn describe(&self) -> String {
        format!(
            "{} with {} bidders, {} bids",
            self.format.name(),
            self.n_bidders(),
            self.bids.len()
        )
    }

    fn utilities(
        &self,
        profile: &[MixedStrategy],
        out: &mut Vec<Vec<f64>>,
    ) -> Result<(), SolveError> {
        let mut win = Vec::new();
        let mut pay = Vec::new();
        self.affine_utilities(profile, &mut win, &mut pay)?;
        out.resize_with(self.n_bidders(), Vec::new);
        for (i, ui) in out.iter_mut().enumerate() {
            let bv = BidValues {
                win: std::mem::take(&mut win[i]),
                pay: std::mem::take(&mut pay[i]),
            };
            self.fill_utilities(i, &bv, ui);
        }
        Ok(())
    }

    /// The grid `factor` times finer: `factor` times the cells, and bids
    /// subdividing each step of the bid grid `factor` times (so the coarse
    /// bids are fine bids).
    fn refine(&self, factor: usize) -> Option<Box<dyn BayesGame>> {
        let f = factor.max(1);
        let g = self
            .with_grid(self.cells * f, (self.n_bids() - 1) * f + 1)
            .ok()?;
        Some(Box::new(g))
    }

    fn outcomes(&self, profile: &[MixedStrategy]) -> Option<Outcomes> {
        self.outcomes_of(profile).ok()
    }

    /// \\(U_i[t, j] = v_t W_i(j) - P_i(j)\\): the slope is the winning
    /// probability, the offset the expected payment.
    fn affine_utilities(
        &self,
        profile: &[MixedStrategy],
        slope: &mut Vec<Vec<f64>>,
        offset: &mut Vec<Vec<f64>>,
    ) -> Result<bool, SolveError> {
        self.affine_utilities_shared(profile, &[], slope, offset)
    }

    fn shares_copies(&self) -> bool {
        true
    }

    /// Bidders marked as copies get their original's bid law, slope and
    /// offset without computing them (their strategies are not read).
    fn affine_utilities_shared(
        &self,
        profile: &[MixedStrategy],
        copies: &[Option<usize>],
        slope: &mut Vec<Vec<f64>>,
        offset: &mut Vec<Vec<f64>>,
    ) -> Result<bool, SolveError> {
        self.check_profile(profile)?;
        let n = self.n_bidders();
        let copies: Vec<Option<usize>> = (0..n)
            .map(|i| {
                copies
                    .get(i)
                    .copied()
                    .flatten()
                    .filter(|&k| k < i && self.interchangeable_with(i) == Some(k))
            })
            .collect();
        let pmfs = self.pmfs(profile, &copies);
        slope.resize_with(n, Vec::new);
        offset.resize_with(n, Vec::new);
        let one = |i: usize, w: &mut Vec<f64>, p: &mut Vec<f64>| {
            let rivals: Vec<&[f64]> = pmfs
                .iter()
                .enumerate()
                .filter(|(r, _)| *r != i)
                .map(|(_, p)| p.as_slice())
                .collect();
            self.win_pay(&rivals, w, p);
        };
        // The work per bidder is O(m n^2): threads pay only on large grids
        // with many bidders.
        if self.n_bids() * n * n < PARALLEL_ENTRIES {
            for (i, (w, p)) in slope.iter_mut().zip(offset.iter_mut()).enumerate() {
                if copies[i].is_none() {
                    one(i, w, p);
                }
            }
        } else {
            slope
                .par_iter_mut()
                .zip(offset.par_iter_mut())
                .enumerate()
                .filter(|(i, _)| copies[*i].is_none())
                .for_each(|(i, (w, p))| one(i, w, p));
        }
        for (i, c) in copies.iter().enumerate() {
            if let Some(k) = *c {
                let (a, b) = (slope[k].clone(), offset[k].clone());
                slope[i] = a;
                offset[i] = b;
            }
        }
        Ok(true)
    }
}

/// Below this many entries a loop runs on the calling thread: handing work
/// to the pool (tens of microseconds from a thread outside it) costs more
/// than it saves.
const PARALLEL_ENTRIES: usize = 1 << 18;

pub(crate) fn push_metrics(m: &mut Metrics, loss: f64, br: f64, cur: f64) {
    m.utility_loss.push(loss);
    m.relative_loss
        .push(if br > 1e-300 { loss / br } else { 0.0 });
    m.utility.push(cur);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::{Mixture, PointMass, Uniform};

    fn unif() -> Arc<dyn Prior> {
        Arc::new(Uniform::new(0.0, 1.0).expect("uniform"))
    }

    #[test]
    fn reserve_cannot_be_negative() {
        let err = DiscreteGame::new(Format::FirstPrice, -1.0, vec![unif(), unif()], 4, 4, 1.0)
            .expect_err("negative reserve");
        assert_eq!(err.to_string(), "reserve must be >= 0 and finite, got -1");
    }

    #[test]
    fn bid_grid_needs_two_points() {
        let err = DiscreteGame::new(Format::FirstPrice, 0.0, vec![unif(), unif()], 4, 1, 1.0)
            .expect_err("one bid");
        assert!(err.to_string().contains("grid.bids must be >= 2"));
    }

    #[test]
    fn atoms_are_grid_points() {
        let p = Mixture::new(vec![
            (
                0.5,
                Arc::new(PointMass::new(0.0).expect("pm")) as Arc<dyn Prior>,
            ),
            (0.5, unif()),
        ])
        .expect("mixture");
        let g = TypeGrid::from_prior(&p, 4).expect("grid");
        assert_eq!(g.len(), 5);
        assert!(g.points[0].abs() < 1e-15);
        assert!((g.weights[0] - 0.5).abs() < 1e-12);
        assert!((g.weights[1] - 0.125).abs() < 1e-12);
    }

    #[test]
    fn three_way_tie_split_exactly() {
        let g = DiscreteGame::new(
            Format::FirstPrice,
            0.0,
            vec![unif(), unif(), unif()],
            2,
            2,
            1.0,
        )
        .expect("game");
        // Both rivals bid 0 or 1 with probability 1/2 each.
        let r = MixedStrategy::uniform(2, 2);
        let bv = g.bid_values(0, &[r.clone(), r.clone(), r]).expect("bv");
        // Bid 1: all tie (1/4) → 1/3, one ties (1/2) → 1/2, none (1/4) → 1.
        let want = 0.25 / 3.0 + 0.5 / 2.0 + 0.25;
        assert!((bv.win[1] - want).abs() < 1e-12);
        // Bid 0: wins only if both rivals bid 0, then a three-way tie.
        assert!((bv.win[0] - 0.25 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn second_price_payment_is_highest_rival_bid() {
        let g = DiscreteGame::new(Format::SecondPrice, 0.3, vec![unif(), unif()], 2, 3, 1.0)
            .expect("game");
        let r = MixedStrategy::uniform(2, 3); // rival bids 0, .5, 1
        let bv = g.bid_values(0, &[r.clone(), r]).expect("bv");
        assert!(bv.win[0].abs() < 1e-15); // below the reserve
        // Bid 1: beats 0 (pays the reserve .3), beats .5 (pays .5), ties 1.
        let want = (0.3 + 0.5) / 3.0 + 1.0 / 6.0;
        assert!((bv.pay[2] - want).abs() < 1e-12);
    }

    #[test]
    fn tied_bids_lose_against_a_known_rival_law() {
        let g = DiscreteGame::new(
            Format::FirstPrice,
            0.0,
            vec![unif(), unif(), unif()],
            2,
            3,
            1.0,
        )
        .expect("game")
        .with_ties(Ties::Lose);
        // Rival 1 bids 0, .5, 1 with 1/2, 1/4, 1/4; rival 2 uniformly.
        let r1 = MixedStrategy {
            n_types: 2,
            n_bids: 3,
            probs: vec![0.5, 0.5, 0.0, 0.5, 0.0, 0.5],
        };
        let r2 = MixedStrategy::uniform(2, 3);
        let bv = g.bid_values(0, &[r2.clone(), r1, r2]).expect("bv");
        // Only strictly higher bids win: P[both rivals below b_j].
        assert!(bv.win[0].abs() < 1e-15, "a zero bid never wins");
        assert!((bv.win[1] - 0.5 / 3.0).abs() < 1e-12);
        assert!((bv.win[2] - 0.75 * 2.0 / 3.0).abs() < 1e-12);
        assert!((bv.pay[2] - bv.win[2]).abs() < 1e-12);
    }

    #[test]
    fn second_price_winner_pays_the_highest_lower_bid_when_ties_lose() {
        let g = DiscreteGame::new(Format::SecondPrice, 0.3, vec![unif(), unif()], 2, 3, 1.0)
            .expect("game")
            .with_ties(Ties::Lose);
        let r = MixedStrategy::uniform(2, 3); // rival bids 0, .5, 1
        let bv = g.bid_values(0, &[r.clone(), r]).expect("bv");
        // Bid 1 beats 0 (pays the reserve .3) and .5 (pays .5); the tie at 1 loses.
        assert!((bv.win[2] - 2.0 / 3.0).abs() < 1e-12);
        assert!((bv.pay[2] - (0.3 + 0.5) / 3.0).abs() < 1e-12);
        assert!((bv.win[1] - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn refining_keeps_the_tie_rule() {
        let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![unif(), unif()], 4, 5, 1.0)
            .expect("game")
            .with_ties(Ties::Lose);
        assert_eq!(g.with_grid(8, 9).expect("grid").ties(), Ties::Lose);
        // With every rival at the top bid, no bid wins on the refined game
        // (the top one ties and loses), so every utility is 0; split ties
        // would give the top bid v/2 - 1/2.
        let fine = g.refine(2).expect("refined");
        let m = fine.n_actions(0);
        let top = vec![m - 1; fine.type_weights(0).len()];
        let p = MixedStrategy::pure(&top, m);
        let mut u = Vec::new();
        fine.utilities(&[p.clone(), p], &mut u).expect("utilities");
        assert!(u[0].iter().all(|x| x.abs() < 1e-15));
    }

    /// Outcomes by enumerating every type and bid profile.
    fn brute_outcomes(g: &DiscreteGame, p: &[MixedStrategy]) -> (f64, f64, f64) {
        let n = g.n_bidders();
        let (nt, m) = (g.types(0).len(), g.n_bids());
        let (mut wel, mut rev, mut eff) = (0.0, 0.0, 0.0);
        for code in 0..(nt * m).pow(n as u32) {
            let mut c = code;
            let (mut prob, mut ts, mut js) = (1.0, vec![0; n], vec![0; n]);
            for i in 0..n {
                ts[i] = c % nt;
                c /= nt;
                js[i] = c % m;
                c /= m;
                prob *= g.types(i).weights[ts[i]] * p[i].row(ts[i])[js[i]];
            }
            let top = js.iter().copied().max().unwrap_or(0);
            if prob == 0.0 || g.bids()[top] < g.reserve() {
                continue;
            }
            let winners: Vec<usize> = (0..n).filter(|&i| js[i] == top).collect();
            if g.ties() == Ties::Lose && (winners.len() > 1 || top == 0) {
                continue;
            }
            let share = prob / winners.len() as f64;
            let vmax = (0..n).map(|i| g.types(i).points[ts[i]]).fold(0.0, f64::max);
            for &w in &winners {
                let v = g.types(w).points[ts[w]];
                wel += share * v;
                rev += share * g.bids()[top];
                if v >= vmax - 1e-12 {
                    eff += share;
                }
            }
        }
        (wel, rev, eff)
    }

    #[test]
    fn outcomes_match_enumeration() {
        outcomes_match_enumeration_under(Ties::Split);
    }

    #[test]
    fn outcomes_match_enumeration_when_ties_lose() {
        outcomes_match_enumeration_under(Ties::Lose);
    }

    fn outcomes_match_enumeration_under(ties: Ties) {
        let g = DiscreteGame::new(
            Format::FirstPrice,
            0.2,
            vec![
                unif(),
                unif(),
                Arc::new(Uniform::new(0.0, 2.0).expect("u")) as Arc<dyn Prior>,
            ],
            3,
            4,
            1.0,
        )
        .expect("game")
        .with_ties(ties);
        // A fixed, irregular mixed profile.
        let profile: Vec<MixedStrategy> = (0..3)
            .map(|i| {
                let mut probs: Vec<f64> =
                    (0..12).map(|k| ((k * 7 + i * 3) % 5 + 1) as f64).collect();
                for row in probs.chunks_mut(4) {
                    let z: f64 = row.iter().sum();
                    row.iter_mut().for_each(|x| *x /= z);
                }
                MixedStrategy {
                    n_types: 3,
                    n_bids: 4,
                    probs,
                }
            })
            .collect();
        let o = g.outcomes_of(&profile).expect("outcomes");
        let (w, r, e) = brute_outcomes(&g, &profile);
        assert!((o.welfare - w).abs() < 1e-12, "{} {w}", o.welfare);
        assert!((o.revenue - r).abs() < 1e-12, "{} {r}", o.revenue);
        assert!((o.efficiency - e).abs() < 1e-12, "{} {e}", o.efficiency);
    }

    #[test]
    fn refined_game_contains_the_coarse_bids() {
        let g =
            DiscreteGame::new(Format::AllPay, 0.0, vec![unif(), unif()], 8, 5, 1.0).expect("game");
        let f = g.refine(3).expect("refinable");
        assert_eq!(f.n_actions(0), 13);
        assert_eq!(f.type_weights(1).len(), 24);
        for a in 0..5 {
            assert!((f.action(0, 3 * a)[0] - g.bids()[a]).abs() < 1e-12);
        }
    }

    #[test]
    fn game_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<DiscreteGame>();
    }
}
