//! Expected revenue, welfare (auction stage and final), resale probability
//! and units resold under a profile, with or without resale.
//!
//! Every number comes from the crate's combined [`Market`]: the model's
//! prior, the format ([`ObjectAuction`]), all bids disclosed, the paper's
//! resale stage ([`GlobalLocalResale`]) or none, and the profile's
//! strategies. [`by_quadrature`] integrates the per-draw [`Record`] over
//! the signals by adaptive Gauss–Kronrod on the quantile scale (split at
//! the draw's thresholds); [`by_monte_carlo`] runs
//! [`Market::monte_carlo`]. [`snr_revenue_formula`] is Section 5's closed
//! form for separate bidding without resale, as printed or corrected.
//!
//! ```
//! use aftermarket::global_local::{GlobalLocalParams, Locals, ValueFunction};
//! use aftermarket::global_local::equilibria::Profile;
//! use aftermarket::global_local::revenue::{by_quadrature, Regime};
//! use aftermarket::prior::Uniform;
//! use std::sync::Arc;
//! let model = Arc::new(GlobalLocalParams::new(2, ValueFunction::Linear(vec![1.0, 3.0]),
//!     Arc::new(Uniform::new(0.0, 1.0)?), Locals::Symmetric).check()?);
//! // VCG with resale: revenue 13/18, no resale (Proposition 4).
//! let p = by_quadrature(&model, &Regime::new(Profile::vcg_truthful(), true))?;
//! assert!((p.revenue - 13.0 / 18.0).abs() < 1e-6);
//! assert!(p.units_resold.abs() < 1e-12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::auction::ObjectAuction;
use super::equilibria::{Format, Preimage, Profile};
use super::resale::GlobalLocalResale;
use super::{GlobalLocal, GlobalLocalError, Locals};
use crate::analysis::quadrature::{integrate_pieces, integrate_tol};
use crate::disclosure::Policy;
use crate::market::{Episode, Information, Market, McConfig, McReport, Record};
use crate::mechanism::MechanismError;
use crate::prior::Prior;
use crate::resale::{Aftermarket, Indifference, NoResale};
use crate::strategy::BidForm;

/// A profile played with or without the resale stage.
#[derive(Debug, Clone)]
pub struct Regime {
    /// The strategies.
    pub profile: Profile,
    /// Whether the resale stage follows the auction.
    pub resale: bool,
    /// Acceptance at indifference in the resale stage.
    pub indifference: Indifference,
}

impl Regime {
    /// `profile`, with resale or not, accepting at indifference.
    pub fn new(profile: Profile, resale: bool) -> Self {
        Regime {
            profile,
            resale,
            indifference: Indifference::Accept,
        }
    }

    /// A label such as `example-1 + resale`.
    pub fn label(&self) -> String {
        format!(
            "{} {}",
            self.profile.name,
            if self.resale { "+ resale" } else { "no resale" }
        )
    }
}

/// The combined market of `regime` in `model`.
///
/// # Errors
/// A format that cannot be built (none for a checked model).
pub fn market(model: &Arc<GlobalLocal>, regime: &Regime) -> Result<Market, GlobalLocalError> {
    let n = model.n();
    let mechanism = ObjectAuction::new(regime.profile.format, n).map_err(mech)?;
    let aftermarket: Arc<dyn Aftermarket> = if regime.resale {
        Arc::new(GlobalLocalResale::new(
            model.clone(),
            Arc::new(regime.profile.clone()),
            regime.indifference,
        ))
    } else {
        Arc::new(NoResale)
    };
    Ok(Market {
        name: format!("global-local N = {n}, {}", regime.label()),
        bidders: model.bidder_names(),
        prior: model.profile_prior(),
        mechanism: Arc::new(mechanism),
        bid_form: match regime.profile.format {
            Format::Separate => BidForm::PerItem { n },
            Format::Package => BidForm::Marginal { m: n },
        },
        disclosure: Arc::new(Policy::AllBids),
        aftermarket,
        strategies: regime.profile.strategies(model),
        information: Information::Private,
        acquisition: None,
    })
}

fn mech(e: MechanismError) -> GlobalLocalError {
    GlobalLocalError::Market(e.into())
}

/// One play for the signals `s_g` and `s_l` (ties, which have probability
/// 0 under continuous laws, broken by a fixed seed).
///
/// # Errors
/// Signals that give invalid valuations; a failing market.
pub fn play(
    model: &Arc<GlobalLocal>,
    regime: &Regime,
    s_g: f64,
    s_l: &[f64],
) -> Result<Episode, GlobalLocalError> {
    let mkt = market(model, regime)?;
    play_in(&mkt, model, s_g, s_l)
}

/// As [`play`] in an already built market.
///
/// # Errors
/// As [`play`].
pub fn play_in(
    mkt: &Market,
    model: &GlobalLocal,
    s_g: f64,
    s_l: &[f64],
) -> Result<Episode, GlobalLocalError> {
    let values = model.valuations(s_g, s_l)?;
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    Ok(mkt.play(&values, &mut rng)?)
}

/// Expected measures of a regime.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Expectations {
    /// Seller revenue.
    pub revenue: f64,
    /// Welfare of the efficient allocation.
    pub optimal_welfare: f64,
    /// Welfare of the auction's allocation.
    pub auction_welfare: f64,
    /// Welfare of the final allocation.
    pub final_welfare: f64,
    /// Probability that any object is resold.
    pub resale_probability: f64,
    /// Expected number of objects resold.
    pub units_resold: f64,
    /// The global's expected payoff.
    pub payoff_global: f64,
    /// A local's expected payoff (average over the locals).
    pub payoff_local: f64,
}

impl Expectations {
    /// The measures by name, in a fixed order.
    pub fn named(&self) -> [(&'static str, f64); 8] {
        [
            ("revenue", self.revenue),
            ("optimal_welfare", self.optimal_welfare),
            ("auction_welfare", self.auction_welfare),
            ("final_welfare", self.final_welfare),
            ("resale_probability", self.resale_probability),
            ("units_resold", self.units_resold),
            ("payoff_global", self.payoff_global),
            ("payoff_local", self.payoff_local),
        ]
    }

    fn from_record(r: &Record, n: usize) -> Self {
        Expectations {
            revenue: r.revenue,
            optimal_welfare: r.optimal_welfare,
            auction_welfare: r.auction_welfare,
            final_welfare: r.final_welfare,
            resale_probability: r.resale_occurred,
            units_resold: r.resale_volume,
            payoff_global: r.payoffs.get(n).copied().unwrap_or(f64::NAN),
            payoff_local: r.payoffs.iter().take(n).sum::<f64>() / n as f64,
        }
    }

    fn field(&self, k: usize) -> f64 {
        self.named().get(k).map_or(f64::NAN, |x| x.1)
    }

    fn set(&mut self, k: usize, x: f64) {
        match k {
            0 => self.revenue = x,
            1 => self.optimal_welfare = x,
            2 => self.auction_welfare = x,
            3 => self.final_welfare = x,
            4 => self.resale_probability = x,
            5 => self.units_resold = x,
            6 => self.payoff_global = x,
            _ => self.payoff_local = x,
        }
    }
}

/// Absolute tolerance of each integral.
pub const QUADRATURE_TOL: f64 = 1e-9;

/// \\(E[g(s)]\\) for `law`, split at the signals `breaks`: a sum over atoms
/// for finite laws, else \\(\int_0^1 g(F^{-1}(u))\,du\\).
fn expect(law: &dyn Prior, g: &dyn Fn(f64) -> f64, breaks: &[f64], tol: f64) -> f64 {
    if law.is_discrete() {
        return law.atoms().iter().map(|&(x, p)| p * g(x)).sum();
    }
    let us: Vec<f64> = breaks.iter().map(|&t| law.cdf(t)).collect();
    if us.is_empty() {
        return integrate_tol(&|u| g(law.quantile(u)), 0.0, 1.0, tol);
    }
    let _ = integrate_pieces;
    let mut pts: Vec<f64> = us.into_iter().filter(|u| *u > 0.0 && *u < 1.0).collect();
    pts.sort_by(f64::total_cmp);
    let mut lo = 0.0;
    let mut s = 0.0;
    for x in pts.into_iter().chain(std::iter::once(1.0)) {
        s += integrate_tol(&|u| g(law.quantile(u)), lo, x, tol);
        lo = x;
    }
    s
}

/// The local signals at which a draw's outcome may jump, given the
/// global's signal.
fn thresholds(model: &GlobalLocal, regime: &Regime, s_g: f64) -> Vec<f64> {
    let n = model.n();
    let (lo, hi) = model.local_law().support();
    let mut t = vec![s_g, model.top(s_g) / n as f64, model.top(s_g)];
    for k in 1..=n {
        t.push(model.value(k, s_g) - model.value(k - 1, s_g));
    }
    let b = regime.profile.global_bid(model, s_g);
    if let Preimage::Point(x) | Preimage::OffPath(x) =
        regime.profile.local.preimage(model, b, lo, hi)
    {
        t.push(x);
    }
    t
}

/// Expected measures by numerical integration over the signals.
///
/// Symmetric locals need a double integral; independent locals an
/// integral of dimension \\(N + 1\\), supported for \\(N = 2\\).
///
/// # Errors
/// Independent locals with \\(N > 2\\) ([`GlobalLocalError::Unsupported`]:
/// use [`by_monte_carlo`]); a failing play.
pub fn by_quadrature(
    model: &Arc<GlobalLocal>,
    regime: &Regime,
) -> Result<Expectations, GlobalLocalError> {
    let n = model.n();
    if model.locals() == Locals::Independent && n > 2 {
        return Err(GlobalLocalError::Unsupported(format!(
            "numerical integration over independent locals supports N = 2, got N = {n}; use monte carlo"
        )));
    }
    let mkt = market(model, regime)?;
    let cache: RefCell<HashMap<Vec<u64>, Expectations>> = RefCell::new(HashMap::new());
    let error: RefCell<Option<GlobalLocalError>> = RefCell::new(None);
    let point = |s_g: f64, s_l: &[f64]| -> Expectations {
        let mut key = vec![s_g.to_bits()];
        key.extend(s_l.iter().map(|x| x.to_bits()));
        if let Some(e) = cache.borrow().get(&key) {
            return *e;
        }
        let e = match play_in(&mkt, model, s_g, s_l) {
            Ok(ep) => Expectations::from_record(&ep.record, n),
            Err(err) => {
                error.borrow_mut().get_or_insert(err);
                Expectations::default()
            }
        };
        cache.borrow_mut().insert(key, e);
        e
    };
    let gl = model.global_law().as_ref();
    let ll = model.local_law().as_ref();
    let mut out = Expectations::default();
    for k in 0..8 {
        let inner = |s_g: f64| -> f64 {
            let t = thresholds(model, regime, s_g);
            match model.locals() {
                Locals::Symmetric => expect(
                    ll,
                    &|s| point(s_g, &vec![s; n]).field(k),
                    &t,
                    QUADRATURE_TOL,
                ),
                Locals::Independent => expect(
                    ll,
                    &|s1| {
                        let mut t2 = t.clone();
                        t2.push(s1);
                        t2.push(model.value(2, s_g) - s1);
                        t2.push(s1 - s_g);
                        expect(ll, &|s2| point(s_g, &[s1, s2]).field(k), &t2, 1e-7)
                    },
                    &t,
                    1e-7,
                ),
            }
        };
        out.set(k, expect(gl, &inner, &[], QUADRATURE_TOL));
        if let Some(e) = error.borrow_mut().take() {
            return Err(e);
        }
    }
    Ok(out)
}

/// Expected measures by Monte Carlo, with standard errors.
#[derive(Debug, Clone, Serialize)]
pub struct McExpectations {
    /// The estimates.
    pub mean: Expectations,
    /// Their standard errors.
    pub std_error: Expectations,
    /// The runner's report.
    pub report: McReport,
}

/// Expected measures by [`Market::monte_carlo`].
///
/// # Errors
/// A failing market.
pub fn by_monte_carlo(
    model: &Arc<GlobalLocal>,
    regime: &Regime,
    cfg: McConfig,
) -> Result<McExpectations, GlobalLocalError> {
    let mkt = market(model, regime)?;
    let rep = mkt.monte_carlo(cfg, None)?;
    let n = model.n();
    let names = model.bidder_names();
    let get = |name: &str| {
        rep.get(name)
            .map_or((f64::NAN, 0.0), |e| (e.mean, e.std_error.unwrap_or(0.0)))
    };
    let mut mean = Expectations::default();
    let mut se = Expectations::default();
    let direct = [
        "revenue",
        "optimal_welfare",
        "auction_welfare",
        "final_welfare",
        "resale_probability",
        "resale_volume",
    ];
    for (k, name) in direct.iter().enumerate() {
        let (m, s) = get(name);
        mean.set(k, m);
        se.set(k, s);
    }
    let (m, s) = get(&format!("payoff[{}]", names[n]));
    mean.set(6, m);
    se.set(6, s);
    let locals: Vec<(f64, f64)> = names[..n]
        .iter()
        .map(|b| get(&format!("payoff[{b}]")))
        .collect();
    mean.set(7, locals.iter().map(|x| x.0).sum::<f64>() / n as f64);
    se.set(7, locals.iter().map(|x| x.1).sum::<f64>() / n as f64);
    Ok(McExpectations {
        mean,
        std_error: se,
        report: rep,
    })
}

/// Section 5's revenue of separate bidding without resale (Proposition 1,
/// symmetric locals):
/// \\[ R^{SNR} = N \int_{s_{lo}}^{s_{hi}} [1 - F(x)]\,[1 - F((v^N)^{-1}(N x))]\,dx \\]
/// as printed (`corrected = false`), or plus the missing \\(N s_{lo}\\)
/// (`corrected = true`), which is \\(N\,E[\min(s_l, v^N(s_g)/N)]\\).
pub fn snr_revenue_formula(model: &GlobalLocal, corrected: bool) -> f64 {
    let n = model.n() as f64;
    let (lo, hi) = model.support();
    let fl = model.local_law();
    let fg = model.global_law();
    let g = |x: f64| {
        let y = n * x;
        let tail_g = if y > model.top(hi) {
            0.0
        } else {
            1.0 - fg.cdf(model.top_inverse(y))
        };
        (1.0 - fl.cdf(x)) * tail_g
    };
    let mut breaks = vec![model.top(hi) / n];
    breaks.extend(fl.atoms().iter().map(|a| a.0));
    let body = n * integrate_pieces(&g, lo, hi, &breaks);
    if corrected { body + n * lo } else { body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_local::equilibria::Profile;
    use crate::global_local::{GlobalLocalParams, ValueFunction};
    use crate::prior::Uniform;

    fn model(lo: f64, locals: Locals) -> Arc<GlobalLocal> {
        Arc::new(
            GlobalLocalParams::new(
                2,
                ValueFunction::Linear(vec![1.0, 3.0]),
                Arc::new(Uniform::new(lo, 1.0).expect("ok")),
                locals,
            )
            .check()
            .expect("valid"),
        )
    }

    #[test]
    fn proposition1_revenue_matches_the_formula() {
        let m = model(0.0, Locals::Symmetric);
        let e = by_quadrature(&m, &Regime::new(Profile::proposition1(&m), false)).expect("runs");
        assert!((e.revenue - 7.0 / 9.0).abs() < 1e-6, "{}", e.revenue);
        assert!((snr_revenue_formula(&m, false) - 7.0 / 9.0).abs() < 1e-9);
        assert!((e.final_welfare - 31.0 / 18.0).abs() < 1e-6);
    }

    #[test]
    fn printed_formula_misses_n_s_lo() {
        let m = model(0.2, Locals::Symmetric);
        let e = by_quadrature(&m, &Regime::new(Profile::proposition1(&m), false)).expect("runs");
        let printed = snr_revenue_formula(&m, false);
        let fixed = snr_revenue_formula(&m, true);
        assert!((fixed - e.revenue).abs() < 1e-6, "{fixed} vs {}", e.revenue);
        assert!((fixed - printed - 0.4).abs() < 1e-9);
    }
}
