//! `aftermarket solve`: a Bayes-Nash equilibrium of a single-item auction
//! on a grid of types and bids.

use std::path::Path;
use std::sync::Arc;

use aftermarket::analysis::smoothness::{grid_welfare, poa_bound};
use aftermarket::equilibrium::{
    BestResponse, BidFn, DiscreteGame, DualAveraging, FictitiousPlay, Format, Learner, Solution,
    Solve, Stop, VerifyGrid, table_bid_fn, verify_on_grid,
};
use aftermarket::prior::Prior;
use aftermarket::scenario::raw::RawPrior;
use aftermarket::scenario::scalar_law;
use aftermarket::strategy::{StrategyEntry, StrategyFile};
use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;

use crate::Verdict;
use crate::report::{Table, num};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GameFile {
    format: String,
    #[serde(default)]
    reserve: f64,
    bidders: Vec<BidderFile>,
    #[serde(default)]
    grid: GridFile,
    #[serde(default)]
    learner: LearnerFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BidderFile {
    #[serde(default)]
    name: Option<String>,
    prior: RawPrior,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct GridFile {
    types: usize,
    bids: usize,
    b_max: Option<f64>,
}

impl Default for GridFile {
    fn default() -> Self {
        GridFile {
            types: 128,
            bids: 128,
            b_max: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LearnerFile {
    kind: String,
    eta: f64,
    beta: f64,
    max_iters: usize,
    tol: f64,
}

impl Default for LearnerFile {
    fn default() -> Self {
        LearnerFile {
            kind: "soda-entropic".into(),
            eta: 2.0,
            beta: 0.0,
            max_iters: 2000,
            tol: 1e-3,
        }
    }
}

fn run_learner<L: Learner>(
    game: &DiscreteGame,
    learner: L,
    lf: &LearnerFile,
    bar: &ProgressBar,
) -> anyhow::Result<Solution> {
    Solve::new(game, learner)
        .max_iters(lf.max_iters)
        .tol(lf.tol)
        .history(false)
        .observe(
            |p| {
                bar.set_position(p.iter as u64);
                bar.set_message(format!("rel. loss {:.2e}", p.metrics.max_relative()));
            },
            10,
        )
        .run()
        .context("solving")
}

pub fn run(path: &Path, json: bool, strategies_out: Option<&Path>) -> anyhow::Result<Verdict> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("{origin}: cannot read"))?;
    let gf: GameFile = toml::from_str(&text).with_context(|| format!("{origin}: bad game file"))?;
    let format = match gf.format.as_str() {
        "first-price" => Format::FirstPrice,
        "second-price" => Format::SecondPrice,
        "all-pay" => Format::AllPay,
        other => bail!(
            "{origin}: format must be \"first-price\", \"second-price\" or \"all-pay\", got {other:?}"
        ),
    };
    let mut priors: Vec<Arc<dyn Prior>> = Vec::new();
    let mut names = Vec::new();
    for (i, b) in gf.bidders.iter().enumerate() {
        let field = format!("bidders[{i}].prior");
        priors.push(scalar_law(
            &b.prior,
            &origin,
            &field,
            path.parent().map(Path::to_path_buf),
        )?);
        names.push(
            b.name
                .clone()
                .unwrap_or_else(|| format!("bidder {}", i + 1)),
        );
    }
    let b_max = match gf.grid.b_max {
        Some(b) => b,
        None => priors.iter().map(|p| p.support().1).fold(0.0, f64::max),
    };
    let game = DiscreteGame::new(
        format,
        gf.reserve,
        priors.clone(),
        gf.grid.types,
        gf.grid.bids,
        b_max,
    )
    .with_context(|| format!("{origin}: bad game"))?;
    let lf = &gf.learner;
    let bar = ProgressBar::new(lf.max_iters as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let sol = match lf.kind.as_str() {
        "soda-entropic" => run_learner(&game, DualAveraging::entropic(lf.eta, lf.beta)?, lf, &bar)?,
        "soda-euclidean" => {
            run_learner(&game, DualAveraging::euclidean(lf.eta, lf.beta)?, lf, &bar)?
        }
        "fictitious-play" => run_learner(&game, FictitiousPlay::new(), lf, &bar)?,
        "best-response" => run_learner(&game, BestResponse::new(), lf, &bar)?,
        other => bail!(
            "{origin}: learner.kind must be \"soda-entropic\", \"soda-euclidean\", \"fictitious-play\" or \"best-response\", got {other:?}"
        ),
    };
    bar.finish_and_clear();
    let bids = sol.mean_bids(&game);
    let profile: Vec<BidFn> = (0..priors.len())
        .map(|i| table_bid_fn(game.types(i).points.clone(), bids[i].clone()))
        .collect::<Result<_, _>>()?;
    let vgrid = VerifyGrid {
        types: 4 * gf.grid.types,
        bids: 4 * gf.grid.bids,
        b_max,
    };
    let eps = verify_on_grid(format, gf.reserve, &priors, &profile, &vgrid)?;
    // Smoothness bounds every equilibrium's OPT/welfare; shown beside this one's.
    let bound = poa_bound(format.name());
    let gw = grid_welfare(&game, &sol.strategies)?;
    if let Some(out) = strategies_out {
        let entries = names
            .iter()
            .enumerate()
            .map(|(i, n)| StrategyEntry::Table {
                bidder: n.clone(),
                types: game.types(i).points.clone(),
                bids: bids[i].clone(),
            })
            .collect();
        std::fs::write(out, StrategyFile::new(entries).to_json())
            .with_context(|| format!("{}: cannot write", out.display()))?;
    }
    if json {
        let v = serde_json::json!({
            "format": "aftermarket-solve",
            "version": 1,
            "stop": sol.stop.name(),
            "iters": sol.iters,
            "seconds": sol.elapsed.as_secs_f64(),
            "welfare": gw.welfare,
            "optimal_welfare": gw.optimal,
            "poa_bound": {
                "ratio": bound.poa(),
                "smoothness": bound.smoothness,
                "text": bound.describe(),
            },
            "bidders": names.iter().enumerate().map(|(i, n)| serde_json::json!({
                "name": n,
                "types": game.types(i).points,
                "mean_bids": bids[i],
                "solved_relative_loss": sol.metrics.relative_loss[i],
                "verified_utility_loss": eps.utility_loss[i],
                "verified_relative_loss": eps.relative_loss[i],
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        for (i, n) in names.iter().enumerate() {
            println!("{n}");
            let mut t = Table::new(&["type", "mean bid"]);
            let pts = &game.types(i).points;
            let k = pts.len();
            for q in [0, k / 4, k / 2, 3 * k / 4, k.saturating_sub(1)] {
                if let (Some(v), Some(b)) = (pts.get(q), bids[i].get(q)) {
                    t.row(vec![num(*v), num(*b)]);
                }
            }
            print!("{}", t.render());
            println!(
                "ε (verified utility loss): {} (relative {})",
                num(eps.utility_loss[i]),
                num(eps.relative_loss[i])
            );
        }
        println!(
            "OPT/welfare on the grid: {} (welfare {}, OPT {}); PoA bound (smoothness): {}; max ε: {}",
            num(gw.ratio()),
            num(gw.welfare),
            num(gw.optimal),
            bound.describe(),
            num(eps.max_absolute())
        );
        println!(
            "{} iterations of {} in {:.3} s; stop: {}",
            sol.iters,
            lf.kind,
            sol.elapsed.as_secs_f64(),
            sol.stop.name()
        );
    }
    Ok(if sol.stop == Stop::Converged {
        Verdict::Ok
    } else {
        Verdict::NotGood
    })
}
