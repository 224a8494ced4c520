//! `aftermarket verify GAME --strategies FILE`: the utility loss of a
//! Bayesian strategy profile (one bid function per bidder) in a solve game
//! file.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use aftermarket::equilibrium::{BidFn, GameSpec, table_bid_fn};
use aftermarket::strategy::{BidFunction, StrategyEntry, StrategyFile};
use anyhow::{Context, bail};
use serde_json::json;

use crate::Verdict;
use crate::commands::solve::verify_single;
use crate::report::{Table, num};

/// Version of the `verify --strategies` JSON object.
pub const VERIFY_STRATEGIES_JSON_VERSION: u32 = 1;

fn bid_fn(entry: &StrategyEntry, file: &str) -> anyhow::Result<BidFn> {
    Ok(match entry {
        StrategyEntry::Truthful { .. } => Arc::new(|v| v),
        StrategyEntry::Fixed { bid, .. } => {
            let b = *bid
                .first()
                .with_context(|| format!("{file}: {}: fixed bid is empty", entry.bidder()))?;
            Arc::new(move |_| b)
        }
        StrategyEntry::Linear {
            slope, intercept, ..
        } => {
            let (s, c) = (*slope, *intercept);
            Arc::new(move |v| s * v + c)
        }
        StrategyEntry::Formula { expr, .. } => {
            let f = BidFunction::formula(expr)
                .with_context(|| format!("{file}: {}: formula", entry.bidder()))?;
            f.eval(0.5, 1, 1)
                .with_context(|| format!("{file}: {}: formula", entry.bidder()))?;
            Arc::new(move |v| f.eval(v, 1, 1).unwrap_or(f64::NAN))
        }
        StrategyEntry::Table { types, bids, .. } => table_bid_fn(types.clone(), bids.clone())
            .with_context(|| format!("{file}: {}: table", entry.bidder()))?,
    })
}

pub fn run(
    game_path: &Path,
    strategies: &Path,
    json_out: bool,
    tol: f64,
) -> anyhow::Result<Verdict> {
    let origin = game_path.display().to_string();
    let built = GameSpec::from_path(game_path)?
        .build(&origin, game_path.parent().map(Path::to_path_buf))?;
    let sfile = strategies.display().to_string();
    let sf = StrategyFile::read(strategies).with_context(|| format!("{sfile}: cannot read"))?;
    let Some(single) = &built.single_item else {
        bail!("{origin}: format: verify --strategies needs a single-item game");
    };
    let profile: Vec<BidFn> = built
        .names
        .iter()
        .map(|n| {
            let e = sf
                .entry(n)
                .with_context(|| format!("{sfile}: strategies: no entry for bidder {n:?}"))?;
            bid_fn(e, &sfile)
        })
        .collect::<anyhow::Result<_>>()?;
    let eps = verify_single(single, &profile)?;
    let mut out = std::io::stdout().lock();
    let ok = eps.max_relative() <= tol;
    if json_out {
        let v = json!({
            "format": "aftermarket-verify-strategies",
            "version": VERIFY_STRATEGIES_JSON_VERSION,
            "game": built.game.describe(),
            "verified_by": eps.how,
            "tol": tol,
            "equilibrium": ok,
            "monte_carlo": eps.monte_carlo.as_ref().map(|(_, how)| how),
            "bidders": built.names.iter().enumerate().map(|(i, n)| json!({
                "name": n,
                "utility_loss": eps.utility_loss[i],
                "relative_loss": eps.relative_loss[i],
                "monte_carlo_utility_loss": eps.monte_carlo.as_ref().and_then(|(r, _)| r.utility_loss.get(i)),
                "monte_carlo_half_width": eps.monte_carlo.as_ref().and_then(|(r, _)| r.half_width.get(i)),
            })).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        writeln!(out, "{}", built.game.describe())?;
        let mut t = Table::new(&[
            "bidder",
            "utility loss",
            "relative",
            "Monte Carlo (continuous types)",
        ]);
        for (i, n) in built.names.iter().enumerate() {
            let mc = eps
                .monte_carlo
                .as_ref()
                .and_then(|(r, _)| Some((r.utility_loss.get(i)?, r.half_width.get(i)?)))
                .map_or("-".into(), |(l, h)| format!("{l:.2e} ± {h:.1e}"));
            t.row(vec![
                n.clone(),
                num(eps.utility_loss[i]),
                num(eps.relative_loss[i]),
                mc,
            ]);
        }
        write!(out, "{}", t.render())?;
        writeln!(out, "measured on: {}", eps.how)?;
        if let Some((_, how)) = &eps.monte_carlo {
            writeln!(out, "Monte Carlo: {how}")?;
        }
        writeln!(
            out,
            "{} (largest relative loss {} against tolerance {})",
            if ok {
                "ε-equilibrium"
            } else {
                "not an ε-equilibrium"
            },
            num(eps.max_relative()),
            num(tol)
        )?;
    }
    Ok(if ok { Verdict::Ok } else { Verdict::NotGood })
}
