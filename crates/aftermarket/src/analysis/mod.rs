//! Analysis: the numbers users read, and the numerics behind them.

pub mod measures;
pub mod quadrature;
pub mod sweep;
pub mod welfare;
