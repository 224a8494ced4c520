//! The reallocative uniform-price auction (paper 002, Section 5,
//! Proposition 6, Corollary 2).
//!
//! Same bids, clearing and allocation as the Vickrey auction, but each
//! bidder pays \\(p^*\cdot q_i^*\\); revenue is \\(p^*\cdot\bar q\\). Truthful
//! bidding is not dominant. With quadratic valuations, a common \\(S\\) and
//! \\(n = |X| \ge 3\\), the ex-post equilibrium (Proposition 6) is
//! \\[ b_i^U(q) = \theta_i - \tfrac{n-1}{n-2} S q, \quad
//!     p^U = \tfrac1n\textstyle\sum_X\theta_\ell - \tfrac{n-1}{(n-2)n}S\bar q, \quad
//!     q_i^U = \tfrac1n\big(\bar q - \tfrac{n-2}{n-1}S^{-1}\sum_X(\theta_j-\theta_i)\big), \\]
//! (the extracted text drops the minus sign of the bid). The allocation is
//! inefficient unless all \\(\theta_i\\) are equal. Corollary 2: if
//! \\(\bar q\ge 0\\) and \\(\theta_i - S\bar q \ge 0\\) for all \\(i\\), revenue is \\(\ge 0\\).

use nalgebra::{DMatrix, DVector};
use serde::Serialize;

use super::ReallocationError;
use super::market::ReallocationMarket;
use super::vickrey::{AffineBid, AuctionOutcome, clear, residual_from};

/// Relative tolerance for "common S".
pub const COMMON_S_TOL: f64 = 1e-12;

/// The uniform-price auction on affine bids; values are measured with the
/// bids as valuations.
///
/// # Errors
/// Fewer than two bids or inconsistent sizes.
pub fn uniform_price_with_bids(
    bids: &[AffineBid],
    qbar: &DVector<f64>,
) -> Result<AuctionOutcome, ReallocationError> {
    let (p, q) = clear(bids, qbar)?;
    let payments = q.iter().map(|qi| p.dot(qi)).collect();
    Ok(super::vickrey::outcome_from(bids, p, q, payments))
}

/// The common \\(S\\) of a quadratic market.
///
/// # Errors
/// Non-quadratic valuations or different \\(S_i\\).
pub fn common_s(market: &ReallocationMarket) -> Result<DMatrix<f64>, ReallocationError> {
    let qs = market.quadratics().ok_or_else(|| {
        ReallocationError::Precondition(
            "uniform-price equilibrium needs quadratic valuations".into(),
        )
    })?;
    let s0 = qs[0].s().clone();
    for (i, q) in qs.iter().enumerate() {
        if (q.s() - &s0).amax() > COMMON_S_TOL * (1.0 + s0.amax()) {
            return Err(ReallocationError::Precondition(format!(
                "uniform-price equilibrium needs a common S, bidder {i} differs"
            )));
        }
    }
    Ok(s0)
}

/// Proposition 6's equilibrium and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UniformPriceEquilibrium {
    /// \\(n = |X|\\).
    pub n: usize,
    /// The bid slope factor \\((n-1)/(n-2)\\): \\(b_i^U(q) = \theta_i - \tfrac{n-1}{n-2}Sq\\).
    pub slope_factor: f64,
    /// The outcome under the equilibrium bids (values are true values).
    pub outcome: AuctionOutcome,
    /// \\(p^U\\) from the closed form.
    pub price_closed_form: Vec<f64>,
    /// \\(\pi_a^U\\) from the closed form.
    pub revenue_closed_form: f64,
    /// \\(v(X,\bar q) - \sum_i u_i(q_i^U)\\) (efficiency loss).
    pub efficiency_loss: f64,
    /// Corollary 2's precondition: \\(\bar q\ge0\\) and \\(\theta_i - S\bar q\ge0\\) for all \\(i\\).
    pub corollary2_precondition: bool,
}

/// The equilibrium bids of Proposition 6.
///
/// # Errors
/// As [`common_s`], or fewer than three bidders.
pub fn equilibrium_bids(market: &ReallocationMarket) -> Result<Vec<AffineBid>, ReallocationError> {
    let s = common_s(market)?;
    let n = market.n_bidders();
    if n < 3 {
        return Err(ReallocationError::InvalidParameter {
            param: "n_bidders".into(),
            rule: "must be >= 3 for the uniform-price equilibrium",
            value: n as f64,
        });
    }
    let f = (n as f64 - 1.0) / (n as f64 - 2.0);
    market
        .quadratics()
        .unwrap_or_default()
        .iter()
        .map(|q| AffineBid::new(q.theta().clone(), &s * f))
        .collect()
}

/// Proposition 6: the ex-post equilibrium of the uniform-price auction.
///
/// ```
/// use aftermarket::reallocation::{market::ReallocationMarket, uniform_price::uniform_price_equilibrium};
/// let m = ReallocationMarket::quadratic_scalar(1.0, &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)])?;
/// let e = uniform_price_equilibrium(&m)?;
/// assert!((e.outcome.revenue - 8.0 / 3.0).abs() < 1e-12);
/// assert!((e.outcome.allocation[2][0] + 1.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), aftermarket::reallocation::ReallocationError>(())
/// ```
///
/// # Errors
/// As [`equilibrium_bids`].
pub fn uniform_price_equilibrium(
    market: &ReallocationMarket,
) -> Result<UniformPriceEquilibrium, ReallocationError> {
    let bids = equilibrium_bids(market)?;
    let s = common_s(market)?;
    let n = market.n_bidders();
    let nf = n as f64;
    let qbar = market.qbar();
    let (p, q) = clear(&bids, qbar)?;
    let qs = market.quadratics().unwrap_or_default();
    let sum_theta = qs
        .iter()
        .fold(DVector::zeros(market.k()), |a, u| a + u.theta());
    let price_cf = &sum_theta / nf - &s * qbar * ((nf - 1.0) / ((nf - 2.0) * nf));
    let revenue_cf = (sum_theta.dot(qbar) - (nf - 1.0) / (nf - 2.0) * qbar.dot(&(&s * qbar))) / nf;
    let values: Vec<f64> = market
        .bidders()
        .iter()
        .zip(&q)
        .map(|(b, qi)| b.valuation.value(qi))
        .collect();
    let payments: Vec<f64> = q.iter().map(|qi| p.dot(qi)).collect();
    let surplus: f64 = values.iter().sum();
    let v = market.surplus(market.all(), qbar)?;
    let sq = &s * qbar;
    let cor2 = qbar.iter().all(|x| *x >= 0.0)
        && qs
            .iter()
            .all(|u| (u.theta() - &sq).iter().all(|x| *x >= 0.0));
    Ok(UniformPriceEquilibrium {
        n,
        slope_factor: (nf - 1.0) / (nf - 2.0),
        outcome: AuctionOutcome {
            price: p.iter().copied().collect(),
            allocation: q.iter().map(|x| x.iter().copied().collect()).collect(),
            payoffs: values.iter().zip(&payments).map(|(v, t)| v - t).collect(),
            values,
            revenue: payments.iter().sum(),
            payments,
            surplus,
        },
        price_closed_form: price_cf.iter().copied().collect(),
        revenue_closed_form: revenue_cf,
        efficiency_loss: v - surplus,
        corollary2_precondition: cor2,
    })
}

/// Bidder `i`'s best quantity in the uniform-price auction against the
/// others' affine `bids` (its own entry is ignored): it picks the point
/// \\(x\\) on its residual supply \\(r(x) = a + Gx\\) maximising
/// \\(u_i(x) - x\cdot r(x)\\), i.e. \\(x = (S_i + 2G)^{-1}(\theta_i - a)\\).
///
/// # Errors
/// Non-quadratic valuations, `i` out of range, inconsistent sizes.
pub fn uniform_price_best_response(
    market: &ReallocationMarket,
    i: usize,
    bids: &[AffineBid],
) -> Result<DVector<f64>, ReallocationError> {
    let qs = market.quadratics().ok_or_else(|| {
        ReallocationError::Precondition("best response needs quadratic valuations".into())
    })?;
    if i >= qs.len() || bids.len() != qs.len() {
        return Err(ReallocationError::InvalidParameter {
            param: "i".into(),
            rule: "must index a bidder, with one bid per bidder",
            value: i as f64,
        });
    }
    let others: Vec<usize> = (0..bids.len()).filter(|&j| j != i).collect();
    let (a, g) = residual_from(bids, &others, market.qbar(), market.k())?;
    let m = qs[i].s() + &g * 2.0;
    let rhs = qs[i].theta() - a;
    m.cholesky()
        .map(|c| c.solve(&rhs))
        .ok_or_else(|| ReallocationError::NotPositiveDefinite {
            param: "S_i + 2G".into(),
        })
}
