//! `aftermarket sweep`: a scenario over a grid of parameter values.

use std::io::Write;
use std::path::Path;

use aftermarket::analysis::sweep::{
    Axis, CsvSink, EvalOptions, Grid, Overlay, Scale, ScenarioTarget, SweepRow, SweepTable,
    SweepTarget, plot_sweep, run_sweep,
};
use aftermarket::equilibrium::named::regimes_target::RegimesTarget;
use aftermarket::scenario::Method;
use anyhow::{Context, bail};

use crate::Verdict;
use crate::args::SweepArgs;
use crate::report::{Table, num};

pub fn run(a: &SweepArgs) -> anyhow::Result<Verdict> {
    let path = &a.scenario;
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("{origin}: cannot read"))?;
    let axes = a
        .axes
        .iter()
        .map(|s| Axis::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    let grid = Grid::new(axes)?;
    let method = match a.method.as_deref() {
        Some("exact") => Some(Method::Exact),
        Some("monte-carlo") => Some(Method::MonteCarlo),
        Some("auto") => Some(Method::Auto),
        _ => None,
    };
    if a.episodes == Some(0) {
        bail!("--episodes must be at least 1");
    }
    let scenario_target;
    let regimes_target;
    // (target, measures, how it evaluates, default seed)
    let (target, measures, how, default_seed): (&dyn SweepTarget, Vec<String>, String, u64) =
        if a.model == "regimes" {
            regimes_target = RegimesTarget::new(&text, &origin, grid.axes(), &a.measures)?;
            let m = regimes_target.measures().to_vec();
            (
                &regimes_target,
                m,
                "paper 001 regimes, exact".to_string(),
                1,
            )
        } else {
            scenario_target = ScenarioTarget::new(
                &text,
                &origin,
                path.parent().map(Path::to_path_buf),
                grid.axes(),
                &a.measures,
                EvalOptions {
                    method,
                    episodes: a.episodes,
                },
            )?;
            let how = if scenario_target.is_exact() {
                "exact".to_string()
            } else {
                format!(
                    "monte carlo, {} episodes per point",
                    scenario_target.mc().episodes
                )
            };
            let m = scenario_target.measures().to_vec();
            let seed = scenario_target.mc().seed;
            (&scenario_target, m, how, seed)
        };
    let columns = target.columns();

    // Check the picture's options before spending time on the sweep.
    let overlays = a
        .overlays
        .iter()
        .map(|s| Overlay::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    let plot_measure = a
        .plot_measure
        .clone()
        .or_else(|| measures.first().cloned())
        .unwrap_or_default();
    if a.svg.is_some() {
        if !columns.contains(&plot_measure) {
            bail!(
                "--plot-measure `{plot_measure}` is not recorded; recorded: {}",
                columns.join(", ")
            );
        }
        if grid.axes().len() > 2 {
            bail!(
                "--svg draws one or two axes; the sweep has {}",
                grid.axes().len()
            );
        }
    } else if a.plot_measure.is_some() || !a.overlays.is_empty() || a.threshold.is_some() {
        bail!("--plot-measure, --overlay and --threshold need --svg");
    }

    if let Some(t) = a.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t.max(1))
            .build_global()
            .context("setting the thread count")?;
    }
    let seed = a.seed.unwrap_or(default_seed);
    let out = &a.out;
    let mut sink = if a.resume {
        CsvSink::resume(out, &grid.fields(), &columns)?
    } else {
        if out.exists() && !a.force {
            bail!(
                "{}: already exists; pass --resume to continue that sweep or --force to replace it",
                out.display()
            );
        }
        CsvSink::create(out, &grid.fields(), &columns)?
    };
    eprintln!(
        "sweep: {} point(s); {how}; seed {seed}; writing {}",
        grid.len(),
        out.display()
    );

    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {bar:40} {pos}/{len} points ({elapsed} elapsed, eta {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let summary = run_sweep(target, &grid, seed, &mut sink, Some(&progress));
    bar.finish_and_clear();
    let summary = summary?;
    let table = SweepTable::read_csv(out, grid.axes().len())?;

    let mut s = format!("sweep of {origin}\n");
    s.push_str(&format!("method: {how}; seed: {seed}\n"));
    s.push_str(&format!(
        "points: {} ({} resumed, {} evaluated now); failed: {}\n",
        summary.points,
        summary.resumed,
        summary.evaluated,
        table.rows.iter().filter(|r| r.values.is_err()).count()
    ));
    s.push_str(&format!("results: {}\n", out.display()));
    s.push('\n');
    s.push_str(&extremes(&table));
    if let Some(svg) = &a.svg {
        let scale = a.threshold.map_or(Scale::Continuous, Scale::Threshold);
        let picture = plot_sweep(
            &table,
            &grid,
            &plot_measure,
            &overlays,
            scale,
            a.title.as_deref(),
        )?;
        std::fs::write(svg, picture).with_context(|| format!("{}: cannot write", svg.display()))?;
        s.push_str(&format!("\npicture: {}\n", svg.display()));
    }
    std::io::stdout().lock().write_all(s.as_bytes())?;

    let failed: Vec<&SweepRow> = table.rows.iter().filter(|r| r.values.is_err()).collect();
    if let Some(first) = failed.first() {
        eprintln!(
            "warning: {} point(s) failed; first, point {} ({}): {}",
            failed.len(),
            first.point,
            at(&table, first),
            first.values.as_ref().err().map_or("", String::as_str)
        );
        return Ok(Verdict::NotGood);
    }
    Ok(Verdict::Ok)
}

fn at(table: &SweepTable, r: &SweepRow) -> String {
    table
        .fields
        .iter()
        .zip(&r.params)
        .map(|(f, x)| format!("{f}={}", num(*x)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Smallest and largest value of each measure, and where.
fn extremes(table: &SweepTable) -> String {
    let mut t = Table::new(&["measure", "min", "at", "max", "at"]);
    for (c, name) in table.columns.iter().enumerate() {
        if name.ends_with("_se") {
            continue;
        }
        let vals = table.rows.iter().filter_map(|r| {
            let v = r.values.as_ref().ok()?.get(c).copied()?;
            v.is_finite().then_some((v, r))
        });
        let lo = vals.clone().min_by(|a, b| a.0.total_cmp(&b.0));
        let hi = vals.max_by(|a, b| a.0.total_cmp(&b.0));
        match (lo, hi) {
            (Some(lo), Some(hi)) => t.row(vec![
                name.clone(),
                num(lo.0),
                at(table, lo.1),
                num(hi.0),
                at(table, hi.1),
            ]),
            _ => t.row(vec![
                name.clone(),
                "-".into(),
                String::new(),
                "-".into(),
                String::new(),
            ]),
        }
    }
    t.render()
}
