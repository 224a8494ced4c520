//! Coalitions and the core in reallocative auctions (paper 002).
//!
//! The coalitional value of \\(Z \subseteq X \cup \{a\}\\) is
//! \\(V(Z) = v(Z\setminus\{a\}, \bar q)\\) when the auctioneer \\(a\\) is in
//! \\(Z\\) and \\(V(Z) = v(Z, 0)\\) otherwise: bidders alone can still
//! reallocate among themselves, which is what is new relative to one-sided
//! auctions. A payoff profile is in the **core** when it splits
//! \\(v(X,\bar q)\\) and no coalition can do better on its own; in the
//! **bidder-core** when only \\(\{a\}\\) (negative revenue) may block.
//!
//! | module | economics |
//! |---|---|
//! | [`core`] | blocking coalitions and the core / bidder-core classification (Proposition 2, Corollary 1) |
//! | [`substitutes`] | Lemmas 1, 2, 4, Theorems 1, 2, Propositions 3, 4, 5, 9 |
//! | [`core_selecting`] | minimum-revenue and Vickrey-nearest core payoffs |
//! | [`llg`] | core-selecting payment rules for packages of distinct items (local-local-global) |
//!
//! ## References
//! - Rostek, M. and Yoder, N. (2025), "Reallocative Auctions and Core Selection".
//! - Day, R. and Cramton, P. (2012), "Quadratic core-selecting payment rules for combinatorial auctions".
//! - Ausubel, L. and Baranov, O. (2020), "Core-selecting auctions with incomplete information".

pub mod core;
pub mod core_selecting;
pub mod llg;
pub mod substitutes;

pub(crate) mod lp;

use thiserror::Error;

use crate::reallocation::ReallocationError;

/// Errors of the coalition layer.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum CoalitionError {
    /// An error from the market model.
    #[error(transparent)]
    Reallocation(#[from] ReallocationError),
    /// A numeric parameter broke a rule.
    #[error("{param} {rule}, got {value}")]
    InvalidParameter {
        /// Which parameter.
        param: String,
        /// The rule.
        rule: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A payoff profile of the wrong size.
    #[error("payoffs must have one entry per bidder ({expected}), got {got}")]
    ProfileSize {
        /// Number of bidders.
        expected: usize,
        /// Entries given.
        got: usize,
    },
    /// The LP/QP solver failed.
    #[error("solver {0}")]
    Solver(String),
    /// A condition a result needs does not hold.
    #[error("{0}")]
    Precondition(String),
}
