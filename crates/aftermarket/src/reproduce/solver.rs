//! Known Bayes–Nash equilibria recovered by the discretised solver.
//!
//! Each single-item game with a closed-form equilibrium (see
//! [`crate::equilibrium::known_equilibrium`]) is solved on a 256 × 256 grid
//! by extragradient dual averaging from coarse to fine, and checked three
//! times: the relative utility loss on the solve grid (at most 1e-4), the
//! mean bid per type against the closed form (L∞ over the type grid,
//! within five bid steps), and the solved profile's relative utility loss
//! verified on a grid four times finer, types and bids read as cells
//! ([`crate::equilibrium::verify_cells`], exact rival bid laws; at most
//! 1e-3). On 128 points the same checks verify at 1e-3 to 7e-3: the
//! discretised game's equilibrium, with ties split on the grid, is that far
//! from the continuous one. The references are the closed forms themselves
//! (0 distance, 0 loss), hence `Derived`. Among them is paper 003's first-price auction
//! with a value that is zero with probability 1/2, \\(b(v) = v^2/(2(1+v))\\).

use std::sync::Arc;

use super::{Item, PaperReport, ReproduceError, Source};
use crate::equilibrium::{
    CoarseToFine, DiscreteGame, Format, VerifyGrid, distance_to_known, known_equilibrium,
    solve_coarse_to_fine, verify_cells,
};
use crate::prior::{Mixture, PointMass, Power, Prior, PriorError, Uniform};

const CITATION: &str = "Known equilibria of single-item auctions (Krishna, Auction Theory, \
ch. 2–4; paper 003 for the atom at zero), solved on a grid";

/// Grid size of every check.
const N: usize = 256;
/// Bid steps allowed between the mean bid and the closed form.
const STEPS: f64 = 5.0;
/// Relative utility loss allowed on the solve grid.
const SOLVE_EPS: f64 = 1e-4;
/// Verified relative utility loss allowed on the 4x finer grid.
const EPS: f64 = 1e-3;

fn uniform(hi: f64) -> Result<Arc<dyn Prior>, PriorError> {
    Ok(Arc::new(Uniform::new(0.0, hi)?))
}

/// One check: id, description, format, priors, largest bid.
type Case = (&'static str, &'static str, Format, Vec<Arc<dyn Prior>>, f64);

/// Reproduces the known-equilibrium checks.
///
/// # Errors
/// A game that cannot be built or solved (a bug).
pub fn reproduce() -> Result<PaperReport, ReproduceError> {
    let atom = || -> Result<Arc<dyn Prior>, PriorError> {
        Ok(Arc::new(Mixture::new(vec![
            (0.5, Arc::new(PointMass::new(0.0)?) as Arc<dyn Prior>),
            (0.5, uniform(1.0)?),
        ])?))
    };
    let power: Arc<dyn Prior> = Arc::new(Power::new(1.0, 2.0)?);
    let u = uniform(1.0)?;
    let games: Vec<Case> = vec![
        (
            "fp2",
            "first price, two uniform bidders, b(v) = v/2",
            Format::FirstPrice,
            vec![u.clone(), u.clone()],
            0.6,
        ),
        (
            "fp3",
            "first price, three uniform bidders, b(v) = 2v/3",
            Format::FirstPrice,
            vec![u.clone(), u.clone(), u.clone()],
            0.8,
        ),
        (
            "fp-power",
            "first price, two bidders with F(v) = v^2, b(v) = 2v/3",
            Format::FirstPrice,
            vec![power.clone(), power],
            0.8,
        ),
        (
            "fp-asym",
            "first price, uniform[0,1] against uniform[0,2], Krishna §4.3",
            Format::FirstPrice,
            vec![u.clone(), uniform(2.0)?],
            0.8,
        ),
        (
            "ap2",
            "all-pay, two uniform bidders, b(v) = v^2/2",
            Format::AllPay,
            vec![u.clone(), u.clone()],
            0.6,
        ),
        (
            "sp2",
            "second price, two uniform bidders, truthful",
            Format::SecondPrice,
            vec![u.clone(), u],
            1.0,
        ),
        (
            "fp-atom",
            "paper 003: first price, value 0 w.p. 1/2 else uniform, b(v) = v^2/(2(1+v))",
            Format::FirstPrice,
            vec![atom()?, atom()?],
            0.4,
        ),
    ];
    let mut items = Vec::new();
    for (id, what, format, priors, b_max) in games {
        let game = DiscreteGame::new(format, 0.0, priors.clone(), N, N, b_max)?;
        let known = known_equilibrium(&game).ok_or_else(|| {
            crate::equilibrium::SolveError::Profile(format!("{id}: no closed form"))
        })?;
        let sol = solve_coarse_to_fine(
            &game,
            &CoarseToFine {
                tol: SOLVE_EPS,
                max_iters: 10_000,
                // Split ties at 1e-4: the coarse levels need long runs to hand
                // the finest level a profile it can finish from.
                coarse_iters: 5_000,
                ..CoarseToFine::default()
            },
        )?;
        let bids = sol.mean_bids(&game);
        let step = b_max / (N - 1) as f64;
        let linf = distance_to_known(&game, &bids, &known)
            .iter()
            .map(|d| d.linf)
            .fold(0.0, f64::max);
        let grid = VerifyGrid {
            types: 4 * N,
            bids: 4 * (N - 1) + 1,
            b_max,
        };
        let eps = verify_cells(&game, &sol.strategies, &grid)?.max_relative();
        let how = format!(
            "extragradient coarse to fine on {N} x {N} (bids on [0, {b_max}]), {} iterations, {:.2} s; {}",
            sol.iters,
            sol.elapsed.as_secs_f64(),
            known.name
        );
        items.push(Item::compare(
            &format!("{id}.solve-eps"),
            &format!("{what}: relative utility loss on the solve grid at most {SOLVE_EPS}"),
            0.0,
            Source::Derived,
            sol.metrics.max_relative(),
            SOLVE_EPS,
            &how,
        ));
        items.push(Item::compare(
            &format!("{id}.linf"),
            &format!("{what}: largest distance of the mean bid from the closed form, within {STEPS} bid steps"),
            0.0,
            Source::Derived,
            linf,
            STEPS * step,
            &how,
        ));
        items.push(Item::compare(
            &format!("{id}.eps"),
            &format!("{what}: verified relative utility loss (4x finer grid, type and bid cells, exact bid laws) at most {EPS}"),
            0.0,
            Source::Derived,
            eps,
            EPS,
            &how,
        ));
    }
    Ok(PaperReport {
        paper: "solver".into(),
        citation: CITATION.into(),
        items,
    })
}
