use std::sync::Arc;

use super::*;
use crate::prior::Uniform;

fn unif(hi: f64) -> Arc<dyn Prior> {
    Arc::new(Uniform::new(0.0, hi).expect("uniform"))
}

fn game(
    format: Format,
    reserve: f64,
    d: Disclosure,
    rule: ResaleRule,
    nt: usize,
    nb: usize,
) -> ResaleGame {
    ResaleGame::new(
        format,
        reserve,
        vec![unif(1.0), unif(2.0)],
        nt,
        nb,
        1.5,
        d,
        rule,
    )
    .expect("game")
}

/// A fixed pseudo-random full-support profile.
fn random_profile(g: &ResaleGame, seed: u64) -> Vec<MixedStrategy> {
    let mut x = seed;
    let mut next = move || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((x >> 33) as f64 / (1u64 << 31) as f64) + 0.05
    };
    (0..2)
        .map(|i| {
            let (nt, m) = (g.types(i).len(), g.bids().len());
            let mut probs: Vec<f64> = (0..nt * m).map(|_| next()).collect();
            for row in probs.chunks_mut(m) {
                let z: f64 = row.iter().sum();
                row.iter_mut().for_each(|p| *p /= z);
            }
            MixedStrategy {
                n_types: nt,
                n_bids: m,
                probs,
            }
        })
        .collect()
}

/// Probability that bid `j` beats bid `k` (ties halved), reserve index `first`.
fn beats(j: usize, k: usize, first: usize) -> f64 {
    if j < first {
        0.0
    } else if j > k {
        1.0
    } else if j == k {
        0.5
    } else {
        0.0
    }
}

/// The winner `w` (type value `v`, own bid `j`, having seen loser bid `k`)
/// prices against the normalised posterior, enumerated from scratch.
fn brute_price(g: &ResaleGame, p: &[MixedStrategy], w: usize, v: f64, j: usize, k: usize) -> f64 {
    let l = 1 - w;
    let first = g.first_valid_bid();
    let (lv, lw) = (&g.types(l).points, &g.types(l).weights);
    let pooled_sp =
        g.auction().format() == Format::SecondPrice && g.disclosure() == Disclosure::None;
    let mut post = vec![0.0; lv.len()];
    for (t, x) in post.iter_mut().enumerate() {
        for k2 in 0..g.bids().len() {
            let seen = match g.disclosure() {
                Disclosure::AllBids => k2 == k,
                Disclosure::None if pooled_sp => {
                    if k < first {
                        k2 < first
                    } else {
                        k2 == k
                    }
                }
                Disclosure::None => true,
            };
            if seen {
                *x += lw[t] * p[l].row(t)[k2] * beats(j, k2, first);
            }
        }
    }
    let z: f64 = post.iter().sum();
    let mut best = v;
    let mut price = f64::INFINITY;
    for &q in lv {
        let e: f64 = lv
            .iter()
            .zip(&post)
            .map(|(&u, &x)| x / z * if u >= q { q } else { v })
            .sum();
        if e > best + 1e-12 {
            best = e;
            price = q;
        }
    }
    price
}

/// Interim utilities by enumerating every rival type and bid.
fn brute_utilities(g: &ResaleGame, p: &[MixedStrategy], i: usize) -> Vec<f64> {
    let r = 1 - i;
    let first = g.first_valid_bid();
    let bids = g.bids();
    let res = g.auction().reserve();
    let m = bids.len();
    let (iv, rv, rw) = (&g.types(i).points, &g.types(r).points, &g.types(r).weights);
    let mut out = vec![0.0; iv.len() * m];
    for (t, &v) in iv.iter().enumerate() {
        for j in 0..m {
            let mut u = 0.0;
            for (s, &x) in rv.iter().enumerate() {
                for k in 0..m {
                    let pr = rw[s] * p[r].row(s)[k];
                    let win = beats(j, k, first);
                    let lose = beats(k, j, first);
                    let pay = match g.auction().format() {
                        Format::FirstPrice => win * bids[j],
                        Format::SecondPrice => {
                            win * if k >= first { bids[k].max(res) } else { res }
                        }
                        Format::AllPay => {
                            if j >= first {
                                bids[j]
                            } else {
                                0.0
                            }
                        }
                    };
                    let (as_winner, as_loser) = match g.rule() {
                        ResaleRule::TakeItOrLeaveIt => {
                            let q = brute_price(g, p, i, v, j, k);
                            let keep = if x >= q { q } else { v };
                            let q2 = brute_price(g, p, r, x, k, j);
                            (keep, if v >= q2 { v - q2 } else { 0.0 })
                        }
                        ResaleRule::Nash { alpha } => (
                            v + (1.0 - alpha) * (x - v).max(0.0),
                            alpha * (v - x).max(0.0),
                        ),
                    };
                    u += pr * (win * as_winner + lose * as_loser - pay);
                }
            }
            out[t * m + j] = u;
        }
    }
    out
}

#[test]
fn continuation_payoffs_match_enumeration() {
    for format in [Format::FirstPrice, Format::SecondPrice, Format::AllPay] {
        for d in [Disclosure::None, Disclosure::AllBids] {
            for rule in [ResaleRule::TakeItOrLeaveIt, ResaleRule::Nash { alpha: 0.3 }] {
                for (reserve, seed) in [(0.0, 7), (0.4, 11)] {
                    let g = game(format, reserve, d, rule, 3, 4);
                    let p = random_profile(&g, seed);
                    let mut u = Vec::new();
                    g.utilities(&p, &mut u).expect("utilities");
                    for (i, ui) in u.iter().enumerate() {
                        let want = brute_utilities(&g, &p, i);
                        for (a, b) in ui.iter().zip(&want) {
                            assert!(
                                (a - b).abs() < 1e-12,
                                "{format:?} {d:?} {rule:?} r={reserve} bidder {i}: {a} vs {b}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn outcomes_add_up_to_welfare() {
    for rule in [ResaleRule::TakeItOrLeaveIt, ResaleRule::Nash { alpha: 0.5 }] {
        let g = game(Format::FirstPrice, 0.2, Disclosure::AllBids, rule, 4, 5);
        let p = random_profile(&g, 3);
        let o = g.outcomes(&p).expect("outcomes");
        // Welfare = utilities + auction revenue (resale is budget balanced).
        let total = o.utility[0] + o.utility[1] + o.revenue;
        assert!((total - o.welfare).abs() < 1e-12);
        // The utilities equal the interim utilities averaged over the profile.
        let mut u = Vec::new();
        g.utilities(&p, &mut u).expect("utilities");
        for i in 0..2 {
            let w = &g.types(i).weights;
            let m = g.bids().len();
            let e: f64 = (0..w.len())
                .map(|t| {
                    w[t] * (0..m)
                        .map(|j| p[i].row(t)[j] * u[i][t * m + j])
                        .sum::<f64>()
                })
                .sum();
            assert!(
                (e - o.utility[i]).abs() < 1e-12,
                "bidder {i}: {e} vs {}",
                o.utility[i]
            );
        }
        assert!(o.resale_probability > 0.0 && o.efficiency <= 1.0 + 1e-12);
    }
}

#[test]
fn nash_price_matches_the_bargaining_aftermarket() {
    use crate::resale::{Aftermarket, CostBearer, NashBargaining, ResaleContext};
    use crate::values::{Holding, Supply, Valuation};
    let alpha = 0.3;
    // Winner (agent 0) values 0.4, loser 1.0: the loser keeps alpha of 0.6.
    let nb =
        NashBargaining::new(vec![1.0 - alpha, alpha], 1.0, 0.0, CostBearer::Buyer).expect("nash");
    let vals = [
        Valuation::units(vec![0.4]).expect("v"),
        Valuation::units(vec![1.0]).expect("v"),
    ];
    let holdings = [Holding::Units(1), Holding::Units(0)];
    let ctx = ResaleContext {
        supply: Supply::Units { m: 1 },
        holdings: &holdings,
        valuations: &vals,
        beliefs: &[],
        observations: &[],
        opted_out: &[],
    };
    let out = nb.outcomes(&ctx).expect("outcomes");
    let price = out[0].1.trades[0].price;
    assert!((price - (0.4 + (1.0 - alpha) * 0.6)).abs() < 1e-12);
}

#[test]
fn lifted_profile_keeps_its_bids() {
    let g = game(
        Format::AllPay,
        0.0,
        Disclosure::None,
        ResaleRule::TakeItOrLeaveIt,
        4,
        5,
    );
    let p = random_profile(&g, 5);
    let fine = g.refine(2).expect("fine");
    assert_eq!(fine.bids().len(), 9);
    let lifted = g.lift(&fine, &p).expect("lift");
    // Fine type 0.0625 plays as coarse type 0.125; coarse bid 1 is fine bid 2.
    assert!((lifted[0].row(0)[2] - p[0].row(0)[1]).abs() < 1e-300);
    assert!(lifted[0].row(0)[1].abs() < 1e-300);
    assert!(g.verify_refined(&p, 2).expect("verify").max_absolute() > 0.0);
}

#[test]
fn more_than_two_bidders_is_an_error() {
    let err = ResaleGame::new(
        Format::FirstPrice,
        0.0,
        vec![unif(1.0), unif(1.0), unif(1.0)],
        4,
        4,
        1.0,
        Disclosure::None,
        ResaleRule::TakeItOrLeaveIt,
    )
    .expect_err("three bidders");
    assert_eq!(
        err.to_string(),
        "bidders must number exactly 2 with a single-item aftermarket, got 3"
    );
}

#[test]
fn nash_share_must_be_a_fraction() {
    let err = ResaleGame::new(
        Format::FirstPrice,
        0.0,
        vec![unif(1.0), unif(1.0)],
        4,
        4,
        1.0,
        Disclosure::AllBids,
        ResaleRule::Nash { alpha: 1.5 },
    )
    .expect_err("alpha");
    assert_eq!(
        err.to_string(),
        "aftermarket.alpha must be in [0, 1], got 1.5"
    );
}

#[test]
fn spec_rejects_nash_without_disclosed_bids() {
    let spec: ResaleSpec = toml::from_str(
        r#"
        format = "first-price"
        [aftermarket]
        kind = "nash"
        alpha = 0.5
        [[bidders]]
        prior = { kind = "uniform", hi = 1 }
        [[bidders]]
        prior = { kind = "uniform", hi = 1 }
        "#,
    )
    .expect("parse");
    let err = spec.build("x.toml", None).expect_err("nash");
    assert!(
        err.to_string()
            .starts_with("aftermarket.kind nash bargains over known values")
    );
}

#[test]
fn spec_rejects_alpha_with_tioli() {
    let spec: ResaleSpec = toml::from_str(
        r#"
        format = "all-pay"
        [aftermarket]
        kind = "tioli"
        alpha = 0.5
        [[bidders]]
        prior = { kind = "uniform", hi = 1 }
        [[bidders]]
        prior = { kind = "uniform", hi = 1 }
        "#,
    )
    .expect("parse");
    let err = spec.build("x.toml", None).expect_err("alpha");
    assert_eq!(
        err.to_string(),
        "aftermarket.alpha applies only to kind = \"nash\", got 0.5"
    );
}

#[test]
fn game_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<ResaleGame>();
}
