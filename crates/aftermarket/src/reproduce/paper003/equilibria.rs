//! Paper 003's equilibrium claims, checked by the combined-market
//! verifiers: Example 2's profile has regret 0 (T9); Example 4's profile is
//! reported as not an equilibrium, with the deviations found (T12, an
//! erratum); two rounds of elimination of weakly dominated strategies
//! remove Example 2's bids and keep truthful bidding (Theorem 4, T16);
//! an auction equilibrium followed by no trade keeps its welfare
//! (Observation 1, T17), with the price of stability computed as
//! OPT / best verified equilibrium welfare.

use super::super::{Item, ReproduceError, Source};
use crate::equilibrium::{
    BayesOptions, BayesReport, BidPolicy, FiniteGame, SecondPriceResale, eliminate, verify_bayes,
};
use crate::market::MarketError;
use crate::resale::NoResale;
use crate::scenario::{Scenario, builtin};

/// Gains above this count as profitable deviations.
const GAIN_TOL: f64 = 1e-9;

fn missing(what: &str) -> ReproduceError {
    MarketError::Invalid(format!("no check of {what}")).into()
}

/// Example 2 at top value `h`: v1 = 1, v2 capped equal-revenue on [1, h],
/// second-price auction, holder's take-it-or-leave-it resale, Γ = ⊥; the
/// bids are `bid1` and `bid2` (`truthful` or a number).
fn example2(h: f64, bid1: &str, bid2: &str) -> Result<Scenario, ReproduceError> {
    let strat = |b: &str| {
        if b == "truthful" {
            "\"truthful\"".to_string()
        } else {
            format!("{{ kind = \"fixed\", bid = [{b}] }}")
        }
    };
    let text = format!(
        r#"name = "Paper 003, Example 2, H = {h}"
information = "private"
disclosure = "own-outcome"
[goods]
kind = "single"
[[bidders]]
name = "1"
values = [1]
strategy = {s1}
[[bidders]]
name = "2"
prior = {{ kind = "capped-equal-revenue", h = {h} }}
strategy = {s2}
[mechanism]
kind = "second-price"
[aftermarket]
kind = "take-it-or-leave-it"
proposer = "holder"
"#,
        s1 = strat(bid1),
        s2 = strat(bid2)
    );
    Ok(Scenario::from_toml(&text, "<paper 003, example 2>", None)?)
}

fn t9() -> Result<Vec<Item>, ReproduceError> {
    let h = 10.0;
    let sc = example2(h, "10", "0")?;
    // A grid of H quantile points puts mass exactly 1/H on the atom at H.
    let opts = BayesOptions {
        grid: h as usize,
        ..BayesOptions::default()
    };
    let rep = verify_bayes(&sc.market, &opts)?;
    let how = format!(
        "equilibrium::verify_bayes on scenario text (second-price, holder TIOLI priced per outcome), \
{}-point quantile grid for v2, critical bids, both tie directions",
        opts.grid
    );
    let mut items = vec![
        Item::compare(
            "t9.ex2.h10.regret",
            "Ex. 2, H = 10: the profile (1 bids H, resells at H; 2 bids 0) has regret 0",
            0.0,
            Source::Paper,
            rep.max_gain(),
            GAIN_TOL,
            &how,
        ),
        Item::compare(
            "t9.ex2.h10.u1",
            "Ex. 2, H = 10: agent 1's utility 2 − 1/H (resale price H maximises 2 − 1/p)",
            2.0 - 1.0 / h,
            Source::Paper,
            rep.ex_ante.payoffs[0],
            1e-9,
            &how,
        ),
        Item::compare(
            "t9.ex2.h10.resale",
            "Ex. 2, H = 10: resale happens iff v2 = H (probability 1/H)",
            1.0 / h,
            Source::Derived,
            rep.ex_ante.resale_probability,
            1e-9,
            &how,
        ),
    ];
    // The price agent 1 posts, read off the play where v2 = H.
    let values = vec![
        crate::values::Valuation::single(1.0).map_err(MarketError::from)?,
        crate::values::Valuation::single(h).map_err(MarketError::from)?,
    ];
    let price = sc
        .market
        .branches(&values)?
        .iter()
        .flat_map(|b| b.episode.resale.trades.iter().map(|t| t.price))
        .next()
        .unwrap_or(f64::NAN);
    items.push(Item::compare(
        "t9.ex2.h10.price",
        "Ex. 2, H = 10: agent 1's resale price, optimised against the prior (argmax 2 − 1/p = H)",
        h,
        Source::Paper,
        price,
        1e-6,
        "market branches at v2 = H; take-it-or-leave-it price optimised per outcome",
    ));
    Ok(items)
}

fn t12() -> Result<Vec<Item>, ReproduceError> {
    let file = "bid-contingent-resale.toml";
    let sc = builtin::load(file)?;
    let opts = BayesOptions {
        extra_levels: vec![1.0],
        ..BayesOptions::default()
    };
    let rep = verify_bayes(&sc.market, &opts)?;
    let how = format!(
        "scenarios/{file}, equilibrium::verify_bayes (exact over the 4 type profiles, critical bids \
with the reserve, both tie directions)"
    );
    let at = |b: &str, v: f64| rep.at(b, v).ok_or_else(|| missing(b));
    let two_hi = at("2", 2.0)?;
    let two_lo = at("2", 0.0)?;
    let erratum = "the paper states the profile is a BNE; it is not (digest 003 §4.6)";
    let mut items = vec![
        Item::compare(
            "t12.ex4.unsold",
            "Ex. 4: the item is unsold with probability 3/16 under the stated profile",
            3.0 / 16.0,
            Source::Paper,
            1.0 - rep.ex_ante.sold,
            1e-12,
            &how,
        ),
        Item::compare(
            "t12.ex4.u2-v2",
            "Ex. 4: agent 2 of value 2 earns 3/4·(3 − 2) = 0.75 in the profile",
            0.75,
            Source::Derived,
            two_hi.payoff,
            1e-12,
            &how,
        ),
        Item::compare(
            "t12.ex4.gain-2-v2",
            &format!(
                "Ex. 4: agent 2 of value 2 gains 0.25 by bidding just above 1 (found: {}, ties {})",
                two_hi.best_deviation.describe(),
                two_hi.tie
            ),
            0.25,
            Source::Derived,
            two_hi.gain,
            10.0 * opts.eps,
            &how,
        )
        .erratum(erratum),
        Item::compare(
            "t12.ex4.gain-2-v0",
            &format!(
                "Ex. 4: agent 2 of value 0 gains 3/4·1 − 1/4·2 = 0.25 by bidding 2 (found: {})",
                two_lo.best_deviation.describe()
            ),
            0.25,
            Source::Derived,
            two_lo.gain,
            10.0 * opts.eps,
            &how,
        )
        .erratum(erratum),
    ];
    for b in ["1", "3"] {
        let w = rep.worst(b).ok_or_else(|| missing(b))?;
        items.push(Item::compare(
            &format!("t12.ex4.gain-{b}"),
            &format!("Ex. 4: agent {b} has no profitable deviation"),
            0.0,
            Source::Derived,
            w.gain,
            GAIN_TOL,
            &how,
        ));
    }
    Ok(items)
}

fn t16() -> Result<Vec<Item>, ReproduceError> {
    // Example 2's structure with H = 3: v1 = 1, v2 ∈ {1, 2, 3} with
    // Pr(v2 ≥ p) = 1/p; bids, asks and thresholds on {0, 0.5, …, 3}.
    let h = 3.0;
    let v2 = [1.0, 2.0, 3.0];
    let p2 = [0.5, 1.0 / 6.0, 1.0 / 3.0];
    let g = SecondPriceResale::grid(vec![vec![1.0], v2.to_vec()], h, 0.5)?;
    let rounds = eliminate(&g, 2, 1e-12)?;
    let how = format!(
        "equilibrium::eliminate on SecondPriceResale (second-price, coin-flip ties, Γ = ⊥, holder posts \
to the loser), {} actions per type, simultaneous elimination",
        g.n_actions(0)
    );
    // Example 2's profile: 1 bids H and asks H; 2 bids 0, accepts up to
    // its value and asks H as a holder.
    let ex2 = |v: f64| BidPolicy {
        bid: 0.0,
        price: Some(h),
        accept_up_to: Some(v),
    };
    let survives = |round: usize, t: usize| -> Result<bool, ReproduceError> {
        let a = g
            .index_of(&ex2(v2[t]))
            .ok_or_else(|| missing("example 2 action"))?;
        Ok(rounds[round].survivors[1][t].contains(&a))
    };
    let after_one = (0..3)
        .filter_map(|t| survives(0, t).ok())
        .filter(|s| *s)
        .count();
    let after_two = (0..3)
        .filter_map(|t| survives(1, t).ok())
        .filter(|s| *s)
        .count();
    // Truthful bidding survives for every type, with some policy.
    let truthful_alive = (0..2)
        .flat_map(|i| (0..g.n_types(i)).map(move |t| (i, t)))
        .filter(|&(i, t)| {
            rounds[1].survivors[i][t]
                .iter()
                .any(|&a| (g.action(i, a).bid - g.value(i, t)).abs() < 1e-12)
        })
        .count();
    // Welfare of truthful bidding, asking H and accepting up to value
    // (no trade on path), against OPT = E[max(v1, v2)]: the payoffs plus
    // the second-price revenue.
    let truthful = |v: f64| BidPolicy {
        bid: v,
        price: Some(h),
        accept_up_to: Some(v),
    };
    let a1 = g
        .index_of(&truthful(1.0))
        .ok_or_else(|| missing("truthful action"))?;
    let (mut welfare, mut opt) = (0.0, 0.0);
    for t in 0..3 {
        let a2 = g
            .index_of(&truthful(v2[t]))
            .ok_or_else(|| missing("truthful action"))?;
        let acts = [a1, a2];
        let revenue = v2[t].min(1.0);
        welfare += p2[t] * (g.payoff(0, 0, &acts) + g.payoff(1, t, &acts) + revenue);
        opt += p2[t] * v2[t].max(1.0);
    }
    Ok(vec![
        Item::compare(
            "t16.ex2-bid.round1",
            "Thm 4: Example 2's bid of 0 by agent 2 survives one round (types surviving, of 3)",
            3.0,
            Source::Derived,
            after_one as f64,
            0.0,
            &how,
        ),
        Item::compare(
            "t16.ex2-bid.round2",
            "Thm 4 (T16): after two rounds Example 2's profile is eliminated (types surviving)",
            0.0,
            Source::Paper,
            after_two as f64,
            0.0,
            &how,
        ),
        Item::compare(
            "t16.truthful.round2",
            "Thm 4: truthful bidding survives two rounds for every type (types, of 4)",
            4.0,
            Source::Paper,
            truthful_alive as f64,
            0.0,
            &how,
        ),
        Item::compare(
            "t16.truthful.efficiency",
            "Thm 4: truthful bidding with no trade is efficient (welfare / OPT)",
            1.0,
            Source::Paper,
            welfare / opt,
            1e-12,
            &how,
        ),
    ])
}

fn gains_and_welfare(rep: &BayesReport) -> (f64, f64) {
    (rep.max_gain(), rep.ex_ante.welfare)
}

fn t17() -> Result<Vec<Item>, ReproduceError> {
    let file = "first-price-uniform-resale.toml";
    let sc = builtin::load(file)?;
    let grid = 8;
    let opts = BayesOptions {
        grid,
        ..BayesOptions::default()
    };
    // The auction alone, i.e. the combined market in which everyone plays
    // the aftermarket's no-trade equilibrium.
    let mut alone = sc.market.clone();
    alone.aftermarket = std::sync::Arc::new(NoResale);
    let rep_alone = verify_bayes(&alone, &opts)?;
    let rep_resale = verify_bayes(&sc.market, &opts)?;
    let (g0, w0) = gains_and_welfare(&rep_alone);
    let (g1, w1) = gains_and_welfare(&rep_resale);
    let how = format!(
        "scenarios/{file} (b = v/2), equilibrium::verify_bayes on a {grid}-point quantile grid per \
bidder, holder's offer solved per outcome"
    );
    let opt = rep_resale.ex_ante.optimal_welfare;
    Ok(vec![
        Item::compare(
            "t17.obs1.welfare",
            "Obs. 1: the auction BNE followed by no trade keeps the auction's welfare",
            w0,
            Source::Paper,
            w1,
            1e-12,
            &how,
        ),
        Item::compare(
            "t17.obs1.gain",
            &format!(
                "Obs. 1: the aftermarket adds no profitable deviation (gain with resale vs the \
auction's own grid gain {g0:.2e})"
            ),
            g0,
            Source::Derived,
            g1,
            GAIN_TOL,
            &how,
        ),
        Item::compare(
            "t17.pos.fpa-uniform",
            "Price of stability (OPT / welfare of the closed-form BNE b = v/2, an ε-equilibrium on the grid with ε the auction's own), first-price, 2 × U[0,1]",
            1.0,
            Source::Derived,
            opt / w1,
            1e-12,
            &how,
        ),
    ])
}

fn pos_example2() -> Result<Vec<Item>, ReproduceError> {
    let h = 10.0;
    let opts = BayesOptions {
        grid: h as usize,
        ..BayesOptions::default()
    };
    let truthful = verify_bayes(&example2(h, "truthful", "truthful")?.market, &opts)?;
    let bad = verify_bayes(&example2(h, "10", "0")?.market, &opts)?;
    let best = [&truthful, &bad]
        .iter()
        .filter(|r| r.is_equilibrium(GAIN_TOL))
        .map(|r| r.ex_ante.welfare)
        .fold(f64::NEG_INFINITY, f64::max);
    let opt = truthful.ex_ante.optimal_welfare;
    let how = format!(
        "equilibrium::verify_bayes on Example 2 (H = 10, {}-point grid): truthful bidding (max gain \
{:.1e}) and the paper's profile (max gain {:.1e}); PoS over the verified ones",
        opts.grid,
        truthful.max_gain(),
        bad.max_gain()
    );
    Ok(vec![
        Item::compare(
            "t17.pos.ex2-h10",
            "Ex. 2, H = 10: price of stability (OPT / best verified equilibrium welfare)",
            1.0,
            Source::Derived,
            opt / best,
            1e-12,
            &how,
        ),
        Item::compare(
            "t17.ratio.ex2-h10",
            "Ex. 2, H = 10: OPT / welfare of the paper's equilibrium (on the grid: (E[v2]) / (2 − 1/H))",
            opt / (2.0 - 1.0 / h),
            Source::Derived,
            opt / bad.ex_ante.welfare,
            1e-12,
            &how,
        ),
    ])
}

/// Every item of this module.
///
/// # Errors
/// A scenario or verification failure (a bug).
pub fn items() -> Result<Vec<Item>, ReproduceError> {
    let mut items = t9()?;
    items.extend(t12()?);
    items.extend(t16()?);
    items.extend(t17()?);
    items.extend(pos_example2()?);
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reproduce::Verdict;

    fn all_ok(items: &[Item]) {
        for it in items {
            assert_ne!(it.verdict, Verdict::Mismatch, "{it:?}");
        }
    }

    #[test]
    fn example_4_is_not_an_equilibrium() {
        let items = t12().expect("runs");
        all_ok(&items);
        assert!(items.iter().any(|i| i.verdict == Verdict::CorrectedErratum));
    }

    #[test]
    fn example_2_has_regret_zero() {
        all_ok(&t9().expect("runs"));
    }
}
