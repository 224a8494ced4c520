//! Core-selecting payoffs in the reallocative core (paper 002, Section 4,
//! after Day & Raghavan 2007 and Day & Cramton 2012).
//!
//! Fix the efficient allocation. In bidder-payoff space the reallocative
//! core has the usual **upper bounds** (no coalition with the auctioneer
//! blocks) and new **lower bounds** (no coalition of bidders alone blocks):
//! \\[ \sum_{i\in W}\pi_i \le v(X,\bar q) - v(X\setminus W,\bar q)\ \ (\emptyset\ne W\subseteq X), \qquad
//!     \sum_{i\in Z}\pi_i \ge v(Z, 0)\ \ (\emptyset \ne Z\subseteq X). \\]
//! \\(W = X\\) is revenue \\(\ge 0\\); dropping it gives the bidder-core, used
//! when the core is empty (e.g. \\(v(X,\bar q) < 0\\)). The Vickrey point
//! \\(\pi_i^V = v(X)-v(X\setminus\{i\})\\) is the coordinatewise maximum under the
//! singleton upper bounds, so no core-selecting outcome gives a bidder more
//! than its Vickrey payoff.
//!
//! - **Minimum-revenue core**: the LP \\(\max \sum_i\pi_i\\) over the core.
//! - **Vickrey-nearest core**: the QP \\(\min\|\pi-\pi^V\|^2\\) over the
//!   minimum-revenue face.
//!
//! Both use constraint generation. Up to [`EXACT_MAX_BIDDERS`] bidders the
//! separation step enumerates all \\(2^{|X|}\\) coalitions of each family
//! (every constraint checked: the answer is *certified*). Beyond, a greedy
//! local search over coalitions separates, and the answer is labelled
//! uncertified. After the solver, active constraints are made to hold
//! exactly by projection (when the polished point stays feasible).

use serde::Serialize;

use super::CoalitionError;
use super::lp::{Row, Solve, project, solve};
use crate::reallocation::market::{Mask, ReallocationMarket, members};

/// Largest \\(|X|\\) with exact (enumerated) separation.
pub const EXACT_MAX_BIDDERS: usize = 24;
/// Relative (times \\(1+\max|v|\\)) violation above which a constraint is added.
pub const SEPARATION_TOL: f64 = 1e-9;
/// Relative slack under which a constraint counts as active for the polish.
pub const ACTIVE_TOL: f64 = 1e-7;
/// Relative slack allowed below the minimum-revenue optimum for the QP face.
pub const FACE_TOL: f64 = 1e-9;
/// Cap on constraint-generation rounds.
pub const MAX_ROUNDS: usize = 500;
/// Constraints added per family per round.
const CUTS_PER_ROUND: usize = 16;

/// The set of profiles searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoreRegion {
    /// The core (revenue \\(\ge 0\\) included).
    Core,
    /// The bidder-core (the core was empty).
    BidderCore,
}

/// A core-selecting outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoreSelectingOutcome {
    /// Bidder payoffs \\(\pi_i\\).
    pub payoffs: Vec<f64>,
    /// Payments \\(t_i = u_i(q_i^e) - \pi_i\\).
    pub payments: Vec<f64>,
    /// Revenue \\(v(X,\bar q) - \sum_i \pi_i\\).
    pub revenue: f64,
    /// The region searched.
    pub region: CoreRegion,
    /// Every coalition constraint was checked (enumeration).
    pub certified: bool,
    /// Constraints generated.
    pub constraints: usize,
    /// Largest violation of any checked constraint at the answer.
    pub max_violation: f64,
}

/// Both core-selecting rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoreSelecting {
    /// The minimum-revenue core point returned by the LP.
    pub min_revenue: CoreSelectingOutcome,
    /// The Vickrey-nearest point of the minimum-revenue core.
    pub vickrey_nearest: CoreSelectingOutcome,
    /// The Vickrey payoffs \\(\pi^V\\).
    pub vickrey_payoffs: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    /// \\(\sum_W \pi \le v(X) - v(X\setminus W,\bar q)\\)
    Upper,
    /// \\(\sum_Z \pi \ge v(Z,0)\\)
    Lower,
}

trait Oracle {
    fn n(&self) -> usize;
    fn v_supply(&self, z: Mask) -> Result<f64, CoalitionError>;
    fn v_zero(&self, z: Mask) -> Result<f64, CoalitionError>;
    /// Most violated constraints: (violation, kind, mask).
    fn separate(
        &self,
        pi: &[f64],
        region: CoreRegion,
        tol: f64,
    ) -> Result<Vec<(f64, Kind, Mask)>, CoalitionError>;
    fn certified(&self) -> bool;
    fn scale(&self) -> f64;
}

struct Tables {
    n: usize,
    vq: Vec<f64>,
    v0: Vec<f64>,
    scale: f64,
}

fn top_push(best: &mut Vec<(f64, Kind, Mask)>, item: (f64, Kind, Mask)) {
    if best.len() < CUTS_PER_ROUND {
        best.push(item);
        best.sort_by(|a, b| b.0.total_cmp(&a.0));
    } else if item.0 > best[CUTS_PER_ROUND - 1].0 {
        best[CUTS_PER_ROUND - 1] = item;
        best.sort_by(|a, b| b.0.total_cmp(&a.0));
    }
}

impl Oracle for Tables {
    fn n(&self) -> usize {
        self.n
    }
    fn v_supply(&self, z: Mask) -> Result<f64, CoalitionError> {
        Ok(self.vq[z as usize])
    }
    fn v_zero(&self, z: Mask) -> Result<f64, CoalitionError> {
        Ok(self.v0[z as usize])
    }
    fn certified(&self) -> bool {
        true
    }
    fn scale(&self) -> f64 {
        self.scale
    }
    fn separate(
        &self,
        pi: &[f64],
        region: CoreRegion,
        tol: f64,
    ) -> Result<Vec<(f64, Kind, Mask)>, CoalitionError> {
        use rayon::prelude::*;
        let n = self.n;
        let all = (1u64 << n) - 1;
        let vx = self.vq[all as usize];
        let n_lo = n / 2;
        let half = |offset: usize, count: usize| {
            let mut s = vec![0.0; 1 << count];
            for m in 1..(1usize << count) {
                s[m] = s[m & (m - 1)] + pi[offset + m.trailing_zeros() as usize];
            }
            s
        };
        let lo = half(0, n_lo);
        let hi = half(n_lo, n - n_lo);
        let (up, low) = (0..hi.len())
            .into_par_iter()
            .map(|h| {
                let mut up = Vec::new();
                let mut low = Vec::new();
                for (l, lo_sum) in lo.iter().enumerate() {
                    let m = (h << n_lo | l) as Mask;
                    if m == 0 {
                        continue;
                    }
                    let s = lo_sum + hi[h];
                    if m != all || region == CoreRegion::Core {
                        let viol = s - (vx - self.vq[(all ^ m) as usize]);
                        if viol > tol {
                            top_push(&mut up, (viol, Kind::Upper, m));
                        }
                    }
                    let viol = self.v0[m as usize] - s;
                    if viol > tol {
                        top_push(&mut low, (viol, Kind::Lower, m));
                    }
                }
                (up, low)
            })
            .reduce(
                || (Vec::new(), Vec::new()),
                |(mut a, mut b), (c, d)| {
                    for x in c {
                        top_push(&mut a, x);
                    }
                    for x in d {
                        top_push(&mut b, x);
                    }
                    (a, b)
                },
            );
        Ok(up.into_iter().chain(low).collect())
    }
}

struct Heuristic<'a> {
    market: &'a ReallocationMarket,
    zero: nalgebra::DVector<f64>,
    vx: f64,
    scale: f64,
}

impl Oracle for Heuristic<'_> {
    fn n(&self) -> usize {
        self.market.n_bidders()
    }
    fn v_supply(&self, z: Mask) -> Result<f64, CoalitionError> {
        Ok(self.market.surplus(z, self.market.qbar())?)
    }
    fn v_zero(&self, z: Mask) -> Result<f64, CoalitionError> {
        Ok(self.market.surplus(z, &self.zero)?)
    }
    fn certified(&self) -> bool {
        false
    }
    fn scale(&self) -> f64 {
        self.scale
    }
    fn separate(
        &self,
        pi: &[f64],
        region: CoreRegion,
        tol: f64,
    ) -> Result<Vec<(f64, Kind, Mask)>, CoalitionError> {
        let n = self.n();
        let all = self.market.all();
        let viol = |kind: Kind, m: Mask| -> Result<f64, CoalitionError> {
            if m == 0 || (kind == Kind::Upper && m == all && region == CoreRegion::BidderCore) {
                return Ok(f64::NEG_INFINITY);
            }
            let s: f64 = members(m).iter().map(|&i| pi[i]).sum();
            Ok(match kind {
                Kind::Upper => s - (self.vx - self.v_supply(all ^ m)?),
                Kind::Lower => self.v_zero(m)? - s,
            })
        };
        let mut best = Vec::new();
        for kind in [Kind::Upper, Kind::Lower] {
            let mut starts: Vec<Mask> = (0..n).map(|i| 1u64 << i).collect();
            starts.extend((0..n).map(|i| all ^ (1u64 << i)));
            for start in starts {
                let mut m = start;
                let mut f = viol(kind, m)?;
                loop {
                    let mut improved = false;
                    for i in 0..n {
                        let c = m ^ (1 << i);
                        let fc = viol(kind, c)?;
                        if fc > f + 1e-15 {
                            m = c;
                            f = fc;
                            improved = true;
                        }
                    }
                    if !improved {
                        break;
                    }
                }
                if f > tol && !best.iter().any(|&(_, k, b)| k == kind && b == m) {
                    top_push(&mut best, (f, kind, m));
                }
            }
        }
        Ok(best)
    }
}

fn row_of(oracle: &dyn Oracle, kind: Kind, m: Mask, vx: f64) -> Result<Row, CoalitionError> {
    let n = oracle.n();
    let all = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    let mut a = vec![0.0; n];
    for i in members(m) {
        a[i] = 1.0;
    }
    Ok(match kind {
        Kind::Upper => Row {
            a,
            b: vx - oracle.v_supply(all ^ m)?,
        },
        Kind::Lower => Row {
            a: a.iter().map(|x| -x).collect(),
            b: -oracle.v_zero(m)?,
        },
    })
}

/// Runs constraint generation for one objective; returns the point and the rows used.
fn generate(
    oracle: &dyn Oracle,
    rows: &mut Vec<Row>,
    keys: &mut std::collections::HashSet<(Kind, Mask)>,
    diag: Option<&[f64]>,
    c: &[f64],
    region: CoreRegion,
    vx: f64,
) -> Result<Option<Vec<f64>>, CoalitionError> {
    let tol = SEPARATION_TOL * oracle.scale();
    for _ in 0..MAX_ROUNDS {
        let x = match solve(oracle.n(), diag, c, rows) {
            Solve::Optimal(x) => x,
            Solve::Infeasible => return Ok(None),
            Solve::Failed(e) => return Err(CoalitionError::Solver(e)),
        };
        let cuts = oracle.separate(&x, region, tol)?;
        let mut added = false;
        for (_, kind, m) in cuts {
            if keys.insert((kind, m)) {
                rows.push(row_of(oracle, kind, m, vx)?);
                added = true;
            }
        }
        if !added {
            return Ok(Some(x));
        }
    }
    Err(CoalitionError::Solver(format!(
        "constraint generation did not finish in {MAX_ROUNDS} rounds"
    )))
}

fn polish(
    oracle: &dyn Oracle,
    x: &[f64],
    target: &[f64],
    rows: &[Row],
    region: CoreRegion,
    floor: Option<f64>,
) -> Vec<f64> {
    let tol = ACTIVE_TOL * oracle.scale();
    let active: Vec<&Row> = rows
        .iter()
        .filter(|r| r.b - r.a.iter().zip(x).map(|(a, b)| a * b).sum::<f64>() <= tol)
        .collect();
    let Some(p) = project(target, &active) else {
        return x.to_vec();
    };
    let ok_rows = rows.iter().all(|r| {
        r.a.iter().zip(&p).map(|(a, b)| a * b).sum::<f64>() <= r.b + 1e-12 * oracle.scale()
    });
    let ok_floor = floor.is_none_or(|f| p.iter().sum::<f64>() >= f);
    let ok_sep = oracle
        .separate(&p, region, 1e-12 * oracle.scale())
        .map(|v| v.is_empty())
        .unwrap_or(false);
    if ok_rows && ok_floor && ok_sep {
        p
    } else {
        x.to_vec()
    }
}

fn max_violation(oracle: &dyn Oracle, pi: &[f64], region: CoreRegion) -> f64 {
    oracle
        .separate(pi, region, 0.0)
        .ok()
        .and_then(|v| v.first().map(|x| x.0))
        .unwrap_or(0.0)
        .max(0.0)
}

/// The minimum-revenue and Vickrey-nearest core points of `market` (all bidders participate).
///
/// ```
/// use aftermarket::reallocation::market::ReallocationMarket;
/// use aftermarket::coalition::core_selecting::core_selecting;
/// // paper 002, Example 1: the core point is (3/4, 3/4, 1/4), revenue 11/4
/// let m = ReallocationMarket::quadratic_scalar(1.0, &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)])?;
/// let c = core_selecting(&m)?;
/// assert!((c.vickrey_nearest.revenue - 11.0 / 4.0).abs() < 1e-9);
/// assert!((c.vickrey_nearest.payoffs[2] - 0.25).abs() < 1e-9);
/// # Ok::<(), aftermarket::coalition::CoalitionError>(())
/// ```
///
/// # Errors
/// A failed surplus solve, or the LP/QP solver failing.
pub fn core_selecting(market: &ReallocationMarket) -> Result<CoreSelecting, CoalitionError> {
    let n = market.n_bidders();
    let zero = nalgebra::DVector::zeros(market.k());
    let all = market.all();
    let vx = market.surplus(all, market.qbar())?;
    let tables;
    let heuristic;
    let oracle: &dyn Oracle = if n <= EXACT_MAX_BIDDERS {
        let vq = market.surplus_table(market.qbar())?;
        let v0 = market.surplus_table(&zero)?;
        let scale = 1.0 + vq.iter().chain(&v0).fold(0.0_f64, |m, x| m.max(x.abs()));
        tables = Tables { n, vq, v0, scale };
        &tables
    } else {
        heuristic = Heuristic {
            market,
            zero: zero.clone(),
            vx,
            scale: 1.0 + vx.abs(),
        };
        &heuristic
    };
    let vickrey: Vec<f64> = (0..n)
        .map(|i| Ok(vx - oracle.v_supply(all & !(1 << i))?))
        .collect::<Result<_, CoalitionError>>()?;
    let e = market.efficient(all, market.qbar())?;
    let values: Vec<f64> = e
        .members
        .iter()
        .zip(&e.quantities)
        .map(|(&i, q)| market.bidders()[i].valuation.value(q))
        .collect();
    let mut region = CoreRegion::Core;
    let (mut rows, mut keys, x_lp) = loop {
        let mut rows = Vec::new();
        let mut keys = std::collections::HashSet::new();
        for i in 0..n {
            for kind in [Kind::Upper, Kind::Lower] {
                keys.insert((kind, 1u64 << i));
                rows.push(row_of(oracle, kind, 1 << i, vx)?);
            }
        }
        keys.insert((Kind::Lower, all));
        rows.push(row_of(oracle, Kind::Lower, all, vx)?);
        if region == CoreRegion::Core {
            keys.insert((Kind::Upper, all));
            rows.push(row_of(oracle, Kind::Upper, all, vx)?);
        }
        let c = vec![-1.0; n];
        match generate(oracle, &mut rows, &mut keys, None, &c, region, vx)? {
            Some(x) => break (rows, keys, x),
            None if region == CoreRegion::Core => region = CoreRegion::BidderCore,
            None => {
                return Err(CoalitionError::Solver(
                    "the bidder-core LP is infeasible".into(),
                ));
            }
        }
    };
    let x_lp = polish(oracle, &x_lp, &x_lp, &rows, region, None);
    let s_star: f64 = x_lp.iter().sum();
    let face = s_star - FACE_TOL * oracle.scale();
    let face_row = Row {
        a: vec![-1.0; n],
        b: -face,
    };
    let face_idx = rows.len();
    rows.push(face_row);
    let diag = vec![1.0; n];
    let c: Vec<f64> = vickrey.iter().map(|v| -v).collect();
    let x_qp = generate(oracle, &mut rows, &mut keys, Some(&diag), &c, region, vx)?
        .ok_or_else(|| CoalitionError::Solver("the vickrey-nearest QP is infeasible".into()))?;
    rows.remove(face_idx);
    let core_rows = rows;
    let x_qp = polish(oracle, &x_qp, &vickrey, &core_rows, region, Some(face));
    let make = |pi: Vec<f64>| {
        let payments = values.iter().zip(&pi).map(|(v, p)| v - p).collect();
        CoreSelectingOutcome {
            revenue: vx - pi.iter().sum::<f64>(),
            max_violation: max_violation(oracle, &pi, region),
            payments,
            payoffs: pi,
            region,
            certified: oracle.certified(),
            constraints: core_rows.len(),
        }
    };
    Ok(CoreSelecting {
        min_revenue: make(x_lp),
        vickrey_nearest: make(x_qp),
        vickrey_payoffs: vickrey,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example1_core_point_is_unique() {
        let m = crate::reallocation::market::ReallocationMarket::quadratic_scalar(
            1.0,
            &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)],
        )
        .expect("ok");
        let c = core_selecting(&m).expect("ok");
        for (a, b) in c.min_revenue.payoffs.iter().zip([0.75, 0.75, 0.25]) {
            assert!((a - b).abs() < 1e-10, "{a} vs {b}");
        }
        assert!(c.vickrey_nearest.certified);
        assert_eq!(c.vickrey_nearest.region, CoreRegion::Core);
    }

    #[test]
    fn empty_core_falls_back_to_bidder_core() {
        // two bidders u = q - q^2/2, qbar = -10: v(X, qbar) = -35 < 0
        let m = crate::reallocation::market::ReallocationMarket::quadratic_scalar(
            -10.0,
            &[(1.0, 1.0), (1.0, 1.0)],
        )
        .expect("ok");
        let c = core_selecting(&m).expect("ok");
        assert_eq!(c.vickrey_nearest.region, CoreRegion::BidderCore);
    }
}
