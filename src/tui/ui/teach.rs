//! Teaching panes (issue 7): the narration under the packet list and the RFC header
//! diagrams screen. The text comes from `crate::teach` unchanged; this module only lays it
//! out, scrolls it and colours the field under the cursor (the `>` `<` marks of
//! `diagram::render` keep the highlight readable without colour).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::decode::FieldList;
use crate::store::lock;
use crate::teach::diagram;
use crate::tui::app::App;

/// Splits the list pane into the list and, when shown, the narration below it.
pub fn split_list(app: &App, list: Rect) -> (Rect, Option<Rect>) {
    let h =
        crate::tui::app::layout::narration_height(app.size, &app.split, app.teach.explain) as u16;
    if h == 0 {
        return (list, None);
    }
    let [top, bottom] = Layout::vertical([Constraint::Fill(1), Constraint::Length(h)]).areas(list);
    (top, Some(bottom))
}

/// Greedy word wrap to `width` columns (words longer than a line are cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let need = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if need > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&super::fit(word, width));
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Wrapped lines cut to `rows`, the last one ending in `…` when text was left out.
pub fn wrap_rows(text: &str, width: usize, rows: usize) -> Vec<String> {
    let mut lines = wrap(text, width);
    if lines.len() > rows {
        lines.truncate(rows);
        if let Some(last) = lines.last_mut() {
            let mut cut: String = last.chars().take(width.saturating_sub(1)).collect();
            cut.push('…');
            *last = cut;
        }
    }
    lines
}

/// The narration of the selected packet, as `App::sync_narration` computed it after the
/// last event (drawing only reads it).
pub fn narration_text(app: &App) -> Option<String> {
    match &app.teach.narration {
        Some((i, _, text)) if *i == app.selected && app.selected < app.visible => {
            Some(text.clone())
        }
        _ => None,
    }
}

pub fn render_narration(app: &App, area: Rect, buf: &mut Buffer) {
    let title = format!(" Explain — packet {} (e hides) ", app.selected + 1);
    let block = super::pane_block(app, title, None);
    // The narration says what the packet's values mean, the one a question asks for
    // included: it waits for the answer.
    let text = if app.quiz.typing() {
        "The explanation comes back once the quiz question is answered (Esc closes it).".to_string()
    } else {
        narration_text(app).unwrap_or_default()
    };
    let rows = usize::from(area.height.saturating_sub(1));
    let lines: Vec<Line> = wrap_rows(&text, usize::from(area.width), rows)
        .into_iter()
        .map(Line::raw)
        .collect();
    Paragraph::new(lines).block(block).render(area, buf);
}

/// The whole diagrams screen: grids, the tree (wide screens) and the bytes.
pub fn render_diagram_screen(app: &App, buf: &mut Buffer) {
    let panes = crate::tui::app::layout::diagram_panes(app.size);
    let rows = app.selected_tree();
    let row = rows.get(app.detail_cursor);
    render_diagrams(app, row.and_then(|r| r.field), row, panes.diagram, buf);
    if let Some(details) = panes.details {
        super::details::render(app, &rows, details, buf);
    }
    super::hex::render(app, row.and_then(|r| r.range), panes.hex, buf);
}

/// The grids of the selected packet, scrolled to `app.teach.diagram_top`, with field
/// `highlight` marked; the first line names the field in full (1-bit cells cannot).
pub fn render_diagrams(
    app: &App,
    highlight: Option<usize>,
    row: Option<&crate::tui::app::tree::TreeRow>,
    area: Rect,
    buf: &mut Buffer,
) {
    let title = format!(
        " Header diagrams — packet {} │ j/k field  ←/→ packet  PgUp/PgDn scroll ",
        app.selected + 1
    );
    let block = super::pane_block(app, super::fit(&title, usize::from(area.width)), None);
    let mut lines = vec![Line::styled(
        super::fit(
            &format!("> {}", row.map_or("(no field)", |r| r.text.as_str())),
            usize::from(area.width),
        ),
        crate::tui::ui::palette(app).highlight,
    )];
    let grid = grid_lines(app, highlight);
    let rows = usize::from(area.height.saturating_sub(2));
    let top = app.teach.diagram_top.min(grid.len().saturating_sub(rows));
    lines.extend(grid.into_iter().skip(top).take(rows));
    Paragraph::new(lines).block(block).render(area, buf);
}

/// Every diagram as styled lines: titles bold, the highlighted cell in the highlight
/// style (its columns come from the cell widths, so even a 1-bit flag lights up).
fn grid_lines(app: &App, highlight: Option<usize>) -> Vec<Line<'static>> {
    let store = lock(&app.store);
    let Some(d) = (app.selected < app.visible)
        .then(|| store.dissect(app.selected))
        .flatten()
    else {
        return vec![Line::raw("No packet selected.")];
    };
    let mut scratch = String::new();
    let mut fields = FieldList::new();
    d.emit_fields(&mut scratch, &mut fields);
    // A quiz question's value is not drawn in its cell.
    let hidden = app.quiz.hidden(app.selected);
    for f in fields.fields.iter_mut().filter(|f| hidden.contains(&f.id)) {
        f.value = crate::field::Value::Text("??");
    }
    let mut out = Vec::new();
    for (k, dia) in diagram::diagrams_of(&d, &fields).iter().enumerate() {
        let per_bit = diagram::columns_per_bit(dia);
        if k > 0 {
            out.push(Line::raw(""));
        }
        let text = diagram::render(dia, highlight);
        for (n, line) in text.lines().enumerate() {
            // Lines 4 + 3r and 5 + 3r are the label and value lines of grid row r.
            let cells = n
                .checked_sub(4)
                .filter(|m| m % 3 != 2)
                .and_then(|m| dia.rows.get(m / 3));
            let lit = cells.and_then(|cells| {
                let mut col = 1;
                cells.iter().find_map(|c| {
                    let at = col;
                    col += c.bits * per_bit;
                    (highlight.is_some() && c.field == highlight)
                        .then_some((at, c.bits * per_bit - 1))
                })
            });
            out.push(match (n, lit) {
                (0, _) => Line::styled(line.to_string(), crate::tui::ui::palette(app).header),
                (_, Some((at, width))) => {
                    split_styled(line, at, width, crate::tui::ui::palette(app).highlight)
                }
                _ => Line::raw(line.to_string()),
            });
        }
    }
    out
}

/// `line` with the `width` characters from column `at` in `style`.
fn split_styled(line: &str, at: usize, width: usize, style: Style) -> Line<'static> {
    let chars: Vec<char> = line.chars().collect();
    let end = (at + width).min(chars.len());
    let at = at.min(end);
    let part = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    Line::from(vec![
        Span::raw(part(0, at)),
        Span::styled(part(at, end), style),
        Span::raw(part(end, chars.len())),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_width() {
        let lines = wrap("one two three four five six", 10);
        assert_eq!(lines, ["one two", "three four", "five six"]);
        assert!(wrap("", 10).is_empty());
        let cut = wrap_rows("aaaa bbbb cccc dddd", 9, 1);
        assert_eq!(cut, ["aaaa bbb…"]);
    }

    #[test]
    fn highlight_span_covers_the_cell() {
        let l = split_styled("|abc|def|", 5, 3, Style::new());
        assert_eq!(l.spans[1].content, "def");
        let l = split_styled("|ab", 5, 3, Style::new());
        assert_eq!(l.spans[1].content, "");
    }
}
