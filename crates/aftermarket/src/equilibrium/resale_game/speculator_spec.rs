//! The game file of a multi-unit auction followed by a speculator's
//! monopoly resale: the solve file format plus `units` and a
//! `[speculator]` table.

use std::path::PathBuf;

use serde::Deserialize;

use super::spec::default_learner;
use super::{SpeculatorFormat, SpeculatorGame};
use crate::equilibrium::discrete_game::{SolveError, invalid};
use crate::equilibrium::spec::{BidderSpec, GridSpec, LearnerSpec, bidder_priors, display_names};

/// Units sold by uniform price or pay-as-bid to unit-demand bidders and a
/// speculator of value 0 who resells what it wins at one posted price
/// ([`SpeculatorGame`]), as written in a game file.
///
/// ```
/// use aftermarket::equilibrium::{BayesGame, SpeculatorSpec};
/// let spec: SpeculatorSpec = toml::from_str(r#"
///     format = "uniform-price"
///     units = 2
///     [speculator]
///     [[bidders]]
///     prior = { kind = "uniform", lo = 0, hi = 1 }
///     [[bidders]]
///     prior = { kind = "uniform", lo = 0, hi = 1 }
///     [grid]
///     types = 4
///     bids = 5
/// "#)?;
/// let game = spec.build("example.toml", None)?;
/// // Two bidders and the speculator, who stays out or bids a level on 1 or 2 units.
/// assert_eq!((game.n_bidders(), game.n_actions(2)), (3, 1 + 2 * 5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SpeculatorSpec {
    /// `uniform-price` or `pay-as-bid`.
    pub format: String,
    /// Number of identical units.
    pub units: usize,
    /// The speculator.
    pub speculator: SpeculatorSection,
    /// The unit-demand bidders (one to four).
    pub bidders: Vec<BidderSpec>,
    /// The grids (bids on \[0, `b-max`\]).
    #[serde(default = "default_grid")]
    pub grid: GridSpec,
    /// The learning rule and its stopping rule.
    #[serde(default = "default_learner")]
    pub learner: LearnerSpec,
}

/// The `[speculator]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SpeculatorSection {
    /// Display name (default `speculator`).
    #[serde(default)]
    pub name: Option<String>,
}

// The interim utilities enumerate every profile of the bidders' cells, so
// the default grid is small.
fn default_grid() -> GridSpec {
    GridSpec {
        types: 6,
        bids: 7,
        b_max: None,
    }
}

impl SpeculatorSpec {
    /// The players' display names: the bidders (`bidder 1`, … when
    /// unnamed), then the speculator.
    pub fn names(&self) -> Vec<String> {
        let mut names = display_names(self.bidders.iter().map(|b| b.name.clone()));
        names.push(
            self.speculator
                .name
                .clone()
                .unwrap_or_else(|| "speculator".into()),
        );
        names
    }

    /// The checked game. `origin` names the file in errors; `dir` is where
    /// relative paths in priors are resolved.
    ///
    /// # Errors
    /// An unknown format; a bad prior; anything [`SpeculatorGame::new`]
    /// rejects.
    pub fn build(&self, origin: &str, dir: Option<PathBuf>) -> Result<SpeculatorGame, SolveError> {
        let format = match self.format.as_str() {
            "uniform-price" => SpeculatorFormat::UniformPrice,
            "pay-as-bid" => SpeculatorFormat::PayAsBid,
            other => {
                return Err(invalid(
                    "format",
                    "must be uniform-price or pay-as-bid with a speculator",
                    format!("{other:?}"),
                ));
            }
        };
        let priors = bidder_priors(&self.bidders, origin, dir)
            .map_err(|e| invalid("bidders.prior", "must be a valid prior", e))?;
        let b_max = self.grid.b_max_for(&priors);
        SpeculatorGame::new(
            format,
            self.units,
            priors,
            self.grid.types,
            self.grid.bids,
            b_max,
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::equilibrium::GameSpec;

    const FILE: &str = r#"
        format = "pay-as-bid"
        units = 1
        [speculator]
        [[bidders]]
        name = "x"
        prior = { kind = "uniform", lo = 0, hi = 1 }
        [grid]
        types = 3
        bids = 4
    "#;

    #[test]
    fn a_game_file_with_a_speculator_builds_that_game() {
        let built = GameSpec::from_toml(FILE, "spec.toml")
            .expect("parse")
            .build("spec.toml", None)
            .expect("build");
        assert_eq!(built.names, vec!["x".to_string(), "speculator".into()]);
        let g = built.game.as_ref();
        assert_eq!((g.n_bidders(), g.n_actions(0), g.n_actions(1)), (2, 4, 5));
        assert!(g.describe().starts_with("pay-as-bid auction of 1 units"));
        assert_eq!(g.action_labels(0), None);
        assert_eq!(
            g.action_labels(1),
            Some(vec!["bid level".to_string(), "units bid on".into()])
        );
        // One bidder and one unit: 12 x 4 x 13 cases on the 4x finer grid.
        assert!(g.refine(4).is_some());
    }

    #[test]
    fn a_speculator_needs_a_multi_unit_format() {
        let text = FILE.replace("pay-as-bid", "first-price");
        let e = GameSpec::from_toml(&text, "spec.toml")
            .expect("parse")
            .build("spec.toml", None)
            .expect_err("format");
        let msg = e.to_string();
        assert!(msg.contains("spec.toml") && msg.contains("format"), "{msg}");
        assert!(msg.contains("uniform-price or pay-as-bid"), "{msg}");
    }

    #[test]
    fn unknown_speculator_fields_are_named() {
        let text = FILE.replace("[speculator]", "[speculator]\nvalue = 1.0");
        let e = GameSpec::from_toml(&text, "spec.toml").expect_err("field");
        assert!(e.to_string().contains("unknown field `value`"), "{e}");
    }
}
