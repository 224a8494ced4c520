//! The crate's error type: one variant per layer.

use thiserror::Error;

/// Any error the library returns.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// Goods and values.
    #[error(transparent)]
    Values(#[from] crate::values::ValuesError),
    /// Priors.
    #[error(transparent)]
    Prior(#[from] crate::prior::PriorError),
    /// Primary mechanisms.
    #[error(transparent)]
    Mechanism(#[from] crate::mechanism::MechanismError),
    /// Aftermarkets.
    #[error(transparent)]
    Resale(#[from] crate::resale::ResaleError),
    /// Strategies.
    #[error(transparent)]
    Strategy(#[from] crate::strategy::StrategyError),
    /// The combined market's runner.
    #[error(transparent)]
    Market(#[from] crate::market::MarketError),
    /// Scenario files.
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// Reallocation markets (divisible goods).
    #[error(transparent)]
    Reallocation(#[from] crate::reallocation::ReallocationError),
    /// Reallocation market files.
    #[error(transparent)]
    ReallocationScenario(#[from] crate::reallocation::scenario::ScenarioError),
    /// Coalitions and the core.
    #[error(transparent)]
    Coalition(#[from] crate::coalition::CoalitionError),
    /// Local-local-global payment rules.
    #[error(transparent)]
    Llg(#[from] crate::coalition::llg::LlgError),
    /// Reproductions.
    #[error(transparent)]
    Reproduce(#[from] crate::reproduce::ReproduceError),
    /// Equilibria.
    #[error(transparent)]
    Equilibrium(#[from] crate::equilibrium::EquilibriumError),
    /// Balanced prices and reserves.
    #[error(transparent)]
    Balanced(#[from] crate::analysis::balanced::BalancedError),
}
