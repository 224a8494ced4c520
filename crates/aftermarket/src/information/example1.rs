//! Paper 003, Example 1: two i.i.d. buyers whose value is 0 with
//! probability ½ and uniform on \\(\[0, 1\]\\) otherwise; each may pay
//! \\(v^2/16\\) to learn whether the rival's value is 0; a first-price
//! auction with minimum bid 0 and an opt-out action.
//!
//! In the equilibrium a buyer of value 0 stays out; a buyer of positive
//! value buys the signal, bids 0 when the rival's value is 0 (winning at
//! price 0, the rival having opted out) and \\(v/2\\) otherwise. Without
//! information acquisition the unique equilibrium is efficient,
//! \\(b(v) = v^2/(2(1+v))\\) (Chawla and Hartline 2013), and Proposition 4's
//! informed deviation beats it.

use std::sync::Arc;

use super::{
    AcquisitionGame, Action, Format, InformationCost, InformationError, Offer, Partition, Plan,
};
use crate::prior::{Mixture, PointMass, Uniform};

/// The value law \\(\tfrac12\delta_0 + \tfrac12 U\[0,1\]\\).
///
/// # Errors
/// None in practice (fixed, valid parameters).
pub fn prior() -> Result<Mixture, InformationError> {
    Ok(Mixture::new(vec![
        (0.5, Arc::new(PointMass::new(0.0)?)),
        (0.5, Arc::new(Uniform::new(0.0, 1.0)?)),
    ])?)
}

/// The one structure on sale: \\(1\{v_{-i} > 0\}\\) at cost \\(v_i^2/16\\).
///
/// # Errors
/// None in practice.
pub fn offer() -> Result<Offer, InformationError> {
    Ok(Offer::new(
        Arc::new(Partition::zero_indicator()),
        InformationCost::power(1.0 / 16.0, 2.0)?,
    ))
}

/// The first-price game.
///
/// # Errors
/// None in practice.
pub fn game() -> Result<AcquisitionGame, InformationError> {
    AcquisitionGame::symmetric(Format::FirstPrice, Arc::new(prior()?), vec![offer()?])
}

/// The paper's equilibrium: value 0 opts out; a positive value buys the
/// signal and bids 0 against a rival of value 0, \\(v/2\\) otherwise.
pub fn equilibrium() -> Plan {
    Plan::new(
        "example 1 equilibrium",
        |v| (v > 0.0).then_some(0),
        |v, obs| {
            if v <= 0.0 {
                Action::OptOut
            } else if obs.offer.is_some() && obs.signal == 0 {
                Action::Bid(0.0)
            } else {
                Action::Bid(v / 2.0)
            }
        },
    )
}

/// The no-information bid \\(b(v) = v^2/(2(1+v))\\), solving
/// \\((v - b)F(v) = \int_0^v F\\) for \\(F(v) = (1+v)/2\\).
pub fn no_information_bid(v: f64) -> f64 {
    let v = v.max(0.0);
    v * v / (2.0 * (1.0 + v))
}

/// The efficient no-information equilibrium: never buy, bid
/// [`no_information_bid`].
pub fn no_information() -> Plan {
    Plan::uninformed("no-information equilibrium", |v| {
        Action::Bid(no_information_bid(v))
    })
}

/// Proposition 4's deviation from [`no_information`]: buy the signal; bid
/// `epsilon` (just above the rival's 0) when the rival's value is 0, and
/// \\(b(v)\\) otherwise.
pub fn proposition4_deviation(epsilon: f64) -> Plan {
    Plan::new(
        "proposition 4 deviation",
        |_| Some(0),
        move |v, obs| {
            if obs.signal == 0 {
                Action::Bid(epsilon)
            } else {
                Action::Bid(no_information_bid(v))
            }
        },
    )
}
