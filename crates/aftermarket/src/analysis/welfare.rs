//! Efficient allocations and optimal welfare.
//!
//! The benchmark every measure compares with: the allocation of the goods
//! among a set of participants that maximises the sum of their values.
//! For identical units with non-increasing marginal values a greedy
//! assignment of units to the highest remaining marginal values is optimal;
//! for packages of distinct items, exact winner determination by dynamic
//! programming over subsets, \\(O(n \cdot 3^k)\\) for `k` items.
//!
//! VCG payments (papers 000 and 002) and the aftermarkets that reallocate
//! efficiently (Nash bargaining, competitive resale) are built on this.

use crate::values::{Holding, ItemSet, Supply, Valuation, ValuesError};

/// An allocation and its total value.
#[derive(Debug, Clone, PartialEq)]
pub struct Efficient {
    /// Holding of each bidder (empty for non-participants).
    pub allocation: Vec<Holding>,
    /// Sum of participants' values.
    pub welfare: f64,
}

/// The efficient allocation of `supply` among the bidders with
/// `participants[i] == true` (all bidders when `participants` is empty).
///
/// Ties between equally good allocations go to lower-indexed bidders.
///
/// ```
/// use aftermarket::analysis::welfare::efficient_allocation;
/// use aftermarket::values::{Holding, Supply, Valuation};
/// let vs = [Valuation::units(vec![10.0, 6.0])?, Valuation::units(vec![4.0, 0.0])?];
/// let e = efficient_allocation(&vs, &Supply::Units { m: 2 }, &[])?;
/// assert_eq!(e.allocation, vec![Holding::Units(2), Holding::Units(0)]);
/// assert_eq!(e.welfare, 16.0);
/// # Ok::<(), aftermarket::values::ValuesError>(())
/// ```
///
/// # Errors
/// A valuation that does not fit the supply.
pub fn efficient_allocation(
    valuations: &[Valuation],
    supply: &Supply,
    participants: &[bool],
) -> Result<Efficient, ValuesError> {
    let takes_part =
        |i: usize| participants.is_empty() || participants.get(i).copied().unwrap_or(false);
    match *supply {
        Supply::Units { m } => units(valuations, m, &takes_part),
        Supply::Items { n } => items(valuations, n, &takes_part),
    }
}

fn units(
    valuations: &[Valuation],
    m: usize,
    takes_part: &dyn Fn(usize) -> bool,
) -> Result<Efficient, ValuesError> {
    let mut marg: Vec<&[f64]> = Vec::with_capacity(valuations.len());
    for v in valuations {
        match v.as_units() {
            Some(mv) => marg.push(mv.as_slice()),
            None => {
                return Err(ValuesError::KindMismatch {
                    valuation: "package",
                    holding: format!("{m} units"),
                });
            }
        }
    }
    let n = valuations.len();
    let mut held = vec![0usize; n];
    let mut welfare = 0.0;
    for _ in 0..m {
        // Next unit to the highest next marginal value; strict > keeps the
        // lower index on ties. Zero-value units still go to someone: the
        // allocation is complete but the welfare is unchanged.
        let mut best: Option<(usize, f64)> = None;
        for i in (0..n).filter(|&i| takes_part(i)) {
            let next = marg[i].get(held[i]).copied().unwrap_or(0.0);
            if best.is_none_or(|(_, b)| next > b) {
                best = Some((i, next));
            }
        }
        match best {
            Some((i, v)) if v > 0.0 => {
                held[i] += 1;
                welfare += v;
            }
            _ => break,
        }
    }
    Ok(Efficient {
        allocation: held.into_iter().map(Holding::Units).collect(),
        welfare,
    })
}

fn items(
    valuations: &[Valuation],
    n_items: usize,
    takes_part: &dyn Fn(usize) -> bool,
) -> Result<Efficient, ValuesError> {
    let full = ItemSet::full(n_items);
    let size = 1usize << n_items;
    let mut tables: Vec<&[f64]> = Vec::new();
    let mut who: Vec<usize> = Vec::new();
    for (i, v) in valuations.iter().enumerate() {
        let pv = v.as_packages().ok_or_else(|| ValuesError::KindMismatch {
            valuation: "unit",
            holding: format!("items {full}"),
        })?;
        if pv.n_items() != n_items {
            return Err(ValuesError::ItemCount {
                max: n_items,
                got: pv.n_items(),
            });
        }
        if takes_part(i) {
            tables.push(pv.table());
            who.push(i);
        }
    }
    // f[k][S]: best value of giving items S to the first k participants.
    let mut f = vec![vec![0.0f64; size]; tables.len() + 1];
    let mut choice = vec![vec![0u32; size]; tables.len() + 1];
    for k in 1..=tables.len() {
        for s in 0..size {
            let s_set = ItemSet(s as u32);
            let mut best = f[k - 1][s];
            let mut arg = 0u32;
            for t in s_set.subsets() {
                if t.is_empty() {
                    continue;
                }
                let val = tables[k - 1][t.0 as usize] + f[k - 1][s & !(t.0 as usize)];
                if val > best + 1e-12 {
                    best = val;
                    arg = t.0;
                }
            }
            f[k][s] = best;
            choice[k][s] = arg;
        }
    }
    let mut allocation = vec![Holding::Items(ItemSet::EMPTY); valuations.len()];
    let mut s = full.0 as usize;
    for k in (1..=tables.len()).rev() {
        let t = choice[k][s];
        allocation[who[k - 1]] = Holding::Items(ItemSet(t));
        s &= !(t as usize);
    }
    Ok(Efficient {
        allocation,
        welfare: f[tables.len()][full.0 as usize],
    })
}

/// Total value of an allocation.
///
/// # Errors
/// A holding a valuation cannot value.
pub fn welfare_of(valuations: &[Valuation], allocation: &[Holding]) -> Result<f64, ValuesError> {
    valuations
        .iter()
        .zip(allocation)
        .map(|(v, h)| v.value(h))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::PackageValues;

    #[test]
    fn units_go_to_the_highest_marginals() {
        let vs = [
            Valuation::units(vec![10.0, 10.0]).expect("ok"),
            Valuation::units(vec![2.0, 0.0]).expect("ok"),
        ];
        let e = efficient_allocation(&vs, &Supply::Units { m: 2 }, &[]).expect("ok");
        assert!((e.welfare - 20.0).abs() < 1e-12);
        let case_b = [
            Valuation::units(vec![10.0, 3.0]).expect("ok"),
            Valuation::units(vec![5.0, 1.0]).expect("ok"),
        ];
        let e = efficient_allocation(&case_b, &Supply::Units { m: 2 }, &[]).expect("ok");
        assert_eq!(e.allocation, vec![Holding::Units(1), Holding::Units(1)]);
        assert!((e.welfare - 15.0).abs() < 1e-12);
    }

    #[test]
    fn excluding_a_bidder_reallocates() {
        let vs = [
            Valuation::units(vec![5.0]).expect("ok"),
            Valuation::units(vec![3.0]).expect("ok"),
        ];
        let e = efficient_allocation(&vs, &Supply::Units { m: 1 }, &[false, true]).expect("ok");
        assert_eq!(e.allocation, vec![Holding::Units(0), Holding::Units(1)]);
    }

    #[test]
    fn local_local_global_packages() {
        // Items A=0, B=1. Local 1 wants A (0.6), local 2 wants B (0.7),
        // global wants both (1.5): the global bidder wins, 1.5 > 0.6 + 0.7.
        let l1 = PackageValues::from_packages(2, &[(ItemSet::singleton(0), 0.6)]).expect("ok");
        let l2 = PackageValues::from_packages(2, &[(ItemSet::singleton(1), 0.7)]).expect("ok");
        let g = PackageValues::from_packages(2, &[(ItemSet::full(2), 1.5)]).expect("ok");
        let vs = [
            Valuation::Packages(l1),
            Valuation::Packages(l2),
            Valuation::Packages(g),
        ];
        let e = efficient_allocation(&vs, &Supply::Items { n: 2 }, &[]).expect("ok");
        assert!((e.welfare - 1.5).abs() < 1e-12);
        assert_eq!(e.allocation[2], Holding::Items(ItemSet::full(2)));
        let e =
            efficient_allocation(&vs, &Supply::Items { n: 2 }, &[true, true, false]).expect("ok");
        assert!((e.welfare - 1.3).abs() < 1e-12);
    }

    #[test]
    fn dp_matches_brute_force_on_three_bidders_three_items() {
        let tables = [
            vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0, 3.0, 7.0],
            vec![0.0, 1.0, 4.0, 5.0, 1.0, 2.0, 5.0, 6.0],
            vec![0.0, 2.0, 2.0, 3.0, 4.0, 6.0, 6.0, 8.0],
        ];
        let vs: Vec<Valuation> = tables
            .iter()
            .map(|t| Valuation::Packages(PackageValues::new(3, t.clone()).expect("ok")))
            .collect();
        let e = efficient_allocation(&vs, &Supply::Items { n: 3 }, &[]).expect("ok");
        let mut best = 0.0f64;
        for a in 0..8u32 {
            for b in 0..8u32 {
                if a & b != 0 {
                    continue;
                }
                let c = 7 & !(a | b);
                best =
                    best.max(tables[0][a as usize] + tables[1][b as usize] + tables[2][c as usize]);
            }
        }
        assert!((e.welfare - best).abs() < 1e-12);
        assert!((welfare_of(&vs, &e.allocation).expect("ok") - best).abs() < 1e-12);
    }
}
