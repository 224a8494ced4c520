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
    /// Equilibria.
    #[error(transparent)]
    Equilibrium(#[from] crate::equilibrium::EquilibriumError),
}
