//! Paper 004: Babaioff, Immorlica, Li and Lucier, "Making Auctions Robust
//! to Aftermarkets".
//!
//! Example 1 (Theorem 1, Proposition 1) at m = 5: the uniform-price auction
//! followed by a speculator who resells as a monopolist. The speculator's
//! price is computed per auction outcome against her beliefs, never fixed
//! in advance; the expected values come from Monte Carlo and are compared
//! within four standard errors.

use super::{Item, PaperReport, ReproduceError, Source};
use crate::market::McConfig;
use crate::scenario::builtin;

const CITATION: &str = "Moshe Babaioff, Nicole Immorlica, Yingkai Li, Brendan Lucier, \
Making Auctions Robust to Aftermarkets";

/// Standard errors allowed between a Monte Carlo estimate and its reference.
const K_SE: f64 = 4.0;

/// Reproduces what of paper 004 is registered so far.
///
/// # Errors
/// A built-in scenario that fails (a bug).
pub fn reproduce() -> Result<PaperReport, ReproduceError> {
    use Source::{Derived, Paper};
    let file = "speculator-uniform-price.toml";
    let sc = builtin::load(file)?;
    let cfg = McConfig {
        episodes: 100_000,
        seed: 2026,
        ..McConfig::default()
    };
    let rep = sc.market.monte_carlo(cfg, None)?;
    let how = format!(
        "scenarios/{file}, monte carlo, {} episodes, seed {}",
        cfg.episodes, cfg.seed
    );
    let m = 5.0_f64;
    let ez = (2.0 * m).ln() / (2.0 * m - 1.0) + 1.0 / (8.0 * m * m);
    let items_spec: [(&str, &str, f64, Source, &str); 6] = [
        (
            "ex1.m5.u-C",
            "Ex. 1, m = 5: speculator's expected utility 1 + (m−3)/(2m)",
            1.0 + (m - 3.0) / (2.0 * m),
            Paper,
            "payoff[C]",
        ),
        (
            "ex1.m5.u-A",
            "Ex. 1, m = 5: A's expected utility 1 + E[u]",
            2.25,
            Derived,
            "payoff[A]",
        ),
        (
            "ex1.m5.u-B",
            "Ex. 1, m = 5: B's expected utility 2 + (m−3)/(8m²)",
            2.0 + (m - 3.0) / (8.0 * m * m),
            Derived,
            "payoff[B]",
        ),
        (
            "ex1.m5.welfare",
            "Ex. 1, m = 5: equilibrium welfare 5.25 + (m−3)(1/(2m))(1 + 1/(4m))",
            5.25 + (m - 3.0) / (2.0 * m) * (1.0 + 1.0 / (4.0 * m)),
            Derived,
            "final_welfare",
        ),
        (
            "ex1.m5.opt",
            "Ex. 1, m = 5: E[OPT] = 5.25 + (m−3)E[z] + 1/(24m³)",
            5.25 + (m - 3.0) * ez + 1.0 / (24.0 * m * m * m),
            Derived,
            "optimal_welfare",
        ),
        (
            "ex1.m5.revenue",
            "Ex. 1, m = 5: auction revenue (price = highest losing bid = 0)",
            0.0,
            Paper,
            "revenue",
        ),
    ];
    let mut items = Vec::new();
    for (id, claim, reference, source, measure) in items_spec {
        let e = rep
            .get(measure)
            .ok_or_else(|| crate::market::MarketError::Invalid(format!("no measure {measure}")))?;
        let tol = K_SE * e.std_error.unwrap_or(0.0) + 1e-9;
        let mut item = Item::compare(id, claim, reference, source, e.mean, tol, &how);
        item.std_error = e.std_error;
        items.push(item);
    }
    Ok(PaperReport {
        paper: "004".into(),
        citation: CITATION.into(),
        items,
    })
}
