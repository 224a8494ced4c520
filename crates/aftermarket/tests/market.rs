//! The combined market's runner: accounting, determinism, exact vs Monte
//! Carlo, and what survives a failure.

use aftermarket::market::{MarketError, McConfig};
use aftermarket::scenario::Scenario;
use proptest::prelude::*;

fn scenario(text: &str) -> Scenario {
    Scenario::from_toml(text, "test.toml", None).expect("valid scenario")
}

const MECHANISMS: &[&str] = &[
    "uniform-price",
    "pay-as-bid",
    "multi-unit-vickrey",
    "vickrey-package",
];
const AFTERMARKETS: &[&str] = &[
    "kind = \"none\"",
    "kind = \"nash-bargaining\"",
    "kind = \"nash-bargaining\"\ntrade-probability = 0.6\ncost = 0.05\ncost-bearer = \"both\"",
    "kind = \"competitive\"",
    "kind = \"take-it-or-leave-it\"",
    "kind = \"winner-posts-price\"",
    "kind = \"sequential-posted-prices\"",
];

fn market_text(
    values: &[Vec<f64>],
    bids: &[Vec<f64>],
    m: usize,
    mech: &str,
    after: &str,
) -> String {
    let mut s = format!(
        "name = \"random\"\ninformation = \"complete\"\n[goods]\nkind = \"units\"\nm = {m}\n"
    );
    for (i, (v, b)) in values.iter().zip(bids).enumerate() {
        s.push_str(&format!(
            "[[bidders]]\nname = \"b{i}\"\nvalues = {v:?}\nstrategy = {{ kind = \"fixed\", bid = {b:?} }}\n"
        ));
    }
    s.push_str(&format!(
        "[mechanism]\nkind = \"{mech}\"\n[aftermarket]\n{after}\n"
    ));
    s
}

fn non_increasing(len: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(0u8..20, len).prop_map(|mut v| {
        v.sort_unstable_by(|a, b| b.cmp(a));
        v.into_iter().map(|x| f64::from(x) / 2.0).collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Final welfare − trade costs = payoffs + revenue + net aftermarket
    /// payments, on every branch; branch probabilities sum to 1; the
    /// aftermarket never subsidises trade; goods are conserved.
    #[test]
    fn accounting_identity_holds_on_every_branch(
        n in 2usize..4,
        m in 1usize..4,
        mech in 0usize..MECHANISMS.len(),
        after in 0usize..AFTERMARKETS.len(),
        seed_values in proptest::collection::vec(non_increasing(3), 4),
        seed_bids in proptest::collection::vec(non_increasing(3), 4),
    ) {
        let values: Vec<Vec<f64>> = seed_values.iter().take(n).map(|v| v[..m].to_vec()).collect();
        let bids: Vec<Vec<f64>> = seed_bids.iter().take(n).map(|v| v[..m].to_vec()).collect();
        let sc = scenario(&market_text(&values, &bids, m, MECHANISMS[mech], AFTERMARKETS[after]));
        let rep = sc.market.exact().expect("runs");
        prop_assert!(rep.identity_gap < 1e-9, "identity gap {}", rep.identity_gap);
        let total: f64 = rep.branches.iter().map(|b| b.probability).sum();
        prop_assert!((total - 1.0).abs() < 1e-9);
        for b in &rep.branches {
            prop_assert!(b.episode.resale.surplus() >= -1e-9);
            let before: usize = b.episode.outcome.allocation.iter().map(|h| h.count()).sum::<usize>() + b.episode.outcome.unsold.count();
            prop_assert_eq!(before, m);
            let after: usize = b.episode.resale.holdings.iter().map(|h| h.count()).sum();
            prop_assert_eq!(after + b.episode.outcome.unsold.count(), m);
            prop_assert!(b.episode.record.final_welfare <= b.episode.record.optimal_welfare + 1e-9);
        }
    }
}

const CONTINUOUS: &str = r#"
name = "fp + tioli"
information = "private"
[goods]
kind = "single"
[[bidders]]
name = "A"
prior = { kind = "uniform", hi = 1 }
strategy = { kind = "linear", slope = 0.5 }
[[bidders]]
name = "B"
prior = { kind = "power", a = 2 }
strategy = { kind = "linear", slope = 0.6 }
[mechanism]
kind = "first-price"
[aftermarket]
kind = "take-it-or-leave-it"
"#;

#[test]
fn monte_carlo_does_not_depend_on_the_thread_count() {
    let sc = scenario(CONTINUOUS);
    let cfg = McConfig {
        episodes: 20_000,
        seed: 11,
        batch: 1000,
    };
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool")
            .install(|| sc.market.monte_carlo(cfg, None).expect("runs"))
    };
    let one = run(1);
    let two = run(2);
    let three = run(3);
    for k in 0..one.estimates.len() {
        assert_eq!(one.estimates[k], two.estimates[k], "{}", one.names[k]);
        assert_eq!(one.estimates[k], three.estimates[k], "{}", one.names[k]);
    }
    assert!(one.identity_gap < 1e-9);
}

#[test]
fn another_seed_gives_other_numbers() {
    let sc = scenario(CONTINUOUS);
    let a = sc
        .market
        .monte_carlo(
            McConfig {
                episodes: 5000,
                seed: 1,
                batch: 1000,
            },
            None,
        )
        .expect("runs");
    let b = sc
        .market
        .monte_carlo(
            McConfig {
                episodes: 5000,
                seed: 2,
                batch: 1000,
            },
            None,
        )
        .expect("runs");
    let (ra, rb) = (
        a.get("revenue").expect("revenue").mean,
        b.get("revenue").expect("revenue").mean,
    );
    assert!((ra - rb).abs() > 1e-12, "{ra} {rb}");
}

/// A finite market evaluated exactly and by Monte Carlo agrees within
/// five standard errors on every measure.
#[test]
fn exact_and_monte_carlo_agree_on_a_finite_market() {
    let text = r#"
name = "finite"
information = "private"
[goods]
kind = "single"
[[bidders]]
name = "A"
prior = { kind = "discrete", points = [0.2, 0.5, 0.9], probabilities = [0.3, 0.3, 0.4] }
strategy = { kind = "linear", slope = 0.9 }
[[bidders]]
name = "B"
prior = { kind = "discrete", points = [0.1, 0.6, 1.0], probabilities = [0.5, 0.25, 0.25] }
strategy = { kind = "linear", slope = 0.4 }
[mechanism]
kind = "first-price"
[aftermarket]
kind = "take-it-or-leave-it"
"#;
    let sc = scenario(text);
    let exact = sc.market.exact().expect("exact");
    let mc = sc
        .market
        .monte_carlo(
            McConfig {
                episodes: 200_000,
                seed: 5,
                batch: 4096,
            },
            None,
        )
        .expect("mc");
    for (name, m) in exact.names.iter().zip(&exact.means) {
        let e = mc.get(name).expect("same measures");
        assert!(
            e.agrees(*m, 5.0, 1e-12),
            "{name}: exact {m}, monte carlo {e:?}"
        );
    }
    // Resale does happen here, so the check is not vacuous.
    assert!(exact.get("resale_probability").expect("measure") > 0.05);
}

/// First-price, two i.i.d. uniform bidders bidding v/2, winner's
/// take-it-or-leave-it resale: efficient, revenue 1/3, no trade.
#[test]
fn symmetric_first_price_with_resale_is_efficient() {
    let sc = scenario(
        &CONTINUOUS
            .replace(
                "prior = { kind = \"power\", a = 2 }",
                "prior = { kind = \"uniform\", hi = 1 }",
            )
            .replace("slope = 0.6", "slope = 0.5"),
    );
    let r = sc
        .market
        .monte_carlo(
            McConfig {
                episodes: 100_000,
                seed: 3,
                batch: 4096,
            },
            None,
        )
        .expect("mc");
    assert!(r.get("revenue").expect("m").agrees(1.0 / 3.0, 5.0, 0.0));
    assert!(r.get("resale_probability").expect("m").mean < 1e-12);
    assert!(r.efficiency.expect("ratio").mean > 1.0 - 1e-12);
}

/// A failing episode stops the run but keeps every finished batch.
#[test]
fn a_failure_keeps_what_finished() {
    let text = CONTINUOUS.replace(
        "strategy = { kind = \"linear\", slope = 0.6 }",
        "strategy = { kind = \"formula\", expr = \"v / 2 + 0 * math::ln(0.9999 - v)\" }",
    );
    let sc = scenario(&text);
    match sc.market.monte_carlo(
        McConfig {
            episodes: 50_000,
            seed: 9,
            batch: 500,
        },
        None,
    ) {
        Err(MarketError::Partial {
            completed,
            requested,
            error,
        }) => {
            assert_eq!(requested, 50_000);
            assert!(
                completed.episodes > 0 && completed.episodes < 50_000,
                "completed {}",
                completed.episodes
            );
            assert!(error.to_string().contains("bidder B"), "{error}");
        }
        other => panic!("expected a partial failure, got {other:?}"),
    }
}

/// A posted price sells to the first arrival willing to pay, so a holder
/// learns nothing about the later arrival: its resale offer is priced
/// against the prior. (Conditioning on "the loser bid less", as in an
/// auction, wrongly put buyer 2's value at 0 and killed all resale.)
#[test]
fn posted_price_winner_resells_against_the_prior() {
    let sc = aftermarket::scenario::builtin::load("prophet-price-resale.toml").expect("builtin");
    let cfg = McConfig {
        episodes: 20_000,
        seed: 7,
        ..McConfig::default()
    };
    let rep = sc.market.monte_carlo(cfg, None).expect("run");
    let resale = rep.get("resale_probability").expect("measure");
    // Buyer 1 always buys and posts H/ε = 100; only v2 = 100 (ε/H = 0.01) buys.
    assert!(
        (resale.mean - 0.01).abs() < 4.0 * resale.std_error.unwrap_or(0.0) + 1e-9,
        "resale probability {}",
        resale.mean
    );
    let paid = rep.get("resale_payments").expect("measure");
    assert!((paid.mean / resale.mean - 100.0).abs() < 1e-6);
}
