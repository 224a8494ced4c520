//! `aftermarket compare`: one market under several primary mechanisms, the
//! scenario's aftermarket kept, with each format's welfare guarantee
//! (paper 004: Theorems 4–5, Corollary 1).

use std::io::Write;
use std::path::Path;

use aftermarket::analysis::balanced::{expected_optimal_welfare, reserve_guarantee};
use aftermarket::analysis::measures::Estimate;
use aftermarket::analysis::smoothness::poa_bound;
use aftermarket::scenario::Scenario;
use aftermarket::values::Supply;
use anyhow::Context;
use serde_json::json;

use crate::Verdict;
use crate::report::{Table, num};

/// Version of the JSON `compare` prints.
pub const COMPARE_JSON_VERSION: u32 = 1;

const ONE_MINUS_INV_E: f64 = 1.0 - 1.0 / std::f64::consts::E;

struct Variant {
    label: String,
    kind: &'static str,
    strategies: &'static str,
    guarantee: String,
    bound: aftermarket::analysis::smoothness::Bound,
    welfare: Estimate,
    revenue: Estimate,
    resale: Estimate,
}

/// (label, kind, reserve, price, strategies, guarantee) of a row.
type Spec = (
    &'static str,
    &'static str,
    Option<f64>,
    Option<f64>,
    &'static str,
    String,
);

fn guarantee_of(kind: &str, opt: f64) -> String {
    match kind {
        "pay-as-bid" | "first-price" | "simultaneous-first-price" => format!(
            "(1 − 1/e)·E[OPT] = {} (smoothness; paper 004 Cor. 1, Table 1)",
            num(ONE_MINUS_INV_E * opt)
        ),
        "all-pay" | "simultaneous-all-pay" => {
            format!(
                "½·E[OPT] = {} (smoothness; paper 004 Table 1)",
                num(opt / 2.0)
            )
        }
        _ => "none known".into(),
    }
}

fn evaluate(sc: &Scenario) -> anyhow::Result<(Estimate, Estimate, Estimate)> {
    let get = |names: &[String], vals: &[Estimate], n: &str| -> anyhow::Result<Estimate> {
        names
            .iter()
            .position(|x| x == n)
            .and_then(|k| vals.get(k).copied())
            .with_context(|| format!("no measure {n}"))
    };
    let (names, vals) = if sc.market.prior.finite_support().is_some() {
        let r = sc.market.exact()?;
        let v: Vec<Estimate> = r.means.iter().map(|&m| Estimate::exact(m)).collect();
        (r.names, v)
    } else {
        let r = sc.market.monte_carlo(sc.mc, None)?;
        (r.names, r.estimates)
    };
    Ok((
        get(&names, &vals, "final_welfare")?,
        get(&names, &vals, "revenue")?,
        get(&names, &vals, "resale_volume")?,
    ))
}

fn show(e: &Estimate) -> String {
    match e.std_error {
        None => num(e.mean),
        Some(s) => format!("{:.4} ± {:.4}", e.mean, 1.96 * s),
    }
}

pub fn run(path: &Path, json: bool) -> anyhow::Result<Verdict> {
    let sc = Scenario::from_path(path)?;
    let m = match sc.market.mechanism.supply() {
        Supply::Units { m } => m,
        _ => anyhow::bail!(
            "{}: goods: compare needs identical units (kind = \"units\")",
            path.display()
        ),
    };
    let opt = expected_optimal_welfare(&sc.market, sc.mc)
        .with_context(|| format!("{}: E[OPT]", path.display()))?;
    let g = reserve_guarantee(opt, m)?;
    let r = g.reserve;
    let half = format!(
        "½·E[OPT] = {} (paper 004 Thm {{}}; widened by the E[OPT] interval: {})",
        num(g.guarantee),
        num(g.guarantee_theorem6)
    );
    let dir = path.parent().map(Path::to_path_buf);
    let origin = path.display().to_string();
    let own_kind = sc.raw.mechanism.kind.clone();
    let mut variants = Vec::new();
    let (w, rev, rs) = evaluate(&sc).with_context(|| format!("{origin}: scenario as given"))?;
    variants.push(Variant {
        label: format!("{own_kind} (scenario)"),
        kind: "scenario",
        strategies: "given",
        guarantee: guarantee_of(&own_kind, opt.mean),
        bound: poa_bound(&own_kind),
        welfare: w,
        revenue: rev,
        resale: rs,
    });
    let specs: [Spec; 4] = [
        (
            "uniform-price",
            "uniform-price",
            None,
            None,
            "truthful",
            "none known".into(),
        ),
        (
            "uniform-price, reserve E[OPT]/(2m)",
            "uniform-price",
            Some(r),
            None,
            "truthful",
            half.replace("{}", "5"),
        ),
        (
            "pay-as-bid",
            "pay-as-bid",
            None,
            None,
            "truthful (no shading)",
            guarantee_of("pay-as-bid", opt.mean),
        ),
        (
            "posted price E[OPT]/(2m)",
            "posted-price",
            None,
            Some(r),
            "truthful: buy each unit worth ≥ the price",
            half.replace("{}", "4, Claim 1"),
        ),
    ];
    for (label, kind, reserve, price, strategies, guarantee) in specs {
        let mut raw = sc.raw.clone();
        raw.mechanism.kind = kind.into();
        raw.mechanism.reserve = reserve;
        raw.mechanism.price = price;
        raw.mechanism.tie = None;
        raw.mechanism.price_rule = None;
        raw.mechanism.bundle_prices = None;
        raw.mechanism.arrival = None;
        raw.mechanism.zero_bids_win = None;
        for b in &mut raw.bidders {
            b.strategy = Some(toml::Value::String("truthful".into()));
        }
        let text = toml::to_string(&raw).context("writing the variant scenario")?;
        let v = Scenario::from_toml(&text, &format!("{origin} [{label}]"), dir.clone())?;
        let (w, rev, rs) = evaluate(&v).with_context(|| format!("{origin}: {label}"))?;
        variants.push(Variant {
            label: label.into(),
            kind,
            strategies,
            guarantee,
            bound: poa_bound(kind),
            welfare: w,
            revenue: rev,
            resale: rs,
        });
    }
    let note = "Guarantees hold at every Bayes–Nash equilibrium of the combined market, \
whatever the aftermarket and whatever is revealed; the numbers are for the strategies stated, \
which need not be equilibria.";
    let text = if json {
        let rows: Vec<_> = variants
            .iter()
            .map(|v| {
                json!({
                    "mechanism": v.label,
                    "kind": v.kind,
                    "strategies": v.strategies,
                    "welfare": v.welfare,
                    "revenue": v.revenue,
                    "resale_volume": v.resale,
                    "guarantee": v.guarantee,
                    "poa_bound": {
                        "ratio": v.bound.poa(),
                        "smoothness": v.bound.smoothness,
                        "text": v.bound.describe(),
                    },
                })
            })
            .collect();
        let j = json!({
            "version": COMPARE_JSON_VERSION,
            "scenario": origin,
            "market": sc.market.name,
            "aftermarket": sc.market.aftermarket.name(),
            "m": m,
            "expected_opt": opt,
            "reserve": g,
            "seed": sc.mc.seed,
            "rows": rows,
            "note": note,
        });
        format!("{}\n", serde_json::to_string_pretty(&j)?)
    } else {
        let mut t = Table::new(&[
            "primary mechanism",
            "strategies",
            "welfare",
            "welfare/E[OPT]",
            "revenue",
            "resale volume",
            "guarantee",
            "PoA bound (smoothness)",
        ]);
        for v in &variants {
            let ratio = if opt.mean > 0.0 {
                format!("{:.4}", v.welfare.mean / opt.mean)
            } else {
                "-".into()
            };
            t.row(vec![
                v.label.clone(),
                v.strategies.into(),
                show(&v.welfare),
                ratio,
                show(&v.revenue),
                show(&v.resale),
                v.guarantee.clone(),
                v.bound.describe(),
            ]);
        }
        format!(
            "market: {}\naftermarket: {}   units: {m}   seed: {}\nE[OPT] = {}   reserve / balanced price E[OPT]/(2m) = {}\n\n{}\n{note}\n",
            sc.market.name,
            sc.market.aftermarket.name(),
            sc.mc.seed,
            show(&opt),
            num(r),
            t.render(),
        )
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(Verdict::Ok)
}
