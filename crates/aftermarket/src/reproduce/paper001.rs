//! Paper 001: Pagnozzi (2009), "Resale and bundling in auctions".
//!
//! Examples 1 and 2, run end to end from the built-in scenario files with
//! the paper's equilibrium bids given as strategies: allocation, price,
//! resale trade and price, payoffs, revenue and welfare, for resale allowed
//! and forbidden, separate and bundled sale; then the solver
//! ([`crate::equilibrium::named::pagnozzi`]) and the verifier
//! ([`crate::equilibrium::verify_complete_information`]) on the digest's
//! test vectors T1–T16, every lemma and proposition, the errata (printed
//! versus corrected, the printed version refuted by the verifier) and the
//! region maps' boundaries.

mod solver;

use super::{Item, PaperReport, ReproduceError, Source};
use crate::market::ExactReport;
use crate::scenario::builtin;

const CITATION: &str = "Marco Pagnozzi (2009), Resale and bundling in auctions (Elsevier, JEL D44): \
two bidders, two units, complete information, Nash-bargaining resale";

const TOL: f64 = 1e-9;

struct Run {
    file: &'static str,
    rep: ExactReport,
}

impl Run {
    fn new(file: &'static str) -> Result<Self, ReproduceError> {
        let sc = builtin::load(file)?;
        Ok(Run {
            file,
            rep: sc.market.exact()?,
        })
    }

    fn get(&self, name: &str) -> f64 {
        self.rep.get(name).unwrap_or(f64::NAN)
    }

    fn price(&self) -> f64 {
        self.rep
            .branches
            .first()
            .and_then(|b| b.episode.outcome.price)
            .unwrap_or(f64::NAN)
    }

    fn how(&self) -> String {
        format!("scenarios/{}, exact", self.file)
    }

    fn item(&self, id: &str, claim: &str, reference: f64, source: Source, measure: &str) -> Item {
        let computed = if measure == "price" {
            self.price()
        } else {
            self.get(measure)
        };
        Item::compare(id, claim, reference, source, computed, TOL, &self.how())
    }
}

/// Reproduces paper 001.
///
/// # Errors
/// A built-in scenario that fails (a bug).
pub fn reproduce() -> Result<PaperReport, ReproduceError> {
    use Source::{Derived, Paper};
    let mut items = Vec::new();

    let r = Run::new("pagnozzi-ex1-separate-no-resale.toml")?;
    items.push(r.item(
        "ex1.nb-nr.won-S",
        "Ex. 1, no resale: S wins both units",
        2.0,
        Paper,
        "won[S]",
    ));
    items.push(r.item(
        "ex1.nb-nr.price",
        "Ex. 1, no resale: price per unit = vW1",
        2.0,
        Paper,
        "price",
    ));
    items.push(r.item(
        "ex1.nb-nr.revenue",
        "Ex. 1, no resale: revenue",
        4.0,
        Paper,
        "revenue",
    ));
    items.push(r.item(
        "ex1.nb-nr.payoff-S",
        "Ex. 1, no resale: S's profit",
        16.0,
        Derived,
        "payoff[S]",
    ));
    items.push(r.item(
        "ex1.nb-nr.payoff-W",
        "Ex. 1, no resale: W's profit",
        0.0,
        Derived,
        "payoff[W]",
    ));
    items.push(r.item(
        "ex1.nb-nr.welfare",
        "Ex. 1, no resale: welfare (efficient)",
        20.0,
        Derived,
        "final_welfare",
    ));

    let r = Run::new("pagnozzi-ex1-separate-resale.toml")?;
    items.push(r.item(
        "ex1.nb-r.won-S",
        "Ex. 1, resale: S wins one unit in the auction",
        1.0,
        Paper,
        "won[S]",
    ));
    items.push(r.item(
        "ex1.nb-r.price",
        "Ex. 1, resale: auction price",
        0.0,
        Paper,
        "price",
    ));
    items.push(r.item(
        "ex1.nb-r.revenue",
        "Ex. 1, resale: revenue",
        0.0,
        Paper,
        "revenue",
    ));
    items.push(r.item(
        "ex1.nb-r.resale-price",
        "Ex. 1, resale: W resells to S at y",
        6.0,
        Paper,
        "resale_payments",
    ));
    items.push(r.item(
        "ex1.nb-r.held-S",
        "Ex. 1, resale: S ends with both units",
        2.0,
        Paper,
        "held[S]",
    ));
    items.push(r.item(
        "ex1.nb-r.payoff-S",
        "Ex. 1, resale: S's profit",
        14.0,
        Paper,
        "payoff[S]",
    ));
    items.push(r.item(
        "ex1.nb-r.payoff-W",
        "Ex. 1, resale: W's profit",
        6.0,
        Derived,
        "payoff[W]",
    ));
    items.push(r.item(
        "ex1.nb-r.welfare",
        "Ex. 1, resale: final welfare",
        20.0,
        Derived,
        "final_welfare",
    ));

    let r = Run::new("pagnozzi-ex1-separate-resale-outbid.toml")?;
    items.push(r.item(
        "ex1.nb-r.outbid-S",
        "Ex. 1, resale: S's profit if she outbids W",
        8.0,
        Paper,
        "payoff[S]",
    ));
    items.push(r.item(
        "ex1.nb-r.outbid-price",
        "Ex. 1, resale: price if S outbids W",
        6.0,
        Paper,
        "price",
    ));

    let r = Run::new("pagnozzi-ex1-bundle-no-resale.toml")?;
    items.push(r.item(
        "ex1.b-nr.revenue",
        "Ex. 1, bundled, no resale: revenue min(VS, VW)",
        2.0,
        Derived,
        "revenue",
    ));
    items.push(r.item(
        "ex1.b-nr.payoff-S",
        "Ex. 1, bundled, no resale: S's profit",
        18.0,
        Derived,
        "payoff[S]",
    ));

    let r = Run::new("pagnozzi-ex1-bundle-resale.toml")?;
    items.push(r.item(
        "ex1.b-r.revenue",
        "Ex. 1, bundled, resale: revenue x + y",
        11.0,
        Derived,
        "revenue",
    ));
    items.push(r.item(
        "ex1.b-r.payoff-S",
        "Ex. 1, bundled, resale: S's profit (1−α)(VS−VW), whoever wins",
        9.0,
        Derived,
        "payoff[S]",
    ));
    items.push(r.item(
        "ex1.b-r.payoff-W",
        "Ex. 1, bundled, resale: W's profit",
        0.0,
        Derived,
        "payoff[W]",
    ));
    items.push(r.item(
        "ex1.b-r.held-S",
        "Ex. 1, bundled, resale: S ends with both units",
        2.0,
        Derived,
        "held[S]",
    ));

    let r = Run::new("pagnozzi-ex2-no-resale-full.toml")?;
    items.push(r.item(
        "ex2.nr.no-dr-S",
        "Ex. 2, no resale: S's profit bidding for both units",
        8.0,
        Paper,
        "payoff[S]",
    ));
    let r = Run::new("pagnozzi-ex2-no-resale-reduce.toml")?;
    items.push(r.item(
        "ex2.nr.dr-S",
        "Ex. 2, no resale: S's profit reducing demand (prefers it)",
        10.0,
        Paper,
        "payoff[S]",
    ));
    items.push(r.item(
        "ex2.nr.dr-price",
        "Ex. 2, no resale: price when S reduces demand = vW2",
        0.0,
        Paper,
        "price",
    ));
    items.push(r.item(
        "ex2.nr.dr-welfare",
        "Ex. 2, no resale: welfare when S reduces demand (inefficient)",
        14.0,
        Derived,
        "final_welfare",
    ));
    let r = Run::new("pagnozzi-ex2-resale-full.toml")?;
    items.push(r.item(
        "ex2.r.no-dr-S",
        "Ex. 2, resale (c = 0.01): S's profit bidding for both units, 6 + 2c",
        6.02,
        Paper,
        "payoff[S]",
    ));
    let r = Run::new("pagnozzi-ex2-resale-reduce.toml")?;
    items.push(r.item(
        "ex2.r.dr-S",
        "Ex. 2, resale (c = 0.01): S's profit reducing demand",
        6.0,
        Paper,
        "payoff[S]",
    ));
    items.push(r.item(
        "ex2.r.dr-resale-price",
        "Ex. 2, resale: W resells to S at 5",
        5.0,
        Paper,
        "resale_payments",
    ));
    items.push(r.item(
        "ex2.r.dr-welfare",
        "Ex. 2, resale: final welfare (efficient; the trade cost 0.01 is counted apart)",
        16.0,
        Derived,
        "final_welfare",
    ));
    items.push(r.item(
        "ex2.r.dr-cost",
        "Ex. 2, resale: trade cost paid by S",
        0.01,
        Paper,
        "trade_costs",
    ));

    solver::items(&mut items)?;

    Ok(PaperReport {
        paper: "001".into(),
        citation: CITATION.into(),
        items,
    })
}
