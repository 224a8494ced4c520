//! Solves the local-local-global auction on an n × n grid and reports time
//! per iteration, the utility loss reached, the distance of the locals'
//! bids to the closed form, and the peak resident memory.
//!
//! `cargo run --release -p aftermarket --example llg_solve -- 128 nearest-vcg 0.5 500`
//! (grid size, rule, gamma, iteration budget), optionally followed by the
//! learner (`entropic` or `extragradient`), its step size and the tolerance
//! on the relative loss: `... 500 extragradient 200 1e-4`.

use std::time::Instant;

use aftermarket::equilibrium::{
    BayesGame, DualAveraging, Extragradient, LlgGame, LlgParams, LlgRule, Solve,
};

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).map_or(Ok(64), |s| s.parse())?;
    let rule: LlgRule = match args.get(2) {
        Some(s) => toml::Value::String(s.clone()).try_into()?,
        None => LlgRule::NearestVcg,
    };
    let gamma: f64 = args.get(3).map_or(Ok(0.5), |s| s.parse())?;
    let iters: usize = args.get(4).map_or(Ok(500), |s| s.parse())?;
    let game = LlgGame::new(&LlgParams {
        rule,
        gamma,
        types: n,
        bids: n,
    })?;
    let t0 = Instant::now();
    let mut u = Vec::new();
    game.utilities(&game.uniform_state().strategies, &mut u)?;
    let one = t0.elapsed().as_secs_f64();
    let learner = args.get(5).map_or("entropic", String::as_str);
    let eta: f64 = args.get(6).map_or(Ok(20.0), |s| s.parse())?;
    let tol: f64 = args.get(7).map_or(Ok(1e-3), |s| s.parse())?;
    let sol = match learner {
        "extragradient" => Solve::new(&game, Extragradient::new(eta)?)
            .max_iters(iters)
            .tol(tol)
            .history(false)
            .run()?,
        _ => Solve::new(&game, DualAveraging::entropic(eta, 0.0)?)
            .max_iters(iters)
            .tol(tol)
            .history(false)
            .run()?,
    };
    let secs = sol.elapsed.as_secs_f64();
    let bids = sol.mean_bids(&game);
    let (mut linf, mut l2) = (0.0f64, 0.0);
    if rule.local_bne(gamma, 0.5).is_some() {
        for (&v, &b) in game.local_types().iter().zip(&bids[0]) {
            let d = (b - rule.local_bne(gamma, v).unwrap_or(0.0)).abs();
            linf = linf.max(d);
            l2 += d * d / n as f64;
        }
    }
    println!(
        "llg {} gamma {gamma} n {n}: one evaluation {:.1} ms, {} iters in {secs:.2} s ({:.1} ms/iter), stop {}, max rel. loss {:.2e}, L_inf {linf:.4}, L2 {:.4}, peak RSS {:.0} MiB",
        rule.name(),
        one * 1e3,
        sol.iters,
        secs * 1e3 / sol.iters.max(1) as f64,
        sol.stop.name(),
        sol.metrics.max_relative(),
        l2.sqrt(),
        peak_rss_mib().unwrap_or(f64::NAN),
    );
    Ok(())
}
