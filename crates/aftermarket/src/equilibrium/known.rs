//! Known Bayes–Nash equilibria of single-item auctions, to measure how far
//! a solved profile is from the truth.
//!
//! - Second price: bidding one's value is weakly dominant, for any priors
//!   and reserve (Krishna, *Auction Theory*, Prop. 2.1).
//! - First price, \\(n\\) bidders with i.i.d. values \\(F\\) and reserve
//!   \\(r\\): \\(b(v) = v - \int_r^v F(x)^{n-1}dx / F(v)^{n-1}\\) for
//!   \\(v \ge r\\) (Krishna, Prop. 2.2 and §2.5). This covers \\((n-1)v/n\\)
//!   for uniform values, \\(a(n-1)v/(a(n-1)+1)\\) for the power law
//!   \\(F(v) = v^a\\), and \\(v^2/(2(1+v))\\) for paper 003's value that is
//!   zero with probability 1/2 and otherwise uniform on \\[0, 1\\].
//! - All-pay, i.i.d.: \\(b(v) = v F(v)^{n-1} - \int_r^v F^{n-1}\\) (Krishna,
//!   §3.2.2); \\(v^2/2\\) for two uniform bidders.
//! - First price, two bidders with values uniform on \\[0, \omega_1\\] and
//!   \\[0, \omega_2\\], no reserve: the inverse bids are \\(\phi_i(b) =
//!   2b/(1 + k_i b^2)\\) with \\(k_i = \omega_i^{-2} - \omega_j^{-2}\\), so
//!   \\(b_i(v) = (1 - \sqrt{1 - k_i v^2})/(k_i v)\\) (Krishna, §4.3).
//!
//! The distance to a known equilibrium is reported as the L∞ and L2 (under
//! the type weights) distance between mean bids and the closed form over
//! each bidder's type grid.

use std::sync::Arc;

use crate::analysis::quadrature::integrate;
use crate::equilibrium::discrete_game::{DiscreteGame, Format};
use crate::equilibrium::verify_bne::BidFn;
use crate::prior::Prior;

/// A closed-form equilibrium of a game.
#[derive(Clone)]
pub struct KnownEquilibrium {
    /// What it is, e.g. `first-price, 2 i.i.d. bidders: b(v) = ...`.
    pub name: String,
    /// One bid function per bidder.
    pub bids: Vec<BidFn>,
}

impl std::fmt::Debug for KnownEquilibrium {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnownEquilibrium")
            .field("name", &self.name)
            .finish()
    }
}

/// Distance of a bidder's mean bids from a closed form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Distance {
    /// Largest absolute difference over the type grid.
    pub linf: f64,
    /// Root mean square difference under the type weights.
    pub l2: f64,
}

fn is_uniform_from_zero(p: &dyn Prior) -> Option<f64> {
    let (lo, hi) = p.support();
    let linear = p.atoms().is_empty()
        && lo.abs() < 1e-15
        && hi > 0.0
        && [0.25, 0.5, 0.75]
            .iter()
            .all(|&q| (p.cdf(q * hi) - q).abs() < 1e-12);
    linear.then_some(hi)
}

/// The closed-form equilibrium of `game`, when one is known.
///
/// ```
/// # use std::sync::Arc;
/// use aftermarket::equilibrium::{DiscreteGame, Format, known_equilibrium};
/// use aftermarket::prior::{Prior, Uniform};
/// let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0)?);
/// let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![u.clone(), u.clone(), u], 8, 8, 1.0)?;
/// let k = known_equilibrium(&g).expect("i.i.d. first price");
/// assert!((k.bids[0](0.9) - 0.6).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn known_equilibrium(game: &DiscreteGame) -> Option<KnownEquilibrium> {
    let priors = game.priors();
    let n = priors.len();
    let r = game.reserve();
    if game.format() == Format::SecondPrice {
        let id: BidFn = Arc::new(|v| v);
        return Some(KnownEquilibrium {
            name: "second-price: truthful, b(v) = v".into(),
            bids: vec![id; n],
        });
    }
    let iid = priors.windows(2).all(|w| w[0].name() == w[1].name());
    if iid {
        let f = priors[0].clone();
        let k = (n - 1) as i32;
        let (name, bid): (String, BidFn) = match game.format() {
            Format::FirstPrice => (
                format!(
                    "first-price, {n} i.i.d. bidders ({}): b(v) = v - ∫_r^v F^{k} / F(v)^{k}",
                    f.name()
                ),
                Arc::new(move |v| {
                    if v < r {
                        return 0.0;
                    }
                    let fv = f.cdf(v).powi(k);
                    if fv <= 0.0 {
                        return v;
                    }
                    v - integrate(&|x| f.cdf(x).powi(k), r, v) / fv
                }),
            ),
            Format::AllPay => (
                format!(
                    "all-pay, {n} i.i.d. bidders ({}): b(v) = v F(v)^{k} - ∫_r^v F^{k}",
                    f.name()
                ),
                Arc::new(move |v| {
                    if v < r {
                        return 0.0;
                    }
                    v * f.cdf(v).powi(k) - integrate(&|x| f.cdf(x).powi(k), r, v)
                }),
            ),
            _ => return None,
        };
        return Some(KnownEquilibrium {
            name,
            bids: vec![bid; n],
        });
    }
    if game.format() == Format::FirstPrice && n == 2 && r == 0.0 {
        let w1 = is_uniform_from_zero(priors[0].as_ref())?;
        let w2 = is_uniform_from_zero(priors[1].as_ref())?;
        let bid = |k: f64| -> BidFn {
            Arc::new(move |v: f64| {
                if v <= 0.0 {
                    0.0
                } else if k.abs() < 1e-12 {
                    v / 2.0
                } else {
                    (1.0 - (1.0 - k * v * v).max(0.0).sqrt()) / (k * v)
                }
            })
        };
        let k1 = 1.0 / (w1 * w1) - 1.0 / (w2 * w2);
        return Some(KnownEquilibrium {
            name: format!(
                "first-price, uniform[0,{w1}] against uniform[0,{w2}]: b_i(v) = (1 - sqrt(1 - k_i v^2)) / (k_i v)"
            ),
            bids: vec![bid(k1), bid(-k1)],
        });
    }
    None
}

/// Distance of `mean_bids[i][t]` from the closed form over each bidder's
/// type grid.
pub fn distance_to_known(
    game: &DiscreteGame,
    mean_bids: &[Vec<f64>],
    known: &KnownEquilibrium,
) -> Vec<Distance> {
    mean_bids
        .iter()
        .zip(&known.bids)
        .enumerate()
        .map(|(i, (bids, f))| {
            let g = game.types(i);
            let (mut linf, mut l2) = (0.0f64, 0.0);
            for ((&v, &w), &b) in g.points.iter().zip(&g.weights).zip(bids) {
                let d = (b - f(v)).abs();
                linf = linf.max(d);
                l2 += w * d * d;
            }
            Distance {
                linf,
                l2: l2.sqrt(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::{Mixture, PointMass, Power, Uniform};

    fn unif(hi: f64) -> Arc<dyn Prior> {
        Arc::new(Uniform::new(0.0, hi).expect("uniform"))
    }

    #[test]
    fn formulas_reduce_to_the_textbook_cases() {
        let g = DiscreteGame::new(Format::AllPay, 0.0, vec![unif(1.0), unif(1.0)], 4, 4, 1.0)
            .expect("game");
        let k = known_equilibrium(&g).expect("all-pay");
        assert!((k.bids[0](0.6) - 0.18).abs() < 1e-10);
        let a = 2.0;
        let p: Arc<dyn Prior> = Arc::new(Power::new(1.0, a).expect("power"));
        let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![p.clone(), p], 4, 4, 1.0)
            .expect("game");
        let k = known_equilibrium(&g).expect("power");
        assert!((k.bids[1](0.9) - a * 0.9 / (a + 1.0)).abs() < 1e-9);
        let atom = || -> Arc<dyn Prior> {
            Arc::new(
                Mixture::new(vec![
                    (
                        0.5,
                        Arc::new(PointMass::new(0.0).expect("pm")) as Arc<dyn Prior>,
                    ),
                    (0.5, unif(1.0)),
                ])
                .expect("mixture"),
            )
        };
        let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![atom(), atom()], 4, 4, 1.0)
            .expect("game");
        let k = known_equilibrium(&g).expect("atom");
        let v: f64 = 0.7;
        assert!((k.bids[0](v) - v * v / (2.0 * (1.0 + v))).abs() < 1e-9);
    }

    #[test]
    fn asymmetric_uniform_bids_meet_at_the_top() {
        let g = DiscreteGame::new(
            Format::FirstPrice,
            0.0,
            vec![unif(1.0), unif(2.0)],
            4,
            4,
            1.0,
        )
        .expect("game");
        let k = known_equilibrium(&g).expect("asymmetric");
        // Both top bids are w1 w2 / (w1 + w2) = 2/3.
        assert!((k.bids[0](1.0) - 2.0 / 3.0).abs() < 1e-12);
        assert!((k.bids[1](2.0) - 2.0 / 3.0).abs() < 1e-12);
        // The weak bidder bids more at the same value.
        assert!(k.bids[0](0.8) > k.bids[1](0.8));
    }
}
