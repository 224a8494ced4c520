//! Smoothness: a price-of-anarchy bound that no aftermarket can break.
//!
//! An auction is \\((\lambda, \mu)\\)-*smooth* (Roughgarden 2012; Syrgkanis
//! and Tardos 2013) when for every valuation profile \\(v\\) each bidder has
//! a deviation \\(b^*_i(v)\\), possibly random, such that for **every** bid
//! profile \\(b\\)
//!
//! \\[ \sum_i \mathbb E\big[u_i(b^*_i, b_{-i})\big] \ \ge\ \lambda \cdot \mathrm{OPT}(v) - \mu \cdot \mathrm{Rev}(b). \\]
//!
//! At a Bayes–Nash equilibrium nobody gains by deviating, equilibrium
//! utilities are welfare minus revenue, and so with \\(\mu \ge 1\\) the
//! expected welfare is at least \\(\lambda/\mu\\) of the optimum: the price of
//! anarchy is at most \\(\mu/\lambda\\) for independent values. The
//! first-price auction is \\((1 - 1/e, 1)\\)-smooth (PoA \\(e/(e-1) \approx
//! 1.582\\)), the all-pay auction \\((1/2, 1)\\)-smooth (PoA 2), and both stay
//! so item by item for submodular bidders in simultaneous auctions; the
//! pay-as-bid auction for identical units is \\((1 - 1/e, 1)\\)-smooth (de
//! Keijzer et al. 2013). Second-price and uniform-price auctions are not
//! smooth for any \\(\lambda > 0\\): a bidder who values the goods at nothing
//! can overbid, win at a price of zero and leave nobody a profitable
//! deviation.
//!
//! Paper 003 (Lemma 2) and paper 004 (Theorem 2) show that smoothness
//! survives any aftermarket with voluntary participation and weak budget
//! balance: deviate in the auction as before and then **opt out** of the
//! aftermarket. Opting out keeps the deviation's auction utility (voluntary
//! participation), and the aftermarket only adds non-negative net payments
//! to revenue (weak budget balance), so the same inequality holds for the
//! combined market, and Theorems 1 and 2 of paper 003 give the same
//! \\(\mu/\lambda\\) with information acquisition and any disclosure.
//!
//! This module checks the inequality numerically rather than trusting it:
//!
//! - [`standard_deviations`] builds the textbook deviations: the first-price
//!   bid \\(b = t v\\) with \\(t\\) of density \\(1/(1-t)\\) on \\([0, 1 - 1/e]\\)
//!   (the bid density \\(1/(v-b)\\) on \\([0, (1-1/e)v]\\)), the all-pay
//!   bid \\(b \sim U[0, v]\\), applied to the units (or items) each bidder
//!   receives in the optimal allocation;
//! - [`evaluate`] computes both sides exactly: deviation utilities by
//!   adaptive quadrature split where the deviating bid crosses a rival bid,
//!   ties enumerated, and, for the combined market, every branch of the
//!   aftermarket with the deviator opted out;
//! - [`search_violation`] hunts for the bid profile (and scaling of values)
//!   that makes the slack smallest, by random restarts and local search;
//! - [`search_lambda_bound`] bounds from above the \\(\lambda\\) that *any*
//!   deviation could certify, using each bidder's best response, which is
//!   how a format is shown not to be smooth;
//! - [`poa_bound`] is the table of known bounds, printed beside equilibria.
//!
//! ```
//! use aftermarket::analysis::smoothness::{evaluate, standard_deviations};
//! use aftermarket::mechanism::{Bid, FirstPrice};
//! use aftermarket::values::Valuation;
//! let m = FirstPrice::new(Default::default())?;
//! let v = [Valuation::single(1.0)?, Valuation::single(0.4)?];
//! let (s, dev) = standard_deviations(&m, &v)?;
//! // The rival bids 0.2: the top bidder's deviation earns (1 - 1/e) - 0.2.
//! let e = evaluate(&m, &v, &[Bid::Single(0.0), Bid::Single(0.2)], &dev, s, None)?;
//! assert!((e.per_bidder[0] - (1.0 - (-1f64).exp() - 0.2)).abs() < 1e-9);
//! assert!(e.slack >= 0.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## References
//! - T. Roughgarden (2012), "The price of anarchy in games of incomplete
//!   information", EC.
//! - V. Syrgkanis and É. Tardos (2013), "Composable and efficient
//!   mechanisms", STOC.
//! - B. de Keijzer, E. Markakis, G. Schäfer and O. Telelis (2013),
//!   "Inefficiency of standard multi-unit auctions", ESA.
//! - Paper 003 (Babaioff, Immorlica, Li, Lucier): Lemma 2, Theorems 1–2,
//!   Table 1; paper 004: Theorem 2, Corollary 1, Table 1.

mod bounds;
mod deviation;
mod equilibrium;
mod search;
#[cfg(test)]
mod tests;

pub use bounds::{Bound, InformationAcquisition, KNOWN_BOUNDS, poa_bound};
pub use deviation::{
    Deviation, Evaluation, ScaleLaw, Stage2, deviation_utility, evaluate, expected_utility,
    revenue, standard_deviations,
};
pub use equilibrium::{GridWelfare, grid_welfare};
pub use search::{
    Instance, LambdaBound, SearchConfig, SearchReport, best_responses, search_lambda_bound,
    search_violation,
};

use serde::Serialize;
use thiserror::Error;

use crate::mechanism::MechanismError;
use crate::resale::ResaleError;
use crate::values::ValuesError;

/// \\(1 - 1/e\\), the first-price auction's \\(\lambda\\).
pub const ONE_MINUS_INV_E: f64 = 0.632_120_558_828_557_7;

/// Errors raised while checking smoothness.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum SmoothnessError {
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
    /// The format has no known smoothness deviation.
    #[error("{0} has no known smoothness deviation (see poa_bound)")]
    NoDeviation(String),
    /// A hypothesis of the theorem fails on this input.
    #[error("{0}")]
    Hypothesis(String),
    /// The mechanism failed.
    #[error(transparent)]
    Mechanism(#[from] MechanismError),
    /// The aftermarket failed.
    #[error(transparent)]
    Resale(#[from] ResaleError),
    /// A valuation failed.
    #[error(transparent)]
    Values(#[from] ValuesError),
}

/// The constants \\((\lambda, \mu)\\) of a smoothness inequality.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Smoothness {
    /// \\(\lambda \in (0, 1]\\).
    pub lambda: f64,
    /// \\(\mu \ge 1\\).
    pub mu: f64,
}

impl Smoothness {
    /// First-price, pay-as-bid and simultaneous first-price: \\((1-1/e, 1)\\).
    pub const FIRST_PRICE: Smoothness = Smoothness {
        lambda: ONE_MINUS_INV_E,
        mu: 1.0,
    };
    /// All-pay and simultaneous all-pay: \\((1/2, 1)\\).
    pub const ALL_PAY: Smoothness = Smoothness {
        lambda: 0.5,
        mu: 1.0,
    };

    /// Checked constructor: \\(\lambda \in (0, 1]\\), \\(\mu \ge 1\\) (the
    /// range in which paper 003's Theorem 1 applies).
    ///
    /// # Errors
    /// [`SmoothnessError::InvalidParameter`] naming the constant.
    pub fn new(lambda: f64, mu: f64) -> Result<Self, SmoothnessError> {
        if !(lambda.is_finite() && lambda > 0.0 && lambda <= 1.0) {
            return Err(SmoothnessError::InvalidParameter {
                param: "lambda",
                rule: "must be in (0, 1]",
                value: lambda.to_string(),
            });
        }
        if !(mu.is_finite() && mu >= 1.0) {
            return Err(SmoothnessError::InvalidParameter {
                param: "mu",
                rule: "must be finite and >= 1",
                value: mu.to_string(),
            });
        }
        Ok(Smoothness { lambda, mu })
    }

    /// The price-of-anarchy bound \\(\mu / \lambda\\).
    pub fn poa(&self) -> f64 {
        self.mu / self.lambda
    }
}
