//! Monte Carlo runner throughput on the two markets of `docs/benchmarks.md`
//! (the same episodes as `bench/numpy_episodes.py`).

use std::hint::black_box;

use aftermarket::market::McConfig;
use aftermarket::scenario::Scenario;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// Single item, two bidders, first-price + take-it-or-leave-it resale.
pub const FP_TIOLI: &str = r#"
name = "bench: first-price + take-it-or-leave-it"
information = "private"
disclosure = "own-outcome"
[goods]
kind = "single"
[[bidders]]
name = "A"
prior = { kind = "uniform", lo = 0, hi = 1 }
strategy = { kind = "linear", slope = 0.5 }
[[bidders]]
name = "B"
prior = { kind = "uniform", lo = 0, hi = 1 }
strategy = { kind = "linear", slope = 0.4 }
[mechanism]
kind = "first-price"
[aftermarket]
kind = "take-it-or-leave-it"
proposer = "holder"
"#;

/// 10 units, 5 bidders, uniform-price + Nash bargaining.
pub const UP_NASH: &str = r#"
name = "bench: uniform-price + Nash bargaining"
information = "complete"
[goods]
kind = "units"
m = 10
[[bidders]]
name = "B1"
prior = { kind = "uniform", lo = 0, hi = 1 }
shape = { sorted-draws = 10 }
strategy = { kind = "linear", slope = 1.0 }
[[bidders]]
name = "B2"
prior = { kind = "uniform", lo = 0, hi = 1 }
shape = { sorted-draws = 10 }
strategy = { kind = "linear", slope = 0.9 }
[[bidders]]
name = "B3"
prior = { kind = "uniform", lo = 0, hi = 1 }
shape = { sorted-draws = 10 }
strategy = { kind = "linear", slope = 0.8 }
[[bidders]]
name = "B4"
prior = { kind = "uniform", lo = 0, hi = 1 }
shape = { sorted-draws = 10 }
strategy = { kind = "linear", slope = 0.7 }
[[bidders]]
name = "B5"
prior = { kind = "uniform", lo = 0, hi = 1 }
shape = { sorted-draws = 10 }
strategy = { kind = "linear", slope = 0.6 }
[mechanism]
kind = "uniform-price"
[aftermarket]
kind = "nash-bargaining"
weights = [1, 1, 1, 1, 1]
"#;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("monte_carlo");
    g.sample_size(10);
    for (name, text, episodes) in [
        ("fp_tioli_2", FP_TIOLI, 200_000usize),
        ("up_nash_10x5", UP_NASH, 20_000),
    ] {
        let sc = Scenario::from_toml(text, name, None).expect("bench scenario");
        g.throughput(Throughput::Elements(episodes as u64));
        g.bench_with_input(BenchmarkId::new(name, episodes), &episodes, |b, &n| {
            b.iter(|| {
                let cfg = McConfig {
                    episodes: n,
                    seed: 1,
                    ..McConfig::default()
                };
                black_box(sc.market.monte_carlo(cfg, None).expect("runs"))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
