//! Game files of `aftermarket solve` and `aftermarket verify --strategies`.
//!
//! A game file names a `format` and the sections that format needs; the
//! shared sections set the grid, the learner and the restarts:
//!
//! ```toml
//! format = "first-price"          # or "second-price", "all-pay"
//! reserve = 0.0                   # single-item formats
//! [[bidders]]                     # single-item formats: one per bidder
//! name = "weak"
//! prior = { kind = "uniform", lo = 0.0, hi = 1.0 }
//! [grid]
//! types = 128
//! bids = 128
//! b-max = 1.0                     # default: the largest upper end of the priors
//! [learner]
//! kind = "extragradient"          # or soda-entropic, soda-euclidean, fictitious-play, best-response
//! eta = 200.0                    # default: 200 coarse to fine on single-item games, else 50
//! max-iters = 2000
//! tol = 1e-3
//! coarse-to-fine = true           # extragradient on single-item games
//! [restarts]
//! count = 1
//! seed = 1
//! distinct = 0.02
//! ```
//!
//! [`GameSpec::build`] turns the file into a [`BuiltGame`]: a boxed
//! [`BayesGame`] that the learners, the generic verifier and the reports
//! work on, plus what only some formats have (the single-item auction for
//! its exact verifier and closed forms). A new format is one arm in
//! [`GameSpec::build`] and, if it needs one, one section struct.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::equilibrium::discrete_game::{DiscreteGame, Format, SolveError, Ties, invalid};
use crate::equilibrium::game::BayesGame;
use crate::equilibrium::learner::{
    BestResponse, DualAveraging, Extragradient, FictitiousPlay, Learner,
};
use crate::equilibrium::llg_game::LlgSpec;
use crate::equilibrium::multi_unit_game::MultiUnitSpec;
use crate::equilibrium::resale_game::{ResaleSpec, SpeculatorSpec};
use crate::equilibrium::solve::{
    CoarseToFine, Progress, RestartReport, Restarts, Solution, Solve, solve_coarse_to_fine,
};
use crate::prior::Prior;
use crate::scenario::raw::RawPrior;
use crate::scenario::{ScenarioError, line_of, scalar_law};

/// A game file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GameSpec {
    /// The game: `first-price`, `second-price`, `all-pay`.
    pub format: String,
    /// Reserve price (single-item formats).
    #[serde(default)]
    pub reserve: f64,
    /// Tie rule of single-item formats: `split` (default) or `lose`.
    #[serde(default)]
    pub ties: Option<String>,
    /// The bidders (single-item formats).
    #[serde(default)]
    pub bidders: Vec<BidderSpec>,
    /// The grid.
    #[serde(default)]
    pub grid: GridSpec,
    /// The learning dynamic.
    #[serde(default)]
    pub learner: LearnerSpec,
    /// Restarts from several starting profiles.
    #[serde(default)]
    pub restarts: RestartsSpec,
    /// A game other than the plain single-item auction, read from its own
    /// sections (multi-unit formats, `llg`, or any single-item format with
    /// an `[aftermarket]` table).
    #[serde(skip)]
    pub other: Option<OtherSpec>,
}

/// The games whose files have sections of their own.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum OtherSpec {
    /// `uniform-price`, `uniform-price-lowest-winning`, `pay-as-bid`,
    /// `vickrey` with `units`.
    MultiUnit(MultiUnitSpec),
    /// `llg`: the local-local-global auction.
    Llg(LlgSpec),
    /// A single-item auction followed by resale (`[aftermarket]`).
    Resale(ResaleSpec),
    /// Units sold to unit-demand bidders and a reselling speculator
    /// (`[speculator]`).
    Speculator(SpeculatorSpec),
}

/// One bidder of a single-item game.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BidderSpec {
    /// Display name (default `bidder k`).
    #[serde(default)]
    pub name: Option<String>,
    /// The value law.
    pub prior: RawPrior,
}

/// The `[grid]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GridSpec {
    /// Type cells per bidder.
    pub types: usize,
    /// Bids.
    pub bids: usize,
    /// The largest bid (default: the largest upper end of the priors).
    #[serde(default)]
    pub b_max: Option<f64>,
}

impl GridSpec {
    /// `b-max`, or the largest upper end of the priors' supports.
    pub fn b_max_for(&self, priors: &[Arc<dyn Prior>]) -> f64 {
        self.b_max
            .unwrap_or_else(|| priors.iter().map(|p| p.support().1).fold(0.0, f64::max))
    }
}

impl Default for GridSpec {
    fn default() -> Self {
        GridSpec {
            types: 128,
            bids: 128,
            b_max: None,
        }
    }
}

/// The `[learner]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct LearnerSpec {
    /// `extragradient`, `soda-entropic`, `soda-euclidean`,
    /// `fictitious-play` or `best-response`.
    pub kind: String,
    /// Step size; `None` for the default: 200 for extragradient from
    /// coarse to fine on a single-item game (the fastest that settled on
    /// every single-item game measured, see docs/benchmarks.md), 50
    /// otherwise.
    pub eta: Option<f64>,
    /// Step-size decay of dual averaging, \\(\eta_t = \eta t^{-\beta}\\).
    pub beta: f64,
    /// Iteration budget.
    pub max_iters: usize,
    /// Tolerance on the largest relative utility loss.
    pub tol: f64,
    /// Solve a single-item game on coarser grids first (extragradient).
    pub coarse_to_fine: bool,
}

impl Default for LearnerSpec {
    fn default() -> Self {
        LearnerSpec {
            kind: "extragradient".into(),
            eta: None,
            beta: 0.0,
            max_iters: 2000,
            tol: 1e-3,
            coarse_to_fine: true,
        }
    }
}

impl LearnerSpec {
    /// The step size of a learner run on the game's own grid.
    pub fn step_size(&self) -> f64 {
        self.eta.unwrap_or(50.0)
    }

    /// Solves `game` with this learner from the uniform profile, on the
    /// game's own grid; `observe` sees the progress.
    ///
    /// # Errors
    /// An unknown kind (`learner.kind`), bad parameters, or a solver error.
    pub fn run(
        &self,
        game: &dyn BayesGame,
        observe: &mut dyn FnMut(&Progress<'_>),
    ) -> Result<Solution, SolveError> {
        match self.kind.as_str() {
            "extragradient" => run_one(game, Extragradient::new(self.step_size())?, self, observe),
            "soda-entropic" => run_one(
                game,
                DualAveraging::entropic(self.step_size(), self.beta)?,
                self,
                observe,
            ),
            "soda-euclidean" => run_one(
                game,
                DualAveraging::euclidean(self.step_size(), self.beta)?,
                self,
                observe,
            ),
            "fictitious-play" => run_one(game, FictitiousPlay::new(), self, observe),
            "best-response" => run_one(game, BestResponse::new(), self, observe),
            other => Err(invalid(
                "learner.kind",
                "must be \"extragradient\", \"soda-entropic\", \"soda-euclidean\", \"fictitious-play\" or \"best-response\"",
                format!("{other:?}"),
            )),
        }
    }
}

/// The `[restarts]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct RestartsSpec {
    /// Starting profiles: uniform, truthful, shaded by half, then seeded
    /// random ones. With 1, a single run from the uniform profile.
    pub count: usize,
    /// Seed of the first random start.
    pub seed: u64,
    /// Distance between mean-bid functions above which two solutions are
    /// distinct equilibria.
    pub distinct: f64,
}

impl Default for RestartsSpec {
    fn default() -> Self {
        RestartsSpec {
            count: 1,
            seed: 1,
            distinct: 0.02,
        }
    }
}

/// A game built from a file.
pub struct BuiltGame {
    /// The game the learners and the generic verifier see.
    pub game: Box<dyn BayesGame>,
    /// Bidder names.
    pub names: Vec<String>,
    /// The single-item auction, for its exact verifier and closed forms.
    pub single_item: Option<DiscreteGame>,
    /// The file as written.
    pub spec: GameSpec,
}

impl std::fmt::Debug for BuiltGame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuiltGame")
            .field("game", &self.game.describe())
            .field("names", &self.names)
            .finish()
    }
}

fn err(origin: &str, field: impl Into<String>, message: impl ToString) -> ScenarioError {
    ScenarioError {
        origin: origin.to_string(),
        field: field.into(),
        message: message.to_string(),
    }
}

/// A solver error as a scenario error naming the field it came from.
fn from_solve(origin: &str, e: SolveError) -> ScenarioError {
    match e {
        SolveError::InvalidParameter { param, rule, value } => {
            err(origin, param, format!("{rule}, got {value}"))
        }
        other => err(origin, "(game)", other),
    }
}

impl GameSpec {
    /// Reads a game file.
    ///
    /// # Errors
    /// The file cannot be read or does not parse; the error names the file
    /// and the line or field.
    pub fn from_path(path: &Path) -> Result<Self, ScenarioError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| err(&origin, "(file)", format!("cannot read: {e}")))?;
        Self::from_toml(&text, &origin)
    }

    /// Parses game-file text; `origin` names it in errors.
    ///
    /// # Errors
    /// The text does not parse.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, ScenarioError> {
        let located = |e: toml::de::Error| {
            let span = e.span().map(|s| line_of(text, s.start));
            err(
                origin,
                span.map_or_else(|| "(toml)".to_string(), |l| format!("line {l}")),
                e.message(),
            )
        };
        let mut table: toml::Table = toml::from_str(text).map_err(located)?;
        let format = table
            .get("format")
            .and_then(toml::Value::as_str)
            .unwrap_or_default()
            .to_string();
        let kind = if table.contains_key("aftermarket") {
            "resale"
        } else if table.contains_key("speculator") {
            "speculator"
        } else {
            match format.as_str() {
                "uniform-price" | "uniform-price-lowest-winning" | "pay-as-bid" | "vickrey" => {
                    "units"
                }
                "llg" => "llg",
                _ => return toml::from_str(text).map_err(located),
            }
        };
        // The learner and restarts sections are read by the common code; the
        // game's own spec reads the rest (and may read the learner too).
        fn section<T: serde::de::DeserializeOwned + Default>(
            origin: &str,
            name: &str,
            v: Option<toml::Value>,
        ) -> Result<T, ScenarioError> {
            v.map(|v| {
                v.try_into()
                    .map_err(|e: toml::de::Error| err(origin, name, e.message()))
            })
            .transpose()
            .map(Option::unwrap_or_default)
        }
        let learner: LearnerSpec = section(origin, "learner", table.get("learner").cloned())?;
        let restarts: RestartsSpec = section(origin, "restarts", table.remove("restarts"))?;
        let whole = toml::Value::Table(table);
        let game_err = |e: toml::de::Error| err(origin, format!("({format} game)"), e.message());
        let other = match kind {
            "resale" => OtherSpec::Resale(whole.try_into().map_err(game_err)?),
            "units" => OtherSpec::MultiUnit(whole.try_into().map_err(game_err)?),
            "speculator" => OtherSpec::Speculator(whole.try_into().map_err(game_err)?),
            _ => OtherSpec::Llg(whole.try_into().map_err(game_err)?),
        };
        Ok(GameSpec {
            format,
            reserve: 0.0,
            bidders: Vec::new(),
            grid: GridSpec::default(),
            learner,
            restarts,
            ties: None,
            other: Some(other),
        })
    }

    /// Builds the game; relative paths inside the file resolve against
    /// `dir`.
    ///
    /// ```
    /// use aftermarket::equilibrium::GameSpec;
    /// let spec = GameSpec::from_toml(r#"
    ///     format = "all-pay"
    ///     [[bidders]]
    ///     prior = { kind = "uniform", lo = 0.0, hi = 1.0 }
    ///     [[bidders]]
    ///     prior = { kind = "uniform", lo = 0.0, hi = 1.0 }
    ///     [grid]
    ///     types = 16
    ///     bids = 16
    /// "#, "<doc>")?;
    /// let built = spec.build("<doc>", None)?;
    /// assert_eq!(built.game.n_bidders(), 2);
    /// assert_eq!(built.names[1], "bidder 2");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// An unknown format, a section the format needs that is missing or
    /// wrong; the error names the file and the field.
    pub fn build(self, origin: &str, dir: Option<PathBuf>) -> Result<BuiltGame, ScenarioError> {
        if let Some(other) = self.other.clone() {
            return self.other_game(other, origin, dir);
        }
        match self.format.as_str() {
            "first-price" => self.single_item(Format::FirstPrice, origin, dir),
            "second-price" => self.single_item(Format::SecondPrice, origin, dir),
            "all-pay" => self.single_item(Format::AllPay, origin, dir),
            other => Err(err(
                origin,
                "format",
                format!(
                    "must be \"first-price\", \"second-price\", \"all-pay\", \"uniform-price\", \"uniform-price-lowest-winning\", \"pay-as-bid\", \"vickrey\" or \"llg\", got {other:?}"
                ),
            )),
        }
    }

    fn other_game(
        self,
        other: OtherSpec,
        origin: &str,
        dir: Option<PathBuf>,
    ) -> Result<BuiltGame, ScenarioError> {
        let named = |names: Vec<Option<String>>| display_names(names);
        let (game, names): (Box<dyn BayesGame>, Vec<String>) = match other {
            OtherSpec::MultiUnit(s) => (
                Box::new(s.build_in(origin, dir).map_err(|e| from_solve(origin, e))?),
                named(s.bidders.iter().map(|b| b.name.clone()).collect()),
            ),
            OtherSpec::Llg(s) => (
                Box::new(s.build(origin).map_err(|e| from_solve(origin, e))?),
                vec!["local 1".into(), "local 2".into(), "global".into()],
            ),
            OtherSpec::Resale(s) => (
                Box::new(s.build(origin, dir).map_err(|e| from_solve(origin, e))?),
                named(s.bidders.iter().map(|b| b.name.clone()).collect()),
            ),
            OtherSpec::Speculator(s) => (
                Box::new(s.build(origin, dir).map_err(|e| from_solve(origin, e))?),
                s.names(),
            ),
        };
        Ok(BuiltGame {
            game,
            names,
            single_item: None,
            spec: self,
        })
    }

    fn single_item(
        self,
        format: Format,
        origin: &str,
        dir: Option<PathBuf>,
    ) -> Result<BuiltGame, ScenarioError> {
        if self.bidders.len() < 2 {
            return Err(err(
                origin,
                "bidders",
                format!("must number at least 2, got {}", self.bidders.len()),
            ));
        }
        let priors = bidder_priors(&self.bidders, origin, dir)?;
        let names = display_names(self.bidders.iter().map(|b| b.name.clone()));
        let b_max = self.grid.b_max_for(&priors);
        let game = DiscreteGame::new(
            format,
            self.reserve,
            priors,
            self.grid.types,
            self.grid.bids,
            b_max,
        )
        .map_err(|e| from_solve(origin, e))?
        .with_ties(
            Ties::parse(self.ties.as_deref().unwrap_or("split"))
                .map_err(|e| from_solve(origin, e))?,
        );
        Ok(BuiltGame {
            game: Box::new(game.clone()),
            names,
            single_item: Some(game),
            spec: self,
        })
    }
}

fn run_one<L: Learner>(
    game: &dyn BayesGame,
    learner: L,
    spec: &LearnerSpec,
    observe: &mut dyn FnMut(&Progress<'_>),
) -> Result<Solution, SolveError> {
    Solve::new(game, learner)
        .max_iters(spec.max_iters)
        .tol(spec.tol)
        .history(false)
        .observe(|p| observe(p), 10)
        .run()
}

impl BuiltGame {
    /// Solves the game with the learner of the file (one run from the
    /// uniform profile); `observe` sees the progress.
    ///
    /// # Errors
    /// An unknown learner kind or bad learner parameters, naming the field.
    pub fn solve(
        &self,
        origin: &str,
        observe: &mut dyn FnMut(&Progress<'_>),
    ) -> Result<Solution, ScenarioError> {
        let spec = &self.spec.learner;
        let g = self.game.as_ref();
        let res = match (&self.single_item, spec.kind.as_str(), spec.coarse_to_fine) {
            (Some(single), "extragradient", true) => solve_coarse_to_fine(
                single,
                &CoarseToFine {
                    eta: spec.eta.unwrap_or(CoarseToFine::default().eta),
                    tol: spec.tol,
                    max_iters: spec.max_iters,
                    ..CoarseToFine::default()
                },
            ),
            _ => spec.run(g, observe),
        };
        res.map_err(|e| from_solve(origin, e))
    }

    /// Runs the restarts of the file (`[restarts] count` starts); `None`
    /// when `count` is 1.
    ///
    /// # Errors
    /// As [`Self::solve`]; `restarts.count = 0`.
    pub fn restarts(&self, origin: &str) -> Result<Option<RestartReport>, ScenarioError> {
        let rs = &self.spec.restarts;
        if rs.count == 0 {
            return Err(err(origin, "restarts.count", "must be >= 1, got 0"));
        }
        if rs.count == 1 {
            return Ok(None);
        }
        let spec = &self.spec.learner;
        let r = Restarts {
            starts: Restarts::standard(rs.count, rs.seed),
            distinct: rs.distinct,
            max_iters: spec.max_iters,
            tol: spec.tol,
        };
        let g = self.game.as_ref();
        let report = match spec.kind.as_str() {
            "soda-entropic" => r.run(g, || DualAveraging::entropic(spec.step_size(), spec.beta)),
            "soda-euclidean" => r.run(g, || DualAveraging::euclidean(spec.step_size(), spec.beta)),
            "fictitious-play" => r.run(g, || Ok(FictitiousPlay::new())),
            "best-response" => r.run(g, || Ok(BestResponse::new())),
            _ => r.run(g, || Extragradient::new(spec.step_size())),
        };
        report.map(Some).map_err(|e| from_solve(origin, e))
    }
}

/// The bidders' priors, each read as a scalar law of scenario files
/// (`bidders[i].prior` in errors).
///
/// # Errors
/// A prior that is not a valid scalar law.
pub(crate) fn bidder_priors(
    bidders: &[BidderSpec],
    origin: &str,
    dir: Option<PathBuf>,
) -> Result<Vec<Arc<dyn Prior>>, ScenarioError> {
    bidders
        .iter()
        .enumerate()
        .map(|(i, b)| {
            scalar_law(
                &b.prior,
                origin,
                &format!("bidders[{i}].prior"),
                dir.clone(),
            )
        })
        .collect()
}

/// Bidders' display names: the given ones, `bidder k` (from 1) for the
/// unnamed.
pub(crate) fn display_names(names: impl IntoIterator<Item = Option<String>>) -> Vec<String> {
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| n.unwrap_or_else(|| format!("bidder {}", i + 1)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_format_names_the_field() {
        let spec = GameSpec::from_toml("format = \"dutch\"", "g.toml").expect("parses");
        let e = spec.build("g.toml", None).expect_err("unknown");
        assert_eq!(
            e.to_string(),
            "g.toml: format: must be \"first-price\", \"second-price\", \"all-pay\", \"uniform-price\", \"uniform-price-lowest-winning\", \"pay-as-bid\", \"vickrey\" or \"llg\", got \"dutch\""
        );
    }

    #[test]
    fn other_formats_read_their_own_sections() {
        let llg = GameSpec::from_toml(
            "format = \"llg\"\nrule = \"nearest-vcg\"\ngamma = 0.5\n[grid]\ntypes = 8\nbids = 8\n[restarts]\ncount = 2\n",
            "l.toml",
        )
        .expect("parses");
        assert_eq!(llg.restarts.count, 2);
        let built = llg.build("l.toml", None).expect("builds");
        assert_eq!(built.game.n_bidders(), 3);
        assert_eq!(built.names[2], "global");
        let e = GameSpec::from_toml(
            "format = \"llg\"\nrule = \"nearest-vcg\"\ngama = 0.5\n",
            "l.toml",
        )
        .expect_err("misspelt key");
        assert!(e.to_string().contains("gama"), "{e}");
    }

    #[test]
    fn tie_rule_is_read_and_checked() {
        let text = |ties: &str| {
            format!(
                "format = \"first-price\"\nties = \"{ties}\"\n\
                 [[bidders]]\nprior = {{ kind = \"uniform\", lo = 0.0, hi = 1.0 }}\n\
                 [[bidders]]\nprior = {{ kind = \"uniform\", lo = 0.0, hi = 1.0 }}\n\
                 [grid]\ntypes = 8\nbids = 8\n"
            )
        };
        let built = GameSpec::from_toml(&text("lose"), "g.toml")
            .expect("parses")
            .build("g.toml", None)
            .expect("builds");
        assert_eq!(built.single_item.expect("single item").ties(), Ties::Lose);
        let e = GameSpec::from_toml(&text("coin"), "g.toml")
            .expect("parses")
            .build("g.toml", None)
            .expect_err("bad tie rule");
        assert!(e.to_string().starts_with("g.toml: ties: must be"), "{e}");
    }

    #[test]
    fn bad_grid_names_the_field() {
        let text = r#"
            format = "first-price"
            [[bidders]]
            prior = { kind = "uniform", lo = 0.0, hi = 1.0 }
            [[bidders]]
            prior = { kind = "uniform", lo = 0.0, hi = 1.0 }
            [grid]
            types = 8
            bids = 1
        "#;
        let e = GameSpec::from_toml(text, "g.toml")
            .expect("parses")
            .build("g.toml", None)
            .expect_err("one bid");
        assert_eq!(e.to_string(), "g.toml: grid.bids: must be >= 2, got 1");
    }

    #[test]
    fn unknown_field_names_the_line() {
        let e = GameSpec::from_toml("format = \"all-pay\"\ncolour = 1\n", "g.toml")
            .expect_err("unknown field");
        assert!(e.to_string().starts_with("g.toml: line 2:"), "{e}");
    }

    #[test]
    fn unknown_learner_names_the_field() {
        let text = r#"
            format = "second-price"
            [[bidders]]
            prior = { kind = "uniform", lo = 0.0, hi = 1.0 }
            [[bidders]]
            prior = { kind = "uniform", lo = 0.0, hi = 1.0 }
            [grid]
            types = 8
            bids = 8
            [learner]
            kind = "hill-climbing"
        "#;
        let built = GameSpec::from_toml(text, "g.toml")
            .expect("parses")
            .build("g.toml", None)
            .expect("builds");
        let e = built.solve("g.toml", &mut |_| {}).expect_err("kind");
        assert!(
            e.to_string().starts_with("g.toml: learner.kind: must be"),
            "{e}"
        );
    }
}
