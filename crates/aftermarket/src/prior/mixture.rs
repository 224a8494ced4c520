//! Finite mixtures of laws.

use std::sync::Arc;

use rand::Rng;

use super::numeric::{check_probabilities, merge_atoms, quantile_bisect, uniform01};
use super::{Prior, PriorError};

/// A finite mixture \\(\sum_i w_i F_i\\) of laws, continuous or not.
///
/// Atoms of the components are merged, so that e.g.
/// \\(\tfrac12 \delta_0 + \tfrac12 U\[0,1\]\\) has an atom of mass ½ at 0 and
/// density ½ on \\(\[0, 1\]\\).
///
/// # Errors
/// [`Mixture::new`] rejects an empty list and weights outside \[0, 1\] or
/// not summing to 1 (within 1e-9).
///
/// ```
/// use std::sync::Arc;
/// use aftermarket::prior::{Mixture, PointMass, Prior, Uniform};
/// let m = Mixture::new(vec![
///     (0.5, Arc::new(PointMass::new(0.0)?)),
///     (0.5, Arc::new(Uniform::new(0.0, 1.0)?)),
/// ])?;
/// assert!((m.mass(0.0) - 0.5).abs() < 1e-15);
/// assert!((m.mean() - 0.25).abs() < 1e-12);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Mixture {
    components: Vec<(f64, Arc<dyn Prior>)>,
    cum: Vec<f64>,
    atoms: Vec<(f64, f64)>,
    support: (f64, f64),
}

impl Mixture {
    /// Checked constructor from (weight, law) pairs.
    ///
    /// # Errors
    /// If the list is empty, or the weights are not probabilities summing
    /// to 1.
    pub fn new(components: Vec<(f64, Arc<dyn Prior>)>) -> Result<Self, PriorError> {
        let total = check_probabilities("weights", components.iter().map(|c| c.0))?;
        let components: Vec<(f64, Arc<dyn Prior>)> = components
            .into_iter()
            .filter(|c| c.0 > 0.0)
            .map(|(w, p)| (w / total, p))
            .collect();
        let mut cum = Vec::with_capacity(components.len());
        let mut acc = 0.0;
        for (w, _) in &components {
            acc += w;
            cum.push(acc.min(1.0));
        }
        if let Some(last) = cum.last_mut() {
            *last = 1.0;
        }
        let atoms = merge_atoms(
            components
                .iter()
                .flat_map(|(w, p)| p.atoms().into_iter().map(move |(x, m)| (x, w * m)))
                .collect(),
        );
        let support =
            components
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, p)| {
                    let (a, b) = p.support();
                    (lo.min(a), hi.max(b))
                });
        Ok(Mixture {
            components,
            cum,
            atoms,
            support,
        })
    }

    /// The components with positive weight, weights summing to 1.
    pub fn components(&self) -> &[(f64, Arc<dyn Prior>)] {
        &self.components
    }
}

impl Prior for Mixture {
    fn name(&self) -> String {
        let parts: Vec<String> = self
            .components
            .iter()
            .map(|(w, p)| format!("{w}*{}", p.name()))
            .collect();
        format!("mixture({})", parts.join("+"))
    }
    fn support(&self) -> (f64, f64) {
        self.support
    }
    fn cdf(&self, x: f64) -> f64 {
        let s: f64 = self.components.iter().map(|(w, p)| w * p.cdf(x)).sum();
        s.clamp(0.0, 1.0)
    }
    fn cdf_left(&self, x: f64) -> f64 {
        let s: f64 = self.components.iter().map(|(w, p)| w * p.cdf_left(x)).sum();
        s.clamp(0.0, 1.0)
    }
    fn pdf(&self, x: f64) -> f64 {
        self.components.iter().map(|(w, p)| w * p.pdf(x)).sum()
    }
    fn mass(&self, x: f64) -> f64 {
        self.components.iter().map(|(w, p)| w * p.mass(x)).sum()
    }
    fn atoms(&self) -> Vec<(f64, f64)> {
        self.atoms.clone()
    }
    fn quantile(&self, q: f64) -> f64 {
        let q = q.clamp(0.0, 1.0);
        // The mixture's quantile lies between the components' quantiles.
        let (lo, hi) =
            self.components
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, p)| {
                    let x = p.quantile(q);
                    (lo.min(x), hi.max(x))
                });
        quantile_bisect(&|x| self.cdf(x), q, lo, hi)
    }
    fn sample(&self, rng: &mut dyn Rng) -> f64 {
        let u = uniform01(rng);
        let k = self.cum.partition_point(|&c| c <= u);
        let k = k.min(self.components.len().saturating_sub(1));
        match self.components.get(k) {
            Some((_, p)) => p.sample(rng),
            None => 0.0,
        }
    }
    fn mean(&self) -> f64 {
        self.components.iter().map(|(w, p)| w * p.mean()).sum()
    }
    fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64 {
        self.components.iter().map(|(w, p)| w * p.expect(g)).sum()
    }
    fn is_discrete(&self) -> bool {
        self.components.iter().all(|(_, p)| p.is_discrete())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::{PointMass, Uniform};

    fn half_atom_half_uniform() -> Mixture {
        Mixture::new(vec![
            (0.5, Arc::new(PointMass::new(0.0).expect("valid"))),
            (0.5, Arc::new(Uniform::new(0.0, 1.0).expect("valid"))),
        ])
        .expect("valid")
    }

    #[test]
    fn weights_must_sum_to_one() {
        let err = Mixture::new(vec![(0.3, Arc::new(PointMass::new(0.0).expect("valid")))])
            .expect_err("sum 0.3");
        assert_eq!(err.to_string(), "weights must sum to 1, got 0.3");
    }

    #[test]
    fn atom_and_density_combine() {
        let m = half_atom_half_uniform();
        assert!(m.cdf_left(0.0).abs() < 1e-15);
        assert!((m.cdf(0.0) - 0.5).abs() < 1e-15);
        assert!((m.cdf(0.5) - 0.75).abs() < 1e-15);
        assert!((m.pdf(0.5) - 0.5).abs() < 1e-15);
        assert_eq!(m.atoms().len(), 1);
        assert!(!m.is_discrete());
    }

    #[test]
    fn quantile_lands_on_the_atom() {
        let m = half_atom_half_uniform();
        assert!(m.quantile(0.3).abs() < 1e-12);
        assert!(m.quantile(0.5).abs() < 1e-12);
        assert!((m.quantile(0.75) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn mixture_of_atoms_merges_them() {
        let m = Mixture::new(vec![
            (0.5, Arc::new(PointMass::new(1.0).expect("valid"))),
            (0.5, Arc::new(PointMass::new(1.0).expect("valid"))),
        ])
        .expect("valid");
        assert_eq!(m.atoms().len(), 1);
        assert!((m.mass(1.0) - 1.0).abs() < 1e-15);
        assert!(m.is_discrete());
    }
}
