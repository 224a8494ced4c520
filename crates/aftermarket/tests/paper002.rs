//! Paper 002 (Rostek & Yoder 2025, "Reallocative Auctions and Core
//! Selection"): examples, constructed instances and invariants. Reference
//! values are from the paper and its digest; tolerances are relative 1e-9
//! for exact values unless stated.

use aftermarket::reallocation::reproduce::paper002_items;

#[test]
fn every_reproduction_item_matches() {
    let items = paper002_items();
    let mut bad = Vec::new();
    for (id, claim, r, _, c, tol, _) in &items {
        let ok = (c - r).abs() <= tol * r.abs().max(1.0);
        if !ok {
            bad.push(format!(
                "{id}: {claim}: reference {r}, computed {c}, tol {tol}"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} items mismatch:\n{}",
        bad.len(),
        items.len(),
        bad.join("\n")
    );
    assert!(items.len() >= 60, "only {} items", items.len());
}

use aftermarket::coalition::core::{
    CoalitionTables, CoreClass, PayoffProfile, analyse_core, analyse_vickrey, competitive_profile,
};
use aftermarket::coalition::core_selecting::{CoreRegion, core_selecting};
use aftermarket::coalition::llg::{
    PaymentRule, llg_package_bids, llg_payments, package_core_payments,
};
use aftermarket::coalition::substitutes::{
    brute_force_all_participant_sets, check_submodularity, prop5_at, theorem2,
};
use aftermarket::reallocation::market::{ReallocationMarket, mask_of};
use aftermarket::reallocation::package_auctions::{independent_uniform_price, independent_vickrey};
use aftermarket::reallocation::report::core_report;
use aftermarket::reallocation::reproduce::{example1, example2, example3};
use aftermarket::reallocation::revenue::{
    DiscreteTypes, exact_expected_revenue, monte_carlo_revenue,
};
use aftermarket::reallocation::scenario::RawReallocationMarket;
use aftermarket::reallocation::split::split_auction;
use aftermarket::reallocation::uniform_price::{
    equilibrium_bids, uniform_price_best_response, uniform_price_equilibrium,
    uniform_price_with_bids,
};
use aftermarket::reallocation::vickrey::{
    AffineBid, line_integral, residual_supply, vickrey, vickrey_with_bids,
};
use nalgebra::{DMatrix, DVector, dmatrix, dvector};
use proptest::prelude::*;

const TOL: f64 = 1e-9;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL * a.abs().max(b.abs()).max(1.0)
}

// ---------- T1–T3: the paper's examples beyond the reproduction items ----------

#[test]
fn t1_example1_smaller_auctions_and_bidder_slacks() {
    let m = example1().expect("ok");
    let v13 = vickrey(&m.restrict(mask_of(&[0, 2])).expect("ok")).expect("ok");
    assert!(close(v13.revenue, 1.25) && close(v13.payoffs[0], 2.25) && close(v13.payoffs[1], 0.25));
    let t = CoalitionTables::new(&m).expect("ok");
    let p = t.vickrey_profile();
    let want = [
        (0b001, 0.75),
        (0b011, 1.5),
        (0b101, 0.5),
        (0b111, 11.0 / 12.0),
    ];
    for (z, s) in want {
        assert!(close(t.slack(&p, z, false), s), "slack of {z:b}");
    }
    // {a,3} has slack 3/2 and {a,1,2} is tight
    assert!(close(t.slack(&p, 0b100, true), 1.5));
    assert!(close(t.slack(&p, 0b011, true), 0.0));
}

#[test]
fn t2_example2_every_participant_set_and_slacks() {
    let m = example2().expect("ok");
    let r12 = vickrey(&m.restrict(0b011).expect("ok")).expect("ok");
    assert!(close(r12.revenue, 21.0 / 20.0) && close(r12.payoffs[0], 9.0 / 20.0));
    let r23 = vickrey(&m.restrict(0b110).expect("ok")).expect("ok");
    assert!(close(r23.revenue, 7.0 / 8.0) && close(r23.payoffs[0], 3.0 / 8.0));
    let t = CoalitionTables::new(&m).expect("ok");
    let p = t.vickrey_profile();
    assert!((t.slack(&p, 0b001, true) - 0.114286).abs() < 1e-6);
    assert!((t.slack(&p, 0b010, true) - 0.289286).abs() < 1e-6);
    for (x, class) in brute_force_all_participant_sets(&m).expect("ok") {
        assert_eq!(class, CoreClass::Core, "X = {x:?}");
    }
}

#[test]
fn t3_example3_sub_allocations_and_non_commuting() {
    let m = example3(dvector![1.0, 0.0]).expect("ok");
    let e = m.efficient(0b011, m.qbar()).expect("ok");
    assert!(
        close(e.quantities[0][0], 3645.0 / 3799.0) && close(e.quantities[0][1], -95.0 / 3799.0)
    );
    let e = m.efficient(0b101, m.qbar()).expect("ok");
    assert!(close(e.quantities[1][0], 137.0 / 1102.0) && close(e.quantities[1][1], -49.0 / 1102.0));
    let t2 = theorem2(&m).expect("ok");
    assert!(!t2.commuting && t2.equal_marginal_utilities && !t2.bidder_core_guaranteed);
    let s = check_submodularity(&m, 10).expect("ok");
    assert_eq!(s.lemma2_violations, 1);
    let ex = &s.examples[0];
    assert_eq!((ex.participants.clone(), ex.i, ex.j), (vec![0, 1, 2], 1, 2));
    assert!(close(ex.margin, 8581.0 / 11449400.0));
    let cs = core_selecting(&m).expect("ok");
    assert!(cs.vickrey_nearest.certified);
    assert!(close(cs.vickrey_nearest.payoffs[0], 25033.0 / 41078.0));
}

// ---------- random instances ----------

fn spd(k: usize, entries: &[f64]) -> DMatrix<f64> {
    let a = DMatrix::from_fn(k, k, |r, c| entries[r * k + c]);
    &a * a.transpose() + DMatrix::identity(k, k) * 0.3
}

fn market_strategy(max_n: usize) -> impl Strategy<Value = ReallocationMarket> {
    (1usize..=3, 2usize..=max_n).prop_flat_map(|(k, n)| {
        (
            prop::collection::vec(-3.0..3.0f64, k),
            prop::collection::vec(
                (
                    prop::collection::vec(-4.0..4.0f64, k),
                    prop::collection::vec(-1.0..1.0f64, k * k),
                ),
                n,
            ),
        )
            .prop_map(move |(q, bs)| {
                ReallocationMarket::quadratic(
                    DVector::from_vec(q),
                    bs.into_iter()
                        .map(|(t, s)| (DVector::from_vec(t), spd(k, &s)))
                        .collect(),
                )
                .expect("valid random market")
            })
    })
}

fn random_orthonormal(k: usize, entries: &[f64]) -> DMatrix<f64> {
    let a = DMatrix::from_fn(k, k, |r, c| entries[r * k + c]) + DMatrix::identity(k, k) * 2.0;
    a.qr().q()
}

fn commuting_strategy(common_theta: bool) -> impl Strategy<Value = ReallocationMarket> {
    (1usize..=3, 2usize..=5).prop_flat_map(move |(k, n)| {
        (
            prop::collection::vec(-3.0..3.0f64, k),
            prop::collection::vec(-1.0..1.0f64, k * k),
            prop::collection::vec(
                (
                    prop::collection::vec(-4.0..4.0f64, k),
                    prop::collection::vec(0.2..3.0f64, k),
                ),
                n,
            ),
        )
            .prop_map(move |(q, o, bs)| {
                let qm = random_orthonormal(k, &o);
                let theta0 = bs[0].0.clone();
                ReallocationMarket::quadratic(
                    DVector::from_vec(q),
                    bs.into_iter()
                        .map(|(t, d)| {
                            let t = if common_theta { theta0.clone() } else { t };
                            let s = &qm
                                * DMatrix::from_diagonal(&DVector::from_vec(d))
                                * qm.transpose();
                            (DVector::from_vec(t), (&s + s.transpose()) * 0.5)
                        })
                        .collect(),
                )
                .expect("valid commuting market")
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// T4: Proposition 2, eq. (5) tightness, balance, |X| = 2 bidder-core.
    #[test]
    fn t4_vickrey_invariants(m in market_strategy(5)) {
        let t = CoalitionTables::new(&m).expect("tables");
        let p = t.vickrey_profile();
        let tol = t.tol();
        let all = t.all();
        for z in 1..=all {
            prop_assert!(t.slack(&p, z, false) >= -tol, "bidder-only coalition {z:b} blocks");
        }
        for i in 0..m.n_bidders() {
            prop_assert!(t.slack(&p, all & !(1 << i), true).abs() <= tol);
        }
        let (_, a) = analyse_vickrey(&m).expect("analysis");
        prop_assert!(a.balance_gap.abs() <= tol);
        if m.n_bidders() == 2 {
            prop_assert!(a.class != CoreClass::OutsideBidderCore);
        }
        // the competitive profile is in the bidder-core
        let c = competitive_profile(&m).expect("ce");
        let ac = analyse_core(&m, &c).expect("analysis");
        prop_assert!(ac.class != CoreClass::OutsideBidderCore);
    }

    /// T4: qbar = 0 => Vickrey revenue <= 0.
    #[test]
    fn t4_pure_exchange_revenue_not_positive(m in market_strategy(5)) {
        let m0 = m.with_qbar(DVector::zeros(m.k())).expect("qbar");
        let v = vickrey(&m0).expect("vickrey");
        prop_assert!(v.revenue <= 1e-9 * (1.0 + v.surplus.abs()));
    }

    /// T4: VCG payments equal the residual-supply line integral.
    #[test]
    fn t4_vcg_equals_residual_supply_integral(m in market_strategy(5)) {
        let v = vickrey(&m).expect("vickrey");
        let bids: Vec<AffineBid> = m.quadratics().expect("quadratic").into_iter().map(AffineBid::truthful).collect();
        let s = vickrey_with_bids(&bids, m.qbar()).expect("schedules");
        for i in 0..m.n_bidders() {
            prop_assert!(close(v.payments[i], s.payments[i]), "{} vs {}", v.payments[i], s.payments[i]);
            let (a, g) = residual_supply(&bids, i, m.qbar()).expect("residual");
            let q = DVector::from_vec(s.allocation[i].clone());
            let quad = line_integral(&|x: &DVector<f64>| &a + &g * x, &q);
            prop_assert!(close(quad, v.payments[i]));
        }
    }

    /// Core-selecting outcomes lie in the core (or bidder-core when the core is
    /// empty) and give no bidder more than its Vickrey payoff; the
    /// Vickrey-nearest point is on the minimum-revenue face.
    #[test]
    fn core_selecting_is_in_the_core(m in market_strategy(5)) {
        let cs = core_selecting(&m).expect("core selecting");
        let v = vickrey(&m).expect("vickrey");
        for o in [&cs.min_revenue, &cs.vickrey_nearest] {
            let a = analyse_core(&m, &PayoffProfile { bidders: o.payoffs.clone(), auctioneer: o.revenue }).expect("analysis");
            let scale = 1e-7 * (1.0 + v.surplus.abs());
            let worst = a.blocking.iter().filter(|b| !(o.region == CoreRegion::BidderCore && b.with_auctioneer && b.members.is_empty())).map(|b| b.deficit).fold(0.0, f64::max);
            prop_assert!(worst <= scale, "blocked by {worst}");
            for (p, pv) in o.payoffs.iter().zip(&v.payoffs) {
                prop_assert!(*p <= pv + scale);
            }
            prop_assert!(o.certified);
        }
        prop_assert!((cs.min_revenue.revenue - cs.vickrey_nearest.revenue).abs() <= 1e-7 * (1.0 + v.surplus.abs()));
    }

    /// T5: Theorem 2 (corrected): commuting S_i and a common theta => only {a}
    /// may block, for every X.
    #[test]
    fn t5_theorem2_bidder_core(m in commuting_strategy(true)) {
        let r = theorem2(&m).expect("theorem 2");
        prop_assert!(r.commuting && r.equal_marginal_utilities && r.bidder_core_guaranteed);
        let s = check_submodularity(&m, 1).expect("lemma 2");
        prop_assert!(s.bidder_core_selecting_for_all);
        let (v, a) = analyse_vickrey(&m).expect("analysis");
        prop_assert_eq!(a.class == CoreClass::Core, v.revenue >= -a.tol);
    }

    /// T9: Proposition 7, Vickrey part (commuting S_i).
    #[test]
    fn t9_package_vickrey_equals_joint(m in commuting_strategy(false)) {
        let p = independent_vickrey(&m).expect("packages");
        prop_assert!(p.max_difference <= 1e-8 * (1.0 + p.joint.surplus.abs()));
    }

    /// T12: Lemma 1/2 pairwise checks agree with brute-force core checks over every X.
    #[test]
    fn t12_lemmas_agree_with_brute_force(m in market_strategy(4)) {
        let s = check_submodularity(&m, 1).expect("lemmas");
        let classes = brute_force_all_participant_sets(&m).expect("brute force");
        let all_core = classes.iter().all(|(_, c)| *c == CoreClass::Core);
        let all_bidder = classes.iter().all(|(_, c)| *c != CoreClass::OutsideBidderCore);
        prop_assert_eq!(s.core_selecting_for_all, all_core);
        prop_assert_eq!(s.bidder_core_selecting_for_all, all_bidder);
    }

    /// T6: Lemma 7 — a real negative eigenvalue of P implies D is not positive definite.
    #[test]
    fn t6_lemma7_one_way(m in market_strategy(3).prop_filter("three bidders, K = 2", |m| m.n_bidders() == 3 && m.k() == 2)) {
        for (l, j) in [(0, 1), (0, 2), (1, 2)] {
            let f = prop5_at(&m, 0b111, l, j).expect("prop 5");
            if f.p_fires {
                prop_assert!(f.d_eigenvalues[0] < 0.0);
            }
        }
    }

    /// LLG closed forms are in the core and agree with the general LP/QP.
    #[test]
    fn llg_rules_are_core_and_match_lp(b1 in 0.0..1.0f64, b2 in 0.0..1.0f64, bg in 0.0..2.0f64) {
        for rule in [PaymentRule::NearestVcg, PaymentRule::NearestZero, PaymentRule::NearestBid, PaymentRule::Proxy] {
            let o = llg_payments(b1, b2, bg, rule).expect("llg");
            if o.locals_win {
                prop_assert!((o.local1 + o.local2 - bg).abs() < 1e-12);
                prop_assert!(o.local1 <= b1 + 1e-12 && o.local2 <= b2 + 1e-12);
                prop_assert!(o.local1 >= (bg - b2).max(0.0) - 1e-12 && o.local2 >= (bg - b1).max(0.0) - 1e-12);
            }
            let g = package_core_payments(&llg_package_bids(b1, b2, bg), rule).expect("lp");
            prop_assert!((g.payments[0] - o.local1).abs() < 1e-6 && (g.payments[1] - o.local2).abs() < 1e-6 && (g.payments[2] - o.global).abs() < 1e-6);
        }
    }
}

// ---------- T8, T10, T11 and mechanisms ----------

#[test]
fn t8_prop6_best_response_and_closed_forms() {
    let s = dmatrix![2.0, 0.5; 0.5, 1.0];
    let thetas = [
        dvector![5.0, 3.0],
        dvector![4.0, 6.0],
        dvector![3.0, 2.0],
        dvector![6.0, 5.0],
    ];
    for n in 3..=4 {
        let m = ReallocationMarket::quadratic(
            dvector![1.5, -0.5],
            thetas[..n].iter().map(|t| (t.clone(), s.clone())).collect(),
        )
        .expect("ok");
        let e = uniform_price_equilibrium(&m).expect("equilibrium");
        let bids = equilibrium_bids(&m).expect("bids");
        for i in 0..n {
            let x = uniform_price_best_response(&m, i, &bids).expect("br");
            for (a, b) in x.iter().zip(&e.outcome.allocation[i]) {
                assert!(close(*a, *b), "bidder {i}: {a} vs {b}");
            }
        }
        for (a, b) in e.outcome.price.iter().zip(&e.price_closed_form) {
            assert!(close(*a, *b));
        }
        assert!(close(e.outcome.revenue, e.revenue_closed_form));
        assert!(e.efficiency_loss >= 0.0);
    }
}

#[test]
fn t9_prop7_uniform_price_identical_s() {
    let s = dmatrix![2.0, 1.0; 1.0, 2.0];
    let m = ReallocationMarket::quadratic(
        dvector![1.0, 2.0],
        vec![
            (dvector![5.0, 1.0], s.clone()),
            (dvector![2.0, 4.0], s.clone()),
            (dvector![3.0, 3.0], s.clone()),
            (dvector![1.0, 0.0], s),
        ],
    )
    .expect("ok");
    let p = independent_uniform_price(&m).expect("packages");
    assert!(p.max_difference < 1e-10);
}

#[test]
fn t10_theorem3_monte_carlo_within_four_standard_errors() {
    let f = DiscreteTypes::new(
        vec![dvector![4.0], dvector![2.0], dvector![3.0]],
        vec![0.3, 0.5, 0.2],
    )
    .expect("ok");
    let s = dmatrix![1.5];
    let q = dvector![0.8];
    let (ev, eu) = exact_expected_revenue(&f, &s, &q, 4).expect("exact");
    let t =
        aftermarket::reallocation::revenue::theorem3(&s, &q, 4, &f.mean(), &f.cov()).expect("thm3");
    assert!(close(ev, t.vickrey) && close(eu, t.uniform));
    let mc = monte_carlo_revenue(&f, &s, &q, 4, 20_000, 7).expect("mc");
    assert!((mc.vickrey_mean - ev).abs() <= 4.0 * mc.vickrey_se);
    assert!((mc.uniform_mean - eu).abs() <= 4.0 * mc.uniform_se);
}

#[test]
fn t11_corollary2_revenue_nonnegative() {
    let s = dmatrix![1.0, 0.2; 0.2, 0.5];
    let m = ReallocationMarket::quadratic(
        dvector![1.0, 2.0],
        vec![
            (dvector![3.0, 4.0], s.clone()),
            (dvector![2.0, 1.5], s.clone()),
            (dvector![5.0, 2.0], s),
        ],
    )
    .expect("ok");
    let e = uniform_price_equilibrium(&m).expect("eq");
    assert!(e.corollary2_precondition);
    assert!(e.outcome.revenue >= 0.0);
}

#[test]
fn split_uniform_price_equals_joint() {
    let m = ReallocationMarket::quadratic_scalar(
        0.5,
        &[(4.0, 1.0), (3.0, 2.0), (2.0, 1.0), (1.0, 0.5)],
    )
    .expect("ok");
    let bids: Vec<AffineBid> = m
        .quadratics()
        .expect("q")
        .into_iter()
        .map(AffineBid::truthful)
        .collect();
    let s = split_auction(&bids, &[0, 1], m.qbar()).expect("split");
    let u = uniform_price_with_bids(&bids, m.qbar()).expect("upa");
    for (a, b) in s.uniform_payments.iter().zip(&u.payments) {
        assert!(close(*a, *b));
    }
    assert!(close(s.qbar_forward[0] + s.qbar_reverse[0], 0.5));
    assert!(
        s.split_vickrey_payments
            .iter()
            .zip(&s.vickrey_payments)
            .any(|(a, b)| (a - b).abs() > 1e-6)
    );
}

#[test]
fn scenario_to_core_report() {
    let raw = RawReallocationMarket::from_toml(
        r#"
K = 2
qbar = [1.0, 0.0]
[[bidders]]
name = "one"
theta = [10.0, 10.0]
S = [[0.25, 0.19], [0.19, 1.49]]
[[bidders]]
name = "two"
theta = [10.0, 10.0]
S = [[5.8, 0.0], [0.0, 5.8]]
[[bidders]]
name = "three"
theta_hat = [10.0, 10.0]
q0 = [0.0, 0.0]
S = [[3.07, 3.47], [3.47, 4.47]]
"#,
    )
    .expect("parse");
    let m = raw.check().expect("check");
    let r = core_report(&m).expect("report");
    assert_eq!(r.classification, CoreClass::OutsideBidderCore);
    assert_eq!(r.blocking.len(), 1);
    assert_eq!(r.blocking[0].names, vec!["one".to_string()]);
    assert!(close(r.blocking[0].deficit, 8581.0 / 11449400.0));
    assert!(r.uniform_price.is_none() && r.uniform_price_note.is_some());
    let json = serde_json::to_string(&r).expect("json");
    assert!(json.contains("\"classification\":\"outside-bidder-core\""));
}

#[test]
fn heuristic_separation_is_labelled_uncertified() {
    let bidders: Vec<(f64, f64)> = (0..26)
        .map(|i| (1.0 + (i % 5) as f64, 1.0 + (i % 3) as f64 * 0.5))
        .collect();
    let m = ReallocationMarket::quadratic_scalar(2.0, &bidders).expect("ok");
    let cs = core_selecting(&m).expect("core selecting");
    assert!(!cs.vickrey_nearest.certified);
    for (p, v) in cs.vickrey_nearest.payoffs.iter().zip(&cs.vickrey_payoffs) {
        assert!(*p <= v + 1e-7);
    }
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let e = ReallocationMarket::quadratic(
        dvector![1.0],
        vec![
            (dvector![f64::NAN], dmatrix![1.0]),
            (dvector![1.0], dmatrix![1.0]),
        ],
    );
    assert!(e.is_err());
    let e = ReallocationMarket::quadratic(
        dvector![1.0, 0.0],
        vec![
            (dvector![1.0], dmatrix![1.0]),
            (dvector![1.0], dmatrix![1.0]),
        ],
    );
    assert!(e.is_err());
    let e = llg_payments(f64::NAN, 1.0, 1.0, PaymentRule::Proxy);
    assert!(e.is_err());
}

/// A general (non-quadratic) concave valuation: the Newton path of the
/// clearing solve, the KKT conditions, and Proposition 1's identity.
#[test]
fn general_valuation_vickrey_matches_residual_supply_integral() {
    use aftermarket::reallocation::market::Bidder;
    use aftermarket::reallocation::valuation::FnValuation;
    use aftermarket::reallocation::vickrey::residual_supply_payment;
    use std::sync::Arc;
    // u(q) = theta'q - q'Sq/2 - c sum q_k^4 / 12
    let make = |theta: DVector<f64>, s: DMatrix<f64>, c: f64| {
        let (t1, s1, t2, s2, s3) = (theta.clone(), s.clone(), theta, s.clone(), s);
        Arc::new(
            FnValuation::new(
                2,
                Arc::new(move |q: &DVector<f64>| {
                    t1.dot(q)
                        - 0.5 * q.dot(&(&s1 * q))
                        - c * q.iter().map(|x| x.powi(4)).sum::<f64>() / 12.0
                }),
                Arc::new(move |q: &DVector<f64>| &t2 - &s2 * q - q.map(|x| c * x.powi(3) / 3.0)),
                Arc::new(move |q: &DVector<f64>| {
                    -&s3 - DMatrix::from_diagonal(&q.map(|x| c * x * x))
                }),
            )
            .expect("valid"),
        )
    };
    let bidders = vec![
        Bidder {
            name: "a".into(),
            valuation: make(dvector![4.0, 2.0], dmatrix![1.0, 0.2; 0.2, 1.5], 0.5),
        },
        Bidder {
            name: "b".into(),
            valuation: make(dvector![3.0, 3.0], dmatrix![2.0, -0.3; -0.3, 1.0], 1.0),
        },
        Bidder {
            name: "c".into(),
            valuation: make(dvector![1.0, 4.0], dmatrix![0.7, 0.1; 0.1, 0.9], 0.2),
        },
    ];
    let m = ReallocationMarket::new(dvector![1.0, -0.5], bidders).expect("market");
    let e = m.efficient(m.all(), m.qbar()).expect("efficient");
    let p = e.price.clone().expect("price");
    let total = e.quantities.iter().fold(DVector::zeros(2), |a, q| a + q);
    assert!((total - m.qbar()).norm() < 1e-10);
    for (i, q) in e.members.iter().zip(&e.quantities) {
        assert!((m.bidders()[*i].valuation.gradient(q) - &p).norm() < 1e-9);
    }
    // envelope: grad_q v = p
    let h = 1e-5;
    let dv = (m
        .surplus(m.all(), &(m.qbar() + dvector![h, 0.0]))
        .expect("v")
        - m.surplus(m.all(), &(m.qbar() - dvector![h, 0.0]))
            .expect("v"))
        / (2.0 * h);
    assert!((dv - p[0]).abs() < 1e-6);
    let v = vickrey(&m).expect("vickrey");
    for i in 0..3 {
        let t = residual_supply_payment(&m, i, 16).expect("integral");
        assert!(
            (t - v.payments[i]).abs() < 1e-9,
            "bidder {i}: {t} vs {}",
            v.payments[i]
        );
    }
    let (_, a) = analyse_vickrey(&m).expect("core");
    assert!(a.balance_gap.abs() < 1e-9);
}

fn common_s_strategy() -> impl Strategy<Value = ReallocationMarket> {
    (1usize..=3, 3usize..=6).prop_flat_map(|(k, n)| {
        (
            prop::collection::vec(-3.0..3.0f64, k),
            prop::collection::vec(-1.0..1.0f64, k * k),
            prop::collection::vec(prop::collection::vec(-4.0..4.0f64, k), n),
        )
            .prop_map(move |(q, s, ts)| {
                let s = spd(k, &s);
                ReallocationMarket::quadratic(
                    DVector::from_vec(q),
                    ts.into_iter()
                        .map(|t| (DVector::from_vec(t), s.clone()))
                        .collect(),
                )
                .expect("valid common-S market")
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// T8: Proposition 6 — each bidder's best quantity against the others'
    /// equilibrium bids is its equilibrium quantity; closed forms agree.
    #[test]
    fn t8_prop6_best_response_random(m in common_s_strategy()) {
        let e = uniform_price_equilibrium(&m).expect("equilibrium");
        let bids = equilibrium_bids(&m).expect("bids");
        for i in 0..m.n_bidders() {
            let x = uniform_price_best_response(&m, i, &bids).expect("best response");
            for (a, b) in x.iter().zip(&e.outcome.allocation[i]) {
                prop_assert!((a - b).abs() <= 1e-8 * (1.0 + b.abs()));
            }
        }
        prop_assert!((e.outcome.revenue - e.revenue_closed_form).abs() <= 1e-8 * (1.0 + e.revenue_closed_form.abs()));
        prop_assert!(e.efficiency_loss >= -1e-9);
        if e.corollary2_precondition {
            prop_assert!(e.outcome.revenue >= -1e-9);
        }
        // Proposition 7, uniform-price part (identical S, n >= 3)
        let p = independent_uniform_price(&m).expect("packages");
        prop_assert!(p.max_difference <= 1e-8 * (1.0 + p.joint.surplus.abs()));
    }

    /// T10: Theorem 3 closed forms equal exact enumeration over random discrete priors.
    #[test]
    fn t10_theorem3_random_discrete_priors(
        k in 1usize..=2,
        n in 3usize..=4,
        pts in prop::collection::vec(prop::collection::vec(0.0..6.0f64, 2), 2..=3),
        w in prop::collection::vec(0.1..1.0f64, 3),
        s in prop::collection::vec(-1.0..1.0f64, 4),
        q in prop::collection::vec(-2.0..2.0f64, 2),
    ) {
        let m = pts.len();
        let total: f64 = w[..m].iter().sum();
        let probs: Vec<f64> = w[..m].iter().map(|x| x / total).collect();
        let diff = 1.0 - probs.iter().sum::<f64>();
        let mut probs = probs;
        probs[0] += diff;
        let f = DiscreteTypes::new(pts.iter().map(|p| DVector::from_vec(p[..k].to_vec())).collect(), probs).expect("law");
        let s = spd(k, &s[..k * k]);
        let q = DVector::from_vec(q[..k].to_vec());
        let t = aftermarket::reallocation::revenue::theorem3(&s, &q, n, &f.mean(), &f.cov()).expect("thm3");
        let (ev, eu) = exact_expected_revenue(&f, &s, &q, n).expect("exact");
        prop_assert!((t.vickrey - ev).abs() <= 1e-9 * (1.0 + ev.abs()));
        prop_assert!((t.uniform - eu).abs() <= 1e-9 * (1.0 + eu.abs()));
        prop_assert_eq!(t.vickrey_higher, t.difference > 0.0);
    }
}

/// Lemma 7 on many random triples, counting how often Proposition 5's test fires.
#[test]
fn t6_lemma7_random_triples_fire_and_imply() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let mut fired = 0;
    for _ in 0..3000 {
        let mut u = || rng.random::<f64>() * 2.0 - 1.0;
        let bidders = (0..3)
            .map(|_| {
                let a = DMatrix::from_fn(2, 2, |_, _| u() * 2.0);
                (
                    dvector![10.0, 10.0],
                    &a * a.transpose() + DMatrix::identity(2, 2) * 0.01,
                )
            })
            .collect();
        let m = ReallocationMarket::quadratic(dvector![1.0, 0.0], bidders).expect("ok");
        let f = prop5_at(&m, 0b111, 0, 1).expect("prop 5");
        if f.p_fires {
            fired += 1;
            assert!(f.d_eigenvalues[0] < 0.0, "lemma 7 violated");
            // Proposition 5: the constructed qbar makes {a} ∪ Z \ {l, j} block
            assert!(f.blocking_deficit.expect("qbar") > 0.0);
        }
    }
    assert!(fired > 20, "only {fired} triples fired");
}
