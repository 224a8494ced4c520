//! Benchmarks of the core analysis of paper 002.
fn main() {}
