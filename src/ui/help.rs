//! The `?` overlay, generated from the keymap table so it lists every key there is.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::app::keymap::{key_label, KEYMAP};
use crate::app::App;

/// One help entry per binding: `j ↓         down`.
pub fn entries() -> Vec<String> {
    KEYMAP
        .iter()
        .map(|b| {
            let keys: Vec<String> = b.keys.iter().map(key_label).collect();
            format!("{:<14}{}", keys.join(" "), b.help)
        })
        .collect()
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let entries = entries();
    let two = area.width >= 70;
    let col = if two { 38 } else { 36 };
    let per_col = if two {
        entries.len().div_ceil(2)
    } else {
        entries.len()
    };
    let mut lines: Vec<Line> = (0..per_col)
        .map(|i| {
            let left = entries.get(i).map_or("", String::as_str);
            let right = if two {
                entries.get(i + per_col).map_or("", String::as_str)
            } else {
                ""
            };
            Line::raw(format!(" {:<col$}{right}", super::fit(left, col - 1)))
        })
        .collect();
    lines.push(Line::raw(
        " In prompts (/ : w): Enter accepts, Esc cancels. Mouse: click, wheel.",
    ));
    let width = if two {
        (2 * col + 3) as u16
    } else {
        (col + 3) as u16
    };
    let height = (lines.len() + 2) as u16;
    let w = width.min(area.width);
    let h = height.min(area.height);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(app.theme.border_focus)
                .title(" Keys — any key closes "),
        )
        .render(popup, buf);
}
