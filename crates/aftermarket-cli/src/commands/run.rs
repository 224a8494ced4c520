//! `aftermarket run`: evaluate the strategies a scenario gives.

use std::io::Write;
use std::path::Path;

use aftermarket::market::{ExactReport, McReport};
use aftermarket::scenario::{Method, Scenario};
use anyhow::Context;
use serde_json::json;

use crate::Verdict;
use crate::report::{RUN_JSON_VERSION, Table, branch_table, estimate, num};

pub fn run(
    path: &Path,
    json: bool,
    seed: Option<u64>,
    episodes: Option<usize>,
    method: Option<&str>,
    threads: Option<usize>,
) -> anyhow::Result<Verdict> {
    let mut sc = Scenario::from_path(path)?;
    if let Some(s) = seed {
        sc.mc.seed = s;
    }
    if let Some(e) = episodes {
        anyhow::ensure!(e > 0, "--episodes must be at least 1");
        sc.mc.episodes = e;
    }
    match method {
        Some("exact") => sc.method = Method::Exact,
        Some("monte-carlo") => sc.method = Method::MonteCarlo,
        Some("auto") => sc.method = Method::Auto,
        _ => {}
    }
    if let Some(t) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t.max(1))
            .build_global()
            .context("setting the thread count")?;
    }
    let finite = sc.market.prior.finite_support().is_some();
    let exact = match sc.method {
        Method::Exact => true,
        Method::MonteCarlo => false,
        Method::Auto => finite,
    };
    let text = if exact {
        let rep = sc
            .market
            .exact()
            .with_context(|| format!("{}: exact evaluation", path.display()))?;
        if json {
            exact_json(&sc, &rep)
        } else {
            exact_text(&sc, &rep)
        }
    } else {
        let rep = monte_carlo(&sc).with_context(|| format!("{}: monte carlo", path.display()))?;
        if json {
            mc_json(&sc, &rep)
        } else {
            mc_text(&sc, &rep)
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(Verdict::Ok)
}

fn monte_carlo(sc: &Scenario) -> anyhow::Result<McReport> {
    let bar = indicatif::ProgressBar::new(sc.mc.episodes as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} episodes ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |done: usize, _total: usize| bar.set_position(done as u64);
    let r = sc.market.monte_carlo(sc.mc, Some(&progress));
    bar.finish_and_clear();
    match r {
        Ok(rep) => Ok(rep),
        Err(aftermarket::market::MarketError::Partial {
            completed,
            requested,
            error,
        }) => {
            // Keep what finished: print it, then fail.
            eprintln!(
                "warning: the run failed after {} of {requested} episodes; the estimates below use those",
                completed.episodes
            );
            eprint!("{}", mc_text(sc, &completed));
            Err(anyhow::anyhow!(error))
        }
        Err(e) => Err(e.into()),
    }
}

fn header(sc: &Scenario, method: &str) -> String {
    let m = &sc.market;
    let mut s = format!("market: {}\n", m.name);
    if let Some(src) = &sc.raw.source {
        s.push_str(&format!("source: {src}\n"));
    }
    s.push_str(&format!(
        "mechanism: {}   disclosure: {}   aftermarket: {}   information: {}\n",
        m.mechanism.name(),
        m.disclosure.name(),
        m.aftermarket.name(),
        m.information
    ));
    s.push_str(&format!(
        "strategies (given): {}\n",
        m.bidders
            .iter()
            .zip(&m.strategies)
            .map(|(b, st)| format!("{b}: {}", st.name()))
            .collect::<Vec<_>>()
            .join("; ")
    ));
    s.push_str(&format!("method: {method}\n\n"));
    s
}

fn measures_table(
    names: &[String],
    est: &[aftermarket::analysis::measures::Estimate],
    eff: Option<aftermarket::analysis::measures::Estimate>,
) -> String {
    let mut t = Table::new(&["measure", "value", "95% CI"]);
    for (n, e) in names.iter().zip(est) {
        let (v, ci) = estimate(e);
        t.row(vec![n.replace('_', " "), v, ci]);
    }
    if let Some(e) = eff {
        let (v, ci) = estimate(&e);
        t.row(vec!["efficiency (final / optimal)".into(), v, ci]);
    }
    t.render()
}

fn exact_text(sc: &Scenario, rep: &ExactReport) -> String {
    let mut s = header(sc, &format!("exact ({} profile(s))", rep.profiles));
    for (k, b) in rep.branches.iter().enumerate() {
        s.push_str(&format!(
            "branch {} (probability {})\n",
            k + 1,
            num(b.probability)
        ));
        s.push_str(&branch_table(&sc.market.bidders, b));
        s.push('\n');
    }
    let est: Vec<_> = rep
        .means
        .iter()
        .map(|&m| aftermarket::analysis::measures::Estimate::exact(m))
        .collect();
    s.push_str(&measures_table(
        &rep.names,
        &est,
        rep.efficiency
            .map(aftermarket::analysis::measures::Estimate::exact),
    ));
    s
}

fn mc_text(sc: &Scenario, rep: &McReport) -> String {
    let mut s = header(
        sc,
        &format!(
            "monte carlo ({} episodes, seed {})",
            rep.episodes, rep.config.seed
        ),
    );
    s.push_str(&measures_table(&rep.names, &rep.estimates, rep.efficiency));
    s
}

fn provenance(sc: &Scenario, seed: Option<u64>, episodes: Option<usize>) -> serde_json::Value {
    let am = sc.raw.aftermarket.as_ref();
    json!({
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": sc.origin,
        "seed": seed,
        "episodes": episodes,
        "threads": rayon::current_num_threads(),
        "conventions": {
            "ties": format!("{:?}", sc.market.mechanism.rules().tie),
            "zero_bids_win": sc.market.mechanism.rules().zero_bids_win,
            "indifference": am.and_then(|a| a.indifference.clone()).unwrap_or_else(|| "accept".into()),
            "information": sc.market.information,
            "disclosure": sc.market.disclosure.name(),
        },
        "strategies": sc.market.bidders.iter().zip(&sc.market.strategies)
            .map(|(b, s)| json!({"bidder": b, "strategy": s.name(), "obtained": "given"}))
            .collect::<Vec<_>>(),
    })
}

fn exact_json(sc: &Scenario, rep: &ExactReport) -> String {
    let measures: serde_json::Map<String, serde_json::Value> = rep
        .names
        .iter()
        .zip(&rep.means)
        .map(|(n, m)| {
            (
                n.clone(),
                json!({"mean": m, "std_error": null, "obtained": "exact"}),
            )
        })
        .collect();
    let v = json!({
        "format": "aftermarket-run",
        "version": RUN_JSON_VERSION,
        "market": sc.market.name,
        "bidders": sc.market.bidders,
        "method": "exact",
        "profiles": rep.profiles,
        "measures": measures,
        "efficiency": rep.efficiency,
        "identity_gap": rep.identity_gap,
        "branches": rep.branches.iter().map(|b| json!({
            "probability": b.probability,
            "values": b.episode.values,
            "bids": b.episode.bids,
            "allocation_before_resale": b.episode.outcome.allocation,
            "auction_payments": b.episode.outcome.payments,
            "auction_price": b.episode.outcome.price,
            "unsold": b.episode.outcome.unsold,
            "allocation_after_resale": b.episode.resale.holdings,
            "resale_payments": b.episode.resale.payments,
            "trade_costs": b.episode.resale.costs,
            "trades": b.episode.resale.trades,
            "record": b.episode.record,
        })).collect::<Vec<_>>(),
        "provenance": provenance(sc, None, None),
    });
    format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
}

fn mc_json(sc: &Scenario, rep: &McReport) -> String {
    let measures: serde_json::Map<String, serde_json::Value> = rep
        .names
        .iter()
        .zip(&rep.estimates)
        .map(|(n, e)| {
            let (lo, hi) = e.ci95();
            (n.clone(), json!({"mean": e.mean, "std_error": e.std_error, "ci95": [lo, hi], "obtained": "monte-carlo"}))
        })
        .collect();
    let v = json!({
        "format": "aftermarket-run",
        "version": RUN_JSON_VERSION,
        "market": sc.market.name,
        "bidders": sc.market.bidders,
        "method": "monte-carlo",
        "episodes": rep.episodes,
        "measures": measures,
        "efficiency": rep.efficiency.map(|e| json!({"mean": e.mean, "std_error": e.std_error, "obtained": "ratio of means, delta method"})),
        "identity_gap": rep.identity_gap,
        "provenance": provenance(sc, Some(rep.config.seed), Some(rep.episodes)),
    });
    format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
}
