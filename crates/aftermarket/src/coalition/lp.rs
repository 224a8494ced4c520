//! Thin wrapper over Clarabel for small dense LPs and diagonal QPs
//! \\(\min \tfrac12 x'\mathrm{diag}(d)x + c'x\\) s.t. \\(Ax\le b\\), and an
//! active-set polish that makes the active constraints hold exactly.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};
use nalgebra::{DMatrix, DVector};

/// Solver tolerance handed to Clarabel (gap and feasibility).
pub(crate) const SOLVER_TOL: f64 = 1e-10;

/// A dense inequality row \\(a'x \le b\\).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub a: Vec<f64>,
    pub b: f64,
}

/// Result of one solve.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Solve {
    Optimal(Vec<f64>),
    Infeasible,
    Failed(String),
}

/// Solves the problem; `diag` = `None` means an LP.
pub(crate) fn solve(n: usize, diag: Option<&[f64]>, c: &[f64], rows: &[Row]) -> Solve {
    let p = match diag {
        Some(d) => CscMatrix::new(n, n, (0..=n).collect(), (0..n).collect(), d.to_vec()),
        None => CscMatrix::zeros((n, n)),
    };
    let m = rows.len();
    let mut colptr = vec![0usize; n + 1];
    let mut rowval = Vec::new();
    let mut nzval = Vec::new();
    for j in 0..n {
        for (i, r) in rows.iter().enumerate() {
            let v = r.a[j];
            if v != 0.0 {
                rowval.push(i);
                nzval.push(v);
            }
        }
        colptr[j + 1] = rowval.len();
    }
    let a = CscMatrix::new(m, n, colptr, rowval, nzval);
    let b: Vec<f64> = rows.iter().map(|r| r.b).collect();
    let cones = [SupportedConeT::NonnegativeConeT(m)];
    let settings = DefaultSettings {
        verbose: false,
        max_iter: 500,
        tol_gap_abs: SOLVER_TOL,
        tol_gap_rel: SOLVER_TOL,
        tol_feas: SOLVER_TOL,
        ..DefaultSettings::default()
    };
    let mut solver = match DefaultSolver::new(&p, c, &a, &b, &cones, settings) {
        Ok(s) => s,
        Err(e) => return Solve::Failed(format!("setup failed: {e:?}")),
    };
    solver.solve();
    match solver.solution.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => {
            Solve::Optimal(solver.solution.x.clone())
        }
        SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => Solve::Infeasible,
        s => Solve::Failed(format!("status {s:?}")),
    }
}

/// Projects `target` onto \\(\{x : a_k'x = b_k\ \forall k \in \text{active}\}\\)
/// (least squares through a pseudo-inverse). `None` if the active rows are
/// inconsistent.
pub(crate) fn project(target: &[f64], active: &[&Row]) -> Option<Vec<f64>> {
    let n = target.len();
    let t = DVector::from_column_slice(target);
    if active.is_empty() {
        return Some(target.to_vec());
    }
    let a = DMatrix::from_fn(active.len(), n, |i, j| active[i].a[j]);
    let b = DVector::from_iterator(active.len(), active.iter().map(|r| r.b));
    let aat = &a * a.transpose();
    let pinv = aat.pseudo_inverse(1e-12).ok()?;
    let resid = &a * &t - &b;
    let x = &t - a.transpose() * (pinv * resid);
    let check = &a * &x - &b;
    if check.amax() > 1e-9 * (1.0 + b.amax()) {
        return None;
    }
    Some(x.iter().copied().collect())
}
