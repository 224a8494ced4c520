//! Myerson's virtual value, regularity and the monopoly price.
//!
//! ## References
//! - Myerson, R. B. (1981). Optimal auction design. *Mathematics of
//!   Operations Research* 6(1), 58–73.

use super::numeric::finite_support;
use super::{Prior, PriorError};

/// Myerson's virtual value \\(\varphi(v) = v - (1 - F(v))/f(v)\\).
///
/// # Errors
/// If the law has atoms, or its density at `v` is not positive.
///
/// ```
/// use aftermarket::prior::{virtual_value, Uniform};
/// let u = Uniform::new(0.0, 1.0)?;
/// assert!((virtual_value(&u, 0.3)? - (-0.4)).abs() < 1e-12);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
pub fn virtual_value(prior: &dyn Prior, v: f64) -> Result<f64, PriorError> {
    if !prior.atoms().is_empty() {
        return Err(PriorError::Invalid(format!(
            "virtual value needs a law without atoms, {} has atoms",
            prior.name()
        )));
    }
    let f = prior.pdf(v);
    if f.is_nan() || f <= 0.0 {
        return Err(PriorError::Invalid(format!(
            "virtual value needs a density > 0 at {v}, got {f}"
        )));
    }
    Ok(v - (1.0 - prior.cdf(v)) / f)
}

/// The first point of an `n`-point grid inside the support where the
/// virtual value falls (by more than 1e-9 relative), or `None` if it is
/// non-decreasing on the grid (the law is regular there).
///
/// The grid is the midpoints of `n` equal cells of the support (far
/// quantiles stand in for infinite ends); points where the density is 0
/// are skipped.
///
/// # Errors
/// If the law has atoms or `n` is 0.
///
/// ```
/// use aftermarket::prior::{first_irregular_point, Uniform};
/// let u = Uniform::new(0.0, 1.0)?;
/// assert_eq!(first_irregular_point(&u, 100)?, None);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
pub fn first_irregular_point(prior: &dyn Prior, n: usize) -> Result<Option<f64>, PriorError> {
    if n == 0 {
        return Err(PriorError::Invalid("grid size must be >= 1, got 0".into()));
    }
    let (lo, hi) = finite_support(prior);
    let h = (hi - lo) / n as f64;
    let mut last: Option<f64> = None;
    for i in 0..n {
        let v = lo + (i as f64 + 0.5) * h;
        if prior.pdf(v) <= 0.0 {
            continue;
        }
        let phi = virtual_value(prior, v)?;
        if let Some(prev) = last {
            if phi < prev - 1e-9 * (1.0 + prev.abs()) {
                return Ok(Some(v));
            }
        }
        last = Some(phi);
    }
    Ok(None)
}

/// A posted price and the revenue it earns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonopolyPrice {
    /// The price.
    pub price: f64,
    /// \\(p \cdot P\[v \ge p\]\\) (buyers accept when indifferent).
    pub revenue: f64,
}

/// The price \\(p \ge 0\\) maximising \\(p \cdot (1 - F(p^-))\\), the revenue of
/// a take-it-or-leave-it offer to one buyer who accepts when indifferent.
///
/// Every atom is a candidate, plus a 4001-point grid refined by golden
/// section; ties go to the lowest price. A law with no mass above 0 gives
/// price 0 and revenue 0.
///
/// ```
/// use aftermarket::prior::{monopoly_price, Uniform};
/// let m = monopoly_price(&Uniform::new(0.0, 1.0)?);
/// assert!((m.price - 0.5).abs() < 1e-7 && (m.revenue - 0.25).abs() < 1e-12);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
pub fn monopoly_price(prior: &dyn Prior) -> MonopolyPrice {
    let revenue = |p: f64| p * (1.0 - prior.cdf_left(p));
    let (lo, hi) = finite_support(prior);
    let lo = lo.max(0.0);
    if hi <= 0.0 || hi < lo {
        return MonopolyPrice {
            price: 0.0,
            revenue: 0.0,
        };
    }
    let mut best = MonopolyPrice {
        price: lo,
        revenue: revenue(lo),
    };
    let consider = |p: f64, best: &mut MonopolyPrice| {
        let r = revenue(p);
        if r > best.revenue || (r >= best.revenue && p < best.price) {
            *best = MonopolyPrice {
                price: p,
                revenue: r,
            };
        }
    };
    for (x, _) in prior.atoms() {
        if x >= lo && x <= hi {
            consider(x, &mut best);
        }
    }
    const N: usize = 4000;
    let h = (hi - lo) / N as f64;
    let mut grid_best = (0usize, f64::NEG_INFINITY);
    for i in 0..=N {
        let r = revenue(lo + i as f64 * h);
        if r > grid_best.1 {
            grid_best = (i, r);
        }
    }
    let i = grid_best.0;
    consider(lo + i as f64 * h, &mut best);
    if h > 0.0 {
        // golden section on the neighbouring cells
        let (mut a, mut b) = (
            lo + i.saturating_sub(1) as f64 * h,
            (lo + (i + 1) as f64 * h).min(hi),
        );
        let g = 0.5 * (5f64.sqrt() - 1.0);
        let mut c = b - g * (b - a);
        let mut d = a + g * (b - a);
        let (mut rc, mut rd) = (revenue(c), revenue(d));
        for _ in 0..100 {
            if rc >= rd {
                b = d;
                d = c;
                rd = rc;
                c = b - g * (b - a);
                rc = revenue(c);
            } else {
                a = c;
                c = d;
                rc = rd;
                d = a + g * (b - a);
                rd = revenue(d);
            }
            if b - a < 1e-13 * (1.0 + hi.abs()) {
                break;
            }
        }
        consider(c, &mut best);
        consider(d, &mut best);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::{CappedEqualRevenue, Discrete, Power, Tabulated, Uniform};

    #[test]
    fn uniform_virtual_value_is_two_v_minus_one() {
        let u = Uniform::new(0.0, 1.0).expect("valid");
        for v in [0.0, 0.25, 0.5, 0.9] {
            assert!((virtual_value(&u, v).expect("ok") - (2.0 * v - 1.0)).abs() < 1e-12);
        }
    }

    #[test]
    fn uniform_monopoly_price_is_one_half() {
        let m = monopoly_price(&Uniform::new(0.0, 1.0).expect("valid"));
        assert!((m.price - 0.5).abs() < 1e-7);
        assert!((m.revenue - 0.25).abs() < 1e-12);
    }

    #[test]
    fn power_monopoly_price_closed_form() {
        // F = v^a on [0,1]: p* = (1 + a)^(-1/a)
        let m = monopoly_price(&Power::new(1.0, 2.0).expect("valid"));
        assert!((m.price - 3f64.powf(-0.5)).abs() < 1e-7);
    }

    #[test]
    fn atoms_are_priced_with_acceptance_at_indifference() {
        let d = Discrete::new(vec![(1.0, 0.5), (3.0, 0.5)]).expect("valid");
        let m = monopoly_price(&d);
        assert!((m.price - 3.0).abs() < 1e-12);
        assert!((m.revenue - 1.5).abs() < 1e-12);
        // equal revenue: every price in [1, H] earns 1; the lowest wins ties
        let e = monopoly_price(&CappedEqualRevenue::new(4.0).expect("valid"));
        assert!((e.revenue - 1.0).abs() < 1e-9);
    }

    #[test]
    fn virtual_value_refuses_atoms() {
        let e = CappedEqualRevenue::new(4.0).expect("valid");
        let err = virtual_value(&e, 2.0).expect_err("atom");
        assert_eq!(
            err.to_string(),
            "virtual value needs a law without atoms, equal-revenue[1,4] has atoms"
        );
    }

    #[test]
    fn irregular_law_is_caught() {
        // density 1.8 on [0, 0.5), 0.2 on [0.5, 1]: the hazard rate drops.
        let t = Tabulated::new(vec![0.0, 0.5, 1.0], vec![0.0, 0.9, 1.0]).expect("valid");
        let v = first_irregular_point(&t, 100)
            .expect("ok")
            .expect("irregular");
        assert!((v - 0.505).abs() < 1e-9);
        let u = Uniform::new(0.0, 1.0).expect("valid");
        assert_eq!(first_irregular_point(&u, 100).expect("ok"), None);
    }
}
