//! `aftermarket check`: validate a scenario.

use std::io::Write;
use std::path::Path;

use aftermarket::scenario::Scenario;
use anyhow::Context;

use crate::Verdict;

pub fn run(path: &Path) -> anyhow::Result<Verdict> {
    let sc = Scenario::from_path(path)?;
    let m = &sc.market;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}: ok", path.display()).context("writing")?;
    writeln!(out, "  market      {}", m.name)?;
    writeln!(out, "  bidders     {}", m.bidders.join(", "))?;
    writeln!(
        out,
        "  mechanism   {} ({} for sale)",
        m.mechanism.name(),
        describe_supply(&m.mechanism.supply())
    )?;
    writeln!(out, "  disclosure  {}", m.disclosure.name())?;
    writeln!(
        out,
        "  aftermarket {} (opt-out: {})",
        m.aftermarket.name(),
        m.aftermarket.opt_out()
    )?;
    writeln!(out, "  information {}", m.information)?;
    for (b, s) in m.bidders.iter().zip(&m.strategies) {
        writeln!(out, "  strategy    {b}: {}", s.name())?;
    }
    let finite = m.prior.finite_support().map(|s| s.len());
    match finite {
        Some(k) => writeln!(
            out,
            "  prior       finite, {k} profile(s): exact evaluation"
        )?,
        None => writeln!(
            out,
            "  prior       continuous: Monte Carlo, {} episodes, seed {}",
            sc.mc.episodes, sc.mc.seed
        )?,
    }
    Ok(Verdict::Ok)
}

pub fn describe_supply(s: &aftermarket::values::Supply) -> String {
    match s {
        aftermarket::values::Supply::Units { m: 1 } => "one item".into(),
        aftermarket::values::Supply::Units { m } => format!("{m} units"),
        aftermarket::values::Supply::Items { n } => format!("{n} items"),
    }
}
