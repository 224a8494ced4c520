//! Paper 000 (a global bidder against local bidders): invariants on random
//! instances, and the resale stage against the aftermarket checkers.

use std::sync::Arc;

use aftermarket::disclosure::{Disclosure, Policy};
use aftermarket::global_local::equilibria::Profile;
use aftermarket::global_local::resale::GlobalLocalResale;
use aftermarket::global_local::revenue::{Regime, market, play_in};
use aftermarket::global_local::{GlobalLocal, GlobalLocalParams, Locals, ValueFunction};
use aftermarket::mechanism::Priority;
use aftermarket::prior::Uniform;
use aftermarket::resale::{
    Aftermarket, Indifference, ResaleContext, check_budget_balance, check_conservation,
    check_voluntary_participation,
};
use proptest::prelude::*;

fn model(n: usize, beta: f64, locals: Locals) -> Arc<GlobalLocal> {
    Arc::new(
        GlobalLocalParams::new(
            n,
            ValueFunction::Power { beta },
            Arc::new(Uniform::new(0.0, 1.0).expect("ok")),
            locals,
        )
        .check()
        .expect("valid"),
    )
}

fn profiles(m: &GlobalLocal) -> Vec<Profile> {
    vec![
        Profile::proposition1(m),
        Profile::example1(m),
        Profile::half_signal(m),
        Profile::minimum_revenue(m),
        Profile::vcg_truthful(),
    ]
}

fn signals(n: usize, locals: Locals, raw: &[f64]) -> Vec<f64> {
    match locals {
        Locals::Symmetric => vec![raw[0]; n],
        Locals::Independent => raw[..n].to_vec(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn revenue_plus_payoffs_is_welfare(
        n in 2usize..=3,
        beta in 0.05f64..1.5,
        independent in any::<bool>(),
        s_g in 0.0f64..1.0,
        raw in proptest::collection::vec(0.0f64..1.0, 3),
    ) {
        let locals = if independent { Locals::Independent } else { Locals::Symmetric };
        let m = model(n, beta, locals);
        let s_l = signals(n, locals, &raw);
        for p in profiles(&m) {
            for resale in [false, true] {
                let mkt = market(&m, &Regime::new(p.clone(), resale)).expect("builds");
                let r = play_in(&mkt, &m, s_g, &s_l).expect("plays").record;
                let paid: f64 = r.payoffs.iter().sum::<f64>() + r.revenue;
                prop_assert!((r.final_welfare - paid).abs() < 1e-9, "{} {resale}: {} vs {paid}", p.name, r.final_welfare);
                prop_assert!(r.final_welfare <= r.optimal_welfare + 1e-9);
            }
        }
    }

    #[test]
    fn package_bidding_is_efficient_and_never_resold(
        n in 2usize..=3,
        beta in 0.05f64..1.5,
        independent in any::<bool>(),
        s_g in 0.0f64..1.0,
        raw in proptest::collection::vec(0.0f64..1.0, 3),
    ) {
        let locals = if independent { Locals::Independent } else { Locals::Symmetric };
        let m = model(n, beta, locals);
        let s_l = signals(n, locals, &raw);
        let mkt = market(&m, &Regime::new(Profile::vcg_truthful(), true)).expect("builds");
        let r = play_in(&mkt, &m, s_g, &s_l).expect("plays").record;
        prop_assert!(r.resale_volume.abs() < 1e-12);
        prop_assert!((r.auction_welfare - r.optimal_welfare).abs() < 1e-9);
    }

    #[test]
    fn separate_resale_beats_separate_beats_package_in_revenue(
        n in 2usize..=3,
        beta in 0.05f64..1.5,
        s_g in 0.0f64..1.0,
        s_l in 0.0f64..1.0,
    ) {
        // Section 5 (symmetric locals): R^SR >= R^SNR >= R^P, draw by draw.
        let m = model(n, beta, Locals::Symmetric);
        let rev = |p: Profile, resale: bool| {
            let mkt = market(&m, &Regime::new(p, resale)).expect("builds");
            play_in(&mkt, &m, s_g, &vec![s_l; n]).expect("plays").record.revenue
        };
        let sr = rev(Profile::example1(&m), true);
        let snr = rev(Profile::proposition1(&m), false);
        let p = rev(Profile::vcg_truthful(), false);
        prop_assert!(sr >= snr - 1e-9 && snr >= p - 1e-9, "{sr} {snr} {p}");
    }

    #[test]
    fn resale_stage_balances_the_budget_and_respects_opt_out(
        independent in any::<bool>(),
        separate in any::<bool>(),
        s_g in 0.0f64..1.0,
        raw in proptest::collection::vec(0.0f64..1.0, 3),
        out in proptest::collection::vec(any::<bool>(), 4),
    ) {
        let n = 3;
        let locals = if independent { Locals::Independent } else { Locals::Symmetric };
        let m = model(n, 0.4, locals);
        let s_l = signals(n, locals, &raw);
        let profile = if separate { Profile::example1(&m) } else { Profile::vcg_truthful() };
        let mkt = market(&m, &Regime::new(profile.clone(), true)).expect("builds");
        let values = m.valuations(s_g, &s_l).expect("valid");
        let bids = profile.bids(&m, s_g, &s_l);
        let outcome = mkt.mechanism.outcome_with_priority(&bids, &Priority::by_index(n + 1)).expect("runs");
        let obs: Vec<_> = (0..=n).map(|i| Policy::AllBids.observe(i, &bids, &outcome)).collect();
        let resale = GlobalLocalResale::new(m.clone(), Arc::new(profile), Indifference::Accept);
        for opted in [vec![false; n + 1], out.clone()] {
            let ctx = ResaleContext {
                supply: mkt.mechanism.supply(),
                holdings: &outcome.allocation,
                valuations: &values,
                beliefs: &[],
                observations: &obs,
                opted_out: &opted,
            };
            for (_, o) in resale.outcomes(&ctx).expect("trades") {
                prop_assert!(check_budget_balance(&o).is_ok());
                prop_assert!(check_voluntary_participation(&ctx, &o).is_ok());
                prop_assert!(check_conservation(&ctx, &o).is_ok());
            }
        }
    }
}
