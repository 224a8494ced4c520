//! When is the reallocative Vickrey auction core-selecting for every
//! participant set? (paper 002, Lemmas 1, 2, 4, 7, Theorems 1, 2,
//! Propositions 3, 4, 5, 9.)
//!
//! - **Lemma 1**: core-selecting for every \\(X\subseteq I\\) iff
//!   \\(v(\cdot,\bar q)\\) is submodular; **Lemma 2**: bidder-core-selecting
//!   for every \\(X\\) iff it is submodular on each sublattice
//!   \\(\{Y\cup\{i\}\}\\). Both are checked in their pairwise form,
//!   \\(v(X)+v(X\setminus\{i,j\}) \le v(X\setminus\{i\}) + v(X\setminus\{j\})\\)
//!   for all \\(X\\) and \\(i\ne j\in X\\) (Lemma 2: \\(|X|\ge3\\)); a violation
//!   means \\(\{a\}\cup X\setminus\{i,j\}\\) blocks \\(\pi^V(X)\\).
//! - **Lemma 4**: packages \\(\Phi\\) (columns of \\(T\\)) are substitutes iff
//!   \\(-(T'D^2u_iT)^{-1}\\) has non-positive off-diagonal entries.
//! - **Theorem 1**: package substitutes plus \\(T^{-1}q_i^e(Z,\bar q)\ge0\\) for
//!   all \\(Z, i\\) give bidder-core selection; adding \\(T'p(Z,\bar q)\ge 0\\)
//!   gives core selection.
//! - **Theorem 2**: commuting Hessians and equal \\(\nabla u_i(0)\\) give
//!   Theorem 1's hypotheses on the common eigenbasis oriented by
//!   \\(\varphi\cdot\bar q\ge0\\). *Erratum*: that yields bidder-core selection;
//!   core selection also needs non-negative revenue (three bidders
//!   \\(u=-q^2/2\\), \\(\bar q=1\\): revenue \\(-5/12\\)).
//! - **Propositions 3, 4, 5**: inefficient endowments, heterogeneous
//!   marginal utilities, heterogeneous substitution patterns each break
//!   bidder-core selection for some \\(X\\) (constructions below).
//! - **Proposition 9**: bidder-core selection implies monotone revenue and
//!   no profitable shill bidding; the diagnostics search for failures.

use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;
use serde::Serialize;

use super::CoalitionError;
use super::core::{CoalitionTables, CoreAnalysis, PayoffProfile, analyse_core};
use crate::reallocation::ReallocationError;
use crate::reallocation::market::{Mask, ReallocationMarket, members};
use crate::reallocation::valuation::{Quadratic, shift};
use crate::reallocation::vickrey::{AuctionOutcome, vickrey, vickrey_from_table};

/// Relative tolerance (times \\(1+\max|v|\\)) for a submodularity violation.
pub const SUBMODULARITY_TOL: f64 = 1e-9;
/// Tolerance for sign conditions (substitutes, allocations, prices), relative to the entries' scale.
pub const SIGN_TOL: f64 = 1e-10;
/// Relative tolerance for commutativity \\(\|S_iS_j - S_jS_i\|_\infty / (\|S_i\|\|S_j\|)\\).
pub const COMMUTE_TOL: f64 = 1e-9;
/// Largest \\(|I|\\) for checks that compute an allocation for every coalition.
pub const MAX_ALLOCATION_BIDDERS: usize = 20;
/// Largest \\(|I|\\) for the shill-bidding search.
pub const MAX_SHILL_BIDDERS: usize = 10;

/// A pairwise submodularity violation at participant set \\(X\\).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubmodularityViolation {
    /// The participant set \\(X\\).
    pub participants: Vec<usize>,
    /// Bidder \\(i\\).
    pub i: usize,
    /// Bidder \\(j\\).
    pub j: usize,
    /// \\(v(X)+v(X\setminus\{i,j\})-v(X\setminus\{i\})-v(X\setminus\{j\}) > 0\\).
    pub margin: f64,
    /// The bidders of the blocking coalition \\(\{a\}\cup X\setminus\{i,j\}\\).
    pub blocking_with_auctioneer: Vec<usize>,
}

/// The Lemma 1 / Lemma 2 check over every participant set \\(X\subseteq I\\).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubmodularityReport {
    /// \\(|I|\\).
    pub n_bidders: usize,
    /// Triples \\((X, i, j)\\) compared.
    pub pairs_checked: u64,
    /// Violations with any \\(|X|\ge2\\) (Lemma 1).
    pub lemma1_violations: u64,
    /// Violations with \\(|X|\ge3\\) (Lemma 2).
    pub lemma2_violations: u64,
    /// Vickrey is core-selecting for every \\(X\\).
    pub core_selecting_for_all: bool,
    /// Vickrey is bidder-core-selecting for every \\(X\\).
    pub bidder_core_selecting_for_all: bool,
    /// The first violations (smallest \\(X\\) mask, then \\(i\\), \\(j\\)).
    pub examples: Vec<SubmodularityViolation>,
    /// The absolute tolerance used.
    pub tol: f64,
}

/// Lemma 1 and 2 for `market` (all bidders are potential participants).
///
/// ```
/// use aftermarket::reallocation::market::ReallocationMarket;
/// use aftermarket::coalition::substitutes::check_submodularity;
/// let m = ReallocationMarket::quadratic_scalar(1.0, &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)])?;
/// let r = check_submodularity(&m, 10)?;
/// assert!(!r.bidder_core_selecting_for_all);
/// assert!((r.examples[0].margin - 0.5).abs() < 1e-12);
/// # Ok::<(), aftermarket::coalition::CoalitionError>(())
/// ```
///
/// # Errors
/// More than [`crate::reallocation::market::MAX_TABLE_BIDDERS`] bidders or a failed solve.
pub fn check_submodularity(
    market: &ReallocationMarket,
    max_examples: usize,
) -> Result<SubmodularityReport, CoalitionError> {
    let table = market.surplus_table(market.qbar())?;
    Ok(check_submodularity_table(
        &table,
        market.n_bidders(),
        max_examples,
    ))
}

/// The pairwise check on a prebuilt table of \\(v(\cdot,\bar q)\\) (length \\(2^n\\)).
///
/// # Panics
/// If `table.len() != 1 << n`.
pub fn check_submodularity_table(
    table: &[f64],
    n: usize,
    max_examples: usize,
) -> SubmodularityReport {
    assert_eq!(table.len(), 1usize << n, "table must have 2^n entries");
    let scale = table.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    let tol = SUBMODULARITY_TOL * (1.0 + scale);
    let size = 1usize << n;
    let chunk = 1usize << n.saturating_sub(8).min(12);
    let partial: Vec<(u64, u64, u64, Vec<SubmodularityViolation>)> = (0..size)
        .into_par_iter()
        .step_by(chunk)
        .map(|start| {
            let mut pairs = 0u64;
            let mut l1 = 0u64;
            let mut l2 = 0u64;
            let mut ex = Vec::new();
            let mut bits = [0usize; 64];
            let mut without = [0.0f64; 64];
            for x in start..(start + chunk).min(size) {
                let cnt = (x as u64).count_ones() as usize;
                if cnt < 2 {
                    continue;
                }
                let vx = table[x];
                let mut m = 0;
                let mut y = x;
                while y != 0 {
                    let b = y.trailing_zeros() as usize;
                    bits[m] = b;
                    without[m] = table[x ^ (1 << b)];
                    m += 1;
                    y &= y - 1;
                }
                for a in 0..m {
                    let xa = x ^ (1 << bits[a]);
                    let base = vx - without[a];
                    for b in (a + 1)..m {
                        let margin = base + table[xa ^ (1 << bits[b])] - without[b];
                        if margin > tol {
                            l1 += 1;
                            if cnt >= 3 {
                                l2 += 1;
                            }
                            if ex.len() < max_examples {
                                ex.push(SubmodularityViolation {
                                    participants: members(x as Mask),
                                    i: bits[a],
                                    j: bits[b],
                                    margin,
                                    blocking_with_auctioneer: members(
                                        (xa ^ (1 << bits[b])) as Mask,
                                    ),
                                });
                            }
                        }
                    }
                }
                pairs += (m * (m - 1) / 2) as u64;
            }
            (pairs, l1, l2, ex)
        })
        .collect();
    let mut report = SubmodularityReport {
        n_bidders: n,
        pairs_checked: 0,
        lemma1_violations: 0,
        lemma2_violations: 0,
        core_selecting_for_all: true,
        bidder_core_selecting_for_all: true,
        examples: vec![],
        tol,
    };
    for (p, a, b, ex) in partial {
        report.pairs_checked += p;
        report.lemma1_violations += a;
        report.lemma2_violations += b;
        if report.examples.len() < max_examples {
            report.examples.extend(ex);
        }
    }
    report.examples.truncate(max_examples);
    report.core_selecting_for_all = report.lemma1_violations == 0;
    report.bidder_core_selecting_for_all = report.lemma2_violations == 0;
    report
}

/// How a bidder's goods relate (from the off-diagonals of \\((D^2u)^{-1}\\)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoodsRelation {
    /// All off-diagonals of \\((D^2u)^{-1}\\) are \\(\ge 0\\), some \\(> 0\\).
    Substitutes,
    /// All off-diagonals \\(\le 0\\), some \\(< 0\\).
    Complements,
    /// All off-diagonals zero (or one good).
    Independent,
    /// Both signs.
    Mixed,
}

/// Off-diagonal entries of \\((T'HT)^{-1}\\) for Hessian \\(H\\) and basis
/// \\(T\\) (minus Lemma 4's matrix). Returns (max, min, scale).
fn lemma4_offdiag(
    h: &DMatrix<f64>,
    t: &DMatrix<f64>,
) -> Result<(f64, f64, f64), ReallocationError> {
    let m = t.transpose() * h * t;
    let inv = (-m)
        .cholesky()
        .ok_or_else(|| ReallocationError::NotPositiveDefinite {
            param: "-T'D^2u T".into(),
        })?
        .inverse();
    let k = inv.nrows();
    let mut hi = f64::NEG_INFINITY;
    let mut lo = f64::INFINITY;
    for r in 0..k {
        for c in 0..k {
            if r != c {
                hi = hi.max(-inv[(r, c)]);
                lo = lo.min(-inv[(r, c)]);
            }
        }
    }
    Ok((hi, lo, inv.amax().max(f64::MIN_POSITIVE)))
}

/// The goods relation of a Hessian \\(D^2u\\).
///
/// ```
/// use aftermarket::coalition::substitutes::{goods_relation, GoodsRelation};
/// use nalgebra::dmatrix;
/// // Example 2, bidder 1: S = [[1, -1/2], [-1/2, 1]] — complements
/// assert_eq!(goods_relation(&-dmatrix![1.0, -0.5; -0.5, 1.0])?, GoodsRelation::Complements);
/// # Ok::<(), aftermarket::reallocation::ReallocationError>(())
/// ```
///
/// # Errors
/// A Hessian that is not negative definite.
pub fn goods_relation(hessian: &DMatrix<f64>) -> Result<GoodsRelation, ReallocationError> {
    let k = hessian.nrows();
    let (hi, lo, scale) = lemma4_offdiag(hessian, &DMatrix::identity(k, k))?;
    let tol = SIGN_TOL * scale;
    Ok(if k < 2 || (hi.abs() <= tol && lo.abs() <= tol) {
        GoodsRelation::Independent
    } else if lo >= -tol {
        GoodsRelation::Substitutes
    } else if hi <= tol {
        GoodsRelation::Complements
    } else {
        GoodsRelation::Mixed
    })
}

/// Lemma 4: are the packages (columns of `basis`) substitutes for a bidder
/// with Hessian `hessian`?
///
/// # Errors
/// A Hessian that is not negative definite or a basis of the wrong size.
pub fn packages_are_substitutes(
    hessian: &DMatrix<f64>,
    basis: &DMatrix<f64>,
) -> Result<bool, ReallocationError> {
    if basis.nrows() != hessian.nrows() || basis.ncols() != hessian.nrows() {
        return Err(ReallocationError::DimensionMismatch {
            param: "basis".into(),
            expected: hessian.nrows(),
            got: basis.ncols(),
        });
    }
    let (_, lo, scale) = lemma4_offdiag(hessian, basis)?;
    Ok(lo >= -SIGN_TOL * scale)
}

/// Which sufficient condition holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Guarantee {
    /// Core-selecting for every \\(X\\).
    Core,
    /// Bidder-core-selecting for every \\(X\\).
    BidderCore,
    /// The hypotheses fail; nothing is guaranteed.
    None,
}

/// Theorem 1's hypotheses for a basis \\(\Phi\\).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Theorem1Report {
    /// The basis (columns \\(\varphi_k\\)), as rows of the matrix \\(T\\).
    pub basis: Vec<Vec<f64>>,
    /// Bidders for whom the packages are not substitutes (at the points checked).
    pub not_substitutes: Vec<usize>,
    /// (i): packages are substitutes for all bidders.
    pub package_substitutes: bool,
    /// (ii): \\(T^{-1}q_i^e(Z,\bar q)\ge0\\) for all \\(Z\subseteq I\\), \\(i\in Z\\).
    pub allocation_condition: bool,
    /// The first failure of (ii): coalition, bidder, package coordinates.
    pub allocation_failure: Option<(Vec<usize>, usize, Vec<f64>)>,
    /// \\(T'p(Z,\bar q) \ge 0\\) for every \\(Z\\).
    pub price_condition: bool,
    /// The first failure of the price condition: coalition, package prices.
    pub price_failure: Option<(Vec<usize>, Vec<f64>)>,
    /// The conclusion.
    pub guarantee: Guarantee,
}

/// Checks Theorem 1 for the basis `basis` (columns are the packages).
/// Package substitutability is checked at \\(q=0\\) and at every efficient
/// bundle \\(q_i^e(Z,\bar q)\\) (exact for quadratic valuations; for others it
/// samples footnote 31's polyhedron at those points).
///
/// # Errors
/// More than [`MAX_ALLOCATION_BIDDERS`] bidders, a singular basis, or a failed solve.
pub fn theorem1(
    market: &ReallocationMarket,
    basis: &DMatrix<f64>,
) -> Result<Theorem1Report, CoalitionError> {
    let n = market.n_bidders();
    let k = market.k();
    if n > MAX_ALLOCATION_BIDDERS {
        return Err(ReallocationError::TooManyBidders {
            max: MAX_ALLOCATION_BIDDERS,
            got: n,
        }
        .into());
    }
    if basis.nrows() != k || basis.ncols() != k {
        return Err(ReallocationError::DimensionMismatch {
            param: "basis".into(),
            expected: k,
            got: basis.ncols(),
        }
        .into());
    }
    let t_inv = basis
        .clone()
        .try_inverse()
        .ok_or_else(|| CoalitionError::Precondition("basis must be invertible".into()))?;
    let mut not_subs = vec![false; n];
    for (i, b) in market.bidders().iter().enumerate() {
        let h = b.valuation.hessian(&DVector::zeros(k));
        if !packages_are_substitutes(&h, basis)? {
            not_subs[i] = true;
        }
    }
    let quadratic = market.quadratics().is_some();
    let mut alloc_fail = None;
    let mut price_fail = None;
    for z in 1..(1u64 << n) {
        let e = market.efficient(z, market.qbar())?;
        if let Some(p) = &e.price {
            let pp = basis.transpose() * p;
            let tol = SIGN_TOL * (1.0 + pp.amax());
            if price_fail.is_none() && pp.iter().any(|x| *x < -tol) {
                price_fail = Some((members(z), pp.iter().copied().collect()));
            }
        }
        for (i, q) in e.members.iter().zip(&e.quantities) {
            let x = &t_inv * q;
            let tol = SIGN_TOL * (1.0 + (&t_inv * market.qbar()).amax());
            if alloc_fail.is_none() && x.iter().any(|c| *c < -tol) {
                alloc_fail = Some((members(z), *i, x.iter().copied().collect()));
            }
            if !quadratic && !not_subs[*i] {
                let h = market.bidders()[*i].valuation.hessian(q);
                if !packages_are_substitutes(&h, basis)? {
                    not_subs[*i] = true;
                }
            }
        }
    }
    let not_substitutes: Vec<usize> = (0..n).filter(|&i| not_subs[i]).collect();
    let package_substitutes = not_substitutes.is_empty();
    let allocation_condition = alloc_fail.is_none();
    let price_condition = price_fail.is_none();
    let guarantee = match (package_substitutes && allocation_condition, price_condition) {
        (true, true) => Guarantee::Core,
        (true, false) => Guarantee::BidderCore,
        _ => Guarantee::None,
    };
    Ok(Theorem1Report {
        basis: (0..k)
            .map(|r| basis.row(r).iter().copied().collect())
            .collect(),
        not_substitutes,
        package_substitutes,
        allocation_condition,
        allocation_failure: alloc_fail,
        price_condition,
        price_failure: price_fail,
        guarantee,
    })
}

/// A common orthonormal eigenbasis of commuting symmetric matrices, each
/// vector oriented so that \\(\varphi\cdot\bar q \ge 0\\) (ties: the largest
/// entry positive). Found by diagonalising a generic combination
/// \\(\sum_i c_i S_i\\), which separates repeated eigenvalues of single matrices.
///
/// ```
/// use aftermarket::coalition::substitutes::common_eigenbasis;
/// use nalgebra::{dmatrix, dvector};
/// let t = common_eigenbasis(&[dmatrix![1.0, -0.5; -0.5, 1.0], dmatrix![0.5, 0.25; 0.25, 0.5]], &dvector![1.0, 1.0])?;
/// let phi = t.column(0);
/// assert!((phi[0] - phi[1]).abs() < 1e-12 || (phi[0] + phi[1]).abs() < 1e-12);
/// # Ok::<(), aftermarket::coalition::CoalitionError>(())
/// ```
///
/// # Errors
/// No matrices, inconsistent sizes, or matrices that do not commute.
pub fn common_eigenbasis(
    mats: &[DMatrix<f64>],
    qbar: &DVector<f64>,
) -> Result<DMatrix<f64>, CoalitionError> {
    let k = qbar.len();
    if mats.is_empty() || mats.iter().any(|m| m.nrows() != k || m.ncols() != k) {
        return Err(CoalitionError::Precondition(format!(
            "common_eigenbasis needs at least one {k}x{k} matrix"
        )));
    }
    let mut combo = DMatrix::zeros(k, k);
    for (i, m) in mats.iter().enumerate() {
        let c =
            1.0 + ((i as f64 + 1.0) * 0.618_033_988_749_894_8).fract() * std::f64::consts::SQRT_2;
        combo += m * c;
    }
    let eig = nalgebra::SymmetricEigen::new(combo);
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[a].total_cmp(&eig.eigenvalues[b]));
    let mut t = DMatrix::zeros(k, k);
    for (col, &src) in order.iter().enumerate() {
        let mut v: DVector<f64> = eig.eigenvectors.column(src).into_owned();
        let d = v.dot(qbar);
        let flip = if d.abs() > 1e-12 * (1.0 + qbar.norm()) {
            d < 0.0
        } else {
            let (imax, _) = v.iter().enumerate().fold((0, 0.0_f64), |(bi, bv), (i, x)| {
                if x.abs() > bv + 1e-12 {
                    (i, x.abs())
                } else {
                    (bi, bv)
                }
            });
            v[imax] < 0.0
        };
        if flip {
            v = -v;
        }
        t.set_column(col, &v);
    }
    for (i, m) in mats.iter().enumerate() {
        let d = t.transpose() * m * &t;
        let scale = m.amax().max(f64::MIN_POSITIVE);
        for r in 0..k {
            for c in 0..k {
                if r != c && d[(r, c)].abs() > 1e-8 * scale {
                    return Err(CoalitionError::Precondition(format!(
                        "no common eigenbasis: matrix {i} is not diagonal in the basis found (off-diagonal {})",
                        d[(r, c)]
                    )));
                }
            }
        }
    }
    Ok(t)
}

/// Theorem 2's check (quadratic valuations).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Theorem2Report {
    /// Largest relative commutator \\(\|S_iS_j-S_jS_i\|\\).
    pub max_commutator: f64,
    /// (b): all \\(S_i\\) commute.
    pub commuting: bool,
    /// (a): all \\(\nabla u_i(0)=\theta_i\\) equal (efficient pre-auction allocation).
    pub equal_marginal_utilities: bool,
    /// Theorem 1 on the oriented common eigenbasis, when (b) holds.
    pub theorem1: Option<Theorem1Report>,
    /// The theorem's hypotheses hold, so bidder-core selection is guaranteed for every \\(X\\).
    pub bidder_core_guaranteed: bool,
    /// Vickrey revenue is \\(\ge 0\\) for every \\(X\\) with \\(|X|\ge 2\\).
    pub revenue_nonnegative_for_all: bool,
    /// The smallest Vickrey revenue over \\(X\\) and its participant set.
    pub min_revenue: (Vec<usize>, f64),
    /// Core selection for every \\(X\\) (bidder-core guaranteed and revenue \\(\ge0\\)).
    pub core_guaranteed: bool,
    /// The corrected statement.
    pub erratum: String,
}

/// The corrected statement of Theorem 2.
pub const THEOREM2_ERRATUM: &str = "theorem 2's hypotheses give bidder-core selection for every X (via theorem 1 (i)-(ii)); core selection holds iff, in addition, Vickrey revenue is non-negative for every X (counterexample: three bidders u = -q^2/2, qbar = 1, revenue -5/12)";

/// Checks Theorem 2: commutativity, equal \\(\theta_i\\), the oriented common
/// eigenbasis, Theorem 1 on it, and revenue signs for every \\(X\\).
///
/// # Errors
/// Non-quadratic valuations, more than [`MAX_ALLOCATION_BIDDERS`] bidders, a failed solve.
pub fn theorem2(market: &ReallocationMarket) -> Result<Theorem2Report, CoalitionError> {
    let qs = market.quadratics().ok_or_else(|| {
        CoalitionError::Precondition("theorem 2 check needs quadratic valuations".into())
    })?;
    let mut max_comm = 0.0_f64;
    for a in 0..qs.len() {
        for b in (a + 1)..qs.len() {
            max_comm = max_comm.max(crate::reallocation::linalg::commutator_norm(
                qs[a].s(),
                qs[b].s(),
            ));
        }
    }
    let commuting = max_comm <= COMMUTE_TOL;
    let th0 = qs[0].theta();
    let scale = 1.0 + th0.amax();
    let equal = qs
        .iter()
        .all(|q| (q.theta() - th0).amax() <= SIGN_TOL * scale);
    let theorem1 = if commuting {
        let mats: Vec<DMatrix<f64>> = qs.iter().map(|q| q.s().clone()).collect();
        let t = common_eigenbasis(&mats, market.qbar())?;
        Some(self::theorem1(market, &t)?)
    } else {
        None
    };
    let table = market.surplus_table(market.qbar())?;
    let mut min_rev = (vec![], f64::INFINITY);
    for x in 0..(1u64 << market.n_bidders()) {
        if x.count_ones() >= 2 {
            let (_, r) = vickrey_from_table(&table, x);
            if r < min_rev.1 {
                min_rev = (members(x), r);
            }
        }
    }
    let tol = SUBMODULARITY_TOL * (1.0 + table.iter().fold(0.0_f64, |m, x| m.max(x.abs())));
    let revenue_nonnegative_for_all = min_rev.1 >= -tol;
    let bidder_core_guaranteed = commuting
        && equal
        && theorem1
            .as_ref()
            .is_some_and(|t| t.package_substitutes && t.allocation_condition);
    Ok(Theorem2Report {
        max_commutator: max_comm,
        commuting,
        equal_marginal_utilities: equal,
        theorem1,
        bidder_core_guaranteed,
        revenue_nonnegative_for_all,
        min_revenue: min_rev,
        core_guaranteed: bidder_core_guaranteed && revenue_nonnegative_for_all,
        erratum: THEOREM2_ERRATUM.into(),
    })
}

/// \\(H(Z) = (\sum_{Z} S_j^{-1})^{-1}\\) (zero matrix for \\(Z=\emptyset\\)).
fn harmonic(qs: &[&Quadratic], z: Mask, k: usize) -> Result<DMatrix<f64>, ReallocationError> {
    if z == 0 {
        return Ok(DMatrix::zeros(k, k));
    }
    let mut a = DMatrix::zeros(k, k);
    for i in members(z) {
        a += qs[i].s_inv();
    }
    crate::reallocation::linalg::spd_inverse("sum of S_j^-1", &a)
}

/// One (Z, ℓ, j) of the Proposition 5 scan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prop5Finding {
    /// The coalition \\(Z\\).
    pub coalition: Vec<usize>,
    /// \\(\ell\\).
    pub l: usize,
    /// \\(j\\).
    pub j: usize,
    /// Eigenvalues (re, im) of \\(P = S_\ell^{-1}(\sum_{Z\setminus\ell}S^{-1}+\sum_{Z\setminus j}S^{-1})^{-1}S_j^{-1}\\).
    pub p_eigenvalues: Vec<(f64, f64)>,
    /// \\(P\\) has a real negative eigenvalue (Proposition 5's test).
    pub p_fires: bool,
    /// Eigenvalues of \\(D = H(Z)+H(Z\setminus\{\ell,j\})-H(Z\setminus\ell)-H(Z\setminus j)\\), increasing.
    pub d_eigenvalues: Vec<f64>,
    /// A unit supply \\(\bar q\\) with \\(\bar q'D\bar q<0\\) (eigenvector of the smallest eigenvalue), if any.
    pub qbar: Option<Vec<f64>>,
    /// With that \\(\bar q\\) and \\(X=Z\\), the deficit of \\(\{a\}\cup Z\setminus\{\ell,j\}\\) (\\(= -\tfrac12\bar q'D\bar q\\) under common \\(\theta\\)).
    pub blocking_deficit: Option<f64>,
}

/// Lemma 7 / Proposition 5: scans every \\(Z\\) with \\(|Z|\ge3\\) and
/// \\(\ell<j\in Z\\); returns the triples where \\(P\\) has a real negative
/// eigenvalue or \\(D\\) is not positive definite. (Lemma 7: the first
/// implies the second; Example 3 shows the converse fails.)
///
/// # Errors
/// Non-quadratic valuations, more than [`MAX_ALLOCATION_BIDDERS`] bidders, a failed solve.
pub fn prop5_scan(market: &ReallocationMarket) -> Result<Vec<Prop5Finding>, CoalitionError> {
    let qs = market.quadratics().ok_or_else(|| {
        CoalitionError::Precondition("proposition 5 needs quadratic valuations".into())
    })?;
    let n = market.n_bidders();
    if n > MAX_ALLOCATION_BIDDERS {
        return Err(ReallocationError::TooManyBidders {
            max: MAX_ALLOCATION_BIDDERS,
            got: n,
        }
        .into());
    }
    let k = market.k();
    let mut out = Vec::new();
    for z in 0..(1u64 << n) {
        if z.count_ones() < 3 {
            continue;
        }
        let ms = members(z);
        for (a, &l) in ms.iter().enumerate() {
            for &j in &ms[a + 1..] {
                let f = prop5_triple(market, &qs, z, l, j, k)?;
                if f.p_fires || f.qbar.is_some() {
                    out.push(f);
                }
            }
        }
    }
    Ok(out)
}

/// Proposition 5's quantities for one triple \\((Z, \ell, j)\\).
///
/// # Errors
/// Non-quadratic valuations, bad indices, or a failed solve.
pub fn prop5_at(
    market: &ReallocationMarket,
    z: Mask,
    l: usize,
    j: usize,
) -> Result<Prop5Finding, CoalitionError> {
    let qs = market.quadratics().ok_or_else(|| {
        CoalitionError::Precondition("proposition 5 needs quadratic valuations".into())
    })?;
    if z & !market.all() != 0 || z >> l & 1 == 0 || z >> j & 1 == 0 || l == j {
        return Err(CoalitionError::Precondition(
            "l and j must be distinct members of the coalition".into(),
        ));
    }
    prop5_triple(market, &qs, z, l, j, market.k())
}

fn prop5_triple(
    market: &ReallocationMarket,
    qs: &[&Quadratic],
    z: Mask,
    l: usize,
    j: usize,
    k: usize,
) -> Result<Prop5Finding, CoalitionError> {
    let sum_without = |x: usize| {
        members(z & !(1 << x))
            .into_iter()
            .fold(DMatrix::zeros(k, k), |acc, i| acc + qs[i].s_inv())
    };
    let m = sum_without(l) + sum_without(j);
    let m_inv = crate::reallocation::linalg::spd_inverse("P middle", &m)?;
    let p = qs[l].s_inv() * m_inv * qs[j].s_inv();
    let ev = p.complex_eigenvalues();
    let scale = p.amax().max(f64::MIN_POSITIVE);
    let p_eigenvalues: Vec<(f64, f64)> = ev.iter().map(|c| (c.re, c.im)).collect();
    let p_fires = p_eigenvalues
        .iter()
        .any(|&(re, im)| im.abs() <= 1e-12 * scale && re < -SIGN_TOL * scale);
    let d = harmonic(qs, z, k)? + harmonic(qs, z & !(1 << l) & !(1 << j), k)?
        - harmonic(qs, z & !(1 << l), k)?
        - harmonic(qs, z & !(1 << j), k)?;
    let d = crate::reallocation::linalg::symmetrise(&d);
    let eig = nalgebra::SymmetricEigen::new(d.clone());
    let mut idx: Vec<usize> = (0..k).collect();
    idx.sort_by(|&a, &b| eig.eigenvalues[a].total_cmp(&eig.eigenvalues[b]));
    let d_eigenvalues: Vec<f64> = idx.iter().map(|&i| eig.eigenvalues[i]).collect();
    let dscale = d.amax().max(f64::MIN_POSITIVE);
    let (qbar, blocking_deficit) = if d_eigenvalues[0] < -SIGN_TOL * dscale {
        let v: DVector<f64> = eig.eigenvectors.column(idx[0]).into_owned();
        let sub = market.restrict(z)?.with_qbar(v.clone())?;
        let table = sub.surplus_table(sub.qbar())?;
        let zl = members(z);
        let pos = |x: usize| zl.iter().position(|&y| y == x).unwrap_or(0);
        let all = (1u64 << zl.len()) - 1;
        let coalition = all & !(1 << pos(l)) & !(1 << pos(j));
        let (pis, rev) = vickrey_from_table(&table, all);
        let sum: f64 = members(coalition).iter().map(|&i| pis[i]).sum::<f64>() + rev;
        (
            Some(v.iter().copied().collect()),
            Some(table[coalition as usize] - sum),
        )
    } else {
        (None, None)
    };
    Ok(Prop5Finding {
        coalition: members(z),
        l,
        j,
        p_eigenvalues,
        p_fires,
        d_eigenvalues,
        qbar,
        blocking_deficit,
    })
}

/// The outcome of a Proposition 3 or 4 construction.
#[derive(Debug, Clone)]
pub struct Construction {
    /// The constructed market (participants \\(X\\) only).
    pub market: ReallocationMarket,
    /// Endowment shifts \\(t_i\\) applied (Proposition 3) or zeros.
    pub shifts: Vec<Vec<f64>>,
    /// The Vickrey outcome in it.
    pub vickrey: AuctionOutcome,
    /// Its core analysis.
    pub analysis: CoreAnalysis,
    /// Deficit of \\(\{a, 1\}\\) (positive = blocks).
    pub deficit_a1: f64,
}

fn finish_construction(
    market: ReallocationMarket,
    shifts: Vec<Vec<f64>>,
) -> Result<Construction, CoalitionError> {
    let v = vickrey(&market)?;
    let profile = PayoffProfile {
        bidders: v.payoffs.clone(),
        auctioneer: v.revenue,
    };
    let tables = CoalitionTables::new(&market)?;
    let deficit_a1 = -tables.slack(&profile, 1, true);
    let analysis = analyse_core(&market, &profile)?;
    Ok(Construction {
        market,
        shifts,
        vickrey: v,
        analysis,
        deficit_a1,
    })
}

/// Proposition 3: for a three-bidder market, the endowment shifts
/// \\(t_1=0\\), \\(t_2=(\nabla u_2)^{-1}(\nabla u_1(\bar q))\\), \\(t_3 = 0\\)
/// (or \\(\mathbf 1\\) if \\(\nabla u_1(\bar q)=\nabla u_3(0)\\)) make \\(\{a,1\}\\) block.
///
/// # Errors
/// A market without exactly three bidders, or a failed demand solve.
pub fn prop3_construction(market: &ReallocationMarket) -> Result<Construction, CoalitionError> {
    if market.n_bidders() != 3 {
        return Err(CoalitionError::InvalidParameter {
            param: "n_bidders".into(),
            rule: "must be 3 for the proposition 3 construction",
            value: market.n_bidders() as f64,
        });
    }
    let k = market.k();
    let b = market.bidders();
    let p1 = b[0].valuation.gradient(market.qbar());
    let t2 = b[1].valuation.demand(&p1)?;
    let g3 = b[2].valuation.gradient(&DVector::zeros(k));
    let t3 = if (&p1 - &g3).amax() <= SIGN_TOL * (1.0 + p1.amax()) {
        DVector::from_element(k, 1.0)
    } else {
        DVector::zeros(k)
    };
    let shifts = [DVector::zeros(k), t2, t3];
    let mut bs = b.to_vec();
    for (bi, t) in bs.iter_mut().zip(&shifts) {
        bi.valuation = shift(&bi.valuation, t)?;
    }
    let m = ReallocationMarket::new(market.qbar().clone(), bs)?;
    finish_construction(
        m,
        shifts.iter().map(|t| t.iter().copied().collect()).collect(),
    )
}

/// Proposition 4: with \\(\nabla u_\ell(0)\ne\nabla u_j(0)\\), the supply
/// \\(\bar q = (\nabla u_1)^{-1}(\nabla u_j(0))\\) and \\(X=\{1,j,\ell\}\\) make
/// \\(\{a,1\}\\) block. `one`, `j`, `l` index bidders of `market`; the result's
/// bidders are in the order (one, j, l).
///
/// # Errors
/// Indices not distinct or out of range, equal marginal utilities, a failed solve.
pub fn prop4_construction(
    market: &ReallocationMarket,
    one: usize,
    j: usize,
    l: usize,
) -> Result<Construction, CoalitionError> {
    let n = market.n_bidders();
    if one >= n || j >= n || l >= n || one == j || j == l || one == l {
        return Err(CoalitionError::Precondition(
            "one, j and l must be distinct bidder indices".into(),
        ));
    }
    let k = market.k();
    let b = market.bidders();
    let gj = b[j].valuation.gradient(&DVector::zeros(k));
    let gl = b[l].valuation.gradient(&DVector::zeros(k));
    if (&gj - &gl).amax() <= SIGN_TOL * (1.0 + gj.amax()) {
        return Err(CoalitionError::Precondition(
            "proposition 4 needs grad u_l(0) != grad u_j(0)".into(),
        ));
    }
    let qbar = b[one].valuation.demand(&gj)?;
    let m = ReallocationMarket::new(qbar, vec![b[one].clone(), b[j].clone(), b[l].clone()])?;
    finish_construction(m, vec![vec![0.0; k]; 3])
}

/// A failure of revenue monotonicity (Proposition 9(i)).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevenueDrop {
    /// \\(Y\\).
    pub smaller: Vec<usize>,
    /// \\(Z = Y \cup\{k\}\\).
    pub larger: Vec<usize>,
    /// \\(\pi_a^V(Y)\\).
    pub revenue_smaller: f64,
    /// \\(\pi_a^V(Z) < \pi_a^V(Y)\\).
    pub revenue_larger: f64,
}

/// Proposition 9(i) diagnostic: every \\(Y\subset Z = Y\cup\{k\}\\) with
/// \\(|Y|\ge2\\) where adding a bidder lowers Vickrey revenue (any
/// non-monotone nested pair implies one of these).
///
/// # Errors
/// Too many bidders for tables or a failed solve.
pub fn revenue_drops(
    market: &ReallocationMarket,
    max_examples: usize,
) -> Result<(u64, Vec<RevenueDrop>), CoalitionError> {
    let table = market.surplus_table(market.qbar())?;
    let n = market.n_bidders();
    let tol = SUBMODULARITY_TOL * (1.0 + table.iter().fold(0.0_f64, |m, x| m.max(x.abs())));
    let rev: Vec<f64> = (0..(1u64 << n))
        .map(|x| {
            if x.count_ones() >= 2 {
                vickrey_from_table(&table, x).1
            } else {
                f64::NAN
            }
        })
        .collect();
    let mut count = 0;
    let mut ex = Vec::new();
    for z in 0..(1u64 << n) {
        if z.count_ones() < 3 {
            continue;
        }
        for kk in members(z) {
            let y = z & !(1 << kk);
            if rev[z as usize] < rev[y as usize] - tol {
                count += 1;
                if ex.len() < max_examples {
                    ex.push(RevenueDrop {
                        smaller: members(y),
                        larger: members(z),
                        revenue_smaller: rev[y as usize],
                        revenue_larger: rev[z as usize],
                    });
                }
            }
        }
    }
    Ok((count, ex))
}

/// Bundles and payments by bidder in one participant set.
type BundlesPayments = (Vec<DVector<f64>>, Vec<f64>);

/// A profitable shill bid (failure of Proposition 9(ii)).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShillBid {
    /// The honest participant set \\(X\\).
    pub participants: Vec<usize>,
    /// The bidder \\(i\\) who bids under several identities.
    pub bidder: usize,
    /// The identities \\(B\\) it controls (bidding their own valuations truthfully).
    pub identities: Vec<usize>,
    /// \\(u_i(\sum_B q_j^*) - \sum_B t_j\\).
    pub payoff: f64,
    /// \\(\pi_i^V(X)\\).
    pub vickrey_payoff: f64,
}

/// Proposition 9(ii) diagnostic: searches every \\(X\\), \\(i\in X\\) and
/// \\(B\subseteq I\setminus(X\setminus\{i\})\\) for a profitable shill bid;
/// returns the profitable ones, largest gain first.
///
/// # Errors
/// More than [`MAX_SHILL_BIDDERS`] bidders or a failed solve.
pub fn shill_search(
    market: &ReallocationMarket,
    max_examples: usize,
) -> Result<Vec<ShillBid>, CoalitionError> {
    let n = market.n_bidders();
    if n > MAX_SHILL_BIDDERS {
        return Err(ReallocationError::TooManyBidders {
            max: MAX_SHILL_BIDDERS,
            got: n,
        }
        .into());
    }
    let table = market.surplus_table(market.qbar())?;
    let tol = SUBMODULARITY_TOL * (1.0 + table.iter().fold(0.0_f64, |m, x| m.max(x.abs())));
    let all = market.all();
    // per participant set M: bundles and payments by bidder
    let mut cache: Vec<Option<BundlesPayments>> = vec![None; 1 << n];
    let mut found = Vec::new();
    for x in 0..(1u64 << n) {
        if x.count_ones() < 2 {
            continue;
        }
        let (pis, _) = vickrey_from_table(&table, x);
        for (pos, i) in members(x).into_iter().enumerate() {
            let rest = x & !(1 << i);
            let free = all & !rest;
            let mut b = free;
            while b != 0 {
                let m = rest | b;
                if b != (1 << i) && m.count_ones() >= 2 {
                    if cache[m as usize].is_none() {
                        let e = market.efficient(m, market.qbar())?;
                        let mut qv = vec![DVector::zeros(market.k()); n];
                        let mut tv = vec![0.0; n];
                        let (pm, _) = vickrey_from_table(&table, m);
                        for ((&jj, q), pij) in e.members.iter().zip(&e.quantities).zip(&pm) {
                            tv[jj] = market.bidders()[jj].valuation.value(q) - pij;
                            qv[jj] = q.clone();
                        }
                        cache[m as usize] = Some((qv, tv));
                    }
                    if let Some((qv, tv)) = &cache[m as usize] {
                        let ids = members(b);
                        let bundle = ids
                            .iter()
                            .fold(DVector::zeros(market.k()), |a, &jj| a + &qv[jj]);
                        let paid: f64 = ids.iter().map(|&jj| tv[jj]).sum();
                        let payoff = market.bidders()[i].valuation.value(&bundle) - paid;
                        if payoff > pis[pos] + tol {
                            found.push(ShillBid {
                                participants: members(x),
                                bidder: i,
                                identities: ids,
                                payoff,
                                vickrey_payoff: pis[pos],
                            });
                        }
                    }
                }
                b = (b - 1) & free;
            }
        }
    }
    found.sort_by(|a, b| (b.payoff - b.vickrey_payoff).total_cmp(&(a.payoff - a.vickrey_payoff)));
    found.truncate(max_examples);
    Ok(found)
}

/// Lemma 1 / 2 by brute force: the core class of \\(\pi^V(X)\\) for every
/// \\(X\subseteq I\\), \\(|X|\ge2\\) (cross-check of [`check_submodularity`]).
///
/// # Errors
/// Too many bidders or a failed solve.
pub fn brute_force_all_participant_sets(
    market: &ReallocationMarket,
) -> Result<Vec<(Vec<usize>, super::core::CoreClass)>, CoalitionError> {
    if market.n_bidders() > MAX_ALLOCATION_BIDDERS {
        return Err(ReallocationError::TooManyBidders {
            max: MAX_ALLOCATION_BIDDERS,
            got: market.n_bidders(),
        }
        .into());
    }
    let mut out = Vec::new();
    for x in 0..(1u64 << market.n_bidders()) {
        if x.count_ones() >= 2 {
            let sub = market.restrict(x)?;
            let (_, a) = super::core::analyse_vickrey(&sub)?;
            out.push((members(x), a.class));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::{dmatrix, dvector};

    fn example2() -> ReallocationMarket {
        let t = dvector![1.0, 1.0];
        ReallocationMarket::quadratic(
            dvector![1.0, 1.0],
            vec![
                (t.clone(), dmatrix![1.0, -0.5; -0.5, 1.0]),
                (t.clone(), dmatrix![0.5, 0.25; 0.25, 0.5]),
                (t, dmatrix![0.5, 0.25; 0.25, 0.5]),
            ],
        )
        .expect("ok")
    }

    #[test]
    fn example2_theorem2_holds() {
        let r = theorem2(&example2()).expect("ok");
        assert!(r.commuting && r.equal_marginal_utilities);
        assert!(r.bidder_core_guaranteed && r.core_guaranteed);
        assert_eq!(r.theorem1.expect("some").guarantee, Guarantee::Core);
    }

    #[test]
    fn theorem2_erratum_counterexample() {
        let m = ReallocationMarket::quadratic_scalar(1.0, &[(0.0, 1.0), (0.0, 1.0), (0.0, 1.0)])
            .expect("ok");
        let r = theorem2(&m).expect("ok");
        assert!(r.bidder_core_guaranteed);
        assert!(!r.core_guaranteed);
        // smallest over X is a pair: v(12) - 2(v(12) - v(1)) = -3/4; X = I gives -5/12
        assert!((r.min_revenue.1 + 0.75).abs() < 1e-12);
        let v = vickrey(&m).expect("ok");
        assert!((v.revenue + 5.0 / 12.0).abs() < 1e-12);
    }

    #[test]
    fn example2_goods_relations() {
        let m = example2();
        let rel: Vec<GoodsRelation> = m
            .bidders()
            .iter()
            .map(|b| goods_relation(&b.valuation.hessian(&DVector::zeros(2))).expect("ok"))
            .collect();
        assert_eq!(
            rel,
            vec![
                GoodsRelation::Complements,
                GoodsRelation::Substitutes,
                GoodsRelation::Substitutes
            ]
        );
    }
}
