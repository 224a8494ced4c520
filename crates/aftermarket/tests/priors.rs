//! Properties every scalar law must have, for random valid parameters.

mod prior_laws {
    use std::sync::Arc;

    use aftermarket::prior::{
        CappedEqualRevenue, Discrete, Mixture, PointMass, Power, Prior, Tabulated, Truncated,
        TruncatedNormal, Uniform,
    };
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn arc<P: Prior + 'static>(p: P) -> Arc<dyn Prior> {
        Arc::new(p)
    }

    fn any_law() -> impl Strategy<Value = Arc<dyn Prior>> {
        prop_oneof![
            (0.1f64..10.0, 0.1f64..8.0)
                .prop_map(|(w, a)| arc(Power::new(w, a).expect("valid power"))),
            (1.01f64..50.0).prop_map(|h| arc(CappedEqualRevenue::new(h).expect("valid cap"))),
            prop::collection::vec((-5.0f64..5.0, 0.01f64..1.0), 1..6).prop_map(|pts| {
                let total: f64 = pts.iter().map(|p| p.1).sum();
                let pts = pts.into_iter().map(|(x, p)| (x, p / total)).collect();
                arc(Discrete::new(pts).expect("valid discrete"))
            }),
            (0.0f64..1.0, -2.0f64..2.0, 0.1f64..3.0).prop_map(|(w, x, len)| {
                arc(Mixture::new(vec![
                    (w, arc(PointMass::new(x).expect("valid point"))),
                    (
                        1.0 - w,
                        arc(Uniform::new(x - len, x + len).expect("valid uniform")),
                    ),
                ])
                .expect("valid mixture"))
            }),
            (-3.0f64..3.0, 0.2f64..3.0, -4.0f64..2.0, 0.5f64..4.0).prop_map(|(m, sd, lo, len)| {
                arc(TruncatedNormal::new(m, sd, lo, lo + len).expect("valid normal"))
            }),
            (0.0f64..0.5, prop::collection::vec(0.0f64..1.0, 1..5)).prop_map(|(c0, steps)| {
                let mut xs = vec![0.0];
                let mut cdf = vec![c0];
                let total: f64 = steps.iter().sum::<f64>() + 1e-3;
                let mut acc = c0;
                for (i, s) in steps.iter().enumerate() {
                    xs.push((i + 1) as f64);
                    acc += (1.0 - c0) * (s + 1e-3 / steps.len() as f64) / total;
                    cdf.push(acc.min(1.0));
                }
                if let Some(last) = cdf.last_mut() {
                    *last = 1.0;
                }
                arc(Tabulated::new(xs, cdf).expect("valid table"))
            }),
            (0.0f64..0.8, 0.05f64..0.2).prop_map(|(lo, len)| {
                let u = arc(Uniform::new(0.0, 1.0).expect("valid uniform"));
                arc(Truncated::new(u, lo, lo + len).expect("valid truncation"))
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn cdf_is_a_distribution_function(law in any_law()) {
            let (lo, hi) = law.support();
            let mut prev = 0.0;
            for i in 0..=40 {
                let x = lo - 0.5 + (hi - lo + 1.0) * f64::from(i) / 40.0;
                let f = law.cdf(x);
                prop_assert!((0.0..=1.0).contains(&f), "{}: F({x}) = {f}", law.name());
                prop_assert!(f >= prev - 1e-12, "{}: F falls at {x}", law.name());
                prop_assert!(law.cdf_left(x) <= f + 1e-12);
                prev = f;
            }
            prop_assert!(law.cdf(lo - 1.0).abs() < 1e-12);
            prop_assert!((law.cdf(hi) - 1.0).abs() < 1e-12);
        }

        #[test]
        fn quantile_is_the_generalised_inverse(law in any_law()) {
            for i in 1..20 {
                let q = f64::from(i) / 20.0;
                let x = law.quantile(q);
                prop_assert!(law.cdf(x) >= q - 1e-7, "{}: F(Q({q})) = {}", law.name(), law.cdf(x));
                prop_assert!(law.cdf_left(x) <= q + 1e-7, "{}: F(Q({q})-) = {}", law.name(), law.cdf_left(x));
            }
        }

        #[test]
        fn expectation_of_one_is_one(law in any_law()) {
            prop_assert!((law.expect(&|_| 1.0) - 1.0).abs() < 1e-8, "{}", law.name());
            prop_assert!((law.expect(&|v| v) - law.mean()).abs() < 1e-7, "{}", law.name());
        }

        #[test]
        fn sample_mean_agrees_with_mean(law in any_law(), seed in 0u64..1000) {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let n = 4000;
            let draws: Vec<f64> = (0..n).map(|_| law.sample(&mut rng)).collect();
            let (lo, hi) = law.support();
            prop_assert!(draws.iter().all(|x| *x >= lo - 1e-12 && *x <= hi + 1e-12));
            let avg = draws.iter().sum::<f64>() / f64::from(n);
            let mean = law.mean();
            let var = (law.expect(&|v| (v - mean) * (v - mean))).max(0.0);
            let se = (var / f64::from(n)).sqrt();
            prop_assert!((avg - mean).abs() <= 5.0 * se + 1e-9, "{}: {avg} vs {mean} (se {se})", law.name());
        }
    }
}
