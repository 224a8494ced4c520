//! Tables for people and versioned JSON for programs.

use aftermarket::analysis::measures::Estimate;
use aftermarket::market::Branch;
use aftermarket::mechanism::Bid;
use aftermarket::values::Valuation;

/// Version of the `run` JSON object.
pub const RUN_JSON_VERSION: u32 = 1;

/// Formats a number compactly: integers without decimals, others to 4
/// significant decimals.
pub fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 && x.abs() < 1e12 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

pub fn valuation(v: &Valuation) -> String {
    match v {
        Valuation::Units(mv) => mv
            .as_slice()
            .iter()
            .map(|x| num(*x))
            .collect::<Vec<_>>()
            .join(", "),
        Valuation::Packages(pv) => format!("{} packages", pv.table().len() - 1),
        _ => "?".into(),
    }
}

pub fn bid(b: &Bid) -> String {
    match b {
        Bid::Single(x) => num(*x),
        Bid::Marginal(v) | Bid::PerItem(v) => {
            v.iter().map(|x| num(*x)).collect::<Vec<_>>().join(", ")
        }
        Bid::Packages(p) => format!("{} package bids", p.len()),
        _ => "?".into(),
    }
}

pub fn estimate(e: &Estimate) -> (String, String) {
    match e.std_error {
        None => (num(e.mean), String::new()),
        Some(_) => {
            let (lo, hi) = e.ci95();
            (format!("{:.5}", e.mean), format!("[{lo:.5}, {hi:.5}]"))
        }
    }
}

/// A plain left-aligned table.
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Table {
            rows: vec![header.iter().map(|s| s.to_string()).collect()],
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let k = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..k)
            .map(|c| {
                self.rows
                    .iter()
                    .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for (i, r) in self.rows.iter().enumerate() {
            let line: Vec<String> = (0..k)
                .map(|c| {
                    let s = r.get(c).cloned().unwrap_or_default();
                    format!("{s:<w$}", w = widths[c])
                })
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
            if i == 0 {
                out.push_str(
                    &widths
                        .iter()
                        .map(|w| "-".repeat(*w))
                        .collect::<Vec<_>>()
                        .join("  "),
                );
                out.push('\n');
            }
        }
        out
    }
}

/// The table of one branch of play.
pub fn branch_table(names: &[String], b: &Branch) -> String {
    let ep = &b.episode;
    let mut t = Table::new(&[
        "bidder",
        "values",
        "bid",
        "won",
        "paid",
        "resale paid",
        "held",
        "payoff",
    ]);
    for (i, name) in names.iter().enumerate() {
        t.row(vec![
            name.clone(),
            valuation(&ep.values[i]),
            bid(&ep.bids[i]),
            ep.outcome.allocation[i].to_string(),
            num(ep.outcome.payments[i]),
            num(ep.resale.payments[i]),
            ep.resale.holdings[i].to_string(),
            num(ep.record.payoffs[i]),
        ]);
    }
    let mut s = t.render();
    if let Some(p) = ep.outcome.price {
        s.push_str(&format!("auction price per unit: {}\n", num(p)));
    }
    if ep.resale.trades.is_empty() {
        s.push_str("aftermarket: no trade\n");
    } else {
        for tr in &ep.resale.trades {
            s.push_str(&format!(
                "aftermarket: {} sells {} to {} for {} in total\n",
                names[tr.seller],
                tr.quantity,
                names[tr.buyer],
                num(tr.price)
            ));
        }
    }
    s
}
