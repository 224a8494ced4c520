//! Axes and grids: which fields a sweep moves, and through which values.

use super::SweepError;

/// The largest grid a sweep accepts.
pub const MAX_POINTS: usize = 10_000_000;

/// One swept field and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// A dotted path into the scenario (e.g. `aftermarket.alpha`,
    /// `bidders.1.values.0`), or a parameter name of another target.
    pub field: String,
    /// The values, in sweep order.
    pub values: Vec<f64>,
}

impl Axis {
    /// An axis from its field and values.
    ///
    /// # Errors
    /// An empty field, no values, or a value that is not finite.
    pub fn new(field: &str, values: Vec<f64>) -> Result<Self, SweepError> {
        let field = field.trim();
        let bad = |reason: String| SweepError::Axis {
            spec: field.to_string(),
            reason,
        };
        if field.is_empty() {
            return Err(bad("the field is empty".into()));
        }
        if values.is_empty() {
            return Err(bad("an axis needs at least one value".into()));
        }
        if let Some(v) = values.iter().find(|v| !v.is_finite()) {
            return Err(bad(format!("values must be finite, got {v}")));
        }
        Ok(Axis {
            field: field.to_string(),
            values,
        })
    }

    /// `n` evenly spaced values from `lo` to `hi`, both included, rounded
    /// to 12 significant digits so that `0:0.6:13` gives 0.05, not
    /// 0.049999999999999996.
    ///
    /// # Errors
    /// `n < 2`, or an end that is not finite.
    pub fn linspace(field: &str, lo: f64, hi: f64, n: usize) -> Result<Self, SweepError> {
        if n < 2 {
            return Err(SweepError::Axis {
                spec: field.to_string(),
                reason: format!(
                    "a range needs n >= 2 points, got {n} (list one value as `field=x`)"
                ),
            });
        }
        let last = (n - 1) as f64;
        let values = (0..n)
            .map(|k| {
                if k == n - 1 {
                    hi
                } else {
                    tidy(lo + (hi - lo) * k as f64 / last)
                }
            })
            .collect();
        Self::new(field, values)
    }

    /// Parses `field=lo:hi:n` (n points, ends included) or `field=a,b,c`.
    ///
    /// # Errors
    /// A malformed specification, named in the error.
    pub fn parse(spec: &str) -> Result<Self, SweepError> {
        let bad = |reason: &str| SweepError::Axis {
            spec: spec.to_string(),
            reason: reason.to_string(),
        };
        let (field, rest) = spec
            .split_once('=')
            .ok_or_else(|| bad("expected `field=lo:hi:n` or `field=a,b,c`"))?;
        let field = field.trim();
        if field.is_empty() {
            return Err(bad("the field is empty"));
        }
        let number = |s: &str| -> Result<f64, SweepError> {
            let s = s.trim();
            s.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| bad(&format!("`{s}` is not a finite number")))
        };
        let parts: Vec<&str> = rest.split(':').collect();
        let axis = match parts.as_slice() {
            [lo, hi, n] => {
                let n: usize = n
                    .trim()
                    .parse()
                    .map_err(|_| bad(&format!("`{}` is not a number of points", n.trim())))?;
                Self::linspace(field, number(lo)?, number(hi)?, n)
            }
            [list] => {
                let values = list.split(',').map(number).collect::<Result<Vec<_>, _>>()?;
                Self::new(field, values)
            }
            _ => Err(bad("a range is `lo:hi:n`")),
        };
        axis.map_err(|e| match e {
            SweepError::Axis { reason, .. } => bad(&reason),
            other => other,
        })
    }
}

/// `x` rounded to 12 significant digits.
fn tidy(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// The cartesian product of axes. Points are numbered `0..len()`, the
/// first axis varying slowest and the last fastest (as nested loops over
/// the axes in order).
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    axes: Vec<Axis>,
    len: usize,
}

impl Grid {
    /// The product of `axes`.
    ///
    /// # Errors
    /// No axes, the same field twice, or more than [`MAX_POINTS`] points.
    pub fn new(axes: Vec<Axis>) -> Result<Self, SweepError> {
        if axes.is_empty() {
            return Err(SweepError::Grid("a sweep needs at least one axis".into()));
        }
        for (k, a) in axes.iter().enumerate() {
            if axes[..k].iter().any(|b| b.field == a.field) {
                return Err(SweepError::Grid(format!(
                    "field `{}` is swept twice",
                    a.field
                )));
            }
        }
        let len = axes
            .iter()
            .try_fold(1usize, |acc, a| acc.checked_mul(a.values.len()))
            .filter(|&n| n <= MAX_POINTS)
            .ok_or_else(|| {
                SweepError::Grid(format!("the grid has more than {MAX_POINTS} points"))
            })?;
        Ok(Grid { axes, len })
    }

    /// The axes.
    pub fn axes(&self) -> &[Axis] {
        &self.axes
    }

    /// The swept fields, in axis order.
    pub fn fields(&self) -> Vec<String> {
        self.axes.iter().map(|a| a.field.clone()).collect()
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a grid has at least one point.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The index along each axis of point `i`, or `None` past the end.
    pub fn indices(&self, i: usize) -> Option<Vec<usize>> {
        if i >= self.len {
            return None;
        }
        let mut rest = i;
        let mut idx = vec![0; self.axes.len()];
        for (k, a) in self.axes.iter().enumerate().rev() {
            idx[k] = rest % a.values.len();
            rest /= a.values.len();
        }
        Some(idx)
    }

    /// The values of point `i`, one per axis, or `None` past the end.
    pub fn point(&self, i: usize) -> Option<Vec<f64>> {
        self.indices(i).map(|idx| {
            idx.iter()
                .zip(&self.axes)
                .map(|(&k, a)| a.values[k])
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_includes_both_ends() {
        let a = Axis::parse("aftermarket.alpha=0:1:11").expect("parses");
        assert_eq!(a.field, "aftermarket.alpha");
        assert_eq!(a.values.len(), 11);
        assert_eq!(a.values[0].to_string(), "0");
        assert_eq!(a.values[3].to_string(), "0.3");
        assert_eq!(a.values[10].to_string(), "1");
        let b = Axis::parse("r=0:0.6:13").expect("parses");
        assert_eq!(b.values[1].to_string(), "0.05");
        assert_eq!(b.values[7].to_string(), "0.35");
    }

    #[test]
    fn list_keeps_its_order() {
        let a = Axis::parse(" bidders.1.values.0 = 3, 1.5 ,2").expect("parses");
        assert_eq!(a.field, "bidders.1.values.0");
        assert_eq!(a.values, vec![3.0, 1.5, 2.0]);
    }

    #[test]
    fn malformed_axes_are_rejected_by_message() {
        let msg = |s: &str| Axis::parse(s).expect_err(s).to_string();
        assert_eq!(
            msg("alpha"),
            "axis `alpha`: expected `field=lo:hi:n` or `field=a,b,c`"
        );
        assert_eq!(msg("=0:1:3"), "axis `=0:1:3`: the field is empty");
        assert_eq!(
            msg("a=0:1:1"),
            "axis `a=0:1:1`: a range needs n >= 2 points, got 1 (list one value as `field=x`)"
        );
        assert_eq!(msg("a=0:x:3"), "axis `a=0:x:3`: `x` is not a finite number");
        assert_eq!(
            msg("a=0:1:many"),
            "axis `a=0:1:many`: `many` is not a number of points"
        );
        assert_eq!(msg("a=1,,2"), "axis `a=1,,2`: `` is not a finite number");
        assert_eq!(msg("a=0:1"), "axis `a=0:1`: a range is `lo:hi:n`");
        assert_eq!(msg("a=inf"), "axis `a=inf`: `inf` is not a finite number");
    }

    #[test]
    fn grid_orders_points_last_axis_fastest() {
        let g = Grid::new(vec![
            Axis::new("x", vec![0.0, 1.0]).expect("axis"),
            Axis::new("y", vec![10.0, 20.0, 30.0]).expect("axis"),
        ])
        .expect("grid");
        assert_eq!(g.len(), 6);
        assert_eq!(g.point(0), Some(vec![0.0, 10.0]));
        assert_eq!(g.point(1), Some(vec![0.0, 20.0]));
        assert_eq!(g.point(3), Some(vec![1.0, 10.0]));
        assert_eq!(g.point(5), Some(vec![1.0, 30.0]));
        assert_eq!(g.point(6), None);
    }

    #[test]
    fn grid_rejects_repeated_fields() {
        let a = Axis::new("x", vec![0.0]).expect("axis");
        let err = Grid::new(vec![a.clone(), a]).expect_err("twice");
        assert_eq!(err.to_string(), "field `x` is swept twice");
    }
}
