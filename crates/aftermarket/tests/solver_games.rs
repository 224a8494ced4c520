//! Multi-unit auctions and the local-local-global auction as Bayesian
//! games: utilities against a direct simulation of the mechanism, and known
//! equilibria (Krishna, *Auction Theory*, ch. 12–13; Ausubel & Baranov
//! 2020, Table 1) checked by their utility loss and by solving.

use aftermarket::equilibrium::{
    ActionClass, BayesGame, DualAveraging, LlgGame, LlgParams, LlgRule, MixedStrategy,
    MultiUnitGame, MultiUnitParams, Solve, UnitFormat, UnitTypes,
};
use aftermarket::prior::order_stats::kth_highest_cdf;
use aftermarket::prior::{Prior, Uniform};
use proptest::prelude::*;

fn unif() -> Uniform {
    Uniform::new(0.0, 1.0).expect("uniform")
}

const FORMATS: [UnitFormat; 4] = [
    UnitFormat::UniformPrice,
    UnitFormat::UniformPriceLowestWinning,
    UnitFormat::PayAsBid,
    UnitFormat::Vickrey,
];

/// Every bidder's expected (value of units won, payment) when bidders
/// submit `bids` and have marginal values `values`: the m highest bids win,
/// every order of the bids tied at the clearing bid equally likely.
fn simulate(format: UnitFormat, m: usize, bids: &[Vec<f64>], values: &[Vec<f64>]) -> Vec<f64> {
    let n = bids.len();
    let mut pooled: Vec<(f64, usize)> = bids
        .iter()
        .enumerate()
        .flat_map(|(i, b)| b.iter().map(move |&x| (x, i)))
        .collect();
    pooled.sort_by(|a, b| b.0.total_cmp(&a.0));
    let clearing = pooled[m - 1].0;
    let losing_top = pooled[m].0;
    let above: Vec<usize> = pooled
        .iter()
        .filter(|p| p.0 > clearing + 1e-12)
        .map(|p| p.1)
        .collect();
    let mut tied: Vec<usize> = pooled
        .iter()
        .filter(|p| (p.0 - clearing).abs() < 1e-12)
        .map(|p| p.1)
        .collect();
    let slots = m - above.len();
    let mut total = vec![0.0; n];
    let mut orders = 0usize;
    permute(&mut tied, 0, &mut |order| {
        orders += 1;
        let mut won = vec![0usize; n];
        for &i in above.iter().chain(&order[..slots]) {
            won[i] += 1;
        }
        for i in 0..n {
            let k = won[i];
            let value: f64 = values[i][..k].iter().sum();
            let pay = match format {
                UnitFormat::PayAsBid => bids[i][..k].iter().sum(),
                UnitFormat::UniformPrice => k as f64 * losing_top,
                UnitFormat::UniformPriceLowestWinning => k as f64 * clearing,
                UnitFormat::Vickrey => {
                    // Others' best welfare without i minus what they get.
                    let mut others: Vec<f64> = (0..n)
                        .filter(|&r| r != i)
                        .flat_map(|r| bids[r].iter().copied())
                        .collect();
                    others.sort_by(|a, b| b.total_cmp(a));
                    let without: f64 = others[..m].iter().sum();
                    let with: f64 = (0..n)
                        .filter(|&r| r != i)
                        .map(|r| bids[r][..won[r]].iter().sum::<f64>())
                        .sum();
                    without - with
                }
                _ => unreachable!("all formats listed"),
            };
            total[i] += value - pay;
        }
    });
    total.iter().map(|x| x / orders as f64).collect()
}

fn permute(v: &mut Vec<usize>, k: usize, f: &mut dyn FnMut(&[usize])) {
    if k == v.len() {
        f(v);
        return;
    }
    for j in k..v.len() {
        v.swap(k, j);
        permute(v, k + 1, f);
        v.swap(k, j);
    }
}

/// Interim utilities by enumerating every rival type and action profile.
fn brute(g: &MultiUnitGame, p: &[MixedStrategy]) -> Vec<Vec<f64>> {
    let n = g.n_bidders();
    let m = g.units();
    (0..n)
        .map(|i| {
            let na = g.n_actions(i);
            let mut u = vec![0.0; g.type_weights(i).len() * na];
            for t in 0..g.type_weights(i).len() {
                for a in 0..na {
                    let mut acc = 0.0;
                    // Odometer over (type, action) of each rival.
                    let rivals: Vec<usize> = (0..n).filter(|&r| r != i).collect();
                    let sizes: Vec<usize> = rivals
                        .iter()
                        .map(|&r| g.type_weights(r).len() * g.n_actions(r))
                        .collect();
                    let mut idx = vec![0usize; rivals.len()];
                    loop {
                        let mut prob = 1.0;
                        let mut bids = vec![Vec::new(); n];
                        let mut values = vec![vec![0.0; m]; n];
                        bids[i] = g.bid_vector(i, t, a);
                        values[i] = g.type_point(i, t).to_vec();
                        for (k, &r) in rivals.iter().enumerate() {
                            let nar = g.n_actions(r);
                            let (tr, ar) = (idx[k] / nar, idx[k] % nar);
                            prob *= g.type_weights(r)[tr] * p[r].row(tr)[ar];
                            bids[r] = g.bid_vector(r, tr, ar);
                        }
                        if prob > 0.0 {
                            acc += prob * simulate(g.format(), m, &bids, &values)[i];
                        }
                        let mut k = 0;
                        while k < idx.len() {
                            idx[k] += 1;
                            if idx[k] < sizes[k] {
                                break;
                            }
                            idx[k] = 0;
                            k += 1;
                        }
                        if k == idx.len() {
                            break;
                        }
                    }
                    u[t * na + a] = acc;
                }
            }
            u
        })
        .collect()
}

fn random_mixed(g: &dyn BayesGame, seed: u64) -> Vec<MixedStrategy> {
    let mut s = seed;
    let mut next = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 33) as f64 / (1u64 << 31) as f64) + 0.02
    };
    (0..g.n_bidders())
        .map(|i| {
            let (nt, na) = (g.type_weights(i).len(), g.n_actions(i));
            let mut probs: Vec<f64> = (0..nt * na).map(|_| next()).collect();
            for row in probs.chunks_mut(na) {
                let z: f64 = row.iter().sum();
                row.iter_mut().for_each(|x| *x /= z);
            }
            MixedStrategy {
                n_types: nt,
                n_bids: na,
                probs,
            }
        })
        .collect()
}

fn unit_game(
    format: UnitFormat,
    m: usize,
    types: Vec<UnitTypes>,
    bids: usize,
    class: ActionClass,
) -> MultiUnitGame {
    MultiUnitGame::new(MultiUnitParams {
        format,
        units: m,
        types,
        bids,
        b_max: 1.0,
        class,
    })
    .expect("game")
}

fn assert_close(a: &[Vec<f64>], b: &[Vec<f64>], tol: f64, what: &str) {
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        for (j, (p, q)) in x.iter().zip(y).enumerate() {
            assert!(
                (p - q).abs() < tol,
                "{what}: bidder {i}, entry {j}: {p} vs {q}"
            );
        }
    }
}

#[test]
fn multi_unit_utilities_match_simulation_for_every_format() {
    let two = UnitTypes::sorted_draws(&unif(), 2, 2).expect("types");
    for format in FORMATS {
        // Two bidders, two units, 3 bids: many ties at the clearing bid.
        let g = unit_game(
            format,
            2,
            vec![two.clone(), two.clone()],
            3,
            ActionClass::Vectors,
        );
        let p = random_mixed(&g, 3);
        let mut u = Vec::new();
        g.utilities(&p, &mut u).expect("utilities");
        assert_close(&u, &brute(&g, &p), 1e-12, format.name());
        // Three bidders, two units (rivals' third and fourth bids tie in).
        let one = UnitTypes::flat(&unif(), 2, 2).expect("types");
        let g = unit_game(
            format,
            2,
            vec![one.clone(), two.clone(), one],
            3,
            ActionClass::Vectors,
        );
        let p = random_mixed(&g, 5);
        g.utilities(&p, &mut u).expect("utilities");
        assert_close(&u, &brute(&g, &p), 1e-12, format.name());
    }
}

#[test]
fn three_units_and_shading_match_simulation() {
    let t = UnitTypes::sorted_draws(&unif(), 3, 2).expect("types");
    for format in [UnitFormat::UniformPrice, UnitFormat::Vickrey] {
        let g = unit_game(
            format,
            3,
            vec![t.clone(), t.clone()],
            3,
            ActionClass::Vectors,
        );
        let p = random_mixed(&g, 11);
        let mut u = Vec::new();
        g.utilities(&p, &mut u).expect("utilities");
        assert_close(&u, &brute(&g, &p), 1e-12, format.name());
    }
    let g = unit_game(
        UnitFormat::PayAsBid,
        3,
        vec![t.clone(), t.clone(), t],
        5,
        ActionClass::Shading { levels: 3 },
    );
    let p = random_mixed(&g, 13);
    let mut u = Vec::new();
    g.utilities(&p, &mut u).expect("utilities");
    assert_close(&u, &brute(&g, &p), 1e-12, "shading");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn pure_profile_utilities_equal_simulation(
        fmt in 0usize..4,
        choice in proptest::collection::vec(0usize..10, 9),
    ) {
        let format = FORMATS[fmt];
        let t = UnitTypes::sorted_draws(&unif(), 2, 2).expect("types");
        let g = unit_game(format, 2, vec![t.clone(), t.clone(), t], 4, ActionClass::Vectors);
        let p: Vec<MixedStrategy> = (0..3)
            .map(|i| MixedStrategy::pure(&choice[3 * i..3 * i + 3], g.n_actions(i)))
            .collect();
        let mut u = Vec::new();
        g.utilities(&p, &mut u).expect("utilities");
        let b = brute(&g, &p);
        for i in 0..3 {
            for (x, y) in u[i].iter().zip(&b[i]) {
                prop_assert!((x - y).abs() < 1e-12);
            }
        }
    }
}

/// Types whose values lie on the bid grid (cells of width 1/8 and bids at
/// multiples of 1/16), so truthful bids are exact.
fn grid_types(m: usize, shape: &str) -> UnitTypes {
    match shape {
        "sorted" => UnitTypes::sorted_draws(&unif(), m, 4),
        "flat" => UnitTypes::flat(&unif(), m, 8),
        _ => UnitTypes::unit_demand(&unif(), m, 8),
    }
    .expect("types")
}

#[test]
fn vickrey_truthful_is_an_equilibrium() {
    let t = grid_types(2, "sorted");
    let g = unit_game(
        UnitFormat::Vickrey,
        2,
        vec![t.clone(), t.clone(), t],
        17,
        ActionClass::Vectors,
    );
    let m = g.utility_loss(&g.truthful_profile()).expect("loss");
    assert!(m.max_absolute() < 1e-12, "{m:?}");
    // Shading class, four units, four bidders: s = 1 is a best response.
    let t = UnitTypes::sorted_draws(&unif(), 4, 2).expect("types");
    let g = unit_game(
        UnitFormat::Vickrey,
        4,
        vec![t.clone(), t.clone(), t.clone(), t],
        9,
        ActionClass::Shading { levels: 5 },
    );
    let m = g.utility_loss(&g.truthful_profile()).expect("loss");
    assert!(m.max_absolute() < 1e-12, "{m:?}");
}

#[test]
fn uniform_price_with_unit_demand_is_truthful() {
    let t = grid_types(2, "unit");
    let g = unit_game(
        UnitFormat::UniformPrice,
        2,
        vec![t.clone(), t.clone(), t],
        17,
        ActionClass::Vectors,
    );
    let m = g.utility_loss(&g.truthful_profile()).expect("loss");
    assert!(m.max_absolute() < 1e-12, "{m:?}");
}

#[test]
fn uniform_price_flat_demand_reduces_demand() {
    // Two bidders, two units, flat demand: (v, 0) is an equilibrium.
    let t = grid_types(2, "flat");
    let g = unit_game(
        UnitFormat::UniformPrice,
        2,
        vec![t.clone(), t],
        17,
        ActionClass::Vectors,
    );
    let p = g.pure_profile(|_, v| vec![v[0], 0.0]);
    let m = g.utility_loss(&p).expect("loss");
    assert!(m.max_relative() < 1e-12, "{m:?}");
    // Each bidder gets one unit for free: utility E[v] = 1/2, above what
    // truthful bidding (also an equilibrium here) leaves it.
    assert!((m.utility[0] - 0.5).abs() < 1e-12, "{m:?}");
    let truthful = g.utility_loss(&g.truthful_profile()).expect("loss");
    assert!(truthful.utility[0] < m.utility[0] - 0.1, "{truthful:?}");
    // Against (v, 0), raising the second bid to x costs x whenever the
    // rival's first bid is above it: with the price at the lowest winning
    // bid instead, (v, 0) is no longer an equilibrium (winning the second
    // unit is cheap).
    let g2 = unit_game(
        UnitFormat::UniformPriceLowestWinning,
        2,
        vec![grid_types(2, "flat"), grid_types(2, "flat")],
        17,
        ActionClass::Vectors,
    );
    let m2 = g2
        .utility_loss(&g2.pure_profile(|_, v| vec![v[0], 0.0]))
        .expect("loss");
    assert!(m2.max_relative() > 1e-2, "{m2:?}");
}

/// \\(E\[Y \mid Y < v\] = v - \int_0^v F_Y / F_Y(v)\\), Y the m-th highest of
/// n - 1 uniform values.
fn pay_as_bid_unit_demand(n: usize, m: usize, v: f64) -> f64 {
    let u = unif();
    let f = |y: f64| kth_highest_cdf(&u as &dyn Prior, n - 1, m, y).expect("cdf");
    let fv = f(v);
    if fv <= 0.0 {
        return 0.0;
    }
    v - aftermarket::analysis::quadrature::integrate(&f, 0.0, v) / fv
}

#[test]
fn pay_as_bid_unit_demand_matches_closed_form() {
    let (n, m) = (3, 2);
    let t = UnitTypes::unit_demand(&unif(), m, 16).expect("types");
    let g = unit_game(
        UnitFormat::PayAsBid,
        m,
        vec![t.clone(), t.clone(), t],
        33,
        ActionClass::Vectors,
    );
    // The closed form at v = 1 is E[min of two uniforms] = 1/3.
    assert!((pay_as_bid_unit_demand(n, m, 1.0) - 1.0 / 3.0).abs() < 1e-9);
    let closed = g.pure_profile(|_, v| vec![pay_as_bid_unit_demand(n, m, v[0]), 0.0]);
    let loss = g.utility_loss(&closed).expect("loss");
    assert!(loss.max_relative() < 5e-3, "{loss:?}");
    let sol = Solve::new(&g, DualAveraging::entropic(20.0, 0.0).expect("learner"))
        .init(aftermarket::equilibrium::State {
            strategies: closed,
            iter: 0,
        })
        .max_iters(0)
        .run()
        .expect("solve");
    let bids = sol.mean_actions(&g);
    let step = 1.0 / 32.0;
    for (tpt, b) in g.types(0).points.iter().zip(&bids[0]) {
        assert!((b[0] - pay_as_bid_unit_demand(n, m, tpt[0])).abs() <= 0.5 * step + 1e-12);
        assert!(b[1].abs() < 1e-12);
    }
}

#[test]
fn pay_as_bid_unit_demand_solved_near_closed_form() {
    let (n, m) = (3, 2);
    let t = UnitTypes::unit_demand(&unif(), m, 8).expect("types");
    let g = unit_game(
        UnitFormat::PayAsBid,
        m,
        vec![t.clone(), t.clone(), t],
        17,
        ActionClass::Vectors,
    );
    let sol = Solve::new(&g, DualAveraging::entropic(50.0, 0.0).expect("learner"))
        .max_iters(600)
        .tol(1e-3)
        .history(false)
        .run()
        .expect("solve");
    let bids = sol.mean_actions(&g);
    let mut linf = 0.0f64;
    for (tpt, b) in g.types(0).points.iter().zip(&bids[0]) {
        linf = linf.max((b[0] - pay_as_bid_unit_demand(n, m, tpt[0])).abs());
    }
    eprintln!(
        "pay-as-bid 2 units 3 bidders: rel. loss {:.2e}, L_inf {linf:.3}",
        sol.metrics.max_relative()
    );
    assert!(linf < 3.0 / 16.0, "L_inf {linf}");
}

fn llg(rule: LlgRule, gamma: f64, n: usize, m: usize) -> LlgGame {
    LlgGame::new(&LlgParams {
        rule,
        gamma,
        types: n,
        bids: m,
    })
    .expect("game")
}

#[test]
fn llg_closed_forms_have_small_utility_loss() {
    for rule in [
        LlgRule::NearestVcg,
        LlgRule::NearestZero,
        LlgRule::NearestBid,
        LlgRule::Proxy,
        LlgRule::Vcg,
    ] {
        for gamma in [0.0, 0.5] {
            // With gamma > 0 the locals often share a type cell and tie, so
            // the loss of the closed form on the grid falls like the step.
            let g = llg(rule, gamma, 64, 65);
            let p = g.closed_form_profile().expect("closed form");
            let m = g.utility_loss(&p).expect("loss");
            assert!(m.max_relative() < 1e-2, "{rule:?} {gamma}: {m:?}");
        }
    }
}

#[test]
fn llg_nearest_vcg_solved_near_closed_form() {
    for gamma in [0.0, 0.5] {
        let g = llg(LlgRule::NearestVcg, gamma, 24, 25);
        let sol = Solve::new(&g, DualAveraging::entropic(20.0, 0.0).expect("learner"))
            .max_iters(1500)
            .tol(1e-3)
            .history(false)
            .run()
            .expect("solve");
        let bids = sol.mean_bids(&g);
        let (mut linf, mut l2) = (0.0f64, 0.0);
        for (&v, &b) in g.local_types().iter().zip(&bids[0]) {
            let d = (b - LlgRule::NearestVcg.local_bne(gamma, v).expect("closed")).abs();
            linf = linf.max(d);
            l2 += d * d / g.local_types().len() as f64;
        }
        let l2 = l2.sqrt();
        eprintln!(
            "LLG nearest-VCG gamma {gamma}: rel. loss {:.2e}, L_inf {linf:.4}, L2 {l2:.4}, {} iters",
            sol.metrics.max_relative(),
            sol.iters
        );
        let step = 1.0 / 24.0;
        assert!(l2 < 2.0 * step, "L2 {l2}");
        assert!(linf < 4.0 * step, "L_inf {linf}");
    }
}

fn scenario_files(pred: impl Fn(&str) -> bool) -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/solve");
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/solve")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&pred))
        .collect();
    out.sort();
    out
}

#[test]
fn scenario_files_build_and_evaluate() {
    use aftermarket::equilibrium::{LlgSpec, MultiUnitSpec};
    let units = scenario_files(|n| n.contains("-units") && n.ends_with(".toml"));
    let llgs = scenario_files(|n| n.starts_with("llg-") && n.ends_with(".toml"));
    assert!(units.len() >= 3 && llgs.len() >= 2);
    for path in units {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(&path).expect("read");
        let spec: MultiUnitSpec = toml::from_str(&text).expect(&origin);
        assert!(spec.learner.is_some(), "{origin}");
        let g = spec.build(&origin).expect(&origin);
        let loss = g.utility_loss(&g.truthful_profile()).expect(&origin);
        assert_eq!(loss.utility.len(), spec.bidders.len(), "{origin}");
    }
    for path in llgs {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(&path).expect("read");
        let spec: LlgSpec = toml::from_str(&text).expect(&origin);
        let g = spec.build(&origin).expect(&origin);
        assert_eq!(g.n_bidders(), 3);
    }
}

#[test]
fn spec_errors_name_the_field() {
    use aftermarket::equilibrium::{LlgSpec, MultiUnitSpec};
    let spec: LlgSpec =
        toml::from_str("format = \"llg\"\nrule = \"proxy\"\ngamma = -0.1\n").expect("parse");
    let err = spec.build("x.toml").expect_err("gamma");
    assert_eq!(err.to_string(), "gamma must be in [0, 1], got -0.1");
    let bad: Result<LlgSpec, _> = toml::from_str("format = \"llg\"\nrule = \"second-price\"\n");
    assert!(bad.is_err());
    let spec: MultiUnitSpec = toml::from_str(
        "format = \"vickrey\"\nunits = 2\nstrategy = \"grid\"\n[[bidders]]\nprior = { kind = \"uniform\", hi = 1.0 }\n[[bidders]]\nprior = { kind = \"uniform\", hi = 1.0 }\n[grid]\ntypes = 2\nbids = 3\n",
    )
    .expect("parse");
    let err = spec.build("x.toml").expect_err("strategy");
    assert!(
        err.to_string()
            .starts_with("strategy must be \"vectors\" or \"shading\""),
        "{err}"
    );
}
