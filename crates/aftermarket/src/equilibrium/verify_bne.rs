//! Utility loss of a pure strategy profile in a single-item auction.
//!
//! For bid functions \\(\beta_i(v)\\), bidder \\(i\\)'s utility loss is
//! \\[ \ell_i = E_{v}\Big\[\max_b u_i(b \mid v) - u_i(\beta_i(v) \mid v)\Big\], \\]
//! where \\(u_i(b\mid v)\\) is the expected utility against the rivals'
//! bid laws (the priors pushed through their bid functions). The relative
//! loss divides by \\(E_v\[\max_b u_i(b\mid v)\]\\); a profile with
//! \\(\ell_i \le \varepsilon\\) for all \\(i\\) is an \\(\varepsilon\\)-equilibrium.
//!
//! Two estimates: [`verify_on_grid`] discretises types as
//! [`DiscreteGame`] does, on a grid finer than the one solved on, and
//! maximises over a fine bid grid plus the profile's own bid;
//! [`verify_monte_carlo`] draws fresh types (seeded ChaCha8) and reports a
//! 95% confidence interval. Ties are split uniformly at random, exactly.
//!
//! ## References
//! - M. Fichtl, M. Oberlechner, M. Bichler, *Computing Bayes–Nash
//!   equilibrium strategies in auction games via simultaneous online dual
//!   averaging*, Operations Research (2024) — utility loss.
//! - V. Krishna, *Auction Theory*, 2nd ed. (2010).

use std::sync::Arc;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::equilibrium::discrete_game::{Format, SolveError, TypeGrid, invalid};
use crate::prior::Prior;

/// A bid function of the type.
pub type BidFn = Arc<dyn Fn(f64) -> f64 + Send + Sync>;

/// A bid function given as a table of (type, bid), linear in between and
/// flat beyond the ends.
///
/// # Errors
/// Empty or unequal lengths, or types not increasing.
pub fn table_bid_fn(types: Vec<f64>, bids: Vec<f64>) -> Result<BidFn, SolveError> {
    if types.is_empty() || types.len() != bids.len() {
        return Err(invalid(
            "strategy table",
            "needs equal, non-zero numbers of types and bids",
            format!("{} types, {} bids", types.len(), bids.len()),
        ));
    }
    if !types.windows(2).all(|w| w[1] > w[0]) {
        return Err(invalid(
            "strategy table",
            "types must increase",
            "unsorted types",
        ));
    }
    Ok(Arc::new(move |v| {
        let k = types.partition_point(|&x| x <= v);
        if k == 0 {
            bids[0]
        } else if k == types.len() {
            bids[k - 1]
        } else {
            let (x0, x1) = (types[k - 1], types[k]);
            bids[k - 1] + (bids[k] - bids[k - 1]) * (v - x0) / (x1 - x0)
        }
    }))
}

/// The law of one bidder's bid: sorted distinct points with cumulative mass.
#[derive(Debug, Clone)]
struct BidLaw {
    points: Vec<f64>,
    cum: Vec<f64>, // cum[k] = P[bid <= points[k]]
}

const TIE: f64 = 1e-12;

impl BidLaw {
    fn new(mut pts: Vec<(f64, f64)>) -> Self {
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut points: Vec<f64> = Vec::new();
        let mut cum: Vec<f64> = Vec::new();
        let mut c = 0.0;
        for (x, w) in pts {
            c += w;
            match points.last() {
                Some(&l) if x - l <= TIE => {
                    if let Some(last) = cum.last_mut() {
                        *last = c;
                    }
                }
                _ => {
                    points.push(x);
                    cum.push(c);
                }
            }
        }
        let total = c.max(1e-300);
        cum.iter_mut().for_each(|x| *x /= total);
        BidLaw { points, cum }
    }
    /// (P[bid < b], P[bid = b]).
    fn at(&self, b: f64) -> (f64, f64) {
        let k = self.points.partition_point(|&x| x < b - TIE);
        let lt = if k == 0 { 0.0 } else { self.cum[k - 1] };
        if k < self.points.len() && self.points[k] <= b + TIE {
            (lt, self.cum[k] - lt)
        } else {
            (lt, 0.0)
        }
    }
}

/// Rivals of one bidder: their bid laws and the law of the highest.
struct Rivals {
    laws: Vec<BidLaw>,
    union: Vec<f64>,
    // prefix[k] = E[max(r, H); H < union[k]] ... payment of a winner strictly above.
    prefix: Vec<f64>,
    reserve: f64,
    format: Format,
}

impl Rivals {
    fn new(laws: Vec<BidLaw>, reserve: f64, format: Format) -> Self {
        let mut union: Vec<f64> = laws.iter().flat_map(|l| l.points.iter().copied()).collect();
        union.sort_by(f64::total_cmp);
        union.dedup_by(|a, b| (*a - *b).abs() <= TIE);
        let mut prefix = Vec::with_capacity(union.len() + 1);
        prefix.push(0.0);
        let mut h_prev = 0.0;
        let mut acc = 0.0;
        for &x in &union {
            let h: f64 = laws
                .iter()
                .map(|l| l.at(x))
                .map(|(lt, eq)| lt + eq)
                .product();
            acc += (h - h_prev) * x.max(reserve);
            h_prev = h;
            prefix.push(acc);
        }
        Rivals {
            laws,
            union,
            prefix,
            reserve,
            format,
        }
    }

    /// Expected utility of bid `b` at value `v`.
    fn utility(&self, v: f64, b: f64, coef: &mut Vec<f64>) -> f64 {
        if b < self.reserve {
            return 0.0;
        }
        coef.clear();
        coef.push(1.0);
        let mut h_lt = 1.0;
        for law in &self.laws {
            let (g, q) = law.at(b);
            h_lt *= g;
            coef.push(0.0);
            for d in (0..coef.len()).rev() {
                let lower = if d > 0 { coef[d - 1] * q } else { 0.0 };
                coef[d] = coef[d] * g + lower;
            }
        }
        let win: f64 = coef
            .iter()
            .enumerate()
            .map(|(d, c)| c / (d + 1) as f64)
            .sum();
        let pay = match self.format {
            Format::FirstPrice => win * b,
            Format::AllPay => b,
            Format::SecondPrice => {
                let k = self.union.partition_point(|&x| x < b - TIE);
                self.prefix[k] + (win - h_lt).max(0.0) * b
            }
        };
        v * win - pay
    }
}

/// Utility loss of each bidder.
#[derive(Debug, Clone, PartialEq)]
pub struct BneReport {
    /// \\(\ell_i\\) per bidder.
    pub utility_loss: Vec<f64>,
    /// \\(\ell_i / E\[\max_b u_i\]\\) per bidder.
    pub relative_loss: Vec<f64>,
    /// Half-width of a 95% confidence interval of \\(\ell_i\\) (0 on a grid).
    pub half_width: Vec<f64>,
}

impl BneReport {
    /// The largest relative loss.
    pub fn max_relative(&self) -> f64 {
        self.relative_loss.iter().copied().fold(0.0, f64::max)
    }
    /// The largest absolute loss.
    pub fn max_absolute(&self) -> f64 {
        self.utility_loss.iter().copied().fold(0.0, f64::max)
    }
}

/// Where losses are measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerifyGrid {
    /// Type cells per bidder.
    pub types: usize,
    /// Deviation bids on \[0, `b_max`\].
    pub bids: usize,
    /// The largest deviation bid.
    pub b_max: f64,
}

fn check_inputs(
    priors: &[Arc<dyn Prior>],
    profile: &[BidFn],
    grid: &VerifyGrid,
    reserve: f64,
) -> Result<(), SolveError> {
    if priors.len() < 2 || priors.len() != profile.len() {
        return Err(invalid(
            "profile",
            "needs one bid function per bidder and at least 2 bidders",
            format!("{} priors, {} bid functions", priors.len(), profile.len()),
        ));
    }
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
    if !(reserve.is_finite() && reserve >= 0.0) {
        return Err(invalid("reserve", "must be >= 0 and finite", reserve));
    }
    Ok(())
}

fn rivals_of(i: usize, laws: &[BidLaw], reserve: f64, format: Format) -> Rivals {
    let rl = laws
        .iter()
        .enumerate()
        .filter(|(r, _)| *r != i)
        .map(|(_, l)| l.clone())
        .collect();
    Rivals::new(rl, reserve, format)
}

fn best_utility(rivals: &Rivals, v: f64, grid: &VerifyGrid, own: f64, coef: &mut Vec<f64>) -> f64 {
    let step = grid.b_max / (grid.bids - 1) as f64;
    let mut best = rivals.utility(v, own, coef).max(0.0);
    for j in 0..grid.bids {
        best = best.max(rivals.utility(v, step * j as f64, coef));
    }
    // Just above each rival's atoms of bid is covered by the grid; the
    // reserve itself is a candidate too.
    best.max(rivals.utility(v, rivals.reserve, coef))
}

/// Utility loss on a type grid of `grid.types` cells per bidder.
///
/// ```
/// # use std::sync::Arc;
/// use aftermarket::equilibrium::{BidFn, Format, VerifyGrid, verify_on_grid};
/// use aftermarket::prior::{Prior, Uniform};
/// let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0)?);
/// let half: BidFn = Arc::new(|v| v / 2.0);
/// let grid = VerifyGrid { types: 256, bids: 256, b_max: 1.0 };
/// let r = verify_on_grid(Format::FirstPrice, 0.0, &[u.clone(), u], &[half.clone(), half], &grid)?;
/// assert!(r.max_relative() < 1e-2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// Fewer than two bidders, a profile of another length, bad grid sizes.
pub fn verify_on_grid(
    format: Format,
    reserve: f64,
    priors: &[Arc<dyn Prior>],
    profile: &[BidFn],
    grid: &VerifyGrid,
) -> Result<BneReport, SolveError> {
    check_inputs(priors, profile, grid, reserve)?;
    let tg = priors
        .iter()
        .map(|p| TypeGrid::from_prior(p.as_ref(), grid.types))
        .collect::<Result<Vec<_>, _>>()?;
    let laws: Vec<BidLaw> = tg
        .iter()
        .zip(profile)
        .map(|(g, f)| {
            BidLaw::new(
                g.points
                    .iter()
                    .zip(&g.weights)
                    .map(|(&v, &w)| (f(v), w))
                    .collect(),
            )
        })
        .collect();
    let mut report = BneReport {
        utility_loss: Vec::new(),
        relative_loss: Vec::new(),
        half_width: Vec::new(),
    };
    let mut coef = Vec::new();
    for (i, g) in tg.iter().enumerate() {
        let rivals = rivals_of(i, &laws, reserve, format);
        let (mut loss, mut br) = (0.0, 0.0);
        for (&v, &w) in g.points.iter().zip(&g.weights) {
            let own = profile[i](v);
            let cur = rivals.utility(v, own, &mut coef);
            let best = best_utility(&rivals, v, grid, own, &mut coef);
            loss += w * (best - cur).max(0.0);
            br += w * best;
        }
        report.utility_loss.push(loss);
        report
            .relative_loss
            .push(if br > 1e-300 { loss / br } else { 0.0 });
        report.half_width.push(0.0);
    }
    Ok(report)
}

/// Monte Carlo utility loss: `draws` fresh types per bidder (seeded
/// ChaCha8), rivals' bid laws from `grid.types` quantiles of their priors.
///
/// # Errors
/// As [`verify_on_grid`]; `draws < 2`.
pub fn verify_monte_carlo(
    format: Format,
    reserve: f64,
    priors: &[Arc<dyn Prior>],
    profile: &[BidFn],
    grid: &VerifyGrid,
    draws: usize,
    seed: u64,
) -> Result<BneReport, SolveError> {
    check_inputs(priors, profile, grid, reserve)?;
    if draws < 2 {
        return Err(invalid("verify.draws", "must be >= 2", draws));
    }
    if grid.types == 0 {
        return Err(invalid("verify.types", "must be >= 1", grid.types));
    }
    let nq = grid.types;
    let laws: Vec<BidLaw> = priors
        .iter()
        .zip(profile)
        .map(|(p, f)| {
            BidLaw::new(
                (0..nq)
                    .map(|k| (f(p.quantile((k as f64 + 0.5) / nq as f64)), 1.0 / nq as f64))
                    .collect(),
            )
        })
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut report = BneReport {
        utility_loss: Vec::new(),
        relative_loss: Vec::new(),
        half_width: Vec::new(),
    };
    let mut coef = Vec::new();
    for (i, p) in priors.iter().enumerate() {
        let rivals = rivals_of(i, &laws, reserve, format);
        let (mut s, mut s2, mut br) = (0.0, 0.0, 0.0);
        for _ in 0..draws {
            let v = p.sample(&mut rng);
            let own = profile[i](v);
            let cur = rivals.utility(v, own, &mut coef);
            let best = best_utility(&rivals, v, grid, own, &mut coef);
            let l = (best - cur).max(0.0);
            s += l;
            s2 += l * l;
            br += best;
        }
        let n = draws as f64;
        let mean = s / n;
        let var = ((s2 / n - mean * mean) * n / (n - 1.0)).max(0.0);
        report.utility_loss.push(mean);
        report
            .relative_loss
            .push(if br > 1e-300 { s / br } else { 0.0 });
        report.half_width.push(1.96 * (var / n).sqrt());
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::Uniform;

    #[test]
    fn truthful_second_price_has_no_loss() {
        let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0).expect("u"));
        let id: BidFn = Arc::new(|v| v);
        let grid = VerifyGrid {
            types: 64,
            bids: 64,
            b_max: 1.0,
        };
        let r = verify_monte_carlo(
            Format::SecondPrice,
            0.0,
            &[u.clone(), u],
            &[id.clone(), id],
            &grid,
            2000,
            7,
        )
        .expect("mc");
        assert!(r.max_absolute() < 1e-9);
    }

    #[test]
    fn overbidding_first_price_is_caught() {
        let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0).expect("u"));
        let id: BidFn = Arc::new(|v| v);
        let grid = VerifyGrid {
            types: 64,
            bids: 64,
            b_max: 1.0,
        };
        let r = verify_on_grid(
            Format::FirstPrice,
            0.0,
            &[u.clone(), u],
            &[id.clone(), id],
            &grid,
        )
        .expect("grid");
        assert!(r.max_relative() > 0.9);
    }

    #[test]
    fn table_needs_increasing_types() {
        let err = table_bid_fn(vec![1.0, 0.0], vec![0.0, 0.0])
            .err()
            .expect("unsorted");
        assert!(err.to_string().contains("types must increase"));
    }
}
