//! The table of known smoothness constants and the bounds they give.

use serde::Serialize;

use super::Smoothness;

/// Whether the bound also holds when bidders may buy information about
/// rivals before the auction (paper 003, Theorem 1 via Lemma 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InformationAcquisition {
    /// Sound: the format is semi-smooth (the deviation uses only the
    /// bidder's own value), so Theorem 2's argument applies even though
    /// information acquisition correlates rivals' bids with one's type.
    Sound,
    /// Rests on Lemma 1's proof step that treats rivals' equilibrium bids as
    /// independent of the deviator's type, which fails when rivals acquire
    /// information about it (003 digest §2.4, §7.1). A claim to test.
    RestsOnLemma1Independence,
    /// No bound to extend.
    NotApplicable,
}

/// A known price-of-anarchy bound of a primary mechanism, valid for every
/// Bayes–Nash equilibrium of the combined market with any voluntary,
/// weakly budget-balanced aftermarket and any disclosure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bound {
    /// The mechanism's name as the library spells it.
    pub mechanism: &'static str,
    /// The smoothness constants, or `None` when there is no bound.
    pub smoothness: Option<Smoothness>,
    /// Whether the deviation depends on the bidder's own value only
    /// (so the bound holds for correlated values too; paper 003 Thm 2).
    pub semi_smooth: bool,
    /// \\(\mu/\lambda\\) in closed form, e.g. `e/(e−1)`; or `none`.
    pub ratio_text: &'static str,
    /// Where the constants come from, or why there is no bound.
    pub reference: &'static str,
    /// Whether the bound extends to costly information acquisition.
    pub information_acquisition: InformationAcquisition,
}

impl Bound {
    /// \\(\mu/\lambda\\), or `None` when there is no bound.
    pub fn poa(&self) -> Option<f64> {
        self.smoothness.map(|s| s.poa())
    }

    /// One line for reports, e.g. `e/(e−1) ≈ 1.582 (first-price, λ = 1 − 1/e, μ = 1)`.
    pub fn describe(&self) -> String {
        match self.smoothness {
            Some(s) => {
                let lambda = if (s.lambda - super::ONE_MINUS_INV_E).abs() < 1e-12 {
                    "1 − 1/e".to_string()
                } else {
                    format!("{}", s.lambda)
                };
                let info = match self.information_acquisition {
                    InformationAcquisition::RestsOnLemma1Independence => {
                        "; with information acquisition rests on paper 003 Lemma 1's independence step"
                    }
                    _ => "",
                };
                format!(
                    "{} ≈ {:.3} ({}, λ = {lambda}, μ = {}{info})",
                    self.ratio_text,
                    s.poa(),
                    self.mechanism,
                    s.mu
                )
            }
            None => format!("no bound ({})", self.reference),
        }
    }
}

const FIRST_PRICE_REF: &str = "Roughgarden 2012; Syrgkanis–Tardos 2013; paper 003 Table 1";

/// Every mechanism with a recorded bound, in table order.
pub const KNOWN_BOUNDS: &[Bound] = &[
    Bound {
        mechanism: "first-price",
        smoothness: Some(Smoothness::FIRST_PRICE),
        semi_smooth: true,
        ratio_text: "e/(e−1)",
        reference: FIRST_PRICE_REF,
        information_acquisition: InformationAcquisition::Sound,
    },
    Bound {
        mechanism: "all-pay",
        smoothness: Some(Smoothness::ALL_PAY),
        semi_smooth: false,
        ratio_text: "2",
        reference: "Roughgarden 2012; Syrgkanis–Tardos 2013; paper 003 Table 1",
        information_acquisition: InformationAcquisition::RestsOnLemma1Independence,
    },
    Bound {
        mechanism: "pay-as-bid",
        smoothness: Some(Smoothness::FIRST_PRICE),
        semi_smooth: true,
        ratio_text: "e/(e−1)",
        reference: "de Keijzer, Markakis, Schäfer, Telelis 2013; paper 004 Cor. 1, Prop. 4",
        information_acquisition: InformationAcquisition::Sound,
    },
    Bound {
        mechanism: "simultaneous-first-price",
        smoothness: Some(Smoothness::FIRST_PRICE),
        semi_smooth: false,
        ratio_text: "e/(e−1)",
        reference: "Syrgkanis–Tardos 2013 (submodular values); paper 003 Table 1",
        information_acquisition: InformationAcquisition::RestsOnLemma1Independence,
    },
    Bound {
        mechanism: "simultaneous-all-pay",
        smoothness: Some(Smoothness::ALL_PAY),
        semi_smooth: false,
        ratio_text: "2",
        reference: "Syrgkanis–Tardos 2013 (submodular values); paper 003 Table 1",
        information_acquisition: InformationAcquisition::RestsOnLemma1Independence,
    },
    Bound {
        mechanism: "second-price",
        smoothness: None,
        semi_smooth: false,
        ratio_text: "none",
        reference: "second-price is not smooth: a bidder with no value overbids and wins at price 0 \
(paper 003 Example 2: PoA Θ(log H) with resale)",
        information_acquisition: InformationAcquisition::NotApplicable,
    },
    Bound {
        mechanism: "uniform-price",
        smoothness: None,
        semi_smooth: false,
        ratio_text: "none",
        reference: "uniform-price is not smooth: overbidding wins units at a price of 0 \
(paper 004 Example 1: PoA Ω(log m) with resale)",
        information_acquisition: InformationAcquisition::NotApplicable,
    },
    Bound {
        mechanism: "multi-unit-vickrey",
        smoothness: None,
        semi_smooth: false,
        ratio_text: "none",
        reference: "multi-unit Vickrey is not smooth: overbidding wins units at a price of 0, as in second-price",
        information_acquisition: InformationAcquisition::NotApplicable,
    },
];

/// The known bound for the mechanism named `mechanism` (as
/// [`Mechanism::name`](crate::mechanism::Mechanism::name) spells it).
/// Formats with no entry get a `None` bound saying none is recorded.
///
/// The all-pay and simultaneous formats are smooth but not known to be
/// semi-smooth; their bound with information acquisition is marked
/// [`InformationAcquisition::RestsOnLemma1Independence`].
///
/// ```
/// use aftermarket::analysis::smoothness::poa_bound;
/// let b = poa_bound("first-price");
/// assert!((b.poa().unwrap_or(0.0) - 1.581_976_7).abs() < 1e-7);
/// assert_eq!(poa_bound("uniform-price").poa(), None);
/// ```
pub fn poa_bound(mechanism: &str) -> Bound {
    KNOWN_BOUNDS
        .iter()
        .find(|b| b.mechanism == mechanism)
        .cloned()
        .unwrap_or(Bound {
            mechanism: "unlisted",
            smoothness: None,
            semi_smooth: false,
            ratio_text: "none",
            reference: "no smoothness bound recorded for this format",
            information_acquisition: InformationAcquisition::NotApplicable,
        })
}
