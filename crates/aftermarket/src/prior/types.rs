//! Laws over one bidder's valuation.

use std::sync::Arc;

use rand::Rng;

use super::numeric::{MAX_SUPPORT, check_probabilities, uniform01};
use super::{Prior, PriorError, TypePrior, ValueShape};
use crate::values::Valuation;

/// Points of the support on which a formula shape is checked.
const SHAPE_CHECK_GRID: usize = 200;

/// Checks a formula shape on a grid of the support: finite, non-negative,
/// non-increasing in the unit. Between grid points a draw that breaks the
/// rules is cleaned (negative values raised to 0, increases capped), which
/// the docs of [`ValueShape::Formula`] state.
fn check_formula_shape(sf: &super::ShapeFormula, lo: f64, hi: f64) -> Result<(), PriorError> {
    if !lo.is_finite() || !hi.is_finite() {
        return Err(PriorError::Invalid(format!(
            "formula shape `{}` needs a bounded law, got support [{lo}, {hi}]",
            sf.f.text()
        )));
    }
    for i in 0..=SHAPE_CHECK_GRID {
        let v = lo + (hi - lo) * i as f64 / SHAPE_CHECK_GRID as f64;
        let mut prev = f64::INFINITY;
        for (k, x) in sf.marginals(v).into_iter().enumerate() {
            if !x.is_finite() || x < 0.0 {
                return Err(PriorError::Invalid(format!(
                    "formula shape `{}`: unit {} is worth {x} at v = {v}; marginal values must be finite and >= 0",
                    sf.f.text(),
                    k + 1
                )));
            }
            if x > prev + 1e-12 {
                return Err(PriorError::Invalid(format!(
                    "formula shape `{}`: unit {} is worth {x} after {prev} at v = {v}; marginal values must be non-increasing",
                    sf.f.text(),
                    k + 1
                )));
            }
            prev = x;
        }
    }
    Ok(())
}

impl ValueShape {
    /// Number of units the shape values.
    pub fn n_units(&self) -> usize {
        match self {
            ValueShape::Single => 1,
            ValueShape::Flat { m } => *m,
            ValueShape::Affine(entries) => entries.len(),
            ValueShape::Formula(sf) => sf.m,
        }
    }

    /// Checks that every draw in \\(\[lo, hi\]\\) gives valid marginal values:
    /// non-negative and non-increasing. Entries are affine in the draw, so
    /// the two ends suffice (an infinite `hi` is checked through slopes).
    ///
    /// # Errors
    /// [`PriorError::Invalid`] saying which unit breaks which rule at which
    /// draw.
    pub fn check(&self, lo: f64, hi: f64) -> Result<(), PriorError> {
        if let ValueShape::Formula(sf) = self {
            return check_formula_shape(sf, lo, hi);
        }
        let entries: Vec<(f64, f64)> = match self {
            ValueShape::Single => vec![(0.0, 1.0)],
            ValueShape::Flat { m } => {
                if *m == 0 {
                    return Err(PriorError::Invalid(
                        "flat shape: m must be >= 1, got 0".into(),
                    ));
                }
                vec![(0.0, 1.0)]
            }
            ValueShape::Affine(entries) => {
                if entries.is_empty() {
                    return Err(PriorError::Invalid(
                        "affine shape: at least one unit is needed".into(),
                    ));
                }
                entries.clone()
            }
            ValueShape::Formula(_) => Vec::new(),
        };
        for (k, &(a, b)) in entries.iter().enumerate() {
            if !a.is_finite() || !b.is_finite() {
                return Err(PriorError::Invalid(format!(
                    "shape: unit {} ({a} + {b}·v) must have finite coefficients",
                    k + 1
                )));
            }
        }
        if !lo.is_finite() {
            return Err(PriorError::Invalid(format!(
                "values must be bounded below, but the law's support starts at {lo}"
            )));
        }
        let mut ends = vec![lo];
        if hi.is_finite() {
            ends.push(hi);
        }
        for &v in &ends {
            let mut prev: Option<f64> = None;
            for (k, &(a, b)) in entries.iter().enumerate() {
                let x = a + b * v;
                if x < 0.0 {
                    return Err(PriorError::Invalid(format!(
                        "shape: unit {} ({a} + {b}·v) is {x} < 0 at v = {v}",
                        k + 1
                    )));
                }
                if let Some(p) = prev {
                    if x > p {
                        return Err(PriorError::Invalid(format!(
                            "shape: unit {} ({a} + {b}·v) is worth {x} after {p} at v = {v}; marginal values must be non-increasing",
                            k + 1
                        )));
                    }
                }
                prev = Some(x);
            }
        }
        if !hi.is_finite() {
            for (k, w) in entries.windows(2).enumerate() {
                if w[1].1 > w[0].1 {
                    return Err(PriorError::Invalid(format!(
                        "shape: unit {} ({} + {}·v) overtakes unit {} for large v; the law is unbounded above",
                        k + 2,
                        w[1].0,
                        w[1].1,
                        k + 1
                    )));
                }
            }
            if let Some(&(a, b)) = entries.iter().find(|e| e.1 < 0.0) {
                return Err(PriorError::Invalid(format!(
                    "shape: unit ({a} + {b}·v) turns negative for large v; the law is unbounded above"
                )));
            }
        }
        Ok(())
    }

    /// The valuation for draw `v`.
    ///
    /// # Errors
    /// If the entries are negative, non-finite or increasing at `v`.
    pub fn valuation(&self, v: f64) -> Result<Valuation, PriorError> {
        Ok(match self {
            ValueShape::Single => Valuation::single(v)?,
            ValueShape::Flat { m } => Valuation::units(vec![v; *m])?,
            ValueShape::Affine(entries) => {
                Valuation::units(entries.iter().map(|(a, b)| a + b * v).collect())?
            }
            ValueShape::Formula(sf) => Valuation::units(sf.marginals(v))?,
        })
    }

    /// The valuation for a draw inside a support already passed to
    /// [`ValueShape::check`]: rounding is cleaned up so this cannot fail.
    pub(crate) fn valuation_checked(&self, v: f64) -> Valuation {
        let raw: Vec<f64> = match self {
            ValueShape::Single => vec![v],
            ValueShape::Flat { m } => vec![v; *m],
            ValueShape::Affine(entries) => entries.iter().map(|(a, b)| a + b * v).collect(),
            ValueShape::Formula(sf) => sf.marginals(v),
        };
        let mut cap = f64::MAX;
        let clean: Vec<f64> = raw
            .into_iter()
            .map(|x| {
                let x = if x.is_nan() { 0.0 } else { x.clamp(0.0, cap) };
                cap = x;
                x
            })
            .collect();
        // Finite, non-negative and non-increasing by construction.
        Valuation::units(clean).expect("cleaned marginal values are valid")
    }
}

/// A bidder whose valuation is a [`ValueShape`] applied to one scalar draw.
///
/// Paper 004's bidders: A = \\((2, u, 0)\\) with \\(u \sim U\[1, 1.5\]\\) is
/// `ValueShape::Affine(vec![(2.0, 0.0), (0.0, 1.0), (0.0, 0.0)])` over
/// `Uniform::new(1.0, 1.5)`, and B = \\((2, z, z)\\) is
/// `Affine(vec![(2.0, 0.0), (0.0, 1.0), (0.0, 1.0)])` over z's law (e.g. a
/// [`Tabulated`](super::Tabulated) CDF).
///
/// # Errors
/// [`ScalarType::new`] rejects shapes that give negative or increasing
/// marginal values somewhere on the law's support.
///
/// ```
/// use std::sync::Arc;
/// use aftermarket::prior::{ScalarType, TypePrior, Uniform, ValueShape};
/// let a = ScalarType::new(
///     Arc::new(Uniform::new(1.0, 1.5)?),
///     ValueShape::Affine(vec![(2.0, 0.0), (0.0, 1.0), (0.0, 0.0)]),
/// )?;
/// // expected value of two units: 2 + E[u] = 3.25
/// let e = a.expect(&|v| v.as_units().map_or(0.0, |m| m.total(2))).unwrap_or(0.0);
/// assert!((e - 3.25).abs() < 1e-12);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ScalarType {
    prior: Arc<dyn Prior>,
    shape: ValueShape,
}

impl ScalarType {
    /// Checked constructor.
    ///
    /// # Errors
    /// As [`ValueShape::check`] on the law's support.
    pub fn new(prior: Arc<dyn Prior>, shape: ValueShape) -> Result<Self, PriorError> {
        let (lo, hi) = prior.support();
        shape.check(lo, hi)?;
        Ok(ScalarType { prior, shape })
    }

    /// A single item worth the draw.
    ///
    /// # Errors
    /// If the law puts mass below 0.
    pub fn single(prior: Arc<dyn Prior>) -> Result<Self, PriorError> {
        Self::new(prior, ValueShape::Single)
    }

    /// The scalar law.
    pub fn prior(&self) -> &Arc<dyn Prior> {
        &self.prior
    }

    /// The shape.
    pub fn shape(&self) -> &ValueShape {
        &self.shape
    }
}

impl TypePrior for ScalarType {
    fn name(&self) -> String {
        format!("{}·{:?}", self.prior.name(), self.shape)
    }
    fn sample(&self, rng: &mut dyn Rng) -> Valuation {
        self.shape.valuation_checked(self.prior.sample(rng))
    }
    fn finite_support(&self) -> Option<Vec<(Valuation, f64)>> {
        if !self.prior.is_discrete() {
            return None;
        }
        Some(
            self.prior
                .atoms()
                .into_iter()
                .map(|(x, p)| (self.shape.valuation_checked(x), p))
                .collect(),
        )
    }
    fn scalar(&self) -> Option<(&dyn Prior, &ValueShape)> {
        Some((self.prior.as_ref(), &self.shape))
    }
    fn expect(&self, g: &dyn Fn(&Valuation) -> f64) -> Option<f64> {
        Some(self.prior.expect(&|v| g(&self.shape.valuation_checked(v))))
    }
    fn conditioned(&self, lo: f64, hi: f64) -> Option<Arc<dyn TypePrior>> {
        let t = super::Truncated::new(self.prior.clone(), lo, hi).ok()?;
        Some(Arc::new(ScalarType {
            prior: Arc::new(t),
            shape: self.shape.clone(),
        }))
    }
}

/// `m` i.i.d. draws from a scalar law, sorted decreasing, as marginal
/// values for `m` units.
///
/// # Errors
/// [`SortedDraws::new`] rejects `m = 0` and laws with mass below 0.
///
/// ```
/// use std::sync::Arc;
/// use aftermarket::prior::{Discrete, SortedDraws, TypePrior};
/// let s = SortedDraws::new(Arc::new(Discrete::new(vec![(1.0, 0.5), (2.0, 0.5)])?), 2)?;
/// // {2,2}, {2,1}, {1,1} with probabilities 1/4, 1/2, 1/4
/// assert_eq!(s.finite_support().map(|v| v.len()), Some(3));
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SortedDraws {
    prior: Arc<dyn Prior>,
    m: usize,
}

impl SortedDraws {
    /// Checked constructor.
    ///
    /// # Errors
    /// If `m` is 0 or the law's support starts below 0.
    pub fn new(prior: Arc<dyn Prior>, m: usize) -> Result<Self, PriorError> {
        if m == 0 {
            return Err(PriorError::Invalid("m must be >= 1, got 0".into()));
        }
        let (lo, hi) = prior.support();
        ValueShape::Single.check(lo, hi)?;
        Ok(SortedDraws { prior, m })
    }
}

fn sorted_valuation(mut draws: Vec<f64>) -> Valuation {
    draws.sort_unstable_by(|a, b| b.total_cmp(a));
    ValueShape::Affine(draws.iter().map(|&x| (x, 0.0)).collect()).valuation_checked(0.0)
}

impl TypePrior for SortedDraws {
    fn name(&self) -> String {
        format!("sorted({} x {})", self.m, self.prior.name())
    }
    fn sample(&self, rng: &mut dyn Rng) -> Valuation {
        sorted_valuation((0..self.m).map(|_| self.prior.sample(rng)).collect())
    }
    fn finite_support(&self) -> Option<Vec<(Valuation, f64)>> {
        if !self.prior.is_discrete() {
            return None;
        }
        let atoms = self.prior.atoms();
        // multisets of size m from k atoms: C(k + m - 1, m)
        let k = atoms.len();
        let mut count: f64 = 1.0;
        for j in 1..=self.m {
            count *= (k + j - 1) as f64 / j as f64;
            if count > MAX_SUPPORT as f64 {
                return None;
            }
        }
        let mut out = Vec::new();
        let mut counts = vec![0usize; k];
        enumerate_multisets(&atoms, 0, self.m, &mut counts, &mut out, self.m);
        Some(out)
    }
}

fn enumerate_multisets(
    atoms: &[(f64, f64)],
    i: usize,
    left: usize,
    counts: &mut Vec<usize>,
    out: &mut Vec<(Valuation, f64)>,
    m: usize,
) {
    if i + 1 >= atoms.len() {
        if let Some(c) = counts.get_mut(i) {
            *c = left;
        }
        // multinomial probability m!/∏c! ∏p^c, computed in logs
        let mut ln = ln_factorial(m);
        let mut draws = Vec::with_capacity(m);
        for (&(x, p), &c) in atoms.iter().zip(counts.iter()) {
            ln += c as f64 * p.ln() - ln_factorial(c);
            draws.extend(std::iter::repeat_n(x, c));
        }
        out.push((sorted_valuation(draws), ln.exp()));
        return;
    }
    for c in 0..=left {
        if let Some(slot) = counts.get_mut(i) {
            *slot = c;
        }
        enumerate_multisets(atoms, i + 1, left - c, counts, out, m);
    }
}

fn ln_factorial(n: usize) -> f64 {
    (2..=n).map(|j| (j as f64).ln()).sum()
}

/// A finite law over valuations: (valuation, probability) pairs.
///
/// # Errors
/// [`FiniteTypes::new`] rejects an empty list and probabilities outside
/// \[0, 1\] or not summing to 1 (within 1e-9). Equal valuations are
/// merged and zero-probability ones dropped.
///
/// ```
/// use aftermarket::prior::{FiniteTypes, TypePrior};
/// use aftermarket::values::Valuation;
/// let t = FiniteTypes::new(vec![
///     (Valuation::single(1.0)?, 0.5),
///     (Valuation::single(3.0)?, 0.5),
/// ])?;
/// assert_eq!(t.expect(&|v| v.headline()), Some(2.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct FiniteTypes {
    points: Vec<(Valuation, f64)>,
    cum: Vec<f64>,
}

impl FiniteTypes {
    /// Checked constructor.
    ///
    /// # Errors
    /// See the type's documentation.
    pub fn new(points: Vec<(Valuation, f64)>) -> Result<Self, PriorError> {
        let total = check_probabilities("probabilities", points.iter().map(|p| p.1))?;
        let mut merged: Vec<(Valuation, f64)> = Vec::with_capacity(points.len());
        for (v, p) in points {
            if p <= 0.0 {
                continue;
            }
            match merged.iter_mut().find(|(w, _)| *w == v) {
                Some(slot) => slot.1 += p / total,
                None => merged.push((v, p / total)),
            }
        }
        let mut acc = 0.0;
        let mut cum: Vec<f64> = merged
            .iter()
            .map(|(_, p)| {
                acc += p;
                acc.min(1.0)
            })
            .collect();
        if let Some(last) = cum.last_mut() {
            *last = 1.0;
        }
        Ok(FiniteTypes {
            points: merged,
            cum,
        })
    }

    /// The valuations and their probabilities.
    pub fn points(&self) -> &[(Valuation, f64)] {
        &self.points
    }
}

impl TypePrior for FiniteTypes {
    fn name(&self) -> String {
        format!("finite({} types)", self.points.len())
    }
    fn sample(&self, rng: &mut dyn Rng) -> Valuation {
        let u = uniform01(rng);
        let k = self.cum.partition_point(|&c| c <= u);
        let k = k.min(self.points.len().saturating_sub(1));
        match self.points.get(k) {
            Some((v, _)) => v.clone(),
            None => ValueShape::Single.valuation_checked(0.0),
        }
    }
    fn finite_support(&self) -> Option<Vec<(Valuation, f64)>> {
        Some(self.points.clone())
    }
}

/// A known valuation (complete information): the one-point law.
///
/// ```
/// use aftermarket::prior::{Fixed, TypePrior};
/// use aftermarket::values::Valuation;
/// let f = Fixed::new(Valuation::units(vec![5.0, 3.0])?);
/// assert_eq!(f.finite_support().map(|s| s.len()), Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Fixed(pub Valuation);

impl Fixed {
    /// The one-point law at `v`.
    pub fn new(v: Valuation) -> Self {
        Fixed(v)
    }
}

impl TypePrior for Fixed {
    fn name(&self) -> String {
        format!("fixed({:?})", self.0)
    }
    fn sample(&self, _rng: &mut dyn Rng) -> Valuation {
        self.0.clone()
    }
    fn finite_support(&self) -> Option<Vec<(Valuation, f64)>> {
        Some(vec![(self.0.clone(), 1.0)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::{Discrete, Tabulated, TruncatedNormal, Uniform};

    fn units(v: &Valuation) -> Vec<f64> {
        v.as_units()
            .map(|m| m.as_slice().to_vec())
            .unwrap_or_default()
    }

    #[test]
    fn paper_004_bidders_can_be_written() {
        let a = ScalarType::new(
            Arc::new(Uniform::new(1.0, 1.5).expect("valid")),
            ValueShape::Affine(vec![(2.0, 0.0), (0.0, 1.0), (0.0, 0.0)]),
        )
        .expect("A is valid");
        let z = Tabulated::new(vec![0.0, 1.0, 2.0], vec![0.0, 0.7, 1.0]).expect("valid");
        let b = ScalarType::new(
            Arc::new(z),
            ValueShape::Affine(vec![(2.0, 0.0), (0.0, 1.0), (0.0, 1.0)]),
        )
        .expect("B is valid");
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(1);
        let va = units(&a.sample(&mut rng));
        assert_eq!(va.len(), 3);
        assert!((va[0] - 2.0).abs() < 1e-15 && va[1] >= 1.0 && va[2].abs() < 1e-15);
        let vb = units(&b.sample(&mut rng));
        assert!((vb[1] - vb[2]).abs() < 1e-15);
    }

    #[test]
    fn increasing_affine_shape_is_rejected() {
        let err = ScalarType::new(
            Arc::new(Uniform::new(1.0, 3.0).expect("valid")),
            ValueShape::Affine(vec![(2.0, 0.0), (0.0, 1.0)]),
        )
        .expect_err("z > 2 possible");
        assert_eq!(
            err.to_string(),
            "shape: unit 2 (0 + 1·v) is worth 3 after 2 at v = 3; marginal values must be non-increasing"
        );
    }

    #[test]
    fn negative_values_are_rejected() {
        let err = ScalarType::single(Arc::new(Uniform::new(-1.0, 1.0).expect("valid")))
            .expect_err("negative");
        assert_eq!(
            err.to_string(),
            "shape: unit 1 (0 + 1·v) is -1 < 0 at v = -1"
        );
        let n = TruncatedNormal::new(0.0, 1.0, f64::NEG_INFINITY, 1.0).expect("valid");
        let err = ScalarType::single(Arc::new(n)).expect_err("unbounded below");
        assert_eq!(
            err.to_string(),
            "values must be bounded below, but the law's support starts at -inf"
        );
    }

    #[test]
    fn flat_shape_repeats_the_draw() {
        let t = ScalarType::new(
            Arc::new(Discrete::new(vec![(1.0, 0.5), (2.0, 0.5)]).expect("valid")),
            ValueShape::Flat { m: 3 },
        )
        .expect("valid");
        let s = t.finite_support().expect("discrete");
        assert_eq!(s.len(), 2);
        assert_eq!(units(&s[1].0), vec![2.0, 2.0, 2.0]);
        let e = t.expect(&|v| v.headline()).expect("scalar");
        assert!((e - 1.5).abs() < 1e-12);
    }

    #[test]
    fn sorted_draws_enumerate_with_multinomial_weights() {
        let s = SortedDraws::new(
            Arc::new(Discrete::new(vec![(1.0, 0.25), (2.0, 0.75)]).expect("valid")),
            3,
        )
        .expect("valid");
        let sup = s.finite_support().expect("discrete");
        assert_eq!(sup.len(), 4);
        let total: f64 = sup.iter().map(|p| p.1).sum();
        assert!((total - 1.0).abs() < 1e-12);
        let top = sup
            .iter()
            .find(|(v, _)| units(v) == vec![2.0, 2.0, 1.0])
            .expect("present");
        assert!((top.1 - 3.0 * 0.75 * 0.75 * 0.25).abs() < 1e-12);
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(2);
        let v = units(&s.sample(&mut rng));
        assert!(v.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn finite_types_validate_probabilities() {
        let one = Valuation::single(1.0).expect("valid");
        let err =
            FiniteTypes::new(vec![(one.clone(), 0.5), (one.clone(), 0.6)]).expect_err("sum 1.1");
        assert_eq!(err.to_string(), "probabilities must sum to 1, got 1.1");
        let t = FiniteTypes::new(vec![(one.clone(), 0.5), (one, 0.5)]).expect("valid");
        assert_eq!(t.points().len(), 1);
    }
}
