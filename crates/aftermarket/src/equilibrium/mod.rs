//! Equilibria of the combined market.
//!
//! Three sources, each checkable against the others (see the design
//! notes): named closed forms from the papers ([`named`]), numerical
//! solution, and verification. This module holds the verifier for
//! complete-information games ([`verify_complete_information`]) and the
//! named equilibria of paper 001 ([`named::pagnozzi`]).
//!
//! Bayes–Nash equilibria of single-item auctions are solved numerically on
//! a [`DiscreteGame`] by a [`Learner`] (dual averaging, fictitious play,
//! best-response iteration) inside the [`Solve`] loop, and checked with
//! [`verify_on_grid`] and [`verify_monte_carlo`]. [`ResaleGame`] puts a
//! resale stage inside the loop (the winner's offer re-optimised against
//! its posterior at every evaluation), and [`SpeculatorGame`] a speculator
//! reselling units as a monopolist.
//!
//! A pure-strategy profile of a complete-information game is a Nash
//! equilibrium when no bidder gains by deviating unilaterally. In auctions
//! with a uniform or second price, payoffs are piecewise linear in the
//! bids and change only where a bid crosses another bid, a value or a
//! willingness to pay, so checking every *critical* bid (those levels,
//! their halves and the levels ±ε), with ties broken both for and against
//! the deviator, checks every deviation that matters.

mod bayes_check;
mod complete_info;
mod discrete_game;
mod envelope;
mod game;
mod known;
mod learner;
mod llg_game;
mod multi_unit_game;
pub mod named;
mod plot;
mod resale_game;
mod solve;
mod spec;
mod verify_bne;
mod verify_cells;
mod weak_dominance;

pub use bayes_check::{
    BayesOptions, BayesReport, ExAnte, TypeCheck, TypeSpace, type_space, verify_bayes,
};
pub use complete_info::{
    BidderCheck, DEFAULT_EPS, NashReport, TieSide, VerifyOptions, critical_levels,
    expected_payoffs, verify_complete_information,
};
pub use discrete_game::{
    BidValues, DiscreteGame, Format, Metrics, MixedStrategy, SolveError, State, Ties, TypeGrid,
};
pub use game::{
    BayesGame, Outcomes, best_actions, map_profile, mean_actions, metrics_from_utilities,
    verify_refined,
};
pub use known::{Distance, KnownEquilibrium, distance_to_known, known_equilibrium};
pub use learner::{
    BestResponse, DualAveraging, Extragradient, FictitiousPlay, Learner, Regulariser,
};
pub use llg_game::{LlgGame, LlgGridSpec, LlgParams, LlgRule, LlgSpec};
pub use multi_unit_game::{
    ActionClass, MultiUnitGame, MultiUnitParams, MultiUnitSpec, UnitBidderSpec, UnitFormat,
    UnitGridSpec, UnitTypes, ValuesSpec,
};
pub use plot::{Curve, bid_functions_svg};
pub use resale_game::{
    AftermarketSpec, Disclosure, ResaleGame, ResaleOutcomes, ResaleRule, ResaleSpec,
    SpeculatorFormat, SpeculatorGame, SpeculatorOutcomes, SpeculatorSection, SpeculatorSpec,
};
pub use solve::{
    CoarseToFine, Found, Progress, RestartReport, Restarts, Solution, Solve, Start, Stop,
    solve_coarse_to_fine,
};
pub use spec::{BidderSpec, BuiltGame, GameSpec, GridSpec, LearnerSpec, RestartsSpec};
pub use verify_bne::{
    BidFn, BneReport, VerifyGrid, table_bid_fn, verify_monte_carlo, verify_on_grid,
};
pub use verify_cells::{verify_cells, verify_cells_monte_carlo};
pub use weak_dominance::{
    BidPolicy, Comparison, FiniteGame, MAX_COMPARISONS, Removed, Round, SecondPriceResale,
    Survivors, all_actions, compare, eliminate, eliminate_once,
};

use thiserror::Error;

/// Errors raised while finding or checking equilibria.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EquilibriumError {
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
    /// The market is not a complete-information game with one profile.
    #[error("not a complete-information game: {0}")]
    NotComplete(String),
    /// A scenario does not describe the model asked for.
    #[error("{field}: {message}")]
    Scenario {
        /// The field, as a path such as `aftermarket.alpha`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The bid format cannot be enumerated.
    #[error("cannot enumerate deviations: {0}")]
    Unsupported(String),
    /// Too many deviations to enumerate.
    #[error("{count} deviations per bidder exceed the limit of {limit} (max_deviations)")]
    TooMany {
        /// Deviations needed.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// Too many type profiles to enumerate.
    #[error("{count} type profiles exceed the limit of {limit} (max_profiles)")]
    TooManyProfiles {
        /// Profiles needed.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// Running the market failed.
    #[error(transparent)]
    Market(#[from] crate::market::MarketError),
    /// The mechanism failed.
    #[error(transparent)]
    Mechanism(#[from] crate::mechanism::MechanismError),
    /// The aftermarket failed.
    #[error(transparent)]
    Resale(#[from] crate::resale::ResaleError),
    /// A valuation failed.
    #[error(transparent)]
    Values(#[from] crate::values::ValuesError),
    /// A prior failed.
    #[error(transparent)]
    Prior(#[from] crate::prior::PriorError),
}
