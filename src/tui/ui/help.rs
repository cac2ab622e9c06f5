//! The `?` overlay, generated from the keymap table so it lists every key there is.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

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
            Line::raw(format!(
                " {:<col$}{}",
                super::fit(left, col - 1),
                super::fit(right, col)
            ))
        })
        .collect();
    // The notes go where there is room; every key comes first (80×24 holds just them).
    for note in [
        " In prompts (/ : w): Enter accepts, Esc cancels. Mouse: click, wheel.",
        " In the / bar: ↑/↓ earlier filters, Tab completes. In X: Tab picks the set.",
        " In follow: f ascii→hex→raw, L wrap, / n N find, w saves, y copies.",
        " In expert info (8): Enter opens a message or goes to a packet; b back.",
    ] {
        if lines.len() + 2 < usize::from(area.height) {
            lines.push(Line::raw(note));
        }
    }
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
                .border_style(crate::tui::ui::palette(app).border_focus)
                .title(" Keys — any key closes "),
        )
        .render(popup, buf);
}
