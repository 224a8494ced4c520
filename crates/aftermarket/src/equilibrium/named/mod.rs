//! Named equilibria: the closed forms the papers give, each built as a
//! [`crate::market::Market`] and evaluated by the engine, so the printed
//! numbers come from the same auction and aftermarket code as any user
//! scenario, and each selected profile can be checked by the verifier.

pub mod pagnozzi;
pub mod regimes_target;
