//! `aftermarket verify`: is the scenario's bid profile a Nash equilibrium?
//!
//! A scenario with one valuation profile is a complete-information game
//! and is checked over critical bids per bidder; a scenario whose bidders
//! have priors is checked as a Bayesian game, per bidder and type (types of
//! continuous priors on a quantile grid of `--grid` points).

use std::io::Write;
use std::path::Path;

use aftermarket::equilibrium::{
    BayesOptions, VerifyOptions, verify_bayes, verify_complete_information,
};
use aftermarket::scenario::Scenario;
use anyhow::Context;
use serde_json::json;

use crate::Verdict;
use crate::report::{Table, bid, num};

/// Version of the `verify` JSON object.
pub const VERIFY_JSON_VERSION: u32 = 1;

/// How a Bayesian scenario is checked.
pub struct BayesFlags {
    /// Quantile points per continuous prior.
    pub grid: usize,
    /// Leave halves of the levels out.
    pub no_halves: bool,
}

pub fn run(
    path: &Path,
    json_out: bool,
    eps: f64,
    tol: f64,
    levels: &[f64],
    flags: &BayesFlags,
) -> anyhow::Result<Verdict> {
    anyhow::ensure!(
        tol.is_finite() && tol >= 0.0,
        "--tol must be finite and >= 0, got {tol}"
    );
    let sc = Scenario::from_path(path)?;
    let complete = sc
        .market
        .prior
        .finite_support()
        .is_some_and(|s| s.len() == 1);
    if !complete {
        return run_bayes(path, &sc, json_out, eps, tol, levels, flags);
    }
    let opts = VerifyOptions {
        eps,
        ..VerifyOptions::default()
    };
    let rep = verify_complete_information(&sc.market, levels, &opts)
        .with_context(|| format!("{}: verifying the bid profile", path.display()))?;
    let ok = rep.is_equilibrium(tol);
    let mut out = std::io::stdout().lock();
    if json_out {
        let v = json!({
            "format": "aftermarket-verify",
            "version": VERIFY_JSON_VERSION,
            "program_version": env!("CARGO_PKG_VERSION"),
            "scenario": sc.origin,
            "market": sc.market.name,
            "eps": rep.eps,
            "tol": tol,
            "levels": rep.levels.len(),
            "bidders": rep.bidders,
            "equilibrium": ok,
            "max_gain": rep.max_gain(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        writeln!(out, "market: {}", sc.market.name)?;
        writeln!(
            out,
            "critical levels: {} (values, bids, extra levels, halves, ±{})",
            rep.levels.len(),
            rep.eps
        )?;
        writeln!(
            out,
            "deviations are tried with ties won and lost; the aftermarket is re-solved\n"
        )?;
        let mut t = Table::new(&[
            "bidder",
            "bid",
            "payoff",
            "best deviation",
            "ties",
            "deviation payoff",
            "gain",
            "verdict",
        ]);
        for b in &rep.bidders {
            t.row(vec![
                b.bidder.clone(),
                bid(&b.bid),
                num(b.payoff),
                bid(&b.best_deviation),
                b.tie.to_string(),
                num(b.best_deviation_payoff),
                num(b.gain),
                deviation_verdict(b.gain, tol),
            ]);
        }
        out.write_all(t.render().as_bytes())?;
        writeln!(
            out,
            "\n{} (largest gain {}, tolerance {})",
            if ok {
                "an ε-equilibrium"
            } else {
                "NOT an equilibrium"
            },
            num(rep.max_gain()),
            tol
        )?;
    }
    Ok(if ok { Verdict::Ok } else { Verdict::NotGood })
}

fn run_bayes(
    path: &Path,
    sc: &Scenario,
    json_out: bool,
    eps: f64,
    tol: f64,
    levels: &[f64],
    flags: &BayesFlags,
) -> anyhow::Result<Verdict> {
    let opts = BayesOptions {
        eps,
        grid: flags.grid,
        halves: !flags.no_halves,
        extra_levels: levels.to_vec(),
        ..BayesOptions::default()
    };
    let rep = verify_bayes(&sc.market, &opts)
        .with_context(|| format!("{}: verifying the Bayesian profile", path.display()))?;
    let ok = rep.is_equilibrium(tol);
    let mut out = std::io::stdout().lock();
    if json_out {
        let v = json!({
            "format": "aftermarket-verify",
            "version": VERIFY_JSON_VERSION,
            "program_version": env!("CARGO_PKG_VERSION"),
            "scenario": sc.origin,
            "market": sc.market.name,
            "game": "bayesian",
            "eps": rep.eps,
            "tol": tol,
            "grid": opts.grid,
            "halves": opts.halves,
            "profiles": rep.profiles,
            "discretised": rep.discretised,
            "types": rep.types,
            "ex_ante": rep.ex_ante,
            "equilibrium": ok,
            "max_gain": rep.max_gain(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        writeln!(out, "market: {}", sc.market.name)?;
        let grids: Vec<String> = sc
            .market
            .bidders
            .iter()
            .zip(&rep.discretised)
            .filter(|(_, d)| **d)
            .map(|(b, _)| b.clone())
            .collect();
        writeln!(
            out,
            "bayesian game: {} type profiles{}",
            rep.profiles,
            if grids.is_empty() {
                String::new()
            } else {
                format!(
                    " ({}-point quantile grid for {})",
                    opts.grid,
                    grids.join(", ")
                )
            }
        )?;
        writeln!(
            out,
            "critical bids: 0, every bid at every type, own values, extra levels{}, ±{}",
            if opts.halves { ", halves" } else { "" },
            rep.eps
        )?;
        writeln!(
            out,
            "deviations are tried with ties won and lost; the aftermarket is re-solved per outcome\n"
        )?;
        let mut t = Table::new(&[
            "bidder",
            "type",
            "prob",
            "bid",
            "payoff",
            "best deviation",
            "ties",
            "deviation payoff",
            "gain",
            "verdict",
        ]);
        for c in &rep.types {
            let ty = match c.valuation.as_units() {
                Some(mv) if mv.as_slice().len() > 1 => mv
                    .as_slice()
                    .iter()
                    .map(|x| num(*x))
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => num(c.valuation.headline()),
            };
            t.row(vec![
                c.bidder.clone(),
                ty,
                num(c.probability),
                bid(&c.bid),
                num(c.payoff),
                bid(&c.best_deviation),
                c.tie.to_string(),
                num(c.best_deviation_payoff),
                num(c.gain),
                deviation_verdict(c.gain, tol),
            ]);
        }
        out.write_all(t.render().as_bytes())?;
        writeln!(
            out,
            "\nex ante: welfare {}, optimal welfare {}, resale probability {}",
            num(rep.ex_ante.welfare),
            num(rep.ex_ante.optimal_welfare),
            num(rep.ex_ante.resale_probability)
        )?;
        writeln!(
            out,
            "{} (largest gain {}, tolerance {})",
            if ok {
                "an ε-Bayes–Nash equilibrium"
            } else {
                "NOT an equilibrium"
            },
            num(rep.max_gain()),
            tol
        )?;
    }
    Ok(if ok { Verdict::Ok } else { Verdict::NotGood })
}

/// The verdict column: a gain above `tol` is a profitable deviation.
fn deviation_verdict(gain: f64, tol: f64) -> String {
    if gain <= tol {
        "best response".into()
    } else {
        "PROFITABLE DEVIATION".into()
    }
}
