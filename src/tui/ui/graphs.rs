//! The IO graph and the TCP stream (Stevens) graph, drawn with ratatui's `Chart`: real
//! axes with titles, units and value labels. Each IO line has its own marker as well as
//! its own colour, so the lines stay apart with `NO_COLOR` (the legend shows the marker).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Widget};

use crate::tui::app::io_graph::{interval_label, IoGraph};
use crate::tui::app::{App, PromptKind};

/// Marker of each IO line, and the character the legend shows for it.
const MARKERS: [(Marker, &str); 4] = [
    (Marker::Braille, "⣿"),
    (Marker::Dot, "•"),
    (Marker::Bar, "▄"),
    (Marker::Block, "█"),
];
const COLOURS: [Color; 4] = [
    Color::LightCyan,
    Color::LightMagenta,
    Color::Yellow,
    Color::LightGreen,
];

/// Smallest body a chart is drawn in; below it one line of text says what would show.
const MIN_CHART: (u16, u16) = (24, 8);

fn line_style(app: &App, n: usize) -> Style {
    if app.no_color {
        Style::new()
    } else {
        Style::new().fg(COLOURS[n % COLOURS.len()])
    }
}

/// A number as an axis label: `950`, `12.5k`, `160k`, `3.1M`, and decimals only below 10.
fn compact(v: f64) -> String {
    let a = v.abs();
    let scaled = |div: f64, suffix: &str| {
        if a / div >= 100.0 {
            format!("{:.0}{suffix}", v / div)
        } else {
            format!("{:.1}{suffix}", v / div)
        }
    };
    if a >= 1e9 {
        scaled(1e9, "G")
    } else if a >= 1e6 {
        scaled(1e6, "M")
    } else if a >= 1e4 {
        scaled(1e3, "k")
    } else if a >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// Seconds with as many decimals as `step` needs to tell its multiples apart.
fn seconds(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10()).ceil().clamp(0.0, 6.0) as usize
    };
    format!("{v:.decimals$}")
}

/// Three labels for `[lo, hi]`: the ends and the middle.
fn labels(lo: f64, hi: f64, show: impl Fn(f64) -> String) -> Vec<Line<'static>> {
    [lo, (lo + hi) / 2.0, hi]
        .into_iter()
        .map(|v| Line::raw(show(v)))
        .collect()
}

/// The top of a y axis: the highest value with a little headroom, rounded up to two
/// significant digits (270 packets/s tops at 290), never zero.
fn y_top(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let v = max * 1.05;
    let unit = 10f64.powi(v.log10().floor() as i32 - 1).max(1.0);
    (v / unit).ceil() * unit
}

pub fn render_io(app: &App, area: Rect, buf: &mut Buffer) {
    let g = &app.io_graph;
    let interval = interval_label(g.interval_us());
    let progress = if g.complete(app.visible) {
        String::new()
    } else {
        " · counting…".to_string()
    };
    let title = format!(
        " IO graph · {interval} intervals · {}{progress} ",
        g.unit.label()
    );
    let block = super::pane_block(app, title, None);
    let inner = block.inner(area);
    block.render(area, buf);
    let legend = legend_lines(app, g);
    let legend_h = u16::try_from(legend.len()).unwrap_or(u16::MAX);
    if inner.width < MIN_CHART.0 || inner.height < MIN_CHART.1 + legend_h {
        // Too small for axes: the legend alone, as far as it fits.
        Paragraph::new(legend).render(inner, buf);
        return;
    }
    let [chart_area, legend_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(legend_h)]).areas(inner);
    let points: Vec<Vec<(f64, f64)>> = (0..g.lines.len()).map(|n| g.points(n)).collect();
    let step = g.interval_us() as f64 / 1e6;
    let x_max = points
        .iter()
        .filter_map(|p| p.last())
        .map(|p| p.0 + step)
        .fold(step, f64::max);
    let y_max = points.iter().flatten().map(|p| p.1).fold(0.0, f64::max);
    let datasets: Vec<Dataset> = points
        .iter()
        .enumerate()
        .map(|(n, pts)| {
            let (marker, _) = MARKERS[n % MARKERS.len()];
            Dataset::default()
                .marker(marker)
                // One interval alone is a dot: a line needs two points.
                .graph_type(if pts.len() > 1 {
                    GraphType::Line
                } else {
                    GraphType::Scatter
                })
                .style(line_style(app, n))
                .data(pts)
        })
        .collect();
    let y_unit = if g.lines.iter().all(|l| l.is_rate()) {
        g.unit.label()
    } else {
        "value"
    };
    let axis_style = super::palette(app).dim;
    Chart::new(datasets)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .title("time (s)")
                .style(axis_style)
                .bounds([0.0, x_max])
                .labels(labels(0.0, x_max, |v| seconds(v, step))),
        )
        .y_axis(
            Axis::default()
                .title(y_unit)
                .style(axis_style)
                .bounds([0.0, y_top(y_max)])
                .labels(labels(0.0, y_top(y_max), compact)),
        )
        .render(chart_area, buf);
    Paragraph::new(legend_lines(app, g)).render(legend_area, buf);
}

/// One row per line: cursor, number, marker, what it counts and its totals; then the
/// reason the last line typed was refused, while its prompt is open.
fn legend_lines(app: &App, g: &IoGraph) -> Vec<Line<'static>> {
    let mut out: Vec<Line> = g
        .lines
        .iter()
        .enumerate()
        .map(|(n, line)| {
            let (frames, bytes) = g.totals(n);
            let cursor = if n == g.cursor { "▶" } else { " " };
            let (_, mark) = MARKERS[n % MARKERS.len()];
            let per = if line.is_rate() {
                ""
            } else {
                " (per interval)"
            };
            Line::from(vec![
                Span::raw(format!("{cursor}{} ", n + 1)),
                Span::styled(format!("{mark}{mark}"), line_style(app, n)),
                Span::raw(format!(
                    " {}{per}  {} packets, {} bytes",
                    line.label(),
                    crate::tui::app::group(frames),
                    crate::tui::app::group(bytes)
                )),
            ])
        })
        .collect();
    let typing = app
        .prompt
        .as_ref()
        .is_some_and(|p| p.kind == PromptKind::GraphLine);
    // The filter's error spans lines (the text, a caret under the column): each its own.
    if let Some(err) = g.error.as_ref().filter(|_| typing) {
        for (k, text) in err.lines().enumerate() {
            let mark = if k == 0 { "✗ " } else { "  " };
            out.push(Line::styled(
                format!("{mark}{text}"),
                super::palette(app).expert,
            ));
        }
    }
    out
}

pub fn render_stevens(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(g) = &app.stevens else {
        Paragraph::new("select a TCP packet and press S")
            .block(super::pane_block(app, " TCP stream graph ", None))
            .render(area, buf);
        return;
    };
    let progress = if g.complete() { "" } else { " · reading…" };
    let title = format!(
        " Stevens · tcp.stream {} · {} → {} · {} segments{progress} ",
        g.stream,
        g.sender,
        g.receiver,
        crate::tui::app::group(g.points.len() as u64)
    );
    let block = super::pane_block(app, title, None);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.width < MIN_CHART.0 || inner.height < MIN_CHART.1 {
        Paragraph::new(format!("{} segments (u: other direction)", g.points.len()))
            .render(inner, buf);
        return;
    }
    let (x_lo, x_hi) = g
        .points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.0), hi.max(p.0))
        });
    let (x_lo, x_hi) = if x_lo.is_finite() && x_hi > x_lo {
        (x_lo, x_hi)
    } else if x_lo.is_finite() {
        (x_lo, x_lo + 1.0)
    } else {
        (0.0, 1.0)
    };
    let y_max = g.points.iter().map(|p| p.1).fold(0.0, f64::max);
    let step = (x_hi - x_lo) / 10.0;
    let axis_style = super::palette(app).dim;
    let dataset = Dataset::default()
        .marker(Marker::Dot)
        .graph_type(GraphType::Scatter)
        .style(line_style(app, 0))
        .data(&g.points);
    Chart::new(vec![dataset])
        .legend_position(None)
        .x_axis(
            Axis::default()
                .title("time (s)")
                .style(axis_style)
                .bounds([x_lo, x_hi])
                .labels(labels(x_lo, x_hi, |v| seconds(v, step))),
        )
        .y_axis(
            Axis::default()
                .title("seq (relative, bytes)")
                .style(axis_style)
                .bounds([0.0, y_top(y_max)])
                .labels(labels(0.0, y_top(y_max), compact)),
        )
        .render(inner, buf);
}
