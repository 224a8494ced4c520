//! The names most programs need.

pub use crate::disclosure::{Disclosure, Observation, Policy};
pub use crate::error::Error;
pub use crate::mechanism::{AuctionRules, Bid, FirstPrice, Mechanism, Outcome, Priority, TieRule};
pub use crate::prior::{Prior, ProfilePrior, TypePrior, Uniform, ValueShape};
pub use crate::resale::{
    Aftermarket, Belief, Indifference, NoResale, ResaleContext, ResaleOutcome,
};
pub use crate::values::{Holding, ItemSet, MarginalValues, PackageValues, Supply, Valuation};
