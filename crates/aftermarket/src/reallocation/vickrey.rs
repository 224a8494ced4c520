//! The reallocative Vickrey auction (paper 002, Proposition 1 and the
//! Appendix's formal description).
//!
//! Bidders submit inverse-demand schedules \\(b_i\\); the clearing price
//! solves \\(\sum_i b_i^{-1}(p) = \bar q\\) and bidder \\(i\\) pays the area under
//! its residual supply curve,
//! \\[ t_i^V = \int_0^{q_i^*} r_i(q, b_{-i}) \cdot dq, \qquad
//!     q + \textstyle\sum_{j \ne i} b_j^{-1}(r_i(q)) = \bar q . \\]
//! Truthful bidding \\(b_i = \nabla u_i\\) is weakly dominant and the outcome
//! is the VCG outcome: \\(\pi_i^V = v(X,\bar q) - v(X\setminus\{i\},\bar q)\\),
//! \\(\pi_a^V = v(X,\bar q) - \sum_i \pi_i^V\\), \\(t_i = u_i(q_i^e) - \pi_i^V\\).
//!
//! For affine bids \\(b_i(q) = c_i - B_i q\\) (\\(B_i\\) symmetric positive
//! definite) the residual supply is affine with a symmetric Jacobian, so the
//! line integral does not depend on the path:
//! \\(t_i = q_i'H_{-i}(\sum_{j\ne i}B_j^{-1}c_j - \bar q) + \tfrac12 q_i'H_{-i}q_i\\),
//! \\(H_{-i} = (\sum_{j \ne i} B_j^{-1})^{-1}\\).

use nalgebra::{DMatrix, DVector};
use serde::Serialize;

use super::ReallocationError;
use super::linalg::{check_finite_vec, check_spd, gauss_legendre_unit, spd_inverse, symmetrise};
use super::market::{Mask, ReallocationMarket, members};
use super::valuation::Quadratic;

/// The outcome of an auction of divisible goods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuctionOutcome {
    /// Clearing price \\(p^*\\).
    pub price: Vec<f64>,
    /// Each bidder's bundle \\(q_i^*\\).
    pub allocation: Vec<Vec<f64>>,
    /// Each bidder's value of its bundle \\(u_i(q_i^*)\\).
    pub values: Vec<f64>,
    /// Each bidder's payment \\(t_i\\) to the auctioneer.
    pub payments: Vec<f64>,
    /// Each bidder's payoff \\(u_i(q_i^*) - t_i\\).
    pub payoffs: Vec<f64>,
    /// The auctioneer's revenue \\(\sum_i t_i\\).
    pub revenue: f64,
    /// Total surplus \\(\sum_i u_i(q_i^*)\\).
    pub surplus: f64,
}

/// The truthful Vickrey (VCG) outcome with every bidder participating.
///
/// ```
/// use aftermarket::reallocation::{market::ReallocationMarket, vickrey::vickrey};
/// let m = ReallocationMarket::quadratic_scalar(1.0, &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)])?;
/// let v = vickrey(&m)?;
/// assert!((v.payments[2] + 13.0 / 4.0).abs() < 1e-12);
/// assert!((v.payoffs[0] - 0.75).abs() < 1e-12);
/// # Ok::<(), aftermarket::reallocation::ReallocationError>(())
/// ```
///
/// # Errors
/// A failed clearing-price solve (general valuations).
pub fn vickrey(market: &ReallocationMarket) -> Result<AuctionOutcome, ReallocationError> {
    let x = market.all();
    let e = market.efficient(x, market.qbar())?;
    let mut payoffs = Vec::new();
    let mut payments = Vec::new();
    let mut values = Vec::new();
    for (j, &i) in e.members.iter().enumerate() {
        let without = market.surplus(x & !(1 << i), market.qbar())?;
        let pi = e.surplus - without;
        let ui = market.bidders()[i].valuation.value(&e.quantities[j]);
        values.push(ui);
        payoffs.push(pi);
        payments.push(ui - pi);
    }
    Ok(AuctionOutcome {
        price: e
            .price
            .map(|p| p.iter().copied().collect())
            .unwrap_or_default(),
        allocation: e
            .quantities
            .iter()
            .map(|q| q.iter().copied().collect())
            .collect(),
        values,
        revenue: payments.iter().sum(),
        payments,
        payoffs,
        surplus: e.surplus,
    })
}

/// Vickrey payoffs \\(\pi_i^V(X)\\) and revenue \\(\pi_a^V(X)\\) for a
/// participant set `x`, read from a table of \\(v(\cdot, \bar q)\\).
///
/// # Panics
/// If `x` indexes beyond `table` (the table must have \\(2^n\\) entries and
/// `x` name bidders below \\(n\\)).
pub fn vickrey_from_table(table: &[f64], x: Mask) -> (Vec<f64>, f64) {
    let vx = table[x as usize];
    let pis: Vec<f64> = members(x)
        .into_iter()
        .map(|i| vx - table[(x & !(1 << i)) as usize])
        .collect();
    let rev = vx - pis.iter().sum::<f64>();
    (pis, rev)
}

/// An affine inverse-demand bid \\(b(q) = c - Bq\\), \\(B\\) symmetric positive definite.
#[derive(Debug, Clone, PartialEq)]
pub struct AffineBid {
    c: DVector<f64>,
    b: DMatrix<f64>,
    b_inv: DMatrix<f64>,
}

impl AffineBid {
    /// Builds \\(b(q) = c - Bq\\).
    ///
    /// # Errors
    /// Non-finite `c`, or `b` of the wrong size or not symmetric positive definite.
    pub fn new(c: DVector<f64>, b: DMatrix<f64>) -> Result<Self, ReallocationError> {
        check_finite_vec("c", &c)?;
        check_spd("B", &b, c.len())?;
        let b = symmetrise(&b);
        let b_inv = spd_inverse("B", &b)?;
        Ok(Self { c, b, b_inv })
    }
    /// The truthful bid \\(\nabla u\\) of a quadratic bidder.
    pub fn truthful(u: &Quadratic) -> Self {
        Self {
            c: u.theta().clone(),
            b: u.s().clone(),
            b_inv: u.s_inv().clone(),
        }
    }
    /// Intercept \\(c\\).
    pub fn c(&self) -> &DVector<f64> {
        &self.c
    }
    /// Slope \\(B\\).
    pub fn b(&self) -> &DMatrix<f64> {
        &self.b
    }
    /// The bid at \\(q\\).
    pub fn at(&self, q: &DVector<f64>) -> DVector<f64> {
        &self.c - &self.b * q
    }
    /// Demand at price \\(p\\): \\(b^{-1}(p) = B^{-1}(c - p)\\).
    pub fn inverse(&self, p: &DVector<f64>) -> DVector<f64> {
        &self.b_inv * (&self.c - p)
    }
}

/// Sums \\(\sum B_j^{-1}\\) and \\(\sum B_j^{-1}c_j\\) over `ids`.
fn sums(bids: &[AffineBid], ids: &[usize], k: usize) -> (DMatrix<f64>, DVector<f64>) {
    let mut a = DMatrix::zeros(k, k);
    let mut s = DVector::zeros(k);
    for &j in ids {
        a += &bids[j].b_inv;
        s += &bids[j].b_inv * &bids[j].c;
    }
    (a, s)
}

/// The residual supply of bidder `i` facing `bids` (all others) and supply
/// `supply`: \\(r_i(q) = a + Gq\\); returns \\((a, G)\\).
///
/// # Errors
/// `i` out of range, fewer than two bids, or inconsistent sizes.
pub fn residual_supply(
    bids: &[AffineBid],
    i: usize,
    supply: &DVector<f64>,
) -> Result<(DVector<f64>, DMatrix<f64>), ReallocationError> {
    let k = check_bids(bids, supply)?;
    if i >= bids.len() {
        return Err(ReallocationError::InvalidParameter {
            param: "i".into(),
            rule: "must index a bid",
            value: i as f64,
        });
    }
    let others: Vec<usize> = (0..bids.len()).filter(|&j| j != i).collect();
    residual_from(bids, &others, supply, k)
}

pub(crate) fn residual_from(
    bids: &[AffineBid],
    others: &[usize],
    supply: &DVector<f64>,
    k: usize,
) -> Result<(DVector<f64>, DMatrix<f64>), ReallocationError> {
    let (a, s) = sums(bids, others, k);
    let h = spd_inverse("sum of B_j^-1", &a)?;
    Ok((&h * (s - supply), h))
}

fn check_bids(bids: &[AffineBid], supply: &DVector<f64>) -> Result<usize, ReallocationError> {
    if bids.len() < 2 {
        return Err(ReallocationError::InvalidParameter {
            param: "bids".into(),
            rule: "must hold at least 2 bids",
            value: bids.len() as f64,
        });
    }
    let k = supply.len();
    check_finite_vec("qbar", supply)?;
    for (j, b) in bids.iter().enumerate() {
        if b.c.len() != k {
            return Err(ReallocationError::DimensionMismatch {
                param: format!("bids[{j}]"),
                expected: k,
                got: b.c.len(),
            });
        }
    }
    Ok(k)
}

/// Clearing price and allocation for affine bids: \\(\sum_i b_i^{-1}(p) = \bar q\\).
///
/// # Errors
/// Fewer than two bids or inconsistent sizes.
pub fn clear(
    bids: &[AffineBid],
    qbar: &DVector<f64>,
) -> Result<(DVector<f64>, Vec<DVector<f64>>), ReallocationError> {
    let k = check_bids(bids, qbar)?;
    let all: Vec<usize> = (0..bids.len()).collect();
    let (a, s) = sums(bids, &all, k);
    let h = spd_inverse("sum of B_j^-1", &a)?;
    let p = &h * (s - qbar);
    let q = bids.iter().map(|b| b.inverse(&p)).collect();
    Ok((p, q))
}

/// The straight-line integral \\(\int_0^{x} (a + Gq)\cdot dq = x'a + \tfrac12 x'Gx\\).
pub fn affine_line_integral(a: &DVector<f64>, g: &DMatrix<f64>, x: &DVector<f64>) -> f64 {
    x.dot(a) + 0.5 * x.dot(&(g * x))
}

/// The straight-line integral \\(\int_0^{x} r(q)\cdot dq\\) of any vector field,
/// by 8-point Gauss–Legendre quadrature (exact for polynomial fields of degree ≤ 14).
pub fn line_integral(r: &dyn Fn(&DVector<f64>) -> DVector<f64>, x: &DVector<f64>) -> f64 {
    gauss_legendre_unit()
        .iter()
        .map(|&(s, w)| w * r(&(x * s)).dot(x))
        .sum()
}

/// Bidder `i`'s Vickrey payment as the area under its residual supply
/// curve, for any (truthful, gradient) bids: \\(r_i(q) = \nabla_q
/// v(X\setminus\{i\}, \bar q - q)\\), the clearing price of the others facing
/// \\(\bar q - q\\), integrated along the straight line from 0 to
/// \\(q_i^e\\) with `panels` composite 8-point Gauss–Legendre panels.
/// Equals the VCG payment (Proposition 1).
///
/// ```
/// use aftermarket::reallocation::{market::ReallocationMarket, vickrey::{vickrey, residual_supply_payment}};
/// let m = ReallocationMarket::quadratic_scalar(1.0, &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)])?;
/// assert!((residual_supply_payment(&m, 2, 1)? + 13.0 / 4.0).abs() < 1e-12);
/// # Ok::<(), aftermarket::reallocation::ReallocationError>(())
/// ```
///
/// # Errors
/// `i` out of range, `panels == 0`, or a failed clearing-price solve.
pub fn residual_supply_payment(
    market: &ReallocationMarket,
    i: usize,
    panels: usize,
) -> Result<f64, ReallocationError> {
    if i >= market.n_bidders() || panels == 0 {
        return Err(ReallocationError::InvalidParameter {
            param: "i/panels".into(),
            rule: "i must index a bidder and panels must be >= 1",
            value: i as f64,
        });
    }
    let all = market.all();
    let e = market.efficient(all, market.qbar())?;
    let pos = e.members.iter().position(|&j| j == i).unwrap_or(0);
    let qi = e.quantities[pos].clone();
    let others = all & !(1 << i);
    let mut total = 0.0;
    let h = 1.0 / panels as f64;
    for p in 0..panels {
        for &(s, w) in gauss_legendre_unit().iter() {
            let t = (p as f64 + s) * h;
            let q = &qi * t;
            let r = market
                .efficient(others, &(market.qbar() - &q))?
                .price
                .unwrap_or_else(|| DVector::zeros(market.k()));
            total += w * h * r.dot(&qi);
        }
    }
    Ok(total)
}

/// The reallocative Vickrey auction run on submitted affine bids: clearing,
/// allocation, and payments as areas under the residual supply curves.
/// `values` and `payoffs` are measured with the bids as if they were true
/// valuations (\\(u_i(q) = c_i'q - \tfrac12 q'B_iq\\)).
///
/// ```
/// use aftermarket::reallocation::vickrey::{AffineBid, vickrey_with_bids};
/// use nalgebra::{dvector, dmatrix};
/// let bids: Vec<_> = [4.0, 4.0, 2.0].iter()
///     .map(|&t| AffineBid::new(dvector![t], dmatrix![1.0])).collect::<Result<_, _>>()?;
/// let o = vickrey_with_bids(&bids, &dvector![1.0])?;
/// assert!((o.payments[0] - 11.0 / 4.0).abs() < 1e-12);
/// # Ok::<(), aftermarket::reallocation::ReallocationError>(())
/// ```
///
/// # Errors
/// Fewer than two bids or inconsistent sizes.
pub fn vickrey_with_bids(
    bids: &[AffineBid],
    qbar: &DVector<f64>,
) -> Result<AuctionOutcome, ReallocationError> {
    let k = check_bids(bids, qbar)?;
    let (p, q) = clear(bids, qbar)?;
    let mut payments = Vec::new();
    for (i, qi) in q.iter().enumerate() {
        let others: Vec<usize> = (0..bids.len()).filter(|&j| j != i).collect();
        let (a, g) = residual_from(bids, &others, qbar, k)?;
        payments.push(affine_line_integral(&a, &g, qi));
    }
    Ok(outcome_from(bids, p, q, payments))
}

pub(crate) fn outcome_from(
    bids: &[AffineBid],
    p: DVector<f64>,
    q: Vec<DVector<f64>>,
    payments: Vec<f64>,
) -> AuctionOutcome {
    let values: Vec<f64> = bids
        .iter()
        .zip(&q)
        .map(|(b, qi)| b.c.dot(qi) - 0.5 * qi.dot(&(&b.b * qi)))
        .collect();
    let payoffs = values.iter().zip(&payments).map(|(v, t)| v - t).collect();
    AuctionOutcome {
        price: p.iter().copied().collect(),
        allocation: q.iter().map(|x| x.iter().copied().collect()).collect(),
        surplus: values.iter().sum(),
        values,
        revenue: payments.iter().sum(),
        payments,
        payoffs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::dvector;

    #[test]
    fn example1_residual_supply_integrals() {
        let m = ReallocationMarket::quadratic_scalar(1.0, &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)])
            .expect("ok");
        let bids: Vec<AffineBid> = m
            .quadratics()
            .expect("ok")
            .into_iter()
            .map(AffineBid::truthful)
            .collect();
        let (a, g) = residual_supply(&bids, 0, m.qbar()).expect("ok");
        // r_1(q) = (5 + q)/2
        assert!((a[0] - 2.5).abs() < 1e-12 && (g[(0, 0)] - 0.5).abs() < 1e-12);
        let t3 = line_integral(
            &|q: &DVector<f64>| {
                let (a, g) = residual_supply(&bids, 2, m.qbar()).expect("ok");
                a + g * q
            },
            &dvector![-1.0],
        );
        assert!((t3 + 13.0 / 4.0).abs() < 1e-12);
    }

    #[test]
    fn too_few_bids_is_an_error() {
        let b = AffineBid::new(dvector![1.0], nalgebra::dmatrix![1.0]).expect("ok");
        let e = clear(&[b], &dvector![1.0]).expect_err("must fail");
        assert_eq!(e.to_string(), "bids must hold at least 2 bids, got 1");
    }
}
