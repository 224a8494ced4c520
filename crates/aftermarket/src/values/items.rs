//! Sets of distinct items as bit masks.

use serde::{Deserialize, Serialize};

/// A set of distinct items, item `i` present when bit `i` is set.
///
/// Up to 32 items fit; package valuations cap at [`PackageValues::MAX_ITEMS`](super::PackageValues::MAX_ITEMS)
/// because they store a value for every subset.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct ItemSet(pub u32);

impl ItemSet {
    /// The empty set.
    pub const EMPTY: ItemSet = ItemSet(0);

    /// The set {0, .., n-1}.
    pub fn full(n: usize) -> Self {
        if n >= 32 {
            ItemSet(u32::MAX)
        } else {
            ItemSet((1u32 << n) - 1)
        }
    }

    /// The set {i}.
    pub fn singleton(i: usize) -> Self {
        ItemSet(1u32 << (i % 32))
    }

    /// The set of the given indices (each below 32).
    pub fn from_indices(idx: &[usize]) -> Self {
        ItemSet(idx.iter().fold(0u32, |m, &i| m | (1u32 << (i % 32))))
    }

    /// Number of items in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// True if the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True if item `i` is in the set.
    pub fn contains(self, i: usize) -> bool {
        i < 32 && self.0 & (1u32 << i) != 0
    }

    /// Union.
    pub fn union(self, o: ItemSet) -> ItemSet {
        ItemSet(self.0 | o.0)
    }

    /// Intersection.
    pub fn intersection(self, o: ItemSet) -> ItemSet {
        ItemSet(self.0 & o.0)
    }

    /// Items in `self` but not in `o`.
    pub fn difference(self, o: ItemSet) -> ItemSet {
        ItemSet(self.0 & !o.0)
    }

    /// True if the two sets share no item.
    pub fn is_disjoint(self, o: ItemSet) -> bool {
        self.0 & o.0 == 0
    }

    /// True if every item of `self` is in `o`.
    pub fn is_subset(self, o: ItemSet) -> bool {
        self.0 & !o.0 == 0
    }

    /// The indices in increasing order.
    pub fn indices(self) -> impl Iterator<Item = usize> {
        (0..32).filter(move |&i| self.contains(i))
    }

    /// Every subset of `self`, the empty set first.
    pub fn subsets(self) -> impl Iterator<Item = ItemSet> {
        // Enumerates sub-masks by the standard decrement-and-mask walk,
        // reversed so that the output is ascending.
        let full = self.0;
        let mut subs = Vec::with_capacity(1usize << self.len().min(20));
        let mut s = full;
        loop {
            subs.push(ItemSet(s));
            if s == 0 {
                break;
            }
            s = (s - 1) & full;
        }
        subs.into_iter().rev()
    }
}

impl std::fmt::Display for ItemSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{")?;
        for (k, i) in self.indices().enumerate() {
            if k > 0 {
                write!(f, ",")?;
            }
            write!(f, "{i}")?;
        }
        write!(f, "}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_of_three_items_are_eight_and_ascending() {
        let s: Vec<_> = ItemSet::full(3).subsets().collect();
        assert_eq!(s.len(), 8);
        assert_eq!(s[0], ItemSet::EMPTY);
        assert_eq!(s[7], ItemSet::full(3));
        assert!(s.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn display_lists_indices() {
        assert_eq!(ItemSet::from_indices(&[0, 2]).to_string(), "{0,2}");
    }
}
