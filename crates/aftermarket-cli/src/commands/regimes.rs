//! `aftermarket regimes`: the four regimes of Pagnozzi (2009) for a
//! two-bidder, two-unit scenario with Nash-bargaining resale.

use std::io::Write;
use std::path::Path;

use aftermarket::equilibrium::named::pagnozzi::{
    PagnozziInstance, ProfileOutcome, RegimeComparison, SolveOptions, ThresholdFormula,
};
use aftermarket::scenario::Scenario;
use anyhow::Context;
use serde_json::json;

use crate::Verdict;
use crate::report::{Table, bid, num};

/// Version of the `regimes` JSON object.
pub const REGIMES_JSON_VERSION: u32 = 1;

pub fn run(path: &Path, json_out: bool, verify: bool) -> anyhow::Result<Verdict> {
    let sc = Scenario::from_path(path)?;
    let (inst, names) = PagnozziInstance::from_scenario(&sc)
        .with_context(|| format!("{}: reading the two-bidder instance", path.display()))?;
    let opts = SolveOptions {
        verify,
        ..SolveOptions::default()
    };
    let cmp = inst
        .compare(&opts)
        .with_context(|| format!("{}: solving the four regimes", path.display()))?;
    let mut out = std::io::stdout().lock();
    if json_out {
        let v = json!({
            "format": "aftermarket-regimes",
            "version": REGIMES_JSON_VERSION,
            "program_version": env!("CARGO_PKG_VERSION"),
            "scenario": sc.origin,
            "strong": names[0],
            "weak": names[1],
            "x": inst.x(),
            "y": inst.y(),
            "case": inst.case(),
            "p_star": inst.p_star(ThresholdFormula::Corrected),
            "comparison": cmp,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        out.write_all(text(&inst, &names, &cmp).as_bytes())?;
    }
    let bad = verify
        && cmp
            .solutions
            .iter()
            .any(|s| s.verified_gain.is_some_and(|g| g > 1e-5));
    Ok(if bad { Verdict::NotGood } else { Verdict::Ok })
}

fn outcome_row(label: &str, o: &ProfileOutcome, names: &[String; 2]) -> Vec<String> {
    let trades = if o.trades.is_empty() {
        "none".to_string()
    } else {
        o.trades
            .iter()
            .map(|t| {
                format!(
                    "{}→{} {} for {}",
                    names[t.seller],
                    names[t.buyer],
                    t.quantity,
                    num(t.price)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    vec![
        label.to_string(),
        format!("{} | {}", bid(&o.bids[0]), bid(&o.bids[1])),
        format!("{} / {}", num(o.won[0]), num(o.won[1])),
        o.price.map_or("-".into(), num),
        num(o.revenue),
        format!("{} (p = {})", trades, num(o.resale_probability)),
        format!("{} / {}", num(o.held[0]), num(o.held[1])),
        format!("{} / {}", num(o.payoffs[0]), num(o.payoffs[1])),
        num(o.welfare),
        num(o.efficiency),
        o.verified_gain.map_or("-".into(), num),
    ]
}

fn text(inst: &PagnozziInstance, names: &[String; 2], cmp: &RegimeComparison) -> String {
    let (s, w) = (&names[0], &names[1]);
    let mut out = format!(
        "strong bidder S = {s}: values ({}; {});  weak bidder W = {w}: values ({}; {})\n",
        num(inst.vs[0]),
        num(inst.vs[1]),
        num(inst.vw[0]),
        num(inst.vw[1])
    );
    out.push_str(&format!(
        "alpha = {}, p = {}, c = {} ({:?} pays);  x = {}, y = {};  case {:?}\n\n",
        num(inst.alpha),
        num(inst.p),
        num(inst.c),
        inst.cost_bearer,
        num(inst.x()),
        num(inst.y()),
        inst.case()
    ));
    let t = &cmp.wtp;
    let mut wt = Table::new(&[
        "willingness to pay (resale allowed)",
        "1st unit",
        "2nd unit",
        "bundle",
    ]);
    wt.row(vec![
        format!("S = {s}"),
        num(t.s[0]),
        num(t.s[1]),
        num(t.bundle_s),
    ]);
    wt.row(vec![
        format!("W = {w}"),
        num(t.w[0]),
        num(t.w[1]),
        num(t.bundle_w),
    ]);
    out.push_str(&wt.render());
    out.push('\n');
    let mut tab = Table::new(&[
        "regime",
        "bids S | W",
        "won S/W",
        "price",
        "revenue",
        "resale",
        "held S/W",
        "payoff S/W",
        "welfare",
        "efficiency",
        "max gain",
    ]);
    for sol in &cmp.solutions {
        tab.row(outcome_row(sol.regime.label(), &sol.outcome, names));
    }
    out.push_str(&tab.render());
    out.push('\n');
    for sol in &cmp.solutions {
        out.push_str(&format!(
            "{} {}: {}{}\n",
            sol.regime.label(),
            sol.regime.describe(),
            sol.selection.describe(),
            if sol.characterised {
                ""
            } else {
                " [extension: not characterised by the paper]"
            }
        ));
        for f in &sol.families {
            out.push_str(&format!(
                "    other equilibria, {}: {}\n",
                f.name, f.description
            ));
        }
    }
    out.push_str(&format!(
        "\nranking by revenue: {}\n",
        cmp.ranking
            .iter()
            .map(|r| {
                let k = aftermarket::equilibrium::named::pagnozzi::Regime::ALL
                    .iter()
                    .position(|q| q == r)
                    .unwrap_or(0);
                format!("{} {}", r.label(), num(cmp.solutions[k].revenue))
            })
            .collect::<Vec<_>>()
            .join(" > ")
    ));
    out.push_str(&format!(
        "Proposition 2: bundling and allowing resale is {}revenue-best; threshold (vW1 - vW2)/(VS - VW) = {}; the paper's condition (2vW1 > vS2 or alpha > threshold) {}\n",
        if cmp.bundling_resale_best { "" } else { "NOT " },
        cmp.prop2_threshold.map_or("-".into(), num),
        if cmp.prop2_predicts_best { "holds" } else { "fails" }
    ));
    if let Some(p) = inst.p_star(ThresholdFormula::Corrected) {
        out.push_str(&format!(
            "Lemma 5: p* = (vS2 - 2vW1)/((1+alpha)(vS2 - vW1)) = {} (printed with vS2 + vW1: {})\n",
            num(p),
            inst.p_star(ThresholdFormula::Printed)
                .map_or("-".into(), num)
        ));
    }
    out
}
