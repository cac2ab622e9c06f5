//! The two-vantage ladder: a TCP connection captured at both ends of a link, drawn as a
//! propagation-delay diagram. The left lifeline is the client side's capture, the right
//! one the server side's, each with its own time axis; every row is one sighting, `●` on
//! the side that saw it, and every segment is a sloped (stepped) arrow from the row it
//! left on to the row it arrived on, its label where it leaves and its one-way delay where
//! it arrives. The socket calls made on the connection sit on their side's lifeline,
//! between the sightings, by time. The bottom line spells out the selected segment's
//! crossing.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::tui::app::vantage_ladder::{delay_text, CallRow, Crossing, SightingRow, VantageLadder};
use crate::tui::app::App;

/// Width of the `No. Time` columns before the left lifeline (as the one-capture ladder).
const PREFIX: usize = 18;
/// After the right lifeline: ` 0.000041 ` (its time axis).
const RIGHT_TIME: usize = 11;
/// Rows the frame takes besides the sightings: the border, three heads, the two lines
/// of the summary.
pub const CHROME: u16 = 6;

/// One cell of the arrow area (the two lifelines included).
type Cell = (char, Style);

/// Draws `ladder` in `area`, whose sightings take `height` rows.
pub fn render(app: &App, ladder: &VantageLadder, height: usize, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width);
    let title = format!(
        " TCP stream {} at two vantage points: {} ⇄ {} — {} sightings ",
        ladder.stream,
        ladder.client,
        ladder.server,
        crate::tui::app::group(ladder.total as u64)
    );
    let block = super::pane_block(app, super::fit(&title, width.saturating_sub(1)), None);
    let note_width = (width.saturating_sub(PREFIX) / 6).min(14);
    let span = width
        .saturating_sub(PREFIX + 2 + RIGHT_TIME + note_width)
        .max(8);
    let palette = crate::tui::ui::palette(app);
    let mut lines: Vec<Line<'_>> = Vec::with_capacity(ladder.rows.len() + 4);
    lines.push(heads(
        app,
        (format!("{:>6} {:>9}  ", "No.", "Time"), "Time"),
        [("client ", &ladder.client), ("server ", &ladder.server)],
        span,
    ));
    lines.push(heads(
        app,
        (" ".repeat(PREFIX), ""),
        [
            ("seen at ", &ladder.left_name),
            ("seen at ", &ladder.right_name),
        ],
        span,
    ));
    lines.push(Line::raw(format!("{:PREFIX$}┬{}┬", "", " ".repeat(span))));

    let items = merge_calls(ladder);
    let shown = &items[..items.len().min(height)];
    let mut grid: Vec<Vec<Cell>> = shown
        .iter()
        .map(|item| match item {
            Item::Sighting(r) => lifelines(r, span),
            Item::Call(call) => call_cells(app, call, span),
        })
        .collect();
    // Crossings go from line to line: a call between its departure and its arrival is
    // one more step of its staircase.
    let line_of = line_map(ladder, &items);
    let on_lines = |c: &Crossing| Crossing {
        from_row: line_of(c.from_row),
        to_row: line_of(c.to_row),
        ..c.clone()
    };
    // The selected segment's arrow is drawn last, on top of any it crosses.
    let selected = ladder.crossing_of(app.selected);
    let is_selected = |c: &Crossing| selected.is_some_and(|s| std::ptr::eq(s, c));
    for c in ladder.crossings.iter().filter(|c| !is_selected(c)) {
        draw(&mut grid, &on_lines(c), span, crossing_style(app, c, false));
    }
    if let Some(c) = selected {
        draw(&mut grid, &on_lines(c), span, crossing_style(app, c, true));
    }
    for (item, cells) in shown.iter().zip(grid) {
        lines.push(match item {
            Item::Sighting(row) => row_line(app, ladder, row, cells, note_width),
            Item::Call(call) => call_line(call, cells),
        });
    }
    while lines.len() < height + 3 {
        lines.push(Line::raw(format!("{:PREFIX$}│{}│", "", " ".repeat(span))));
    }
    for line in summary(ladder, app.selected) {
        lines.push(Line::styled(super::fit(&line, width), palette.header));
    }
    Paragraph::new(lines).block(block).render(area, buf);
}

/// One line of the ladder: a sighting, or a socket call on its side's lifeline.
enum Item<'a> {
    Sighting(&'a SightingRow),
    Call(&'a CallRow),
}

/// The sightings and the calls merged by time; a call goes before a sighting of the same
/// instant (a call returns after the packet it sent).
fn merge_calls(ladder: &VantageLadder) -> Vec<Item<'_>> {
    let mut items = Vec::with_capacity(ladder.rows.len() + ladder.calls.len());
    let mut calls = ladder.calls.iter().peekable();
    for row in &ladder.rows {
        while let Some(call) = calls.next_if(|c| c.rel_ns <= row.rel_ns) {
            items.push(Item::Call(call));
        }
        items.push(Item::Sighting(row));
    }
    items.extend(calls.map(Item::Call));
    items
}

/// The line of sighting row `r` (rows count from the first shown and may lie outside
/// them: those keep their distance from the first or the last line).
fn line_map<'a>(ladder: &VantageLadder, items: &'a [Item<'_>]) -> impl Fn(isize) -> isize + 'a {
    let lines: Vec<isize> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| matches!(item, Item::Sighting(_)))
        .map(|(line, _)| line as isize)
        .collect();
    let rows = ladder.rows.len() as isize;
    let total = items.len() as isize;
    move |r| {
        if r < 0 {
            r
        } else if r >= rows {
            total + (r - rows)
        } else {
            usize::try_from(r)
                .ok()
                .and_then(|r| lines.get(r).copied())
                .unwrap_or(r)
        }
    }
}

/// A call's cells: both lifelines, and `● connect()` beside the one that made it.
fn call_cells(app: &App, call: &CallRow, span: usize) -> Vec<Cell> {
    let mut cells = vec![(' ', Style::new()); span + 2];
    if let Some(c) = cells.first_mut() {
        *c = ('│', Style::new());
    }
    if let Some(c) = cells.last_mut() {
        *c = ('│', Style::new());
    }
    let last = span.saturating_sub(1) as isize;
    let text = super::fit(&format!("● {}", call.text), span.saturating_sub(2));
    let dim = crate::tui::ui::palette(app).dim;
    // Written from the caller's lifeline inwards, as an arrow's label is.
    write_text(&mut cells, 1, &text, call.left, last, dim);
    cells
}

/// A call's line: its time on its side's axis, no packet number.
fn call_line<'a>(call: &CallRow, cells: Vec<Cell>) -> Line<'a> {
    // A call before the capture's first packet (the server's bind() and listen()) is
    // told as that much earlier.
    let time = match call.rel_ns {
        ns if ns < 0 => format!("-{}", time_text(ns.saturating_neg())),
        ns => time_text(ns),
    };
    let (left_time, right_time) = if call.left {
        (time.as_str(), "")
    } else {
        ("", time.as_str())
    };
    let mut spans = vec![Span::raw(format!("{:>6} {left_time:>9}  ", ""))];
    spans.extend(cell_spans(cells));
    spans.push(Span::raw(format!(" {right_time:<9} ")));
    Line::from(spans)
}

/// Neighbouring cells of one style as one span.
fn cell_spans<'a>(cells: Vec<Cell>) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_style = Style::new();
    for (ch, style) in cells {
        if style != run_style && !run.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut run), run_style));
        }
        run_style = style;
        run.push(ch);
    }
    spans.push(Span::styled(run, run_style));
    spans
}

/// A heads line: the left head over the left lifeline, the right one ending over the
/// right one; each `(words, name)` loses its words before its name is cut.
fn heads<'a>(
    app: &App,
    (prefix, after): (String, &'static str),
    [left, right]: [(&str, &str); 2],
    span: usize,
) -> Line<'a> {
    let half = span / 2;
    let head = |(words, name): (&str, &str)| {
        let full = format!("{words}{name}");
        if full.chars().count() <= half {
            full
        } else {
            super::fit_middle(name, half)
        }
    };
    let (left, right) = (head(left), head(right));
    let gap = (span + 2).saturating_sub(left.chars().count() + right.chars().count());
    let palette = crate::tui::ui::palette(app);
    Line::from(vec![
        Span::styled(prefix, palette.header),
        Span::styled(left, palette.arrow_client),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, palette.arrow_server),
        Span::styled(format!(" {after}"), palette.header),
    ])
}

/// The two lifelines of a row and the empty link between them; `●` where it was seen.
fn lifelines(row: &SightingRow, span: usize) -> Vec<Cell> {
    let mut cells = vec![(' ', Style::new()); span + 2];
    let dot = |left: bool| if row.left == left { '●' } else { '│' };
    if let Some(c) = cells.first_mut() {
        *c = (dot(true), Style::new());
    }
    if let Some(c) = cells.last_mut() {
        *c = (dot(false), Style::new());
    }
    cells
}

fn crossing_style(app: &App, c: &Crossing, selected: bool) -> Style {
    let palette = crate::tui::ui::palette(app);
    if selected {
        palette.selected
    } else if !c.flags.is_empty() {
        palette.bad_tcp
    } else if c.stage == Some(crate::teach::ladder::Stage::Handshake) {
        palette.syn
    } else if c.rightwards {
        palette.arrow_client
    } else {
        palette.arrow_server
    }
}

/// Draws crossing `c` as a staircase from its departure row (at its sender's lifeline) to
/// its arrival row (at the other), one step per row: the slope of a propagation-delay
/// diagram on a grid of character cells. Rows outside the grid are cut off.
fn draw(grid: &mut [Vec<Cell>], c: &Crossing, span: usize, style: Style) {
    let steps = (c.to_row - c.from_row).max(1);
    let last = span.saturating_sub(1) as isize;
    // The first step is as long as the label needs (leaving the last step room for the
    // delay), the others share the rest evenly.
    let label = c.label.chars().count() as isize + 2;
    let first = label
        .min(last - 12)
        .max(last / (steps + 1))
        .clamp(1, last.max(1));
    // Where the line turns down between row `from_row + j - 1` and row `from_row + j`.
    let bend = |j: isize| first + (last - first) * (j - 1) / steps;
    // Positions count from the sender's lifeline; a leftward arrow is the mirror image.
    let put = |cells: &mut Vec<Cell>, x: isize, ch: char| {
        let x = if c.rightwards { x } else { last - x };
        let ch = match (c.rightwards, ch) {
            (false, '╮') => '╭',
            (false, '╰') => '╯',
            (false, '▶') => '◀',
            (_, ch) => ch,
        };
        if let Some(cell) = usize::try_from(x + 1).ok().and_then(|x| cells.get_mut(x)) {
            *cell = (ch, style);
        }
    };
    // Only the steps on screen (a crossing may start far above the rows shown).
    let shown = (-c.from_row).max(0)..=steps.min(grid.len() as isize - 1 - c.from_row);
    for j in shown {
        let Some(cells) = usize::try_from(c.from_row + j)
            .ok()
            .and_then(|r| grid.get_mut(r))
        else {
            continue;
        };
        let from = if j == 0 { 0 } else { bend(j) };
        let to = if j == steps { last } else { bend(j + 1) };
        for x in from..=to {
            put(cells, x, '─');
        }
        if j > 0 {
            put(cells, from, if from == to { '│' } else { '╰' });
        }
        if j < steps {
            put(cells, to, if from == to && j > 0 { '│' } else { '╮' });
        } else {
            put(cells, to, '▶');
        }
        if j == 0 {
            // The segment's words where it leaves, after one dash.
            let room = usize::try_from(to - 2).unwrap_or(0);
            write_text(
                cells,
                1,
                &super::fit(&c.label, room),
                c.rightwards,
                last,
                style,
            );
        }
        if j == steps && j > 0 {
            // Its one-way delay where it arrives, in the middle of the last step.
            let text = format!(" {} ", delay_text(c.delay_ns));
            let len = text.chars().count() as isize;
            let room = to - from - 2;
            if len <= room {
                let at = from + 1 + (room - len) / 2;
                write_text(cells, at, &text, c.rightwards, last, style);
            }
        }
    }
}

/// Writes `text` from position `at` (counted from the sender's side), reading left to
/// right on screen whichever way the arrow points.
fn write_text(
    cells: &mut [Cell],
    at: isize,
    text: &str,
    rightwards: bool,
    last: isize,
    style: Style,
) {
    let len = text.chars().count() as isize;
    let start = if rightwards { at } else { last - at - len + 1 };
    for (k, ch) in text.chars().enumerate() {
        let x = start + k as isize + 1;
        if let Some(cell) = usize::try_from(x).ok().and_then(|x| cells.get_mut(x)) {
            *cell = (ch, style);
        }
    }
}

fn time_text(rel_ns: i64) -> String {
    let t = rel_ns.max(0) as u64;
    format!("{}.{:06}", t / 1_000_000_000, (t % 1_000_000_000) / 1000)
}

/// One sighting's line: number, its time on its side's axis, the arrows, the note.
fn row_line<'a>(
    app: &App,
    ladder: &VantageLadder,
    row: &SightingRow,
    cells: Vec<Cell>,
    note_width: usize,
) -> Line<'a> {
    let chosen = row.index == app.selected;
    let time = time_text(row.rel_ns);
    let (left_time, right_time) = if row.left {
        (time.as_str(), "")
    } else {
        ("", time.as_str())
    };
    let mut spans = vec![Span::raw(format!(
        "{}{:>5} {left_time:>9}  ",
        if chosen { ">" } else { " " },
        row.index + 1
    ))];
    spans.extend(cell_spans(cells));
    spans.push(Span::raw(format!(" {right_time:<9} ")));
    let note = if row.alone {
        "one side only".to_string()
    } else {
        ladder
            .crossings
            .iter()
            .find(|c| c.departure == row.index)
            .and_then(|c| {
                let words = crate::teach::ladder::note(c.flags, c.stage);
                let first = words.first()?;
                Some(first.strip_prefix("TCP ").unwrap_or(first).to_string())
            })
            .unwrap_or_default()
    };
    spans.push(Span::styled(
        super::fit(&note, note_width),
        crate::tui::ui::palette(app).dim,
    ));
    Line::from(spans)
}

/// The selected sighting's story, in two lines: the segment, then where and when it left
/// and arrived, and the one-way delay.
fn summary(ladder: &VantageLadder, selected: usize) -> [String; 2] {
    let side = |left: bool| if left { "client side" } else { "server side" };
    if let Some(c) = ladder.crossing_of(selected) {
        return [
            format!(" No. {} → {}: {}", c.departure + 1, c.arrival + 1, c.label),
            format!(
                " {} {} → {} {}: one-way delay {}",
                side(c.rightwards),
                time_text(c.departed_ns),
                side(!c.rightwards),
                time_text(c.arrived_ns),
                delay_text(c.delay_ns)
            ),
        ];
    }
    match ladder.rows.iter().find(|r| r.index == selected) {
        Some(r) => [
            format!(" No. {}: seen at the {} only", r.index + 1, side(r.left)),
            " lost on the way, or outside the other capture".to_string(),
        ],
        None => [String::new(), String::new()],
    }
}
