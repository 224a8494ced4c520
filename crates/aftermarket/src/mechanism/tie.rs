//! Tie-breaking rules.

use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::MechanismError;

/// How a format breaks ties between equal bids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case", tag = "rule", content = "bidder")]
pub enum TieRule {
    /// Every order of the tied bidders equally likely.
    #[default]
    Random,
    /// A fixed order: earlier in the list wins; bidders not listed come
    /// after, by index.
    Priority(Vec<usize>),
    /// The named bidder wins every tie it is in; others are random.
    Favour(usize),
    /// The named bidder loses every tie it is in; others are random.
    Against(usize),
}

/// A strict order of bidders; a lower rank wins a tie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priority {
    rank: Vec<usize>,
}

impl Priority {
    /// Rank by index: bidder 0 wins every tie.
    pub fn by_index(n: usize) -> Self {
        Priority {
            rank: (0..n).collect(),
        }
    }

    /// From an order (first wins).
    pub fn from_order(order: &[usize]) -> Self {
        let mut rank = vec![usize::MAX; order.len()];
        for (r, &i) in order.iter().enumerate() {
            if i < rank.len() {
                rank[i] = r;
            }
        }
        Priority { rank }
    }

    /// The rank of bidder `i` (lower wins); bidders beyond the order rank
    /// last, by index.
    pub fn rank(&self, i: usize) -> usize {
        self.rank.get(i).copied().unwrap_or(usize::MAX / 2 + i)
    }
}

/// The largest number of bidders whose tie orders are enumerated exactly.
pub const MAX_EXACT_TIE_BIDDERS: usize = 8;

impl TieRule {
    /// Checks the rule is well formed.
    ///
    /// # Errors
    /// A priority list that names a bidder twice.
    pub fn check(&self) -> Result<(), MechanismError> {
        if let TieRule::Priority(order) = self {
            let mut seen = order.clone();
            seen.sort_unstable();
            if seen.windows(2).any(|w| w[0] == w[1]) {
                return Err(MechanismError::InvalidParameter {
                    param: "tie.priority",
                    rule: "must name each bidder at most once",
                    value: format!("{order:?}"),
                });
            }
        }
        Ok(())
    }

    fn fixed_order(order: &[usize], n: usize) -> Vec<usize> {
        let mut full: Vec<usize> = order.iter().copied().filter(|&i| i < n).collect();
        full.extend((0..n).filter(|i| !order.contains(i)));
        full
    }

    /// Draws a priority for `n` bidders.
    pub fn sample(&self, n: usize, rng: &mut dyn Rng) -> Priority {
        match self {
            TieRule::Priority(order) => Priority::from_order(&Self::fixed_order(order, n)),
            TieRule::Random => {
                let mut order: Vec<usize> = (0..n).collect();
                order.shuffle(rng);
                Priority::from_order(&order)
            }
            TieRule::Favour(j) | TieRule::Against(j) => {
                let mut others: Vec<usize> = (0..n).filter(|i| i != j).collect();
                others.shuffle(rng);
                if *j < n {
                    if matches!(self, TieRule::Favour(_)) {
                        others.insert(0, *j);
                    } else {
                        others.push(*j);
                    }
                }
                Priority::from_order(&others)
            }
        }
    }

    /// Every priority the rule can draw for `n` bidders, with probabilities.
    ///
    /// # Errors
    /// [`MechanismError::TooManyForExact`] when a random rule would need
    /// more than `MAX_EXACT_TIE_BIDDERS`! orders.
    pub fn priorities(&self, n: usize) -> Result<Vec<(f64, Priority)>, MechanismError> {
        let perms = |items: Vec<usize>| -> Result<Vec<Vec<usize>>, MechanismError> {
            if items.len() > MAX_EXACT_TIE_BIDDERS {
                return Err(MechanismError::TooManyForExact {
                    max: MAX_EXACT_TIE_BIDDERS,
                    got: items.len(),
                });
            }
            Ok(permutations(&items))
        };
        match self {
            TieRule::Priority(order) => Ok(vec![(
                1.0,
                Priority::from_order(&Self::fixed_order(order, n)),
            )]),
            TieRule::Random => {
                let all = perms((0..n).collect())?;
                let p = 1.0 / all.len() as f64;
                Ok(all
                    .into_iter()
                    .map(|o| (p, Priority::from_order(&o)))
                    .collect())
            }
            TieRule::Favour(j) | TieRule::Against(j) => {
                let all = perms((0..n).filter(|i| i != j).collect())?;
                let p = 1.0 / all.len() as f64;
                Ok(all
                    .into_iter()
                    .map(|mut o| {
                        if *j < n {
                            if matches!(self, TieRule::Favour(_)) {
                                o.insert(0, *j);
                            } else {
                                o.push(*j);
                            }
                        }
                        (p, Priority::from_order(&o))
                    })
                    .collect())
            }
        }
    }
}

fn permutations(items: &[usize]) -> Vec<Vec<usize>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for k in 0..items.len() {
        let mut rest = items.to_vec();
        let head = rest.remove(k);
        for mut tail in permutations(&rest) {
            tail.insert(0, head);
            out.push(tail);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_rule_enumerates_all_orders_with_equal_weight() {
        let ps = TieRule::Random.priorities(3).expect("small");
        assert_eq!(ps.len(), 6);
        assert!((ps.iter().map(|(p, _)| p).sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn favoured_bidder_always_ranks_first() {
        for (_, pr) in TieRule::Favour(2).priorities(4).expect("small") {
            assert_eq!(pr.rank(2), 0);
        }
        for (_, pr) in TieRule::Against(0).priorities(3).expect("small") {
            assert_eq!(pr.rank(0), 2);
        }
    }

    #[test]
    fn duplicate_priority_is_rejected() {
        let err = TieRule::Priority(vec![1, 1]).check().expect_err("dup");
        assert!(err.to_string().contains("at most once"));
    }

    #[test]
    fn too_many_for_exact_is_an_error() {
        assert!(TieRule::Random.priorities(9).is_err());
    }
}
