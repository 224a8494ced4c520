//! The scenario of a solve with resale: the solve file format plus
//! `disclosure` and an `[aftermarket]` table.

use std::path::PathBuf;

use serde::Deserialize;

use super::{Disclosure, ResaleGame, ResaleRule};
use crate::equilibrium::discrete_game::{Format, SolveError, invalid};
use crate::equilibrium::spec::{BidderSpec, GridSpec, LearnerSpec, bidder_priors, display_names};

/// A single-item auction followed by resale, as written in a scenario.
///
/// ```
/// use aftermarket::equilibrium::{BayesGame, ResaleSpec};
/// let spec: ResaleSpec = toml::from_str(r#"
///     format = "first-price"
///     disclosure = "all-bids"
///     [aftermarket]
///     kind = "tioli"
///     [[bidders]]
///     prior = { kind = "uniform", lo = 0, hi = 1 }
///     [[bidders]]
///     prior = { kind = "uniform", lo = 0, hi = 2 }
///     [grid]
///     types = 8
///     bids = 9
/// "#)?;
/// let game = spec.build("example.toml", None)?;
/// assert_eq!(game.n_actions(0), 9);
/// assert!((game.bids()[8] - 2.0).abs() < 1e-12); // b-max: the largest value
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ResaleSpec {
    /// `first-price`, `second-price` or `all-pay`.
    pub format: String,
    /// The reserve (default 0).
    #[serde(default)]
    pub reserve: f64,
    /// `none` (default) or `all-bids`.
    #[serde(default)]
    pub disclosure: Disclosure,
    /// The trade after the auction.
    pub aftermarket: AftermarketSpec,
    /// The two bidders.
    pub bidders: Vec<BidderSpec>,
    /// The grids.
    #[serde(default = "default_grid")]
    pub grid: GridSpec,
    /// The learning rule and its stopping rule.
    #[serde(default = "default_learner")]
    pub learner: LearnerSpec,
}

/// The `[aftermarket]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AftermarketSpec {
    /// `tioli` (the winner's take-it-or-leave-it offer) or `nash`.
    pub kind: String,
    /// The buyer's bargaining share (`nash` only; default 1/2).
    #[serde(default)]
    pub alpha: Option<f64>,
}

// The bidders, grid and learner sections are those of every game file;
// only their defaults differ here (a coarser grid, entropic dual averaging).
fn default_grid() -> GridSpec {
    GridSpec {
        types: 64,
        bids: 65,
        b_max: None,
    }
}

/// Entropic dual averaging with a decaying step, the default learner of
/// the resale and the speculator game files.
pub(super) fn default_learner() -> LearnerSpec {
    LearnerSpec {
        kind: "soda-entropic".into(),
        eta: Some(20.0),
        beta: 0.05,
        max_iters: 2000,
        tol: 1e-3,
        coarse_to_fine: false,
    }
}

impl ResaleSpec {
    /// The bidders' display names (`bidder 1`, … when unnamed).
    pub fn names(&self) -> Vec<String> {
        display_names(self.bidders.iter().map(|b| b.name.clone()))
    }

    /// The checked game. `origin` names the file in errors; `dir` is where
    /// relative paths in priors are resolved.
    ///
    /// # Errors
    /// An unknown format, disclosure or aftermarket kind; `alpha` with
    /// `tioli` or outside \[0, 1\]; `nash` without `all-bids`; a bad prior;
    /// anything [`ResaleGame::new`] rejects.
    pub fn build(&self, origin: &str, dir: Option<PathBuf>) -> Result<ResaleGame, SolveError> {
        let format = match self.format.as_str() {
            "first-price" => Format::FirstPrice,
            "second-price" => Format::SecondPrice,
            "all-pay" => Format::AllPay,
            other => {
                return Err(invalid(
                    "format",
                    "must be first-price, second-price or all-pay",
                    format!("{other:?}"),
                ));
            }
        };
        let rule = match (self.aftermarket.kind.as_str(), self.aftermarket.alpha) {
            ("tioli", None) => ResaleRule::TakeItOrLeaveIt,
            ("tioli", Some(a)) => {
                return Err(invalid(
                    "aftermarket.alpha",
                    "applies only to kind = \"nash\"",
                    a,
                ));
            }
            ("nash", alpha) => {
                if self.disclosure != Disclosure::AllBids {
                    return Err(invalid(
                        "aftermarket.kind",
                        "nash bargains over known values and needs disclosure = \"all-bids\"",
                        "\"nash\"",
                    ));
                }
                ResaleRule::Nash {
                    alpha: alpha.unwrap_or(0.5),
                }
            }
            (other, _) => {
                return Err(invalid(
                    "aftermarket.kind",
                    "must be tioli or nash",
                    format!("{other:?}"),
                ));
            }
        };
        let priors = bidder_priors(&self.bidders, origin, dir)
            .map_err(|e| invalid("bidders.prior", "must be a valid prior", e))?;
        let b_max = self.grid.b_max_for(&priors);
        ResaleGame::new(
            format,
            self.reserve,
            priors,
            self.grid.types,
            self.grid.bids,
            b_max,
            self.disclosure,
            rule,
        )
    }
}
