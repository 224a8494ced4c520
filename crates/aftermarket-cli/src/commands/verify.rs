//! `aftermarket verify`: is the scenario's bid profile a Nash equilibrium?

use std::io::Write;
use std::path::Path;

use aftermarket::equilibrium::{VerifyOptions, verify_complete_information};
use aftermarket::scenario::Scenario;
use anyhow::Context;
use serde_json::json;

use crate::Verdict;
use crate::report::{Table, bid, num};

/// Version of the `verify` JSON object.
pub const VERIFY_JSON_VERSION: u32 = 1;

pub fn run(
    path: &Path,
    json_out: bool,
    eps: f64,
    tol: f64,
    levels: &[f64],
) -> anyhow::Result<Verdict> {
    anyhow::ensure!(
        tol.is_finite() && tol >= 0.0,
        "--tol must be finite and >= 0, got {tol}"
    );
    let sc = Scenario::from_path(path)?;
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
                if b.gain <= tol {
                    "best response".into()
                } else {
                    "PROFITABLE DEVIATION".into()
                },
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
