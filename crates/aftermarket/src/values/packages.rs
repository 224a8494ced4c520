//! Set-function valuations over packages of distinct items.

use serde::{Deserialize, Serialize};

use super::{ItemSet, ValuesError, check_non_negative};

/// A value \\(v(S)\\) for every package \\(S\\) of `n` distinct items, with
/// \\(v(\emptyset) = 0\\).
///
/// Stored densely (2^n numbers), so `n` is at most [`Self::MAX_ITEMS`].
///
/// ```
/// use aftermarket::values::{ItemSet, PackageValues};
/// // Two items: 1 each alone, 3 together (complements).
/// let v = PackageValues::new(2, vec![0.0, 1.0, 1.0, 3.0])?;
/// assert_eq!(v.value(ItemSet::full(2))?, 3.0);
/// # Ok::<(), aftermarket::values::ValuesError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageValues {
    n_items: usize,
    values: Vec<f64>,
}

impl PackageValues {
    /// The largest number of items a package valuation may have.
    pub const MAX_ITEMS: usize = 16;

    /// Checked constructor from a dense table indexed by bit mask.
    ///
    /// # Errors
    /// Wrong table length, a negative or non-finite value, or v(∅) ≠ 0.
    pub fn new(n_items: usize, values: Vec<f64>) -> Result<Self, ValuesError> {
        if n_items == 0 || n_items > Self::MAX_ITEMS {
            return Err(ValuesError::ItemCount {
                max: Self::MAX_ITEMS,
                got: n_items,
            });
        }
        if values.len() != 1usize << n_items {
            return Err(ValuesError::ItemCount {
                max: Self::MAX_ITEMS,
                got: values.len().trailing_zeros() as usize,
            });
        }
        for (mask, &v) in values.iter().enumerate() {
            check_non_negative(&format!("value of package {}", ItemSet(mask as u32)), v)?;
        }
        if values[0] != 0.0 {
            return Err(ValuesError::EmptyPackageValue(values[0]));
        }
        Ok(PackageValues { n_items, values })
    }

    /// Builds a valuation from values of some packages: every other package
    /// is worth the most of the listed packages it contains (free disposal),
    /// 0 if none.
    ///
    /// # Errors
    /// As [`Self::new`], or an item index out of range.
    pub fn from_packages(n_items: usize, listed: &[(ItemSet, f64)]) -> Result<Self, ValuesError> {
        if n_items == 0 || n_items > Self::MAX_ITEMS {
            return Err(ValuesError::ItemCount {
                max: Self::MAX_ITEMS,
                got: n_items,
            });
        }
        let full = ItemSet::full(n_items);
        let mut values = vec![0.0; 1usize << n_items];
        for &(s, v) in listed {
            if !s.is_subset(full) {
                let item = s.difference(full).indices().next().unwrap_or(0);
                return Err(ValuesError::NoSuchItem { item, n_items });
            }
            check_non_negative(&format!("value of package {s}"), v)?;
            for (mask, slot) in values.iter_mut().enumerate() {
                if s.is_subset(ItemSet(mask as u32)) && v > *slot {
                    *slot = v;
                }
            }
        }
        values[0] = 0.0;
        PackageValues::new(n_items, values)
    }

    /// Additive values: the package is worth the sum of its items.
    ///
    /// # Errors
    /// As [`Self::new`].
    pub fn additive(item_values: &[f64]) -> Result<Self, ValuesError> {
        let n = item_values.len();
        if n == 0 || n > Self::MAX_ITEMS {
            return Err(ValuesError::ItemCount {
                max: Self::MAX_ITEMS,
                got: n,
            });
        }
        let values = (0..1usize << n)
            .map(|mask| {
                ItemSet(mask as u32)
                    .indices()
                    .map(|i| item_values[i])
                    .sum::<f64>()
            })
            .collect();
        PackageValues::new(n, values)
    }

    /// Number of items.
    pub fn n_items(&self) -> usize {
        self.n_items
    }

    /// The value of package `s`.
    ///
    /// # Errors
    /// If `s` names an item that does not exist.
    pub fn value(&self, s: ItemSet) -> Result<f64, ValuesError> {
        self.values
            .get(s.0 as usize)
            .copied()
            .ok_or_else(|| ValuesError::NoSuchItem {
                item: s
                    .difference(ItemSet::full(self.n_items))
                    .indices()
                    .next()
                    .unwrap_or(0),
                n_items: self.n_items,
            })
    }

    /// The dense table, indexed by bit mask.
    pub fn table(&self) -> &[f64] {
        &self.values
    }

    /// True if \\(v(S) \le v(T)\\) whenever \\(S \subseteq T\\).
    pub fn is_monotone(&self) -> bool {
        let full = ItemSet::full(self.n_items);
        full.subsets().all(|s| {
            (0..self.n_items).all(|i| {
                let t = s.union(ItemSet::singleton(i));
                self.values[s.0 as usize] <= self.values[t.0 as usize] + 1e-12
            })
        })
    }

    /// True if marginal values decrease as the package grows
    /// (\\(v(S \cup \{i\}) - v(S) \ge v(T \cup \{i\}) - v(T)\\) for \\(S \subseteq T\\)).
    pub fn is_submodular(&self) -> bool {
        let full = ItemSet::full(self.n_items);
        let v = |s: ItemSet| self.values[s.0 as usize];
        full.subsets().all(|t| {
            t.subsets().all(|s| {
                full.difference(t).indices().all(|i| {
                    let e = ItemSet::singleton(i);
                    v(s.union(e)) - v(s) + 1e-12 >= v(t.union(e)) - v(t)
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_package_must_be_worth_zero() {
        let err = PackageValues::new(1, vec![1.0, 2.0]).expect_err("v(empty) != 0");
        assert_eq!(err.to_string(), "the empty package must be worth 0, got 1");
    }

    #[test]
    fn free_disposal_fills_supersets() {
        let v = PackageValues::from_packages(
            3,
            &[
                (ItemSet::from_indices(&[0, 1]), 5.0),
                (ItemSet::singleton(2), 1.0),
            ],
        )
        .expect("valid");
        assert!((v.value(ItemSet::full(3)).expect("ok") - 5.0).abs() < 1e-12);
        assert!(v.value(ItemSet::singleton(0)).expect("ok").abs() < 1e-12);
        assert!(v.is_monotone());
    }

    #[test]
    fn additive_is_submodular_and_complements_are_not() {
        assert!(
            PackageValues::additive(&[1.0, 2.0, 3.0])
                .expect("ok")
                .is_submodular()
        );
        let c = PackageValues::new(2, vec![0.0, 1.0, 1.0, 3.0]).expect("ok");
        assert!(!c.is_submodular());
    }

    #[test]
    fn too_many_items_is_rejected() {
        let err = PackageValues::additive(&[1.0; 17]).expect_err("too many");
        assert!(err.to_string().contains("between 1 and 16 items"));
    }
}
