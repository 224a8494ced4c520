//! Measures and their estimates.
//!
//! Expected values are accumulated as weighted sums; Monte Carlo runs also
//! keep sums of squares for standard errors, and the cross moment of final
//! and optimal welfare for the efficiency ratio's delta-method error.

use serde::Serialize;

/// z-value of a two-sided 95% normal interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// An estimated expectation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The estimate.
    pub mean: f64,
    /// Its standard error (`None` for exact values).
    pub std_error: Option<f64>,
}

impl Estimate {
    /// An exact value.
    pub fn exact(mean: f64) -> Self {
        Estimate {
            mean,
            std_error: None,
        }
    }

    /// The 95% confidence interval (a point for exact values).
    pub fn ci95(&self) -> (f64, f64) {
        let h = self.std_error.map_or(0.0, |s| Z95 * s);
        (self.mean - h, self.mean + h)
    }

    /// True if `x` lies within `k` standard errors (or `tol` for exact
    /// values) of the estimate.
    pub fn agrees(&self, x: f64, k: f64, tol: f64) -> bool {
        let h = self.std_error.map_or(tol, |s| k * s + tol);
        (self.mean - x).abs() <= h
    }
}

/// Weighted sums of a fixed list of measures.
#[derive(Debug, Clone, PartialEq)]
pub struct Accumulator {
    /// Number of observations.
    pub count: u64,
    /// Sum of weights.
    pub weight: f64,
    /// Weighted sums.
    pub sum: Vec<f64>,
    /// Weighted sums of squares.
    pub sum_sq: Vec<f64>,
    /// Weighted sum of the product of measures `pair.0` and `pair.1`.
    pub cross: f64,
    /// The two measures whose cross moment is kept.
    pub pair: (usize, usize),
}

impl Accumulator {
    /// An empty accumulator for `k` measures.
    pub fn new(k: usize, pair: (usize, usize)) -> Self {
        Accumulator {
            count: 0,
            weight: 0.0,
            sum: vec![0.0; k],
            sum_sq: vec![0.0; k],
            cross: 0.0,
            pair,
        }
    }

    /// Adds one observation with weight `w`.
    pub fn add(&mut self, x: &[f64], w: f64) {
        self.count += 1;
        self.weight += w;
        for (k, &v) in x.iter().enumerate().take(self.sum.len()) {
            self.sum[k] += w * v;
            self.sum_sq[k] += w * v * v;
        }
        if let (Some(a), Some(b)) = (x.get(self.pair.0), x.get(self.pair.1)) {
            self.cross += w * a * b;
        }
    }

    /// Adds one observation given as an iterator over the measures, with
    /// weight `w` (no intermediate vector).
    pub fn add_iter(&mut self, x: impl Iterator<Item = f64>, w: f64) {
        self.count += 1;
        self.weight += w;
        let (pa, pb) = self.pair;
        let (mut a, mut b) = (0.0, 0.0);
        for (k, v) in x.enumerate().take(self.sum.len()) {
            self.sum[k] += w * v;
            self.sum_sq[k] += w * v * v;
            if k == pa {
                a = v;
            }
            if k == pb {
                b = v;
            }
        }
        self.cross += w * a * b;
    }

    /// Adds another accumulator (same layout).
    pub fn merge(&mut self, o: &Accumulator) {
        self.count += o.count;
        self.weight += o.weight;
        for k in 0..self.sum.len().min(o.sum.len()) {
            self.sum[k] += o.sum[k];
            self.sum_sq[k] += o.sum_sq[k];
        }
        self.cross += o.cross;
    }

    /// Means, exact (no error) when `exact`, else with standard errors
    /// from i.i.d. unit-weight samples.
    pub fn estimates(&self, exact: bool) -> Vec<Estimate> {
        let w = if self.weight > 0.0 { self.weight } else { 1.0 };
        (0..self.sum.len())
            .map(|k| {
                let mean = self.sum[k] / w;
                if exact {
                    Estimate::exact(mean)
                } else {
                    let var = (self.sum_sq[k] / w - mean * mean).max(0.0);
                    let n = self.count.max(2) as f64;
                    Estimate {
                        mean,
                        std_error: Some((var * n / (n - 1.0) / n).sqrt()),
                    }
                }
            })
            .collect()
    }

    /// The ratio of the means of `pair.0` over `pair.1`, with a
    /// delta-method standard error for sampled data.
    pub fn ratio(&self, exact: bool) -> Option<Estimate> {
        let w = if self.weight > 0.0 { self.weight } else { 1.0 };
        let (a, b) = self.pair;
        let ma = self.sum.get(a)? / w;
        let mb = self.sum.get(b)? / w;
        if mb.abs() < 1e-300 {
            return None;
        }
        let r = ma / mb;
        if exact {
            return Some(Estimate::exact(r));
        }
        let va = self.sum_sq[a] / w - ma * ma;
        let vb = self.sum_sq[b] / w - mb * mb;
        let cab = self.cross / w - ma * mb;
        let n = self.count.max(2) as f64;
        let var = (va - 2.0 * r * cab + r * r * vb).max(0.0) / (mb * mb) / n;
        Some(Estimate {
            mean: r,
            std_error: Some(var.sqrt()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_mean_and_exact_estimate() {
        let mut a = Accumulator::new(1, (0, 0));
        a.add(&[1.0], 0.25);
        a.add(&[3.0], 0.75);
        let e = a.estimates(true);
        assert!((e[0].mean - 2.5).abs() < 1e-12);
        assert!(e[0].std_error.is_none());
    }

    #[test]
    fn standard_error_of_a_coin() {
        let mut a = Accumulator::new(1, (0, 0));
        for k in 0..1000 {
            a.add(&[(k % 2) as f64], 1.0);
        }
        let e = a.estimates(false)[0];
        assert!((e.mean - 0.5).abs() < 1e-12);
        let se = e.std_error.expect("sampled");
        assert!((se - (0.25f64 / 999.0).sqrt()).abs() < 1e-6);
    }

    #[test]
    fn merge_equals_sequential() {
        let mut a = Accumulator::new(2, (0, 1));
        let mut b = Accumulator::new(2, (0, 1));
        let mut all = Accumulator::new(2, (0, 1));
        for k in 0..10 {
            let x = [k as f64, (k * k) as f64];
            if k < 4 {
                a.add(&x, 1.0)
            } else {
                b.add(&x, 1.0)
            }
            all.add(&x, 1.0);
        }
        a.merge(&b);
        assert_eq!(a, all);
    }
}
