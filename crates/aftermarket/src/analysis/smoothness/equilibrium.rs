//! Welfare of solved equilibria against the optimum, for checking them
//! against their smoothness bound.

use serde::Serialize;

use crate::equilibrium::{BayesGame, DiscreteGame, MixedStrategy, SolveError};

/// Expected welfare of a profile of a [`DiscreteGame`] and the expected
/// optimum on the same type grids.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GridWelfare {
    /// \\(\mathbb E[\text{value of the winner}]\\) (ties split as the game splits them).
    pub welfare: f64,
    /// \\(\mathbb E[\max_i v_i]\\) (values below the reserve count as 0).
    pub optimal: f64,
}

impl GridWelfare {
    /// \\(\mathrm{OPT} / \mathrm{Wel}\\), the instance's price of anarchy for
    /// this profile (infinite when the welfare is 0 and the optimum is not).
    pub fn ratio(&self) -> f64 {
        if self.welfare > 0.0 {
            self.optimal / self.welfare
        } else if self.optimal > 0.0 {
            f64::INFINITY
        } else {
            1.0
        }
    }
}

/// Welfare and optimum of `profile` in `game`. Bidders are independent, so
/// bidder \\(i\\)'s type \\(t\\) bidding \\(b_j\\) wins with the probability
/// \\(W_i(j)\\) the game computes against the rivals' bid laws, and the welfare
/// is \\(\sum_i \sum_t w_t v_t \sum_j \sigma_i(j \mid t) W_i(j)\\).
///
/// # Errors
/// A profile that does not fit the game.
pub fn grid_welfare(
    game: &DiscreteGame,
    profile: &[MixedStrategy],
) -> Result<GridWelfare, SolveError> {
    let mut welfare = 0.0;
    for (i, s) in profile.iter().enumerate() {
        let bv = game.bid_values(i, profile)?;
        let grid = game.types(i);
        for (t, (v, w)) in grid.points.iter().zip(&grid.weights).enumerate() {
            let win: f64 = s.row(t).iter().zip(&bv.win).map(|(p, q)| p * q).sum();
            welfare += w * v * win;
        }
    }
    // E[max] = ∫ (1 − Π F_i(x)) dx over the grids' step CDFs, above the reserve.
    let mut xs: Vec<f64> = (0..game.n_bidders())
        .flat_map(|i| game.types(i).points.clone())
        .filter(|x| *x >= game.reserve())
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup_by(|a, b| a.total_cmp(b).is_eq());
    let cdf = |x: f64| -> f64 {
        (0..game.n_bidders())
            .map(|i| {
                let g = game.types(i);
                g.points
                    .iter()
                    .zip(&g.weights)
                    .filter(|(p, _)| **p <= x)
                    .map(|(_, w)| w)
                    .sum::<f64>()
            })
            .product()
    };
    let mut optimal = 0.0;
    let mut prev = game.reserve().max(0.0);
    let mut below = cdf(prev - 1e-300).min(1.0);
    for &x in &xs {
        optimal += (x - prev) * (1.0 - below);
        prev = x;
        below = cdf(x);
    }
    if game.reserve() > 0.0 {
        optimal += game.reserve() * (1.0 - cdf(game.reserve() - 1e-12 * game.reserve()));
    }
    Ok(GridWelfare { welfare, optimal })
}
