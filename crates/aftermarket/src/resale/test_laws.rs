//! Type laws used by the tests of this module.

use std::sync::Arc;

use rand::Rng;

use super::Belief;
use crate::prior::{Prior, TypePrior, Uniform, ValueShape};
use crate::values::Valuation;

/// A scalar law turned into a valuation by a shape.
#[derive(Debug)]
pub(crate) struct Shaped {
    pub(crate) prior: Arc<dyn Prior>,
    pub(crate) shape: ValueShape,
}

impl Shaped {
    pub(crate) fn valuation(&self, v: f64) -> Valuation {
        let m = match &self.shape {
            ValueShape::Single => vec![v],
            ValueShape::Flat { m } => vec![v; *m],
            ValueShape::Affine(c) => c.iter().map(|(a, b)| a + b * v).collect(),
            #[allow(unreachable_patterns)]
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

/// A finite law over valuations.
#[derive(Debug)]
pub(crate) struct Finite(pub(crate) Vec<(Valuation, f64)>);

impl TypePrior for Finite {
    fn name(&self) -> String {
        "finite".into()
    }
    fn sample(&self, rng: &mut dyn Rng) -> Valuation {
        let u = rng.next_u64() as f64 / u64::MAX as f64;
        let mut acc = 0.0;
        for (v, p) in &self.0 {
            acc += p;
            if u < acc {
                return v.clone();
            }
        }
        self.0.last().map(|x| x.0.clone()).expect("non-empty")
    }
    fn finite_support(&self) -> Option<Vec<(Valuation, f64)>> {
        Some(self.0.clone())
    }
}

/// A law known only through draws.
#[derive(Debug)]
pub(crate) struct SampleOnly(pub(crate) Shaped);

impl TypePrior for SampleOnly {
    fn name(&self) -> String {
        "sampled".into()
    }
    fn sample(&self, rng: &mut dyn Rng) -> Valuation {
        self.0.sample(rng)
    }
    fn finite_support(&self) -> Option<Vec<(Valuation, f64)>> {
        None
    }
}

/// Belief that a single-item value is uniform on [lo, hi].
pub(crate) fn uniform_single(lo: f64, hi: f64) -> Belief {
    Belief::Distribution(Arc::new(Shaped {
        prior: Arc::new(Uniform::new(lo, hi).expect("valid")),
        shape: ValueShape::Single,
    }))
}

/// Beliefs in which everyone knows everyone's valuation.
pub(crate) fn complete(vals: &[Valuation]) -> Vec<Vec<Belief>> {
    (0..vals.len())
        .map(|_| vals.iter().cloned().map(Belief::Known).collect())
        .collect()
}

/// Truncated equal-revenue law: \\(F(v) = 1 - 1/v\\) on \\(\[1, H)\\), atom
/// \\(1/H\\) at \\(H\\) (paper 003, Example 2).
#[derive(Debug)]
pub(crate) struct EqualRevenue(pub(crate) f64);

impl Prior for EqualRevenue {
    fn name(&self) -> String {
        format!("equal-revenue[1,{}]", self.0)
    }
    fn support(&self) -> (f64, f64) {
        (1.0, self.0)
    }
    fn cdf(&self, x: f64) -> f64 {
        if x < 1.0 {
            0.0
        } else if x < self.0 {
            1.0 - 1.0 / x
        } else {
            1.0
        }
    }
    fn pdf(&self, x: f64) -> f64 {
        if (1.0..self.0).contains(&x) {
            1.0 / (x * x)
        } else {
            0.0
        }
    }
    fn mass(&self, x: f64) -> f64 {
        if (x - self.0).abs() < 1e-15 {
            1.0 / self.0
        } else {
            0.0
        }
    }
    fn atoms(&self) -> Vec<(f64, f64)> {
        vec![(self.0, 1.0 / self.0)]
    }
    fn quantile(&self, q: f64) -> f64 {
        (1.0 / (1.0 - q)).min(self.0)
    }
    fn sample(&self, rng: &mut dyn Rng) -> f64 {
        let u = rng.next_u64() as f64 / u64::MAX as f64;
        self.quantile(u)
    }
    fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64 {
        crate::analysis::quadrature::integrate(&|x| g(x) * self.pdf(x), 1.0, self.0)
            + g(self.0) / self.0
    }
}
