//! Aftermarkets: paper 004's speculator example and accounting properties
//! of every aftermarket on random small markets.

mod resale {
    use std::sync::Arc;

    use aftermarket::analysis::quadrature::integrate;
    use aftermarket::prior::{Prior, TypePrior, Uniform, ValueShape};
    use aftermarket::resale::{
        Aftermarket, Belief, Competitive, CostBearer, Indifference, MonopolistReseller,
        NashBargaining, NoResale, Proposer, ResaleContext, SequentialPostedPrices, TakeItOrLeaveIt,
        WinnerPostsPrice, check_budget_balance, check_conservation, check_ex_post_ir,
        check_voluntary_participation,
    };
    use aftermarket::values::{Holding, ItemSet, PackageValues, Supply, Valuation};
    use proptest::prelude::*;
    use rand::{Rng, RngExt};

    /// Paper 004, Example 1: the law of B's common marginal value z,
    /// \\(F_B(z) = 1 - 1/(1 + (2m-1)z)\\) on \\(\[0, 1)\\) and \\(z - 1/(2m)\\) on
    /// \\(\[1, 1 + 1/(2m)\]\\).
    #[derive(Debug)]
    struct SpeculatorLaw {
        m: f64,
    }

    impl SpeculatorLaw {
        fn top(&self) -> f64 {
            1.0 + 1.0 / (2.0 * self.m)
        }
    }

    impl Prior for SpeculatorLaw {
        fn name(&self) -> String {
            format!("paper-004-f-b[m={}]", self.m)
        }
        fn support(&self) -> (f64, f64) {
            (0.0, self.top())
        }
        fn cdf(&self, x: f64) -> f64 {
            if x < 0.0 {
                0.0
            } else if x < 1.0 {
                1.0 - 1.0 / (1.0 + (2.0 * self.m - 1.0) * x)
            } else if x <= self.top() {
                x - 1.0 / (2.0 * self.m)
            } else {
                1.0
            }
        }
        fn pdf(&self, x: f64) -> f64 {
            let k = 2.0 * self.m - 1.0;
            if (0.0..1.0).contains(&x) {
                k / (1.0 + k * x).powi(2)
            } else if (1.0..=self.top()).contains(&x) {
                1.0
            } else {
                0.0
            }
        }
        fn quantile(&self, q: f64) -> f64 {
            let q = q.clamp(0.0, 1.0);
            if q < 1.0 - 1.0 / (2.0 * self.m) {
                (1.0 / (1.0 - q) - 1.0) / (2.0 * self.m - 1.0)
            } else {
                q + 1.0 / (2.0 * self.m)
            }
        }
        fn sample(&self, rng: &mut dyn Rng) -> f64 {
            let u: f64 = rng.random();
            self.quantile(u)
        }
        fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64 {
            integrate(&|x| g(x) * self.pdf(x), 0.0, 1.0)
                + integrate(&|x| g(x) * self.pdf(x), 1.0, self.top())
        }
    }

    /// A scalar law turned into marginal values by a shape.
    #[derive(Debug)]
    struct Shaped {
        prior: Arc<dyn Prior>,
        shape: ValueShape,
    }

    impl Shaped {
        fn valuation(&self, v: f64) -> Valuation {
            let m = match &self.shape {
                ValueShape::Flat { m } => vec![v; *m],
                ValueShape::Affine(c) => c.iter().map(|(a, b)| a + b * v).collect(),
                _ => vec![v],
            };
            Valuation::units(m).expect("valid shape")
        }
    }

    impl TypePrior for Shaped {
        fn name(&self) -> String {
            self.prior.name()
        }
        fn sample(&self, rng: &mut dyn Rng) -> Valuation {
            self.valuation(self.prior.sample(rng))
        }
        fn finite_support(&self) -> Option<Vec<(Valuation, f64)>> {
            None
        }
        fn scalar(&self) -> Option<(&dyn Prior, &ValueShape)> {
            Some((self.prior.as_ref(), &self.shape))
        }
    }

    /// Paper 004 Example 1 with `m` units: A = (2, u, 0, …), u ~ U[1, 1.5];
    /// B = (2, z, …, z), z ~ F_B; C a speculator. Returns the priors of A and
    /// B and the true valuations for (u, z).
    fn example_1(m: usize, u: f64, z: f64) -> (Belief, Belief, Vec<Valuation>) {
        let mut a_shape = vec![(2.0, 0.0), (0.0, 1.0)];
        a_shape.extend(std::iter::repeat_n((0.0, 0.0), m - 2));
        let mut b_shape = vec![(2.0, 0.0)];
        b_shape.extend(std::iter::repeat_n((0.0, 1.0), m - 1));
        let a = Shaped {
            prior: Arc::new(Uniform::new(1.0, 1.5).expect("valid")),
            shape: ValueShape::Affine(a_shape),
        };
        let b = Shaped {
            prior: Arc::new(SpeculatorLaw { m: m as f64 }),
            shape: ValueShape::Affine(b_shape),
        };
        let vals = vec![
            a.valuation(u),
            b.valuation(z),
            Valuation::units(vec![]).expect("ok"),
        ];
        (
            Belief::Distribution(Arc::new(a)),
            Belief::Distribution(Arc::new(b)),
            vals,
        )
    }

    fn beliefs_about(a: Belief, b: Belief, vals: &[Valuation]) -> Vec<Vec<Belief>> {
        let mut rows: Vec<Vec<Belief>> = (0..3)
            .map(|_| vals.iter().cloned().map(Belief::Known).collect())
            .collect();
        rows[2][0] = a;
        rows[2][1] = b;
        rows
    }

    fn speculator() -> MonopolistReseller {
        MonopolistReseller::new(2, vec![0, 1], Indifference::Accept).expect("valid")
    }

    #[test]
    fn speculator_offers_all_units_at_one_on_the_equilibrium_path() {
        // m = 5, x = (A: 1, B: 1, C: 3): q = 1 for all 3 units, E[u_C] = 1 + 2/10.
        let (a, b, vals) = example_1(5, 1.2, 0.5);
        let beliefs = beliefs_about(a, b, &vals);
        let holdings = [Holding::Units(1), Holding::Units(1), Holding::Units(3)];
        let ctx = ResaleContext {
            supply: Supply::Units { m: 5 },
            holdings: &holdings,
            valuations: &vals,
            beliefs: &beliefs,
            observations: &[],
            opted_out: &[],
        };
        let c = speculator();
        let offer = c.offer(&ctx).expect("runs").expect("an offer");
        assert_eq!(offer.quantity, 3);
        assert!((offer.price - 1.0).abs() < 1e-9, "{offer:?}");
        assert!((offer.expected_gain - 1.2).abs() < 1e-9, "{offer:?}");
        // z < 1: A buys one unit at 1, B nothing.
        let o = &c.outcomes(&ctx).expect("runs")[0].1;
        assert_eq!(
            o.holdings,
            vec![Holding::Units(2), Holding::Units(1), Holding::Units(2)]
        );
        assert!((o.payments[2] + 1.0).abs() < 1e-9);
        // z >= 1: B takes the two units left.
        let (a, b, vals) = example_1(5, 1.2, 1.05);
        let beliefs = beliefs_about(a, b, &vals);
        let ctx = ResaleContext {
            valuations: &vals,
            beliefs: &beliefs,
            ..ctx
        };
        let o = &c.outcomes(&ctx).expect("runs")[0].1;
        assert_eq!(
            o.holdings,
            vec![Holding::Units(2), Holding::Units(3), Holding::Units(0)]
        );
        assert!((o.payments[2] + 3.0).abs() < 1e-9);
    }

    #[test]
    fn speculator_holding_everything_at_m_6_offers_two_units_at_two() {
        // The digest's caveat: (A: 0, B: 0, C: 6) → 2 units at q ≈ 2 earn ≈ 4,
        // beating all units at q = 1 (3.25).
        let (a, b, vals) = example_1(6, 1.2, 0.5);
        let beliefs = beliefs_about(a, b, &vals);
        let holdings = [Holding::Units(0), Holding::Units(0), Holding::Units(6)];
        let ctx = ResaleContext {
            supply: Supply::Units { m: 6 },
            holdings: &holdings,
            valuations: &vals,
            beliefs: &beliefs,
            observations: &[],
            opted_out: &[],
        };
        let offer = speculator().offer(&ctx).expect("runs").expect("an offer");
        assert_eq!(offer.quantity, 2);
        assert!((offer.price - 2.0).abs() < 1e-9, "{offer:?}");
        assert!((offer.expected_gain - 4.0).abs() < 1e-9);
        assert!(offer.expected_gain > 3.25);
    }

    #[test]
    fn speculator_at_a_4_2_split_prices_just_above_one() {
        // The digest's caveat: (A: 0, B: 4, C: 2) at m = 6 → q ≈ 1.0214, ≈ 2.0018.
        let (a, b, vals) = example_1(6, 1.2, 0.5);
        let beliefs = beliefs_about(a, b, &vals);
        let holdings = [Holding::Units(0), Holding::Units(4), Holding::Units(2)];
        let ctx = ResaleContext {
            supply: Supply::Units { m: 6 },
            holdings: &holdings,
            valuations: &vals,
            beliefs: &beliefs,
            observations: &[],
            opted_out: &[],
        };
        let offer = speculator().offer(&ctx).expect("runs").expect("an offer");
        assert!((offer.price - 1.0214).abs() < 1e-3, "{offer:?}");
        assert!((offer.expected_gain - 2.0018).abs() < 1e-3, "{offer:?}");
        assert!(offer.expected_gain > 2.0);
    }

    #[test]
    fn nash_bargaining_over_packages_leaves_opted_out_items_alone() {
        // Items A = 0, B = 1. Agent 0 holds A (worth 1 to it), agent 1 holds B
        // (worth 1), agent 2 wants both (5) but opts out: nothing moves. With
        // agent 2 in, it gets both and the gain is split equally.
        let l = |i: usize| {
            Valuation::Packages(
                PackageValues::from_packages(2, &[(ItemSet::singleton(i), 1.0)]).expect("ok"),
            )
        };
        let g = Valuation::Packages(
            PackageValues::from_packages(2, &[(ItemSet::full(2), 5.0)]).expect("ok"),
        );
        let vals = [l(0), l(1), g];
        let holdings = [
            Holding::Items(ItemSet::singleton(0)),
            Holding::Items(ItemSet::singleton(1)),
            Holding::Items(ItemSet::EMPTY),
        ];
        let nb = NashBargaining::new(vec![1.0, 1.0, 1.0], 1.0, 0.0, CostBearer::Buyer).expect("ok");
        let mut ctx = ResaleContext {
            supply: Supply::Items { n: 2 },
            holdings: &holdings,
            valuations: &vals,
            beliefs: &[],
            observations: &[],
            opted_out: &[false, false, true],
        };
        let o = &nb.outcomes(&ctx).expect("runs")[0].1;
        assert_eq!(o.volume(), 0);
        ctx.opted_out = &[];
        let o = &nb.outcomes(&ctx).expect("runs")[0].1;
        assert_eq!(o.holdings[2], Holding::Items(ItemSet::full(2)));
        // Gain 5 - 2 = 3, one each: agent 2 pays 5 - 1 = 4, the others receive 2.
        assert!((o.payments[2] - 4.0).abs() < 1e-12);
        assert!((o.payments[0] + 2.0).abs() < 1e-12);
        check_ex_post_ir(&ctx, o).expect("ir");
    }

    /// One random small market.
    #[derive(Debug, Clone)]
    struct Market {
        m: usize,
        marginals: Vec<Vec<f64>>,
        holdings: Vec<usize>,
        opted_out: Vec<bool>,
        known: Vec<Vec<bool>>,
        weights: Vec<f64>,
        trade_probability: f64,
        cost: f64,
    }

    fn market() -> impl Strategy<Value = Market> {
        (2usize..=4, 1usize..=4).prop_flat_map(|(n, m)| {
            (
                proptest::collection::vec(proptest::collection::vec(0u8..=20, m), n),
                proptest::collection::vec(0..n, m),
                proptest::collection::vec(any::<bool>(), n),
                proptest::collection::vec(proptest::collection::vec(any::<bool>(), n), n),
                proptest::collection::vec(0u8..=4, n),
                prop_oneof![Just(1.0), Just(0.4), Just(0.0)],
                prop_oneof![Just(0.0), Just(0.25)],
            )
                .prop_map(
                    move |(raw, owners, opted_out, known, w, trade_probability, cost)| {
                        let marginals = raw
                            .into_iter()
                            .map(|mut v| {
                                v.sort_unstable_by(|a, b| b.cmp(a));
                                v.into_iter().map(|x| f64::from(x) * 0.5).collect()
                            })
                            .collect();
                        let mut holdings = vec![0; n];
                        for o in owners {
                            holdings[o] += 1;
                        }
                        let mut weights: Vec<f64> = w.into_iter().map(f64::from).collect();
                        if weights.iter().all(|x| *x <= 0.0) {
                            weights[0] = 1.0;
                        }
                        Market {
                            m,
                            marginals,
                            holdings,
                            opted_out,
                            known,
                            weights,
                            trade_probability,
                            cost,
                        }
                    },
                )
        })
    }

    fn markets_of(mk: &Market) -> Vec<(Box<dyn Aftermarket>, bool)> {
        let n = mk.marginals.len();
        let mut out: Vec<(Box<dyn Aftermarket>, bool)> = vec![
            (Box::new(NoResale), true),
            (Box::new(Competitive), true),
            (
                Box::new(
                    NashBargaining::new(
                        mk.weights.clone(),
                        mk.trade_probability,
                        0.0,
                        CostBearer::Buyer,
                    )
                    .expect("valid"),
                ),
                true,
            ),
            (
                Box::new(
                    NashBargaining::new(
                        mk.weights.clone(),
                        mk.trade_probability,
                        mk.cost,
                        CostBearer::Both,
                    )
                    .expect("valid"),
                ),
                mk.cost <= 0.0,
            ),
            (
                Box::new(SequentialPostedPrices::new(Indifference::Accept)),
                true,
            ),
            (
                Box::new(SequentialPostedPrices::new(Indifference::Reject)),
                true,
            ),
        ];
        for ind in [Indifference::Accept, Indifference::Reject] {
            out.push((Box::new(TakeItOrLeaveIt::new(Proposer::Holder, ind)), true));
            out.push((Box::new(TakeItOrLeaveIt::new(Proposer::Buyer, ind)), true));
            out.push((Box::new(WinnerPostsPrice::new(ind)), true));
            let seller = mk
                .holdings
                .iter()
                .enumerate()
                .max_by_key(|(_, h)| **h)
                .map_or(0, |(i, _)| i);
            let buyers = (0..n).filter(|&j| j != seller).rev().collect();
            out.push((
                Box::new(MonopolistReseller::new(seller, buyers, ind).expect("valid")),
                true,
            ));
        }
        if n == 2 {
            out.push((
                Box::new(
                    NashBargaining::two_bidder(
                        0.5,
                        1,
                        mk.trade_probability,
                        mk.cost,
                        CostBearer::Seller,
                    )
                    .expect("valid"),
                ),
                mk.cost <= 0.0,
            ));
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn every_aftermarket_balances_conserves_and_respects_opt_out(mk in market()) {
            let n = mk.marginals.len();
            let vals: Vec<Valuation> = mk
                .marginals
                .iter()
                .map(|v| Valuation::units(v.clone()).expect("sorted"))
                .collect();
            let holdings: Vec<Holding> = mk.holdings.iter().map(|&k| Holding::Units(k)).collect();
            let uniform: Belief = Belief::Distribution(Arc::new(Shaped {
                prior: Arc::new(Uniform::new(0.0, 10.0).expect("valid")),
                shape: ValueShape::Flat { m: mk.m },
            }));
            let beliefs: Vec<Vec<Belief>> = (0..n)
                .map(|i| {
                    (0..n)
                        .map(|j| {
                            if i == j || mk.known[i][j] {
                                Belief::Known(vals[j].clone())
                            } else {
                                uniform.clone()
                            }
                        })
                        .collect()
                })
                .collect();
            let ctx = ResaleContext {
                supply: Supply::Units { m: mk.m },
                holdings: &holdings,
                valuations: &vals,
                beliefs: &beliefs,
                observations: &[],
                opted_out: &mk.opted_out,
            };
            let nobody_out = mk.opted_out.iter().all(|o| !o);
            for (am, ir) in markets_of(&mk) {
                let branches = am.outcomes(&ctx).map_err(|e| {
                    TestCaseError::fail(format!("{}: {e}", am.name()))
                })?;
                let total: f64 = branches.iter().map(|b| b.0).sum();
                prop_assert!((total - 1.0).abs() < 1e-9, "{}: probabilities sum to {total}", am.name());
                for (p, o) in &branches {
                    prop_assert!(*p >= 0.0);
                    let name = am.name();
                    check_budget_balance(o).map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
                    check_conservation(&ctx, o).map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
                    check_voluntary_participation(&ctx, o)
                        .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
                    if ir && nobody_out {
                        check_ex_post_ir(&ctx, o).map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
                    }
                    if ir {
                        // Opt-outs keep their holdings, so no one is worse off either way.
                        check_ex_post_ir(&ctx, o).map_err(|e| TestCaseError::fail(format!("{name} (with opt-outs): {e}")))?;
                    }
                }
            }
        }
    }
}
