//! `aftermarket global-local`: compare auction formats and resale for a
//! global bidder against local bidders (paper 000's model).

use std::io::Write;
use std::path::Path;

use aftermarket::global_local::file::{GlobalLocalFile, Method};
use anyhow::Context;

use crate::Verdict;
use crate::report::{Table, num};

/// Version of the JSON output.
const JSON_VERSION: u32 = 1;

pub fn run(path: &Path, json: bool) -> anyhow::Result<Verdict> {
    let file = GlobalLocalFile::from_path(path)?;
    let rows = file
        .evaluate()
        .with_context(|| format!("evaluating {}", path.display()))?;
    let mut out = std::io::stdout().lock();
    let model = &file.model;
    if json {
        let v = serde_json::json!({
            "version": JSON_VERSION,
            "file": path.display().to_string(),
            "name": file.name,
            "n": model.n(),
            "locals": model.locals(),
            "values": model.params().values.describe(),
            "warnings": model.warnings(),
            "seed": file.mc.seed,
            "episodes": file.mc.episodes,
            "regimes": rows,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?).context("writing")?;
        return Ok(Verdict::Ok);
    }
    writeln!(out, "{} ({})", file.name, path.display()).context("writing")?;
    writeln!(
        out,
        "N = {}, {:?} locals, {}, signals {} (global {})",
        model.n(),
        model.locals(),
        model.params().values.describe(),
        model.local_law().name(),
        model.global_law().name()
    )?;
    for w in model.warnings() {
        writeln!(out, "warning: {w}")?;
    }
    match file.method {
        Method::Quadrature => writeln!(out, "method: numerical integration")?,
        Method::MonteCarlo => writeln!(
            out,
            "method: monte carlo, {} episodes, seed {} (± one standard error)",
            file.mc.episodes, file.mc.seed
        )?,
    }
    let mut t = Table::new(&[
        "regime",
        "revenue",
        "welfare (auction)",
        "welfare (final)",
        "efficient",
        "P(resale)",
        "units resold",
        "payoff g",
        "payoff l",
    ]);
    for r in &rows {
        let cell = |k: usize| {
            let m = r.mean.named()[k].1;
            match &r.std_error {
                Some(se) => format!("{} ± {}", num(m), num(se.named()[k].1)),
                None => num(m),
            }
        };
        t.row(vec![
            r.regime.clone(),
            cell(0),
            cell(2),
            cell(3),
            cell(1),
            cell(4),
            cell(5),
            cell(6),
            cell(7),
        ]);
    }
    write!(out, "{}", t.render())?;
    Ok(Verdict::Ok)
}
