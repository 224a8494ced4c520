//! Efficient reallocation among the agents taking part in the aftermarket.

use super::pricing::{check_lengths, unsupported};
use super::{ResaleContext, ResaleError, Trade};
use crate::analysis::welfare::efficient_allocation;
use crate::values::{Holding, ItemSet, PackageValues, Supply, Valuation};

/// The efficient allocation of the goods the active agents hold, among the
/// active agents; inactive agents keep what they hold. Goods nobody values
/// (left unassigned by the efficient allocation) stay with their holders.
///
/// # Errors
/// Mismatched lengths, holdings of the wrong kind, invalid valuations.
pub(crate) fn reallocate(
    ctx: &ResaleContext<'_>,
    market: &str,
) -> Result<Vec<Holding>, ResaleError> {
    check_lengths(ctx)?;
    let n = ctx.n();
    if n == 0 {
        return Ok(Vec::new());
    }
    let mask: Vec<bool> = (0..n).map(|i| ctx.active(i)).collect();
    match ctx.supply {
        Supply::Units { .. } => {
            let mut held = Vec::with_capacity(n);
            for h in ctx.holdings {
                match h {
                    Holding::Units(k) => held.push(*k),
                    Holding::Items(_) => {
                        return Err(unsupported(market, "item holdings with a unit supply"));
                    }
                }
            }
            let pooled: usize = (0..n).filter(|&i| mask[i]).map(|i| held[i]).sum();
            let e = efficient_allocation(ctx.valuations, &Supply::Units { m: pooled }, &mask)?;
            let mut target: Vec<usize> = (0..n)
                .map(|i| match (mask[i], e.allocation.get(i)) {
                    (false, _) => held[i],
                    (true, Some(Holding::Units(k))) => *k,
                    (true, _) => 0,
                })
                .collect();
            let assigned: usize = (0..n).filter(|&i| mask[i]).map(|i| target[i]).sum();
            let mut left = pooled.saturating_sub(assigned);
            for i in (0..n).filter(|&i| mask[i]) {
                let back = left.min(held[i].saturating_sub(target[i]));
                target[i] += back;
                left -= back;
            }
            Ok(target.into_iter().map(Holding::Units).collect())
        }
        Supply::Items { n: n_items } => {
            let mut sets = Vec::with_capacity(n);
            for h in ctx.holdings {
                match h {
                    Holding::Items(s) => sets.push(*s),
                    Holding::Units(_) => {
                        return Err(unsupported(market, "unit holdings with an item supply"));
                    }
                }
            }
            let pool = (0..n)
                .filter(|&i| mask[i])
                .fold(ItemSet::EMPTY, |acc, i| acc.union(sets[i]));
            // Each active agent values a package by the part of it drawn from
            // the pool, so that items of inactive agents never move.
            let mut restricted = Vec::with_capacity(n);
            for (i, v) in ctx.valuations.iter().enumerate() {
                match (mask[i], v) {
                    (true, Valuation::Packages(pv)) => {
                        let table = (0..1u32 << pv.n_items().min(16))
                            .map(|s| pv.value(ItemSet(s).intersection(pool)))
                            .collect::<Result<Vec<f64>, _>>()?;
                        restricted.push(Valuation::Packages(PackageValues::new(
                            pv.n_items(),
                            table,
                        )?));
                    }
                    _ => restricted.push(v.clone()),
                }
            }
            let e = efficient_allocation(&restricted, &Supply::Items { n: n_items }, &mask)?;
            let got: Vec<ItemSet> = (0..n)
                .map(|i| match e.allocation.get(i) {
                    Some(Holding::Items(s)) if mask[i] => s.intersection(pool),
                    _ => ItemSet::EMPTY,
                })
                .collect();
            let unassigned = got.iter().fold(pool, |acc, s| acc.difference(*s));
            Ok((0..n)
                .map(|i| {
                    if mask[i] {
                        Holding::Items(got[i].union(sets[i].intersection(unassigned)))
                    } else {
                        Holding::Items(sets[i])
                    }
                })
                .collect())
        }
    }
}

/// The goods flows taking `before` to `after`, as (seller, buyer, quantity)
/// in index order: items go from their old holder to their new one; units
/// are matched greedily, lowest-indexed seller with lowest-indexed buyer.
pub(crate) fn flows(before: &[Holding], after: &[Holding]) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    let mut add = |s: usize, b: usize, q: usize| {
        if q == 0 {
            return;
        }
        if let Some(f) = out.iter_mut().find(|f| f.0 == s && f.1 == b) {
            f.2 += q;
        } else {
            out.push((s, b, q));
        }
    };
    let n = before.len().min(after.len());
    let units = before
        .iter()
        .chain(after)
        .all(|h| matches!(h, Holding::Units(_)));
    if units {
        let mut sellers: Vec<(usize, usize)> = (0..n)
            .map(|i| (i, before[i].excess_over(&after[i])))
            .filter(|x| x.1 > 0)
            .collect();
        let mut buyers: Vec<(usize, usize)> = (0..n)
            .map(|i| (i, after[i].excess_over(&before[i])))
            .filter(|x| x.1 > 0)
            .collect();
        let (mut s, mut b) = (0, 0);
        while s < sellers.len() && b < buyers.len() {
            let q = sellers[s].1.min(buyers[b].1);
            add(sellers[s].0, buyers[b].0, q);
            sellers[s].1 -= q;
            buyers[b].1 -= q;
            if sellers[s].1 == 0 {
                s += 1;
            }
            if buyers[b].1 == 0 {
                b += 1;
            }
        }
    } else {
        for (s, hs) in before.iter().enumerate().take(n) {
            let Holding::Items(gave) = hs else { continue };
            for (b, hb) in after.iter().enumerate().take(n) {
                let Holding::Items(got) = hb else { continue };
                if b != s {
                    add(s, b, gave.intersection(*got).len());
                }
            }
        }
    }
    out
}

/// Trades for the flows, each seller's net receipt `-payments[s]` spread
/// over its sales in proportion to quantity.
pub(crate) fn trades_from(flows: &[(usize, usize, usize)], payments: &[f64]) -> Vec<Trade> {
    flows
        .iter()
        .map(|&(seller, buyer, quantity)| {
            let sold: usize = flows.iter().filter(|f| f.0 == seller).map(|f| f.2).sum();
            let receipt = -payments.get(seller).copied().unwrap_or(0.0);
            Trade {
                seller,
                buyer,
                quantity,
                price: receipt * quantity as f64 / sold.max(1) as f64,
            }
        })
        .collect()
}
