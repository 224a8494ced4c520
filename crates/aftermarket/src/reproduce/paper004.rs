//! Paper 004: Babaioff, Immorlica, Li and Lucier, "Making Auctions Robust
//! to Aftermarkets".
//!
//! Example 1 (Theorem 1, Proposition 1) at m = 5: the uniform-price auction
//! followed by a speculator who resells as a monopolist. The speculator's
//! price is computed per auction outcome against her beliefs, never fixed
//! in advance; the expected values come from Monte Carlo and are compared
//! within four standard errors. The same example at m = 4, 6 and 10 runs
//! from scenario text generated for that `m`
//! ([`SpeculatorExample::scenario_toml`]).
//!
//! Closed forms for any m (the digest's table for m = 4 … 10^9): E[z],
//! E[OPT], equilibrium welfare, utilities, the ratio, and Example 3's
//! balanced per-unit price E[OPT]/(2m) with the welfare of sincere buying
//! at that price. Example 2 (the median prophet price fails with an
//! aftermarket) by closed form, with the balanced price E[max]/2 keeping
//! half of E[OPT] (Theorem 4).

mod equilibria;

use super::{Item, PaperReport, ReproduceError, Source};
use crate::analysis::speculator::SpeculatorExample;
use crate::market::McConfig;
use crate::scenario::Scenario;
use crate::scenario::builtin;

const CITATION: &str = "Moshe Babaioff, Nicole Immorlica, Yingkai Li, Brendan Lucier, \
Making Auctions Robust to Aftermarkets";

/// Standard errors allowed between a Monte Carlo estimate and its reference.
const K_SE: f64 = 4.0;

/// Reproduces what of paper 004 is registered so far.
///
/// # Errors
/// A built-in scenario that fails (a bug).
pub fn reproduce() -> Result<PaperReport, ReproduceError> {
    use Source::{Derived, Paper};
    let file = "speculator-uniform-price.toml";
    let sc = builtin::load(file)?;
    let cfg = McConfig {
        episodes: 100_000,
        seed: 2026,
        ..McConfig::default()
    };
    let rep = sc.market.monte_carlo(cfg, None)?;
    let how = format!(
        "scenarios/{file}, monte carlo, {} episodes, seed {}",
        cfg.episodes, cfg.seed
    );
    let m = 5.0_f64;
    let ez = (2.0 * m).ln() / (2.0 * m - 1.0) + 1.0 / (8.0 * m * m);
    let items_spec: [(&str, &str, f64, Source, &str); 6] = [
        (
            "ex1.m5.u-C",
            "Ex. 1, m = 5: speculator's expected utility 1 + (m−3)/(2m)",
            1.0 + (m - 3.0) / (2.0 * m),
            Paper,
            "payoff[C]",
        ),
        (
            "ex1.m5.u-A",
            "Ex. 1, m = 5: A's expected utility 1 + E[u]",
            2.25,
            Derived,
            "payoff[A]",
        ),
        (
            "ex1.m5.u-B",
            "Ex. 1, m = 5: B's expected utility 2 + (m−3)/(8m²)",
            2.0 + (m - 3.0) / (8.0 * m * m),
            Derived,
            "payoff[B]",
        ),
        (
            "ex1.m5.welfare",
            "Ex. 1, m = 5: equilibrium welfare 5.25 + (m−3)(1/(2m))(1 + 1/(4m))",
            5.25 + (m - 3.0) / (2.0 * m) * (1.0 + 1.0 / (4.0 * m)),
            Derived,
            "final_welfare",
        ),
        (
            "ex1.m5.opt",
            "Ex. 1, m = 5: E[OPT] = 5.25 + (m−3)E[z] + 1/(24m³)",
            5.25 + (m - 3.0) * ez + 1.0 / (24.0 * m * m * m),
            Derived,
            "optimal_welfare",
        ),
        (
            "ex1.m5.revenue",
            "Ex. 1, m = 5: auction revenue (price = highest losing bid = 0)",
            0.0,
            Paper,
            "revenue",
        ),
    ];
    let mut items = Vec::new();
    for (id, claim, reference, source, measure) in items_spec {
        let e = rep
            .get(measure)
            .ok_or_else(|| crate::market::MarketError::Invalid(format!("no measure {measure}")))?;
        let tol = K_SE * e.std_error.unwrap_or(0.0) + 1e-9;
        let mut item = Item::compare(id, claim, reference, source, e.mean, tol, &how);
        item.std_error = e.std_error;
        items.push(item);
    }
    items.extend(example1_closed_forms()?);
    for m in [4usize, 6, 10] {
        items.extend(example1_monte_carlo(m)?);
    }
    items.extend(example2());
    items.extend(example2_scenarios()?);
    items.extend(example4()?);
    items.extend(equilibria::items()?);
    Ok(PaperReport {
        paper: "004".into(),
        citation: CITATION.into(),
        items,
    })
}

/// Relative tolerance for the digest's printed closed-form values.
const REL_PRINTED: f64 = 5e-6;

fn printed_tol(x: f64) -> f64 {
    REL_PRINTED * x.abs().max(1e-12) + 1e-9 * x.abs().min(1.0)
}

fn example1_closed_forms() -> Result<Vec<Item>, ReproduceError> {
    use Source::Derived;
    // m, E[z], E[OPT], eq. welfare, ratio, E[OPT]/(2m)
    let table: [(usize, &str, f64, f64, f64, f64, f64); 8] = [
        (4, "4", 0.304876, 5.555527, 5.382812, 1.0321, 0.694441),
        (5, "5", 0.260843, 5.772019, 5.46, 1.0571, 0.577202),
        (10, "10", 0.158920, 6.362483, 5.60875, 1.1344, 0.318124),
        (100, "100", 0.0266372, 7.833809, 5.736212, 1.3657, 0.039169),
        (
            1000, "1000", 0.00380248, 9.041070, 5.748625, 1.5727, 0.00452053,
        ),
        (
            10_000, "1e4", 4.9520e-4, 10.200518, 5.749862, 1.7740, 5.10026e-4,
        ),
        (
            1_000_000, "1e6", 7.25433e-6, 12.504311, 5.749999, 2.1747, 6.25216e-6,
        ),
        (
            1_000_000_000,
            "1e9",
            1.07082e-8,
            15.958206,
            5.75,
            2.7753,
            7.9791e-9,
        ),
    ];
    let how = "closed form (analysis::speculator)";
    let mut items = Vec::new();
    for (m, tag, ez, opt, eq, ratio, price) in table {
        let e = SpeculatorExample::new(m)
            .map_err(|e| crate::market::MarketError::Invalid(e.to_string()))?;
        let rows: [(&str, &str, f64, f64, f64); 5] = [
            (
                "ez",
                "E[z] = ln(2m)/(2m−1) + 1/(8m²)",
                ez,
                e.expected_z(),
                1e-5 * ez,
            ),
            (
                "opt",
                "E[OPT] = 5.25 + (m−3)E[z] + 1/(24m³)",
                opt,
                e.expected_opt(),
                printed_tol(opt),
            ),
            (
                "welfare",
                "equilibrium welfare",
                eq,
                e.equilibrium_welfare(),
                1e-6,
            ),
            (
                "ratio",
                "E[OPT] / equilibrium welfare",
                ratio,
                e.ratio(),
                5e-5,
            ),
            (
                "ex3.price",
                "Ex. 3 balanced per-unit price E[OPT]/(2m)",
                price,
                e.balanced_price(),
                1e-5 * price,
            ),
        ];
        for (id, claim, reference, computed, tol) in rows {
            items.push(Item::compare(
                &format!("ex1.m{tag}.{id}"),
                &format!("Ex. 1, m = {tag}: {claim}"),
                reference,
                Derived,
                computed,
                tol,
                how,
            ));
        }
        let bound = e.paper_bound();
        items.push(Item::compare(
            &format!("ex1.m{tag}.bound"),
            &format!(
                "Ex. 1, m = {tag}: equilibrium welfare ≤ the paper's bound ≤ 6 (value: 6 iff holds)"
            ),
            6.0,
            Source::Paper,
            if e.equilibrium_welfare() <= bound && bound <= 6.0 {
                6.0
            } else {
                bound
            },
            0.0,
            how,
        ));
    }
    for (m, w) in [(10usize, 5.959320), (100, 7.206064), (1000, 8.339894)] {
        let e = SpeculatorExample::new(m)
            .map_err(|e| crate::market::MarketError::Invalid(e.to_string()))?;
        items.push(Item::compare(
            &format!("ex3.m{m}.welfare"),
            &format!(
                "Ex. 3, m = {m}: welfare of sincere buying at E[OPT]/(2m) (≥ E[OPT]/2 by Theorem 4)"
            ),
            w,
            Derived,
            e.balanced_price_welfare(),
            1e-6,
            how,
        ));
    }
    Ok(items)
}

fn example1_monte_carlo(m: usize) -> Result<Vec<Item>, ReproduceError> {
    use Source::Derived;
    let e = SpeculatorExample::new(m)
        .map_err(|e| crate::market::MarketError::Invalid(e.to_string()))?;
    let origin = format!("<speculator example, m = {m}>");
    let sc = Scenario::from_toml(&e.scenario_toml(), &origin, None)?;
    let cfg = McConfig {
        episodes: 40_000,
        seed: 2026,
        ..McConfig::default()
    };
    let rep = sc.market.monte_carlo(cfg, None)?;
    let how = format!(
        "scenario generated for m = {m} from scenarios/speculator-uniform-price.toml's pattern, \
monte carlo, {} episodes, seed {}",
        cfg.episodes, cfg.seed
    );
    let [ua, ub, uc] = e.utilities();
    let rows: [(&str, &str, f64, &str); 5] = [
        ("u-A", "A's expected utility", ua, "payoff[A]"),
        ("u-B", "B's expected utility", ub, "payoff[B]"),
        (
            "u-C",
            "speculator's expected utility 1 + (m−3)/(2m)",
            uc,
            "payoff[C]",
        ),
        (
            "welfare",
            "equilibrium welfare",
            e.equilibrium_welfare(),
            "final_welfare",
        ),
        ("opt", "E[OPT]", e.expected_opt(), "optimal_welfare"),
    ];
    let mut items = Vec::new();
    for (id, claim, reference, measure) in rows {
        let est = rep
            .get(measure)
            .ok_or_else(|| crate::market::MarketError::Invalid(format!("no measure {measure}")))?;
        let tol = K_SE * est.std_error.unwrap_or(0.0) + 1e-9;
        let mut item = Item::compare(
            &format!("ex1.m{m}.mc.{id}"),
            &format!("Ex. 1, m = {m} (Monte Carlo): {claim}"),
            reference,
            Derived,
            est.mean,
            tol,
            &how,
        );
        item.std_error = est.std_error;
        items.push(item);
    }
    Ok(items)
}

/// Example 2 run as markets (ε = 0.1, H = 10): at the median prophet price
/// buyer 1 always buys and resells at H/ε, priced by the engine against its
/// belief about buyer 2 (the prior: a posted price to buyer 1 first reveals
/// nothing about buyer 2); at the balanced price the guarantee holds.
fn example2_scenarios() -> Result<Vec<Item>, ReproduceError> {
    use Source::Derived;
    let (eps, h) = (0.1_f64, 10.0_f64);
    let opt = (1.0 - eps) / 2.0 + 1.0 + h.ln();
    let cfg = McConfig {
        episodes: 200_000,
        seed: 2026,
        ..McConfig::default()
    };
    let mut items = Vec::new();
    let p_star = 1.0 / (2.0 * (1.0 - eps));
    let t = ((opt / 2.0 - 1.0) / (1.0 - eps / h)).clamp(0.0, 1.0);
    // Buyer 1 buys iff v1 ≥ t and resells only when v2 = H/ε (probability
    // ε/H, welfare H/ε); otherwise buyer 2 buys iff v2 > 0 (E[v2] = 1 + ln H).
    let w_bal = (1.0 - t * t) / 2.0 * (1.0 - eps / h) + (1.0 - t) + t * (1.0 + h.ln());
    for (file, tag, what, welfare, resale) in [
        (
            "prophet-price-resale.toml",
            "median",
            format!("median prophet price p* = {p_star:.6}: welfare 0.5(1 − ε/H) + 1"),
            0.5 * (1.0 - eps / h) + 1.0,
            eps / h,
        ),
        (
            "balanced-price-resale.toml",
            "balanced",
            "balanced price E[OPT]/2: welfare (1 − t²)(1 − ε/H)/2 + (1 − t) + t(1 + ln H)"
                .to_string(),
            w_bal,
            eps / h * (1.0 - t),
        ),
    ] {
        let sc = builtin::load(file)?;
        let rep = sc.market.monte_carlo(cfg, None)?;
        let how = format!(
            "scenarios/{file}, monte carlo, {} episodes, seed {}",
            cfg.episodes, cfg.seed
        );
        for (id, claim, reference, measure) in [
            ("welfare", what.clone(), welfare, "final_welfare"),
            (
                "resale",
                "resale probability".to_string(),
                resale,
                "resale_probability",
            ),
        ] {
            let est = rep.get(measure).ok_or_else(|| {
                crate::market::MarketError::Invalid(format!("no measure {measure}"))
            })?;
            let tol = K_SE * est.std_error.unwrap_or(0.0) + 1e-9;
            let mut item = Item::compare(
                &format!("ex2.{tag}.mc.{id}"),
                &format!("Ex. 2, ε = 0.1, H = 10 (Monte Carlo), {claim}"),
                reference,
                Derived,
                est.mean,
                tol,
                &how,
            );
            item.std_error = est.std_error;
            items.push(item);
        }
        if tag == "balanced" {
            let w = rep.get("final_welfare").map(|e| e.mean).unwrap_or(f64::NAN);
            items.push(Item::compare(
                "ex2.balanced.mc.half-opt",
                &format!(
                    "Ex. 2 at the balanced price: welfare ≥ ½·E[OPT] with the aftermarket \
(Theorem 4; value: 0.5 iff holds; welfare / E[OPT] = {:.4})",
                    w / opt
                ),
                0.5,
                Source::Paper,
                if w >= 0.5 * opt { 0.5 } else { w / opt },
                0.0,
                &how,
            ));
        }
    }
    Ok(items)
}

/// (ε, H, tag, p*, E[OPT], W_iso, W_eq, E[max]/2) as printed in the digest.
type Ex2Row = (f64, f64, &'static str, f64, f64, f64, f64, f64);

/// Example 2 closed forms: v1 ~ U[0,1]; v2 = 0 w.p. 1 − ε, else z/ε with z
/// capped equal-revenue on [1, H].
fn example2() -> Vec<Item> {
    use Source::Derived;
    let how = "closed form (digest Example 2)";
    let rows: [Ex2Row; 5] = [
        (
            0.1, 10.0, "0.1.h10", 0.555556, 3.752585, 2.180449, 1.495, 1.876293,
        ),
        (
            0.1, 100.0, "0.1.h100", 0.555556, 6.055170, 3.459662, 1.4995, 3.027585,
        ),
        (
            0.1, 1e4, "0.1.h1e4", 0.555556, 10.660340, 6.018090, 1.499995, 5.330170,
        ),
        (
            0.1, 1e6, "0.1.h1e6", 0.555556, 15.265511, 8.576518, 1.5, 7.632755,
        ),
        (
            0.01,
            1e6,
            "0.01.h1e6",
            0.505051,
            15.310511,
            7.855043,
            1.5,
            7.655255,
        ),
    ];
    let mut items = Vec::new();
    for (eps, h, tag, p_ref, opt_ref, iso_ref, eq_ref, bal_ref) in rows {
        let ez = 1.0 + h.ln();
        let p = 1.0 / (2.0 * (1.0 - eps));
        let opt = (1.0 - eps) / 2.0 + ez;
        let iso = (1.0 - p * p) / 2.0 + p * ez;
        let eq = 0.5 * (1.0 - eps / h) + 1.0;
        let bal = opt / 2.0;
        for (id, claim, r, c) in [
            ("p-star", "median prophet price p* = 1/(2(1−ε))", p_ref, p),
            ("opt", "E[OPT] = (1−ε)/2 + 1 + ln H", opt_ref, opt),
            ("w-iso", "welfare at p* without aftermarket", iso_ref, iso),
            (
                "w-eq",
                "welfare at p* with resale (buyer 1 resells at H/ε)",
                eq_ref,
                eq,
            ),
            ("balanced", "balanced price E[max v]/2", bal_ref, bal),
        ] {
            items.push(Item::compare(
                &format!("ex2.eps{tag}.{id}"),
                &format!("Ex. 2, ε = {eps}, H = {h}: {claim}"),
                r,
                Derived,
                c,
                1e-6,
                how,
            ));
        }
    }
    // At the balanced price P = E[max]/2, buyer 1 buys iff
    // 1 + v1 (1 − ε/H) >= P and resells at H/ε; buyer 2 buys iff v2 > 0.
    for (h, t_ref, w_ref) in [(10.0, 0.885144, 3.145297), (100.0, 1.0, 5.605170)] {
        let eps = 0.1;
        let ez = 1.0 + f64::ln(h);
        let opt = (1.0 - eps) / 2.0 + ez;
        let pb = opt / 2.0;
        let t = ((pb - 1.0) / (1.0 - eps / h)).clamp(0.0, 1.0);
        // buyer 1 holds w.p. 1 − t: welfare E[v1 | v1 >= t](1 − ε/H) part + ε·E[z/ε] resale
        // buyer 1 absent w.p. t: buyer 2 buys iff v2 > 0: welfare ε E[z/ε] = E[z]
        let hold = (1.0 - t * t) / 2.0 * (1.0 - eps / h) + (1.0 - t) * eps * (h / eps) * (1.0 / h);
        let w = hold + t * ez;
        items.push(Item::compare(
            &format!("ex2.balanced.h{h}.threshold"),
            &format!("Ex. 2, ε = 0.1, H = {h}: buyer 1's threshold at the balanced price"),
            t_ref,
            Derived,
            t,
            1e-6,
            how,
        ));
        items.push(Item::compare(
            &format!("ex2.balanced.h{h}.welfare"),
            &format!(
                "Ex. 2, ε = 0.1, H = {h}: welfare at the balanced price (≥ E[OPT]/2 = {:.6})",
                opt / 2.0
            ),
            w_ref,
            Derived,
            w,
            1e-6,
            how,
        ));
    }
    items
}

/// Example 4 (γ-bounded market shares): k = ⌈1/γ⌉ groups, each Example 1
/// with m := r units, so m = rk in all. With γ = 0.25 and r = 10: k = 4,
/// m = 40; each speculator wins r − 2 = 8 < γm = 10 units, and the ratio is
/// Example 1's at m = 10.
fn example4() -> Result<Vec<Item>, ReproduceError> {
    use Source::Derived;
    let (gamma, r) = (0.25_f64, 10usize);
    let k = (1.0 / gamma).ceil();
    let m = r as f64 * k;
    let g = SpeculatorExample::new(r)
        .map_err(|e| crate::market::MarketError::Invalid(e.to_string()))?;
    let how = "closed form: k copies of Example 1 with m := r";
    let share_ok = ((r - 2) as f64) < gamma * m;
    Ok(vec![
        Item::compare(
            "ex4.g0.25.r10.opt",
            "Ex. 4, γ = 0.25, r = 10: total E[OPT] = k × Example 1's at m = 10",
            4.0 * 6.362483,
            Derived,
            k * g.expected_opt(),
            4e-6,
            how,
        ),
        Item::compare(
            "ex4.g0.25.r10.welfare",
            "Ex. 4, γ = 0.25, r = 10: total equilibrium welfare",
            4.0 * 5.60875,
            Derived,
            k * g.equilibrium_welfare(),
            1e-9,
            how,
        ),
        Item::compare(
            "ex4.g0.25.r10.ratio",
            "Ex. 4, γ = 0.25, r = 10: E[OPT] / equilibrium welfare",
            1.1344,
            Derived,
            g.ratio(),
            5e-5,
            how,
        ),
        Item::compare(
            "ex4.g0.25.r10.share",
            "Ex. 4: each speculator wins r − 2 = 8 < γm = 10 units (value: 8 iff the cap holds)",
            8.0,
            Source::Paper,
            if share_ok { 8.0 } else { gamma * m },
            0.0,
            how,
        ),
    ])
}
