//! The scenario file as written: serde structures, no checks beyond shape.
//!
//! Unknown fields are errors everywhere, so a misspelt key is reported,
//! not silently ignored. Kinds are kebab-case tags.

use serde::{Deserialize, Serialize};

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawScenario {
    /// A name for reports.
    pub name: String,
    /// What the market is.
    #[serde(default)]
    pub description: Option<String>,
    /// Where it comes from (paper, example).
    #[serde(default)]
    pub source: Option<String>,
    /// What is sold.
    pub goods: RawGoods,
    /// The bidders.
    #[serde(default)]
    pub bidders: Vec<RawBidder>,
    /// A joint (correlated) prior over the profile, replacing the bidders'
    /// own values or priors.
    #[serde(default)]
    pub profile: Option<RawProfile>,
    /// `complete` or `private`; default complete when every bidder has
    /// fixed values, private otherwise.
    #[serde(default)]
    pub information: Option<String>,
    /// The optional information-acquisition stage.
    #[serde(default)]
    pub acquisition: Option<RawAcquisition>,
    /// The primary mechanism.
    pub mechanism: RawMechanism,
    /// What bidders see after the auction.
    #[serde(default)]
    pub disclosure: Option<String>,
    /// The aftermarket.
    #[serde(default)]
    pub aftermarket: Option<RawAftermarket>,
    /// How to run it.
    #[serde(default)]
    pub run: RawRun,
}

/// What is sold.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", tag = "kind")]
pub enum RawGoods {
    /// One item.
    Single,
    /// `m` identical units.
    Units {
        /// Number of units.
        m: usize,
    },
    /// Distinct items.
    Items {
        /// Number of items.
        n: usize,
        /// Optional names.
        #[serde(default)]
        names: Vec<String>,
    },
}

/// A package value.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPackage {
    /// Item indices (0-based) or names.
    pub items: Vec<toml::Value>,
    /// The package's value.
    pub value: f64,
}

/// One type of a finite law.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawType {
    /// Marginal values (or one number).
    #[serde(default)]
    pub values: Option<toml::Value>,
    /// Package values.
    #[serde(default)]
    pub packages: Option<Vec<RawPackage>>,
    /// Its probability.
    pub probability: f64,
}

/// A bidder.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawBidder {
    /// Its name.
    pub name: String,
    /// Fixed (known) values: a number, or marginal values.
    #[serde(default)]
    pub values: Option<toml::Value>,
    /// Fixed package values.
    #[serde(default)]
    pub packages: Option<Vec<RawPackage>>,
    /// A prior over a scalar value.
    #[serde(default)]
    pub prior: Option<RawPrior>,
    /// How the scalar becomes a valuation: `single`, `{ flat = m }`,
    /// `{ affine = [[a, b], ...] }`, `{ sorted-draws = m }`.
    #[serde(default)]
    pub shape: Option<toml::Value>,
    /// A finite law over valuations.
    #[serde(default)]
    pub types: Option<Vec<RawType>>,
    /// The bidding strategy.
    #[serde(default)]
    pub strategy: Option<toml::Value>,
}

/// A scalar prior.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", tag = "kind")]
pub enum RawPrior {
    /// Uniform on \[lo, hi\].
    Uniform {
        /// Lower end.
        #[serde(default)]
        lo: f64,
        /// Upper end.
        hi: f64,
    },
    /// F(v) = (v/w)^a on \[0, w\].
    Power {
        /// Upper end.
        #[serde(default = "one")]
        w: f64,
        /// Exponent.
        a: f64,
    },
    /// F = 1 − 1/v on \[1, h), atom 1/h at h.
    CappedEqualRevenue {
        /// The cap.
        h: f64,
    },
    /// A point mass.
    PointMass {
        /// The point.
        x: f64,
    },
    /// A finite law.
    Discrete {
        /// The points.
        points: Vec<f64>,
        /// Their probabilities.
        probabilities: Vec<f64>,
    },
    /// A mixture.
    Mixture {
        /// The components.
        components: Vec<RawPrior>,
        /// Their weights.
        weights: Vec<f64>,
    },
    /// A normal law truncated to \[lo, hi\].
    TruncatedNormal {
        /// Mean before truncation.
        mean: f64,
        /// Standard deviation before truncation.
        sd: f64,
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
    },
    /// A piecewise-linear CDF through (x, F) points.
    Tabulated {
        /// Points.
        x: Vec<f64>,
        /// CDF values.
        cdf: Vec<f64>,
    },
    /// A continuous law with its CDF written as a formula in `x`.
    Formula {
        /// The CDF, e.g. `"1 - 1 / (1 + 9 * x)"`.
        cdf: String,
        /// Lower end (F = 0).
        lo: f64,
        /// Upper end (F = 1).
        hi: f64,
    },
    /// The empirical law of a CSV column.
    Empirical {
        /// CSV path, relative to the scenario file.
        path: String,
        /// The column.
        column: String,
    },
}

fn one() -> f64 {
    1.0
}

/// A joint prior over the profile.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", tag = "kind")]
pub enum RawProfile {
    /// A finite joint table.
    JointTable {
        /// The profiles.
        profiles: Vec<RawJointRow>,
    },
    /// Value of bidder i = common + private_i.
    CommonComponent {
        /// The common part.
        common: RawPrior,
        /// Each bidder's private part.
        private: Vec<RawPrior>,
    },
}

/// One row of a joint table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawJointRow {
    /// Each bidder's values (a number or marginal values).
    pub values: Vec<toml::Value>,
    /// Probability.
    pub probability: f64,
}

/// The information-acquisition stage.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawAcquisition {
    /// Cost per bidder.
    pub cost: Vec<f64>,
    /// Which bidders acquire.
    pub acquire: Vec<bool>,
}

/// The primary mechanism.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawMechanism {
    /// The format.
    pub kind: String,
    /// Reserve price.
    #[serde(default)]
    pub reserve: Option<f64>,
    /// Tie rule: `random`, `{ priority = [...] }`, `{ favour = "X" }`,
    /// `{ against = "X" }`.
    #[serde(default)]
    pub tie: Option<toml::Value>,
    /// Whether zero bids may win.
    #[serde(default)]
    pub zero_bids_win: Option<bool>,
    /// Uniform price: `highest-losing` or `lowest-winning`.
    #[serde(default)]
    pub price_rule: Option<String>,
    /// Posted price per unit.
    #[serde(default)]
    pub price: Option<f64>,
    /// Posted prices for 1, 2, … units.
    #[serde(default)]
    pub bundle_prices: Option<Vec<f64>>,
    /// Arrival order for posted prices.
    #[serde(default)]
    pub arrival: Option<Vec<String>>,
}

/// The aftermarket.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawAftermarket {
    /// The kind.
    pub kind: String,
    /// Two-bidder Nash bargaining: the weak bidder's share.
    #[serde(default)]
    pub alpha: Option<f64>,
    /// The weak bidder.
    #[serde(default)]
    pub weak: Option<String>,
    /// Bargaining weights, one per bidder.
    #[serde(default)]
    pub weights: Option<Vec<f64>>,
    /// Probability that trade is possible.
    #[serde(default)]
    pub trade_probability: Option<f64>,
    /// Cost per unit traded.
    #[serde(default)]
    pub cost: Option<f64>,
    /// Who bears it: `buyer`, `seller`, `both`.
    #[serde(default)]
    pub cost_bearer: Option<String>,
    /// Take-it-or-leave-it: `holder` or `buyer`.
    #[serde(default)]
    pub proposer: Option<String>,
    /// `accept` or `reject` at indifference.
    #[serde(default)]
    pub indifference: Option<String>,
    /// The reseller.
    #[serde(default)]
    pub seller: Option<String>,
    /// The order in which buyers may buy.
    #[serde(default)]
    pub buyer_order: Option<Vec<String>>,
    /// Bid-contingent trade: the bid profile (one bid per bidder) that
    /// allows trade.
    #[serde(default)]
    pub trigger: Option<Vec<f64>>,
    /// Bid-contingent trade: the buyer.
    #[serde(default)]
    pub buyer: Option<String>,
    /// Bid-contingent trade: what the seller receives.
    #[serde(default)]
    pub seller_receives: Option<f64>,
    /// Bid-contingent trade: what the buyer pays.
    #[serde(default)]
    pub buyer_pays: Option<f64>,
    /// Bid-contingent trade: what third parties receive, by name.
    #[serde(default)]
    pub side_payments: Option<std::collections::BTreeMap<String, f64>>,
}

/// How to run the scenario.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRun {
    /// The seed.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Monte Carlo episodes.
    #[serde(default)]
    pub episodes: Option<usize>,
    /// `auto`, `exact` or `monte-carlo`.
    #[serde(default)]
    pub method: Option<String>,
}
