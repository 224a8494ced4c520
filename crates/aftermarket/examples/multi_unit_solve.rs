//! Solves a multi-unit game file (see docs/solve-games.md) with entropic
//! dual averaging and prints the mean bid vectors, the utility loss and
//! the time.
//!
//! `cargo run --release -p aftermarket --example multi_unit_solve -- scenarios/solve/pay-as-bid-2-units-3-bidders.toml 1000`

use aftermarket::equilibrium::{BayesGame, DualAveraging, MultiUnitSpec, Solve};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .ok_or("usage: multi_unit_solve <game.toml> [iters]")?;
    let iters: usize = args.get(2).map_or(Ok(1000), |s| s.parse())?;
    let spec: MultiUnitSpec = toml::from_str(&std::fs::read_to_string(path)?)?;
    let game = spec.build(path)?;
    let sol = Solve::new(&game, DualAveraging::entropic(20.0, 0.0)?)
        .max_iters(iters)
        .tol(1e-3)
        .history(false)
        .run()?;
    println!(
        "{}: {} actions, {} iters in {:.2} s ({:.1} ms/iter), stop {}, max rel. loss {:.2e}",
        game.describe(),
        game.n_actions(0),
        sol.iters,
        sol.elapsed.as_secs_f64(),
        sol.elapsed.as_secs_f64() * 1e3 / sol.iters.max(1) as f64,
        sol.stop.name(),
        sol.metrics.max_relative()
    );
    let means = sol.mean_actions(&game);
    for (t, a) in means[0].iter().enumerate().step_by(4) {
        println!("  bidder 1 type {:?}: {a:.3?}", game.type_point(0, t));
    }
    Ok(())
}
