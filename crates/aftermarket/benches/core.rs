//! Benchmarks of the core analysis of paper 002: the Lemma 1/2 check over
//! every participant set, and the core-selecting payoffs.

use std::hint::black_box;
use std::time::Duration;

use aftermarket::coalition::core_selecting::core_selecting;
use aftermarket::coalition::llg::{PaymentRule, llg_payments};
use aftermarket::coalition::substitutes::check_submodularity;
use aftermarket::reallocation::market::ReallocationMarket;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use nalgebra::{DMatrix, DVector};
use rand::{RngExt, SeedableRng};

/// A random quadratic market with `n` bidders and `k` goods.
fn market(n: usize, k: usize, seed: u64) -> ReallocationMarket {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut u = || -> f64 { rng.random::<f64>() * 2.0 - 1.0 };
    let qbar = DVector::from_fn(k, |_, _| 1.5 + u());
    let bidders = (0..n)
        .map(|_| {
            let theta = DVector::from_fn(k, |_, _| 5.0 + u());
            let a = DMatrix::from_fn(k, k, |_, _| u());
            let s = &a * a.transpose() + DMatrix::identity(k, k) * 0.5;
            (theta, s)
        })
        .collect();
    ReallocationMarket::quadratic(qbar, bidders).expect("valid market")
}

fn lemmas(c: &mut Criterion) {
    let mut g = c.benchmark_group("lemma12_all_participant_sets_k3");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for n in [16usize, 20, 24] {
        let m = market(n, 3, n as u64);
        g.bench_with_input(BenchmarkId::from_parameter(n), &m, |b, m| {
            b.iter(|| black_box(check_submodularity(black_box(m), 10).expect("check")))
        });
    }
    g.finish();
}

fn core_payments(c: &mut Criterion) {
    let mut g = c.benchmark_group("core_selecting_k2");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for n in [12usize, 18, 24] {
        let m = market(n, 2, 100 + n as u64);
        g.bench_with_input(BenchmarkId::from_parameter(n), &m, |b, m| {
            b.iter(|| black_box(core_selecting(black_box(m)).expect("core")))
        });
    }
    g.finish();
}

fn llg(c: &mut Criterion) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let bids: Vec<(f64, f64, f64)> = (0..10_000)
        .map(|_| {
            (
                rng.random::<f64>(),
                rng.random::<f64>(),
                2.0 * rng.random::<f64>(),
            )
        })
        .collect();
    let mut g = c.benchmark_group("llg_payments_10k_bid_profiles");
    for rule in [
        PaymentRule::Vcg,
        PaymentRule::NearestVcg,
        PaymentRule::NearestZero,
        PaymentRule::NearestBid,
        PaymentRule::Proxy,
    ] {
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{rule:?}")),
            &bids,
            |b, bids| {
                b.iter(|| {
                    let mut s = 0.0;
                    for &(b1, b2, bg) in bids {
                        let o = llg_payments(black_box(b1), black_box(b2), black_box(bg), rule)
                            .expect("valid bids");
                        s += o.local1 + o.local2 + o.global;
                    }
                    black_box(s)
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, lemmas, core_payments, llg);
criterion_main!(benches);
