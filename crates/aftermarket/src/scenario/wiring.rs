//! Scenario kinds → library constructors: mechanisms, aftermarkets and
//! joint priors. Each arm names its fields so errors point at them.

use std::sync::Arc;

use super::ScenarioError;
use super::build::{Ctx, bid_form_for, number, rules, scalar_prior};
use super::raw::{RawAftermarket, RawMechanism, RawProfile};
use crate::mechanism as mech;
use crate::mechanism::Mechanism;
use crate::prior::{ProfilePrior, ValueShape};
use crate::resale as rs;
use crate::resale::{Aftermarket, Indifference};
use crate::strategy::BidForm;
use crate::values::{Supply, Valuation};

/// The mechanism kinds a scenario may name.
pub const MECHANISMS: &[&str] = &[
    "first-price",
    "second-price",
    "all-pay",
    "uniform-price",
    "pay-as-bid",
    "vickrey-separate",
    "vickrey-package",
    "multi-unit-vickrey",
    "bundle-second-price",
    "posted-price",
    "vcg",
    "simultaneous-first-price",
    "simultaneous-all-pay",
];

/// The aftermarket kinds a scenario may name.
pub const AFTERMARKETS: &[&str] = &[
    "none",
    "nash-bargaining",
    "take-it-or-leave-it",
    "winner-posts-price",
    "sequential-posted-prices",
    "monopolist-reseller",
    "competitive",
    "bid-contingent",
];

fn unused(ctx: &Ctx, m: &RawMechanism, allowed: &[&str]) -> Result<(), ScenarioError> {
    let given = [
        ("price-rule", m.price_rule.is_some()),
        ("price", m.price.is_some()),
        ("bundle-prices", m.bundle_prices.is_some()),
        ("arrival", m.arrival.is_some()),
    ];
    for (name, set) in given {
        if set && !allowed.contains(&name) {
            return Err(ctx.err(
                format!("mechanism.{name}"),
                format!("does not apply to a {} auction", m.kind),
            ));
        }
    }
    Ok(())
}

/// Builds the mechanism and the bid form it takes.
pub(super) fn mechanism(
    ctx: &Ctx,
    m: &RawMechanism,
) -> Result<(Arc<dyn Mechanism>, BidForm), ScenarioError> {
    let r = rules(ctx, m)?;
    let e = |err: mech::MechanismError| match &err {
        mech::MechanismError::InvalidParameter { param, .. } => {
            ctx.err(format!("mechanism.{}", param.replace('_', "-")), err)
        }
        _ => ctx.err("mechanism", err),
    };
    let supply = ctx.supply;
    let units = || match supply {
        Supply::Units { m } => Ok(m),
        Supply::Items { .. } => Err(ctx.err(
            "mechanism.kind",
            format!("{} sells identical units; goods are distinct items", m.kind),
        )),
    };
    let items = || match supply {
        Supply::Items { n } => Ok(n),
        Supply::Units { .. } => Err(ctx.err(
            "mechanism.kind",
            format!("{} sells distinct items; goods are identical units", m.kind),
        )),
    };
    let single = || match supply {
        Supply::Units { m: 1 } => Ok(()),
        _ => Err(ctx.err(
            "mechanism.kind",
            format!(
                "{} sells a single item; goods must be of kind \"single\"",
                m.kind
            ),
        )),
    };
    let mechanism: Arc<dyn Mechanism> = match m.kind.as_str() {
        "first-price" => {
            unused(ctx, m, &[])?;
            single()?;
            Arc::new(mech::FirstPrice::new(r).map_err(e)?)
        }
        "second-price" => {
            unused(ctx, m, &[])?;
            single()?;
            Arc::new(mech::SecondPrice::new(r).map_err(e)?)
        }
        "all-pay" => {
            unused(ctx, m, &[])?;
            single()?;
            Arc::new(mech::AllPay::new(r).map_err(e)?)
        }
        "uniform-price" => {
            unused(ctx, m, &["price-rule"])?;
            let rule = match m.price_rule.as_deref() {
                None | Some("highest-losing") => mech::PriceRule::HighestLosing,
                Some("lowest-winning") => mech::PriceRule::LowestWinning,
                Some(other) => {
                    return Err(ctx.err(
                        "mechanism.price-rule",
                        format!("must be highest-losing or lowest-winning, got {other:?}"),
                    ));
                }
            };
            Arc::new(mech::UniformPrice::new(r, units()?, rule).map_err(e)?)
        }
        "pay-as-bid" => {
            unused(ctx, m, &[])?;
            Arc::new(mech::PayAsBid::new(r, units()?).map_err(e)?)
        }
        "vickrey-separate" => {
            unused(ctx, m, &[])?;
            Arc::new(mech::VickreySeparate::new(r, units()?).map_err(e)?)
        }
        "vickrey-package" => {
            unused(ctx, m, &[])?;
            Arc::new(mech::VickreyPackage::new(r, units()?).map_err(e)?)
        }
        "multi-unit-vickrey" => {
            unused(ctx, m, &[])?;
            Arc::new(mech::MultiUnitVickrey::new(r, units()?).map_err(e)?)
        }
        "bundle-second-price" => {
            unused(ctx, m, &[])?;
            Arc::new(mech::BundleSecondPrice::new(r, units()?).map_err(e)?)
        }
        "posted-price" => {
            unused(ctx, m, &["price", "bundle-prices", "arrival"])?;
            let prices = match (m.price, &m.bundle_prices) {
                (Some(p), None) => mech::PostedPrices::PerUnit(p),
                (None, Some(b)) => mech::PostedPrices::PerBundle(b.clone()),
                _ => {
                    return Err(ctx.err(
                        "mechanism",
                        "a posted-price mechanism needs exactly one of `price` (per unit) and `bundle-prices`",
                    ));
                }
            };
            let arrival = match &m.arrival {
                Some(names) => names
                    .iter()
                    .map(|n| ctx.bidder("mechanism.arrival", n))
                    .collect::<Result<Vec<_>, _>>()?,
                None => (0..ctx.names.len()).collect(),
            };
            Arc::new(mech::PostedPrice::new(r, units()?, prices, arrival).map_err(e)?)
        }
        "vcg" => {
            unused(ctx, m, &[])?;
            Arc::new(mech::Vcg::new(r, items()?).map_err(e)?)
        }
        "simultaneous-first-price" => {
            unused(ctx, m, &[])?;
            Arc::new(mech::SimultaneousFirstPrice::new(r, items()?).map_err(e)?)
        }
        "simultaneous-all-pay" => {
            unused(ctx, m, &[])?;
            Arc::new(mech::SimultaneousAllPay::new(r, items()?).map_err(e)?)
        }
        other => {
            return Err(ctx.err(
                "mechanism.kind",
                format!(
                    "unknown mechanism {other:?}; known: {}",
                    MECHANISMS.join(", ")
                ),
            ));
        }
    };
    Ok((mechanism, bid_form_for(&m.kind, supply)))
}

fn indifference(ctx: &Ctx, a: &RawAftermarket) -> Result<Indifference, ScenarioError> {
    match a.indifference.as_deref() {
        None | Some("accept") => Ok(Indifference::Accept),
        Some("reject") => Ok(Indifference::Reject),
        Some(other) => Err(ctx.err(
            "aftermarket.indifference",
            format!("must be accept or reject, got {other:?}"),
        )),
    }
}

fn only(ctx: &Ctx, a: &RawAftermarket, allowed: &[&str]) -> Result<(), ScenarioError> {
    let given = [
        ("alpha", a.alpha.is_some()),
        ("weak", a.weak.is_some()),
        ("weights", a.weights.is_some()),
        ("trade-probability", a.trade_probability.is_some()),
        ("cost", a.cost.is_some()),
        ("cost-bearer", a.cost_bearer.is_some()),
        ("proposer", a.proposer.is_some()),
        ("indifference", a.indifference.is_some()),
        ("seller", a.seller.is_some()),
        ("buyer-order", a.buyer_order.is_some()),
        ("trigger", a.trigger.is_some()),
        ("buyer", a.buyer.is_some()),
        ("seller-receives", a.seller_receives.is_some()),
        ("buyer-pays", a.buyer_pays.is_some()),
        ("side-payments", a.side_payments.is_some()),
    ];
    for (name, set) in given {
        if set && !allowed.contains(&name) {
            return Err(ctx.err(
                format!("aftermarket.{name}"),
                format!("does not apply to the {} aftermarket", a.kind),
            ));
        }
    }
    Ok(())
}

/// Builds the aftermarket (none when absent).
pub(super) fn aftermarket(
    ctx: &Ctx,
    a: Option<&RawAftermarket>,
) -> Result<Arc<dyn Aftermarket>, ScenarioError> {
    let Some(a) = a else {
        return Ok(Arc::new(rs::NoResale));
    };
    // Point at the parameter's own key when the error names one.
    let e = |err: rs::ResaleError| match &err {
        rs::ResaleError::InvalidParameter { param, .. } => {
            let key = match *param {
                "cost_per_unit" => "cost".to_string(),
                other => other.replace('_', "-"),
            };
            ctx.err(format!("aftermarket.{key}"), err)
        }
        _ => ctx.err("aftermarket", err),
    };
    Ok(match a.kind.as_str() {
        "none" => {
            only(ctx, a, &[])?;
            Arc::new(rs::NoResale)
        }
        "nash-bargaining" => {
            only(
                ctx,
                a,
                &[
                    "alpha",
                    "weak",
                    "weights",
                    "trade-probability",
                    "cost",
                    "cost-bearer",
                ],
            )?;
            let bearer = match a.cost_bearer.as_deref() {
                None | Some("buyer") => rs::CostBearer::Buyer,
                Some("seller") => rs::CostBearer::Seller,
                Some("both") => rs::CostBearer::Both,
                Some(other) => {
                    return Err(ctx.err(
                        "aftermarket.cost-bearer",
                        format!("must be buyer, seller or both, got {other:?}"),
                    ));
                }
            };
            let p = a.trade_probability.unwrap_or(1.0);
            let c = a.cost.unwrap_or(0.0);
            let nb = match (a.alpha, &a.weak, &a.weights) {
                (Some(alpha), Some(weak), None) => {
                    if ctx.names.len() != 2 {
                        return Err(ctx.err(
                            "aftermarket.alpha",
                            format!(
                                "alpha and weak describe two bidders; there are {}: give `weights`",
                                ctx.names.len()
                            ),
                        ));
                    }
                    let w = ctx.bidder("aftermarket.weak", weak)?;
                    rs::NashBargaining::two_bidder(alpha, w, p, c, bearer)
                }
                (None, None, Some(w)) => {
                    if w.len() != ctx.names.len() {
                        return Err(ctx.err(
                            "aftermarket.weights",
                            format!(
                                "needs one weight per bidder ({}), got {}",
                                ctx.names.len(),
                                w.len()
                            ),
                        ));
                    }
                    rs::NashBargaining::new(w.clone(), p, c, bearer)
                }
                (None, None, None) => {
                    rs::NashBargaining::new(vec![1.0; ctx.names.len()], p, c, bearer)
                }
                (Some(_), None, _) => {
                    return Err(ctx.err(
                        "aftermarket.weak",
                        "missing: alpha is the share of the bidder named by `weak`",
                    ));
                }
                (None, Some(_), _) => {
                    return Err(ctx.err(
                        "aftermarket.alpha",
                        "missing: `weak` needs `alpha`, its share of the gains",
                    ));
                }
                _ => {
                    return Err(ctx.err(
                        "aftermarket",
                        "give either `alpha` with `weak` (two bidders) or `weights`, not both",
                    ));
                }
            };
            Arc::new(nb.map_err(e)?)
        }
        "take-it-or-leave-it" => {
            only(ctx, a, &["proposer", "indifference"])?;
            let proposer = match a.proposer.as_deref() {
                None | Some("holder") => rs::Proposer::Holder,
                Some("buyer") => rs::Proposer::Buyer,
                Some(other) => {
                    return Err(ctx.err(
                        "aftermarket.proposer",
                        format!("must be holder or buyer, got {other:?}"),
                    ));
                }
            };
            Arc::new(rs::TakeItOrLeaveIt::new(proposer, indifference(ctx, a)?))
        }
        "winner-posts-price" => {
            only(ctx, a, &["indifference"])?;
            Arc::new(rs::WinnerPostsPrice::new(indifference(ctx, a)?))
        }
        "sequential-posted-prices" => {
            only(ctx, a, &["indifference"])?;
            Arc::new(rs::SequentialPostedPrices::new(indifference(ctx, a)?))
        }
        "monopolist-reseller" => {
            only(ctx, a, &["seller", "buyer-order", "indifference"])?;
            let seller = ctx.bidder(
                "aftermarket.seller",
                a.seller
                    .as_deref()
                    .ok_or_else(|| ctx.err("aftermarket.seller", "missing: name the reseller"))?,
            )?;
            let order = match &a.buyer_order {
                Some(names) => names
                    .iter()
                    .map(|n| ctx.bidder("aftermarket.buyer-order", n))
                    .collect::<Result<Vec<_>, _>>()?,
                None => (0..ctx.names.len()).filter(|&i| i != seller).collect(),
            };
            Arc::new(rs::MonopolistReseller::new(seller, order, indifference(ctx, a)?).map_err(e)?)
        }
        "competitive" => {
            only(ctx, a, &[])?;
            Arc::new(rs::Competitive)
        }
        "bid-contingent" => {
            only(
                ctx,
                a,
                &[
                    "trigger",
                    "seller",
                    "buyer",
                    "seller-receives",
                    "buyer-pays",
                    "side-payments",
                    "indifference",
                ],
            )?;
            let need = |key: &str| {
                ctx.err(
                    format!("aftermarket.{key}"),
                    "missing: bid-contingent trade needs it",
                )
            };
            let trigger = a.trigger.clone().ok_or_else(|| need("trigger"))?;
            if trigger.len() != ctx.names.len() {
                return Err(ctx.err(
                    "aftermarket.trigger",
                    format!(
                        "needs one bid per bidder ({}), got {}",
                        ctx.names.len(),
                        trigger.len()
                    ),
                ));
            }
            let seller = ctx.bidder(
                "aftermarket.seller",
                a.seller.as_deref().ok_or_else(|| need("seller"))?,
            )?;
            let buyer = ctx.bidder(
                "aftermarket.buyer",
                a.buyer.as_deref().ok_or_else(|| need("buyer"))?,
            )?;
            let side = match &a.side_payments {
                Some(map) => map
                    .iter()
                    .map(|(name, x)| Ok((ctx.bidder("aftermarket.side-payments", name)?, *x)))
                    .collect::<Result<Vec<_>, ScenarioError>>()?,
                None => Vec::new(),
            };
            Arc::new(
                rs::BidContingentTrade::new(
                    trigger,
                    seller,
                    buyer,
                    a.seller_receives.ok_or_else(|| need("seller-receives"))?,
                    a.buyer_pays.ok_or_else(|| need("buyer-pays"))?,
                    side,
                    indifference(ctx, a)?,
                )
                .map_err(e)?,
            )
        }
        other => {
            return Err(ctx.err(
                "aftermarket.kind",
                format!(
                    "unknown aftermarket {other:?}; known: {}",
                    AFTERMARKETS.join(", ")
                ),
            ));
        }
    })
}

/// Builds a joint (correlated) prior.
pub(super) fn joint_profile(
    ctx: &Ctx,
    p: &RawProfile,
    n: usize,
) -> Result<Arc<dyn ProfilePrior>, ScenarioError> {
    use crate::prior as pr;
    match p {
        RawProfile::JointTable { profiles } => {
            if profiles.is_empty() {
                return Err(ctx.err("profile.profiles", "needs at least one profile"));
            }
            let mut rows = Vec::with_capacity(profiles.len());
            for (k, row) in profiles.iter().enumerate() {
                let f = format!("profile.profiles[{k}]");
                if row.values.len() != n {
                    return Err(ctx.err(
                        &f,
                        format!("needs values for {n} bidders, got {}", row.values.len()),
                    ));
                }
                let vals = row
                    .values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| unit_valuation(ctx, &format!("{f}.values[{i}]"), v))
                    .collect::<Result<Vec<_>, _>>()?;
                rows.push((vals, row.probability));
            }
            Ok(Arc::new(
                pr::JointTable::new(rows).map_err(|e| ctx.err("profile", e))?,
            ))
        }
        RawProfile::CommonComponent { common, private } => {
            if private.len() != n {
                return Err(ctx.err(
                    "profile.private",
                    format!("needs one law per bidder ({n}), got {}", private.len()),
                ));
            }
            let c = scalar_prior(ctx, "profile.common", common)?;
            let ps = private
                .iter()
                .enumerate()
                .map(|(i, q)| scalar_prior(ctx, &format!("profile.private[{i}]"), q))
                .collect::<Result<Vec<_>, _>>()?;
            let shape = match ctx.supply {
                Supply::Units { m: 1 } => ValueShape::Single,
                Supply::Units { m } => ValueShape::Flat { m },
                Supply::Items { .. } => {
                    return Err(
                        ctx.err("profile", "a common-component prior describes unit values")
                    );
                }
            };
            Ok(Arc::new(
                pr::CommonComponent::new(c, ps, vec![shape; n])
                    .map_err(|e| ctx.err("profile", e))?,
            ))
        }
    }
}

fn unit_valuation(ctx: &Ctx, field: &str, v: &toml::Value) -> Result<Valuation, ScenarioError> {
    let xs = match v {
        toml::Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(k, x)| number(ctx, &format!("{field}[{k}]"), x))
            .collect::<Result<Vec<_>, _>>()?,
        other => vec![number(ctx, field, other)?],
    };
    Valuation::units(xs).map_err(|e| ctx.err(field, e))
}
