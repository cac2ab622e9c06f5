//! Hex + ASCII of the selected packet; the bytes of the selected field are highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::field::ByteRange;
use crate::store::lock;
use crate::tui::app::{App, Pane};

pub fn render(app: &App, range: Option<ByteRange>, area: Rect, buf: &mut Buffer) {
    let block = super::pane_block(app, " Bytes ", Some(Pane::Hex));
    let width = crate::tui::app::layout::hex_width(app.size);
    let height = usize::from(area.height.saturating_sub(1));
    let top = app.hex_top_line(height, width, range);
    let store = lock(&app.store);
    let data = (app.selected < app.visible)
        .then(|| store.frame(app.selected))
        .flatten()
        .map_or(&[][..], |f| f.data);
    let lit = |i: usize| range.is_some_and(|r| r.contains(i));
    let mut lines = Vec::with_capacity(height);
    for (n, chunk) in data.chunks(width).enumerate().skip(top).take(height) {
        let base = n * width;
        let mut spans = vec![Span::styled(
            format!("{base:04x}  "),
            crate::tui::ui::palette(app).dim,
        )];
        for (j, b) in chunk.iter().enumerate() {
            let style = if lit(base + j) {
                crate::tui::ui::palette(app).highlight
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
                crate::tui::ui::palette(app).highlight
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
