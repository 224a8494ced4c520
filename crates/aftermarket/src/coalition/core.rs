//! Blocking coalitions, the core and the bidder-core (paper 002, Section 2,
//! Proposition 2, Corollary 1).
//!
//! A profile \\(\pi \in \mathbb R^{X \cup \{a\}}\\) is blocked by \\(Z\\) when
//! \\(\sum_{i\in Z}\pi_i < V(Z)\\), with \\(V(Z) = v(Z\setminus\{a\},\bar q)\\) if
//! \\(a\in Z\\) and \\(V(Z) = v(Z,0)\\) if not. The classification is
//! *core* (nobody blocks), *bidder-core only* (only \\(\{a\}\\) blocks, i.e.
//! revenue is negative) or *outside the bidder-core*. All
//! \\(2^{|X|+1}\\) coalitions are checked. For the Vickrey profile,
//! coalitions of bidders alone never block (Proposition 2) and
//! \\(\{a\}\cup X\setminus\{i\}\\) is always exactly tight (Lemma 1's eq. (5)).

use serde::Serialize;

use super::CoalitionError;
use crate::reallocation::market::{Mask, ReallocationMarket, members};
use crate::reallocation::vickrey::{AuctionOutcome, vickrey_from_table};

/// Relative tolerance (times \\(1 + \max|v|\\)) below which a deficit is not
/// counted as blocking. Example 3's margin is \\(7.49\cdot10^{-4}\\) on values
/// near 10, far above it.
pub const BLOCKING_TOL: f64 = 1e-9;

/// A payoff profile: one entry per bidder, and the auctioneer's revenue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PayoffProfile {
    /// \\(\pi_i\\) for each bidder.
    pub bidders: Vec<f64>,
    /// \\(\pi_a\\), the revenue.
    pub auctioneer: f64,
}

/// Whether a profile is in the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoreClass {
    /// No coalition blocks.
    Core,
    /// Only the auctioneer alone blocks (revenue < 0).
    BidderCoreOnly,
    /// Some coalition other than \\(\{a\}\\) blocks.
    OutsideBidderCore,
}

/// A coalition that blocks a profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockingCoalition {
    /// Bidder members (indices).
    pub members: Vec<usize>,
    /// Bidder members (names).
    pub names: Vec<String>,
    /// Whether the auctioneer is a member.
    pub with_auctioneer: bool,
    /// \\(V(Z)\\).
    pub value: f64,
    /// \\(\sum_{i \in Z}\pi_i\\).
    pub payoff_sum: f64,
    /// \\(V(Z) - \sum_{i\in Z}\pi_i > 0\\).
    pub deficit: f64,
}

/// The result of checking a profile against every coalition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoreAnalysis {
    /// Every blocking coalition, largest deficit first.
    pub blocking: Vec<BlockingCoalition>,
    /// The classification.
    pub class: CoreClass,
    /// Revenue is competitive (footnote 21, Corollary 1): no coalition of the
    /// auctioneer and at least one bidder blocks.
    pub revenue_competitive: bool,
    /// \\(\sum_{X\cup\{a\}}\pi - v(X,\bar q)\\) (0 for a feasible efficient profile).
    pub balance_gap: f64,
    /// The absolute tolerance used.
    pub tol: f64,
}

/// Tables of \\(v(\cdot,\bar q)\\) and \\(v(\cdot,0)\\) for every coalition.
#[derive(Debug, Clone, PartialEq)]
pub struct CoalitionTables {
    /// \\(v(Z,\bar q)\\) by mask.
    pub with_supply: Vec<f64>,
    /// \\(v(Z, 0)\\) by mask.
    pub without_supply: Vec<f64>,
    n: usize,
}

impl CoalitionTables {
    /// Builds both tables.
    ///
    /// # Errors
    /// Too many bidders for tables, or a failed surplus solve.
    pub fn new(market: &ReallocationMarket) -> Result<Self, CoalitionError> {
        let with_supply = market.surplus_table(market.qbar())?;
        let zero = nalgebra::DVector::zeros(market.k());
        let without_supply = market.surplus_table(&zero)?;
        Ok(Self {
            with_supply,
            without_supply,
            n: market.n_bidders(),
        })
    }
    /// Number of bidders.
    pub fn n_bidders(&self) -> usize {
        self.n
    }
    /// The grand coalition's mask.
    pub fn all(&self) -> Mask {
        (1u64 << self.n) - 1
    }
    /// \\(V(Z)\\) for bidder set `z`, with or without the auctioneer.
    ///
    /// # Panics
    /// If `z` names a bidder beyond [`CoalitionTables::n_bidders`].
    pub fn value(&self, z: Mask, with_auctioneer: bool) -> f64 {
        if with_auctioneer {
            self.with_supply[z as usize]
        } else {
            self.without_supply[z as usize]
        }
    }
    /// Absolute tolerance \\(\text{BLOCKING\\_TOL}\cdot(1+\max|v|)\\).
    pub fn tol(&self) -> f64 {
        let m = self
            .with_supply
            .iter()
            .chain(&self.without_supply)
            .fold(0.0_f64, |m, x| m.max(x.abs()));
        BLOCKING_TOL * (1.0 + m)
    }
    /// \\(\sum_{i\in Z}\pi_i - V(Z)\\) (negative = blocks).
    ///
    /// # Panics
    /// If `z` names a bidder beyond [`CoalitionTables::n_bidders`] or
    /// `profile` has fewer entries than the bidders in `z`.
    pub fn slack(&self, profile: &PayoffProfile, z: Mask, with_auctioneer: bool) -> f64 {
        let s: f64 = members(z).iter().map(|&i| profile.bidders[i]).sum::<f64>()
            + if with_auctioneer {
                profile.auctioneer
            } else {
                0.0
            };
        s - self.value(z, with_auctioneer)
    }
    /// The Vickrey profile with every bidder participating.
    pub fn vickrey_profile(&self) -> PayoffProfile {
        let (b, a) = vickrey_from_table(&self.with_supply, self.all());
        PayoffProfile {
            bidders: b,
            auctioneer: a,
        }
    }
}

/// \\(V(Z)\\) for one coalition.
///
/// # Errors
/// Unknown bidders in `z` or a failed surplus solve.
pub fn coalition_value(
    market: &ReallocationMarket,
    z: Mask,
    with_auctioneer: bool,
) -> Result<f64, CoalitionError> {
    let q = if with_auctioneer {
        market.qbar().clone()
    } else {
        nalgebra::DVector::zeros(market.k())
    };
    Ok(market.surplus(z, &q)?)
}

/// Checks `profile` against all \\(2^{|X|+1}\\) coalitions of `market`.
///
/// ```
/// use aftermarket::reallocation::market::ReallocationMarket;
/// use aftermarket::coalition::core::{analyse_vickrey, CoreClass};
/// let m = ReallocationMarket::quadratic_scalar(1.0, &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)])?;
/// let (_, a) = analyse_vickrey(&m)?;
/// assert_eq!(a.class, CoreClass::OutsideBidderCore);
/// assert!((a.blocking[0].deficit - 0.5).abs() < 1e-12);
/// # Ok::<(), aftermarket::coalition::CoalitionError>(())
/// ```
///
/// # Errors
/// A profile of the wrong size, non-finite payoffs, too many bidders.
pub fn analyse_core(
    market: &ReallocationMarket,
    profile: &PayoffProfile,
) -> Result<CoreAnalysis, CoalitionError> {
    let tables = CoalitionTables::new(market)?;
    analyse_with_tables(market, &tables, profile)
}

/// As [`analyse_core`] with prebuilt tables.
///
/// # Errors
/// A profile of the wrong size or non-finite payoffs.
pub fn analyse_with_tables(
    market: &ReallocationMarket,
    tables: &CoalitionTables,
    profile: &PayoffProfile,
) -> Result<CoreAnalysis, CoalitionError> {
    let n = market.n_bidders();
    if tables.n_bidders() != n {
        return Err(CoalitionError::InvalidParameter {
            param: "tables".into(),
            rule: "must be built for the same market (bidder count)",
            value: tables.n_bidders() as f64,
        });
    }
    if profile.bidders.len() != n {
        return Err(CoalitionError::ProfileSize {
            expected: n,
            got: profile.bidders.len(),
        });
    }
    for (i, x) in profile
        .bidders
        .iter()
        .chain([&profile.auctioneer])
        .enumerate()
    {
        if !x.is_finite() {
            return Err(CoalitionError::InvalidParameter {
                param: format!("payoffs[{i}]"),
                rule: "must be finite",
                value: *x,
            });
        }
    }
    let tol = tables.tol();
    let mut blocking = Vec::new();
    for z in 0..(1u64 << n) {
        for with_a in [true, false] {
            if z == 0 && !with_a {
                continue;
            }
            let slack = tables.slack(profile, z, with_a);
            if slack < -tol {
                let ms = members(z);
                blocking.push(BlockingCoalition {
                    names: ms
                        .iter()
                        .map(|&i| market.bidders()[i].name.clone())
                        .collect(),
                    members: ms,
                    with_auctioneer: with_a,
                    value: tables.value(z, with_a),
                    payoff_sum: tables.value(z, with_a) + slack,
                    deficit: -slack,
                });
            }
        }
    }
    blocking.sort_by(|a, b| b.deficit.total_cmp(&a.deficit));
    let class = if blocking.is_empty() {
        CoreClass::Core
    } else if blocking
        .iter()
        .all(|b| b.with_auctioneer && b.members.is_empty())
    {
        CoreClass::BidderCoreOnly
    } else {
        CoreClass::OutsideBidderCore
    };
    let total: f64 = profile.bidders.iter().sum::<f64>() + profile.auctioneer;
    let revenue_competitive = !blocking
        .iter()
        .any(|b| b.with_auctioneer && !b.members.is_empty());
    Ok(CoreAnalysis {
        blocking,
        class,
        revenue_competitive,
        balance_gap: total - tables.value(tables.all(), true),
        tol,
    })
}

/// The truthful Vickrey outcome and its core analysis.
///
/// # Errors
/// As [`analyse_core`] and [`crate::reallocation::vickrey::vickrey`].
pub fn analyse_vickrey(
    market: &ReallocationMarket,
) -> Result<(AuctionOutcome, CoreAnalysis), CoalitionError> {
    let v = crate::reallocation::vickrey::vickrey(market)?;
    let profile = PayoffProfile {
        bidders: v.payoffs.clone(),
        auctioneer: v.revenue,
    };
    let a = analyse_core(market, &profile)?;
    Ok((v, a))
}

/// The competitive-equilibrium profile at the efficient clearing price:
/// \\(\pi_i = u_i(q_i^e) - p^*\cdot q_i^e\\), \\(\pi_a = p^*\cdot\bar q\\). It is
/// always in the bidder-core (each bidder's demand is optimal at \\(p^*\\)).
///
/// # Errors
/// A failed clearing-price solve.
pub fn competitive_profile(market: &ReallocationMarket) -> Result<PayoffProfile, CoalitionError> {
    let e = market.efficient(market.all(), market.qbar())?;
    let p = e
        .price
        .unwrap_or_else(|| nalgebra::DVector::zeros(market.k()));
    let bidders = e
        .members
        .iter()
        .zip(&e.quantities)
        .map(|(&i, q)| market.bidders()[i].valuation.value(q) - p.dot(q))
        .collect();
    Ok(PayoffProfile {
        bidders,
        auctioneer: p.dot(market.qbar()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example1_blocks_a1_and_a2_by_one_half() {
        let m = ReallocationMarket::quadratic_scalar(1.0, &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)])
            .expect("ok");
        let (_, a) = analyse_vickrey(&m).expect("ok");
        assert_eq!(a.blocking.len(), 2);
        for b in &a.blocking {
            assert!(b.with_auctioneer && b.members.len() == 1);
            assert!((b.deficit - 0.5).abs() < 1e-12);
        }
    }

    #[test]
    fn wrong_profile_size_is_rejected() {
        let m = ReallocationMarket::quadratic_scalar(1.0, &[(4.0, 1.0), (2.0, 1.0)]).expect("ok");
        let e = analyse_core(
            &m,
            &PayoffProfile {
                bidders: vec![1.0],
                auctioneer: 0.0,
            },
        )
        .expect_err("must fail");
        assert_eq!(
            e.to_string(),
            "payoffs must have one entry per bidder (2), got 1"
        );
    }
}
