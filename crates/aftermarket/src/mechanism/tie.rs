//! Tie-breaking rules.

use rand::Rng;
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
///
/// Either an explicit order, or a random order drawn as one 64-bit key:
/// bidder `i`'s rank is a hash of (key, i), which makes every order equally
/// likely without allocating in the Monte Carlo hot path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priority {
    repr: Repr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Repr {
    Ranks(Vec<usize>),
    Hashed {
        key: u64,
        pinned: Option<(usize, bool)>,
    },
}

/// SplitMix64's finaliser: a bijective mix of 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Priority {
    /// Rank by index: bidder 0 wins every tie.
    pub fn by_index(n: usize) -> Self {
        Priority {
            repr: Repr::Ranks((0..n).collect()),
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
        Priority {
            repr: Repr::Ranks(rank),
        }
    }

    /// A uniformly random order given by a 64-bit key; `pinned` puts one
    /// bidder first (`true`) or last (`false`).
    pub fn hashed(key: u64, pinned: Option<(usize, bool)>) -> Self {
        Priority {
            repr: Repr::Hashed { key, pinned },
        }
    }

    /// The rank of bidder `i` (lower wins); bidders beyond an explicit
    /// order rank last, by index.
    pub fn rank(&self, i: usize) -> usize {
        match &self.repr {
            Repr::Ranks(r) => r.get(i).copied().unwrap_or(usize::MAX / 2 + i),
            Repr::Hashed { key, pinned } => {
                if let Some((j, first)) = pinned {
                    if *j == i {
                        return if *first { 0 } else { usize::MAX };
                    }
                }
                // Keep clear of the pinned extremes; a collision of two
                // 64-bit hashes (probability 2^-64) falls back to the index.
                (mix(key ^ mix(i as u64 + 1)) as usize).clamp(1, usize::MAX - 1)
            }
        }
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
            TieRule::Random => Priority::hashed(rng.next_u64(), None),
            TieRule::Favour(j) => Priority::hashed(rng.next_u64(), Some((*j, true))),
            TieRule::Against(j) => Priority::hashed(rng.next_u64(), Some((*j, false))),
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
    fn sampled_random_priority_is_uniform_over_orders() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut first = [0usize; 3];
        for _ in 0..30_000 {
            let p = TieRule::Random.sample(3, &mut rng);
            let winner = (0..3).min_by_key(|&i| p.rank(i)).expect("three bidders");
            first[winner] += 1;
        }
        for c in first {
            assert!((c as f64 / 30_000.0 - 1.0 / 3.0).abs() < 0.015, "{first:?}");
        }
    }

    #[test]
    fn sampled_favour_and_against_pin_the_bidder() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        for _ in 0..100 {
            let p = TieRule::Favour(1).sample(3, &mut rng);
            assert!(p.rank(1) < p.rank(0) && p.rank(1) < p.rank(2));
            let p = TieRule::Against(1).sample(3, &mut rng);
            assert!(p.rank(1) > p.rank(0) && p.rank(1) > p.rank(2));
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
