//! Pagnozzi (2009): properties of the four-regime solver on random valid
//! instances (digest §6.2 invariants), checked against the engine and the
//! complete-information verifier.

use aftermarket::equilibrium::named::pagnozzi::{
    Case, PagnozziInstance, Regime, SolveOptions, ThresholdFormula,
};
use proptest::prelude::*;

/// A valid instance: vS1 the largest value, decreasing marginal values.
fn instance() -> impl Strategy<Value = PagnozziInstance> {
    (
        1u32..=20,
        0.0f64..=1.0,
        0.0f64..=1.0,
        0.0f64..=1.0,
        0.05f64..=1.0,
    )
        .prop_map(|(s1, a, b, c, alpha)| {
            let s1 = f64::from(s1);
            let s2 = (a * s1 * 4.0).round() / 4.0;
            let w1 = (b * s1 * 4.0).round() / 4.0;
            let w2 = (c * w1 * 4.0).round() / 4.0;
            PagnozziInstance::new([s1, s2], [w1, w2], alpha).expect("valid by construction")
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn revenue_plus_payoffs_is_welfare(i in instance(), p in 0.0f64..=1.0) {
        let i = i.with_p(p).expect("valid");
        let cmp = i.compare(&SolveOptions::default()).expect("solves");
        for s in &cmp.solutions {
            let o = &s.outcome;
            prop_assert!((o.revenue + o.payoffs[0] + o.payoffs[1] - o.welfare).abs() < 1e-9, "{:?}", s.regime);
        }
    }

    #[test]
    fn wtp_tables_mirror_each_other(i in instance()) {
        let t = i.wtp(true).expect("runs");
        prop_assert!((t.s[0] - i.x()).abs() < 1e-9 && (t.s[1] - i.y()).abs() < 1e-9, "{t:?}");
        prop_assert!((t.w[0] - t.s[1]).abs() < 1e-9 && (t.w[1] - t.s[0]).abs() < 1e-9, "{t:?}");
        prop_assert!((t.bundle_s - t.bundle_w).abs() < 1e-9);
    }

    #[test]
    fn p_limits_reproduce_section_4_and_the_values(i in instance()) {
        prop_assume!(i.case() == Case::A);
        let near1 = i.clone().with_p(1.0 - 1e-9).expect("valid").wtp(true).expect("runs");
        let sec4 = i.wtp(true).expect("runs");
        for k in 0..2 {
            prop_assert!((near1.s[k] - sec4.s[k]).abs() < 1e-6);
            prop_assert!((near1.w[k] - sec4.w[k]).abs() < 1e-6);
        }
        let near0 = i.clone().with_p(1e-9).expect("valid").wtp(true).expect("runs");
        for k in 0..2 {
            prop_assert!((near0.s[k] - i.vs[k]).abs() < 1e-6);
            prop_assert!((near0.w[k] - i.vw[k]).abs() < 1e-6);
        }
    }

    #[test]
    fn resale_with_p_one_ends_efficient(i in instance()) {
        let o = SolveOptions::default();
        for r in [Regime::SeparateResale, Regime::BundledResale] {
            let s = i.solve(r, &o).expect("solves");
            prop_assert!((s.outcome.welfare - s.outcome.optimal_welfare).abs() < 1e-9, "{r:?}");
        }
    }

    #[test]
    fn bundle_with_resale_payoffs_do_not_depend_on_the_tie(i in instance()) {
        let t = i.wtp(true).expect("runs");
        let b = aftermarket::mechanism::Bid::Single(t.bundle_s);
        let a = i.evaluate(Regime::BundledResale, [b.clone(), b.clone()], None).expect("runs");
        let hi = aftermarket::mechanism::Bid::Single(t.bundle_s + 1e-7);
        let s_wins = i.evaluate(Regime::BundledResale, [hi.clone(), b.clone()], None).expect("runs");
        let w_wins = i.evaluate(Regime::BundledResale, [b, hi], None).expect("runs");
        for k in 0..2 {
            prop_assert!((s_wins.payoffs[k] - a.payoffs[k]).abs() < 1e-6);
            prop_assert!((w_wins.payoffs[k] - a.payoffs[k]).abs() < 1e-6);
        }
    }
}

proptest! {
    // The verifier enumerates thousands of deviations: fewer cases.
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn selected_profiles_pass_the_verifier(i in instance()) {
        let cmp = i.compare(&SolveOptions::verified()).expect("solves");
        for s in &cmp.solutions {
            let g = s.verified_gain.expect("verified");
            prop_assert!(g <= 1e-5, "{:?} gains {g} on {i:?}", s.regime);
        }
    }

    #[test]
    fn lemma5_profile_is_verified_above_p_star(i in instance(), p in 0.0f64..1.0) {
        prop_assume!(i.case() == Case::A);
        let ps = i.p_star(ThresholdFormula::Corrected).expect("case A");
        prop_assume!((p - ps).abs() > 1e-3);
        let i = i.with_p(p).expect("valid");
        let s = i.solve(Regime::SeparateResale, &SolveOptions::verified()).expect("solves");
        prop_assert!(s.verified_gain.expect("verified") <= 1e-5, "{i:?} p* = {ps}");
        prop_assert_eq!(i.joint_reduction_holds(true).expect("runs"), p > ps);
    }

    #[test]
    fn lemma6_fails_exactly_when_y_exceeds_x_by_2c(i in instance()) {
        prop_assume!(i.case() == Case::A);
        let i = i.with_c(0.01).expect("valid");
        let u = i.unilateral_reduction(true, Some(&Default::default())).expect("runs");
        let expected = i.y() - i.x() > 2.0 * i.c + 1e-9;
        prop_assert_eq!(u.reduction_pays, expected);
        // The verifier finds the deviation whenever reduction pays.
        if expected {
            prop_assert!(u.verified_gain.expect("verified") > 1e-6);
        }
    }
}

#[test]
fn printed_lemma5_threshold_disagrees_with_the_verifier_at_t10() {
    use aftermarket::equilibrium::{VerifyOptions, verify_complete_information};
    use aftermarket::mechanism::Bid;
    let i = PagnozziInstance::new([10.0, 10.0], [2.0, 0.0], 0.5)
        .and_then(|i| i.with_p(0.4))
        .expect("valid");
    let printed = i.p_star(ThresholdFormula::Printed).expect("case A");
    let corrected = i.p_star(ThresholdFormula::Corrected).expect("case A");
    assert!(printed < 0.4 && 0.4 < corrected, "{printed} {corrected}");
    let m = i
        .market(
            Regime::SeparateResale,
            [Bid::Marginal(vec![8.0, 0.0]), Bid::Marginal(vec![3.6, 0.0])],
        )
        .expect("builds");
    let rep = verify_complete_information(&m, &i.critical_levels(), &VerifyOptions::default())
        .expect("runs");
    // The printed formula predicts an equilibrium; the verifier finds S's outbidding.
    assert!(!rep.is_equilibrium(1e-5));
    let s = rep.bidder("S").expect("S");
    assert!((s.gain - 1.2).abs() < 1e-5, "{s:?}");
}
