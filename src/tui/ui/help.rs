//! The `?` overlay, generated from the keymap table so it lists every key there is.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::tui::app::help;
use crate::tui::app::keymap::{key_label, KEYMAP};
use crate::tui::app::App;

/// One help entry per binding: `j ↓         down`.
pub fn entries() -> Vec<String> {
    KEYMAP
        .iter()
        .map(|b| {
            let keys: Vec<String> = b.keys.iter().map(key_label).collect();
            let mut keys = keys.join(" ");
            if !b.other_keys.is_empty() {
                let other: Vec<String> = b.other_keys.iter().map(key_label).collect();
                keys = format!("{keys} / {}", other.join(" "));
                // Too long for the key column: the first key of each side says enough.
                if keys.chars().count() > 13 {
                    let first = |ks: &[crate::tui::app::keymap::Key]| ks.first().map(key_label);
                    keys = format!(
                        "{} / {}",
                        first(b.keys).unwrap_or_default(),
                        first(b.other_keys).unwrap_or_default()
                    );
                }
            }
            format!("{keys:<14}{}", b.help)
        })
        .collect()
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let entries = entries();
    let two = area.width >= help::TWO_COLUMNS_FROM;
    let col = if two { 38 } else { 36 };
    let per_col = help::key_rows(area.width);
    let mut lines: Vec<Line> = (0..per_col)
        .map(|i| {
            let left = entries.get(i).map_or("", String::as_str);
            let right = if two {
                entries.get(i + per_col).map_or("", String::as_str)
            } else {
                ""
            };
            Line::raw(format!(
                " {:<col$}{}",
                super::fit(left, col - 1),
                super::fit(right, col)
            ))
        })
        .collect();
    // Every key first, then the notes; what does not fit is scrolled to.
    lines.extend(help::note_lines(area.width).into_iter().map(Line::raw));
    let height = (lines.len() + 2) as u16;
    let w = help::popup_width(area.width);
    let h = height.min(area.height);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    // The state clamps on keys; a terminal made taller since needs it here too.
    let top = help::clamp_top(app.help_top, area.width, area.height);
    let shown = usize::from(h.saturating_sub(2));
    let mut block = Block::new()
        .borders(Borders::ALL)
        .border_style(crate::tui::ui::palette(app).border_focus)
        .title(if top + shown < lines.len() || top > 0 {
            " Keys — ↑↓ scroll, other keys close "
        } else {
            " Keys — any key closes "
        });
    let more = match (top > 0, top + shown < lines.len()) {
        (true, true) => Some(" more ↑↓ "),
        (false, true) => Some(" more ↓ "),
        (true, false) => Some(" more ↑ "),
        (false, false) => None,
    };
    if let Some(more) = more {
        block = block.title_bottom(Line::raw(more).right_aligned());
    }
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .scroll((u16::try_from(top).unwrap_or(u16::MAX), 0))
        .block(block)
        .render(popup, buf);
}
