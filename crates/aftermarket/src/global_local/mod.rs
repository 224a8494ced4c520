//! A global bidder against local bidders: multi-unit Vickrey auctions with
//! and without resale (paper 000).
//!
//! \\(N > 1\\) objects are sold to \\(N + 1\\) bidders. Local bidder \\(i\\)
//! wants only object \\(i\\), worth its signal \\(s_{l_i}\\). The global
//! bidder wants every object; \\(n\\) objects are worth
//! \\(v^n(s_g)\\) to her, with \\(v^0 = 0\\), \\(v^1(s) = s\\), each \\(v^n\\)
//! strictly increasing in \\(s\\) and the value per object
//! \\(v^n(s)/n\\) strictly increasing in \\(n\\) (complementarity). Signals
//! come from a law \\(F\\) on \\([s_{lo}, s_{hi}]\\); the locals share one
//! signal ([`Locals::Symmetric`], Section 3) or draw theirs independently
//! ([`Locals::Independent`], Section 4). Objects are sold either by \\(N\\)
//! separate second-price auctions (Vickrey with separate bidding) or by
//! VCG over package sizes (Vickrey with package bidding); after the
//! auction every bid is announced and each winner may make a
//! take-it-or-leave-it offer to the loser of its market ([`resale`]).
//!
//! The paper's findings, each reproduced by `aftermarket reproduce 000`:
//! with symmetric locals, separate bidding without resale has the efficient
//! robust equilibrium \\(b_l(s) = s\\), \\(b_g(s) = v^N(s)/N\\) (Proposition 1);
//! with resale no robust equilibrium is efficient (Proposition 2), the
//! locals bid their signals and the global overbids (Proposition 3,
//! Example 1), and revenue rises: \\(R^{SR} \ge R^{SNR} \ge R^{P}\\).
//! Package bidding is truthful, efficient and resale-free (Propositions 4
//! and 9). With independent locals separate bidding is never efficient
//! (Propositions 5 and 7) and has no robust equilibrium with resale
//! (Proposition 8).
//!
//! The model here: [`GlobalLocalParams`] (checked into [`GlobalLocal`] by
//! [`GlobalLocalParams::check`], which validates the assumptions
//! numerically); the named strategy profiles in [`equilibria`]; the resale
//! protocol in [`resale`]; expected revenue, welfare and resale by
//! numerical integration and Monte Carlo in [`revenue`]; the lemmas,
//! Proposition 2's condition and deviation searches in [`checks`].
//!
//! ```
//! use aftermarket::global_local::{GlobalLocalParams, Locals, ValueFunction};
//! use aftermarket::global_local::equilibria::Profile;
//! use aftermarket::global_local::revenue::{by_quadrature, Regime};
//! use aftermarket::prior::Uniform;
//! use std::sync::Arc;
//! // N = 2, U[0, 1], v^2(s) = 3s: Example 1 raises 8/9, separate bidding
//! // without resale 7/9, VCG 13/18; all reach the efficient welfare 31/18.
//! let model = Arc::new(GlobalLocalParams::new(
//!     2, ValueFunction::Linear(vec![1.0, 3.0]),
//!     Arc::new(Uniform::new(0.0, 1.0)?), Locals::Symmetric,
//! ).check()?);
//! let sr = by_quadrature(&model, &Regime::new(Profile::example1(&model), true))?;
//! assert!((sr.revenue - 8.0 / 9.0).abs() < 1e-6);
//! assert!((sr.final_welfare - 31.0 / 18.0).abs() < 1e-6);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## References
//! Multi-unit Vickrey auctions with resale: a global bidder and local
//! bidders (seed 000), Sections 2–5 and the appendix.

mod auction;
pub mod checks;
pub mod equilibria;
pub mod file;
pub mod resale;
pub mod revenue;

use std::sync::Arc;

use rand::Rng;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::formula::{Formula, FormulaError};
pub use auction::{ObjectAuction, paper_rules};

use crate::market::MarketError;
use crate::prior::{Prior, ProfilePrior, TypePrior};
use crate::values::{PackageValues, Valuation, ValuesError};

/// Errors of the global-local model.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum GlobalLocalError {
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
    /// The value function breaks an assumption of the model.
    #[error("values: {0}")]
    Assumption(String),
    /// A formula failed.
    #[error(transparent)]
    Formula(#[from] FormulaError),
    /// A valuation could not be built.
    #[error(transparent)]
    Values(#[from] ValuesError),
    /// Running a market failed.
    #[error(transparent)]
    Market(#[from] MarketError),
    /// The computation is not available for this model.
    #[error("{0}")]
    Unsupported(String),
}

/// The global bidder's value \\(v^n(s)\\) for \\(n\\) objects.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ValueFunction {
    /// \\(v^n(s) = \alpha_n s\\), `alpha[n-1]` = \\(\alpha_n\\) (so `alpha[0]` = 1).
    Linear(Vec<f64>),
    /// \\(v^n(s) = n^{1+\beta} s\\), \\(\beta > 0\\).
    Power {
        /// The exponent \\(\beta\\).
        beta: f64,
    },
    /// A formula in `s` and `n`.
    Formula(Formula),
}

impl ValueFunction {
    /// A formula in `s` and `n`, e.g. `"n^1.5 * s"`.
    ///
    /// # Errors
    /// A formula that does not parse or uses other variables.
    pub fn formula(expr: &str) -> Result<Self, GlobalLocalError> {
        Ok(ValueFunction::Formula(Formula::parse(expr, &["s", "n"])?))
    }

    /// \\(v^n(s)\\); \\(v^0 = 0\\). A formula that fails gives NaN, which
    /// every valuation built from it rejects.
    pub fn value(&self, n: usize, s: f64) -> f64 {
        if n == 0 {
            return 0.0;
        }
        match self {
            ValueFunction::Linear(a) => a.get(n - 1).copied().unwrap_or(f64::NAN) * s,
            ValueFunction::Power { beta } => (n as f64).powf(1.0 + beta) * s,
            ValueFunction::Formula(f) => f.eval(&[s, n as f64]).unwrap_or(f64::NAN),
        }
    }

    /// A short description.
    pub fn describe(&self) -> String {
        match self {
            ValueFunction::Linear(a) => format!("v^n(s) = alpha_n s, alpha = {a:?}"),
            ValueFunction::Power { beta } => format!("v^n(s) = n^(1+{beta}) s"),
            ValueFunction::Formula(f) => format!("v^n(s) = {}", f.text()),
        }
    }
}

/// How the locals' signals are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Locals {
    /// One common signal for every local (Section 3).
    #[default]
    Symmetric,
    /// Independent, identically distributed signals (Section 4).
    Independent,
}

/// The reading of the paper's normalisation "v^N(s) … Ns", whose symbol
/// was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Normalisation {
    /// \\(v^N(s_{lo}) = N s_{lo}\\) at the bottom of the support (the reading
    /// the revenue formula of Section 5 needs); a value function that breaks
    /// it is accepted with a warning.
    #[default]
    BottomOfSupport,
    /// \\(v^N(s) \ge N s\\) everywhere (implied by increasing per-unit value);
    /// a value function that breaks it is rejected.
    LowerBound,
}

/// The model as written, before checking.
#[derive(Debug, Clone)]
pub struct GlobalLocalParams {
    /// Number of objects \\(N\\) (and of locals).
    pub n: usize,
    /// The global's value function.
    pub values: ValueFunction,
    /// The law \\(F\\) of the locals' signals.
    pub local_law: Arc<dyn Prior>,
    /// The law of the global's signal (the paper: the same \\(F\\)).
    pub global_law: Arc<dyn Prior>,
    /// Symmetric or independent locals.
    pub locals: Locals,
    /// The reading of the normalisation.
    pub normalisation: Normalisation,
}

impl GlobalLocalParams {
    /// `n` objects, one law `law` for every signal.
    pub fn new(n: usize, values: ValueFunction, law: Arc<dyn Prior>, locals: Locals) -> Self {
        GlobalLocalParams {
            n,
            values,
            local_law: law.clone(),
            global_law: law,
            locals,
            normalisation: Normalisation::default(),
        }
    }

    /// Checks the assumptions of Section 2 on a grid of 201 signals and
    /// builds the model.
    ///
    /// # Errors
    /// `n` outside 2..=12; signals below 0 or unbounded; \\(v^1(s) \ne s\\);
    /// \\(v^n\\) not strictly increasing in \\(s\\); \\(v^n(s)/n\\) decreasing
    /// in \\(n\\); a broken lower-bound normalisation. Each message names
    /// the rule and the point.
    pub fn check(self) -> Result<GlobalLocal, GlobalLocalError> {
        let n = self.n;
        if !(2..=MAX_OBJECTS).contains(&n) {
            return Err(GlobalLocalError::InvalidParameter {
                param: "n",
                rule: "must be between 2 and 12",
                value: n.to_string(),
            });
        }
        if let ValueFunction::Linear(a) = &self.values
            && a.len() != n
        {
            return Err(GlobalLocalError::InvalidParameter {
                param: "values.alpha",
                rule: "needs one coefficient per package size 1..=n",
                value: format!("{} coefficients for n = {n}", a.len()),
            });
        }
        if let ValueFunction::Power { beta } = self.values
            && (!beta.is_finite() || beta <= 0.0)
        {
            return Err(GlobalLocalError::InvalidParameter {
                param: "values.beta",
                rule: "must be finite and > 0",
                value: beta.to_string(),
            });
        }
        let (gl, gh) = self.global_law.support();
        let (ll, lh) = self.local_law.support();
        for (param, x) in [("signals.lo", gl.min(ll)), ("signals.hi", gh.max(lh))] {
            if !x.is_finite() || x < 0.0 {
                return Err(GlobalLocalError::InvalidParameter {
                    param,
                    rule: "must be finite and >= 0 (signals are values)",
                    value: x.to_string(),
                });
            }
        }
        let lo = gl.min(ll);
        let hi = gh.max(lh);
        let v = &self.values;
        let grid: Vec<f64> = (0..=200)
            .map(|k| lo + (hi - lo) * k as f64 / 200.0)
            .collect();
        let tol = 1e-9 * (1.0 + hi);
        let mut warnings = Vec::new();
        for &s in &grid {
            for k in 1..=n {
                let x = v.value(k, s);
                if !x.is_finite() || x < 0.0 {
                    return Err(GlobalLocalError::Assumption(format!(
                        "v^{k}({s}) must be finite and >= 0, got {x}"
                    )));
                }
            }
            if (v.value(1, s) - s).abs() > tol {
                return Err(GlobalLocalError::Assumption(format!(
                    "v^1(s) must equal s, got v^1({s}) = {}",
                    v.value(1, s)
                )));
            }
            if s > 0.0 {
                for k in 2..=n {
                    let (a, b) = (v.value(k - 1, s) / (k - 1) as f64, v.value(k, s) / k as f64);
                    if b < a - tol {
                        return Err(GlobalLocalError::Assumption(format!(
                            "v^n(s)/n must increase in n, but v^{k}({s})/{k} = {b} < v^{}({s})/{} = {a}",
                            k - 1,
                            k - 1
                        )));
                    }
                    if b <= a + tol && warnings.is_empty() {
                        warnings.push(format!(
                            "v^n(s)/n is not strictly increasing at n = {k}, s = {s} (Proposition 2 needs it strictly)"
                        ));
                    }
                }
            }
            let top = v.value(n, s);
            if self.normalisation == Normalisation::LowerBound && top < n as f64 * s - tol {
                return Err(GlobalLocalError::Assumption(format!(
                    "v^N(s) >= N s must hold, but v^{n}({s}) = {top}"
                )));
            }
        }
        for w in grid.windows(2) {
            for k in 1..=n {
                if v.value(k, w[1]) <= v.value(k, w[0]) {
                    return Err(GlobalLocalError::Assumption(format!(
                        "v^{k} must be strictly increasing in s, but v^{k}({}) <= v^{k}({})",
                        w[1], w[0]
                    )));
                }
            }
        }
        let bottom = v.value(n, lo);
        if self.normalisation == Normalisation::BottomOfSupport
            && (bottom - n as f64 * lo).abs() > tol
        {
            warnings.push(format!(
                "normalisation v^N(s_lo) = N s_lo does not hold: v^{n}({lo}) = {bottom}"
            ));
        }
        Ok(GlobalLocal {
            params: self,
            lo,
            hi,
            warnings,
        })
    }
}

/// The largest number of objects (package tables have \\(2^N\\) entries).
pub const MAX_OBJECTS: usize = 12;

/// A checked global-local model.
///
/// Bidders are indexed `0..N` for the locals (local `i` wants object `i`)
/// and `N` for the global.
#[derive(Debug, Clone)]
pub struct GlobalLocal {
    params: GlobalLocalParams,
    lo: f64,
    hi: f64,
    warnings: Vec<String>,
}

impl GlobalLocal {
    /// Number of objects \\(N\\).
    pub fn n(&self) -> usize {
        self.params.n
    }
    /// The global's index.
    pub fn global(&self) -> usize {
        self.params.n
    }
    /// The parameters.
    pub fn params(&self) -> &GlobalLocalParams {
        &self.params
    }
    /// Symmetric or independent locals.
    pub fn locals(&self) -> Locals {
        self.params.locals
    }
    /// The law of the locals' signals.
    pub fn local_law(&self) -> &Arc<dyn Prior> {
        &self.params.local_law
    }
    /// The law of the global's signal.
    pub fn global_law(&self) -> &Arc<dyn Prior> {
        &self.params.global_law
    }
    /// \\((s_{lo}, s_{hi})\\) over both laws.
    pub fn support(&self) -> (f64, f64) {
        (self.lo, self.hi)
    }
    /// Assumptions that hold only weakly or readings that do not hold.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
    /// \\(v^k(s)\\).
    pub fn value(&self, k: usize, s: f64) -> f64 {
        self.params.values.value(k, s)
    }
    /// \\(v^N(s)\\).
    pub fn top(&self, s: f64) -> f64 {
        self.value(self.n(), s)
    }
    /// \\((v^N)^{-1}(y)\\), clamped to the support (bisection unless the
    /// value function is linear).
    pub fn top_inverse(&self, y: f64) -> f64 {
        let n = self.n();
        match &self.params.values {
            ValueFunction::Linear(_) | ValueFunction::Power { .. } => {
                let a = self.value(n, 1.0);
                (y / a).clamp(self.lo, self.hi)
            }
            ValueFunction::Formula(_) => {
                let (mut a, mut b) = (self.lo, self.hi);
                if y <= self.top(a) {
                    return a;
                }
                if y >= self.top(b) {
                    return b;
                }
                for _ in 0..100 {
                    let m = 0.5 * (a + b);
                    if self.top(m) < y {
                        a = m;
                    } else {
                        b = m;
                    }
                }
                0.5 * (a + b)
            }
        }
    }

    /// The efficient allocation: the global's number of objects \\(k^*\\)
    /// (she takes the objects of the \\(k^*\\) lowest locals) and the welfare
    /// \\(\max_k [v^k(s_g) + \sum_i s_{l_i} - (\text{sum of the } k \text{ smallest})]\\).
    /// Ties go to the smaller \\(k\\).
    pub fn efficient(&self, s_g: f64, s_l: &[f64]) -> (usize, f64) {
        let mut sorted = s_l.to_vec();
        sorted.sort_by(f64::total_cmp);
        let total: f64 = sorted.iter().sum();
        let mut best = (0, total);
        let mut low = 0.0;
        for (k, x) in sorted.iter().enumerate() {
            low += x;
            let w = self.value(k + 1, s_g) + total - low;
            if w > best.1 + 1e-12 {
                best = (k + 1, w);
            }
        }
        best
    }

    /// The global's valuation of every package: \\(v^{|S|}(s_g)\\).
    ///
    /// # Errors
    /// A value that is negative or not finite.
    pub fn global_valuation(&self, s_g: f64) -> Result<Valuation, GlobalLocalError> {
        let n = self.n();
        let table: Vec<f64> = (0..1usize << n)
            .map(|mask| self.value(mask.count_ones() as usize, s_g))
            .collect();
        Ok(Valuation::Packages(PackageValues::new(n, table)?))
    }

    /// Local `i`'s valuation: \\(s\\) for any package holding object `i`.
    ///
    /// # Errors
    /// A negative or non-finite signal.
    pub fn local_valuation(&self, i: usize, s: f64) -> Result<Valuation, GlobalLocalError> {
        let n = self.n();
        let table: Vec<f64> = (0..1usize << n)
            .map(|mask| if mask & (1 << i) != 0 { s } else { 0.0 })
            .collect();
        Ok(Valuation::Packages(PackageValues::new(n, table)?))
    }

    /// The profile of valuations for signals \\((s_{l_1}, …, s_{l_N}, s_g)\\).
    ///
    /// # Errors
    /// A wrong number of local signals, or invalid signals.
    pub fn valuations(&self, s_g: f64, s_l: &[f64]) -> Result<Vec<Valuation>, GlobalLocalError> {
        if s_l.len() != self.n() {
            return Err(GlobalLocalError::InvalidParameter {
                param: "local signals",
                rule: "need one per local",
                value: s_l.len().to_string(),
            });
        }
        let mut v = s_l
            .iter()
            .enumerate()
            .map(|(i, &s)| self.local_valuation(i, s))
            .collect::<Result<Vec<_>, _>>()?;
        v.push(self.global_valuation(s_g)?);
        Ok(v)
    }

    /// Bidder names: `l1`, …, `lN`, `g`.
    pub fn bidder_names(&self) -> Vec<String> {
        let mut v: Vec<String> = (1..=self.n()).map(|i| format!("l{i}")).collect();
        v.push("g".into());
        v
    }

    /// The prior over valuation profiles, for the market runner.
    pub fn profile_prior(self: &Arc<Self>) -> Arc<dyn ProfilePrior> {
        Arc::new(SignalPrior {
            model: self.clone(),
        })
    }
}

/// The signal of bidder `i` read off its valuation (a local's value for
/// its object; the global's \\(v^1 = s_g\\)).
pub fn signal_of(model: &GlobalLocal, i: usize, v: &Valuation) -> Option<f64> {
    let pv = v.as_packages()?;
    let item = if i < model.n() { i } else { 0 };
    pv.table().get(1usize << item).copied()
}

/// The law over valuation profiles the signals induce.
#[derive(Debug, Clone)]
struct SignalPrior {
    model: Arc<GlobalLocal>,
}

const MAX_FINITE_PROFILES: usize = 100_000;

impl ProfilePrior for SignalPrior {
    fn n_bidders(&self) -> usize {
        self.model.n() + 1
    }
    fn sample(&self, rng: &mut dyn Rng) -> Vec<Valuation> {
        let m = &self.model;
        let s_g = m.global_law().sample(rng);
        let s_l: Vec<f64> = match m.locals() {
            Locals::Symmetric => vec![m.local_law().sample(rng); m.n()],
            Locals::Independent => (0..m.n()).map(|_| m.local_law().sample(rng)).collect(),
        };
        // Signals are checked to lie in a non-negative, bounded support.
        m.valuations(s_g, &s_l).unwrap_or_default()
    }
    fn finite_support(&self) -> Option<Vec<(Vec<Valuation>, f64)>> {
        let m = &self.model;
        let g = m.global_law();
        let l = m.local_law();
        if !g.is_discrete() || !l.is_discrete() {
            return None;
        }
        let ga = g.atoms();
        let la = l.atoms();
        let mut out = Vec::new();
        let locals: Vec<(Vec<f64>, f64)> = match m.locals() {
            Locals::Symmetric => la.iter().map(|&(x, p)| (vec![x; m.n()], p)).collect(),
            Locals::Independent => {
                let count = la.len().checked_pow(m.n() as u32)?;
                if count > MAX_FINITE_PROFILES {
                    return None;
                }
                let mut acc = vec![(Vec::new(), 1.0)];
                for _ in 0..m.n() {
                    acc = acc
                        .into_iter()
                        .flat_map(|(v, p): (Vec<f64>, f64)| {
                            la.iter().map(move |&(x, q)| {
                                let mut w = v.clone();
                                w.push(x);
                                (w, p * q)
                            })
                        })
                        .collect();
                }
                acc
            }
        };
        for &(sg, pg) in &ga {
            for (sl, pl) in &locals {
                out.push((m.valuations(sg, sl).ok()?, pg * pl));
            }
        }
        Some(out)
    }
    fn marginal(&self, i: usize) -> Option<Arc<dyn TypePrior>> {
        Some(Arc::new(SignalType {
            model: self.model.clone(),
            bidder: i,
        }))
    }
}

/// One bidder's law over valuations.
#[derive(Debug, Clone)]
struct SignalType {
    model: Arc<GlobalLocal>,
    bidder: usize,
}

impl SignalType {
    fn law(&self) -> &Arc<dyn Prior> {
        if self.bidder == self.model.global() {
            self.model.global_law()
        } else {
            self.model.local_law()
        }
    }
    fn valuation(&self, s: f64) -> Option<Valuation> {
        if self.bidder == self.model.global() {
            self.model.global_valuation(s).ok()
        } else {
            self.model.local_valuation(self.bidder, s).ok()
        }
    }
}

impl TypePrior for SignalType {
    fn name(&self) -> String {
        self.law().name()
    }
    fn sample(&self, rng: &mut dyn Rng) -> Valuation {
        let s = self.law().sample(rng);
        self.valuation(s)
            .unwrap_or_else(|| zero_valuation(self.model.n()))
    }
    fn finite_support(&self) -> Option<Vec<(Valuation, f64)>> {
        if !self.law().is_discrete() {
            return None;
        }
        self.law()
            .atoms()
            .into_iter()
            .map(|(x, p)| self.valuation(x).map(|v| (v, p)))
            .collect()
    }
}

/// The valuation worth 0 everywhere.
///
/// # Panics
/// Never: an all-zero table of the right length is valid.
fn zero_valuation(n: usize) -> Valuation {
    Valuation::Packages(
        PackageValues::new(n, vec![0.0; 1usize << n]).expect("an all-zero package table is valid"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::Uniform;

    fn u01() -> Arc<dyn Prior> {
        Arc::new(Uniform::new(0.0, 1.0).expect("ok"))
    }

    #[test]
    fn decreasing_per_unit_value_is_rejected() {
        let p = GlobalLocalParams::new(
            2,
            ValueFunction::Linear(vec![1.0, 1.5]),
            u01(),
            Locals::Symmetric,
        );
        let err = p.check().expect_err("substitutes");
        assert!(
            err.to_string().contains("v^n(s)/n must increase in n"),
            "{err}"
        );
    }

    #[test]
    fn first_value_must_be_the_signal() {
        let p = GlobalLocalParams::new(
            2,
            ValueFunction::formula("2 * n * s").expect("parses"),
            u01(),
            Locals::Symmetric,
        );
        let err = p.check().expect_err("v^1 = 2s");
        assert!(err.to_string().contains("v^1(s) must equal s"), "{err}");
    }

    #[test]
    fn one_object_is_rejected() {
        let p = GlobalLocalParams::new(
            1,
            ValueFunction::Power { beta: 0.5 },
            u01(),
            Locals::Symmetric,
        );
        assert_eq!(
            p.check().expect_err("n = 1").to_string(),
            "n must be between 2 and 12, got 1"
        );
    }

    #[test]
    fn normalisation_reading_warns_or_rejects() {
        let law: Arc<dyn Prior> = Arc::new(Uniform::new(0.5, 1.0).expect("ok"));
        let f = ValueFunction::formula("n * s + (n - 1) * (s - 0.4)").expect("ok");
        let ok = GlobalLocalParams::new(2, f.clone(), law.clone(), Locals::Symmetric)
            .check()
            .expect("accepted");
        assert!(ok.warnings().iter().any(|w| w.contains("normalisation")));
        let mut p = GlobalLocalParams::new(
            2,
            ValueFunction::Linear(vec![1.0, 3.0]),
            law,
            Locals::Symmetric,
        );
        p.normalisation = Normalisation::LowerBound;
        assert!(p.check().is_ok());
    }

    #[test]
    fn efficient_allocation_can_be_interior() {
        // Digest T9: v^2 = 2.2 s, s_g = 0.5, locals 0.1 and 0.9.
        let m = GlobalLocalParams::new(
            2,
            ValueFunction::Linear(vec![1.0, 2.2]),
            u01(),
            Locals::Independent,
        )
        .check()
        .expect("valid");
        let (k, w) = m.efficient(0.5, &[0.1, 0.9]);
        assert_eq!(k, 1);
        assert!((w - 1.4).abs() < 1e-12);
    }

    #[test]
    fn model_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<GlobalLocal>();
    }
}
