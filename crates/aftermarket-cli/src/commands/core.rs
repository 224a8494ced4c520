//! `aftermarket core`: the core analysis of a reallocation market
//! (paper 002): efficient reallocation, clearing prices, Vickrey and
//! uniform-price outcomes, blocking coalitions, classification and the
//! core-selecting alternatives.

use std::io::Write;
use std::path::Path;

use aftermarket::coalition::core::CoreClass;
use aftermarket::reallocation::report::{CoreReport, core_report};
use aftermarket::reallocation::scenario::RawReallocationMarket;
use anyhow::Context;
use serde_json::json;

use crate::Verdict;
use crate::report::{Table, num};

/// Version of the `core` JSON object.
pub const CORE_JSON_VERSION: u32 = 1;

pub fn run(path: &Path, json_out: bool) -> anyhow::Result<Verdict> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: (file): cannot read", path.display()))?;
    let raw = RawReallocationMarket::from_toml(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let market = raw
        .check()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let rep = core_report(&market).with_context(|| format!("{}: core analysis", path.display()))?;
    let mut out = std::io::stdout().lock();
    if json_out {
        let v = json!({
            "format": "aftermarket-core",
            "version": CORE_JSON_VERSION,
            "program_version": env!("CARGO_PKG_VERSION"),
            "scenario": path.display().to_string(),
            "report": rep,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        out.write_all(text_report(&rep, &path.display().to_string()).as_bytes())?;
    }
    // A blocked Vickrey outcome is a finding, not a failure.
    Ok(Verdict::Ok)
}

fn vec_str(v: &[f64]) -> String {
    let parts: Vec<String> = v.iter().map(|x| num(*x)).collect();
    format!("({})", parts.join(", "))
}

fn text_report(r: &CoreReport, origin: &str) -> String {
    let mut s = format!(
        "reallocation market: {origin}\n{} bidders, K = {} goods, auctioneer supply qbar = {}\n\n",
        r.bidders.len(),
        r.k,
        vec_str(&r.qbar)
    );
    s.push_str(&format!(
        "efficient surplus v(X, qbar) = {}   clearing price p* = {}\n\n",
        num(r.surplus),
        vec_str(&r.clearing_price)
    ));
    s.push_str("Vickrey (VCG) outcome\n");
    let mut t = Table::new(&[
        "bidder",
        "bundle q_i",
        "value u_i(q_i)",
        "payment",
        "payoff",
    ]);
    for (i, b) in r.bidders.iter().enumerate() {
        t.row(vec![
            b.clone(),
            vec_str(&r.vickrey.allocation[i]),
            num(r.vickrey.values[i]),
            num(r.vickrey.payments[i]),
            num(r.vickrey.payoffs[i]),
        ]);
    }
    s.push_str(&t.render());
    s.push_str(&format!("Vickrey revenue: {}\n\n", num(r.vickrey.revenue)));
    match (&r.uniform_price, &r.uniform_price_note) {
        (Some(u), _) => s.push_str(&format!(
            "uniform-price ex-post equilibrium (Proposition 6): price {}, revenue {}, efficiency loss {}\n\n",
            vec_str(&u.outcome.price),
            num(u.outcome.revenue),
            num(u.efficiency_loss)
        )),
        (None, Some(note)) => s.push_str(&format!("uniform-price equilibrium: not defined ({note})\n\n")),
        (None, None) => {}
    }
    let class = match r.classification {
        CoreClass::Core => "in the core: no coalition blocks the Vickrey outcome",
        CoreClass::BidderCoreOnly => {
            "in the bidder-core only: the auctioneer alone blocks (revenue < 0)"
        }
        CoreClass::OutsideBidderCore => "outside the bidder-core: a coalition with bidders blocks",
    };
    s.push_str(&format!("classification: {class}\n"));
    if r.blocking.is_empty() {
        s.push_str("blocking coalitions: none\n\n");
    } else {
        let mut t = Table::new(&["blocking coalition", "V(Z)", "payoffs of Z", "deficit"]);
        for b in &r.blocking {
            let mut members: Vec<String> = Vec::new();
            if b.with_auctioneer {
                members.push("a".into());
            }
            members.extend(b.names.iter().cloned());
            t.row(vec![
                format!("{{{}}}", members.join(", ")),
                num(b.value),
                num(b.payoff_sum),
                format!("{:.6e}", b.deficit),
            ]);
        }
        s.push_str(&t.render());
        s.push('\n');
    }
    let cs = &r.core_selecting;
    s.push_str("core-selecting alternatives (payoffs)\n");
    let mut t = Table::new(&[
        "bidder",
        "Vickrey",
        "minimum-revenue core",
        "Vickrey-nearest core",
    ]);
    for (i, b) in r.bidders.iter().enumerate() {
        t.row(vec![
            b.clone(),
            num(cs.vickrey_payoffs[i]),
            num(cs.min_revenue.payoffs[i]),
            num(cs.vickrey_nearest.payoffs[i]),
        ]);
    }
    t.row(vec![
        "revenue".into(),
        num(r.vickrey.revenue),
        num(cs.min_revenue.revenue),
        num(cs.vickrey_nearest.revenue),
    ]);
    s.push_str(&t.render());
    s.push_str(&format!(
        "region: {:?}; every coalition constraint checked: {}\n",
        cs.vickrey_nearest.region,
        if r.certified {
            "yes"
        } else {
            "no (heuristic separation: uncertified)"
        }
    ));
    if let Some(sub) = &r.all_participant_sets {
        s.push_str(&format!(
            "\nLemmas 1-2 over every participant set X: {}\n",
            summarise_sub(sub, &r.bidders)
        ));
    }
    s
}

fn summarise_sub(
    sub: &aftermarket::coalition::substitutes::SubmodularityReport,
    names: &[String],
) -> String {
    let name = |i: &usize| names.get(*i).cloned().unwrap_or_else(|| i.to_string());
    let set = |v: &[usize]| format!("{{{}}}", v.iter().map(name).collect::<Vec<_>>().join(", "));
    let mut s = format!(
        "{} (X, i, j) triples checked; Lemma 1 violations {}, Lemma 2 violations {}; \
         Vickrey core-selecting for every X: {}; bidder-core-selecting for every X: {}",
        sub.pairs_checked,
        sub.lemma1_violations,
        sub.lemma2_violations,
        if sub.core_selecting_for_all {
            "yes"
        } else {
            "no"
        },
        if sub.bidder_core_selecting_for_all {
            "yes"
        } else {
            "no"
        },
    );
    for v in sub.examples.iter().take(3) {
        s.push_str(&format!(
            "\n  X = {}, i = {}, j = {}: margin {} (so {{a}} ∪ {} blocks when X participates)",
            set(&v.participants),
            name(&v.i),
            name(&v.j),
            num(v.margin),
            set(&v.blocking_with_auctioneer)
        ));
    }
    s
}
