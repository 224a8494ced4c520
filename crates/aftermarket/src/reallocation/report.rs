//! The core report of a reallocation market: efficient allocation, prices,
//! Vickrey and uniform-price outcomes, every blocking coalition, the
//! classification, and the core-selecting alternatives (paper 002).

use serde::Serialize;

use super::market::ReallocationMarket;
use super::uniform_price::{UniformPriceEquilibrium, uniform_price_equilibrium};
use super::vickrey::AuctionOutcome;
use crate::coalition::CoalitionError;
use crate::coalition::core::{
    BlockingCoalition, CoalitionTables, CoreClass, PayoffProfile, analyse_with_tables,
};
use crate::coalition::core_selecting::{CoreSelecting, EXACT_MAX_BIDDERS, core_selecting};
use crate::coalition::substitutes::{SubmodularityReport, check_submodularity_table};

/// Largest \\(|I|\\) for which the report also runs the all-\\(X\\) Lemma 1/2 check.
pub const REPORT_SUBMODULARITY_MAX: usize = 20;

/// Everything `aftermarket core` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoreReport {
    /// Bidder names.
    pub bidders: Vec<String>,
    /// \\(K\\).
    pub k: usize,
    /// \\(\bar q\\).
    pub qbar: Vec<f64>,
    /// \\(v(X,\bar q)\\).
    pub surplus: f64,
    /// Efficient bundles \\(q_i^e(X,\bar q)\\).
    pub efficient_allocation: Vec<Vec<f64>>,
    /// Clearing price \\(p^*\\).
    pub clearing_price: Vec<f64>,
    /// Vickrey outcome (payments, payoffs, revenue).
    pub vickrey: AuctionOutcome,
    /// Proposition 6's uniform-price equilibrium, when defined.
    pub uniform_price: Option<UniformPriceEquilibrium>,
    /// Why the uniform-price equilibrium is not defined, if it is not.
    pub uniform_price_note: Option<String>,
    /// Every coalition blocking the Vickrey outcome, largest deficit first.
    pub blocking: Vec<BlockingCoalition>,
    /// Core / bidder-core only / outside the bidder-core.
    pub classification: CoreClass,
    /// Minimum-revenue and Vickrey-nearest core payoffs.
    pub core_selecting: CoreSelecting,
    /// Lemma 1/2 over every participant set (up to [`REPORT_SUBMODULARITY_MAX`] bidders).
    pub all_participant_sets: Option<SubmodularityReport>,
    /// Tolerance used for blocking.
    pub blocking_tol: f64,
    /// Whether every coalition constraint of the core-selecting rules was checked.
    pub certified: bool,
}

/// Builds the core report of `market` (all bidders participate).
///
/// ```
/// use aftermarket::reallocation::{market::ReallocationMarket, report::core_report};
/// use aftermarket::coalition::core::CoreClass;
/// let m = ReallocationMarket::quadratic_scalar(1.0, &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)])?;
/// let r = core_report(&m)?;
/// assert_eq!(r.classification, CoreClass::OutsideBidderCore);
/// assert_eq!(r.blocking.len(), 2);
/// assert!((r.uniform_price.as_ref().map(|u| u.outcome.revenue).unwrap_or(0.0) - 8.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), aftermarket::coalition::CoalitionError>(())
/// ```
///
/// # Errors
/// More than [`crate::reallocation::market::MAX_TABLE_BIDDERS`] bidders,
/// a failed surplus solve, or the LP/QP solver failing.
pub fn core_report(market: &ReallocationMarket) -> Result<CoreReport, CoalitionError> {
    let tables = CoalitionTables::new(market)?;
    let v = super::vickrey::vickrey(market)?;
    let profile = PayoffProfile {
        bidders: v.payoffs.clone(),
        auctioneer: v.revenue,
    };
    let analysis = analyse_with_tables(market, &tables, &profile)?;
    let (uniform_price, uniform_price_note) = match uniform_price_equilibrium(market) {
        Ok(u) => (Some(u), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let cs = core_selecting(market)?;
    let n = market.n_bidders();
    let all_participant_sets = (n <= REPORT_SUBMODULARITY_MAX)
        .then(|| check_submodularity_table(&tables.with_supply, n, 20));
    Ok(CoreReport {
        bidders: market.bidders().iter().map(|b| b.name.clone()).collect(),
        k: market.k(),
        qbar: market.qbar().iter().copied().collect(),
        surplus: v.surplus,
        efficient_allocation: v.allocation.clone(),
        clearing_price: v.price.clone(),
        vickrey: v,
        uniform_price,
        uniform_price_note,
        blocking: analysis.blocking,
        classification: analysis.class,
        certified: n <= EXACT_MAX_BIDDERS,
        core_selecting: cs,
        all_participant_sets,
        blocking_tol: analysis.tol,
    })
}
