//! Laws over the whole profile of valuations.

use std::sync::Arc;

use rand::Rng;

use super::numeric::{MAX_SUPPORT, check_probabilities, uniform01};
use super::{Prior, PriorError, ProfilePrior, TypePrior, ValueShape};
use crate::values::Valuation;

/// Independent bidders, each with its own type law.
///
/// `finite_support` is the product of the bidders' supports when all are
/// finite and the product has at most a million profiles.
///
/// # Errors
/// [`Independent::new`] rejects an empty list of bidders.
///
/// ```
/// use std::sync::Arc;
/// use aftermarket::prior::{Discrete, Independent, ProfilePrior, ScalarType};
/// let d = Arc::new(Discrete::new(vec![(0.0, 0.5), (1.0, 0.5)])?);
/// let b = Arc::new(ScalarType::single(d)?);
/// let p = Independent::new(vec![b.clone(), b])?;
/// assert_eq!(p.finite_support().map(|s| s.len()), Some(4));
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Independent {
    bidders: Vec<Arc<dyn TypePrior>>,
}

impl Independent {
    /// Checked constructor.
    ///
    /// # Errors
    /// If `bidders` is empty.
    pub fn new(bidders: Vec<Arc<dyn TypePrior>>) -> Result<Self, PriorError> {
        if bidders.is_empty() {
            return Err(PriorError::Invalid(
                "bidders: the list must not be empty".into(),
            ));
        }
        Ok(Independent { bidders })
    }

    /// `n` bidders with the same law.
    ///
    /// # Errors
    /// If `n` is 0.
    pub fn iid(bidder: Arc<dyn TypePrior>, n: usize) -> Result<Self, PriorError> {
        Self::new(vec![bidder; n])
    }

    /// The bidders' laws.
    pub fn bidders(&self) -> &[Arc<dyn TypePrior>] {
        &self.bidders
    }
}

/// The product of finite supports, or `None` past [`MAX_SUPPORT`] profiles.
fn product(supports: Vec<Vec<(Valuation, f64)>>) -> Option<Vec<(Vec<Valuation>, f64)>> {
    let mut size: usize = 1;
    for s in &supports {
        size = size.checked_mul(s.len())?;
        if size > MAX_SUPPORT {
            return None;
        }
    }
    let mut out: Vec<(Vec<Valuation>, f64)> = vec![(Vec::new(), 1.0)];
    for s in supports {
        let mut next = Vec::with_capacity(out.len() * s.len());
        for (profile, p) in &out {
            for (v, q) in &s {
                let mut profile = profile.clone();
                profile.push(v.clone());
                next.push((profile, p * q));
            }
        }
        out = next;
    }
    Some(out)
}

impl ProfilePrior for Independent {
    fn n_bidders(&self) -> usize {
        self.bidders.len()
    }
    fn sample(&self, rng: &mut dyn Rng) -> Vec<Valuation> {
        self.bidders.iter().map(|b| b.sample(rng)).collect()
    }
    fn finite_support(&self) -> Option<Vec<(Vec<Valuation>, f64)>> {
        let supports: Option<Vec<_>> = self.bidders.iter().map(|b| b.finite_support()).collect();
        product(supports?)
    }
    fn marginal(&self, i: usize) -> Option<Arc<dyn TypePrior>> {
        self.bidders.get(i).cloned()
    }
}

/// A correlated finite law: a table of whole profiles with probabilities.
///
/// # Errors
/// [`JointTable::new`] rejects an empty table, profiles of different
/// lengths or with no bidder, and probabilities outside \[0, 1\] or not
/// summing to 1 (within 1e-9).
///
/// ```
/// use aftermarket::prior::{JointTable, ProfilePrior};
/// use aftermarket::values::Valuation;
/// let lo = Valuation::single(1.0)?;
/// let hi = Valuation::single(2.0)?;
/// // perfectly correlated values
/// let t = JointTable::new(vec![
///     (vec![lo.clone(), lo], 0.5),
///     (vec![hi.clone(), hi], 0.5),
/// ])?;
/// assert_eq!(t.n_bidders(), 2);
/// assert!(t.marginal(0).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct JointTable {
    profiles: Vec<(Vec<Valuation>, f64)>,
    cum: Vec<f64>,
    n: usize,
}

impl JointTable {
    /// Checked constructor.
    ///
    /// # Errors
    /// See the type's documentation.
    pub fn new(profiles: Vec<(Vec<Valuation>, f64)>) -> Result<Self, PriorError> {
        let total = check_probabilities("probabilities", profiles.iter().map(|p| p.1))?;
        let n = profiles.first().map_or(0, |p| p.0.len());
        if n == 0 {
            return Err(PriorError::Invalid(
                "profiles must hold at least one bidder".into(),
            ));
        }
        if let Some(i) = profiles.iter().position(|p| p.0.len() != n) {
            return Err(PriorError::Invalid(format!(
                "profile {} has {} bidders, the first has {n}",
                i + 1,
                profiles[i].0.len()
            )));
        }
        let profiles: Vec<(Vec<Valuation>, f64)> = profiles
            .into_iter()
            .filter(|p| p.1 > 0.0)
            .map(|(v, p)| (v, p / total))
            .collect();
        let mut acc = 0.0;
        let mut cum: Vec<f64> = profiles
            .iter()
            .map(|(_, p)| {
                acc += p;
                acc.min(1.0)
            })
            .collect();
        if let Some(last) = cum.last_mut() {
            *last = 1.0;
        }
        Ok(JointTable { profiles, cum, n })
    }

    /// The profiles and their probabilities.
    pub fn profiles(&self) -> &[(Vec<Valuation>, f64)] {
        &self.profiles
    }
}

impl ProfilePrior for JointTable {
    fn n_bidders(&self) -> usize {
        self.n
    }
    fn sample(&self, rng: &mut dyn Rng) -> Vec<Valuation> {
        let u = uniform01(rng);
        let k = self.cum.partition_point(|&c| c <= u);
        let k = k.min(self.profiles.len().saturating_sub(1));
        self.profiles
            .get(k)
            .map(|p| p.0.clone())
            .unwrap_or_default()
    }
    fn finite_support(&self) -> Option<Vec<(Vec<Valuation>, f64)>> {
        Some(self.profiles.clone())
    }
}

/// Correlated values through a common component: bidder `i`'s scalar
/// value is \\(c + e_i\\) with \\(c\\) drawn once from `common` and the
/// \\(e_i\\) independent draws from `private[i]`, turned into a valuation by
/// `shapes[i]`.
///
/// # Errors
/// [`CommonComponent::new`] rejects an empty list, lists of different
/// lengths, and shapes that give invalid marginal values somewhere on
/// \\(\[c_{lo} + e_{lo}, c_{hi} + e_{hi}\]\\).
///
/// ```
/// use std::sync::Arc;
/// use aftermarket::prior::{CommonComponent, Prior, ProfilePrior, Uniform, ValueShape};
/// let c: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0)?);
/// let e: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 0.5)?);
/// let p = CommonComponent::new(c, vec![e.clone(), e], vec![ValueShape::Single; 2])?;
/// assert_eq!(p.n_bidders(), 2);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CommonComponent {
    common: Arc<dyn Prior>,
    private: Vec<Arc<dyn Prior>>,
    shapes: Vec<ValueShape>,
}

impl CommonComponent {
    /// Checked constructor.
    ///
    /// # Errors
    /// See the type's documentation.
    pub fn new(
        common: Arc<dyn Prior>,
        private: Vec<Arc<dyn Prior>>,
        shapes: Vec<ValueShape>,
    ) -> Result<Self, PriorError> {
        if private.is_empty() || private.len() != shapes.len() {
            return Err(PriorError::Invalid(format!(
                "private and shapes must be non-empty and of equal length, got {} and {}",
                private.len(),
                shapes.len()
            )));
        }
        let (clo, chi) = common.support();
        for (i, (p, s)) in private.iter().zip(&shapes).enumerate() {
            let (plo, phi) = p.support();
            s.check(clo + plo, chi + phi)
                .map_err(|e| PriorError::Invalid(format!("bidder {}: {e}", i + 1)))?;
        }
        Ok(CommonComponent {
            common,
            private,
            shapes,
        })
    }

    /// The common component's law.
    pub fn common(&self) -> &Arc<dyn Prior> {
        &self.common
    }
}

impl ProfilePrior for CommonComponent {
    fn n_bidders(&self) -> usize {
        self.private.len()
    }
    fn sample(&self, rng: &mut dyn Rng) -> Vec<Valuation> {
        let c = self.common.sample(rng);
        self.private
            .iter()
            .zip(&self.shapes)
            .map(|(p, s)| s.valuation_checked(c + p.sample(rng)))
            .collect()
    }
    fn finite_support(&self) -> Option<Vec<(Vec<Valuation>, f64)>> {
        if !self.common.is_discrete() || !self.private.iter().all(|p| p.is_discrete()) {
            return None;
        }
        let mut out = Vec::new();
        for (c, pc) in self.common.atoms() {
            let supports: Vec<Vec<(Valuation, f64)>> = self
                .private
                .iter()
                .zip(&self.shapes)
                .map(|(p, s)| {
                    p.atoms()
                        .into_iter()
                        .map(|(e, pe)| (s.valuation_checked(c + e), pe))
                        .collect()
                })
                .collect();
            for (profile, p) in product(supports)? {
                out.push((profile, pc * p));
                if out.len() > MAX_SUPPORT {
                    return None;
                }
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::{Discrete, FiniteTypes, Fixed, ScalarType, Uniform};

    fn two_point() -> Arc<dyn Prior> {
        Arc::new(Discrete::new(vec![(0.0, 0.5), (1.0, 0.5)]).expect("valid"))
    }

    #[test]
    fn independent_product_has_right_probabilities() {
        let a: Arc<dyn TypePrior> = Arc::new(ScalarType::single(two_point()).expect("valid"));
        let b: Arc<dyn TypePrior> = Arc::new(Fixed::new(Valuation::single(0.5).expect("valid")));
        let p = Independent::new(vec![a, b]).expect("valid");
        let sup = p.finite_support().expect("finite");
        assert_eq!(sup.len(), 2);
        assert!(sup.iter().all(|(_, q)| (q - 0.5).abs() < 1e-15));
        assert!(p.marginal(1).is_some());
        assert!(p.marginal(2).is_none());
    }

    #[test]
    fn independent_support_is_capped() {
        let pts: Vec<(f64, f64)> = (0..100).map(|i| (i as f64, 0.01)).collect();
        let d: Arc<dyn Prior> = Arc::new(Discrete::new(pts).expect("valid"));
        let b: Arc<dyn TypePrior> = Arc::new(ScalarType::single(d).expect("valid"));
        let p = Independent::iid(b, 4).expect("valid");
        assert!(p.finite_support().is_none());
    }

    #[test]
    fn continuous_bidder_has_no_finite_support() {
        let u: Arc<dyn Prior> = Arc::new(Uniform::new(0.0, 1.0).expect("valid"));
        let b: Arc<dyn TypePrior> = Arc::new(ScalarType::single(u).expect("valid"));
        assert!(
            Independent::iid(b, 2)
                .expect("valid")
                .finite_support()
                .is_none()
        );
    }

    #[test]
    fn no_bidders_is_rejected() {
        let err = Independent::new(vec![]).expect_err("empty");
        assert_eq!(err.to_string(), "bidders: the list must not be empty");
    }

    #[test]
    fn joint_table_checks_lengths_and_probabilities() {
        let v = Valuation::single(1.0).expect("valid");
        let err = JointTable::new(vec![
            (vec![v.clone()], 0.5),
            (vec![v.clone(), v.clone()], 0.5),
        ])
        .expect_err("lengths");
        assert_eq!(err.to_string(), "profile 2 has 2 bidders, the first has 1");
        let err = JointTable::new(vec![(vec![v.clone()], 1.2)]).expect_err("p > 1");
        assert_eq!(
            err.to_string(),
            "probabilities must be a probability in [0, 1], got 1.2"
        );
    }

    #[test]
    fn common_component_enumerates_correlated_profiles() {
        let p = CommonComponent::new(
            two_point(),
            vec![two_point(), two_point()],
            vec![ValueShape::Single, ValueShape::Flat { m: 2 }],
        )
        .expect("valid");
        let sup = p.finite_support().expect("finite");
        assert_eq!(sup.len(), 8);
        let total: f64 = sup.iter().map(|s| s.1).sum();
        assert!((total - 1.0).abs() < 1e-12);
        // E[v1 v2] = E[(c+e1)(c+e2)] = E[c²] + 2 E[c]E[e] + E[e]² = 0.5 + 0.5 + 0.25
        let e: f64 = sup
            .iter()
            .map(|(v, q)| q * v[0].headline() * v[1].headline())
            .sum();
        assert!((e - 1.25).abs() < 1e-12);
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(3);
        assert_eq!(p.sample(&mut rng).len(), 2);
    }

    #[test]
    fn common_component_checks_shapes_on_the_sum() {
        let neg: Arc<dyn Prior> = Arc::new(Uniform::new(-2.0, 0.0).expect("valid"));
        let err = CommonComponent::new(two_point(), vec![neg], vec![ValueShape::Single])
            .expect_err("negative sum");
        assert_eq!(
            err.to_string(),
            "bidder 1: shape: unit 1 (0 + 1·v) is -2 < 0 at v = -2"
        );
    }

    #[test]
    fn laws_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Independent>();
        check::<JointTable>();
        check::<CommonComponent>();
        check::<FiniteTypes>();
        check::<Fixed>();
        check::<ScalarType>();
        check::<crate::prior::SortedDraws>();
        check::<crate::prior::Mixture>();
        check::<crate::prior::Truncated>();
        check::<crate::prior::TruncatedNormal>();
        check::<crate::prior::Tabulated>();
        check::<crate::prior::Empirical>();
        check::<crate::prior::Power>();
        check::<crate::prior::CappedEqualRevenue>();
        check::<crate::prior::PointMass>();
        check::<Discrete>();
    }
}
