//! Independent auctions of eigenvector packages (paper 002, Section 6.1,
//! Proposition 7).
//!
//! When all Hessians commute they share an orthonormal eigenbasis
//! \\(\Phi = \{\varphi_k\}\\) and valuations separate: \\(u_i(T_\Phi x) =
//! \sum_k \hat u_i^k(x_k)\\), with \\(\hat u_i^k(x) = (\theta_i\cdot\varphi_k)x -
//! \tfrac12\lambda_{ik}x^2\\) for quadratic valuations (the proof's
//! \\(-\lambda_k x^2\\) misses the \\(\tfrac12\\)). Running \\(K\\) one-dimensional
//! auctions — package \\(\varphi_k\\), supply \\(\varphi_k\cdot\bar q\\) — and
//! reassembling \\(q_i = \sum_k\varphi_k x_{ik}\\) gives the joint Vickrey
//! outcome; with an identical \\(S\\) and \\(n\ge3\\) the package uniform-price
//! auctions give the joint uniform-price equilibrium.

use nalgebra::{DMatrix, DVector};
use serde::Serialize;

use super::ReallocationError;
use super::market::ReallocationMarket;
use super::uniform_price::uniform_price_equilibrium;
use super::vickrey::{AuctionOutcome, vickrey};
use crate::coalition::substitutes::common_eigenbasis;

/// The package auctions and the joint auction they replicate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackageAuctions {
    /// The packages \\(\varphi_k\\) (each a vector in \\(\mathbb R^K\\)).
    pub packages: Vec<Vec<f64>>,
    /// Each package's clearing price \\(p^{\varphi_k}\\).
    pub package_prices: Vec<f64>,
    /// \\(x_{ik}\\): bidder \\(i\\)'s quantity of package \\(k\\).
    pub package_quantities: Vec<Vec<f64>>,
    /// The reassembled outcome.
    pub reassembled: AuctionOutcome,
    /// The joint auction's outcome.
    pub joint: AuctionOutcome,
    /// Largest difference between the two (allocations, payments, payoffs, price).
    pub max_difference: f64,
}

fn basis(market: &ReallocationMarket) -> Result<DMatrix<f64>, ReallocationError> {
    let qs = market.quadratics().ok_or_else(|| {
        ReallocationError::Precondition("package auctions need quadratic valuations".into())
    })?;
    let mats: Vec<DMatrix<f64>> = qs.iter().map(|q| q.s().clone()).collect();
    common_eigenbasis(&mats, market.qbar())
        .map_err(|e| ReallocationError::Precondition(e.to_string()))
}

fn scalar_market(
    market: &ReallocationMarket,
    t: &DMatrix<f64>,
    k: usize,
) -> Result<ReallocationMarket, ReallocationError> {
    let phi: DVector<f64> = t.column(k).into_owned();
    let qs = market.quadratics().unwrap_or_default();
    let pairs: Vec<(f64, f64)> = qs
        .iter()
        .map(|q| (q.theta().dot(&phi), phi.dot(&(q.s() * &phi))))
        .collect();
    ReallocationMarket::quadratic_scalar(phi.dot(market.qbar()), &pairs)
}

fn assemble(
    market: &ReallocationMarket,
    t: &DMatrix<f64>,
    parts: Vec<AuctionOutcome>,
    joint: AuctionOutcome,
) -> PackageAuctions {
    let n = market.n_bidders();
    let kk = market.k();
    let mut alloc = vec![DVector::zeros(kk); n];
    let mut pay = vec![0.0; n];
    let mut price = DVector::zeros(kk);
    let mut xq = vec![vec![0.0; kk]; n];
    let mut pp = Vec::new();
    for (k, o) in parts.iter().enumerate() {
        let phi: DVector<f64> = t.column(k).into_owned();
        pp.push(o.price[0]);
        price += &phi * o.price[0];
        for i in 0..n {
            xq[i][k] = o.allocation[i][0];
            alloc[i] += &phi * o.allocation[i][0];
            pay[i] += o.payments[i];
        }
    }
    let values: Vec<f64> = market
        .bidders()
        .iter()
        .zip(&alloc)
        .map(|(b, q)| b.valuation.value(q))
        .collect();
    let re = AuctionOutcome {
        price: price.iter().copied().collect(),
        allocation: alloc.iter().map(|q| q.iter().copied().collect()).collect(),
        payoffs: values.iter().zip(&pay).map(|(v, t)| v - t).collect(),
        surplus: values.iter().sum(),
        values,
        revenue: pay.iter().sum(),
        payments: pay,
    };
    let mut d = (re.revenue - joint.revenue).abs();
    for (a, b) in re.price.iter().zip(&joint.price) {
        d = d.max((a - b).abs());
    }
    for i in 0..n {
        d = d
            .max((re.payments[i] - joint.payments[i]).abs())
            .max((re.payoffs[i] - joint.payoffs[i]).abs());
        for (a, b) in re.allocation[i].iter().zip(&joint.allocation[i]) {
            d = d.max((a - b).abs());
        }
    }
    PackageAuctions {
        packages: (0..kk)
            .map(|k| t.column(k).iter().copied().collect())
            .collect(),
        package_prices: pp,
        package_quantities: xq,
        reassembled: re,
        joint,
        max_difference: d,
    }
}

/// Independent Vickrey auctions of the eigenvector packages (commuting \\(S_i\\)).
///
/// # Errors
/// Non-quadratic valuations or non-commuting \\(S_i\\).
pub fn independent_vickrey(
    market: &ReallocationMarket,
) -> Result<PackageAuctions, ReallocationError> {
    let t = basis(market)?;
    let parts = (0..market.k())
        .map(|k| vickrey(&scalar_market(market, &t, k)?))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(assemble(market, &t, parts, vickrey(market)?))
}

/// Independent uniform-price auctions of the eigenvector packages, each at
/// its Proposition 6 equilibrium (identical \\(S\\), \\(n\ge3\\)).
///
/// # Errors
/// As [`uniform_price_equilibrium`].
pub fn independent_uniform_price(
    market: &ReallocationMarket,
) -> Result<PackageAuctions, ReallocationError> {
    let t = basis(market)?;
    let parts = (0..market.k())
        .map(|k| Ok(uniform_price_equilibrium(&scalar_market(market, &t, k)?)?.outcome))
        .collect::<Result<Vec<_>, ReallocationError>>()?;
    Ok(assemble(
        market,
        &t,
        parts,
        uniform_price_equilibrium(market)?.outcome,
    ))
}
