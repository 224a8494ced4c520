//! `aftermarket solve`: a Bayes-Nash equilibrium of a game file on a grid
//! of types and actions.

use std::io::Write;
use std::path::Path;

use aftermarket::analysis::smoothness::{Bound, GridWelfare, grid_welfare, poa_bound};
use aftermarket::equilibrium::{
    BayesGame, BidFn, BneReport, BuiltGame, Curve, DiscreteGame, Distance, GameSpec,
    KnownEquilibrium, Metrics, RestartReport, Solution, Stop, VerifyGrid, bid_functions_svg,
    distance_to_known, known_equilibrium, verify_cells, verify_cells_monte_carlo,
    verify_monte_carlo, verify_on_grid, verify_refined,
};
use aftermarket::strategy::{StrategyEntry, StrategyFile};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::Verdict;
use crate::report::{Table, num};

/// Version of the `solve` JSON object.
pub const SOLVE_JSON_VERSION: u32 = 2;

/// How finely the solved profile is checked: types and bids this many
/// times finer than the solve grid.
const VERIFY_FACTOR: usize = 4;
/// Fresh types per bidder of the Monte Carlo estimate, and its seed.
const MC_DRAWS: usize = 20_000;
const MC_SEED: u64 = 1;

/// Peak resident memory of this process in bytes (Linux `VmHWM`).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The verified utility loss of a profile: exact bid laws for the
/// single-item auction, else the generic check on a refined grid.
pub struct Verified {
    /// Absolute loss per bidder.
    pub utility_loss: Vec<f64>,
    /// Relative loss per bidder.
    pub relative_loss: Vec<f64>,
    /// How it was measured.
    pub how: String,
    /// Measured beyond the solve grid.
    pub finer: bool,
    /// The same loss for continuous types, estimated over fresh draws (a
    /// single-item game), and how.
    pub monte_carlo: Option<(BneReport, String)>,
}

impl Verified {
    fn from_report(r: BneReport, how: String) -> Self {
        Verified {
            utility_loss: r.utility_loss,
            relative_loss: r.relative_loss,
            how,
            finer: true,
            monte_carlo: None,
        }
    }
    /// Adds the Monte Carlo estimate over fresh types (`MC_DRAWS`, seed
    /// `MC_SEED`) with deviations on `grid`.
    fn with_monte_carlo(mut self, mc: BneReport, grid: &VerifyGrid) -> Self {
        let how = format!(
            "{MC_DRAWS} fresh types per bidder (seed {MC_SEED}), {} deviation bids, 95% interval",
            grid.bids
        );
        self.monte_carlo = Some((mc, how));
        self
    }
    fn from_metrics(m: Metrics, how: String, finer: bool) -> Self {
        Verified {
            utility_loss: m.utility_loss,
            relative_loss: m.relative_loss,
            how,
            finer,
            monte_carlo: None,
        }
    }
    /// The largest relative loss.
    pub fn max_relative(&self) -> f64 {
        self.relative_loss.iter().copied().fold(0.0, f64::max)
    }
}

/// Verifies bid functions of a single-item game on a grid `VERIFY_FACTOR`
/// times finer, with exact rival bid laws.
pub fn verify_single(single: &DiscreteGame, profile: &[BidFn]) -> anyhow::Result<Verified> {
    let grid = VerifyGrid {
        types: VERIFY_FACTOR * single.cells(),
        bids: VERIFY_FACTOR * (single.n_bids() - 1) + 1,
        b_max: single.b_max(),
    };
    let r = verify_on_grid(
        single.format(),
        single.reserve(),
        single.priors(),
        profile,
        &grid,
    )?;
    let mc = verify_monte_carlo(
        single.format(),
        single.reserve(),
        single.priors(),
        profile,
        &grid,
        MC_DRAWS,
        MC_SEED,
    )?;
    Ok(Verified::from_report(
        r,
        format!(
            "exact rival bid laws, {} types x {} bids",
            grid.types, grid.bids
        ),
    )
    .with_monte_carlo(mc, &grid))
}

fn verify_solution(built: &BuiltGame, sol: &Solution) -> anyhow::Result<Verified> {
    let game = built.game.as_ref();
    // A single-item game is checked as the continuous auction it stands
    // for: grid bids spread over their cells, so the rivals' laws have no
    // atoms and the tie rule no longer matters.
    if let Some(single) = built.single_item.as_ref() {
        let grid = VerifyGrid {
            types: VERIFY_FACTOR * single.cells(),
            bids: VERIFY_FACTOR * (single.n_bids() - 1) + 1,
            b_max: single.b_max(),
        };
        let r = verify_cells(single, &sol.strategies, &grid)?;
        let mc = verify_cells_monte_carlo(single, &sol.strategies, &grid, MC_DRAWS, MC_SEED)?;
        return Ok(Verified::from_report(
            r,
            format!(
                "type and bid cells, exact rival bid laws, {} types x {} bids",
                grid.types, grid.bids
            ),
        )
        .with_monte_carlo(mc, &grid));
    }
    Ok(
        match verify_refined(game, &sol.strategies, VERIFY_FACTOR)? {
            Some(m) => Verified::from_metrics(
                m,
                format!("grid {VERIFY_FACTOR}x finer, type and action cells"),
                true,
            ),
            None => Verified::from_metrics(sol.metrics.clone(), "the solve grid".into(), false),
        },
    )
}

fn type_coord(game: &dyn BayesGame, i: usize, t: usize) -> f64 {
    game.type_point(i, t).first().copied().unwrap_or(0.0)
}

pub fn run(
    path: &Path,
    json_out: bool,
    strategies_out: Option<&Path>,
    plot: Option<&Path>,
) -> anyhow::Result<Verdict> {
    let origin = path.display().to_string();
    let built = GameSpec::from_path(path)?.build(&origin, path.parent().map(Path::to_path_buf))?;
    let game = built.game.as_ref();
    let lf = &built.spec.learner;
    let bar = if json_out {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(lf.max_iters as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let sol = built.solve(&origin, &mut |p| {
        bar.set_position(p.iter as u64);
        bar.set_message(format!("rel. loss {:.2e}", p.metrics.max_relative()));
    })?;
    bar.finish_and_clear();
    let means = sol.mean_actions(game);
    let eps = verify_solution(&built, &sol)?;
    let outcomes = game.outcomes(&sol.strategies);
    let restarts = built.restarts(&origin)?;
    let known: Option<(KnownEquilibrium, Vec<Distance>)> =
        built.single_item.as_ref().and_then(|g| {
            known_equilibrium(g).map(|k| {
                let d = distance_to_known(g, &sol.mean_bids(game), &k);
                (k, d)
            })
        });
    // Smoothness bounds every equilibrium's OPT/welfare; shown beside this one's.
    let poa: Option<(Bound, GridWelfare)> = match built.single_item.as_ref() {
        Some(g) => Some((
            poa_bound(g.format().name()),
            grid_welfare(g, &sol.strategies)?,
        )),
        None => None,
    };
    let peak = peak_rss_bytes();
    if let Some(out) = strategies_out {
        let entries = built
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| StrategyEntry::Table {
                bidder: n.clone(),
                types: (0..means[i].len())
                    .map(|t| type_coord(game, i, t))
                    .collect(),
                bids: means[i]
                    .iter()
                    .map(|a| a.first().copied().unwrap_or(0.0))
                    .collect(),
            })
            .collect();
        std::fs::write(out, StrategyFile::new(entries).to_json())
            .with_context(|| format!("{}: cannot write", out.display()))?;
    }
    if let Some(out) = plot {
        write_plot(out, &built, &means, known.as_ref().map(|k| &k.0))?;
    }
    let report = Report {
        built: &built,
        sol: &sol,
        means: &means,
        eps: &eps,
        outcomes,
        restarts: restarts.as_ref(),
        known: known.as_ref(),
        poa: poa.as_ref(),
        peak,
    };
    if json_out {
        print_json(&report)?;
    } else {
        print_text(&report)?;
    }
    Ok(if sol.stop == Stop::Converged {
        Verdict::Ok
    } else {
        Verdict::NotGood
    })
}

fn write_plot(
    out: &Path,
    built: &BuiltGame,
    means: &[Vec<Vec<f64>>],
    known: Option<&KnownEquilibrium>,
) -> anyhow::Result<()> {
    let game = built.game.as_ref();
    let mut curves = Vec::new();
    let mut colour = Vec::new();
    for (i, n) in built.names.iter().enumerate() {
        let x: Vec<f64> = (0..means[i].len())
            .map(|t| type_coord(game, i, t))
            .collect();
        curves.push(Curve {
            name: format!("{n} (solved)"),
            x: x.clone(),
            y: means[i]
                .iter()
                .map(|a| a.first().copied().unwrap_or(0.0))
                .collect(),
            dashed: false,
        });
        colour.push(i);
        if let Some(k) = known {
            curves.push(Curve {
                name: format!("{n} (closed form)"),
                y: x.iter().map(|&v| k.bids[i](v)).collect(),
                x,
                dashed: true,
            });
            colour.push(i);
        }
    }
    let svg = bid_functions_svg(&game.describe(), &curves, &colour)?;
    std::fs::write(out, svg).with_context(|| format!("{}: cannot write", out.display()))
}

/// Everything `solve` reports about one solution.
struct Report<'a> {
    built: &'a BuiltGame,
    sol: &'a Solution,
    means: &'a [Vec<Vec<f64>>],
    eps: &'a Verified,
    outcomes: Option<aftermarket::equilibrium::Outcomes>,
    restarts: Option<&'a RestartReport>,
    known: Option<&'a (KnownEquilibrium, Vec<Distance>)>,
    poa: Option<&'a (Bound, GridWelfare)>,
    peak: Option<u64>,
}

fn print_json(r: &Report<'_>) -> anyhow::Result<()> {
    let &Report {
        built,
        sol,
        means,
        eps,
        outcomes,
        restarts,
        known,
        poa,
        peak,
    } = r;
    let mut out = std::io::stdout().lock();
    let game = built.game.as_ref();
    let v = json!({
        "format": "aftermarket-solve",
        "version": SOLVE_JSON_VERSION,
        "game": game.describe(),
        "learner": built.spec.learner.kind,
        "stop": sol.stop.name(),
        "iters": sol.iters,
        "seconds": sol.elapsed.as_secs_f64(),
        "peak_rss_bytes": peak,
        "verified_by": eps.how,
        "verdict": json!({
            "converged": sol.stop == Stop::Converged,
            "verified": is_verified(sol, eps),
            "target_relative": VERIFIED_TARGET,
            "verified_relative": eps.max_relative(),
            "text": verdict_text(sol, eps),
        }),
        "monte_carlo": eps.monte_carlo.as_ref().map(|(_, how)| how),
        "outcomes": outcomes.map(|o| json!({
            "welfare": o.welfare, "revenue": o.revenue, "efficiency": o.efficiency,
        })),
        "poa_bound": poa.map(|(b, gw)| json!({
            "ratio": b.poa(),
            "smoothness": b.smoothness,
            "text": b.describe(),
            "welfare": gw.welfare,
            "optimal_welfare": gw.optimal,
            "opt_over_welfare": gw.ratio(),
        })),
        "known_equilibrium": known.map(|(k, d)| json!({
            "name": k.name,
            "linf": d.iter().map(|x| x.linf).collect::<Vec<_>>(),
            "l2": d.iter().map(|x| x.l2).collect::<Vec<_>>(),
        })),
        "restarts": restarts.map(|r| json!({
            "runs": r.runs,
            "worst_welfare_found": r.worst_welfare_found().map(|(_, w)| w),
            "equilibria": r.found.iter().map(|f| json!({
                "start": f.start.name(),
                "count": f.count,
                "stop": f.solution.stop.name(),
                "relative_loss": f.solution.metrics.max_relative(),
                "welfare": f.outcomes.map(|o| o.welfare),
                "revenue": f.outcomes.map(|o| o.revenue),
                "efficiency": f.outcomes.map(|o| o.efficiency),
            })).collect::<Vec<_>>(),
        })),
        "bidders": built.names.iter().enumerate().map(|(i, n)| json!({
            "name": n,
            "types": (0..means[i].len()).map(|t| game.type_point(i, t).to_vec()).collect::<Vec<_>>(),
            "mean_actions": means[i],
            "solved_relative_loss": sol.metrics.relative_loss.get(i),
            "verified_utility_loss": eps.utility_loss.get(i),
            "verified_relative_loss": eps.relative_loss.get(i),
            "monte_carlo_utility_loss": eps.monte_carlo.as_ref().and_then(|(r, _)| r.utility_loss.get(i)),
            "monte_carlo_half_width": eps.monte_carlo.as_ref().and_then(|(r, _)| r.half_width.get(i)),
            "monte_carlo_relative_loss": eps.monte_carlo.as_ref().and_then(|(r, _)| r.relative_loss.get(i)),
        })).collect::<Vec<_>>(),
    });
    writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    Ok(())
}

fn print_text(r: &Report<'_>) -> std::io::Result<()> {
    let &Report {
        built,
        sol,
        means,
        eps,
        outcomes,
        restarts,
        known,
        poa,
        peak,
    } = r;
    let mut out = std::io::stdout().lock();
    let game = built.game.as_ref();
    writeln!(out, "{}", game.describe())?;
    for (i, n) in built.names.iter().enumerate() {
        writeln!(out, "{n}")?;
        let dim = means[i].first().map_or(1, Vec::len);
        let mut head = vec!["type".to_string()];
        match game.action_labels(i) {
            Some(labels) if labels.len() == dim => {
                head.extend(labels.iter().map(|l| format!("mean {l}")));
            }
            _ if dim == 1 => head.push("mean bid".into()),
            _ => head.extend((1..=dim).map(|k| format!("mean bid {k}"))),
        }
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        let mut t = Table::new(&head);
        let k = means[i].len();
        let mut rows = vec![0, k / 4, k / 2, 3 * k / 4, k.saturating_sub(1)];
        rows.dedup();
        for q in rows {
            if let Some(a) = means[i].get(q) {
                let tp = game.type_point(i, q);
                let mut row = vec![tp.iter().map(|x| num(*x)).collect::<Vec<_>>().join(", ")];
                row.extend(a.iter().map(|x| num(*x)));
                t.row(row);
            }
        }
        write!(out, "{}", t.render())?;
        if let (Some(l), Some(r)) = (eps.utility_loss.get(i), eps.relative_loss.get(i)) {
            writeln!(out, "ε (verified utility loss): {l:.2e} (relative {r:.2e})")?;
        }
        if let Some((mc, _)) = &eps.monte_carlo
            && let (Some(l), Some(h), Some(r)) = (
                mc.utility_loss.get(i),
                mc.half_width.get(i),
                mc.relative_loss.get(i),
            )
        {
            writeln!(
                out,
                "ε for continuous types (Monte Carlo): {l:.2e} ± {h:.1e} (relative {r:.2e})"
            )?;
        }
        if let Some((_, d)) = known
            && let Some(d) = d.get(i)
        {
            writeln!(
                out,
                "distance to the closed form: L∞ {}, L2 {}",
                num(d.linf),
                num(d.l2)
            )?;
        }
    }
    writeln!(out, "ε verified on: {}", eps.how)?;
    if let Some((_, how)) = &eps.monte_carlo {
        writeln!(out, "Monte Carlo: {how}")?;
    }
    if let Some((k, _)) = known {
        writeln!(out, "closed form: {}", k.name)?;
    }
    if let Some(o) = outcomes {
        writeln!(
            out,
            "outcomes: welfare {}, revenue {}, efficiency {}",
            num(o.welfare),
            num(o.revenue),
            num(o.efficiency)
        )?;
    }
    if let Some((b, gw)) = poa {
        writeln!(
            out,
            "OPT/welfare on the grid: {} (welfare {}, OPT {}); PoA bound (smoothness): {}",
            num(gw.ratio()),
            num(gw.welfare),
            num(gw.optimal),
            b.describe()
        )?;
    }
    if let Some(r) = restarts {
        writeln!(
            out,
            "restarts: {} starts, {} distinct equilibria found",
            r.runs,
            r.found.len()
        )?;
        let mut t = Table::new(&[
            "#",
            "first start",
            "starts",
            "stop",
            "rel. loss",
            "welfare",
            "revenue",
            "efficiency",
        ]);
        for (k, f) in r.found.iter().enumerate() {
            let o = |g: fn(&aftermarket::equilibrium::Outcomes) -> f64| {
                f.outcomes.as_ref().map_or("-".into(), |x| num(g(x)))
            };
            t.row(vec![
                (k + 1).to_string(),
                f.start.name(),
                f.count.to_string(),
                f.solution.stop.name().into(),
                num(f.solution.metrics.max_relative()),
                o(|x| x.welfare),
                o(|x| x.revenue),
                o(|x| x.efficiency),
            ]);
        }
        write!(out, "{}", t.render())?;
        if let Some((k, w)) = r.worst_welfare_found() {
            writeln!(
                out,
                "worst welfare found: {} (equilibrium {})",
                num(w),
                k + 1
            )?;
        }
    }
    let mem = peak.map_or_else(
        || "unknown".into(),
        |b| format!("{:.1} MiB", b as f64 / 1048576.0),
    );
    writeln!(
        out,
        "{} iterations of {} in {:.3} s; stop: {}; peak memory {mem}",
        sol.iters,
        built.spec.learner.kind,
        sol.elapsed.as_secs_f64(),
        sol.stop.name()
    )?;
    writeln!(out, "verdict: {}", verdict_text(sol, eps))
}

/// The verified relative ε a solution must reach to be called an
/// ε-equilibrium in the report.
const VERIFIED_TARGET: f64 = 1e-3;

/// Converged on the grid and verified at most [`VERIFIED_TARGET`] beyond it.
fn is_verified(sol: &Solution, eps: &Verified) -> bool {
    sol.stop == Stop::Converged && eps.finer && eps.max_relative() <= VERIFIED_TARGET
}

/// Converged on the grid, and verified below [`VERIFIED_TARGET`] on the
/// finer check.
fn verdict_text(sol: &Solution, eps: &Verified) -> String {
    let verified = eps.max_relative();
    let on_grid = sol.metrics.max_relative();
    if sol.stop != Stop::Converged {
        format!(
            "not converged ({} after {} iterations): relative ε reached {on_grid:.2e} on the solve grid, {verified:.2e} verified",
            sol.stop.name(),
            sol.iters
        )
    } else if !eps.finer {
        format!(
            "converged on the solve grid (relative ε {on_grid:.2e}); this game has no finer grid to verify on"
        )
    } else if is_verified(sol, eps) {
        format!("ε-equilibrium: verified relative ε {verified:.2e} <= {VERIFIED_TARGET:.0e}")
    } else {
        format!(
            "not converged to {VERIFIED_TARGET:.0e} on the finer check: relative ε reached {verified:.2e} there ({on_grid:.2e} on the solve grid; a finer grid or a smaller tol narrows it)"
        )
    }
}
