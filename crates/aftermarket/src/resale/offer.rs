//! One price offered for one unit: the piece the posted-price aftermarkets
//! share.

use super::pricing::{GAIN_TOL, best_price, law, marginal, move_units};
use super::{Indifference, ResaleContext, ResaleError, ResaleOutcome};

/// The price `seller` posts for its lowest-valued unit to `buyers` (each
/// of whom may take it), maximising its expected gain over keeping the
/// unit against its beliefs, never below its own value for the unit:
/// \\[ \max_{p \ge w}\ (p - w)\Big(1 - \prod_{j}\big(1 - P_j\[v_j \ge p\]\big)\Big), \\]
/// \\(v_j\\) being buyer `j`'s value for one more unit and `w` the seller's
/// value for the unit it gives up. Buyers are taken as independent.
/// Returns (price, expected gain), or `None` when no price has a positive
/// expected gain.
///
/// # Errors
/// Missing beliefs, or beliefs over package valuations.
pub(crate) fn post(
    ctx: &ResaleContext<'_>,
    market: &str,
    seller: usize,
    held: &[usize],
    buyers: &[usize],
    ind: Indifference,
) -> Result<Option<(f64, f64)>, ResaleError> {
    let own = held.get(seller).copied().unwrap_or(0);
    if own == 0 || buyers.is_empty() {
        return Ok(None);
    }
    let w = marginal(ctx, seller, own);
    let mut laws = Vec::with_capacity(buyers.len());
    let mut points = Vec::new();
    for &j in buyers {
        let l = law(ctx, seller, j, market)?;
        let k = held.get(j).copied().unwrap_or(0) + 1;
        l.breakpoints(k, &mut points);
        laws.push((l, k));
    }
    let hi = points.iter().copied().fold(w, f64::max);
    let obj = |p: f64| {
        let none: f64 = laws.iter().map(|(l, k)| 1.0 - l.buys(*k, p, ind)).product();
        (p - w) * (1.0 - none)
    };
    Ok(best_price(&obj, &points, w, hi).filter(|&(_, g)| g > GAIN_TOL))
}

/// Among `buyers`, those whose true value for one more unit accepts `price`;
/// the one with the highest value takes the unit (ties: lowest index).
pub(crate) fn taker(
    ctx: &ResaleContext<'_>,
    held: &[usize],
    buyers: &[usize],
    price: f64,
    ind: Indifference,
) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for &j in buyers {
        let v = marginal(ctx, j, held.get(j).copied().unwrap_or(0) + 1);
        if ind.accepts(v - price) && best.is_none_or(|(_, b)| v > b) {
            best = Some((j, v));
        }
    }
    best.map(|(j, _)| j)
}

/// Moves one unit from `seller` to `buyer` at `price`.
pub(crate) fn sell_one(
    out: &mut ResaleOutcome,
    held: &mut [usize],
    seller: usize,
    buyer: usize,
    price: f64,
) {
    move_units(&mut out.holdings, seller, buyer, 1);
    if let Some(h) = held.get_mut(seller) {
        *h = h.saturating_sub(1);
    }
    if let Some(h) = held.get_mut(buyer) {
        *h += 1;
    }
    out.record(seller, buyer, 1, price);
}

/// Active agents other than `i`.
pub(crate) fn others(ctx: &ResaleContext<'_>, i: usize) -> Vec<usize> {
    (0..ctx.n()).filter(|&j| j != i && ctx.active(j)).collect()
}
