//! Pagnozzi (2009), "Resale and bundling in auctions": two bidders, two
//! identical units, complete information, Nash-bargaining resale.
//!
//! A seller chooses whether to sell the units separately (uniform-price
//! auction, price = highest losing bid) or as a bundle (second-price), and
//! whether to allow resale. The strong bidder S holds the highest value
//! \\(v_S^1\\); after the auction the bidders trade to the efficient
//! allocation and W takes a share \\(\alpha\\) of the gain (with probability
//! \\(p\\), Section 6; paying \\(c\\) per unit traded, Section 7). Resale
//! raises W's willingness to pay and lowers S's, so their schedules become
//! mirror images, \\(S: (x; y)\\) and \\(W: (y; x)\\) with
//! \\(x = \alpha v_S^1 + (1-\alpha) v_W^2\\) and
//! \\(y = \alpha v_S^2 + (1-\alpha) v_W^1\\): nobody has the two highest
//! willingness-to-pay values, both reduce demand and separate sale earns
//! nothing (Lemma 2, Proposition 1), while a bundle is worth \\(x + y\\) to
//! both and sells at that price (Lemma 4). Bundling and allowing resale is
//! revenue-best unless \\(v_S^2 > 2 v_W^1\\) and
//! \\(\alpha \le (v_W^1 - v_W^2)/(V_S - V_W)\\) (Proposition 2).
//!
//! Every regime's selected profile is built as a [`Market`] and evaluated
//! with [`Market::exact`]; [`RegimeSolution::verified_gain`] holds the
//! largest deviation gain the verifier found. The paper's errata are
//! switches ([`ThresholdFormula`], [`Prop4Condition`], [`Lemma6Claim`]) so
//! the printed and corrected statements can be compared with the verifier.
//!
//! ```
//! use aftermarket::equilibrium::named::pagnozzi::{PagnozziInstance, Regime, SolveOptions};
//! // Example 1: vS = (10, 10), vW = (2, 0), alpha = 1/2.
//! let inst = PagnozziInstance::new([10.0, 10.0], [2.0, 0.0], 0.5)?;
//! assert_eq!((inst.x(), inst.y()), (5.0, 6.0));
//! let cmp = inst.compare(&SolveOptions::default())?;
//! let rev: Vec<f64> = cmp.solutions.iter().map(|s| s.revenue).collect();
//! assert_eq!(rev, vec![4.0, 0.0, 2.0, 11.0]); // (NB,NR), (NB,R), (B,NR), (B,R)
//! assert_eq!(cmp.ranking[0], Regime::BundledResale);
//! assert!((cmp.prop2_threshold.unwrap() - 1.0 / 9.0).abs() < 1e-12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Errors
//! [`PagnozziInstance::check`] names the field that breaks a rule
//! (\\(v_i^1 \ge v_i^2 \ge 0\\), \\(v_S^1\\) the largest value,
//! \\(0 < \alpha \le 1\\), \\(0 \le p \le 1\\), \\(c \ge 0\\)).
//!
//! ## References
//! Pagnozzi, M. (2009), "Resale and bundling in auctions" (seed 001):
//! Lemmas 1–6, Propositions 1–4, Examples 1–2, Figure 1.

use std::io::Write;
use std::sync::Arc;

use serde::Serialize;

use crate::disclosure::Policy;
use crate::equilibrium::{EquilibriumError, VerifyOptions, verify_complete_information};
use crate::market::{Information, Market};
use crate::mechanism::{AuctionRules, Bid, BundleSecondPrice, PriceRule, UniformPrice};
use crate::prior::{Fixed as FixedType, Independent, TypePrior};
use crate::resale::{Aftermarket, CostBearer, NashBargaining, NoResale, ResaleContext, Trade};
use crate::scenario::Scenario;
use crate::strategy::{BidForm, Fixed, Strategy};
use crate::values::{Holding, Supply, Valuation};

/// Tolerance for comparing payoffs and revenues.
pub const TOL: f64 = 1e-9;

/// Index of S in every market built here.
pub const S: usize = 0;
/// Index of W.
pub const W: usize = 1;

/// One instance \\((v_S^1, v_S^2, v_W^1, v_W^2, \alpha, p, c)\\).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PagnozziInstance {
    /// S's marginal values \\((v_S^1, v_S^2)\\).
    pub vs: [f64; 2],
    /// W's marginal values \\((v_W^1, v_W^2)\\).
    pub vw: [f64; 2],
    /// W's bargaining share.
    pub alpha: f64,
    /// Probability that resale trade is possible (Section 6).
    pub p: f64,
    /// Cost per unit traded (Section 7).
    pub c: f64,
    /// Who bears `c` (the paper's text: the buyer, S).
    pub cost_bearer: CostBearer,
}

/// Which of the two efficient-allocation cases holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Case {
    /// \\(v_S^2 > v_W^1\\): S should hold both units.
    A,
    /// \\(v_S^2 < v_W^1\\): one unit each.
    B,
    /// \\(v_S^2 = v_W^1\\).
    KnifeEdge,
}

/// The four regimes: {separate, bundled} × {resale forbidden, allowed}.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Regime {
    /// Separate sale (uniform price), resale forbidden: (NB, NR).
    SeparateNoResale,
    /// Separate sale, resale allowed: (NB, R).
    SeparateResale,
    /// Bundled sale (second price), resale forbidden: (B, NR).
    BundledNoResale,
    /// Bundled sale, resale allowed: (B, R).
    BundledResale,
}

impl Regime {
    /// All four, in the paper's order.
    pub const ALL: [Regime; 4] = [
        Regime::SeparateNoResale,
        Regime::SeparateResale,
        Regime::BundledNoResale,
        Regime::BundledResale,
    ];

    /// The paper's label, e.g. `(NB,R)`.
    pub fn label(self) -> &'static str {
        match self {
            Regime::SeparateNoResale => "(NB,NR)",
            Regime::SeparateResale => "(NB,R)",
            Regime::BundledNoResale => "(B,NR)",
            Regime::BundledResale => "(B,R)",
        }
    }

    /// In words.
    pub fn describe(self) -> &'static str {
        match self {
            Regime::SeparateNoResale => "separate uniform-price, resale forbidden",
            Regime::SeparateResale => "separate uniform-price, resale allowed",
            Regime::BundledNoResale => "bundled second-price, resale forbidden",
            Regime::BundledResale => "bundled second-price, resale allowed",
        }
    }

    /// Whether resale is allowed.
    pub fn resale(self) -> bool {
        matches!(self, Regime::SeparateResale | Regime::BundledResale)
    }

    /// Whether the units are bundled.
    pub fn bundled(self) -> bool {
        matches!(self, Regime::BundledNoResale | Regime::BundledResale)
    }
}

/// The rule that selects the reported equilibrium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Selection {
    /// Lemma 1(i): the unique profile surviving iterated deletion of weakly
    /// dominated strategies (also Pareto-dominant for the bidders).
    IteratedDominance,
    /// Lemma 1(ii): every undominated equilibrium gives S both units at
    /// \\(v_W^1\\); the representative bids \\(b_S^2 = v_S^2\\), \\(b_W^2 = 0\\).
    UndominatedNoReduction,
    /// Lemma 2 / Lemma 5: the bidders' Pareto-dominant equilibrium, joint
    /// demand reduction with zero second-unit bids and first-unit bids at
    /// willingness to pay.
    ParetoJointReduction,
    /// Section 5: bid one's willingness to pay for the bundle (weakly
    /// dominant in a second-price auction).
    WeaklyDominantBundle,
    /// Outside the paper (Section 6 with \\(p \le p^*\\)): S wins both units
    /// at W's first-unit willingness to pay; an extension, verified.
    ExtensionStrongWinsBoth,
}

impl Selection {
    /// The rule in words, with its source.
    pub fn describe(self) -> &'static str {
        match self {
            Selection::IteratedDominance => {
                "iterated deletion of weakly dominated strategies; Pareto-dominant for the bidders (Lemma 1(i))"
            }
            Selection::UndominatedNoReduction => {
                "every undominated equilibrium: S wins both at vW1; representative bS2 = vS2, bW2 = 0 (Lemma 1(ii))"
            }
            Selection::ParetoJointReduction => {
                "Pareto-dominant for the bidders: joint demand reduction, second-unit bids 0, first-unit bids at willingness to pay (Lemma 2; Lemma 5 when p < 1)"
            }
            Selection::WeaklyDominantBundle => {
                "bid one's willingness to pay for the bundle, weakly dominant in a second-price auction (Section 5)"
            }
            Selection::ExtensionStrongWinsBoth => {
                "not characterised by the paper (p <= p*): S wins both units at W's first-unit willingness to pay (extension, verified)"
            }
        }
    }
}

/// Which Lemma 5 / Proposition 3 threshold to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThresholdFormula {
    /// As printed: \\((v_S^2 - 2v_W^1)/((1+\alpha)(v_S^2 + v_W^1))\\).
    Printed,
    /// From the proof's own inequality:
    /// \\((v_S^2 - 2v_W^1)/((1+\alpha)(v_S^2 - v_W^1))\\).
    Corrected,
}

/// Which Proposition 4 condition (unilateral demand reduction without
/// resale) to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Prop4Condition {
    /// As printed: \\(2v_W^1 > v_S^1 + v_W^2\\).
    Printed,
    /// From comparing the two profits: \\(2v_W^1 > v_S^2 + v_W^2\\).
    Corrected,
}

/// What Lemma 6 predicts about unilateral demand reduction with resale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lemma6Claim {
    /// As printed: S never reduces demand unilaterally.
    Printed,
    /// First principles: S reduces iff \\(2w_1 - w_2 > y + c\\) for W's bids
    /// \\((w_1; w_2)\\), i.e. iff \\(y - x > 2c\\) when \\(y \ge x\\).
    FirstPrinciples,
}

/// Willingness to pay, from the engine's aftermarket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WtpTable {
    /// `totals_s[k]`: S's total surplus (value plus expected resale
    /// surplus, before the auction price) when she wins `k` units.
    pub totals_s: [f64; 3],
    /// `totals_w[k]`: the same for W winning `k` units.
    pub totals_w: [f64; 3],
    /// S's willingness to pay for her 1st and 2nd unit.
    pub s: [f64; 2],
    /// W's.
    pub w: [f64; 2],
    /// S's willingness to pay for the bundle.
    pub bundle_s: f64,
    /// W's.
    pub bundle_w: f64,
}

/// Options of [`PagnozziInstance::solve`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolveOptions {
    /// Run the verifier on every selected profile and family sample.
    pub verify: bool,
    /// The verifier's options.
    pub verify_options: VerifyOptions,
    /// Which p* to select the Section 6 equilibrium with.
    pub threshold: ThresholdFormula,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            verify: false,
            verify_options: VerifyOptions::default(),
            threshold: ThresholdFormula::Corrected,
        }
    }
}

impl SolveOptions {
    /// With verification on.
    pub fn verified() -> Self {
        SolveOptions {
            verify: true,
            ..SolveOptions::default()
        }
    }
}

/// What one profile does, as the engine computes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileOutcome {
    /// The bids (S, W).
    pub bids: Vec<Bid>,
    /// Expected units won in the auction (S, W).
    pub won: [f64; 2],
    /// The auction price (per unit, or for the bundle), first tie branch.
    pub price: Option<f64>,
    /// Expected revenue.
    pub revenue: f64,
    /// The resale trades of the first branch with trade.
    pub trades: Vec<Trade>,
    /// Expected money paid in resale.
    pub resale_payments: f64,
    /// Probability that resale takes place.
    pub resale_probability: f64,
    /// Expected units held at the end (S, W).
    pub held: [f64; 2],
    /// Expected payoffs (S, W).
    pub payoffs: [f64; 2],
    /// Expected final welfare net of trade costs.
    pub welfare: f64,
    /// Efficient welfare.
    pub optimal_welfare: f64,
    /// `welfare / optimal_welfare` (1 when both are 0).
    pub efficiency: f64,
    /// Largest deviation gain found by the verifier, if run.
    pub verified_gain: Option<f64>,
}

/// A family of equilibria the paper gives besides the selected one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EquilibriumFamily {
    /// Name and source.
    pub name: String,
    /// The family's bids and parameter range.
    pub description: String,
    /// Sample members (endpoints and midpoint), evaluated.
    pub samples: Vec<ProfileOutcome>,
}

/// One regime's solution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegimeSolution {
    /// The regime.
    pub regime: Regime,
    /// The selection rule.
    pub selection: Selection,
    /// False when the paper does not characterise this case (an extension).
    pub characterised: bool,
    /// Willingness to pay per unit (S, W) used for the bids.
    pub wtp: [[f64; 2]; 2],
    /// The selected profile and what it does.
    pub outcome: ProfileOutcome,
    /// Largest deviation gain found by the verifier, if run.
    pub verified_gain: Option<f64>,
    /// Expected revenue (as in `outcome`).
    pub revenue: f64,
    /// Other equilibrium families the paper gives.
    pub families: Vec<EquilibriumFamily>,
}

/// The four regimes compared (Proposition 2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegimeComparison {
    /// The instance.
    pub instance: PagnozziInstance,
    /// The willingness-to-pay table with resale.
    pub wtp: WtpTable,
    /// One solution per regime, in [`Regime::ALL`] order.
    pub solutions: Vec<RegimeSolution>,
    /// Regimes by revenue, highest first (ties keep [`Regime::ALL`] order).
    pub ranking: Vec<Regime>,
    /// Whether (B, R) earns at least as much as every other regime.
    pub bundling_resale_best: bool,
    /// Proposition 2's threshold \\((v_W^1 - v_W^2)/(V_S - V_W)\\) (when
    /// \\(V_S > V_W\\)).
    pub prop2_threshold: Option<f64>,
    /// Proposition 2's prediction that (B,R) beats (NB,NR): \\(2v_W^1 >
    /// v_S^2\\) or \\(\alpha >\\) the threshold.
    pub prop2_predicts_best: bool,
}

/// Section 7: is unilateral demand reduction profitable for S?
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnilateralReduction {
    /// Resale allowed?
    pub resale: bool,
    /// W's bids \\((w_1; w_2)\\) (its willingness to pay).
    pub w_bids: [f64; 2],
    /// S's payoff winning both units (engine).
    pub no_reduction_payoff: f64,
    /// S's payoff bidding 0 on her second unit (engine).
    pub reduction_payoff: f64,
    /// Whether reducing pays strictly.
    pub reduction_pays: bool,
    /// What the printed statement predicts (Proposition 4 printed
    /// condition without resale; Lemma 6 "never" with resale).
    pub printed_predicts: bool,
    /// The corrected prediction.
    pub corrected_predicts: bool,
    /// S's gain from her best deviation from not reducing (verifier), if
    /// run.
    pub verified_gain: Option<f64>,
}

fn bad(param: &'static str, rule: &'static str, value: f64) -> EquilibriumError {
    EquilibriumError::InvalidParameter {
        param,
        rule,
        value: value.to_string(),
    }
}

/// A number to 6 decimals, trailing zeros trimmed.
fn short(x: f64) -> String {
    let s = format!("{x:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Bids as marginal unit bids.
fn marg(a: f64, b: f64) -> Bid {
    Bid::Marginal(vec![a, b])
}

impl PagnozziInstance {
    /// An instance with \\(p = 1\\), \\(c = 0\\), checked.
    ///
    /// # Errors
    /// See [`PagnozziInstance::check`].
    pub fn new(vs: [f64; 2], vw: [f64; 2], alpha: f64) -> Result<Self, EquilibriumError> {
        let i = PagnozziInstance {
            vs,
            vw,
            alpha,
            p: 1.0,
            c: 0.0,
            cost_bearer: CostBearer::Buyer,
        };
        i.check()?;
        Ok(i)
    }

    /// The same instance with trade probability `p`, checked.
    ///
    /// # Errors
    /// `p` outside \\([0, 1]\\).
    pub fn with_p(mut self, p: f64) -> Result<Self, EquilibriumError> {
        self.p = p;
        self.check()?;
        Ok(self)
    }

    /// The same instance with trade cost `c` per unit, checked.
    ///
    /// # Errors
    /// `c` negative or not finite.
    pub fn with_c(mut self, c: f64) -> Result<Self, EquilibriumError> {
        self.c = c;
        self.check()?;
        Ok(self)
    }

    /// Checks the rules of the paper's model (digest §6.1).
    ///
    /// # Errors
    /// [`EquilibriumError::InvalidParameter`] naming the field.
    pub fn check(&self) -> Result<(), EquilibriumError> {
        let names = [
            ("vs1", self.vs[0]),
            ("vs2", self.vs[1]),
            ("vw1", self.vw[0]),
            ("vw2", self.vw[1]),
        ];
        for (n, v) in names {
            if !v.is_finite() || v < 0.0 {
                return Err(bad(n, "must be finite and >= 0", v));
            }
        }
        if self.vs[1] > self.vs[0] {
            return Err(bad(
                "vs2",
                "must be <= vs1 (decreasing marginal values)",
                self.vs[1],
            ));
        }
        if self.vw[1] > self.vw[0] {
            return Err(bad(
                "vw2",
                "must be <= vw1 (decreasing marginal values)",
                self.vw[1],
            ));
        }
        if self.vw[0] > self.vs[0] {
            return Err(bad(
                "vw1",
                "must be <= vs1 (S holds the highest value)",
                self.vw[0],
            ));
        }
        if !self.alpha.is_finite() || self.alpha <= 0.0 || self.alpha > 1.0 {
            return Err(bad("alpha", "must be in (0, 1]", self.alpha));
        }
        if !self.p.is_finite() || !(0.0..=1.0).contains(&self.p) {
            return Err(bad("p", "must be in [0, 1]", self.p));
        }
        if !self.c.is_finite() || self.c < 0.0 {
            return Err(bad("c", "must be finite and >= 0", self.c));
        }
        Ok(())
    }

    /// \\(x = \alpha v_S^1 + (1-\alpha) v_W^2\\).
    pub fn x(&self) -> f64 {
        self.alpha * self.vs[0] + (1.0 - self.alpha) * self.vw[1]
    }

    /// \\(y = \alpha v_S^2 + (1-\alpha) v_W^1\\).
    pub fn y(&self) -> f64 {
        self.alpha * self.vs[1] + (1.0 - self.alpha) * self.vw[0]
    }

    /// \\(V_S = v_S^1 + v_S^2\\).
    pub fn vs_total(&self) -> f64 {
        self.vs[0] + self.vs[1]
    }

    /// \\(V_W = v_W^1 + v_W^2\\).
    pub fn vw_total(&self) -> f64 {
        self.vw[0] + self.vw[1]
    }

    /// The efficient-allocation case.
    pub fn case(&self) -> Case {
        if self.vs[1] > self.vw[0] {
            Case::A
        } else if self.vs[1] < self.vw[0] {
            Case::B
        } else {
            Case::KnifeEdge
        }
    }

    fn valuations(&self) -> Result<[Valuation; 2], EquilibriumError> {
        Ok([
            Valuation::units(self.vs.to_vec())?,
            Valuation::units(self.vw.to_vec())?,
        ])
    }

    fn aftermarket(&self, resale: bool) -> Result<Arc<dyn Aftermarket>, EquilibriumError> {
        Ok(if resale {
            Arc::new(NashBargaining::two_bidder(
                self.alpha,
                W,
                self.p,
                self.c,
                self.cost_bearer,
            )?)
        } else {
            Arc::new(NoResale)
        })
    }

    /// The combined market of `regime` with the bids `bids` (S, W).
    ///
    /// # Errors
    /// Invalid values (cannot happen for a checked instance).
    pub fn market(&self, regime: Regime, bids: [Bid; 2]) -> Result<Market, EquilibriumError> {
        self.check()?;
        let [vs, vw] = self.valuations()?;
        let laws: Vec<Arc<dyn TypePrior>> =
            vec![Arc::new(FixedType::new(vs)), Arc::new(FixedType::new(vw))];
        let (mechanism, bid_form): (Arc<dyn crate::mechanism::Mechanism>, BidForm) =
            if regime.bundled() {
                (
                    Arc::new(BundleSecondPrice::new(AuctionRules::default(), 2)?),
                    BidForm::Bundle { m: 2 },
                )
            } else {
                (
                    Arc::new(UniformPrice::new(
                        AuctionRules::default(),
                        2,
                        PriceRule::HighestLosing,
                    )?),
                    BidForm::Marginal { m: 2 },
                )
            };
        let [bs, bw] = bids;
        let strategies: Vec<Arc<dyn Strategy>> = vec![Arc::new(Fixed(bs)), Arc::new(Fixed(bw))];
        Ok(Market {
            name: format!("Pagnozzi instance, {}", regime.describe()),
            bidders: vec!["S".into(), "W".into()],
            prior: Arc::new(Independent::new(laws)?),
            mechanism,
            bid_form,
            disclosure: Arc::new(Policy::OwnOutcome),
            aftermarket: self.aftermarket(regime.resale())?,
            strategies,
            information: Information::Complete,
            acquisition: None,
        })
    }

    /// Evaluates a profile with the engine (and the verifier when `verify`).
    ///
    /// # Errors
    /// A failure of the engine.
    pub fn evaluate(
        &self,
        regime: Regime,
        bids: [Bid; 2],
        verify: Option<&VerifyOptions>,
    ) -> Result<ProfileOutcome, EquilibriumError> {
        let market = self.market(regime, bids.clone())?;
        let rep = market.exact()?;
        let g = |name: &str| rep.get(name).unwrap_or(f64::NAN);
        let price = rep.branches.first().and_then(|b| {
            b.episode.outcome.price.or_else(|| {
                let p: f64 = b.episode.outcome.payments.iter().sum();
                Some(p)
            })
        });
        let trades = rep
            .branches
            .iter()
            .find(|b| !b.episode.resale.trades.is_empty())
            .map(|b| b.episode.resale.trades.clone())
            .unwrap_or_default();
        let welfare = g("final_welfare") - g("trade_costs");
        let optimal = g("optimal_welfare");
        let verified_gain = match verify {
            Some(o) => {
                let extra = self.critical_levels();
                Some(verify_complete_information(&market, &extra, o)?.max_gain())
            }
            None => None,
        };
        Ok(ProfileOutcome {
            bids: bids.to_vec(),
            won: [g("won[S]"), g("won[W]")],
            price,
            revenue: g("revenue"),
            trades,
            resale_payments: g("resale_payments"),
            resale_probability: g("resale_probability"),
            held: [g("held[S]"), g("held[W]")],
            payoffs: [g("payoff[S]"), g("payoff[W]")],
            welfare,
            optimal_welfare: optimal,
            efficiency: if optimal > 0.0 {
                welfare / optimal
            } else {
                1.0
            },
            verified_gain,
        })
    }

    /// Extra critical levels for the verifier: x, y, their sums, the
    /// willingness to pay with p and c, and the paper's thresholds.
    pub fn critical_levels(&self) -> Vec<f64> {
        let mut v = vec![
            self.x(),
            self.y(),
            self.x() + self.y(),
            self.x() + self.c,
            self.y() + self.c,
        ];
        v.extend([self.x() - self.c, self.y() - self.c]);
        if let Ok(t) = self.wtp(true) {
            v.extend(t.s);
            v.extend(t.w);
            v.extend([t.bundle_s, t.bundle_w]);
        }
        v.retain(|x| x.is_finite());
        v
    }

    /// The willingness-to-pay table: from the engine's Nash bargaining
    /// (with p, c and the cost bearer) when `resale`, the values otherwise.
    ///
    /// # Errors
    /// A failure of the aftermarket.
    pub fn wtp(&self, resale: bool) -> Result<WtpTable, EquilibriumError> {
        self.check()?;
        let vals = self.valuations()?;
        let am = self.aftermarket(resale)?;
        let mut ts = [0.0; 3];
        let mut tw = [0.0; 3];
        for k in 0..=2usize {
            let holdings = [Holding::Units(k), Holding::Units(2 - k)];
            let ctx = ResaleContext {
                supply: Supply::Units { m: 2 },
                holdings: &holdings,
                valuations: &vals,
                beliefs: &[],
                observations: &[],
                opted_out: &[],
            };
            for (prob, r) in am.outcomes(&ctx)? {
                ts[k] += prob * (vals[S].value(&r.holdings[S])? - r.payments[S] - r.costs[S]);
                tw[2 - k] += prob * (vals[W].value(&r.holdings[W])? - r.payments[W] - r.costs[W]);
            }
        }
        Ok(WtpTable {
            totals_s: ts,
            totals_w: tw,
            s: [ts[1] - ts[0], ts[2] - ts[1]],
            w: [tw[1] - tw[0], tw[2] - tw[1]],
            bundle_s: ts[2] - ts[0],
            bundle_w: tw[2] - tw[0],
        })
    }

    /// The Lemma 5 / Proposition 3 threshold \\(p^*\\) (Case A only).
    pub fn p_star(&self, formula: ThresholdFormula) -> Option<f64> {
        let (s2, w1) = (self.vs[1], self.vw[0]);
        if self.case() != Case::A {
            return None;
        }
        let den = match formula {
            ThresholdFormula::Printed => (1.0 + self.alpha) * (s2 + w1),
            ThresholdFormula::Corrected => (1.0 + self.alpha) * (s2 - w1),
        };
        Some((s2 - 2.0 * w1) / den)
    }

    /// Proposition 2's threshold on \\(\alpha\\), when \\(V_S > V_W\\).
    pub fn prop2_threshold(&self) -> Option<f64> {
        let d = self.vs_total() - self.vw_total();
        (d > 0.0).then(|| (self.vw[0] - self.vw[1]) / d)
    }

    /// Solves one regime with the paper's selection rule.
    ///
    /// # Errors
    /// A failure of the engine or the verifier.
    pub fn solve(
        &self,
        regime: Regime,
        opts: &SolveOptions,
    ) -> Result<RegimeSolution, EquilibriumError> {
        self.check()?;
        let v = opts.verify.then_some(&opts.verify_options);
        let [s1, s2] = self.vs;
        let [w1, w2] = self.vw;
        let mut families = Vec::new();
        let (selection, characterised, wtp, bids) = match regime {
            Regime::SeparateNoResale => {
                let wtp = [self.vs, self.vw];
                if 2.0 * w1 >= s2 {
                    let zmax = (2.0 * w1 - s2).min(w2);
                    let samples = [0.0, zmax / 2.0, zmax]
                        .into_iter()
                        .map(|z| self.evaluate(regime, [marg(s1, z), marg(w1, z)], v))
                        .collect::<Result<Vec<_>, _>>()?;
                    families.push(EquilibriumFamily {
                        name: "positive-price joint demand reduction (Lemma 1 proof, footnote 16)".into(),
                        description: format!(
                            "S (vS1; z), W (vW1; z), z in [0, min(2vW1 - vS2, vW2)] = [0, {zmax}]: one unit each at price z"
                        ),
                        samples,
                    });
                    let lo = (2.0 * w1 - s2).max(0.0);
                    if s2 > w1 && lo <= w2 {
                        let samples = [lo, (lo + w2) / 2.0, w2]
                            .into_iter()
                            .map(|z| self.evaluate(regime, [marg(s1, s2), marg(w1, z)], v))
                            .collect::<Result<Vec<_>, _>>()?;
                        families.push(EquilibriumFamily {
                            name: "S wins both (Lemma 1 proof, footnote 16)".into(),
                            description: format!(
                                "S (vS1; vS2), W (vW1; z), z in [max(0, 2vW1 - vS2), vW2] = [{lo}, {w2}]: S wins both at vW1"
                            ),
                            samples,
                        });
                    }
                    (
                        Selection::IteratedDominance,
                        true,
                        wtp,
                        [marg(s1, 0.0), marg(w1, 0.0)],
                    )
                } else {
                    let samples = [(s2, 0.0), ((w1 + s2) / 2.0, w2 / 2.0), (s2, w2)]
                        .into_iter()
                        .map(|(a, b)| self.evaluate(regime, [marg(s1, a), marg(w1, b)], v))
                        .collect::<Result<Vec<_>, _>>()?;
                    families.push(EquilibriumFamily {
                        name: "undominated equilibria (Lemma 1(ii))".into(),
                        description: format!(
                            "S (vS1; bS2), W (vW1; bW2), bS2 in ({w1}, {s2}], bW2 <= {w2}: S wins both at vW1"
                        ),
                        samples,
                    });
                    (
                        Selection::UndominatedNoReduction,
                        true,
                        wtp,
                        [marg(s1, s2), marg(w1, 0.0)],
                    )
                }
            }
            Regime::SeparateResale => {
                let t = self.wtp(true)?;
                let wtp = [t.s, t.w];
                let paper_case = self.c <= 0.0 && (self.p >= 1.0 || self.case() == Case::A);
                let pstar = self.p_star(opts.threshold);
                let reduce = self.p >= 1.0 || pstar.is_none_or(|ps| self.p > ps);
                if reduce {
                    if self.p >= 1.0 && self.c <= 0.0 {
                        let (x, y) = (self.x(), self.y());
                        let pts = [
                            (x, y),
                            ((x / 2.0 + x) / 2.0, (y / 2.0 + y) / 2.0),
                            (x / 2.0 + 1e-3 * x.max(1e-9), y / 2.0 + 1e-3 * y.max(1e-9)),
                        ];
                        let samples = pts
                            .into_iter()
                            .map(|(a, b)| self.evaluate(regime, [marg(a, 0.0), marg(b, 0.0)], v))
                            .collect::<Result<Vec<_>, _>>()?;
                        families.push(EquilibriumFamily {
                            name: "Pareto-dominant joint demand reduction (Lemma 2)".into(),
                            description: format!(
                                "S (bS1; 0), W (bW1; 0), bS1 in (x/2, x] = ({}, {}], bW1 in (y/2, y] = ({}, {}]: one unit each at 0",
                                short(x / 2.0),
                                short(x),
                                short(y / 2.0),
                                short(y)
                            ),
                            samples,
                        });
                    }
                    (
                        Selection::ParetoJointReduction,
                        paper_case,
                        wtp,
                        [marg(t.s[0], 0.0), marg(t.w[0], 0.0)],
                    )
                } else {
                    let hi = t.s[0].max(t.s[1]);
                    (
                        Selection::ExtensionStrongWinsBoth,
                        false,
                        wtp,
                        [marg(hi, t.s[1]), marg(t.w[0], 0.0)],
                    )
                }
            }
            Regime::BundledNoResale => {
                let wtp = [self.vs, self.vw];
                (
                    Selection::WeaklyDominantBundle,
                    true,
                    wtp,
                    [Bid::Single(self.vs_total()), Bid::Single(self.vw_total())],
                )
            }
            Regime::BundledResale => {
                let t = self.wtp(true)?;
                (
                    Selection::WeaklyDominantBundle,
                    self.p >= 1.0 && self.c <= 0.0,
                    [t.s, t.w],
                    [Bid::Single(t.bundle_s), Bid::Single(t.bundle_w)],
                )
            }
        };
        let outcome = self.evaluate(regime, bids, v)?;
        Ok(RegimeSolution {
            regime,
            selection,
            characterised,
            wtp,
            verified_gain: outcome.verified_gain,
            revenue: outcome.revenue,
            outcome,
            families,
        })
    }

    /// Solves the four regimes and ranks them (Propositions 1 and 2).
    ///
    /// # Errors
    /// As [`PagnozziInstance::solve`].
    pub fn compare(&self, opts: &SolveOptions) -> Result<RegimeComparison, EquilibriumError> {
        let solutions = Regime::ALL
            .iter()
            .map(|&r| self.solve(r, opts))
            .collect::<Result<Vec<_>, _>>()?;
        let mut order: Vec<usize> = (0..4).collect();
        order.sort_by(|&a, &b| {
            solutions[b]
                .revenue
                .total_cmp(&solutions[a].revenue)
                .then(a.cmp(&b))
        });
        let br = solutions[3].revenue;
        let best = solutions.iter().all(|s| br >= s.revenue - TOL);
        let thr = self.prop2_threshold();
        let predicts = 2.0 * self.vw[0] > self.vs[1] || thr.is_some_and(|t| self.alpha > t);
        Ok(RegimeComparison {
            instance: self.clone(),
            wtp: self.wtp(true)?,
            ranking: order.into_iter().map(|k| Regime::ALL[k]).collect(),
            solutions,
            bundling_resale_best: best,
            prop2_threshold: thr,
            prop2_predicts_best: predicts,
        })
    }

    /// S's payoff (engine) for a separate-sale profile.
    ///
    /// # Errors
    /// A failure of the engine.
    pub fn payoffs(&self, resale: bool, bids: [Bid; 2]) -> Result<[f64; 2], EquilibriumError> {
        let regime = if resale {
            Regime::SeparateResale
        } else {
            Regime::SeparateNoResale
        };
        Ok(self.evaluate(regime, bids, None)?.payoffs)
    }

    /// Whether the joint demand-reduction profile (first-unit bids at
    /// willingness to pay, second-unit bids 0) is an equilibrium, judged by
    /// the engine: neither bidder gains by winning both units at the
    /// rival's first-unit bid (Lemma 1, Lemma 2, Lemma 5).
    ///
    /// # Errors
    /// A failure of the engine.
    pub fn joint_reduction_holds(&self, resale: bool) -> Result<bool, EquilibriumError> {
        let t = self.wtp(resale)?;
        let dr = self.payoffs(resale, [marg(t.s[0], 0.0), marg(t.w[0], 0.0)])?;
        let big = 2.0 * (self.vs_total() + self.vw_total()) + 1.0;
        // Winning both: bid above the rival's first bid on both units (ties lost).
        let s_out = self.payoffs(resale, [marg(big, t.w[0] + big / 2.0), marg(t.w[0], 0.0)])?[S];
        let w_out = self.payoffs(resale, [marg(t.s[0], 0.0), marg(big, t.s[0] + big / 2.0)])?[W];
        Ok(dr[S] >= s_out - TOL && dr[W] >= w_out - TOL)
    }

    /// Section 7: W bids its willingness to pay on both units; does S gain
    /// by bidding 0 on her second unit?
    ///
    /// Without resale W bids \\((v_W^1; v_W^2)\\). With resale W bids
    /// \\((y - c; x - c)\\) when \\(y \ge x\\), and \\((y - c; y - c)\\) when
    /// \\(x > y\\) (Assumption 3 forbids increasing bids).
    ///
    /// # Errors
    /// A failure of the engine or the verifier.
    pub fn unilateral_reduction(
        &self,
        resale: bool,
        verify: Option<&VerifyOptions>,
    ) -> Result<UnilateralReduction, EquilibriumError> {
        self.check()?;
        let (x, y, c) = (self.x(), self.y(), self.c);
        let w_bids = if !resale {
            self.vw
        } else if y >= x {
            [y - c, x - c]
        } else {
            [y - c, y - c]
        };
        let w_bids = [w_bids[0].max(0.0), w_bids[1].max(0.0)];
        let high = self.vs[0] + w_bids[0] + 1.0;
        let w_bid = marg(w_bids[0], w_bids[1]);
        let no_red = self.payoffs(resale, [marg(high, high), w_bid.clone()])?[S];
        let red = self.payoffs(resale, [marg(high, 0.0), w_bid.clone()])?[S];
        let (s2, w1, w2) = (self.vs[1], self.vw[0], self.vw[1]);
        let (printed, corrected) = if resale {
            (false, 2.0 * w_bids[0] - w_bids[1] > y + c)
        } else {
            (2.0 * w1 > self.vs[0] + w2, 2.0 * w1 > s2 + w2)
        };
        let verified_gain = match verify {
            Some(o) => {
                let regime = if resale {
                    Regime::SeparateResale
                } else {
                    Regime::SeparateNoResale
                };
                let m = self.market(regime, [marg(high, high), w_bid])?;
                let opts = VerifyOptions {
                    bidders: Some(vec![S]),
                    ..o.clone()
                };
                Some(verify_complete_information(&m, &self.critical_levels(), &opts)?.max_gain())
            }
            None => None,
        };
        Ok(UnilateralReduction {
            resale,
            w_bids,
            no_reduction_payoff: no_red,
            reduction_payoff: red,
            reduction_pays: red > no_red + TOL,
            printed_predicts: printed,
            corrected_predicts: corrected,
            verified_gain,
        })
    }

    /// Reads an instance from a scenario: two bidders, two units, complete
    /// information, fixed values, a `nash-bargaining` aftermarket with
    /// `alpha` and `weak` (and optionally `trade-probability`, `cost`,
    /// `cost-bearer`). Returns the instance and the names of S and W.
    ///
    /// # Errors
    /// [`EquilibriumError::Scenario`] naming the field that does not fit.
    pub fn from_scenario(sc: &Scenario) -> Result<(Self, [String; 2]), EquilibriumError> {
        let err = |field: &str, message: String| EquilibriumError::Scenario {
            field: field.to_string(),
            message,
        };
        let m = &sc.market;
        if m.n_bidders() != 2 {
            return Err(err(
                "bidders",
                format!("needs exactly two bidders, got {}", m.n_bidders()),
            ));
        }
        if m.mechanism.supply() != (Supply::Units { m: 2 }) {
            return Err(err(
                "goods",
                "needs two identical units (kind = \"units\", m = 2)".into(),
            ));
        }
        let profiles = m.prior.finite_support().unwrap_or_default();
        let [(values, _)] = profiles.as_slice() else {
            return Err(err(
                "bidders",
                "needs fixed values (complete information, one profile)".into(),
            ));
        };
        let units = |i: usize| -> Result<[f64; 2], EquilibriumError> {
            let mv = values[i].as_units().ok_or_else(|| {
                err(
                    &format!("bidders[{i}].values"),
                    "must be unit values".into(),
                )
            })?;
            let s = mv.as_slice();
            Ok([
                s.first().copied().unwrap_or(0.0),
                s.get(1).copied().unwrap_or(0.0),
            ])
        };
        let a = sc
            .raw
            .aftermarket
            .as_ref()
            .filter(|a| a.kind == "nash-bargaining")
            .ok_or_else(|| err("aftermarket", "needs kind = \"nash-bargaining\"".into()))?;
        let alpha = a.alpha.ok_or_else(|| {
            err(
                "aftermarket.alpha",
                "missing: the weak bidder's share".into(),
            )
        })?;
        let weak = a
            .weak
            .as_ref()
            .ok_or_else(|| err("aftermarket.weak", "missing: the weak bidder's name".into()))?;
        let wi = m
            .bidders
            .iter()
            .position(|b| b == weak)
            .ok_or_else(|| err("aftermarket.weak", format!("unknown bidder {weak:?}")))?;
        let si = 1 - wi;
        let cost_bearer = match a.cost_bearer.as_deref() {
            None | Some("buyer") => CostBearer::Buyer,
            Some("seller") => CostBearer::Seller,
            Some("both") => CostBearer::Both,
            Some(other) => {
                return Err(err("aftermarket.cost-bearer", format!("unknown {other:?}")));
            }
        };
        let inst = PagnozziInstance {
            vs: units(si)?,
            vw: units(wi)?,
            alpha,
            p: a.trade_probability.unwrap_or(1.0),
            c: a.cost.unwrap_or(0.0),
            cost_bearer,
        };
        inst.check().map_err(|e| {
            let field = match &e {
                EquilibriumError::InvalidParameter { param, .. } => match *param {
                    "alpha" => "aftermarket.alpha".to_string(),
                    "p" => "aftermarket.trade-probability".to_string(),
                    "c" => "aftermarket.cost".to_string(),
                    "vs1" | "vs2" | "vw1" => format!(
                        "bidders[{}].values",
                        if param.starts_with("vs") { si } else { wi }
                    ),
                    _ => format!("bidders[{wi}].values"),
                },
                _ => "(instance)".into(),
            };
            err(&field, e.to_string())
        })?;
        Ok((inst, [m.bidders[si].clone(), m.bidders[wi].clone()]))
    }
}

/// A region map: a value at every point of a grid in a plane of two
/// parameters (NaN outside the model's domain).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionMap {
    /// What is mapped.
    pub name: String,
    /// The horizontal parameter.
    pub x_label: String,
    /// The vertical parameter.
    pub y_label: String,
    /// Grid abscissae.
    pub xs: Vec<f64>,
    /// Grid ordinates.
    pub ys: Vec<f64>,
    /// `values[j][i]` at `(xs[i], ys[j])`.
    pub values: Vec<Vec<f64>>,
    /// The boundary as the paper (corrected) states it.
    pub boundary: String,
}

impl RegionMap {
    /// Every grid point as (x, y, value).
    pub fn points(&self) -> Vec<(f64, f64, f64)> {
        let mut out = Vec::with_capacity(self.xs.len() * self.ys.len());
        for (j, &y) in self.ys.iter().enumerate() {
            for (i, &x) in self.xs.iter().enumerate() {
                out.push((x, y, self.values[j][i]));
            }
        }
        out
    }

    /// Writes `x,y,value` rows with a header naming the parameters.
    ///
    /// # Errors
    /// A failure of the writer.
    pub fn write_csv<Wr: Write>(&self, mut w: Wr) -> std::io::Result<()> {
        writeln!(w, "{},{},{}", self.x_label, self.y_label, self.name)?;
        for (x, y, v) in self.points() {
            writeln!(w, "{x},{y},{v}")?;
        }
        Ok(())
    }
}

fn grid(n: usize, lo: f64, hi: f64) -> Vec<f64> {
    let n = n.max(2);
    (0..n)
        .map(|k| lo + (hi - lo) * k as f64 / (n - 1) as f64)
        .collect()
}

fn check_grid(n: usize) -> Result<(), EquilibriumError> {
    if n < 2 {
        return Err(bad("n", "grid needs at least 2 points per axis", n as f64));
    }
    Ok(())
}

fn map_with(
    name: &str,
    labels: (&str, &str),
    axes: (Vec<f64>, Vec<f64>),
    boundary: &str,
    f: impl Fn(f64, f64) -> Result<f64, EquilibriumError>,
) -> Result<RegionMap, EquilibriumError> {
    let (xs, ys) = axes;
    let values = ys
        .iter()
        .map(|&y| xs.iter().map(|&x| f(x, y)).collect::<Result<Vec<_>, _>>())
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RegionMap {
        name: name.into(),
        x_label: labels.0.into(),
        y_label: labels.1.into(),
        xs,
        ys,
        values,
        boundary: boundary.into(),
    })
}

/// Figure 1: where joint demand reduction is an equilibrium without resale,
/// in the \\((v_W^1, v_S^2)\\) plane with \\(v_S^1 = 1\\), \\(v_W^2 = 0\\)
/// (1 = joint reduction, judged by the engine's payoffs; boundary
/// \\(v_S^2 = 2 v_W^1\\)).
///
/// # Errors
/// `n < 2` or a failure of the engine.
pub fn figure1_map(n: usize) -> Result<RegionMap, EquilibriumError> {
    check_grid(n)?;
    map_with(
        "joint demand reduction without resale",
        ("vW1", "vS2"),
        (grid(n, 0.0, 1.0), grid(n, 0.0, 1.0)),
        "vS2 = 2 vW1",
        |w1, s2| {
            let i = PagnozziInstance::new([1.0, s2], [w1, 0.0], 0.5)?;
            Ok(f64::from(u8::from(i.joint_reduction_holds(false)?)))
        },
    )
}

/// Where (B,R) is revenue-best, in the \\((v_W^1, \alpha)\\) plane with
/// \\(v_S = (1, 1)\\), \\(v_W^2 = 0\\) (1 = best; revenues from the engine;
/// boundary \\(\alpha = v_W^1/(2 - v_W^1)\\) for \\(v_W^1 < 1/2\\)).
///
/// # Errors
/// `n < 2` or a failure of the engine.
pub fn bundling_resale_best_map(n: usize) -> Result<RegionMap, EquilibriumError> {
    check_grid(n)?;
    map_with(
        "bundling with resale is revenue-best",
        ("vW1", "alpha"),
        (grid(n, 0.0, 1.0), grid(n, 0.0, 1.0)[1..].to_vec()),
        "alpha = (vW1 - vW2)/(VS - VW) where vS2 > 2 vW1",
        |w1, a| {
            let i = PagnozziInstance::new([1.0, 1.0], [w1, 0.0], a)?;
            let c = i.compare(&SolveOptions::default())?;
            Ok(f64::from(u8::from(c.bundling_resale_best)))
        },
    )
}

/// The surface \\(p^*(v_W^1, v_S^2)\\) at \\(v_S^1 = 1\\), \\(v_W^2 = 0\\) and
/// the given \\(\alpha\\) (NaN outside Case A).
///
/// # Errors
/// `n < 2` or an invalid `alpha`.
pub fn p_star_surface(
    alpha: f64,
    formula: ThresholdFormula,
    n: usize,
) -> Result<RegionMap, EquilibriumError> {
    check_grid(n)?;
    map_with(
        "p*",
        ("vW1", "vS2"),
        (grid(n, 0.0, 1.0), grid(n, 0.0, 1.0)),
        "p* = (vS2 - 2vW1)/((1+alpha)(vS2 - vW1))",
        |w1, s2| {
            let i = PagnozziInstance::new([1.0, s2], [w1, 0.0], alpha)?;
            Ok(i.p_star(formula).unwrap_or(f64::NAN))
        },
    )
}

/// Where joint demand reduction is an equilibrium with resale possible
/// only with probability p, in the \\((v_W^1, p)\\) plane with
/// \\(v_S = (1, 1)\\), \\(v_W^2 = 0\\) (engine payoffs; boundary
/// \\(p = p^*\\)).
///
/// # Errors
/// `n < 2`, an invalid `alpha` or a failure of the engine.
pub fn joint_reduction_p_map(alpha: f64, n: usize) -> Result<RegionMap, EquilibriumError> {
    check_grid(n)?;
    map_with(
        "joint demand reduction with resale probability p",
        ("vW1", "p"),
        (grid(n, 0.0, 0.95), grid(n, 0.0, 1.0)),
        "p = (vS2 - 2vW1)/((1+alpha)(vS2 - vW1))",
        |w1, p| {
            let i = PagnozziInstance::new([1.0, 1.0], [w1, 0.0], alpha)?.with_p(p)?;
            Ok(f64::from(u8::from(i.joint_reduction_holds(true)?)))
        },
    )
}

/// Proposition 3: expected welfare lost by allowing resale (selected
/// equilibria, engine), in the \\((v_W^1, p)\\) plane with
/// \\(v_S = (1, 1)\\), \\(v_W^2 = 0\\); positive exactly where
/// \\(v_S^2 > 2 v_W^1\\), \\(p^* < p < 1\\), and there equal to
/// \\((1-p)(v_S^2 - v_W^1)\\).
///
/// # Errors
/// `n < 2`, an invalid `alpha` or a failure of the engine.
pub fn resale_efficiency_loss_map(alpha: f64, n: usize) -> Result<RegionMap, EquilibriumError> {
    check_grid(n)?;
    map_with(
        "welfare(NB,NR) - welfare(NB,R)",
        ("vW1", "p"),
        (grid(n, 0.0, 0.95), grid(n, 0.0, 1.0)),
        "vS2 > 2vW1 and p > p*",
        |w1, p| {
            let i = PagnozziInstance::new([1.0, 1.0], [w1, 0.0], alpha)?.with_p(p)?;
            let o = SolveOptions::default();
            let nr = i.solve(Regime::SeparateNoResale, &o)?.outcome.welfare;
            let r = i.solve(Regime::SeparateResale, &o)?.outcome.welfare;
            Ok(nr - r)
        },
    )
}

/// Section 7: where unilateral demand reduction pays for S (1) or not (0),
/// with or without resale, in the \\((v_W^1, v_S^2)\\) plane with
/// \\(v_S^1 = 1\\), \\(v_W^2 = 0\\) (NaN outside Case A). Boundaries:
/// \\(v_S^2 = 2v_W^1\\) without resale; \\(y = x + 2c\\) with resale.
///
/// # Errors
/// `n < 2`, invalid `alpha` or `c`, or a failure of the engine.
pub fn unilateral_reduction_map(
    resale: bool,
    alpha: f64,
    c: f64,
    n: usize,
) -> Result<RegionMap, EquilibriumError> {
    check_grid(n)?;
    map_with(
        if resale {
            "unilateral demand reduction pays, resale allowed"
        } else {
            "unilateral demand reduction pays, resale forbidden"
        },
        ("vW1", "vS2"),
        (grid(n, 0.0, 1.0), grid(n, 0.0, 1.0)),
        if resale {
            "y = x + 2c"
        } else {
            "vS2 = 2 vW1 (+ vW2)"
        },
        |w1, s2| {
            let i = PagnozziInstance::new([1.0, s2], [w1, 0.0], alpha)?.with_c(c)?;
            if i.case() != Case::A {
                return Ok(f64::NAN);
            }
            Ok(f64::from(u8::from(
                i.unilateral_reduction(resale, None)?.reduction_pays,
            )))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increasing_values_are_rejected_by_field() {
        let e = PagnozziInstance::new([10.0, 11.0], [2.0, 0.0], 0.5).expect_err("bad");
        assert!(e.to_string().starts_with("vs2 must be <= vs1"), "{e}");
        let e = PagnozziInstance::new([10.0, 10.0], [2.0, 0.0], 0.0).expect_err("bad");
        assert_eq!(e.to_string(), "alpha must be in (0, 1], got 0");
        let e = PagnozziInstance::new([10.0, 10.0], [12.0, 0.0], 0.5).expect_err("bad");
        assert!(e.to_string().starts_with("vw1 must be <= vs1"), "{e}");
        let e = PagnozziInstance::new([10.0, 10.0], [2.0, 0.0], 0.5)
            .and_then(|i| i.with_p(1.5))
            .expect_err("bad");
        assert!(e.to_string().starts_with("p must be in [0, 1]"), "{e}");
        let e = PagnozziInstance::new([10.0, 10.0], [2.0, 0.0], 0.5)
            .and_then(|i| i.with_c(-1.0))
            .expect_err("bad");
        assert!(e.to_string().starts_with("c must be finite"), "{e}");
    }

    #[test]
    fn example_1_wtp_table_is_the_mirror_image() {
        let i = PagnozziInstance::new([10.0, 10.0], [2.0, 0.0], 0.5).expect("valid");
        let t = i.wtp(true).expect("runs");
        assert!((t.s[0] - 5.0).abs() < 1e-12 && (t.s[1] - 6.0).abs() < 1e-12);
        assert!((t.w[0] - 6.0).abs() < 1e-12 && (t.w[1] - 5.0).abs() < 1e-12);
        assert!((t.bundle_s - 11.0).abs() < 1e-12 && (t.bundle_w - 11.0).abs() < 1e-12);
    }

    #[test]
    fn section_6_wtp_at_p_08() {
        // T12: S (6; 6.8), W (5.2; 4).
        let i = PagnozziInstance::new([10.0, 10.0], [2.0, 0.0], 0.5)
            .and_then(|i| i.with_p(0.8))
            .expect("valid");
        let t = i.wtp(true).expect("runs");
        for (a, b) in [(t.s[0], 6.0), (t.s[1], 6.8), (t.w[0], 5.2), (t.w[1], 4.0)] {
            assert!((a - b).abs() < 1e-9, "{t:?}");
        }
    }

    #[test]
    fn region_map_csv_has_a_header_and_every_point() {
        let m = figure1_map(3).expect("runs");
        let mut buf = Vec::new();
        m.write_csv(&mut buf).expect("writes");
        let text = String::from_utf8(buf).expect("utf8");
        assert_eq!(text.lines().count(), 10);
        assert!(text.starts_with("vW1,vS2,"));
    }
}
