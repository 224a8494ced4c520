//! Split (forward + reverse) auctions (paper 002, Section 6.2, Proposition 8).
//!
//! A forward auction sells \\(\bar q_+\\) to \\(X_+\\), a reverse auction buys
//! \\(-\bar q_-\\) from \\(X_- = X\setminus X_+\\), and the clearing rule picks
//! \\(\bar q_+ + \bar q_- = \bar q\\) so that both clearing prices are equal.
//! Both then equal the joint clearing price, every bidder gets its joint
//! bundle, and a split uniform-price auction is outcome-equivalent to the
//! joint one. The split Vickrey payment integrates the residual supply *of
//! the bidder's own side*, with \\(\bar q_\pm\\) held at its realised value:
//! for affine bids and a bidder obtaining \\(x\\) at joint price
//! \\(p(x) = a + Jx\\), it is \\(x\cdot p(x) - \tfrac12 x'Gx\\) with
//! \\(G = (\sum_{j\in X_\pm\setminus i}B_j^{-1})^{-1}\\). It differs from the
//! Vickrey payment, so truthful bidding is not dominant (Proposition 8):
//! with quadratic valuations a deviating bidder effectively chooses \\(x\\) and
//! gets \\(u_i(x) - x\cdot p(x) + \tfrac12x'Gx\\), maximised at
//! \\(x = (S_i + 2J - G)^{-1}(\theta_i - a)\\).

use nalgebra::DVector;
use serde::Serialize;

use super::ReallocationError;
use super::market::ReallocationMarket;
use super::vickrey::{AffineBid, affine_line_integral, clear, residual_from};

/// Relative tolerance for a deviation gain to count as profitable.
pub const DEVIATION_TOL: f64 = 1e-10;

/// The outcome of a split auction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SplitOutcome {
    /// \\(X_+\\).
    pub forward: Vec<usize>,
    /// \\(X_-\\).
    pub reverse: Vec<usize>,
    /// \\(\bar q_+\\).
    pub qbar_forward: Vec<f64>,
    /// \\(\bar q_-\\).
    pub qbar_reverse: Vec<f64>,
    /// The common clearing price (equal to the joint one).
    pub price: Vec<f64>,
    /// Bundles (equal to the joint ones).
    pub allocation: Vec<Vec<f64>>,
    /// Uniform-price payments \\(p\cdot q_i\\).
    pub uniform_payments: Vec<f64>,
    /// Split-Vickrey payments.
    pub split_vickrey_payments: Vec<f64>,
    /// Joint Vickrey payments for the same bids.
    pub vickrey_payments: Vec<f64>,
}

fn sides(n: usize, forward: &[usize]) -> Result<(Vec<usize>, Vec<usize>), ReallocationError> {
    let mut fwd = vec![false; n];
    for &i in forward {
        if i >= n {
            return Err(ReallocationError::InvalidParameter {
                param: "forward".into(),
                rule: "must name existing bidders",
                value: i as f64,
            });
        }
        fwd[i] = true;
    }
    let f: Vec<usize> = (0..n).filter(|&i| fwd[i]).collect();
    let r: Vec<usize> = (0..n).filter(|&i| !fwd[i]).collect();
    if f.len() < 2 || r.len() < 2 {
        return Err(ReallocationError::InvalidParameter {
            param: "forward".into(),
            rule: "must leave at least 2 bidders on each side",
            value: f.len() as f64,
        });
    }
    Ok((f, r))
}

/// Runs the split auction on affine bids.
///
/// # Errors
/// Fewer than two bidders on a side, inconsistent sizes.
pub fn split_auction(
    bids: &[AffineBid],
    forward: &[usize],
    qbar: &DVector<f64>,
) -> Result<SplitOutcome, ReallocationError> {
    let (f, r) = sides(bids.len(), forward)?;
    let k = qbar.len();
    let (p, q) = clear(bids, qbar)?;
    let side_sum = |s: &[usize]| s.iter().fold(DVector::zeros(k), |a, &i| a + &q[i]);
    let q_plus = side_sum(&f);
    let q_minus = side_sum(&r);
    let mut split = vec![0.0; bids.len()];
    let mut joint = vec![0.0; bids.len()];
    for (side, supply) in [(&f, &q_plus), (&r, &q_minus)] {
        for &i in side.iter() {
            let others: Vec<usize> = side.iter().copied().filter(|&j| j != i).collect();
            let (a, g) = residual_from(bids, &others, supply, k)?;
            split[i] = affine_line_integral(&a, &g, &q[i]);
            let all: Vec<usize> = (0..bids.len()).filter(|&j| j != i).collect();
            let (a, g) = residual_from(bids, &all, qbar, k)?;
            joint[i] = affine_line_integral(&a, &g, &q[i]);
        }
    }
    Ok(SplitOutcome {
        forward: f,
        reverse: r,
        qbar_forward: q_plus.iter().copied().collect(),
        qbar_reverse: q_minus.iter().copied().collect(),
        price: p.iter().copied().collect(),
        uniform_payments: q.iter().map(|x| p.dot(x)).collect(),
        allocation: q.iter().map(|x| x.iter().copied().collect()).collect(),
        split_vickrey_payments: split,
        vickrey_payments: joint,
    })
}

/// A bidder's best deviation in the split Vickrey auction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SplitDeviation {
    /// The bidder.
    pub bidder: usize,
    /// Its truthful bundle.
    pub truthful_quantity: Vec<f64>,
    /// Its truthful payoff.
    pub truthful_payoff: f64,
    /// The payoff-maximising bundle (None when unbounded).
    pub best_quantity: Option<Vec<f64>>,
    /// The best payoff (`inf` when unbounded).
    pub best_payoff: f64,
    /// Truthful bidding is not a best response.
    pub profitable: bool,
}

/// Proposition 8: each bidder's best deviation in the split Vickrey auction
/// when the others bid truthfully (quadratic valuations).
///
/// ```
/// use aftermarket::reallocation::{market::ReallocationMarket, split::split_vickrey_deviations};
/// let m = ReallocationMarket::quadratic_scalar(0.0, &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0), (2.0, 1.0)])?;
/// let d = split_vickrey_deviations(&m, &[0, 1])?;
/// assert!((d[0].best_payoff - 4.0 / 3.0).abs() < 1e-12 && (d[0].truthful_payoff - 1.0).abs() < 1e-12);
/// # Ok::<(), aftermarket::reallocation::ReallocationError>(())
/// ```
///
/// # Errors
/// Non-quadratic valuations or sides with fewer than two bidders.
pub fn split_vickrey_deviations(
    market: &ReallocationMarket,
    forward: &[usize],
) -> Result<Vec<SplitDeviation>, ReallocationError> {
    let qs = market.quadratics().ok_or_else(|| {
        ReallocationError::Precondition("split deviations need quadratic valuations".into())
    })?;
    let bids: Vec<AffineBid> = qs.iter().map(|q| AffineBid::truthful(q)).collect();
    let out = split_auction(&bids, forward, market.qbar())?;
    let k = market.k();
    let mut devs = Vec::new();
    for (side, _) in [(&out.forward, 0), (&out.reverse, 1)] {
        for &i in side.iter() {
            let all: Vec<usize> = (0..bids.len()).filter(|&j| j != i).collect();
            let (a, jm) = residual_from(&bids, &all, market.qbar(), k)?;
            let own: Vec<usize> = side.iter().copied().filter(|&j| j != i).collect();
            let (_, g) = residual_from(&bids, &own, &DVector::zeros(k), k)?;
            let u = qs[i];
            let payoff = |x: &DVector<f64>| {
                let p = &a + &jm * x;
                u.value_at(x) - x.dot(&p) + 0.5 * x.dot(&(&g * x))
            };
            let xt = DVector::from_column_slice(&out.allocation[i]);
            let truthful = payoff(&xt);
            let m = u.s() + &jm * 2.0 - &g;
            let m = (&m + m.transpose()) * 0.5;
            let (best_q, best) = match m.clone().cholesky() {
                Some(c) => {
                    let x = c.solve(&(u.theta() - &a));
                    let v = payoff(&x);
                    (Some(x.iter().copied().collect()), v)
                }
                None => (None, f64::INFINITY),
            };
            devs.push(SplitDeviation {
                bidder: i,
                truthful_quantity: out.allocation[i].clone(),
                truthful_payoff: truthful,
                best_quantity: best_q,
                best_payoff: best,
                profitable: best > truthful + DEVIATION_TOL * (1.0 + truthful.abs()),
            });
        }
    }
    devs.sort_by_key(|d| d.bidder);
    Ok(devs)
}
