//! Utility loss of a solved grid profile read as a strategy for continuous
//! types and bids.
//!
//! A [`DiscreteGame`] stands for a continuous auction: each grid type is
//! the midpoint of a cell of types, each grid bid the midpoint of a cell of
//! bids. Read that way, a mixed strategy on the grid is a strategy of the
//! continuous game: a type in cell \\(c\\) draws a grid bid \\(b_j\\) from
//! row \\(c\\) and bids uniformly in \\(b_j\\)'s cell (between the midpoints
//! to its neighbours; cells do not straddle the reserve). The rivals' bid
//! laws are then continuous and piecewise linear, and the loss of each
//! bidder,
//! \\[ \ell_i = E_v\Big\[\max_b u_i(b\mid v) - u_i(\sigma_i(v)\mid v)\Big\], \\]
//! is computed exactly against them: the best response over a bid grid
//! finer than the one solved on, types on a finer grid.
//!
//! Read instead as a step law on the grid (every type of a cell on the
//! same grid bid), a rival's bid law has atoms of about one cell's
//! probability, and a bidder gains by bidding just above them: on 128
//! points that artefact alone is a relative loss of a few 1e-3 for the
//! exact first-price equilibrium rounded to the grid. The cell reading
//! removes it and keeps what the verifier should measure, how far the
//! learned strategy is from a best response.
//!
//! ## References
//! - M. Fichtl, M. Oberlechner, M. Bichler, *Computing Bayes–Nash
//!   equilibrium strategies in auction games via simultaneous online dual
//!   averaging*, Operations Research (2024) — discretised types and bids,
//!   utility loss.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::equilibrium::discrete_game::{
    DiscreteGame, MixedStrategy, SolveError, TypeGrid, invalid,
};
use crate::equilibrium::game::BayesGame;
use crate::equilibrium::verify_bne::{BidLaw, BneReport, Deviations, Rivals, VerifyGrid, gauss3};

/// The cell `[lo, hi]` of each grid bid: halfway to the neighbours, the
/// ends at the grid's ends, and never across the reserve (a bid below it
/// stays below, one at or above stays at or above).
fn bid_cells(bids: &[f64], reserve: f64) -> Vec<(f64, f64)> {
    let m = bids.len();
    (0..m)
        .map(|j| {
            let lo = if j == 0 {
                bids[0]
            } else {
                0.5 * (bids[j - 1] + bids[j])
            };
            let hi = if j + 1 == m {
                bids[m - 1]
            } else {
                0.5 * (bids[j] + bids[j + 1])
            };
            if bids[j] >= reserve {
                (lo.max(reserve).min(bids[j]), hi)
            } else {
                (lo, hi.min(reserve).max(bids[j]))
            }
        })
        .collect()
}

/// The bid law of a grid strategy whose bids are spread over their cells.
fn cell_law(pmf: &[f64], cells: &[(f64, f64)]) -> BidLaw {
    let mut edges: Vec<f64> = cells.iter().flat_map(|&(a, b)| [a, b]).collect();
    edges.sort_by(f64::total_cmp);
    edges.dedup_by(|a, b| (*a - *b).abs() <= 1e-12);
    let n = edges.len();
    // Mass in each gap (edges[k], edges[k+1]) and at each edge (cells of no
    // width).
    let mut gap = vec![0.0; n.saturating_sub(1)];
    let mut point = vec![0.0; n];
    for (&p, &(lo, hi)) in pmf.iter().zip(cells) {
        if p <= 0.0 {
            continue;
        }
        let a = edges.partition_point(|&e| e < lo - 1e-12);
        if hi - lo <= 1e-12 {
            point[a.min(n - 1)] += p;
            continue;
        }
        let b = edges.partition_point(|&e| e < hi - 1e-12);
        for k in a..b.min(n - 1) {
            gap[k] += p * (edges[k + 1] - edges[k]) / (hi - lo);
        }
    }
    let total: f64 = gap.iter().sum::<f64>() + point.iter().sum::<f64>();
    let total = total.max(1e-300);
    let (mut left, mut cum) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut acc = 0.0;
    for k in 0..n {
        left.push(acc / total);
        acc += point[k];
        cum.push(acc / total);
        if k + 1 < n {
            acc += gap[k];
        }
    }
    BidLaw::Linear { edges, left, cum }
}

/// For each type of `fine`, the row of `coarse` that plays for it: the
/// same atom, or the cell holding it (the nearest continuous grid point;
/// cells are of equal width).
fn row_of(coarse: &TypeGrid, atoms: &[f64], fine: &[f64]) -> Vec<usize> {
    let is_atom = |x: f64| atoms.iter().any(|&a| (a - x).abs() <= 1e-12);
    let cells: Vec<usize> = (0..coarse.points.len())
        .filter(|&k| !is_atom(coarse.points[k]))
        .collect();
    let nearest = |x: f64, among: &mut dyn Iterator<Item = usize>| -> usize {
        let mut best = (f64::INFINITY, 0);
        for k in among {
            let d = (coarse.points[k] - x).abs();
            if d < best.0 {
                best = (d, k);
            }
        }
        best.1
    };
    fine.iter()
        .map(|&x| {
            if is_atom(x) || cells.is_empty() {
                nearest(x, &mut (0..coarse.points.len()))
            } else {
                // Cells are sorted: search around the insertion point.
                let k = cells.partition_point(|&c| coarse.points[c] < x);
                let lo = k.saturating_sub(1);
                let hi = (k + 1).min(cells.len());
                nearest(x, &mut cells[lo..hi].iter().copied())
            }
        })
        .collect()
}

/// What one bidder faces: the rivals' cell laws, the deviations, and the
/// mean winning probability and payment of each own bid cell.
struct Facing {
    dev: Deviations,
    win: Vec<f64>,
    pay: Vec<f64>,
}

impl Facing {
    fn new(game: &DiscreteGame, laws: &[BidLaw], i: usize, grid: &VerifyGrid) -> Self {
        let cells = bid_cells(game.bids(), game.reserve());
        let rivals = Rivals::new(
            laws.iter()
                .enumerate()
                .filter(|(r, _)| *r != i)
                .map(|(_, l)| l.clone())
                .collect(),
            game.reserve(),
            game.format(),
        );
        let mut coef = Vec::new();
        let dev = Deviations::new(&rivals, grid, &mut coef);
        // The rivals' laws bend only at cell edges, so three Gauss points
        // per cell are exact for up to five rivals.
        let (mut win, mut pay) = (Vec::with_capacity(cells.len()), Vec::new());
        for &(lo, hi) in &cells {
            if hi - lo <= 1e-12 {
                let (w, p) = rivals.win_pay(lo, &mut coef);
                win.push(w);
                pay.push(p);
            } else {
                win.push(gauss3(|b| rivals.win_pay(b, &mut Vec::new()).0, lo, hi) / (hi - lo));
                pay.push(gauss3(|b| rivals.win_pay(b, &mut Vec::new()).1, lo, hi) / (hi - lo));
            }
        }
        Facing { dev, win, pay }
    }

    /// (best utility, utility of `row`) at value `v`.
    fn at(&self, v: f64, row: &[f64]) -> (f64, f64) {
        let cur: f64 = row
            .iter()
            .zip(self.win.iter().zip(&self.pay))
            .map(|(&p, (&a, &b))| p * (v * a - b))
            .sum();
        (self.dev.best(v, cur), cur)
    }
}

fn check(
    game: &DiscreteGame,
    profile: &[MixedStrategy],
    grid: &VerifyGrid,
) -> Result<Vec<BidLaw>, SolveError> {
    game.check_profile(profile)?;
    if grid.bids < 2 {
        return Err(invalid("verify.bids", "must be >= 2", grid.bids));
    }
    if !(grid.b_max.is_finite() && grid.b_max > 0.0) {
        return Err(invalid(
            "verify.b-max",
            "must be > 0 and finite",
            grid.b_max,
        ));
    }
    let cells = bid_cells(game.bids(), game.reserve());
    Ok((0..game.n_bidders())
        .map(|i| {
            let mut pmf = vec![0.0; game.n_bids()];
            game.bid_pmf(i, &profile[i], &mut pmf);
            cell_law(&pmf, &cells)
        })
        .collect())
}

fn atoms_of(game: &DiscreteGame, i: usize) -> Vec<f64> {
    game.priors()[i].atoms().iter().map(|a| a.0).collect()
}

/// Utility loss of a grid profile of `game`, read as a strategy for
/// continuous types and bids (see the module docs), on `grid.types` type
/// cells per bidder with deviations on `grid.bids` bids on
/// \[0, `grid.b_max`\].
///
/// ```
/// # use std::sync::Arc;
/// use aftermarket::equilibrium::{DiscreteGame, Format, MixedStrategy, VerifyGrid, verify_cells};
/// use aftermarket::prior::Uniform;
/// let u = Arc::new(Uniform::new(0.0, 1.0)?);
/// let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![u.clone(), u], 128, 129, 1.0)?;
/// // b(v) = v/2 rounded to the grid.
/// let pick: Vec<usize> = g.types(0).points.iter().map(|v| (v / 2.0 * 128.0).round() as usize).collect();
/// let half = MixedStrategy::pure(&pick, 129);
/// let grid = VerifyGrid { types: 512, bids: 513, b_max: 1.0 };
/// let r = verify_cells(&g, &[half.clone(), half], &grid)?;
/// assert!(r.max_relative() < 1e-3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// A profile that does not fit `game`; bad grid sizes.
pub fn verify_cells(
    game: &DiscreteGame,
    profile: &[MixedStrategy],
    grid: &VerifyGrid,
) -> Result<BneReport, SolveError> {
    let laws = check(game, profile, grid)?;
    let mut report = BneReport::empty();
    for (i, strategy) in profile.iter().enumerate() {
        let facing = Facing::new(game, &laws, i, grid);
        let prior = &game.priors()[i];
        let fine = TypeGrid::from_prior(prior.as_ref(), grid.types)?;
        let rows = row_of(game.types(i), &atoms_of(game, i), &fine.points);
        let (mut loss, mut br) = (0.0, 0.0);
        for ((&v, &w), &c) in fine.points.iter().zip(&fine.weights).zip(&rows) {
            let (best, cur) = facing.at(v, strategy.row(c));
            loss += w * (best - cur).max(0.0);
            br += w * best;
        }
        report.push_grid(loss, br);
    }
    Ok(report)
}

/// As [`verify_cells`], over `draws` fresh types per bidder drawn from the
/// prior (seeded ChaCha8, one stream per bidder) instead of a type grid:
/// the loss of continuous types, with the half-width of a 95% confidence
/// interval.
///
/// # Errors
/// As [`verify_cells`]; `draws < 2`.
pub fn verify_cells_monte_carlo(
    game: &DiscreteGame,
    profile: &[MixedStrategy],
    grid: &VerifyGrid,
    draws: usize,
    seed: u64,
) -> Result<BneReport, SolveError> {
    let laws = check(game, profile, grid)?;
    if draws < 2 {
        return Err(invalid("verify.draws", "must be >= 2", draws));
    }
    let mut report = BneReport::empty();
    for (i, strategy) in profile.iter().enumerate() {
        let facing = Facing::new(game, &laws, i, grid);
        let prior = &game.priors()[i];
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(i as u64);
        let values: Vec<f64> = (0..draws).map(|_| prior.sample(&mut rng)).collect();
        let rows = row_of(game.types(i), &atoms_of(game, i), &values);
        let (mut s, mut s2, mut br) = (0.0, 0.0, 0.0);
        for (&v, &c) in values.iter().zip(&rows) {
            let (best, cur) = facing.at(v, strategy.row(c));
            let l = (best - cur).max(0.0);
            s += l;
            s2 += l * l;
            br += best;
        }
        report.push_draws(s, s2, br, draws);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::equilibrium::{BidFn, Format, verify_on_grid};
    use crate::prior::{Prior, Uniform};

    fn unif() -> Arc<dyn Prior> {
        Arc::new(Uniform::new(0.0, 1.0).expect("uniform"))
    }

    /// The pure strategy nearest to `f` on the grid of `g`.
    fn rounded(g: &DiscreteGame, f: impl Fn(f64) -> f64) -> MixedStrategy {
        let bids = g.bids();
        let pick: Vec<usize> = g
            .types(0)
            .points
            .iter()
            .map(|&v| {
                let b = f(v);
                (0..bids.len())
                    .min_by(|&a, &c| (bids[a] - b).abs().total_cmp(&(bids[c] - b).abs()))
                    .unwrap_or(0)
            })
            .collect();
        MixedStrategy::pure(&pick, bids.len())
    }

    #[test]
    fn cells_spread_mass_linearly() {
        let law = cell_law(&[0.5, 0.5], &bid_cells(&[0.0, 1.0], 0.0));
        // Bid 0 covers [0, 0.5], bid 1 covers [0.5, 1].
        assert!((law.le(0.25) - 0.25).abs() < 1e-12);
        assert!((law.le(0.75) - 0.75).abs() < 1e-12);
        assert!(law.at(0.5).1.abs() < 1e-15);
    }

    #[test]
    fn cells_stop_at_the_reserve() {
        let c = bid_cells(&[0.0, 0.25, 0.5, 0.75, 1.0], 0.3);
        assert_eq!(c[1], (0.125, 0.3));
        assert_eq!(c[2], (0.375, 0.625));
        let c = bid_cells(&[0.0, 0.25, 0.5, 0.75, 1.0], 0.45);
        assert_eq!(c[2], (0.45, 0.625));
    }

    #[test]
    fn rounded_equilibrium_passes_where_the_step_law_does_not() {
        let u = unif();
        let g = DiscreteGame::new(
            Format::FirstPrice,
            0.0,
            vec![u.clone(), u.clone()],
            128,
            129,
            1.0,
        )
        .expect("game");
        let s = rounded(&g, |v| v / 2.0);
        let grid = VerifyGrid {
            types: 512,
            bids: 513,
            b_max: 1.0,
        };
        let cells = verify_cells(&g, &[s.clone(), s.clone()], &grid).expect("verify");
        assert!(cells.max_relative() < 3e-4, "{cells:?}");
        // The same profile as a step function of the type has atoms.
        let pts = g.types(0).points.clone();
        let bids = s.mean_bids(g.bids());
        let f: BidFn = Arc::new(move |v| {
            let k = pts.partition_point(|&x| x < v).min(pts.len() - 1);
            let k = if k > 0 && (pts[k] - v).abs() > (pts[k - 1] - v).abs() {
                k - 1
            } else {
                k
            };
            bids[k]
        });
        let step = verify_on_grid(
            Format::FirstPrice,
            0.0,
            &[u.clone(), u],
            &[f.clone(), f],
            &grid,
        )
        .expect("verify");
        assert!(step.max_relative() > 2e-3, "{step:?}");
    }

    #[test]
    fn monte_carlo_agrees_with_the_grid() {
        let u = unif();
        let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![u.clone(), u], 64, 65, 1.0)
            .expect("game");
        // Shading to 0.4 v: a loss the grid and fresh draws must both see.
        let s = rounded(&g, |v| 0.4 * v);
        let grid = VerifyGrid {
            types: 256,
            bids: 257,
            b_max: 1.0,
        };
        let p = [s.clone(), s];
        let on_grid = verify_cells(&g, &p, &grid).expect("grid");
        let mc = verify_cells_monte_carlo(&g, &p, &grid, 40_000, 7).expect("mc");
        let again = verify_cells_monte_carlo(&g, &p, &grid, 40_000, 7).expect("mc");
        assert_eq!(mc, again);
        let (a, b, h) = (
            on_grid.utility_loss[0],
            mc.utility_loss[0],
            mc.half_width[0],
        );
        assert!(a > 1e-3, "{a}");
        assert!((a - b).abs() <= 2.0 * h + 1e-4, "grid {a}, mc {b} ± {h}");
    }

    #[test]
    fn overbidding_is_caught() {
        let u = unif();
        let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![u.clone(), u], 64, 65, 1.0)
            .expect("game");
        let s = rounded(&g, |v| 0.9 * v);
        let grid = VerifyGrid {
            types: 256,
            bids: 257,
            b_max: 1.0,
        };
        let r = verify_cells(&g, &[s.clone(), s], &grid).expect("verify");
        // Against a rival bidding 0.9 v, bid b wins with probability b / 0.9:
        // the best, v/2, earns v^2 / 3.6 against 0.1 v^2 at 0.9 v, a relative
        // loss of 0.64.
        assert!(r.max_relative() > 0.5, "{r:?}");
    }

    #[test]
    fn truthful_second_price_with_a_reserve_passes() {
        let u = unif();
        let grid = VerifyGrid {
            types: 512,
            bids: 513,
            b_max: 1.0,
        };
        let g = DiscreteGame::new(
            Format::SecondPrice,
            0.2,
            vec![u.clone(), u.clone()],
            128,
            129,
            1.0,
        )
        .expect("game");
        let s = rounded(&g, |v| v);
        let r = verify_cells(&g, &[s.clone(), s], &grid).expect("verify");
        assert!(r.max_relative() < 2e-4, "{r:?}");
    }
}
