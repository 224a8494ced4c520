//! Paper 004, Example 1 and Proposition 1: the speculator's profile is an
//! equilibrium of the combined market, checked by the Bayesian verifier
//! over every critical auction deviation of A, B and C (both tie
//! directions), with C's resale offer re-optimised against her beliefs for
//! every auction outcome.
//!
//! Types of A (u) and B (z) are the quantile midpoints of a 2m-point grid,
//! on which \\(\Pr[z \ge 1] = 1/(2m)\\) exactly, so the profile's
//! utilities on the grid equal the closed forms.

use super::super::{Item, ReproduceError, Source};
use crate::analysis::speculator::SpeculatorExample;
use crate::equilibrium::{BayesOptions, verify_bayes};
use crate::market::MarketError;
use crate::scenario::Scenario;

/// Gains above this count as profitable deviations.
pub const GAIN_TOL: f64 = 1e-9;

/// The options used for Example 1 at `m`: a 2m-point type grid, levels
/// without halves (in a uniform-price auction a deviator's payoff changes
/// only where one of its bids crosses a rival's bid; its own losing bids
/// set the price against it), ε = 10⁻³.
pub fn options(m: usize) -> BayesOptions {
    BayesOptions {
        eps: 1e-3,
        grid: 2 * m,
        halves: false,
        max_deviations: 20_000,
        ..BayesOptions::default()
    }
}

/// The items for `m` in `ms`.
///
/// # Errors
/// A scenario or verification failure (a bug).
pub fn items_for(ms: &[usize]) -> Result<Vec<Item>, ReproduceError> {
    let mut items = Vec::new();
    for &m in ms {
        let e = SpeculatorExample::new(m).map_err(|e| MarketError::Invalid(e.to_string()))?;
        let origin = format!("<speculator example, m = {m}>");
        let sc = Scenario::from_toml(&e.scenario_toml(), &origin, None)?;
        let opts = options(m);
        let rep = verify_bayes(&sc.market, &opts)?;
        let how = format!(
            "equilibrium::verify_bayes, {} type profiles ({}-point quantile grids for u and z), \
critical bids without halves, eps {}, both tie directions, C's offer solved per outcome",
            rep.profiles, opts.grid, opts.eps
        );
        for name in ["A", "B", "C"] {
            let worst = rep
                .worst(name)
                .ok_or_else(|| MarketError::Invalid(format!("no check of {name}")))?;
            items.push(Item::compare(
                &format!("ex1.m{m}.eq.gain-{name}"),
                &format!(
                    "Ex. 1, m = {m} (Prop. 1): {name}'s largest gain from an auction deviation, \
over its types (best found: {})",
                    worst.best_deviation.describe()
                ),
                0.0,
                Source::Paper,
                worst.gain,
                GAIN_TOL,
                &how,
            ));
        }
        let [ua, ub, uc] = e.utilities();
        for (k, (name, reference)) in [("A", ua), ("B", ub), ("C", uc)].into_iter().enumerate() {
            items.push(Item::compare(
                &format!("ex1.m{m}.eq.u-{name}"),
                &format!("Ex. 1, m = {m}: {name}'s expected utility in the verified profile"),
                reference,
                if name == "C" {
                    Source::Paper
                } else {
                    Source::Derived
                },
                rep.ex_ante.payoffs[k],
                1e-9,
                &how,
            ));
        }
    }
    Ok(items)
}

/// Example 1 at m = 5 and m = 6.
///
/// # Errors
/// As [`items_for`].
pub fn items() -> Result<Vec<Item>, ReproduceError> {
    items_for(&[5, 6])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_1_has_no_profitable_deviation_on_a_coarse_grid() {
        let e = SpeculatorExample::new(5).expect("m = 5");
        let sc = Scenario::from_toml(&e.scenario_toml(), "<m = 5>", None).expect("parses");
        let opts = BayesOptions {
            grid: 2,
            ..options(5)
        };
        let rep = verify_bayes(&sc.market, &opts).expect("runs");
        assert!(rep.is_equilibrium(GAIN_TOL), "{:?}", rep.types);
        assert_eq!(rep.types.len(), 5, "two types each of A and B, one of C");
    }
}
