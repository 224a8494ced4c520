//! The Bayes–Nash solver with an aftermarket inside the loop: Theorem 3 of
//! paper 003 (efficiency of first-price and all-pay with take-it-or-leave-it
//! resale for two i.i.d. bidders, whatever is disclosed) and asymmetric
//! bidders, where resale happens.

use std::sync::Arc;

use aftermarket::equilibrium::{
    BayesGame, Disclosure, DiscreteGame, DualAveraging, Format, MixedStrategy, ResaleGame,
    ResaleRule, ResaleSpec, Solve,
};
use aftermarket::prior::{Prior, Uniform};

fn unif(hi: f64) -> Arc<dyn Prior> {
    Arc::new(Uniform::new(0.0, hi).expect("uniform"))
}

/// The pure profile bidding the grid bid nearest `b(v)`.
fn pure(g: &ResaleGame, i: usize, b: impl Fn(f64) -> f64) -> MixedStrategy {
    let bids = g.bids();
    let step = bids[1] - bids[0];
    let choice: Vec<usize> = g
        .types(i)
        .points
        .iter()
        .map(|&v| ((b(v) / step).round() as usize).min(bids.len() - 1))
        .collect();
    MixedStrategy::pure(&choice, bids.len())
}

fn sup_distance(bids: &[f64], points: &[f64], b: impl Fn(f64) -> f64) -> f64 {
    bids.iter()
        .zip(points)
        .map(|(x, &v)| (x - b(v)).abs())
        .fold(0.0, f64::max)
}

#[test]
fn first_price_with_resale_stays_at_half_the_value() {
    for d in [Disclosure::None, Disclosure::AllBids] {
        let g = ResaleGame::new(
            Format::FirstPrice,
            0.0,
            vec![unif(1.0), unif(1.0)],
            32,
            33,
            0.64,
            d,
            ResaleRule::TakeItOrLeaveIt,
        )
        .expect("game");
        let sol = Solve::new(&g, DualAveraging::entropic(20.0, 0.05).expect("learner"))
            .max_iters(3000)
            .tol(1e-3)
            .run()
            .expect("solve");
        let bids = sol.mean_bids(&g);
        let step = g.bids()[1];
        let out = g.outcomes(&sol.strategies).expect("outcomes");
        let dist = sup_distance(&bids[0], &g.types(0).points, |v| v / 2.0);
        eprintln!(
            "FP {d:?}: stop {:?} after {} iters, rel. loss {:.2e}, sup |b - v/2| = {dist:.4}, resale {:.2e}, efficiency {:.5}",
            sol.stop,
            sol.iters,
            sol.metrics.max_relative(),
            out.resale_probability,
            out.efficiency
        );
        assert!(dist < 3.0 * step, "{d:?}: {dist}");
        assert!(
            out.resale_probability < 0.02,
            "{d:?}: {}",
            out.resale_probability
        );
        assert!(out.efficiency > 0.99);
    }
}

#[test]
fn no_resale_equilibria_are_near_equilibria_with_resale() {
    for (format, b, bmax) in [
        (
            Format::FirstPrice,
            (|v: f64| v / 2.0) as fn(f64) -> f64,
            0.5,
        ),
        (Format::AllPay, |v: f64| v * v / 2.0, 0.5),
    ] {
        for d in [Disclosure::None, Disclosure::AllBids] {
            let g = ResaleGame::new(
                format,
                0.0,
                vec![unif(1.0), unif(1.0)],
                64,
                65,
                bmax,
                d,
                ResaleRule::TakeItOrLeaveIt,
            )
            .expect("game");
            let p = vec![pure(&g, 0, b), pure(&g, 1, b)];
            let m = g.utility_loss(&p).expect("loss");
            let out = g.outcomes(&p).expect("outcomes");
            eprintln!(
                "{format:?} {d:?}: closed form on the grid: rel. loss {:.2e}, resale {:.2e}, efficiency {:.5}",
                m.max_relative(),
                out.resale_probability,
                out.efficiency
            );
            assert!(m.max_relative() < 2e-2);
            assert!(out.resale_probability < 0.02);
        }
    }
}

#[test]
fn asymmetric_bidders_resell() {
    let priors = vec![unif(1.0), unif(2.0)];
    let g = ResaleGame::new(
        Format::FirstPrice,
        0.0,
        priors.clone(),
        24,
        25,
        1.2,
        Disclosure::None,
        ResaleRule::TakeItOrLeaveIt,
    )
    .expect("game");
    let sol = Solve::new(&g, DualAveraging::entropic(20.0, 0.05).expect("learner"))
        .max_iters(2000)
        .tol(1e-3)
        .run()
        .expect("solve");
    let with = g.outcomes(&sol.strategies).expect("outcomes");
    let plain = DiscreteGame::new(Format::FirstPrice, 0.0, priors, 24, 25, 1.2).expect("game");
    let sol0 = Solve::new(
        &plain,
        DualAveraging::entropic(20.0, 0.05).expect("learner"),
    )
    .max_iters(2000)
    .tol(1e-3)
    .run()
    .expect("solve");
    // The no-resale equilibrium evaluated without resale: the same game with
    // the continuation switched off is the plain auction.
    let none = g.outcomes(&sol0.strategies).expect("outcomes");
    eprintln!(
        "asymmetric FP with resale: stop {:?}, rel. loss {:.2e}, welfare {:.4}, revenue {:.4}, resale {:.4}, efficiency {:.4}",
        sol.stop,
        sol.metrics.max_relative(),
        with.welfare,
        with.revenue,
        with.resale_probability,
        with.efficiency
    );
    eprintln!(
        "asymmetric FP no-resale equilibrium: rel. loss {:.2e}, auction welfare {:.4}, revenue {:.4}",
        sol0.metrics.max_relative(),
        none.auction_welfare,
        none.revenue
    );
    assert!(with.resale_probability > 0.01);
}

#[test]
fn scenario_files_build() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/solve");
    for name in [
        "resale-first-price-asymmetric.toml",
        "resale-first-price-symmetric.toml",
        "resale-all-pay-nash.toml",
    ] {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).expect("read");
        let spec: ResaleSpec = toml::from_str(&text).expect("parse");
        let g = spec.build(name, None).expect("build");
        assert_eq!(g.n_bidders(), 2, "{name}");
    }
}

#[test]
fn speculator_in_uniform_price_and_pay_as_bid() {
    use aftermarket::equilibrium::{SpeculatorFormat, SpeculatorGame};
    for format in [SpeculatorFormat::UniformPrice, SpeculatorFormat::PayAsBid] {
        let g =
            SpeculatorGame::new(format, 2, vec![unif(1.0), unif(1.0)], 6, 7, 0.6).expect("game");
        let sol = Solve::new(&g, DualAveraging::entropic(20.0, 0.05).expect("learner"))
            .max_iters(400)
            .tol(1e-3)
            .run()
            .expect("solve");
        let out = g.outcomes(&sol.strategies).expect("outcomes");
        eprintln!(
            "{format:?}: stop {:?} after {} iters, rel. loss {:?}, welfare {:.4} of {:.4}, revenue {:.4}, speculator units {:.3}, resold {:.3}, speculator profit {:.4}",
            sol.stop,
            sol.iters,
            sol.metrics.relative_loss,
            out.welfare,
            out.optimal_welfare,
            out.revenue,
            out.speculator_units,
            out.units_resold,
            out.speculator_utility
        );
        assert!(out.welfare <= out.optimal_welfare + 1e-12);
        // Staying out earns 0, so the speculator loses at most its utility loss.
        assert!(out.speculator_utility >= -sol.metrics.utility_loss[2] - 1e-12);
    }
}

/// The worked example of docs/solve-resale.md (run with `--ignored`).
#[test]
#[ignore]
fn worked_examples_report() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/solve");
    for name in [
        "resale-first-price-asymmetric.toml",
        "resale-first-price-symmetric.toml",
        "resale-all-pay-nash.toml",
    ] {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).expect("read");
        let spec: ResaleSpec = toml::from_str(&text).expect("parse");
        let g = spec.build(name, None).expect("build");
        let sol = spec.learner.run(&g, &mut |_| {}).expect("solve");
        let out = g.outcomes(&sol.strategies).expect("outcomes");
        let eps = g.verify_refined(&sol.strategies, 2).expect("verify");
        let bids = sol.mean_bids(&g);
        eprintln!("{name}: {}", g.describe());
        eprintln!(
            "  stop {:?} after {} iters ({:.1?}); solved rel. loss {:?}; verified (2x grid) rel. loss {:?}",
            sol.stop, sol.iters, sol.elapsed, sol.metrics.relative_loss, eps.relative_loss
        );
        eprintln!("  {out:?}");
        for (i, b) in bids.iter().enumerate().take(2) {
            let pts = &g.types(i).points;
            let picks: Vec<String> = (0..pts.len())
                .step_by((pts.len() / 6).max(1))
                .map(|t| format!("{:.3}->{:.3}", pts[t], b[t]))
                .collect();
            eprintln!("  bidder {i}: {}", picks.join(" "));
        }
    }
}
