//! The reallocation market: bidders, supply, surplus and the efficient
//! allocation of any coalition (paper 002, eq. (1)–(2) and Lemma 3).
//!
//! For a coalition \\(Z\\) and a quantity \\(q\\),
//! \\[ v(Z, q) = \max_{\{q_i\}} \sum_{i \in Z} u_i(q_i) \ \text{s.t.}\ \sum_{i\in Z} q_i = q, \\]
//! with \\(v(\emptyset, q) = 0\\). At the optimum every member's marginal
//! utility equals the clearing price \\(p = \nabla_q v(Z, q)\\). For quadratic
//! valuations (Lemma 3), with \\(H(Z) = (\sum_Z S_j^{-1})^{-1}\\),
//! \\[ v(Z,q) = \tfrac12\sum_Z \theta_i'S_i^{-1}\theta_i - \tfrac12 (\textstyle\sum_Z S_i^{-1}\theta_i - q)'H(Z)(\sum_Z S_i^{-1}\theta_i - q), \\]
//! \\( p = H(Z)(\sum_Z S_i^{-1}\theta_i - q)\\) and \\(q_i = S_i^{-1}(\theta_i - p)\\).
//! Otherwise the price minimises the convex dual
//! \\(\sum_Z \Pi_i(p) + p\cdot q\\), \\(\Pi_i(p) = \max_x u_i(x) - p\cdot x\\), by
//! damped Newton.
//!
//! Coalitions are bit masks over bidder indices (bit \\(i\\) = bidder \\(i\\)).

use std::sync::Arc;

use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;

use super::ReallocationError;
use super::linalg::{check_finite_vec, chol_solve_in_place, symmetrise};
use super::valuation::{ConcaveValuation, Quadratic};

/// Relative gradient norm at which the clearing-price Newton solve stops.
pub const PRICE_TOL: f64 = 1e-12;
/// Iteration cap of the clearing-price Newton solve.
pub const PRICE_MAX_ITERS: usize = 200;
/// The most bidders for which whole tables of coalition values are built.
pub const MAX_TABLE_BIDDERS: usize = 26;

/// A coalition of bidders as a bit mask.
pub type Mask = u64;

/// Bidder indices of a mask, in increasing order.
pub fn members(mask: Mask) -> Vec<usize> {
    (0..64).filter(|i| mask >> i & 1 == 1).collect()
}

/// The mask of a list of bidder indices.
pub fn mask_of(ids: &[usize]) -> Mask {
    ids.iter().fold(0, |m, &i| m | (1 << i))
}

/// One bidder: a name and a valuation.
#[derive(Debug, Clone)]
pub struct Bidder {
    /// Display name.
    pub name: String,
    /// Reduced-form valuation \\(u_i\\).
    pub valuation: Arc<dyn ConcaveValuation>,
}

impl Bidder {
    /// A bidder with a quadratic valuation.
    pub fn quadratic(name: impl Into<String>, u: Quadratic) -> Self {
        Self {
            name: name.into(),
            valuation: Arc::new(u),
        }
    }
}

/// The efficient allocation of a coalition.
#[derive(Debug, Clone, PartialEq)]
pub struct EfficientAllocation {
    /// Members of the coalition, increasing.
    pub members: Vec<usize>,
    /// Each member's bundle, in the order of `members`.
    pub quantities: Vec<DVector<f64>>,
    /// Clearing price \\(p = \nabla_q v(Z, q)\\) (`None` for the empty coalition).
    pub price: Option<DVector<f64>>,
    /// Surplus \\(v(Z, q)\\).
    pub surplus: f64,
}

/// A checked reallocation market: \\(K\\) goods, the auctioneer's supply
/// \\(\bar q\\) and the potential bidders \\(I\\).
///
/// ```
/// use aftermarket::reallocation::market::{ReallocationMarket, mask_of};
/// let m = ReallocationMarket::quadratic_scalar(1.0, &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)])?;
/// assert!((m.surplus(mask_of(&[0, 1, 2]), m.qbar())? - 4.5).abs() < 1e-12);
/// # Ok::<(), aftermarket::reallocation::ReallocationError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReallocationMarket {
    k: usize,
    qbar: DVector<f64>,
    bidders: Vec<Bidder>,
    quad: Option<Vec<QuadParts>>,
}

#[derive(Debug, Clone)]
struct QuadParts {
    s_inv: DMatrix<f64>,
    s_inv_theta: DVector<f64>,
    /// \\(\theta'S^{-1}\theta + 2c\\)
    c2: f64,
}

impl ReallocationMarket {
    /// A market from bidders and the auctioneer's supply.
    ///
    /// # Errors
    /// Fewer than two bidders, more than 64, non-finite `qbar`, or a
    /// valuation whose dimension differs from `qbar`'s.
    pub fn new(qbar: DVector<f64>, bidders: Vec<Bidder>) -> Result<Self, ReallocationError> {
        let k = qbar.len();
        if k == 0 {
            return Err(ReallocationError::DimensionMismatch {
                param: "qbar".into(),
                expected: 1,
                got: 0,
            });
        }
        check_finite_vec("qbar", &qbar)?;
        if bidders.len() < 2 || bidders.len() > 64 {
            return Err(ReallocationError::InvalidParameter {
                param: "n_bidders".into(),
                rule: "must be between 2 and 64",
                value: bidders.len() as f64,
            });
        }
        for (i, b) in bidders.iter().enumerate() {
            if b.valuation.dim() != k {
                return Err(ReallocationError::DimensionMismatch {
                    param: format!("bidders[{i}].valuation"),
                    expected: k,
                    got: b.valuation.dim(),
                });
            }
        }
        let quad = bidders
            .iter()
            .map(|b| {
                b.valuation.as_quadratic().map(|q| QuadParts {
                    s_inv: q.s_inv().clone(),
                    s_inv_theta: q.s_inv() * q.theta(),
                    c2: q.theta().dot(&(q.s_inv() * q.theta())) + 2.0 * q.offset(),
                })
            })
            .collect::<Option<Vec<_>>>();
        Ok(Self {
            k,
            qbar,
            bidders,
            quad,
        })
    }

    /// A market of quadratic bidders \\((\theta_i, S_i)\\), named `1`, `2`, ….
    ///
    /// # Errors
    /// As [`Quadratic::new`] and [`ReallocationMarket::new`].
    pub fn quadratic(
        qbar: DVector<f64>,
        bidders: Vec<(DVector<f64>, DMatrix<f64>)>,
    ) -> Result<Self, ReallocationError> {
        let bs = bidders
            .into_iter()
            .enumerate()
            .map(|(i, (t, s))| {
                Ok(Bidder::quadratic(
                    format!("{}", i + 1),
                    Quadratic::new(t, s)?,
                ))
            })
            .collect::<Result<Vec<_>, ReallocationError>>()?;
        Self::new(qbar, bs)
    }

    /// A one-good market with bidders \\(u_i(q) = \theta_i q - \tfrac12 s_i q^2\\)
    /// given as `(theta, s)` pairs.
    ///
    /// # Errors
    /// As [`ReallocationMarket::quadratic`].
    pub fn quadratic_scalar(qbar: f64, bidders: &[(f64, f64)]) -> Result<Self, ReallocationError> {
        Self::quadratic(
            DVector::from_element(1, qbar),
            bidders
                .iter()
                .map(|&(t, s)| (DVector::from_element(1, t), DMatrix::from_element(1, 1, s)))
                .collect(),
        )
    }

    /// Number of goods \\(K\\).
    pub fn k(&self) -> usize {
        self.k
    }
    /// The auctioneer's supply \\(\bar q\\).
    pub fn qbar(&self) -> &DVector<f64> {
        &self.qbar
    }
    /// Number of potential bidders \\(|I|\\).
    pub fn n_bidders(&self) -> usize {
        self.bidders.len()
    }
    /// The bidders.
    pub fn bidders(&self) -> &[Bidder] {
        &self.bidders
    }
    /// The mask of all bidders.
    pub fn all(&self) -> Mask {
        if self.bidders.len() == 64 {
            u64::MAX
        } else {
            (1u64 << self.bidders.len()) - 1
        }
    }
    /// The quadratic forms of all bidders, when every valuation is quadratic.
    pub fn quadratics(&self) -> Option<Vec<&Quadratic>> {
        self.bidders
            .iter()
            .map(|b| b.valuation.as_quadratic())
            .collect()
    }

    /// The same bidders with another supply.
    ///
    /// # Errors
    /// A `qbar` of the wrong size or non-finite.
    pub fn with_qbar(&self, qbar: DVector<f64>) -> Result<Self, ReallocationError> {
        if qbar.len() != self.k {
            return Err(ReallocationError::DimensionMismatch {
                param: "qbar".into(),
                expected: self.k,
                got: qbar.len(),
            });
        }
        check_finite_vec("qbar", &qbar)?;
        let mut m = self.clone();
        m.qbar = qbar;
        Ok(m)
    }

    /// The market with only the bidders in `participants` (renumbered in
    /// increasing order).
    ///
    /// # Errors
    /// Fewer than two participants.
    pub fn restrict(&self, participants: Mask) -> Result<Self, ReallocationError> {
        let bs = members(participants)
            .into_iter()
            .filter(|&i| i < self.bidders.len())
            .map(|i| self.bidders[i].clone())
            .collect();
        Self::new(self.qbar.clone(), bs)
    }

    fn check_mask(&self, z: Mask) -> Result<(), ReallocationError> {
        if z & !self.all() != 0 {
            return Err(ReallocationError::InvalidParameter {
                param: "coalition".into(),
                rule: "must name only existing bidders",
                value: z as f64,
            });
        }
        Ok(())
    }

    fn check_q(&self, q: &DVector<f64>) -> Result<(), ReallocationError> {
        if q.len() != self.k {
            return Err(ReallocationError::DimensionMismatch {
                param: "q".into(),
                expected: self.k,
                got: q.len(),
            });
        }
        check_finite_vec("q", q)
    }

    /// The surplus \\(v(Z, q)\\) (0 for the empty coalition).
    ///
    /// # Errors
    /// A coalition naming unknown bidders, a bad `q`, or (general
    /// valuations) a clearing-price solve that does not converge.
    pub fn surplus(&self, z: Mask, q: &DVector<f64>) -> Result<f64, ReallocationError> {
        self.check_mask(z)?;
        self.check_q(q)?;
        if z == 0 {
            return Ok(0.0);
        }
        if let Some(parts) = &self.quad {
            return Ok(quad_surplus(parts, z, q, self.k));
        }
        Ok(self.efficient(z, q)?.surplus)
    }

    /// The efficient allocation, clearing price and surplus of coalition `z`
    /// facing quantity `q`.
    ///
    /// # Errors
    /// As [`ReallocationMarket::surplus`].
    pub fn efficient(
        &self,
        z: Mask,
        q: &DVector<f64>,
    ) -> Result<EfficientAllocation, ReallocationError> {
        self.check_mask(z)?;
        self.check_q(q)?;
        let ids = members(z);
        if ids.is_empty() {
            return Ok(EfficientAllocation {
                members: ids,
                quantities: vec![],
                price: None,
                surplus: 0.0,
            });
        }
        if let Some(parts) = &self.quad {
            let mut a = DMatrix::zeros(self.k, self.k);
            let mut b = DVector::zeros(self.k);
            for &i in &ids {
                a += &parts[i].s_inv;
                b += &parts[i].s_inv_theta;
            }
            let h = symmetrise(
                &a.cholesky()
                    .ok_or_else(|| ReallocationError::NotPositiveDefinite {
                        param: "sum of S_i^-1".into(),
                    })?
                    .inverse(),
            );
            let p = &h * (b - q);
            let mut quantities = Vec::with_capacity(ids.len());
            let mut surplus = 0.0;
            for &i in &ids {
                let u = &self.bidders[i].valuation;
                let qi = &parts[i].s_inv_theta - &parts[i].s_inv * &p;
                surplus += u.value(&qi);
                quantities.push(qi);
            }
            return Ok(EfficientAllocation {
                members: ids,
                quantities,
                price: Some(p),
                surplus,
            });
        }
        self.efficient_newton(&ids, q)
    }

    fn efficient_newton(
        &self,
        ids: &[usize],
        q: &DVector<f64>,
    ) -> Result<EfficientAllocation, ReallocationError> {
        let k = self.k;
        if ids.len() == 1 {
            let u = &self.bidders[ids[0]].valuation;
            return Ok(EfficientAllocation {
                members: ids.to_vec(),
                quantities: vec![q.clone()],
                price: Some(u.gradient(q)),
                surplus: u.value(q),
            });
        }
        let vals: Vec<&Arc<dyn ConcaveValuation>> =
            ids.iter().map(|&i| &self.bidders[i].valuation).collect();
        // start: average marginal utility at an equal split
        let share = q / ids.len() as f64;
        let mut p = vals
            .iter()
            .fold(DVector::zeros(k), |acc, u| acc + u.gradient(&share))
            / ids.len() as f64;
        let mut demands: Vec<DVector<f64>> = vec![share.clone(); ids.len()];
        let dual =
            |p: &DVector<f64>, ds: &mut Vec<DVector<f64>>| -> Result<f64, ReallocationError> {
                let mut l = p.dot(q);
                for (j, u) in vals.iter().enumerate() {
                    let d = super::valuation::newton_demand(u.as_ref(), p, &ds[j])
                        .or_else(|_| u.demand(p))?;
                    l += u.value(&d) - p.dot(&d);
                    ds[j] = d;
                }
                Ok(l)
            };
        let mut l = dual(&p, &mut demands)?;
        let mut res = f64::INFINITY;
        for _ in 0..PRICE_MAX_ITERS {
            let total = demands.iter().fold(DVector::zeros(k), |a, d| a + d);
            let g = q - &total;
            res = g.norm();
            if res <= PRICE_TOL * (1.0 + q.norm() + total.norm()) {
                break;
            }
            let mut h = DMatrix::zeros(k, k);
            for (j, u) in vals.iter().enumerate() {
                let neg = -symmetrise(&u.hessian(&demands[j]));
                let inv = neg.cholesky().map(|c| c.inverse()).ok_or_else(|| {
                    ReallocationError::NotPositiveDefinite {
                        param: format!("-hessian of bidder {}", ids[j]),
                    }
                })?;
                h += inv;
            }
            let step = match h.cholesky() {
                Some(c) => c.solve(&g),
                None => g.clone(),
            };
            let mut t = 1.0;
            let mut moved = false;
            for _ in 0..60 {
                let cand = &p - &step * t;
                let mut ds = demands.clone();
                if let Ok(lc) = dual(&cand, &mut ds) {
                    if lc <= l + 1e-14 * l.abs().max(1.0) {
                        p = cand;
                        l = lc;
                        demands = ds;
                        moved = true;
                        break;
                    }
                }
                t *= 0.5;
            }
            if !moved {
                break;
            }
        }
        let total = demands.iter().fold(DVector::zeros(k), |a, d| a + d);
        let resid = (q - &total).norm();
        if resid > 1e-8 * (1.0 + q.norm() + total.norm()) {
            return Err(ReallocationError::NoConvergence {
                what: "clearing price",
                iters: PRICE_MAX_ITERS,
                residual: res.min(resid),
            });
        }
        let surplus = vals.iter().zip(&demands).map(|(u, d)| u.value(d)).sum();
        Ok(EfficientAllocation {
            members: ids.to_vec(),
            quantities: demands,
            price: Some(p),
            surplus,
        })
    }

    /// \\(v(Z, q)\\) for every coalition \\(Z \subseteq I\\), indexed by mask.
    ///
    /// Quadratic markets reuse coalition sums \\(\sum_Z S_i^{-1}\\),
    /// \\(\sum_Z S_i^{-1}\theta_i\\) from two half tables, so each entry costs
    /// one \\(K\times K\\) Cholesky solve; the work is spread over threads.
    ///
    /// # Errors
    /// More than [`MAX_TABLE_BIDDERS`] bidders, a bad `q`, or a failed solve.
    pub fn surplus_table(&self, q: &DVector<f64>) -> Result<Vec<f64>, ReallocationError> {
        let n = self.n_bidders();
        if n > MAX_TABLE_BIDDERS {
            return Err(ReallocationError::TooManyBidders {
                max: MAX_TABLE_BIDDERS,
                got: n,
            });
        }
        self.check_q(q)?;
        let size = 1usize << n;
        match &self.quad {
            Some(parts) => Ok(quad_table(parts, q, self.k, n)),
            None => {
                let out: Result<Vec<f64>, ReallocationError> = (0..size)
                    .into_par_iter()
                    .map(|z| self.surplus(z as Mask, q))
                    .collect();
                out
            }
        }
    }
}

fn quad_surplus(parts: &[QuadParts], z: Mask, q: &DVector<f64>, k: usize) -> f64 {
    let mut a = vec![0.0; k * k];
    let mut b = vec![0.0; k];
    let mut c2 = 0.0;
    for i in members(z) {
        let p = &parts[i];
        for r in 0..k {
            for cc in 0..k {
                a[r * k + cc] += p.s_inv[(r, cc)];
            }
            b[r] += p.s_inv_theta[r];
        }
        c2 += p.c2;
    }
    finish_quad(&mut a, &mut b, c2, q.as_slice(), k)
}

#[inline]
fn finish_quad(a: &mut [f64], b: &mut [f64], c2: f64, q: &[f64], k: usize) -> f64 {
    for r in 0..k {
        b[r] -= q[r];
    }
    let d: Vec<f64> = b.to_vec();
    if !chol_solve_in_place(a, b, k) {
        return f64::NAN;
    }
    let quad: f64 = d.iter().zip(b.iter()).map(|(x, y)| x * y).sum();
    0.5 * c2 - 0.5 * quad
}

struct HalfTable {
    a: Vec<f64>,
    b: Vec<f64>,
    c2: Vec<f64>,
}

fn half_table(parts: &[QuadParts], offset: usize, count: usize, k: usize) -> HalfTable {
    let size = 1usize << count;
    let mut t = HalfTable {
        a: vec![0.0; size * k * k],
        b: vec![0.0; size * k],
        c2: vec![0.0; size],
    };
    for m in 1..size {
        let low = m.trailing_zeros() as usize;
        let prev = m & (m - 1);
        let p = &parts[offset + low];
        for r in 0..k {
            for c in 0..k {
                t.a[m * k * k + r * k + c] = t.a[prev * k * k + r * k + c] + p.s_inv[(r, c)];
            }
            t.b[m * k + r] = t.b[prev * k + r] + p.s_inv_theta[r];
        }
        t.c2[m] = t.c2[prev] + p.c2;
    }
    t
}

#[allow(clippy::needless_range_loop)]
fn quad_table(parts: &[QuadParts], q: &DVector<f64>, k: usize, n: usize) -> Vec<f64> {
    let n_lo = n / 2;
    let n_hi = n - n_lo;
    let lo = half_table(parts, 0, n_lo, k);
    let hi = half_table(parts, n_lo, n_hi, k);
    let size = 1usize << n;
    let mut out = vec![0.0; size];
    let qs = q.as_slice();
    let chunk = (1usize << n_lo).max(1);
    out.par_chunks_mut(chunk)
        .enumerate()
        .for_each(|(h, slice)| {
            let mut a = vec![0.0; k * k];
            let mut b = vec![0.0; k];
            for (l, slot) in slice.iter_mut().enumerate() {
                if h == 0 && l == 0 {
                    *slot = 0.0;
                    continue;
                }
                for x in 0..k * k {
                    a[x] = lo.a[l * k * k + x] + hi.a[h * k * k + x];
                }
                for x in 0..k {
                    b[x] = lo.b[l * k + x] + hi.b[h * k + x];
                }
                *slot = finish_quad(&mut a, &mut b, lo.c2[l] + hi.c2[h], qs, k);
            }
        });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reallocation::valuation::FnValuation;
    use nalgebra::{dmatrix, dvector};

    fn example1() -> ReallocationMarket {
        ReallocationMarket::quadratic_scalar(1.0, &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)])
            .expect("ok")
    }

    #[test]
    fn example1_surplus_table_matches_digest() {
        let m = example1();
        let t = m.surplus_table(m.qbar()).expect("ok");
        let want = [0.0, 3.5, 3.5, 3.75, 1.5, 3.75, 3.75, 4.5];
        for (a, b) in t.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
        let t0 = m.surplus_table(&dvector![0.0]).expect("ok");
        assert!((t0[7] - 4.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn newton_matches_closed_form() {
        let m = ReallocationMarket::quadratic(
            dvector![1.0, -0.5],
            vec![
                (dvector![1.0, 2.0], dmatrix![2.0, 0.3; 0.3, 1.0]),
                (dvector![0.0, 1.0], dmatrix![1.0, -0.2; -0.2, 3.0]),
                (dvector![2.0, -1.0], dmatrix![0.5, 0.1; 0.1, 0.7]),
            ],
        )
        .expect("ok");
        let general: Vec<Bidder> = m
            .bidders()
            .iter()
            .map(|b| {
                let q = b.valuation.as_quadratic().expect("ok").clone();
                let (q1, q2, q3) = (q.clone(), q.clone(), q);
                Bidder {
                    name: b.name.clone(),
                    valuation: Arc::new(
                        FnValuation::new(
                            2,
                            Arc::new(move |x| q1.value(x)),
                            Arc::new(move |x| q2.gradient(x)),
                            Arc::new(move |x| q3.hessian(x)),
                        )
                        .expect("ok"),
                    ),
                }
            })
            .collect();
        let g = ReallocationMarket::new(m.qbar().clone(), general).expect("ok");
        for z in 1..8u64 {
            let a = m.efficient(z, m.qbar()).expect("ok");
            let b = g.efficient(z, g.qbar()).expect("ok");
            assert!((a.surplus - b.surplus).abs() < 1e-10);
            assert!((a.price.expect("ok") - b.price.expect("ok")).norm() < 1e-9);
        }
    }

    #[test]
    fn autotraits() {
        fn is<T: Send + Sync>() {}
        is::<ReallocationMarket>();
        is::<EfficientAllocation>();
    }

    #[test]
    fn too_few_bidders_is_an_error() {
        let e = ReallocationMarket::quadratic_scalar(1.0, &[(1.0, 1.0)]).expect_err("must fail");
        assert_eq!(e.to_string(), "n_bidders must be between 2 and 64, got 1");
    }
}
