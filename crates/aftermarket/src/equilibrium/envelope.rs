//! The upper envelope of a family of lines, queried at increasing points.
//!
//! In a single-item auction a bidder's utilities are affine in its value,
//! \\(U[t, j] = v_t a_j - b_j\\) (winning probability and expected payment
//! of bid \\(j\\)), so the best-response utility of every type is the upper
//! envelope of the lines \\(v \mapsto v a_j - b_j\\) at the type points. The
//! envelope is convex and piecewise linear: built once in
//! \\(O(m \log m)\\) (\\(O(m)\\) when the slopes are sorted, as winning
//! probabilities are), it answers all \\(n\\) sorted queries in
//! \\(O(n + m)\\) instead of the \\(O(nm)\\) of a scan per type.

/// Fills `out[t]` with \\(\max_j (x_t a_j - b_j)\\) for increasing `xs`,
/// using `order` and `hull` as scratch. Returns false, and leaves `out`
/// alone, when `xs` is not increasing or the lines are empty.
pub(crate) fn envelope_max(
    a: &[f64],
    b: &[f64],
    xs: &[f64],
    order: &mut Vec<usize>,
    hull: &mut Vec<usize>,
    out: &mut [f64],
) -> bool {
    let m = a.len().min(b.len());
    if m == 0 || out.len() < xs.len() || xs.windows(2).any(|w| w[1] < w[0]) {
        return false;
    }
    order.clear();
    order.extend(0..m);
    if a[..m].windows(2).any(|w| w[1] < w[0]) {
        order.sort_by(|&i, &j| a[i].total_cmp(&a[j]));
    }
    // Intercepts are -b: among equal slopes only the largest intercept
    // counts; a middle line drops out when the outer two cross before it
    // rises above the first.
    hull.clear();
    for &j in order.iter() {
        if let Some(&last) = hull.last()
            && a[last].total_cmp(&a[j]).is_eq()
        {
            if b[j] < b[last] {
                hull.pop();
            } else {
                continue;
            }
        }
        while hull.len() >= 2 {
            let (l1, l2) = (hull[hull.len() - 2], hull[hull.len() - 1]);
            let (c1, c2, c3) = (-b[l1], -b[l2], -b[j]);
            if (c1 - c3) * (a[l2] - a[l1]) <= (c1 - c2) * (a[j] - a[l1]) {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push(j);
    }
    let mut p = 0;
    for (o, &x) in out.iter_mut().zip(xs) {
        while p + 1 < hull.len()
            && x * a[hull[p + 1]] - b[hull[p + 1]] >= x * a[hull[p]] - b[hull[p]]
        {
            p += 1;
        }
        *o = x * a[hull[p]] - b[hull[p]];
    }
    true
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn scan(a: &[f64], b: &[f64], x: f64) -> f64 {
        a.iter()
            .zip(b)
            .map(|(&s, &c)| x * s - c)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    #[test]
    fn unsorted_xs_are_refused() {
        let mut out = [0.0; 2];
        assert!(!envelope_max(
            &[1.0],
            &[0.0],
            &[1.0, 0.0],
            &mut Vec::new(),
            &mut Vec::new(),
            &mut out
        ));
    }

    #[test]
    fn equal_slopes_keep_the_highest_line() {
        let mut out = [0.0; 3];
        let ok = envelope_max(
            &[0.0, 1.0, 1.0, 2.0],
            &[0.0, 0.5, 0.2, 1.5],
            &[0.0, 0.5, 2.0],
            &mut Vec::new(),
            &mut Vec::new(),
            &mut out,
        );
        assert!(ok);
        for (o, want) in out.iter().zip([0.0, 0.3, 2.5]) {
            assert!((o - want).abs() < 1e-12, "{o} vs {want}");
        }
    }

    proptest! {
        #[test]
        fn envelope_equals_the_scan(
            lines in prop::collection::vec((0.0..1.0f64, -1.0..1.0f64), 1..40),
            mut xs in prop::collection::vec(-2.0..2.0f64, 1..40),
        ) {
            xs.sort_by(f64::total_cmp);
            let (a, b): (Vec<f64>, Vec<f64>) = lines.into_iter().unzip();
            let mut out = vec![0.0; xs.len()];
            prop_assert!(envelope_max(&a, &b, &xs, &mut Vec::new(), &mut Vec::new(), &mut out));
            for (&x, &o) in xs.iter().zip(&out) {
                prop_assert!((o - scan(&a, &b, x)).abs() < 1e-12, "x {}: {} vs {}", x, o, scan(&a, &b, x));
            }
        }
    }
}
