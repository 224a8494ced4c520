//! Monte Carlo evaluation, parallel and deterministic for a seed.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::{Market, MarketError, Record};
use crate::analysis::measures::{Accumulator, Estimate};

/// Settings of a Monte Carlo run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct McConfig {
    /// Number of episodes.
    pub episodes: usize,
    /// The seed.
    pub seed: u64,
    /// Episodes per batch: the unit of parallel work and of seeding.
    pub batch: usize,
}

impl Default for McConfig {
    fn default() -> Self {
        McConfig {
            episodes: 100_000,
            seed: 1,
            batch: 4096,
        }
    }
}

/// A progress callback: (episodes done, episodes asked for).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// The result of a Monte Carlo run.
#[derive(Debug, Clone, Serialize)]
pub struct McReport {
    /// Names of the measures.
    pub names: Vec<String>,
    /// Estimate of each measure.
    pub estimates: Vec<Estimate>,
    /// Expected final welfare over expected optimal welfare.
    pub efficiency: Option<Estimate>,
    /// Episodes run.
    pub episodes: usize,
    /// The settings.
    pub config: McConfig,
    /// Largest violation of the accounting identity seen.
    pub identity_gap: f64,
}

impl McReport {
    /// The estimate of the measure `name`.
    pub fn get(&self, name: &str) -> Option<Estimate> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|k| self.estimates[k])
    }
}

impl Market {
    /// The generator of batch `k`: a ChaCha8 stream per batch, so that a
    /// batch's draws do not depend on which thread runs it.
    pub fn batch_rng(seed: u64, k: u64) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(k);
        rng
    }

    fn run_batch(
        &self,
        k: usize,
        size: usize,
        seed: u64,
    ) -> Result<(Accumulator, f64), MarketError> {
        let names = self.bidders.len() * 3 + 10;
        let mut acc = Accumulator::new(names, (2, 0));
        let mut rng = Self::batch_rng(seed, k as u64);
        let mut gap = 0.0f64;
        for _ in 0..size {
            let values = self.prior.sample(&mut rng);
            let ep = self.play(&values, &mut rng)?;
            gap = gap.max(ep.record.identity_gap().abs());
            acc.add_iter(ep.record.measures(), 1.0);
        }
        Ok((acc, gap))
    }

    /// Estimates the measures from `cfg.episodes` plays.
    ///
    /// # Errors
    /// [`MarketError::Partial`] if an episode fails: it holds the estimate
    /// from every batch that finished before the first failing one.
    pub fn monte_carlo(
        &self,
        cfg: McConfig,
        progress: Option<Progress<'_>>,
    ) -> Result<McReport, MarketError> {
        self.check()?;
        let batch = cfg.batch.max(1);
        let n_batches = cfg.episodes.div_ceil(batch);
        let done = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<Result<(Accumulator, f64), MarketError>> = (0..n_batches)
            .into_par_iter()
            .map(|k| {
                let size = batch.min(cfg.episodes - k * batch);
                let r = self.run_batch(k, size, cfg.seed);
                let d = done.fetch_add(size, std::sync::atomic::Ordering::Relaxed) + size;
                if let Some(p) = progress {
                    p(d, cfg.episodes);
                }
                r
            })
            .collect();
        let names = Record::names(&self.bidders);
        let mut acc = Accumulator::new(names.len(), (2, 0));
        let mut gap = 0.0f64;
        let mut failure = None;
        for r in results {
            match r {
                Ok((a, g)) => {
                    acc.merge(&a);
                    gap = gap.max(g);
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        let report = McReport {
            estimates: acc.estimates(false),
            efficiency: acc.ratio(false),
            episodes: acc.count as usize,
            names,
            config: cfg,
            identity_gap: gap,
        };
        match failure {
            None => Ok(report),
            Some(e) => Err(MarketError::Partial {
                completed: Box::new(report),
                requested: cfg.episodes,
                error: Box::new(e),
            }),
        }
    }
}
