//! Paper 002: Rostek and Yoder (2025), "Reallocative Auctions and Core
//! Selection".
//!
//! Examples 1–3, the constructed instances of Propositions 3–5 and 8, the
//! revenue comparison of Theorem 3 and the errata, computed by
//! [`crate::reallocation::reproduce::paper002_items`]. Tolerances are
//! relative: \\(|c - r| \le \text{tol} \cdot \max(1, |r|)\\); yes/no claims
//! are coded 1/0.

use super::{Item, PaperReport, ReproduceError, Source, Verdict};
use crate::reallocation::reproduce::paper002_items;

const CITATION: &str =
    "Marzena Rostek and Nathan Yoder (2025), Reallocative Auctions and Core Selection";

/// Reproduces paper 002.
///
/// # Errors
/// None in practice: a failed computation shows as a mismatch (NaN).
pub fn reproduce() -> Result<PaperReport, ReproduceError> {
    let items = paper002_items()
        .into_iter()
        .map(
            |(id, claim, reference, from_paper, computed, tol, erratum)| {
                let abs_tol = tol * reference.abs().max(1.0);
                let source = if from_paper {
                    Source::Paper
                } else {
                    Source::Derived
                };
                let mut item = Item::compare(
                    &id,
                    &claim,
                    reference,
                    source,
                    computed,
                    abs_tol,
                    "reallocation module, closed forms and exact enumeration",
                );
                if !computed.is_finite() {
                    item.verdict = Verdict::Mismatch;
                }
                match erratum {
                    Some(note) => item.erratum(&note),
                    None => item,
                }
            },
        )
        .collect();
    Ok(PaperReport {
        paper: "002".into(),
        citation: CITATION.into(),
        items,
    })
}
