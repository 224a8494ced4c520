//! Small dense linear algebra used in hot loops and in checks.

use nalgebra::{DMatrix, DVector};

use super::ReallocationError;

/// Relative tolerance for symmetry of a matrix given as input.
pub(crate) const SYMMETRY_TOL: f64 = 1e-9;

/// Checks that every entry is finite.
pub(crate) fn check_finite_vec(param: &str, v: &DVector<f64>) -> Result<(), ReallocationError> {
    for (k, x) in v.iter().enumerate() {
        if !x.is_finite() {
            return Err(ReallocationError::InvalidParameter {
                param: format!("{param}[{k}]"),
                rule: "must be finite",
                value: *x,
            });
        }
    }
    Ok(())
}

/// Checks that a matrix is finite, square of size `k`, symmetric and positive definite.
pub(crate) fn check_spd(param: &str, s: &DMatrix<f64>, k: usize) -> Result<(), ReallocationError> {
    if s.nrows() != k || s.ncols() != k {
        return Err(ReallocationError::DimensionMismatch {
            param: param.to_string(),
            expected: k,
            got: if s.nrows() == k { s.ncols() } else { s.nrows() },
        });
    }
    let scale = s.iter().fold(0.0_f64, |m, x| m.max(x.abs())).max(1.0);
    for r in 0..k {
        for c in 0..k {
            let x = s[(r, c)];
            if !x.is_finite() {
                return Err(ReallocationError::InvalidParameter {
                    param: format!("{param}[{r}][{c}]"),
                    rule: "must be finite",
                    value: x,
                });
            }
            if (x - s[(c, r)]).abs() > SYMMETRY_TOL * scale {
                return Err(ReallocationError::NotPositiveDefinite {
                    param: param.to_string(),
                });
            }
        }
    }
    if s.clone().cholesky().is_none() {
        return Err(ReallocationError::NotPositiveDefinite {
            param: param.to_string(),
        });
    }
    Ok(())
}

/// Inverse of a symmetric positive definite matrix, symmetrised.
pub(crate) fn spd_inverse(
    param: &str,
    s: &DMatrix<f64>,
) -> Result<DMatrix<f64>, ReallocationError> {
    let inv = s
        .clone()
        .cholesky()
        .ok_or_else(|| ReallocationError::NotPositiveDefinite {
            param: param.to_string(),
        })?
        .inverse();
    Ok(symmetrise(&inv))
}

/// \\((A + A')/2\\).
pub(crate) fn symmetrise(a: &DMatrix<f64>) -> DMatrix<f64> {
    (a + a.transpose()) * 0.5
}

/// Solves \\(A x = b\\) in place for a symmetric positive definite `k`×`k`
/// matrix stored row-major in `a` (overwritten by its Cholesky factor).
/// Returns `false` when `a` is not positive definite.
#[inline]
pub(crate) fn chol_solve_in_place(a: &mut [f64], b: &mut [f64], k: usize) -> bool {
    for j in 0..k {
        let mut d = a[j * k + j];
        for p in 0..j {
            d -= a[j * k + p] * a[j * k + p];
        }
        if d <= 0.0 || !d.is_finite() {
            return false;
        }
        let d = d.sqrt();
        a[j * k + j] = d;
        for i in (j + 1)..k {
            let mut s = a[i * k + j];
            for p in 0..j {
                s -= a[i * k + p] * a[j * k + p];
            }
            a[i * k + j] = s / d;
        }
    }
    for i in 0..k {
        let mut s = b[i];
        for p in 0..i {
            s -= a[i * k + p] * b[p];
        }
        b[i] = s / a[i * k + i];
    }
    for i in (0..k).rev() {
        let mut s = b[i];
        for p in (i + 1)..k {
            s -= a[p * k + i] * b[p];
        }
        b[i] = s / a[i * k + i];
    }
    true
}

/// Largest absolute entry of \\(AB - BA\\), relative to the scale of the inputs.
#[allow(dead_code)]
pub(crate) fn commutator_norm(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let c = a * b - b * a;
    let scale = (a.norm() * b.norm()).max(f64::MIN_POSITIVE);
    c.amax() / scale
}

/// Gauss–Legendre nodes and weights on \\([0, 1]\\) (8 points, exact for degree 15).
pub(crate) fn gauss_legendre_unit() -> [(f64, f64); 8] {
    const X: [f64; 4] = [
        0.183_434_642_495_649_8,
        0.525_532_409_916_329,
        0.796_666_477_413_626_7,
        0.960_289_856_497_536_3,
    ];
    const W: [f64; 4] = [
        0.362_683_783_378_362,
        0.313_706_645_877_887_3,
        0.222_381_034_453_374_5,
        0.101_228_536_290_376_3,
    ];
    let mut out = [(0.0, 0.0); 8];
    for i in 0..4 {
        out[2 * i] = (0.5 * (1.0 - X[i]), 0.5 * W[i]);
        out[2 * i + 1] = (0.5 * (1.0 + X[i]), 0.5 * W[i]);
    }
    out
}
