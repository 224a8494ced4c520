//! The games of the side-by-side benchmark against SODA (docs/benchmarks.md):
//! first-price with two and three bidders and all-pay with two (bids on
//! [0, 0.7]), values uniform on [0, 1], on n × n grids of types × bids.
//! Each sample runs SODA's budget of 1,000 iterations of entropic dual
//! averaging with SODA's step size 50 (t+1)^-0.05 and no early stop, so the
//! time per iteration compares directly with SODA's.

use std::hint::black_box;
use std::sync::Arc;

use aftermarket::equilibrium::{DiscreteGame, DualAveraging, Format, Solve};
use aftermarket::prior::{Prior, Uniform};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

const ITERS: usize = 1000;

fn soda_games(c: &mut Criterion) {
    let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0).expect("uniform"));
    let games = [
        ("first_price_2", Format::FirstPrice, 2usize, 1.0),
        ("first_price_3", Format::FirstPrice, 3, 1.0),
        ("all_pay_2", Format::AllPay, 2, 0.7),
    ];
    for (name, format, bidders, b_max) in games {
        let mut group = c.benchmark_group(format!("soda_{name}_1000_iters"));
        group.sample_size(10);
        for n in [64usize, 128, 256] {
            let game = DiscreteGame::new(format, 0.0, vec![u.clone(); bidders], n, n, b_max)
                .expect("game");
            group.bench_with_input(BenchmarkId::from_parameter(n), &game, |b, g| {
                b.iter(|| {
                    let learner = DualAveraging::entropic(50.0, 0.05).expect("learner");
                    let sol = Solve::new(g, learner)
                        .max_iters(ITERS)
                        .tol(0.0)
                        .history(false)
                        .run()
                        .expect("solve");
                    black_box(sol.metrics.max_relative())
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, soda_games);
criterion_main!(benches);
