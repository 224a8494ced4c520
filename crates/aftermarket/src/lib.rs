//! # aftermarket
//!
//! Auctions followed by resale, modelled as one combined market
//! \\(G(M_1, \Gamma, M_2)\\) (papers 003 and 004):
//!
//! ```text
//! values & priors ─► primary mechanism M1 ─► disclosure Γ ─► aftermarket M2 ─► final allocation ─► measures
//! ```
//!
//! One vocabulary throughout: a bidder has a **value** (its [`values::Valuation`]),
//! drawn from a **prior**; it submits a **bid**; the mechanism sets an
//! **allocation** and **payments**; the aftermarket moves goods and money
//! among bidders; a bidder's **utility** is the value of its final holding
//! less everything it paid; the seller's **revenue** is the auction's
//! payments; **welfare** is the total value of the final allocation.
//!
//! | layer | module |
//! |---|---|
//! | goods and values | [`values`] |
//! | priors | [`prior`] |
//! | primary mechanisms (M1) | [`mechanism`] |
//! | a global bidder against local bidders (paper 000) | [`global_local`] |
//! | information acquisition before the auction (paper 003) | [`information`] |
//! | disclosure (Γ) | [`disclosure`] |
//! | aftermarkets (M2) | [`resale`] |
//! | divisible goods, buyers who also sell (paper 002) | [`reallocation`] |
//! | coalitions, the core, core-selecting payments | [`coalition`] |
//! | strategies | [`strategy`] |
//! | equilibria: named closed forms and the complete-information verifier | [`equilibrium`] |
//! | the combined market and its runners | [`market`] |
//! | measures, welfare, numerics | [`analysis`] |
//! | scenario files | [`scenario`] |
//! | the papers' reproductions | [`reproduce`] |
//!
//! ## Example: a scenario, end to end
//! ```
//! use aftermarket::scenario::Scenario;
//! let text = r#"
//! name = "Pagnozzi (2009) Example 1, resale allowed"
//! information = "complete"
//! [goods]
//! kind = "units"
//! m = 2
//! [[bidders]]
//! name = "S"
//! values = [10, 10]
//! strategy = { kind = "fixed", bid = [5, 0] }
//! [[bidders]]
//! name = "W"
//! values = [2, 0]
//! strategy = { kind = "fixed", bid = [6, 0] }
//! [mechanism]
//! kind = "uniform-price"
//! [aftermarket]
//! kind = "nash-bargaining"
//! alpha = 0.5
//! weak = "W"
//! "#;
//! let sc = Scenario::from_toml(text, "example.toml", None)?;
//! let report = sc.market.exact()?;
//! assert_eq!(report.get("revenue"), Some(0.0));
//! assert_eq!(report.get("payoff[S]"), Some(14.0));
//! assert_eq!(report.get("resale_payments"), Some(6.0)); // W resells to S at 6
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Example: a first-price auction, no resale
//! ```
//! use aftermarket::prelude::*;
//! let m = FirstPrice::new(AuctionRules::default())?;
//! let o = m.outcome_with_priority(&[Bid::Single(2.0), Bid::Single(3.0)], &Priority::by_index(2))?;
//! assert_eq!(o.revenue(), 3.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod analysis;
pub mod coalition;
pub mod disclosure;
pub mod equilibrium;
pub mod error;
pub mod formula;
pub mod global_local;
pub mod information;
pub mod market;
pub mod mechanism;
pub mod prelude;
pub mod prior;
pub mod reallocation;
pub mod reproduce;
pub mod resale;
pub mod scenario;
pub mod strategy;
pub mod values;

pub use error::Error;
