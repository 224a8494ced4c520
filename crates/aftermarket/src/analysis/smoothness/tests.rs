use super::*;
use crate::mechanism::{AllPay, AuctionRules, Bid, FirstPrice, Mechanism};
use crate::values::Valuation;

fn single(vs: &[f64]) -> Vec<Valuation> {
    vs.iter()
        .map(|v| Valuation::single(*v).expect("valid"))
        .collect()
}

#[test]
fn first_price_deviation_earns_lambda_v_minus_price() {
    let m = FirstPrice::new(AuctionRules::default()).expect("valid");
    let v = single(&[1.0, 0.3]);
    let (s, dev) = standard_deviations(&m, &v).expect("known");
    for p in [0.0, 0.2, 0.5] {
        let bids = [Bid::Single(0.1), Bid::Single(p)];
        let u = deviation_utility(&m, &v, &bids, 0, &dev[0], None).expect("ok");
        let want = (ONE_MINUS_INV_E - p).max(0.0);
        assert!((u - want).abs() < 1e-9, "p = {p}: {u} vs {want}");
    }
    assert!((s.poa() - 1.581_976_7).abs() < 1e-7);
}

#[test]
fn all_pay_deviation_earns_half_v_minus_price() {
    let m = AllPay::new(AuctionRules::default()).expect("valid");
    let v = single(&[1.0, 0.3]);
    let (_, dev) = standard_deviations(&m, &v).expect("known");
    let bids = [Bid::Single(0.0), Bid::Single(0.3)];
    let u = deviation_utility(&m, &v, &bids, 0, &dev[0], None).expect("ok");
    assert!((u - 0.2).abs() < 1e-9, "{u}");
    let _ = m.name();
}

use crate::mechanism::{
    MultiUnitVickrey, PayAsBid, PriceRule, SecondPrice, SimultaneousAllPay, SimultaneousFirstPrice,
    UniformPrice,
};
use crate::values::PackageValues;
use rand::{Rng, RngExt};

fn draw_single(n: usize) -> impl Fn(&mut dyn Rng) -> Vec<Valuation> {
    move |rng: &mut dyn Rng| {
        (0..n)
            .map(|_| Valuation::single(rng.random::<f64>()).expect("valid"))
            .collect()
    }
}

fn draw_units(n: usize, m: usize) -> impl Fn(&mut dyn Rng) -> Vec<Valuation> {
    move |rng: &mut dyn Rng| {
        (0..n)
            .map(|_| {
                let mut xs: Vec<f64> = (0..m).map(|_| rng.random::<f64>()).collect();
                xs.sort_by(|a, b| b.total_cmp(a));
                Valuation::units(xs).expect("valid")
            })
            .collect()
    }
}

/// Submodular package values on `k` items: additive, unit-demand, or a
/// weighted coverage function, drawn in turn.
fn draw_submodular(n: usize, k: usize) -> impl Fn(&mut dyn Rng) -> Vec<Valuation> {
    move |rng: &mut dyn Rng| {
        (0..n)
            .map(|_| {
                let kind = rng.random_range(0..3);
                let a: Vec<f64> = (0..k).map(|_| rng.random::<f64>()).collect();
                // Coverage: item j covers a random subset of 4 weighted elements.
                let w: Vec<f64> = (0..4).map(|_| rng.random::<f64>() / 2.0).collect();
                let cover: Vec<u32> = (0..k).map(|_| rng.random_range(1..16u32)).collect();
                let table = (0..1usize << k)
                    .map(|s| {
                        let items = (0..k).filter(|j| s >> j & 1 == 1);
                        match kind {
                            0 => items.map(|j| a[j]).sum(),
                            1 => items.map(|j| a[j]).fold(0.0, f64::max),
                            _ => {
                                let mask = items.fold(0u32, |m, j| m | cover[j]);
                                (0..4).filter(|e| mask >> e & 1 == 1).map(|e| w[e]).sum()
                            }
                        }
                    })
                    .collect();
                Valuation::Packages(PackageValues::new(k, table).expect("valid"))
            })
            .collect()
    }
}

fn quick(seed: u64) -> SearchConfig {
    SearchConfig {
        restarts: 6,
        steps: 25,
        bid_cap: 2.0,
        seed,
    }
}

fn thorough(seed: u64) -> SearchConfig {
    SearchConfig {
        restarts: 12,
        steps: 100,
        bid_cap: 2.0,
        seed,
    }
}

fn assert_holds(mech: &dyn Mechanism, draw: &dyn Fn(&mut dyn Rng) -> Vec<Valuation>, seed: u64) {
    let r = search_violation(mech, draw, None, &quick(seed)).expect("search");
    assert!(
        r.min_relative_slack >= -1e-9,
        "{}: violated at {} (slack {})",
        mech.name(),
        r.worst.describe(),
        r.min_relative_slack
    );
}

#[test]
fn first_price_and_all_pay_are_smooth_and_the_search_gets_close() {
    let fp = FirstPrice::new(AuctionRules::default()).expect("valid");
    let ap = AllPay::new(AuctionRules::default()).expect("valid");
    for n in [2, 3] {
        let r = search_violation(&fp, &draw_single(n), None, &quick(n as u64)).expect("ok");
        assert!(r.min_relative_slack >= -1e-9, "{}", r.worst.describe());
        // The inequality is tight when the rival's bid is the revenue: the
        // search must find a nearly tight profile.
        assert!(
            r.min_relative_slack < 0.05,
            "search too weak: {}",
            r.min_relative_slack
        );
        assert_holds(&ap, &draw_single(n), 10 + n as u64);
    }
}

#[test]
fn pay_as_bid_deviation_certifies_one_minus_inv_e() {
    for (n, m) in [(2, 2), (3, 2), (2, 3)] {
        let pab = PayAsBid::new(AuctionRules::default(), m).expect("valid");
        assert_holds(&pab, &draw_units(n, m), 20 + (n * m) as u64);
    }
}

#[test]
fn simultaneous_auctions_are_smooth_for_submodular_values() {
    let sfp = SimultaneousFirstPrice::new(AuctionRules::default(), 2).expect("valid");
    let sap = SimultaneousAllPay::new(AuctionRules::default(), 2).expect("valid");
    assert_holds(&sfp, &draw_submodular(2, 2), 31);
    assert_holds(&sap, &draw_submodular(2, 2), 32);
}

#[test]
fn second_price_and_uniform_price_are_not_smooth() {
    let spa = SecondPrice::new(AuctionRules::default()).expect("valid");
    let r = search_lambda_bound(&spa, &draw_single(2), 1.0, &thorough(41)).expect("ok");
    assert!(
        r.lambda_upper < 0.05,
        "{} at {}",
        r.lambda_upper,
        r.worst.describe()
    );
    let up =
        UniformPrice::new(AuctionRules::default(), 2, PriceRule::HighestLosing).expect("valid");
    let r = search_lambda_bound(&up, &draw_units(2, 2), 1.0, &thorough(42)).expect("ok");
    assert!(
        r.lambda_upper < 0.05,
        "{} at {}",
        r.lambda_upper,
        r.worst.describe()
    );
    assert!(matches!(
        standard_deviations(&up, &draw_units(2, 2)(&mut rand::rng())),
        Err(SmoothnessError::NoDeviation(_))
    ));
}

#[test]
fn best_responses_bound_the_certified_lambda_from_above() {
    // Whatever the search finds, no instance can push the best-response
    // bound below the λ the deviation certifies.
    let fp = FirstPrice::new(AuctionRules::default()).expect("valid");
    let r = search_lambda_bound(&fp, &draw_single(2), 1.0, &quick(51)).expect("ok");
    assert!(
        r.lambda_upper >= ONE_MINUS_INV_E - 1e-9,
        "{}",
        r.lambda_upper
    );
    let pab = PayAsBid::new(AuctionRules::default(), 2).expect("valid");
    let r = search_lambda_bound(&pab, &draw_units(2, 2), 1.0, &quick(52)).expect("ok");
    assert!(
        r.lambda_upper >= ONE_MINUS_INV_E - 1e-9,
        "{}",
        r.lambda_upper
    );
}

#[test]
fn constants_are_checked() {
    assert_eq!(
        Smoothness::new(1.5, 1.0)
            .expect_err("lambda > 1")
            .to_string(),
        "lambda must be in (0, 1], got 1.5"
    );
    assert_eq!(
        Smoothness::new(0.5, 0.5).expect_err("mu < 1").to_string(),
        "mu must be finite and >= 1, got 0.5"
    );
}

#[test]
fn non_submodular_values_are_refused() {
    let sfp = SimultaneousFirstPrice::new(AuctionRules::default(), 2).expect("valid");
    let comp = PackageValues::new(2, vec![0.0, 0.0, 0.0, 1.0]).expect("valid");
    let v = vec![Valuation::Packages(comp.clone()), Valuation::Packages(comp)];
    let e = standard_deviations(&sfp, &v).expect_err("complements");
    assert!(e.to_string().contains("submodular"), "{e}");
}

#[test]
fn multi_unit_vickrey_is_not_smooth() {
    let mv = MultiUnitVickrey::new(AuctionRules::default(), 2).expect("valid");
    let r = search_lambda_bound(&mv, &draw_units(2, 2), 1.0, &thorough(61)).expect("ok");
    assert!(
        r.lambda_upper < 0.05,
        "{} at {}",
        r.lambda_upper,
        r.worst.describe()
    );
}

#[test]
fn table_lists_the_papers_constants() {
    let e = std::f64::consts::E;
    assert!((poa_bound("first-price").poa().expect("bound") - e / (e - 1.0)).abs() < 1e-12);
    assert!((poa_bound("all-pay").poa().expect("bound") - 2.0).abs() < 1e-12);
    assert_eq!(
        poa_bound("all-pay").information_acquisition,
        InformationAcquisition::RestsOnLemma1Independence
    );
    assert_eq!(poa_bound("second-price").poa(), None);
    assert!(
        poa_bound("uniform-price")
            .describe()
            .starts_with("no bound")
    );
}

mod combined {
    use super::*;
    use crate::disclosure::Policy;
    use crate::resale::{
        Aftermarket, Competitive, CostBearer, Indifference, NashBargaining, NoResale, Proposer,
        SequentialPostedPrices, TakeItOrLeaveIt, WinnerPostsPrice,
    };
    use proptest::prelude::*;

    /// Every aftermarket of the library that is a trade mechanism
    /// (voluntary participation, weak budget balance) and sells units.
    fn aftermarkets(n: usize) -> Vec<Box<dyn Aftermarket>> {
        vec![
            Box::new(NoResale),
            Box::new(TakeItOrLeaveIt::new(Proposer::Holder, Indifference::Accept)),
            Box::new(TakeItOrLeaveIt::new(Proposer::Buyer, Indifference::Reject)),
            Box::new(WinnerPostsPrice::new(Indifference::Accept)),
            Box::new(
                NashBargaining::new(vec![1.0; n], 0.7, 0.05, CostBearer::Both).expect("valid"),
            ),
            Box::new(Competitive),
            Box::new(SequentialPostedPrices::new(Indifference::Accept)),
        ]
    }

    fn check(
        mech: &dyn Mechanism,
        values: &[f64],
        bids: &[f64],
        market: usize,
    ) -> Result<(), TestCaseError> {
        let v = single(values);
        let b: Vec<Bid> = bids.iter().map(|x| Bid::Single(*x)).collect();
        let markets = aftermarkets(v.len());
        let am = markets[market % markets.len()].as_ref();
        let stage2 = Stage2 {
            aftermarket: am,
            disclosure: &Policy::AllBids,
        };
        let (s, dev) = standard_deviations(mech, &v).expect("known");
        let alone = evaluate(mech, &v, &b, &dev, s, None).expect("auction");
        let with = evaluate(mech, &v, &b, &dev, s, Some(&stage2)).expect("combined");
        // Lemma 2's chain: opting out keeps the auction utility (voluntary
        // participation), and the aftermarket only adds revenue (weak
        // budget balance).
        prop_assert!((with.deviation_utility - alone.deviation_utility).abs() < 1e-9);
        prop_assert!(
            with.revenue >= alone.revenue - 1e-9,
            "{} < {}",
            with.revenue,
            alone.revenue
        );
        prop_assert!(
            with.slack >= -1e-9,
            "{} + {}: slack {} at v = {values:?}, b = {bids:?}",
            mech.name(),
            am.name(),
            with.slack
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// T13 (paper 003, Lemma 2): first-price followed by any trade
        /// mechanism, with the opt-out deviation, is (1 − 1/e, 1)-smooth.
        #[test]
        fn first_price_with_any_aftermarket_is_smooth(
            values in proptest::collection::vec(0.0f64..1.0, 2..4),
            bids in proptest::collection::vec(0.0f64..1.5, 3),
            market in 0usize..7,
        ) {
            let fp = FirstPrice::new(AuctionRules::default()).expect("valid");
            check(&fp, &values, &bids[..values.len()], market)?;
        }

        /// T13 for all-pay: (1/2, 1).
        #[test]
        fn all_pay_with_any_aftermarket_is_smooth(
            values in proptest::collection::vec(0.0f64..1.0, 2..4),
            bids in proptest::collection::vec(0.0f64..1.5, 3),
            market in 0usize..7,
        ) {
            let ap = AllPay::new(AuctionRules::default()).expect("valid");
            check(&ap, &values, &bids[..values.len()], market)?;
        }
    }

    #[test]
    fn combined_search_finds_no_violation() {
        let fp = FirstPrice::new(AuctionRules::default()).expect("valid");
        let pab = PayAsBid::new(AuctionRules::default(), 2).expect("valid");
        for am in aftermarkets(2) {
            let stage2 = Stage2 {
                aftermarket: am.as_ref(),
                disclosure: &Policy::AllBids,
            };
            let r = search_violation(&fp, &draw_single(2), Some(&stage2), &quick(71)).expect("ok");
            assert!(
                r.min_relative_slack >= -1e-9,
                "{}: {}",
                am.name(),
                r.worst.describe()
            );
            match search_violation(&pab, &draw_units(2, 2), Some(&stage2), &quick(72)) {
                Ok(r) => assert!(r.min_relative_slack >= -1e-9, "{}", r.worst.describe()),
                // Single-unit aftermarkets refuse two units: not a failure.
                Err(SmoothnessError::Resale(_)) => {}
                Err(e) => panic!("{}: {e}", am.name()),
            }
        }
    }
}

mod equilibria {
    use std::sync::Arc;

    use super::*;
    use crate::equilibrium::{DiscreteGame, DualAveraging, Format, MixedStrategy, Solve};
    use crate::prior::{Power, Prior, Uniform};
    use proptest::prelude::*;

    #[test]
    fn grid_optimum_is_the_expected_maximum() {
        let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0).expect("valid"));
        let g = DiscreteGame::new(Format::FirstPrice, 0.0, vec![u.clone(), u], 200, 4, 1.0)
            .expect("game");
        let truthless = vec![MixedStrategy::uniform(200, 4); 2];
        let w = grid_welfare(&g, &truthless).expect("fits");
        assert!((w.optimal - 2.0 / 3.0).abs() < 1e-3, "{}", w.optimal);
        // Bids independent of values: the winner is a random bidder.
        assert!((w.welfare - 0.5).abs() < 1e-3, "{}", w.welfare);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6))]

        /// T14 (paper 003, Theorems 1–2): a solved first-price or all-pay
        /// equilibrium on random priors keeps OPT / welfare within μ/λ,
        /// up to its verified ε and the grid's step.
        #[test]
        fn solved_equilibria_respect_their_bound(
            w1 in 0.5f64..2.0, w2 in 0.5f64..2.0, a in 0.5f64..3.0, all_pay in any::<bool>(),
        ) {
            let p1: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, w1).expect("valid"));
            let p2: Arc<dyn Prior> = Arc::new(Power::new(w2, a).expect("valid"));
            let (format, name) = if all_pay {
                (Format::AllPay, "all-pay")
            } else {
                (Format::FirstPrice, "first-price")
            };
            let b_max = w1.max(w2);
            let game = DiscreteGame::new(format, 0.0, vec![p1, p2], 24, 25, b_max).expect("game");
            let sol = Solve::new(&game, DualAveraging::entropic(2.0, 0.0).expect("valid"))
                .max_iters(300)
                .tol(1e-3)
                .history(false)
                .run()
                .expect("solve");
            let w = grid_welfare(&game, &sol.strategies).expect("fits");
            let s = poa_bound(name).smoothness.expect("bounded");
            let eps: f64 = sol.metrics.utility_loss.iter().sum();
            let grid_step = b_max / 24.0;
            // Wel ≥ (λ·OPT − Σε)/μ, less what the bid grid cannot express.
            let floor = (s.lambda * w.optimal - eps) / s.mu - 2.0 * grid_step;
            prop_assert!(w.welfare >= floor, "{name}: welfare {} < {floor} (OPT {})", w.welfare, w.optimal);
        }
    }
}
