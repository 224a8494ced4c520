//! The worked scenarios of `scenarios/`, built into the library so that
//! `aftermarket reproduce` works from any folder.

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        /// (file name, text) of every built-in scenario.
        pub const SCENARIOS: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../../../scenarios/", $name)))),*
        ];
    };
}

builtin!(
    "pagnozzi-ex1-separate-no-resale.toml",
    "pagnozzi-ex1-separate-resale.toml",
    "pagnozzi-ex1-separate-resale-outbid.toml",
    "pagnozzi-ex1-bundle-no-resale.toml",
    "pagnozzi-ex1-bundle-resale.toml",
    "pagnozzi-ex2-no-resale-full.toml",
    "pagnozzi-ex2-no-resale-reduce.toml",
    "pagnozzi-ex2-resale-full.toml",
    "pagnozzi-ex2-resale-reduce.toml",
    "first-price-uniform-resale.toml",
    "first-price-asymmetric-resale.toml",
    "speculator-uniform-price.toml",
    "prophet-price-resale.toml",
    "balanced-price-resale.toml",
    "second-price-tioli-equal-revenue.toml",
    "uniform-price-sequential-resale.toml",
    "first-price-winner-posts.toml",
    "all-pay-winner-posts.toml",
    "bid-contingent-resale.toml",
);

/// The text of the built-in scenario `name`.
pub fn text(name: &str) -> Option<&'static str> {
    SCENARIOS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Parses the built-in scenario `name`.
///
/// # Errors
/// An unknown name, or a scenario that does not check (a bug: the built-in
/// scenarios are tested).
pub fn load(name: &str) -> Result<super::Scenario, super::ScenarioError> {
    let t = text(name).ok_or_else(|| super::ScenarioError {
        origin: name.to_string(),
        field: "(file)".into(),
        message: "no built-in scenario of that name".into(),
    })?;
    super::Scenario::from_toml(t, &format!("scenarios/{name}"), None)
}
