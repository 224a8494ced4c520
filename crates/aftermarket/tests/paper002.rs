//! Paper 002 (Rostek & Yoder 2025, "Reallocative Auctions and Core
//! Selection"): examples, constructed instances and invariants. Reference
//! values are from the paper and its digest; tolerances are relative 1e-9
//! for exact values unless stated.

use aftermarket::reallocation::reproduce::paper002_items;

#[test]
fn every_reproduction_item_matches() {
    let items = paper002_items();
    let mut bad = Vec::new();
    for (id, claim, r, _, c, tol, _) in &items {
        let ok = (c - r).abs() <= tol * r.abs().max(1.0);
        if !ok {
            bad.push(format!(
                "{id}: {claim}: reference {r}, computed {c}, tol {tol}"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} items mismatch:\n{}",
        bad.len(),
        items.len(),
        bad.join("\n")
    );
    assert!(items.len() >= 60, "only {} items", items.len());
}
