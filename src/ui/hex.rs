//! Hex + ASCII of the selected packet; the bytes of the selected field are highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::{App, Pane};
use crate::field::ByteRange;
use crate::store::lock;

/// Width of the offset column (`0000  `).
const OFFSET_COLS: usize = 6;

/// The byte index within a line for screen column `x`, over the hex or the ASCII part.
pub fn column_at(x: usize, width: usize) -> Option<usize> {
    let hex_end = OFFSET_COLS + 3 * width;
    if (OFFSET_COLS..hex_end).contains(&x) {
        return Some((x - OFFSET_COLS) / 3);
    }
    let ascii = hex_end + 1;
    (ascii..ascii + width).contains(&x).then(|| x - ascii)
}

/// The selected field's byte range in the selected packet.
pub fn selected_range(app: &App) -> Option<ByteRange> {
    let rows = super::details::selected_rows(app);
    rows.get(app.detail_cursor)?.range
}

/// First line shown: the user's scroll position, unless that hides the selected field.
pub fn top_line(app: &App, height: usize, width: usize, range: Option<ByteRange>) -> usize {
    match range {
        Some(r) if app.focus != Pane::Hex => {
            let line = r.start as usize / width;
            if line < app.hex_top || line >= app.hex_top + height.max(1) {
                line
            } else {
                app.hex_top
            }
        }
        _ => app.hex_top,
    }
}

pub fn render(app: &App, range: Option<ByteRange>, area: Rect, buf: &mut Buffer) {
    let block = super::pane_block(app, " Bytes ", Some(Pane::Hex));
    let width = super::layout::hex_width(app.size);
    let height = usize::from(area.height.saturating_sub(1));
    let top = top_line(app, height, width, range);
    let store = lock(&app.store);
    let data = (app.selected < app.visible)
        .then(|| store.frame(app.selected))
        .flatten()
        .map_or(&[][..], |f| f.data);
    let lit = |i: usize| range.is_some_and(|r| r.contains(i));
    let mut lines = Vec::with_capacity(height);
    for (n, chunk) in data.chunks(width).enumerate().skip(top).take(height) {
        let base = n * width;
        let mut spans = vec![Span::styled(format!("{base:04x}  "), app.theme.dim)];
        for (j, b) in chunk.iter().enumerate() {
            let style = if lit(base + j) {
                app.theme.highlight
            } else {
                Style::new()
            };
            spans.push(Span::styled(format!("{b:02x}"), style));
            spans.push(Span::raw(" "));
        }
        spans.push(Span::raw(" ".repeat(3 * (width - chunk.len()) + 1)));
        for (j, b) in chunk.iter().enumerate() {
            let c = if b.is_ascii_graphic() || *b == b' ' {
                char::from(*b)
            } else {
                '.'
            };
            let style = if lit(base + j) {
                app.theme.highlight
            } else {
                Style::new()
            };
            spans.push(Span::styled(c.to_string(), style));
        }
        lines.push(Line::from(spans));
    }
    drop(store);
    Paragraph::new(lines).block(block).render(area, buf);
}

#[cfg(test)]
mod tests {
    use super::column_at;

    #[test]
    fn columns_map_to_bytes() {
        assert_eq!(column_at(0, 16), None);
        assert_eq!(column_at(6, 16), Some(0));
        assert_eq!(column_at(8, 16), Some(0));
        assert_eq!(column_at(9, 16), Some(1));
        assert_eq!(column_at(6 + 48 + 1, 16), Some(0));
        assert_eq!(column_at(6 + 48 + 16, 16), Some(15));
        assert_eq!(column_at(6 + 48 + 17, 16), None);
    }
}
