//! Pictures of a sweep, as SVG: a heatmap of one column over two axes
//! (continuous colours, or two classes around a threshold for a region
//! map), or a line over one axis; both with optional overlay curves
//! \\(y = f(x)\\) given as formulas.
//!
//! Text is written as SVG `<text>` elements (no font files are read), and
//! the same input always gives the same bytes.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::{Grid, SweepError, SweepTable};
use crate::formula::Formula;

const WIDTH: u32 = 760;
const HEIGHT: u32 = 560;
const BAR: u32 = 130;
const FONT: &str = "sans-serif";
/// Cells of failed or missing points.
const MISSING: RGBColor = RGBColor(221, 221, 221);
/// Region-map colours: at or below the threshold, above it.
const BELOW: RGBColor = RGBColor(198, 219, 239);
const ABOVE: RGBColor = RGBColor(33, 102, 172);
/// Overlay line colours, in order.
const LINES: [RGBColor; 5] = [
    RGBColor(215, 25, 28),
    RGBColor(253, 174, 97),
    RGBColor(0, 0, 0),
    RGBColor(171, 221, 164),
    RGBColor(94, 60, 153),
];

/// How values become colours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// A continuous (viridis) scale from the smallest to the largest value.
    Continuous,
    /// Two classes: value > threshold, and the rest (a region map).
    Threshold(f64),
}

/// A curve \\(y = f(x)\\) drawn over a plot, with its legend label.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// The legend label.
    pub label: String,
    /// The curve, a formula in `x`.
    pub formula: Formula,
}

impl Overlay {
    /// Parses `label=formula in x`, split at the last `=` that is not
    /// part of a comparison (`==`, `<=`, `>=`, `!=`), so a label may read
    /// `y = x/2`. Without such an `=` the label is the formula itself.
    ///
    /// # Errors
    /// The formula does not parse or uses a variable other than `x`.
    pub fn parse(spec: &str) -> Result<Self, SweepError> {
        let b = spec.as_bytes();
        let split = (0..b.len()).rev().find(|&k| {
            b[k] == b'='
                && b.get(k + 1) != Some(&b'=')
                && !(k > 0 && matches!(b[k - 1], b'=' | b'<' | b'>' | b'!'))
        });
        let (label, expr) = match split {
            Some(k) if !spec[..k].trim().is_empty() => (spec[..k].trim(), spec[k + 1..].trim()),
            _ => (spec.trim(), spec.trim()),
        };
        let formula = Formula::parse(expr, &["x"])
            .map_err(|e| SweepError::Plot(format!("overlay `{spec}`: {e}")))?;
        Ok(Overlay {
            label: label.to_string(),
            formula,
        })
    }
}

/// A heatmap of one value over two axes.
#[derive(Debug, Clone)]
pub struct Heatmap {
    /// The title.
    pub title: String,
    /// The horizontal axis's label.
    pub x_label: String,
    /// The vertical axis's label.
    pub y_label: String,
    /// The colour bar's label.
    pub value_label: String,
    /// The horizontal axis's values.
    pub x: Vec<f64>,
    /// The vertical axis's values.
    pub y: Vec<f64>,
    /// The value at `(x[i], y[j])` is `z[i * y.len() + j]` (the grid's
    /// point order); `None` for a missing or failed point.
    pub z: Vec<Option<f64>>,
    /// Curves drawn over the map.
    pub overlays: Vec<Overlay>,
    /// The colour scale.
    pub scale: Scale,
}

/// A line of one value over one axis.
#[derive(Debug, Clone)]
pub struct LinePlot {
    /// The title.
    pub title: String,
    /// The horizontal axis's label.
    pub x_label: String,
    /// The vertical axis's label.
    pub y_label: String,
    /// The axis's values.
    pub x: Vec<f64>,
    /// The value at each; `None` for a missing or failed point.
    pub y: Vec<Option<f64>>,
    /// Half-widths of error bars (e.g. 1.96 standard errors), if any.
    pub error: Option<Vec<Option<f64>>>,
    /// Curves drawn over the line.
    pub overlays: Vec<Overlay>,
    /// A horizontal reference line (a region map's threshold).
    pub threshold: Option<f64>,
}

fn plot_err(e: impl std::fmt::Display) -> SweepError {
    SweepError::Plot(e.to_string())
}

/// The viridis colour map at `t` in \[0, 1\].
fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let s = t * (STOPS.len() - 1) as f64;
    let k = (s.floor() as usize).min(STOPS.len() - 2);
    let f = s - k as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + f * (f64::from(b) - f64::from(a))).round() as u8;
    let (a, b) = (STOPS[k], STOPS[k + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Cell edges of each value: halfway to its neighbours in sorted order.
fn cell_edges(v: &[f64]) -> Vec<(f64, f64)> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut edges = vec![(0.0, 0.0); v.len()];
    for (k, &i) in order.iter().enumerate() {
        let prev = (k > 0).then(|| v[order[k - 1]]);
        let next = order.get(k + 1).map(|&j| v[j]);
        let half = match (prev, next) {
            (Some(p), Some(n)) => ((v[i] - p) / 2.0, (n - v[i]) / 2.0),
            (Some(p), None) => ((v[i] - p) / 2.0, (v[i] - p) / 2.0),
            (None, Some(n)) => ((n - v[i]) / 2.0, (n - v[i]) / 2.0),
            (None, None) => (0.5, 0.5),
        };
        let (lo, hi) = (
            if half.0 > 0.0 { half.0 } else { 0.5 },
            if half.1 > 0.0 { half.1 } else { 0.5 },
        );
        edges[i] = (v[i] - lo, v[i] + hi);
    }
    edges
}

fn finite_range(v: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    v.filter(|x| x.is_finite()).fold(None, |acc, x| match acc {
        None => Some((x, x)),
        Some((lo, hi)) => Some((lo.min(x), hi.max(x))),
    })
}

fn widen((lo, hi): (f64, f64)) -> (f64, f64) {
    if hi > lo {
        (lo, hi)
    } else {
        let d = if lo.abs() > 0.0 { lo.abs() * 0.05 } else { 0.5 };
        (lo - d, hi + d)
    }
}

/// The overlay's curve over `[x0, x1]`, cut where it leaves `[y0, y1]` or
/// cannot be evaluated.
fn overlay_segments(
    o: &Overlay,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> Vec<Vec<(f64, f64)>> {
    const SAMPLES: usize = 400;
    let mut segments = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for k in 0..=SAMPLES {
        let x = x0 + (x1 - x0) * k as f64 / SAMPLES as f64;
        match o.formula.eval(&[x]) {
            Ok(y) if y >= y0 && y <= y1 => cur.push((x, y)),
            _ => {
                if cur.len() > 1 {
                    segments.push(std::mem::take(&mut cur));
                } else {
                    cur.clear();
                }
            }
        }
    }
    if cur.len() > 1 {
        segments.push(cur);
    }
    segments
}

/// Draws the overlays with legend entries.
fn draw_overlays<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    overlays: &[Overlay],
    xr: (f64, f64),
    yr: (f64, f64),
) -> Result<(), SweepError>
where
    DB::ErrorType: 'static,
{
    for (k, o) in overlays.iter().enumerate() {
        let colour = LINES[k % LINES.len()];
        let style = ShapeStyle::from(&colour).stroke_width(2);
        let segments = overlay_segments(o, xr, yr);
        if segments.is_empty() {
            continue;
        }
        for (s, seg) in segments.into_iter().enumerate() {
            let series = chart
                .draw_series(LineSeries::new(seg, style))
                .map_err(plot_err)?;
            if s == 0 {
                series
                    .label(o.label.clone())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
            }
        }
    }
    if !overlays.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, 15))
            .draw()
            .map_err(plot_err)?;
    }
    Ok(())
}

/// The heatmap as an SVG document.
///
/// # Errors
/// The axes are empty, `z` has the wrong length, or drawing failed.
pub fn heatmap_svg(h: &Heatmap) -> Result<String, SweepError> {
    if h.x.is_empty() || h.y.is_empty() {
        return Err(SweepError::Plot(
            "a heatmap needs values on both axes".into(),
        ));
    }
    if h.z.len() != h.x.len() * h.y.len() {
        return Err(SweepError::Plot(format!(
            "{} values for a {} × {} grid",
            h.z.len(),
            h.x.len(),
            h.y.len()
        )));
    }
    let xe = cell_edges(&h.x);
    let ye = cell_edges(&h.y);
    let xr = finite_range(xe.iter().flat_map(|e| [e.0, e.1])).unwrap_or((0.0, 1.0));
    let yr = finite_range(ye.iter().flat_map(|e| [e.0, e.1])).unwrap_or((0.0, 1.0));
    let zr = widen(finite_range(h.z.iter().filter_map(|z| *z)).unwrap_or((0.0, 1.0)));
    let colour = |z: Option<f64>| match (z.filter(|z| z.is_finite()), h.scale) {
        (None, _) => MISSING,
        (Some(z), Scale::Continuous) => viridis((z - zr.0) / (zr.1 - zr.0)),
        (Some(z), Scale::Threshold(t)) => {
            if z > t {
                ABOVE
            } else {
                BELOW
            }
        }
    };
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let (main, bar) = root.split_horizontally(WIDTH - BAR);
        let mut chart = ChartBuilder::on(&main)
            .caption(&h.title, (FONT, 20))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(&h.x_label)
            .y_desc(&h.y_label)
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 14))
            .draw()
            .map_err(plot_err)?;
        let cells = (0..h.x.len()).flat_map(|i| (0..h.y.len()).map(move |j| (i, j)));
        chart
            .draw_series(cells.map(|(i, j)| {
                Rectangle::new(
                    [(xe[i].0, ye[j].0), (xe[i].1, ye[j].1)],
                    colour(h.z[i * h.y.len() + j]).filled(),
                )
            }))
            .map_err(plot_err)?;
        draw_overlays(&mut chart, &h.overlays, xr, yr)?;
        match h.scale {
            Scale::Continuous => {
                let mut cb = ChartBuilder::on(&bar)
                    .margin_top(44)
                    .margin_bottom(60)
                    .margin_left(24)
                    .margin_right(12)
                    .y_label_area_size(0)
                    .right_y_label_area_size(64)
                    .build_cartesian_2d(0.0..1.0, zr.0..zr.1)
                    .map_err(plot_err)?;
                cb.configure_mesh()
                    .disable_mesh()
                    .disable_x_axis()
                    .y_desc(&h.value_label)
                    .axis_desc_style((FONT, 15))
                    .label_style((FONT, 13))
                    .draw()
                    .map_err(plot_err)?;
                const STEPS: usize = 64;
                cb.draw_series((0..STEPS).map(|k| {
                    let a = zr.0 + (zr.1 - zr.0) * k as f64 / STEPS as f64;
                    let b = zr.0 + (zr.1 - zr.0) * (k + 1) as f64 / STEPS as f64;
                    Rectangle::new(
                        [(0.0, a), (1.0, b)],
                        viridis((k as f64 + 0.5) / STEPS as f64).filled(),
                    )
                }))
                .map_err(plot_err)?;
            }
            Scale::Threshold(t) => {
                let entries = [(ABOVE, format!("> {t}")), (BELOW, format!("≤ {t}"))];
                bar.draw(&Text::new(h.value_label.clone(), (8, 60), (FONT, 15)))
                    .map_err(plot_err)?;
                for (k, (c, label)) in entries.iter().enumerate() {
                    let y = 84 + 28 * k as i32;
                    bar.draw(&Rectangle::new([(8, y), (28, y + 18)], c.filled()))
                        .map_err(plot_err)?;
                    bar.draw(&Text::new(label.clone(), (34, y + 3), (FONT, 15)))
                        .map_err(plot_err)?;
                }
            }
        }
        // A failed point and a point where the measure is not defined (NaN)
        // are both grey, and the legend says which occur.
        let failed = h.z.iter().any(Option::is_none);
        let undefined = h.z.iter().any(|z| z.is_some_and(|z| !z.is_finite()));
        if failed || undefined {
            let label = match (failed, undefined) {
                (true, true) => "failed / not defined",
                (true, false) => "failed",
                _ => "not defined",
            };
            let y = HEIGHT as i32 - 30;
            bar.draw(&Rectangle::new([(8, y), (28, y + 18)], MISSING.filled()))
                .map_err(plot_err)?;
            bar.draw(&Text::new(label, (34, y + 3), (FONT, 15)))
                .map_err(plot_err)?;
        }
        root.present().map_err(plot_err)?;
    }
    Ok(out)
}

/// The line plot as an SVG document.
///
/// # Errors
/// The axis is empty, `y` has the wrong length, or drawing failed.
pub fn line_svg(p: &LinePlot) -> Result<String, SweepError> {
    if p.x.is_empty() || p.y.len() != p.x.len() {
        return Err(SweepError::Plot(format!(
            "{} values for {} points",
            p.y.len(),
            p.x.len()
        )));
    }
    let mut order: Vec<usize> = (0..p.x.len()).collect();
    order.sort_by(|&a, &b| p.x[a].total_cmp(&p.x[b]));
    let err = |i: usize| {
        p.error
            .as_ref()
            .and_then(|e| e.get(i).copied().flatten())
            .filter(|e| e.is_finite())
            .unwrap_or(0.0)
    };
    let xr = widen(finite_range(p.x.iter().copied()).unwrap_or((0.0, 1.0)));
    let ys = (0..p.x.len()).filter_map(|i| p.y[i].map(|y| (y, err(i))));
    let yr =
        finite_range(ys.flat_map(|(y, e)| [y - e, y + e]).chain(p.threshold)).unwrap_or((0.0, 1.0));
    let yr = widen(yr);
    let pad = (yr.1 - yr.0) * 0.06;
    let yr = (yr.0 - pad, yr.1 + pad);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&p.title, (FONT, 20))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(230, 230, 230))
            .x_desc(&p.x_label)
            .y_desc(&p.y_label)
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 14))
            .draw()
            .map_err(plot_err)?;
        if let Some(t) = p.threshold {
            chart
                .draw_series(LineSeries::new(
                    [(xr.0, t), (xr.1, t)],
                    ShapeStyle::from(&RGBColor(120, 120, 120)).stroke_width(1),
                ))
                .map_err(plot_err)?;
        }
        let blue = RGBColor(33, 102, 172);
        let mut segment: Vec<(f64, f64)> = Vec::new();
        let mut segments = Vec::new();
        for &i in &order {
            match p.y[i].filter(|y| y.is_finite()) {
                Some(y) => segment.push((p.x[i], y)),
                None => segments.push(std::mem::take(&mut segment)),
            }
        }
        segments.push(segment);
        for seg in segments.into_iter().filter(|s| !s.is_empty()) {
            chart
                .draw_series(LineSeries::new(
                    seg.clone(),
                    ShapeStyle::from(&blue).stroke_width(2),
                ))
                .map_err(plot_err)?;
            chart
                .draw_series(
                    seg.iter()
                        .map(|&(x, y)| Circle::new((x, y), 3, blue.filled())),
                )
                .map_err(plot_err)?;
        }
        chart
            .draw_series(order.iter().filter_map(|&i| {
                let y = p.y[i].filter(|y| y.is_finite())?;
                let e = err(i);
                (e > 0.0).then(|| {
                    PathElement::new(
                        vec![(p.x[i], y - e), (p.x[i], y + e)],
                        ShapeStyle::from(&blue),
                    )
                })
            }))
            .map_err(plot_err)?;
        draw_overlays(&mut chart, &p.overlays, xr, yr)?;
        root.present().map_err(plot_err)?;
    }
    Ok(out)
}

/// A picture of column `measure` of a sweep over `grid`: a line with
/// 95% error bars (when a `measure_se` column exists) for one axis, a
/// heatmap (first axis across, second up) for two.
///
/// # Errors
/// Not one or two axes, an unknown column, or drawing failed.
pub fn plot_sweep(
    table: &SweepTable,
    grid: &Grid,
    measure: &str,
    overlays: &[Overlay],
    scale: Scale,
    title: Option<&str>,
) -> Result<String, SweepError> {
    let col = table.column(measure).ok_or_else(|| SweepError::Measure {
        name: measure.to_string(),
        available: table.columns.join(", "),
    })?;
    let se = table.column(&format!("{measure}_se"));
    let mut z = vec![None; grid.len()];
    let mut e = vec![None; grid.len()];
    for r in &table.rows {
        if let (Some(slot), Ok(v)) = (z.get_mut(r.point), &r.values) {
            // NaN (a measure not defined at the point) is kept as such, so
            // the legend can tell it from a failed point.
            *slot = v.get(col).copied();
            if let Some(s) = se {
                e[r.point] = v.get(s).map(|s| s * crate::analysis::measures::Z95);
            }
        }
    }
    let axes = grid.axes();
    match axes {
        [a] => {
            let threshold = match scale {
                Scale::Threshold(t) => Some(t),
                Scale::Continuous => None,
            };
            line_svg(&LinePlot {
                title: title.map_or_else(|| format!("{measure} over {}", a.field), String::from),
                x_label: a.field.clone(),
                y_label: measure.to_string(),
                x: a.values.clone(),
                y: z,
                error: se.map(|_| e),
                overlays: overlays.to_vec(),
                threshold,
            })
        }
        [a, b] => heatmap_svg(&Heatmap {
            title: title.map_or_else(
                || match scale {
                    Scale::Continuous => format!("{measure} over {} and {}", a.field, b.field),
                    Scale::Threshold(t) => format!("where {measure} > {t}"),
                },
                String::from,
            ),
            x_label: a.field.clone(),
            y_label: b.field.clone(),
            value_label: measure.to_string(),
            x: a.values.clone(),
            y: b.values.clone(),
            z,
            overlays: overlays.to_vec(),
            scale,
        }),
        _ => Err(SweepError::Plot(format!(
            "a plot needs one or two axes; the sweep has {}",
            axes.len()
        ))),
    }
}
