//! Discretised Bayes–Nash equilibria against closed forms (Krishna,
//! *Auction Theory*, 2nd ed., ch. 2–3), solved by dual averaging and
//! checked by the utility-loss verifier.

use std::sync::Arc;

use aftermarket::equilibrium::{
    CoarseToFine, DiscreteGame, FictitiousPlay, Format, Solve, Stop, VerifyGrid,
    solve_coarse_to_fine, verify_cells,
};
use aftermarket::prior::{Mixture, PointMass, Power, Prior, Uniform};

fn uniform() -> Arc<dyn Prior> {
    Arc::new(Uniform::new(0.0, 1.0).expect("uniform"))
}

struct Check {
    linf: f64,
    l2: f64,
    step: f64,
    rel_loss: f64,
}

/// The solver's options for the known-equilibrium checks: 1e-4 on the
/// solve grid, so that the verified loss on the 4x finer grid is below 1e-3.
fn tight() -> CoarseToFine {
    CoarseToFine {
        tol: 1e-4,
        max_iters: 10_000,
        // Split ties at 1e-4: the coarse levels need long runs to hand
        // the finest level a profile it can finish from.
        coarse_iters: 5_000,
        ..CoarseToFine::default()
    }
}

/// Solves, compares the mean bid per type with `closed`, and verifies the
/// solved profile on a grid 4x finer (type and bid cells, exact laws).
fn solve_and_compare(
    format: Format,
    priors: Vec<Arc<dyn Prior>>,
    n: usize,
    b_max: f64,
    closed: impl Fn(f64) -> f64,
) -> Check {
    let game = DiscreteGame::new(format, 0.0, priors.clone(), n, n, b_max).expect("game");
    let sol = solve_coarse_to_fine(&game, &tight()).expect("solve");
    let bids = sol.mean_bids(&game);
    let types = &game.types(0).points;
    let weights = &game.types(0).weights;
    let mut linf = 0.0f64;
    let mut l2 = 0.0;
    for ((&v, &w), &b) in types.iter().zip(weights).zip(&bids[0]) {
        let d = (b - closed(v)).abs();
        linf = linf.max(d);
        l2 += w * d * d;
    }
    let grid = VerifyGrid {
        types: 4 * n,
        bids: 4 * (n - 1) + 1,
        b_max,
    };
    let report = verify_cells(&game, &sol.strategies, &grid).expect("verify");
    let step = b_max / (n - 1) as f64;
    eprintln!(
        "{format:?} n={}: stop {:?} after {} iters in {:?}; L∞ {linf:.4}, L2 {:.4}, grid step {step:.4}, \
         solved rel loss {:.2e}, verified rel loss {:.2e}",
        priors.len(),
        sol.stop,
        sol.iters,
        sol.elapsed,
        l2.sqrt(),
        sol.metrics.max_relative(),
        report.max_relative()
    );
    assert_eq!(sol.stop, Stop::Converged);
    assert!(sol.metrics.max_relative() <= 1e-4);
    Check {
        linf,
        l2: l2.sqrt(),
        step,
        rel_loss: report.max_relative(),
    }
}

/// Mean bids within `linf_steps` bid steps of the closed form (L∞ and L2)
/// and a verified relative loss of at most `max_rel_loss`. On 256 points
/// solved to 1e-4 on the grid, the verified loss on the 4x finer grid is
/// 1e-4 to 8e-4 (2e-3 to 7e-3 on 128 points with ties split).
fn assert_close(c: &Check, linf_steps: f64, max_rel_loss: f64) {
    assert!(
        c.linf <= linf_steps * c.step,
        "L∞ {} > {linf_steps} steps of {}",
        c.linf,
        c.step
    );
    assert!(
        c.l2 <= linf_steps * c.step,
        "L2 {} > {linf_steps} steps of {}",
        c.l2,
        c.step
    );
    assert!(
        c.rel_loss <= max_rel_loss,
        "verified relative loss {}",
        c.rel_loss
    );
}

#[test]
fn first_price_two_uniform_bidders_bid_half_their_value() {
    let c = solve_and_compare(
        Format::FirstPrice,
        vec![uniform(), uniform()],
        256,
        0.6,
        |v| v / 2.0,
    );
    assert_close(&c, 5.0, 1e-3);
}

#[test]
fn first_price_three_uniform_bidders_bid_two_thirds() {
    let c = solve_and_compare(
        Format::FirstPrice,
        vec![uniform(), uniform(), uniform()],
        256,
        0.8,
        |v| 2.0 * v / 3.0,
    );
    assert_close(&c, 5.0, 1e-3);
}

#[test]
fn first_price_power_prior() {
    let a = 2.0;
    let p: Arc<dyn Prior> = Arc::new(Power::new(1.0, a).expect("power"));
    let c = solve_and_compare(Format::FirstPrice, vec![p.clone(), p], 256, 0.8, move |v| {
        a * v / (a + 1.0)
    });
    assert_close(&c, 5.0, 1e-3);
}

#[test]
fn all_pay_two_uniform_bidders_bid_half_the_square() {
    let c = solve_and_compare(Format::AllPay, vec![uniform(), uniform()], 256, 0.6, |v| {
        v * v / 2.0
    });
    assert_close(&c, 5.0, 1e-3);
}

#[test]
fn second_price_is_truthful() {
    let c = solve_and_compare(
        Format::SecondPrice,
        vec![uniform(), uniform()],
        256,
        1.0,
        |v| v,
    );
    assert_close(&c, 5.0, 1e-3);
}

#[test]
fn first_price_with_an_atom_at_zero() {
    let mixed = || -> Arc<dyn Prior> {
        Arc::new(
            Mixture::new(vec![
                (
                    0.5,
                    Arc::new(PointMass::new(0.0).expect("pm")) as Arc<dyn Prior>,
                ),
                (0.5, uniform()),
            ])
            .expect("mixture"),
        )
    };
    let c = solve_and_compare(Format::FirstPrice, vec![mixed(), mixed()], 256, 0.4, |v| {
        v * v / (2.0 * (1.0 + v))
    });
    assert_close(&c, 5.0, 1e-3);
}

#[test]
fn fictitious_play_reduces_the_loss() {
    let game = DiscreteGame::new(
        Format::FirstPrice,
        0.0,
        vec![uniform(), uniform()],
        32,
        32,
        0.6,
    )
    .expect("game");
    let sol = Solve::new(&game, FictitiousPlay::new())
        .max_iters(300)
        .tol(1e-6)
        .run()
        .expect("solve");
    let first = sol.history.first().expect("history").max_relative();
    assert!(sol.metrics.max_relative() < 0.2 * first);
}

#[test]
fn asymmetric_uniform_first_price_meets_the_closed_form() {
    // Krishna §4.3: b_i(v) = (1 - sqrt(1 - k_i v^2)) / (k_i v), k_1 = 3/4 = -k_2.
    let strong: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 2.0).expect("uniform"));
    let priors = vec![uniform(), strong];
    let n = 256;
    let game = DiscreteGame::new(Format::FirstPrice, 0.0, priors.clone(), n, n, 0.8).expect("game");
    let sol = solve_coarse_to_fine(&game, &tight()).expect("solve");
    assert_eq!(sol.stop, Stop::Converged);
    let known = aftermarket::equilibrium::known_equilibrium(&game).expect("closed form");
    let bids = sol.mean_bids(&game);
    let step = 0.8 / (n - 1) as f64;
    for d in aftermarket::equilibrium::distance_to_known(&game, &bids, &known) {
        assert!(d.linf <= 5.0 * step, "L∞ {}", d.linf);
    }
    let grid = VerifyGrid {
        types: 4 * n,
        bids: 4 * (n - 1) + 1,
        b_max: 0.8,
    };
    let eps = verify_cells(&game, &sol.strategies, &grid).expect("verify");
    assert!(eps.max_relative() <= 1e-3, "{}", eps.max_relative());
}
