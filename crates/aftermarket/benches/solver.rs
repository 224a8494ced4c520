//! Time to solve two-bidder first-price (uniform values) by entropic dual
//! averaging, to a relative utility loss of 1e-3 or 500 iterations,
//! whichever comes first, over grid sizes.

use std::hint::black_box;
use std::sync::Arc;

use aftermarket::equilibrium::{DiscreteGame, DualAveraging, Format, Solve};
use aftermarket::prior::{Prior, Uniform};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn first_price(c: &mut Criterion) {
    let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0).expect("uniform"));
    let mut group = c.benchmark_group("solve_first_price_two_bidders");
    group.sample_size(10);
    for n in [256usize, 1000] {
        let game = DiscreteGame::new(
            Format::FirstPrice,
            0.0,
            vec![u.clone(), u.clone()],
            n,
            n,
            0.6,
        )
        .expect("game");
        group.bench_with_input(BenchmarkId::from_parameter(n), &game, |b, g| {
            b.iter(|| {
                let learner = DualAveraging::entropic(20.0, 0.0).expect("learner");
                black_box(
                    Solve::new(g, learner)
                        .max_iters(500)
                        .tol(1e-3)
                        .history(false)
                        .run()
                        .expect("solve"),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, first_price);
criterion_main!(benches);
