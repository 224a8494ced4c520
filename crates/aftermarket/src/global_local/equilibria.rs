//! The paper's strategy profiles, by name.
//!
//! A [`Profile`] gives the format (separate or package bidding), the
//! locals' bid function \\(b_l(s)\\), the global's bid (one bid function
//! used in every market, or truthful package bids) and the off-path belief
//! rule the resale stage uses. The named profiles:
//!
//! | profile | format | \\(b_l(s)\\) | global | source |
//! |---|---|---|---|---|
//! | [`Profile::proposition1`] | separate | \\(s\\) | \\(v^N(s)/N\\) per market | Proposition 1 |
//! | [`Profile::example1`] | separate | \\(s\\) | \\(v^N(s)\\) per market | Example 1 |
//! | [`Profile::example1_constant`] | separate | \\(s\\) | \\(v^N(s_{hi})\\) per market | Example 1, the alternative reading of the global's bid |
//! | [`Profile::half_signal`] | separate | \\(s/2\\) | \\(v^N(s_{hi})\\) per market | text after Proposition 2 (not SIR) |
//! | [`Profile::minimum_revenue`] | separate | \\(s_{lo}\\) | \\(v^N(s_{hi})\\) per market | text after Proposition 5 |
//! | [`Profile::vcg_truthful`] | package | \\(s\\) | \\(b_g^n = v^n(s)\\) | Propositions 4 and 9 |
//! | [`Profile::independent_best_response`] | separate | \\(s\\) | best response to truthful locals (depends on \\(F\\)) | Proposition 6 (Krishna–Rosenthal type) |
//!
//! ```
//! use aftermarket::global_local::{GlobalLocalParams, Locals, ValueFunction};
//! use aftermarket::global_local::equilibria::Profile;
//! use aftermarket::prior::Uniform;
//! use std::sync::Arc;
//! let model = GlobalLocalParams::new(2, ValueFunction::Linear(vec![1.0, 3.0]),
//!     Arc::new(Uniform::new(0.0, 1.0)?), Locals::Independent).check()?;
//! // The global's best response to truthful locals, U[0, 1], v^2 = 3s:
//! // b*(s) = min(1, s / (1 - s)); at s = 0.25 it is 1/3.
//! let p = Profile::independent_best_response(&model)?;
//! assert!((p.global_bid(&model, 0.25) - 1.0 / 3.0).abs() < 1e-3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{GlobalLocal, GlobalLocalError, signal_of};
use crate::analysis::quadrature::integrate;
use crate::formula::Formula;
use crate::mechanism::Bid;
use crate::strategy::{BidForm, Strategy, StrategyError};
use crate::values::Valuation;

/// The auction format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// \\(N\\) separate second-price auctions.
    Separate,
    /// VCG over package sizes.
    Package,
}

/// A scalar bid function of a signal.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum BidRule {
    /// \\(b(s) = s\\).
    Signal,
    /// \\(b(s) = c\,s\\).
    Scaled(f64),
    /// \\(b(s) = v^N(s)/N\\).
    PerUnitTop,
    /// \\(b(s) = v^N(s)\\).
    Top,
    /// A constant bid (pooling).
    Constant(f64),
    /// Linear interpolation through (signal, bid) points, constant beyond.
    Table {
        /// Increasing signals.
        types: Vec<f64>,
        /// Non-decreasing bids.
        bids: Vec<f64>,
    },
    /// A formula in `s` (non-decreasing).
    Formula(Formula),
}

/// What a bid reveals about the signal of the bidder who made it, given
/// the bid function the profile prescribes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Preimage {
    /// One signal bids this (a separating bid).
    Point(f64),
    /// Every signal in \\([a, b]\\) bids this (pooling).
    Pool(f64, f64),
    /// No signal bids this; read as the signal given.
    OffPath(f64),
}

const BID_TOL: f64 = 1e-9;

impl BidRule {
    /// The bid of signal `s`, floored at 0.
    pub fn bid(&self, model: &GlobalLocal, s: f64) -> f64 {
        let n = model.n() as f64;
        let b = match self {
            BidRule::Signal => s,
            BidRule::Scaled(c) => c * s,
            BidRule::PerUnitTop => model.top(s) / n,
            BidRule::Top => model.top(s),
            BidRule::Constant(c) => *c,
            BidRule::Table { types, bids } => interpolate(types, bids, s),
            BidRule::Formula(f) => f.eval(&[s]).unwrap_or(f64::NAN),
        };
        b.max(0.0)
    }

    /// A short description.
    pub fn describe(&self) -> String {
        match self {
            BidRule::Signal => "s".into(),
            BidRule::Scaled(c) => format!("{c} s"),
            BidRule::PerUnitTop => "v^N(s)/N".into(),
            BidRule::Top => "v^N(s)".into(),
            BidRule::Constant(c) => format!("{c}"),
            BidRule::Table { types, .. } => format!("table of {} points", types.len()),
            BidRule::Formula(f) => f.text().to_string(),
        }
    }

    /// The signals that bid `x` under this rule, on the support `[lo, hi]`.
    pub fn preimage(&self, model: &GlobalLocal, x: f64, lo: f64, hi: f64) -> Preimage {
        let n = model.n() as f64;
        let point = |s: f64| {
            if s < lo - BID_TOL || s > hi + BID_TOL {
                Preimage::OffPath(s.clamp(lo, hi))
            } else {
                Preimage::Point(s.clamp(lo, hi))
            }
        };
        match self {
            BidRule::Signal => point(x),
            BidRule::Scaled(c) if *c > 0.0 => point(x / c),
            BidRule::PerUnitTop | BidRule::Top => {
                let y = if matches!(self, BidRule::PerUnitTop) {
                    n * x
                } else {
                    x
                };
                let (a, b) = (model.top(lo), model.top(hi));
                if y < a - BID_TOL {
                    Preimage::OffPath(lo)
                } else if y > b + BID_TOL {
                    Preimage::OffPath(hi)
                } else {
                    Preimage::Point(model.top_inverse(y).clamp(lo, hi))
                }
            }
            BidRule::Constant(c) => {
                if (x - c).abs() <= BID_TOL * (1.0 + c.abs()) {
                    Preimage::Pool(lo, hi)
                } else if x < *c {
                    Preimage::OffPath(lo)
                } else {
                    Preimage::OffPath(hi)
                }
            }
            _ => self.numeric_preimage(model, x, lo, hi),
        }
    }

    fn numeric_preimage(&self, model: &GlobalLocal, x: f64, lo: f64, hi: f64) -> Preimage {
        let b = |s: f64| self.bid(model, s);
        let tol = BID_TOL * (1.0 + x.abs());
        if x < b(lo) - tol {
            return Preimage::OffPath(lo);
        }
        if x > b(hi) + tol {
            return Preimage::OffPath(hi);
        }
        // a = inf {s : b(s) >= x - tol}, c = sup {s : b(s) <= x + tol}.
        let bisect = |pred: &dyn Fn(f64) -> bool| {
            let (mut l, mut h) = (lo, hi);
            for _ in 0..80 {
                let m = 0.5 * (l + h);
                if pred(m) {
                    h = m;
                } else {
                    l = m;
                }
            }
            h
        };
        let a = if b(lo) >= x - tol {
            lo
        } else {
            bisect(&|s| b(s) >= x - tol)
        };
        let c = if b(hi) <= x + tol {
            hi
        } else {
            bisect(&|s| b(s) > x + tol)
        };
        if (b(a) - x).abs() > 1e-6 * (1.0 + x.abs()) {
            return Preimage::OffPath(a);
        }
        if c - a > 1e-7 * (1.0 + hi - lo) {
            Preimage::Pool(a, c)
        } else {
            Preimage::Point(a)
        }
    }
}

fn interpolate(types: &[f64], bids: &[f64], s: f64) -> f64 {
    let (Some(&t0), Some(&tn)) = (types.first(), types.last()) else {
        return f64::NAN;
    };
    if s <= t0 {
        return bids.first().copied().unwrap_or(f64::NAN);
    }
    if s >= tn {
        return bids.last().copied().unwrap_or(f64::NAN);
    }
    let k = types.partition_point(|&t| t <= s).clamp(1, types.len() - 1);
    let (a, b) = (types[k - 1], types[k]);
    let w = if b > a { (s - a) / (b - a) } else { 0.0 };
    bids[k - 1] * (1.0 - w) + bids[k] * w
}

/// The global's bid.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum GlobalBid {
    /// The same bid function in every market (separate bidding).
    PerMarket(BidRule),
    /// Package bids \\(b_g^n = v^n(s)\\) (package bidding).
    TruthfulPackages,
}

/// How a seller reads bids that no signal of the profile makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum OffPathRule {
    /// Example 1's rule for symmetric locals: when the locals' bids differ,
    /// the global believes every local has the signal behind the highest
    /// local bid.
    #[default]
    HighestLocalBid,
    /// Each local's signal is read from its own bid alone.
    OwnBid,
}

/// A strategy profile of the global-local game.
#[derive(Debug, Clone)]
pub struct Profile {
    /// A name for reports.
    pub name: String,
    /// The auction format.
    pub format: Format,
    /// Every local's bid function.
    pub local: BidRule,
    /// The global's bid.
    pub global: GlobalBid,
    /// The off-path belief rule.
    pub off_path: OffPathRule,
}

impl Profile {
    fn separate(name: &str, local: BidRule, global: BidRule) -> Self {
        Profile {
            name: name.into(),
            format: Format::Separate,
            local,
            global: GlobalBid::PerMarket(global),
            off_path: OffPathRule::HighestLocalBid,
        }
    }

    /// Proposition 1: \\(b_l(s) = s\\), \\(b_{g}(s) = v^N(s)/N\\) in every
    /// market. Efficient and robust without resale (symmetric locals).
    pub fn proposition1(_model: &GlobalLocal) -> Self {
        Self::separate("proposition-1", BidRule::Signal, BidRule::PerUnitTop)
    }

    /// Example 1: \\(b_l(s) = s\\), \\(b_g(s) = v^N(s)\\) in every market,
    /// with the off-path rule "highest local bid". Robust and strictly
    /// individually rational with resale when \\(s_{lo} = 0\\).
    pub fn example1(_model: &GlobalLocal) -> Self {
        Self::separate("example-1", BidRule::Signal, BidRule::Top)
    }

    /// The alternative reading of Example 1's garbled global bid: the
    /// constant \\(v^N(s_{hi})\\). The appendix proof rules it out (the global
    /// then always wins and her type pools); kept to show why.
    pub fn example1_constant(model: &GlobalLocal) -> Self {
        let top = model.top(model.support().1);
        Self::separate(
            "example-1-constant-reading",
            BidRule::Signal,
            BidRule::Constant(top),
        )
    }

    /// The robust but not strictly individually rational profile after
    /// Proposition 2: locals bid half their signals, the global bids
    /// \\(v^N(s_{hi})\\) and always wins.
    pub fn half_signal(model: &GlobalLocal) -> Self {
        let top = model.top(model.support().1);
        Self::separate("half-signal", BidRule::Scaled(0.5), BidRule::Constant(top))
    }

    /// The minimum-revenue profile: locals bid \\(s_{lo}\\), the global bids
    /// \\(v^N(s_{hi})\\) and pays \\(N s_{lo}\\). Robust without resale; with
    /// resale the locals pool and the global's resale price depends on \\(F\\).
    pub fn minimum_revenue(model: &GlobalLocal) -> Self {
        let (lo, hi) = model.support();
        Self::separate(
            "minimum-revenue",
            BidRule::Constant(lo),
            BidRule::Constant(model.top(hi)),
        )
    }

    /// Truthful bidding under package bidding (VCG): \\(b_l(s) = s\\),
    /// \\(b_g^n(s) = v^n(s)\\) (Propositions 4 and 9).
    pub fn vcg_truthful() -> Self {
        Profile {
            name: "vcg-truthful".into(),
            format: Format::Package,
            local: BidRule::Signal,
            global: GlobalBid::TruthfulPackages,
            off_path: OffPathRule::OwnBid,
        }
    }

    /// Independent locals without resale: locals bid their signals (weakly
    /// dominant), the global bids the same \\(b\\) in every market, the
    /// best response to them:
    /// \\[ b^*(s_g) = \arg\max_b \sum_{k} \tbinom{N}{k} F(b)^k (1 - F(b))^{N-k} v^k(s_g) - N \int_{s_{lo}}^{b} x\,dF(x). \\]
    /// It depends on \\(F\\) (Proposition 6). Computed on 201 signals
    /// (grid search then golden section) and interpolated.
    ///
    /// # Errors
    /// A law whose expectations fail (none of the library's).
    pub fn independent_best_response(model: &GlobalLocal) -> Result<Self, GlobalLocalError> {
        let (lo, hi) = model.support();
        let types: Vec<f64> = (0..=200)
            .map(|k| lo + (hi - lo) * k as f64 / 200.0)
            .collect();
        let bids = types
            .iter()
            .map(|&s| best_response_bid(model, s))
            .collect::<Vec<_>>();
        if bids.iter().any(|b| !b.is_finite()) {
            return Err(GlobalLocalError::Unsupported(
                "the global's best response could not be computed".into(),
            ));
        }
        Ok(Self::separate(
            "independent-best-response",
            BidRule::Signal,
            BidRule::Table { types, bids },
        ))
    }

    /// The global's bid per market at signal `s` (the first package bid
    /// per object under package bidding).
    pub fn global_bid(&self, model: &GlobalLocal, s: f64) -> f64 {
        match &self.global {
            GlobalBid::PerMarket(r) => r.bid(model, s),
            GlobalBid::TruthfulPackages => model.top(s) / model.n() as f64,
        }
    }

    /// One strategy per bidder (locals, then the global) for the market
    /// runner.
    pub fn strategies(&self, model: &Arc<GlobalLocal>) -> Vec<Arc<dyn Strategy>> {
        let mut v: Vec<Arc<dyn Strategy>> = (0..model.n())
            .map(|i| {
                Arc::new(LocalStrategy {
                    model: model.clone(),
                    i,
                    rule: self.local.clone(),
                    format: self.format,
                }) as Arc<dyn Strategy>
            })
            .collect();
        v.push(Arc::new(GlobalStrategy {
            model: model.clone(),
            bid: self.global.clone(),
            format: self.format,
        }));
        v
    }

    /// The bids of every bidder for the given signals.
    pub fn bids(&self, model: &GlobalLocal, s_g: f64, s_l: &[f64]) -> Vec<Bid> {
        let mut v: Vec<Bid> = s_l
            .iter()
            .enumerate()
            .map(|(i, &s)| local_bid(model, i, self.local.bid(model, s), self.format))
            .collect();
        v.push(global_bid(model, &self.global, s_g, self.format));
        v
    }
}

/// Local `i`'s bid `b` in the shape of the format.
pub fn local_bid(model: &GlobalLocal, i: usize, b: f64, format: Format) -> Bid {
    match format {
        Format::Separate => {
            let mut v = vec![0.0; model.n()];
            v[i] = b;
            Bid::PerItem(v)
        }
        Format::Package => Bid::Single(b),
    }
}

fn global_bid(model: &GlobalLocal, bid: &GlobalBid, s: f64, format: Format) -> Bid {
    let n = model.n();
    match (bid, format) {
        (GlobalBid::PerMarket(r), Format::Separate) => Bid::PerItem(vec![r.bid(model, s); n]),
        (GlobalBid::PerMarket(r), Format::Package) => {
            // k objects bid k b: marginal bids b each.
            Bid::Marginal(vec![r.bid(model, s); n])
        }
        (GlobalBid::TruthfulPackages, Format::Package) => Bid::Marginal(
            (1..=n)
                .map(|k| (model.value(k, s) - model.value(k - 1, s)).max(0.0))
                .collect(),
        ),
        (GlobalBid::TruthfulPackages, Format::Separate) => {
            Bid::PerItem(vec![model.top(s) / n as f64; n])
        }
    }
}

fn best_response_bid(model: &GlobalLocal, s_g: f64) -> f64 {
    let law = model.local_law();
    let (lo, hi) = law.support();
    let n = model.n();
    let partial = |b: f64| b * law.cdf(b) - integrate(&|x| law.cdf(x), lo, b);
    let utility = |b: f64| {
        let f = law.cdf(b).clamp(0.0, 1.0);
        let mut u = 0.0;
        let mut binom = 1.0;
        for k in 0..=n {
            if k > 0 {
                binom = binom * (n - k + 1) as f64 / k as f64;
            }
            u += binom * f.powi(k as i32) * (1.0 - f).powi((n - k) as i32) * model.value(k, s_g);
        }
        u - n as f64 * partial(b)
    };
    let steps = 400;
    let h = (hi - lo) / steps as f64;
    let mut best = (lo, utility(lo));
    for k in 1..=steps {
        let b = lo + h * k as f64;
        let u = utility(b);
        if u > best.1 + 1e-13 {
            best = (b, u);
        }
    }
    let (mut a, mut c) = ((best.0 - h).max(lo), (best.0 + h).min(hi));
    let g = 0.5 * (5f64.sqrt() - 1.0);
    for _ in 0..60 {
        let x1 = c - g * (c - a);
        let x2 = a + g * (c - a);
        if utility(x1) >= utility(x2) {
            c = x2;
        } else {
            a = x1;
        }
    }
    let m = 0.5 * (a + c);
    if utility(m) >= best.1 { m } else { best.0 }
}

/// A local's strategy in the market runner.
#[derive(Debug, Clone)]
pub struct LocalStrategy {
    model: Arc<GlobalLocal>,
    i: usize,
    rule: BidRule,
    format: Format,
}

impl Strategy for LocalStrategy {
    fn name(&self) -> String {
        format!("local b(s) = {}", self.rule.describe())
    }
    fn bid(&self, v: &Valuation, _form: BidForm) -> Result<Bid, StrategyError> {
        let s = signal_of(&self.model, self.i, v).ok_or(StrategyError::Form {
            valuation: "unit",
            form: "global-local package".into(),
        })?;
        let b = self.rule.bid(&self.model, s);
        if !b.is_finite() {
            return Err(StrategyError::BadBid {
                strategy: self.name(),
                value: s,
                bid: b,
            });
        }
        Ok(local_bid(&self.model, self.i, b, self.format))
    }
}

/// The global's strategy in the market runner.
#[derive(Debug, Clone)]
pub struct GlobalStrategy {
    model: Arc<GlobalLocal>,
    bid: GlobalBid,
    format: Format,
}

impl Strategy for GlobalStrategy {
    fn name(&self) -> String {
        match &self.bid {
            GlobalBid::PerMarket(r) => format!("global b(s) = {} per market", r.describe()),
            GlobalBid::TruthfulPackages => "global b^n(s) = v^n(s)".into(),
        }
    }
    fn bid(&self, v: &Valuation, _form: BidForm) -> Result<Bid, StrategyError> {
        let g = self.model.global();
        let s = signal_of(&self.model, g, v).ok_or(StrategyError::Form {
            valuation: "unit",
            form: "global-local package".into(),
        })?;
        let b = global_bid(&self.model, &self.bid, s, self.format);
        if b.check(g).is_err() {
            return Err(StrategyError::BadBid {
                strategy: self.name(),
                value: s,
                bid: b.max(),
            });
        }
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_local::{GlobalLocalParams, Locals, ValueFunction};
    use crate::prior::Uniform;

    fn model() -> GlobalLocal {
        GlobalLocalParams::new(
            2,
            ValueFunction::Linear(vec![1.0, 3.0]),
            Arc::new(Uniform::new(0.0, 1.0).expect("ok")),
            Locals::Independent,
        )
        .check()
        .expect("valid")
    }

    #[test]
    fn separating_bids_are_inverted() {
        let m = model();
        assert_eq!(
            BidRule::PerUnitTop.preimage(&m, 0.75, 0.0, 1.0),
            Preimage::Point(0.5)
        );
        assert_eq!(
            BidRule::Top.preimage(&m, 4.0, 0.0, 1.0),
            Preimage::OffPath(1.0)
        );
        assert_eq!(
            BidRule::Constant(3.0).preimage(&m, 3.0, 0.0, 1.0),
            Preimage::Pool(0.0, 1.0)
        );
    }

    #[test]
    fn best_response_matches_the_closed_form() {
        let m = model();
        for s in [0.1f64, 0.3, 0.45, 0.7] {
            let want = (s / (1.0 - s)).min(1.0);
            assert!((best_response_bid(&m, s) - want).abs() < 1e-6, "{s}");
        }
    }

    #[test]
    fn flat_table_pools() {
        let m = model();
        let r = BidRule::Table {
            types: vec![0.0, 0.5, 1.0],
            bids: vec![0.0, 1.0, 1.0],
        };
        match r.preimage(&m, 1.0, 0.0, 1.0) {
            Preimage::Pool(a, b) => assert!((a - 0.5).abs() < 1e-6 && (b - 1.0).abs() < 1e-9),
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(r.preimage(&m, 0.5, 0.0, 1.0), Preimage::Point(x) if (x - 0.25).abs() < 1e-6)
        );
    }
}
