//! `aftermarket reproduce`: the papers' examples and results.

use std::io::Write;

use aftermarket::reproduce::{PaperReport, Source, Verdict, reproduce, reproduce_all};
use serde_json::json;

use crate::Verdict as Exit;
use crate::report::{Table, num};

/// Version of the `reproduce` JSON object.
pub const REPRODUCE_JSON_VERSION: u32 = 1;

pub fn run(paper: Option<&str>, json_out: bool) -> anyhow::Result<Exit> {
    let reports = match paper {
        Some(p) => vec![reproduce(p)?],
        None => reproduce_all()?,
    };
    let mut out = std::io::stdout().lock();
    if json_out {
        let v = json!({
            "format": "aftermarket-reproduce",
            "version": REPRODUCE_JSON_VERSION,
            "program_version": env!("CARGO_PKG_VERSION"),
            "papers": reports,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        for r in &reports {
            out.write_all(text(r).as_bytes())?;
        }
    }
    let bad: usize = reports
        .iter()
        .map(|r| {
            r.items
                .iter()
                .filter(|i| i.verdict == Verdict::Mismatch)
                .count()
        })
        .sum();
    let total: usize = reports.iter().map(|r| r.items.len()).sum();
    if !json_out {
        writeln!(
            out,
            "{} of {total} items reproduced; {bad} mismatch(es)",
            total - bad
        )?;
    }
    Ok(if bad == 0 { Exit::Ok } else { Exit::NotGood })
}

fn text(r: &PaperReport) -> String {
    let mut s = format!("paper {}: {}\n\n", r.paper, r.citation);
    let mut t = Table::new(&["item", "claim", "reference", "computed", "verdict"]);
    for i in &r.items {
        let reference = match i.source {
            Source::Paper => format!("{} (paper)", num(i.reference)),
            Source::Derived => format!("{} (derived)", num(i.reference)),
        };
        let verdict = match i.verdict {
            Verdict::Match => "match".to_string(),
            Verdict::CorrectedErratum => "match (corrected erratum)".to_string(),
            Verdict::Mismatch => "MISMATCH".to_string(),
        };
        t.row(vec![
            i.id.clone(),
            i.claim.clone(),
            reference,
            num(i.computed),
            verdict,
        ]);
    }
    s.push_str(&t.render());
    for i in r.items.iter().filter(|i| i.erratum.is_some()) {
        s.push_str(&format!(
            "  erratum {}: {}\n",
            i.id,
            i.erratum.as_deref().unwrap_or("")
        ));
    }
    s.push('\n');
    s
}
