//! Analysis: the numbers users read, and the numerics behind them.

pub mod balanced;
pub mod measures;
pub mod quadrature;
pub mod smoothness;
pub mod speculator;
pub mod sweep;
pub mod welfare;
