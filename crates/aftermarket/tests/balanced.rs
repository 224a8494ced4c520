//! Balanced prices and anonymous reserves (paper 004, Claim 1, Theorems
//! 4–5): the balancedness inequalities on random profiles, and the half of
//! E[OPT] the reserve and the balanced posted price keep on random small
//! finite markets, computed exactly.

use aftermarket::analysis::balanced::{
    check_balanced, check_claim1, expected_optimal_welfare, per_unit_balanced_price, top_k_welfare,
};
use aftermarket::market::McConfig;
use aftermarket::scenario::Scenario;
use proptest::prelude::*;

fn profile(max_m: usize) -> impl Strategy<Value = (usize, Vec<Vec<f64>>)> {
    (1..=max_m, 1..=4usize).prop_flat_map(|(m, n)| {
        (
            Just(m),
            proptest::collection::vec(proptest::collection::vec(0.0f64..10.0, m), n).prop_map(
                |mut vs| {
                    for v in &mut vs {
                        v.sort_by(|a, b| b.total_cmp(a));
                    }
                    vs
                },
            ),
        )
    })
}

fn list(v: &[f64]) -> String {
    v.iter()
        .map(|x| format!("{x}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A market of `bidders`, each with a two-point law over marginal vectors,
/// bidding truthfully under `mechanism` with no aftermarket.
fn finite_market(m: usize, bidders: &[[Vec<f64>; 2]], mechanism: &str) -> String {
    let mut s = format!("name = \"random\"\n[goods]\nkind = \"units\"\nm = {m}\n\n");
    for (i, types) in bidders.iter().enumerate() {
        s += &format!("[[bidders]]\nname = \"b{i}\"\nstrategy = \"truthful\"\n");
        for t in types {
            s += &format!(
                "[[bidders.types]]\nvalues = [{}]\nprobability = 0.5\n",
                list(t)
            );
        }
        s += "\n";
    }
    s += &format!("[mechanism]\n{mechanism}\n\n[aftermarket]\nkind = \"none\"\n");
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn claim1_prices_are_balanced((m, vs) in profile(6)) {
        let c = check_claim1(&vs, m).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(c.holds, "{c:?}");
        // Shares: m_k >= (k/m) m_m for every k.
        let mm = top_k_welfare(&vs, m);
        for k in 0..=m {
            prop_assert!(top_k_welfare(&vs, k) + 1e-9 >= k as f64 / m as f64 * mm);
        }
    }

    #[test]
    fn lower_balanced_prices_keep_condition_ii((m, vs) in profile(5), scale in 0.0f64..1.0) {
        let w = top_k_welfare(&vs, m) / m as f64 * scale;
        let c = check_balanced(&vs, m, w, 1.0 / scale.max(1e-3), 1.0)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(c.slack_ii >= -1e-9);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn reserve_and_balanced_price_keep_half_of_opt(
        (m, n) in (1..=3usize, 1..=3usize),
        seeds in proptest::collection::vec(proptest::collection::vec(0.0f64..10.0, 6), 3),
    ) {
        let bidders: Vec<[Vec<f64>; 2]> = seeds
            .iter()
            .take(n)
            .map(|s| {
                let mut a: Vec<f64> = s[..m].to_vec();
                let mut b: Vec<f64> = s[3..3 + m].to_vec();
                a.sort_by(|x, y| y.total_cmp(x));
                b.sort_by(|x, y| y.total_cmp(x));
                [a, b]
            })
            .collect();
        let fail = |e: String| TestCaseError::fail(e);
        let base = Scenario::from_toml(&finite_market(m, &bidders, "kind = \"uniform-price\""), "<random>", None)
            .map_err(|e| fail(e.to_string()))?;
        let opt = expected_optimal_welfare(&base.market, McConfig::default())
            .map_err(|e| fail(e.to_string()))?;
        prop_assert!(opt.std_error.is_none());
        let r = per_unit_balanced_price(opt.mean, m).map_err(|e| fail(e.to_string()))?;
        for mech in [
            format!("kind = \"uniform-price\"\nreserve = {r}"),
            format!("kind = \"posted-price\"\nprice = {r}"),
        ] {
            let sc = Scenario::from_toml(&finite_market(m, &bidders, &mech), "<random>", None)
                .map_err(|e| fail(e.to_string()))?;
            let rep = sc.market.exact().map_err(|e| fail(e.to_string()))?;
            let w = rep.get("final_welfare").unwrap_or(f64::NAN);
            prop_assert!(w + 1e-9 >= 0.5 * opt.mean, "{mech}: welfare {w} < half of {}", opt.mean);
        }
    }
}
