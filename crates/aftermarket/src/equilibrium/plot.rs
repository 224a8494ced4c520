//! An SVG picture of solved bid functions: the mean bid against the type,
//! one line per bidder, and the closed form as a dashed line where one is
//! known. Same style as the sweep pictures (white background, light grid,
//! text as SVG `<text>`, so the same input gives the same bytes).

use plotters::prelude::*;

use crate::equilibrium::discrete_game::{SolveError, invalid};

const WIDTH: u32 = 760;
const HEIGHT: u32 = 560;
const FONT: &str = "sans-serif";
/// Line colours, in bidder order.
const LINES: [RGBColor; 5] = [
    RGBColor(33, 102, 172),
    RGBColor(215, 25, 28),
    RGBColor(26, 150, 65),
    RGBColor(94, 60, 153),
    RGBColor(253, 174, 97),
];

/// One curve of a bid-function picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// Legend entry.
    pub name: String,
    /// Types.
    pub x: Vec<f64>,
    /// Bids.
    pub y: Vec<f64>,
    /// Dashed (a closed form) rather than solid (a solved profile).
    pub dashed: bool,
}

fn plot_err(e: impl std::fmt::Display) -> SolveError {
    invalid("plot", "could not be drawn", e)
}

/// The SVG text of `curves` on one chart titled `title`; curve `k` takes
/// colour `colour[k]` (index into a fixed palette), so a bidder's solved
/// and closed-form curves share a colour.
///
/// # Errors
/// No curve with a finite point.
pub fn bid_functions_svg(
    title: &str,
    curves: &[Curve],
    colour: &[usize],
) -> Result<String, SolveError> {
    let pts = || {
        curves
            .iter()
            .flat_map(|c| c.x.iter().zip(&c.y))
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    };
    let Some(((x0, x1), (y0, y1))) = pts().fold(None, |acc, (&x, &y)| match acc {
        None => Some(((x, x), (y, y))),
        Some(((a, b), (c, d))) => Some(((a.min(x), b.max(x)), (c.min(y), d.max(y)))),
    }) else {
        return Err(invalid("plot", "needs at least one finite point", 0));
    };
    let (x1, y1) = (x1.max(x0 + 1e-9), y1.max(y0 + 1e-9));
    let pad = 0.05 * (y1 - y0);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 20))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(x0..x1, (y0 - pad).min(0.0)..y1 + pad)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(230, 230, 230))
            .x_desc("type (value)")
            .y_desc("bid")
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 14))
            .draw()
            .map_err(plot_err)?;
        for (k, c) in curves.iter().enumerate() {
            let col = LINES[colour.get(k).copied().unwrap_or(k) % LINES.len()];
            let line: Vec<(f64, f64)> =
                c.x.iter()
                    .zip(&c.y)
                    .filter(|(x, y)| x.is_finite() && y.is_finite())
                    .map(|(&x, &y)| (x, y))
                    .collect();
            let style = ShapeStyle::from(&col).stroke_width(if c.dashed { 1 } else { 2 });
            let series = if c.dashed {
                // Every other short segment: a dashed line.
                let pieces: Vec<Vec<(f64, f64)>> = line
                    .chunks(4)
                    .step_by(2)
                    .map(<[(f64, f64)]>::to_vec)
                    .collect();
                chart
                    .draw_series(pieces.into_iter().map(|p| PathElement::new(p, style)))
                    .map_err(plot_err)?
            } else {
                chart
                    .draw_series(LineSeries::new(line, style))
                    .map_err(plot_err)?
            };
            series
                .label(c.name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(200, 200, 200))
            .label_font((FONT, 14))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(plot_err)?;
        root.present().map_err(plot_err)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_has_one_legend_entry_per_curve() {
        let c = |name: &str, dashed| Curve {
            name: name.into(),
            x: vec![0.0, 0.5, 1.0],
            y: vec![0.0, 0.25, 0.5],
            dashed,
        };
        let svg = bid_functions_svg("t", &[c("solved", false), c("closed form", true)], &[0, 0])
            .expect("svg");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("solved") && svg.contains("closed form"));
        assert!(bid_functions_svg("t", &[], &[]).is_err());
    }
}
