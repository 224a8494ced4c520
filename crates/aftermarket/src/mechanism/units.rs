//! Reading marginal unit bids and ranking them, shared by the formats that
//! sell identical units.

use super::{AuctionRules, Bid, MechanismError, Priority, check_bids};

/// Reads each bid as marginal unit bids (`Single(b)` is one unit bid), at
/// most `m` of them; with `non_increasing`, rejects bids that rise.
///
/// # Errors
/// [`MechanismError::BidShape`], or the errors of [`check_bids`].
pub(super) fn marginal_bids(
    bids: &[Bid],
    m: usize,
    format: &str,
    non_increasing: bool,
) -> Result<Vec<Vec<f64>>, MechanismError> {
    check_bids(bids)?;
    bids.iter()
        .enumerate()
        .map(|(i, b)| {
            let shape = |expected: &'static str| MechanismError::BidShape {
                bidder: i,
                format: format.to_string(),
                expected,
                got: b.describe(),
            };
            let v = b
                .as_marginal()
                .ok_or_else(|| shape("marginal unit bids (one number or a list)"))?;
            if v.len() > m {
                return Err(shape("no more marginal bids than units for sale"));
            }
            if non_increasing && v.windows(2).any(|w| w[1] > w[0]) {
                return Err(shape("non-increasing marginal bids"));
            }
            Ok(v.to_vec())
        })
        .collect()
}

/// One bid on one unit, by `bidder`.
#[derive(Debug, Clone, Copy)]
pub(super) struct UnitBid {
    pub(super) bidder: usize,
    pub(super) value: f64,
}

/// Every admissible unit bid, highest first; equal bids of different
/// bidders are ordered by `priority`, and a bidder's own equal bids by unit.
pub(super) fn ranked_unit_bids(
    marginals: &[Vec<f64>],
    rules: &AuctionRules,
    priority: &Priority,
) -> Vec<UnitBid> {
    let mut all: Vec<(usize, usize, f64)> = marginals
        .iter()
        .enumerate()
        .flat_map(|(i, v)| v.iter().enumerate().map(move |(k, &b)| (i, k, b)))
        .filter(|&(_, _, b)| rules.admissible(b))
        .collect();
    // Ranks are computed once per bidder (a random priority hashes), and
    // the key is a total order, so an unstable sort gives the same result
    // as a stable one.
    let ranks: Vec<usize> = (0..marginals.len()).map(|i| priority.rank(i)).collect();
    all.sort_unstable_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then(ranks[a.0].cmp(&ranks[b.0]))
            .then(a.0.cmp(&b.0))
            .then(a.1.cmp(&b.1))
    });
    all.into_iter()
        .map(|(bidder, _, value)| UnitBid { bidder, value })
        .collect()
}

/// Units won by each of `n` bidders when the `m` highest ranked unit bids
/// win.
pub(super) fn units_won(ranked: &[UnitBid], n: usize, m: usize) -> Vec<usize> {
    let mut won = vec![0usize; n];
    for u in ranked.iter().take(m) {
        if let Some(w) = won.get_mut(u.bidder) {
            *w += 1;
        }
    }
    won
}

/// Checks a number of units is at least 1.
///
/// # Errors
/// [`MechanismError::InvalidParameter`] naming `m`.
pub(super) fn check_units(m: usize) -> Result<(), MechanismError> {
    if m == 0 {
        return Err(MechanismError::InvalidParameter {
            param: "m",
            rule: "must be >= 1",
            value: m.to_string(),
        });
    }
    Ok(())
}

/// Reads each bid as one bid per market (exactly `k` of them) and returns
/// the bids market by market: `out[market][bidder]`.
///
/// # Errors
/// [`MechanismError::BidShape`], or the errors of [`check_bids`].
pub(super) fn per_market_bids(
    bids: &[Bid],
    k: usize,
    format: &str,
    expected: &'static str,
) -> Result<Vec<Vec<f64>>, MechanismError> {
    check_bids(bids)?;
    let mut markets = vec![Vec::with_capacity(bids.len()); k];
    for (i, b) in bids.iter().enumerate() {
        match b {
            Bid::PerItem(v) if v.len() == k => {
                for (market, &x) in markets.iter_mut().zip(v) {
                    market.push(x);
                }
            }
            _ => {
                return Err(MechanismError::BidShape {
                    bidder: i,
                    format: format.to_string(),
                    expected,
                    got: b.describe(),
                });
            }
        }
    }
    Ok(markets)
}
