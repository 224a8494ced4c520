//! Reallocative auctions of divisible goods (paper 002: Rostek & Yoder 2025,
//! "Reallocative Auctions and Core Selection").
//!
//! Bidders hold endowments of \\(K\\) divisible goods and may both buy and
//! sell; the auctioneer brings a supply vector \\(\bar q \in \mathbb R^K\\) of
//! any sign (positive: selling, zero: pure exchange, negative: procurement).
//! The only feasibility constraint is \\(\sum_{i \in X} q_i = \bar q\\): a
//! bidder's quantity may take either sign. A bidder's value is a reduced form
//! \\(u_i(q) = \hat u_i(q_i^0 + q) - \hat u_i(q_i^0)\\), strictly concave.
//!
//! | module | economics |
//! |---|---|
//! | [`valuation`] | quadratic valuations \\(\theta'q - \tfrac12 q'Sq\\) and general smooth concave ones |
//! | [`exact`] | exact rational surplus, Vickrey payoffs and blocking, to decide ties |
//! | [`quadratic`] | Lemma 3's closed forms: harmonic mean \\(H(Z)\\), surplus, common-\\(S\\) allocation |
//! | [`market`] | the surplus \\(v(Z, q)\\), the efficient allocation and the clearing price (Lemma 3) |
//! | [`vickrey`] | the reallocative Vickrey auction (Proposition 1) and its bid-schedule form |
//! | [`uniform_price`] | the uniform-price auction and its ex-post equilibrium (Proposition 6) |
//! | [`package_auctions`] | independent auctions of eigenvector packages (Proposition 7) |
//! | [`split`] | split forward/reverse auctions (Proposition 8) |
//! | [`revenue`] | expected Vickrey and uniform-price revenue (Theorem 3) |
//! | [`scenario`] | the serde input form of a market and its checks |
//! | [`report`] | the full core report behind `aftermarket core` |
//! | [`reproduce`] | the reproduction items of paper 002 |
//!
//! Coalitions, the core and core-selecting payments are in
//! [`crate::coalition`].
//!
//! ## Example: paper 002's Example 1
//! ```
//! use aftermarket::reallocation::{market::ReallocationMarket, vickrey::vickrey};
//! let m = ReallocationMarket::quadratic_scalar(1.0, &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)])?;
//! let v = vickrey(&m)?;
//! assert!((v.revenue - 9.0 / 4.0).abs() < 1e-12);
//! assert!((v.price[0] - 3.0).abs() < 1e-12);
//! # Ok::<(), aftermarket::reallocation::ReallocationError>(())
//! ```
//!
//! ## References
//! - Rostek, M. and Yoder, N. (2025), "Reallocative Auctions and Core Selection".

pub mod exact;
pub mod market;
pub mod package_auctions;
pub mod quadratic;
pub mod report;
pub mod reproduce;
pub mod revenue;
pub mod scenario;
pub mod split;
pub mod uniform_price;
pub mod valuation;
pub mod vickrey;

pub(crate) mod linalg;

use thiserror::Error;

/// Errors of the reallocation layer.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ReallocationError {
    /// A numeric parameter broke a rule.
    #[error("{param} {rule}, got {value}")]
    InvalidParameter {
        /// Which parameter.
        param: String,
        /// The rule, e.g. "must be finite".
        rule: &'static str,
        /// The offending value.
        value: f64,
    },
    /// Two objects that must agree in size do not.
    #[error("{param} must have dimension {expected}, got {got}")]
    DimensionMismatch {
        /// Which parameter.
        param: String,
        /// The required size.
        expected: usize,
        /// The size given.
        got: usize,
    },
    /// A matrix that must be symmetric positive definite is not.
    #[error("{param} must be symmetric positive definite")]
    NotPositiveDefinite {
        /// Which matrix.
        param: String,
    },
    /// A result needs a condition the market does not satisfy.
    #[error("{0}")]
    Precondition(String),
    /// An iterative solve did not reach its tolerance.
    #[error("{what} did not converge in {iters} iterations (residual {residual})")]
    NoConvergence {
        /// What was being solved.
        what: &'static str,
        /// Iterations used.
        iters: usize,
        /// Final residual norm.
        residual: f64,
    },
    /// Exact rational arithmetic overflowed 128-bit integers.
    #[error("exact arithmetic overflowed i128 in {0}")]
    Overflow(&'static str),
    /// Too many bidders for exact enumeration.
    #[error("n_bidders must be <= {max} for enumeration, got {got}")]
    TooManyBidders {
        /// The largest supported size.
        max: usize,
        /// The size given.
        got: usize,
    },
}
