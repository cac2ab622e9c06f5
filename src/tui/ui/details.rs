//! The details tree of the selected packet: layers (collapsible) and their fields.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use crate::tui::app::tree;
use crate::tui::app::{App, Pane};

pub fn render(app: &App, rows: &[tree::TreeRow], area: Rect, buf: &mut Buffer) {
    let block = super::pane_block(app, " Details ", Some(Pane::Details));
    let height = usize::from(area.height.saturating_sub(1));
    let focused = app.focus == Pane::Details;
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(app.detail_top)
        .take(height)
        .map(|(i, r)| {
            let marker = match (r.depth, r.collapsed) {
                (0, true) => "▶ ",
                (0, false) => "▼ ",
                _ => "  ",
            };
            // A text cursor too, so the selection survives NO_COLOR and monochrome.
            let cursor = if i == app.detail_cursor { ">" } else { " " };
            let style = if i == app.detail_cursor {
                if focused {
                    crate::tui::ui::palette(app).selected
                } else {
                    crate::tui::ui::palette(app).selected_dim
                }
            } else if r.expert {
                crate::tui::ui::palette(app).expert
            } else if r.depth == 0 {
                crate::tui::ui::palette(app).header
            } else {
                Style::new()
            };
            let text = format!("{cursor}{marker}{}", r.text);
            Line::styled(super::fit(&text, usize::from(area.width)), style)
        })
        .collect();
    Paragraph::new(lines).block(block).render(area, buf);
}
