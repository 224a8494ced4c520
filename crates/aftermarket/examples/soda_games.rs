//! Our side of the side-by-side against SODA (docs/benchmarks.md): the
//! nine single-item games (first-price with two and three bidders, all-pay
//! with two bidding on [0, 0.7]; values uniform on [0, 1]; ties lose; 64,
//! 128 and 256 points of types and bids), each solved by the default
//! solver (extragradient from coarse to fine grids) to the relative
//! utility loss SODA ended at, timed over several runs.
//!
//! `cargo run --release -p aftermarket --example soda_games -- [runs] [eta] [filter]`
//! (default 5 runs, step size 200, every game; a filter such as `fpa3`
//! keeps the games whose name contains it).

use std::sync::Arc;

use aftermarket::equilibrium::{CoarseToFine, DiscreteGame, Format, Ties, solve_coarse_to_fine};
use aftermarket::prior::{Prior, Uniform};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args.get(1).map_or(Ok(5), |s| s.parse())?;
    let eta: f64 = args.get(2).map_or(Ok(200.0), |s| s.parse())?;
    let filter = args.get(3).cloned().unwrap_or_default();
    let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0)?);
    // SODA's final relative loss (median of seeds 1-3) per game and grid: its tol of
    // 1e-4 where it converged, the loss after its 1,000 iterations where
    // it did not.
    let games = [
        (
            "fpa2",
            Format::FirstPrice,
            2usize,
            1.0,
            [1.0e-4, 1.0e-4, 1.0e-4],
        ),
        ("fpa3", Format::FirstPrice, 3, 1.0, [1.0e-4, 1.4e-4, 1.8e-4]),
        ("allpay2", Format::AllPay, 2, 0.7, [1.0e-4, 5.2e-4, 8.0e-4]),
    ];
    println!("game\tgrid\ttol\titerations\tmedian ms\tmin ms\tmax ms\trel. loss");
    for (name, format, bidders, b_max, tols) in games {
        if !name.contains(filter.as_str()) {
            continue;
        }
        for (n, tol) in [64usize, 128, 256].into_iter().zip(tols) {
            let game = DiscreteGame::new(format, 0.0, vec![u.clone(); bidders], n, n, b_max)?
                .with_ties(Ties::Lose);
            let opts = CoarseToFine {
                eta,
                tol,
                max_iters: 20_000,
                ..CoarseToFine::default()
            };
            let mut times = Vec::with_capacity(runs);
            let mut last = None;
            for _ in 0..runs {
                let sol = solve_coarse_to_fine(&game, &opts)?;
                times.push(sol.elapsed.as_secs_f64() * 1e3);
                last = Some(sol);
            }
            times.sort_by(f64::total_cmp);
            let sol = last.ok_or("no run")?;
            println!(
                "{name}\t{n}\t{tol:.1e}\t{}\t{:.2}\t{:.2}\t{:.2}\t{:.2e}",
                sol.iters,
                times[times.len() / 2],
                times[0],
                times[times.len() - 1],
                sol.metrics.max_relative()
            );
        }
    }
    Ok(())
}
