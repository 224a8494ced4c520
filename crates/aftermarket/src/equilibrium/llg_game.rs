//! The local-local-global (LLG) package auction as a discretised Bayesian
//! game.
//!
//! Two items A and B; local 1 wants only A, local 2 only B, the global
//! bidder only the package AB. The locals' values are uniform on \[0, 1\]
//! and correlated as in Ausubel & Baranov (2020): with probability
//! \\(\gamma\\) both locals draw the *same* value, otherwise independent
//! ones; the global's value is uniform on \[0, 2\], independent of the
//! locals. Each local bids on its item, the global on the package; the
//! locals win when \\(b_1 + b_2 \ge b_g\\) (ties go to the locals, as in
//! [`crate::coalition::llg`]). Payments follow the chosen rule: pay-as-bid
//! (first price), VCG, or a core-selecting rule (nearest-VCG, nearest-zero,
//! nearest-bid, proxy) via [`llg_payments`]. Under every rule but first
//! price a winning global pays \\(b_1 + b_2\\), independent of its own bid,
//! so truthful bidding is dominant for it; the locals face a free-rider
//! problem and shade.
//!
//! On a grid of \\(n\\) types and \\(m\\) bids the utilities are computed
//! without enumerating bid profiles. The global needs only the joint law of
//! the locals' bids,
//! \\(Q = \gamma/n\,\sum_t \sigma_1(t,\cdot)\sigma_2(t,\cdot)^\top + (1-\gamma)\,\pi_1\pi_2^\top\\)
//! (marginal bid laws \\(\pi_i\\)), summed
//! along the bid pairs sorted by \\(b_1 + b_2\\). A local needs the other
//! local's bid law given its own type,
//! \\(R(t, \cdot) = \gamma\,\sigma_{-i}(t, \cdot) + (1-\gamma)\,\pi_{-i}\\),
//! and two \\(m \times m\\) tables against the global's bid law \\(\pi_g\\):
//! the win probability \\(W(a, a') = P_g\[b_g \le b_a + b_{a'}\]\\) and the
//! expected payment \\(K(a, a') = \sum_g \pi_g(g)\, p(b_a, b_{a'}, b_g)\\)
//! (the rules are symmetric in the locals, so one table serves both). Then
//! \\(U_i(t, a) = \sum_{a'} R(t, a')\,(v_t W(a, a') - K(a, a'))\\). Each
//! rule's payment is piecewise linear in \\(b_g\\) with kinks among
//! \\(b_a, b_{a'}, |b_a - b_{a'}|, 2b_a, 2b_{a'}\\), so every entry of
//! \\(K\\) is a few differences of the prefix sums of \\(\pi_g\\) and
//! \\(b_g\pi_g\\). One evaluation costs \\(O(n m^2)\\) time and
//! \\(O(m^2)\\) memory.
//!
//! Known equilibria (Ausubel & Baranov 2020, Table 1; the \\(\gamma = 0\\)
//! cases in Goeree & Lien 2016): the global bids its value; the locals bid
//! - VCG: \\(b(v) = v\\);
//! - nearest-VCG: \\(b(v) = \max\{0, \tfrac{2}{2+\gamma}(v - k)\}\\),
//!   \\(k = (3 - \sqrt{9 - (1-\gamma)^2})/(1-\gamma)\\);
//! - nearest-zero and proxy: \\(b(v) = \max\{0, 1 + \ln(\gamma + (1-\gamma)v)/(1-\gamma)\}\\);
//! - nearest-bid: \\(b(v) = (\ln 2 - \ln(2 - (1-\gamma)v))/(1-\gamma)\\).
//!
//! ## References
//! - L. Ausubel, O. Baranov, *Core-selecting auctions with incomplete
//!   information*, International Journal of Game Theory 49 (2020).
//! - J. Goeree, Y. Lien, *On the impossibility of core-selecting
//!   auctions*, Theoretical Economics 11 (2016).
//! - M. Fichtl, M. Oberlechner, M. Bichler, *Computing Bayes–Nash
//!   equilibrium strategies in auction games via simultaneous online dual
//!   averaging*, Operations Research (2024) — LLG as a benchmark.

use rayon::prelude::*;
use serde::Deserialize;

use crate::coalition::llg::{PaymentRule, llg_payments};
use crate::equilibrium::discrete_game::{MixedStrategy, SolveError, invalid};
use crate::equilibrium::game::BayesGame;

/// Tolerance on \\(b_1 + b_2 \ge b_g\\): sums of grid bids that equal a
/// global grid bid up to rounding count as ties (won by the locals).
const TIE_TOL: f64 = 1e-12;

/// The payment rule of the LLG auction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum LlgRule {
    /// Every winner pays its bid.
    FirstPrice,
    /// VCG payments.
    Vcg,
    /// Minimum-revenue core point nearest to VCG.
    NearestVcg,
    /// Minimum-revenue core point nearest to zero.
    NearestZero,
    /// Minimum-revenue core point nearest to the bids.
    NearestBid,
    /// Ascending proxy auction (equal to nearest-zero in LLG).
    Proxy,
}

impl LlgRule {
    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            LlgRule::FirstPrice => "first-price",
            LlgRule::Vcg => "vcg",
            LlgRule::NearestVcg => "nearest-vcg",
            LlgRule::NearestZero => "nearest-zero",
            LlgRule::NearestBid => "nearest-bid",
            LlgRule::Proxy => "proxy",
        }
    }

    fn core(self) -> Option<PaymentRule> {
        match self {
            LlgRule::FirstPrice => None,
            LlgRule::Vcg => Some(PaymentRule::Vcg),
            LlgRule::NearestVcg => Some(PaymentRule::NearestVcg),
            LlgRule::NearestZero => Some(PaymentRule::NearestZero),
            LlgRule::NearestBid => Some(PaymentRule::NearestBid),
            LlgRule::Proxy => Some(PaymentRule::Proxy),
        }
    }

    /// Local 1's payment when the locals win with bids `(own, other)`
    /// against the global's `bg` (callers guarantee `own + other >= bg`
    /// up to [`TIE_TOL`]).
    #[inline]
    fn local_payment(self, own: f64, other: f64, bg: f64) -> f64 {
        match self.core() {
            None => own,
            // At a tie the core is the single point of the bids; the closed
            // forms' clamp bounds can cross there by rounding.
            Some(_) if own + other - bg <= TIE_TOL => own,
            Some(rule) => llg_payments(own, other, bg, rule)
                .map(|o| o.local1)
                .unwrap_or(0.0),
        }
    }

    /// The locals' equilibrium bid at value `v` for correlation `gamma`
    /// (Ausubel & Baranov 2020), where a closed form is known: all rules
    /// but first price.
    ///
    /// ```
    /// use aftermarket::equilibrium::LlgRule;
    /// // nearest-VCG, independent locals: b(v) = v - (3 - sqrt 8)
    /// let b = LlgRule::NearestVcg.local_bne(0.0, 0.5).expect("closed form");
    /// assert!((b - (0.5 - (3.0 - 8f64.sqrt()))).abs() < 1e-12);
    /// ```
    pub fn local_bne(self, gamma: f64, v: f64) -> Option<f64> {
        let c = 1.0 - gamma;
        Some(match self {
            LlgRule::FirstPrice => return None,
            LlgRule::Vcg => v,
            LlgRule::NearestVcg => {
                // k(γ) → 0 as γ → 1, where the bid is 2v/3.
                let k = if c > 1e-9 {
                    (3.0 - (9.0 - c * c).sqrt()) / c
                } else {
                    c / 6.0
                };
                (2.0 / (2.0 + gamma) * (v - k)).max(0.0)
            }
            LlgRule::NearestZero | LlgRule::Proxy => {
                if c > 1e-9 {
                    (1.0 + (gamma + c * v).ln() / c).max(0.0)
                } else {
                    v
                }
            }
            LlgRule::NearestBid => {
                if c > 1e-9 {
                    (2f64.ln() - (2.0 - c * v).ln()) / c
                } else {
                    v / 2.0
                }
            }
        })
    }
}

/// Checked parameters of an [`LlgGame`].
#[derive(Debug, Clone, PartialEq)]
pub struct LlgParams {
    /// The payment rule.
    pub rule: LlgRule,
    /// Probability that the locals' values coincide, in \[0, 1\].
    pub gamma: f64,
    /// Type cells per bidder.
    pub types: usize,
    /// Bids of each local on \[0, 1\]; the global gets `2 * bids - 1` bids
    /// on \[0, 2\] (the same step).
    pub bids: usize,
}

/// The LLG auction on type and bid grids (bidders: local 1, local 2,
/// global).
///
/// ```
/// use aftermarket::equilibrium::{BayesGame, LlgGame, LlgParams, LlgRule};
/// let g = LlgGame::new(&LlgParams { rule: LlgRule::Vcg, gamma: 0.5, types: 4, bids: 9 })?;
/// assert_eq!((g.n_bidders(), g.n_actions(0), g.n_actions(2)), (3, 9, 17));
/// // Truth-telling is an equilibrium of VCG (the values lie on the bid
/// // grid): the utility loss is zero.
/// let m = g.utility_loss(&g.truthful_profile())?;
/// assert!(m.max_absolute() < 1e-12);
/// # Ok::<(), aftermarket::equilibrium::SolveError>(())
/// ```
#[derive(Debug, Clone)]
pub struct LlgGame {
    rule: LlgRule,
    gamma: f64,
    local_types: Vec<f64>,
    local_w: Vec<f64>,
    global_types: Vec<f64>,
    global_w: Vec<f64>,
    local_bids: Vec<f64>,
    global_bids: Vec<f64>,
    /// Local bid pairs `a1 * m + a2`, sorted by `b1 + b2`.
    pair_order: Vec<u32>,
    /// For each global bid, how many pairs (in `pair_order`) it beats.
    global_cut: Vec<usize>,
    /// For each pair `a1 * m + a2`, how many global bids it beats or ties.
    pair_cut: Vec<usize>,
}

fn midpoints(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let h = (hi - lo) / n as f64;
    (0..n).map(|k| lo + h * (k as f64 + 0.5)).collect()
}

impl LlgGame {
    /// Builds the game.
    ///
    /// # Errors
    /// `gamma` outside \[0, 1\], `types = 0`, `bids < 2`, or grids so large
    /// that the pair tables would not fit (`bids > 4096`).
    pub fn new(p: &LlgParams) -> Result<Self, SolveError> {
        if !(0.0..=1.0).contains(&p.gamma) {
            return Err(invalid("gamma", "must be in [0, 1]", p.gamma));
        }
        if p.types == 0 {
            return Err(invalid("grid.types", "must be >= 1", p.types));
        }
        if !(2..=4096).contains(&p.bids) {
            return Err(invalid("grid.bids", "must be in [2, 4096]", p.bids));
        }
        let m = p.bids;
        let step = 1.0 / (m - 1) as f64;
        let local_bids: Vec<f64> = (0..m).map(|j| step * j as f64).collect();
        let global_bids: Vec<f64> = (0..2 * m - 1).map(|j| step * j as f64).collect();
        let sum = |k: usize| local_bids[k / m] + local_bids[k % m];
        let mut pair_order: Vec<u32> = (0..(m * m) as u32).collect();
        pair_order.sort_by(|&x, &y| sum(x as usize).total_cmp(&sum(y as usize)));
        let global_cut = global_bids
            .iter()
            .map(|&bg| pair_order.partition_point(|&k| sum(k as usize) < bg - TIE_TOL))
            .collect();
        let pair_cut = (0..m * m)
            .map(|k| {
                let s = sum(k);
                global_bids.partition_point(|&bg| bg <= s + TIE_TOL)
            })
            .collect();
        let n = p.types;
        Ok(LlgGame {
            rule: p.rule,
            gamma: p.gamma,
            local_types: midpoints(0.0, 1.0, n),
            local_w: vec![1.0 / n as f64; n],
            global_types: midpoints(0.0, 2.0, n),
            global_w: vec![1.0 / n as f64; n],
            local_bids,
            global_bids,
            pair_order,
            global_cut,
            pair_cut,
        })
    }

    /// The payment rule.
    pub fn rule(&self) -> LlgRule {
        self.rule
    }

    /// The correlation parameter.
    pub fn gamma(&self) -> f64 {
        self.gamma
    }

    /// The locals' type points (both locals share the grid).
    pub fn local_types(&self) -> &[f64] {
        &self.local_types
    }

    /// The global bidder's type points.
    pub fn global_types(&self) -> &[f64] {
        &self.global_types
    }

    /// The locals' bid grid.
    pub fn local_bids(&self) -> &[f64] {
        &self.local_bids
    }

    /// The global bidder's bid grid.
    pub fn global_bids(&self) -> &[f64] {
        &self.global_bids
    }

    /// \\(P(t_2 = s \mid t_1 = t)\\) (and symmetrically).
    pub fn conditional(&self, t: usize, s: usize) -> f64 {
        let n = self.local_types.len() as f64;
        (1.0 - self.gamma) / n + if t == s { self.gamma } else { 0.0 }
    }

    /// The pure profile bidding the grid point nearest to `f(value)` for the
    /// locals and `g(value)` for the global.
    pub fn pure_profile(
        &self,
        f: impl Fn(f64) -> f64,
        g: impl Fn(f64) -> f64,
    ) -> Vec<MixedStrategy> {
        let nearest = |grid: &[f64], b: f64| {
            let step = grid[1] - grid[0];
            ((b / step).round().max(0.0) as usize).min(grid.len() - 1)
        };
        let local: Vec<usize> = self
            .local_types
            .iter()
            .map(|&v| nearest(&self.local_bids, f(v)))
            .collect();
        let global: Vec<usize> = self
            .global_types
            .iter()
            .map(|&v| nearest(&self.global_bids, g(v)))
            .collect();
        let ml = self.local_bids.len();
        vec![
            MixedStrategy::pure(&local, ml),
            MixedStrategy::pure(&local, ml),
            MixedStrategy::pure(&global, self.global_bids.len()),
        ]
    }

    /// Everyone bids the grid point nearest to its value.
    pub fn truthful_profile(&self) -> Vec<MixedStrategy> {
        self.pure_profile(|v| v, |v| v)
    }

    /// The known equilibrium of [`LlgRule::local_bne`] (global truthful), on
    /// the grid; `None` for first price.
    pub fn closed_form_profile(&self) -> Option<Vec<MixedStrategy>> {
        self.rule.local_bne(self.gamma, 0.5)?;
        let (rule, gamma) = (self.rule, self.gamma);
        Some(self.pure_profile(|v| rule.local_bne(gamma, v).unwrap_or(v), |v| v))
    }

    fn pmf(weights: &[f64], s: &MixedStrategy) -> Vec<f64> {
        let mut out = vec![0.0; s.n_bids];
        for (t, &w) in weights.iter().enumerate() {
            for (o, p) in out.iter_mut().zip(s.row(t)) {
                *o += w * p;
            }
        }
        out
    }

    /// The win table `W[a * m + a']` and payment table `K[a * m + a']` of a
    /// local bidding `a` beside a local bidding `a'`, against the global's
    /// bid law `pg`.
    fn local_tables(&self, pg: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let m = self.local_bids.len();
        // Prefix sums of the global's bid law and of its first moment.
        let mut cdf = Vec::with_capacity(pg.len() + 1);
        let mut mom = Vec::with_capacity(pg.len() + 1);
        let (mut acc, mut acc1) = (0.0, 0.0);
        cdf.push(0.0);
        mom.push(0.0);
        for (&p, &bg) in pg.iter().zip(&self.global_bids) {
            acc += p;
            acc1 += p * bg;
            cdf.push(acc);
            mom.push(acc1);
        }
        let win: Vec<f64> = self.pair_cut.iter().map(|&c| cdf[c]).collect();
        let rule = self.rule;
        let step = self.local_bids[1];
        let mut pay = vec![0.0; m * m];
        pay.par_chunks_mut(m).enumerate().for_each(|(a, row)| {
            let own = self.local_bids[a];
            let mut knots = Vec::with_capacity(8);
            for (b, x) in row.iter_mut().enumerate() {
                let k = a * m + b;
                if rule == LlgRule::FirstPrice {
                    *x = own * win[k];
                    continue;
                }
                let other = self.local_bids[b];
                let cut = self.pair_cut[k];
                // Every rule's payment is continuous and piecewise linear in
                // b_g on [0, b1 + b2], with kinks among these points; on
                // each piece the sum over the global's bids needs only the
                // prefix sums.
                let sum = own + other;
                knots.clear();
                knots.extend([
                    0.0,
                    own,
                    other,
                    (own - other).abs(),
                    2.0 * own,
                    2.0 * other,
                    sum,
                ]);
                knots.retain(|&z| z <= sum);
                knots.sort_by(f64::total_cmp);
                knots.dedup_by(|z, y| (*z - *y).abs() <= TIE_TOL);
                let index = |z: f64| (((z - TIE_TOL) / step).ceil().max(0.0) as usize).min(cut);
                let mut total = 0.0;
                let mut lo = 0usize;
                let mut left = rule.local_payment(own, other, 0.0);
                for (j, w) in knots.windows(2).enumerate() {
                    let hi = if j + 2 == knots.len() {
                        cut
                    } else {
                        index(w[1])
                    };
                    let right = rule.local_payment(own, other, w[1]);
                    if hi > lo {
                        let slope = (right - left) / (w[1] - w[0]);
                        let intercept = left - slope * w[0];
                        total += intercept * (cdf[hi] - cdf[lo]) + slope * (mom[hi] - mom[lo]);
                    }
                    lo = hi.max(lo);
                    left = right;
                }
                if knots.len() == 1 && cut > 0 {
                    // b1 = b2 = 0: only b_g = 0 loses to the locals, at no cost.
                    total = pg[0] * left;
                }
                *x = total;
            }
        });
        (win, pay)
    }

    /// The payment table by summing over every global bid (reference for
    /// the piecewise-linear sums).
    #[cfg(test)]
    fn local_payments_direct(&self, pg: &[f64]) -> Vec<f64> {
        let m = self.local_bids.len();
        let mut pay = vec![0.0; m * m];
        for (k, x) in pay.iter_mut().enumerate() {
            let (own, other) = (self.local_bids[k / m], self.local_bids[k % m]);
            let cut = self.pair_cut[k];
            *x = self.global_bids[..cut]
                .iter()
                .zip(&pg[..cut])
                .map(|(&bg, &p)| p * self.rule.local_payment(own, other, bg))
                .sum();
        }
        pay
    }

    /// A local's utilities given the other local's strategy `other`.
    fn local_utilities(&self, other: &MixedStrategy, win: &[f64], pay: &[f64], out: &mut Vec<f64>) {
        let m = self.local_bids.len();
        let n = self.local_types.len();
        let po = Self::pmf(&self.local_w, other);
        out.resize(n * m, 0.0);
        let g = self.gamma;
        out.par_chunks_mut(m).enumerate().for_each(|(t, row)| {
            // The other local's bid law given this type.
            let r: Vec<f64> = other
                .row(t)
                .iter()
                .zip(&po)
                .map(|(&s, &p)| g * s + (1.0 - g) * p)
                .collect();
            let v = self.local_types[t];
            for (a, x) in row.iter_mut().enumerate() {
                let w = &win[a * m..(a + 1) * m];
                let k = &pay[a * m..(a + 1) * m];
                let mut acc = 0.0;
                for ((&ri, &wi), &ki) in r.iter().zip(w).zip(k) {
                    acc += ri * (v * wi - ki);
                }
                *x = acc;
            }
        });
    }

    /// The global's utilities given the locals' strategies.
    fn global_utilities(&self, s1: &MixedStrategy, s2: &MixedStrategy, out: &mut Vec<f64>) {
        let m = self.local_bids.len();
        let n = self.local_types.len();
        let p1 = Self::pmf(&self.local_w, s1);
        let p2 = Self::pmf(&self.local_w, s2);
        let g = self.gamma;
        let mut q = vec![0.0; m * m];
        q.par_chunks_mut(m).enumerate().for_each(|(a1, row)| {
            for (a2, x) in row.iter_mut().enumerate() {
                *x = (1.0 - g) * p1[a1] * p2[a2];
            }
            if g > 0.0 {
                for t in 0..n {
                    let c = g / n as f64 * s1.row(t)[a1];
                    if c > 0.0 {
                        for (x, &y) in row.iter_mut().zip(s2.row(t)) {
                            *x += c * y;
                        }
                    }
                }
            }
        });
        // Prefix sums of Q and Q·(b1 + b2) along pairs sorted by sum.
        let mut cq = Vec::with_capacity(m * m + 1);
        let mut cs = Vec::with_capacity(m * m + 1);
        let (mut aq, mut asum) = (0.0, 0.0);
        cq.push(0.0);
        cs.push(0.0);
        for &k in &self.pair_order {
            let k = k as usize;
            aq += q[k];
            asum += q[k] * (self.local_bids[k / m] + self.local_bids[k % m]);
            cq.push(aq);
            cs.push(asum);
        }
        let mg = self.global_bids.len();
        out.resize(self.global_types.len() * mg, 0.0);
        let fp = self.rule == LlgRule::FirstPrice;
        for (row, &v) in out.chunks_mut(mg).zip(&self.global_types) {
            for ((x, &c), &bg) in row.iter_mut().zip(&self.global_cut).zip(&self.global_bids) {
                let w = cq[c];
                let pay = if fp { bg * w } else { cs[c] };
                *x = v * w - pay;
            }
        }
    }
}

impl BayesGame for LlgGame {
    fn n_bidders(&self) -> usize {
        3
    }

    /// `factor` times the type cells, and bids subdividing each bid step
    /// `factor` times (so the coarse bids are fine bids); `None` past the
    /// largest grid [`LlgGame::new`] accepts.
    fn refine(&self, factor: usize) -> Option<Box<dyn BayesGame>> {
        let f = factor.max(1);
        let g = LlgGame::new(&LlgParams {
            rule: self.rule,
            gamma: self.gamma,
            types: self.local_types.len() * f,
            bids: (self.local_bids.len() - 1) * f + 1,
        })
        .ok()?;
        Some(Box::new(g))
    }

    fn type_weights(&self, i: usize) -> &[f64] {
        if i < 2 { &self.local_w } else { &self.global_w }
    }

    fn type_point(&self, i: usize, t: usize) -> &[f64] {
        let pts = if i < 2 {
            &self.local_types
        } else {
            &self.global_types
        };
        std::slice::from_ref(&pts[t])
    }

    fn n_actions(&self, i: usize) -> usize {
        if i < 2 {
            self.local_bids.len()
        } else {
            self.global_bids.len()
        }
    }

    fn action(&self, i: usize, a: usize) -> &[f64] {
        let bids = if i < 2 {
            &self.local_bids
        } else {
            &self.global_bids
        };
        std::slice::from_ref(&bids[a])
    }

    fn describe(&self) -> String {
        format!(
            "LLG {} (gamma {}), {} types, {} local bids",
            self.rule.name(),
            self.gamma,
            self.local_types.len(),
            self.local_bids.len()
        )
    }

    fn utilities(
        &self,
        profile: &[MixedStrategy],
        out: &mut Vec<Vec<f64>>,
    ) -> Result<(), SolveError> {
        self.check_profile(profile)?;
        out.resize_with(3, Vec::new);
        let pg = Self::pmf(&self.global_w, &profile[2]);
        let (win, pay) = self.local_tables(&pg);
        let (u0, rest) = out.split_at_mut(1);
        let (u1, u2) = rest.split_at_mut(1);
        self.local_utilities(&profile[1], &win, &pay, &mut u0[0]);
        self.local_utilities(&profile[0], &win, &pay, &mut u1[0]);
        self.global_utilities(&profile[0], &profile[1], &mut u2[0]);
        Ok(())
    }
}

/// The grid of an LLG game file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LlgGridSpec {
    /// Type cells per bidder.
    pub types: usize,
    /// Bids of each local on \[0, 1\].
    pub bids: usize,
}

/// An LLG game file: `format = "llg"`, `rule`, `gamma`, `[grid]`, and a
/// `[learner]` table left to the caller.
///
/// ```
/// use aftermarket::equilibrium::{BayesGame, LlgSpec};
/// let spec: LlgSpec = toml::from_str(r#"
///     format = "llg"
///     rule = "nearest-vcg"
///     gamma = 0.5
///     [grid]
///     types = 8
///     bids = 9
/// "#)?;
/// let game = spec.build("example.toml")?;
/// assert_eq!(game.n_actions(2), 17);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LlgSpec {
    /// Must be `"llg"`.
    pub format: String,
    /// The payment rule.
    pub rule: LlgRule,
    /// Probability that the locals' values coincide (default 0).
    #[serde(default)]
    pub gamma: f64,
    /// The grid (default 64 types, 64 bids).
    #[serde(default = "default_llg_grid")]
    pub grid: LlgGridSpec,
    /// Learner settings, read by the caller.
    #[serde(default)]
    pub learner: Option<toml::Table>,
}

fn default_llg_grid() -> LlgGridSpec {
    LlgGridSpec {
        types: 64,
        bids: 64,
    }
}

impl LlgSpec {
    /// Checks the file and builds the game; `origin` names the file in
    /// errors.
    ///
    /// # Errors
    /// A `format` other than `"llg"`, or parameters [`LlgGame::new`]
    /// rejects.
    pub fn build(&self, origin: &str) -> Result<LlgGame, SolveError> {
        if self.format != "llg" {
            return Err(invalid(
                "format",
                "must be \"llg\" for an LLG game",
                format!("{:?} in {origin}", self.format),
            ));
        }
        LlgGame::new(&LlgParams {
            rule: self.rule,
            gamma: self.gamma,
            types: self.grid.types,
            bids: self.grid.bids,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game(rule: LlgRule, gamma: f64, n: usize, m: usize) -> LlgGame {
        LlgGame::new(&LlgParams {
            rule,
            gamma,
            types: n,
            bids: m,
        })
        .expect("game")
    }

    const RULES: [LlgRule; 6] = [
        LlgRule::FirstPrice,
        LlgRule::Vcg,
        LlgRule::NearestVcg,
        LlgRule::NearestZero,
        LlgRule::NearestBid,
        LlgRule::Proxy,
    ];

    /// Interim utilities by enumerating every type and bid profile.
    fn brute(g: &LlgGame, p: &[MixedStrategy]) -> Vec<Vec<f64>> {
        let (n, m, mg) = (g.local_types.len(), g.local_bids.len(), g.global_bids.len());
        let mut u = vec![vec![0.0; n * m], vec![0.0; n * m], vec![0.0; n * mg]];
        let nn = n as f64;
        for t1 in 0..n {
            for t2 in 0..n {
                for tg in 0..n {
                    for a1 in 0..m {
                        for a2 in 0..m {
                            for ag in 0..mg {
                                let (b1, b2, bg) =
                                    (g.local_bids[a1], g.local_bids[a2], g.global_bids[ag]);
                                let locals = b1 + b2 >= bg - TIE_TOL;
                                let (p1, p2, pgl) = if !locals {
                                    let pay = if g.rule == LlgRule::FirstPrice {
                                        bg
                                    } else {
                                        b1 + b2
                                    };
                                    (0.0, 0.0, pay)
                                } else if let Some(r) = g.rule.core() {
                                    let o = llg_payments(b1, b2, bg.min(b1 + b2), r).expect("pay");
                                    (o.local1, o.local2, 0.0)
                                } else {
                                    (b1, b2, 0.0)
                                };
                                let (v1, v2, vg) =
                                    (g.local_types[t1], g.local_types[t2], g.global_types[tg]);
                                let w = if locals { 1.0 } else { 0.0 };
                                // Each bidder's weight on the others' types
                                // and actions given its own type.
                                let c = g.conditional(t1, t2) / nn;
                                u[0][t1 * m + a1] +=
                                    c * p[1].row(t2)[a2] * p[2].row(tg)[ag] * (v1 * w - p1);
                                u[1][t2 * m + a2] +=
                                    c * p[0].row(t1)[a1] * p[2].row(tg)[ag] * (v2 * w - p2);
                                u[2][tg * mg + ag] += c
                                    * p[0].row(t1)[a1]
                                    * p[1].row(t2)[a2]
                                    * (vg * (1.0 - w) - pgl);
                            }
                        }
                    }
                }
            }
        }
        u
    }

    fn random_profile(g: &LlgGame, seed: u64) -> Vec<MixedStrategy> {
        let mut s = seed;
        let mut next = move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 33) as f64 / (1u64 << 31) as f64) + 0.05
        };
        (0..3)
            .map(|i| {
                let (n, m) = (g.type_weights(i).len(), g.n_actions(i));
                let mut probs: Vec<f64> = (0..n * m).map(|_| next()).collect();
                for row in probs.chunks_mut(m) {
                    let z: f64 = row.iter().sum();
                    row.iter_mut().for_each(|x| *x /= z);
                }
                MixedStrategy {
                    n_types: n,
                    n_bids: m,
                    probs,
                }
            })
            .collect()
    }

    #[test]
    fn utilities_match_enumeration_for_every_rule() {
        for rule in RULES {
            for gamma in [0.0, 0.4] {
                let g = game(rule, gamma, 2, 3);
                let p = random_profile(&g, 7);
                let mut u = Vec::new();
                g.utilities(&p, &mut u).expect("utilities");
                let b = brute(&g, &p);
                for i in 0..3 {
                    for (x, y) in u[i].iter().zip(&b[i]) {
                        assert!(
                            (x - y).abs() < 1e-12,
                            "{rule:?} {gamma} bidder {i}: {x} vs {y}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn piecewise_payment_sums_equal_direct_sums() {
        for rule in RULES {
            let g = game(rule, 0.0, 2, 17);
            let mut pg: Vec<f64> = (0..g.global_bids.len())
                .map(|j| 1.0 + ((j * 7919) % 13) as f64)
                .collect();
            let z: f64 = pg.iter().sum();
            pg.iter_mut().for_each(|x| *x /= z);
            let (_, fast) = g.local_tables(&pg);
            let direct = g.local_payments_direct(&pg);
            for (k, (x, y)) in fast.iter().zip(&direct).enumerate() {
                assert!((x - y).abs() < 1e-12, "{rule:?} pair {k}: {x} vs {y}");
            }
        }
    }

    #[test]
    fn gamma_outside_unit_interval_is_rejected() {
        let err = LlgGame::new(&LlgParams {
            rule: LlgRule::Vcg,
            gamma: 1.5,
            types: 4,
            bids: 4,
        })
        .expect_err("gamma");
        assert_eq!(err.to_string(), "gamma must be in [0, 1], got 1.5");
    }

    #[test]
    fn global_truthful_is_a_best_response_under_core_rules() {
        for rule in [
            LlgRule::NearestVcg,
            LlgRule::NearestZero,
            LlgRule::NearestBid,
        ] {
            let g = game(rule, 0.5, 8, 9);
            let p = g.closed_form_profile().expect("closed form");
            let m = g.utility_loss(&p).expect("loss");
            // The global's value cell midpoints are off the bid grid by at
            // most half a step: its loss is second order in the step.
            assert!(m.utility_loss[2] < 0.5 * 0.125 * 0.125, "{rule:?}: {m:?}");
        }
    }

    #[test]
    fn closed_forms_reduce_to_known_cases() {
        // γ = 1: locals are one bidder split in two.
        assert!((LlgRule::NearestVcg.local_bne(1.0, 0.9).unwrap_or(0.0) - 0.6).abs() < 1e-9);
        // nearest-zero, γ = 0: b = max(0, 1 + ln v).
        let b = LlgRule::NearestZero.local_bne(0.0, 0.5).unwrap_or(0.0);
        assert!((b - (1.0 + 0.5f64.ln())).abs() < 1e-12);
        assert!(LlgRule::FirstPrice.local_bne(0.0, 0.5).is_none());
    }

    #[test]
    fn game_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<LlgGame>();
    }
}
