//! Time to solve single-item auctions to a relative utility loss of 1e-3
//! by extragradient dual averaging from coarse to fine grids: two-bidder
//! first-price at 256 and 1000 grid points, three-bidder first-price at
//! 256, two-bidder all-pay at 256 (uniform values).

use std::hint::black_box;
use std::sync::Arc;

use aftermarket::equilibrium::{CoarseToFine, DiscreteGame, Format, solve_coarse_to_fine};
use aftermarket::prior::{Prior, Uniform};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn solve(c: &mut Criterion) {
    let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0).expect("uniform"));
    let mut group = c.benchmark_group("solve_to_1e-3");
    group.sample_size(10);
    let cases = [
        ("first-price-2", Format::FirstPrice, 2usize, 256usize, 0.6),
        ("first-price-2", Format::FirstPrice, 2, 1000, 0.6),
        ("first-price-3", Format::FirstPrice, 3, 256, 0.8),
        ("all-pay-2", Format::AllPay, 2, 256, 0.6),
    ];
    for (name, format, bidders, n, b_max) in cases {
        let game =
            DiscreteGame::new(format, 0.0, vec![u.clone(); bidders], n, n, b_max).expect("game");
        group.bench_with_input(BenchmarkId::new(name, n), &game, |b, g| {
            b.iter(|| {
                let sol = solve_coarse_to_fine(g, &CoarseToFine::default()).expect("solve");
                assert!(sol.metrics.max_relative() <= 1e-3);
                black_box(sol)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, solve);
criterion_main!(benches);
