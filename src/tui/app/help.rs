//! The `?` overlay's state: the lines it holds (every key of the keymap, then the notes on
//! keys inside prompts and views) and how far it is scrolled. ↑/↓/PgUp/PgDn/Home/End
//! scroll it; any other key closes it (q still quits). Scrolling keeps every key
//! reachable on any terminal, and the next key added to the table is never cut off.

use super::{keymap, Action, App};

/// What the keymap's table cannot say: keys inside prompts and in some views.
pub const NOTES: [&str; 4] = [
    " In prompts (/ : w): Enter accepts, Esc cancels. Mouse: click, wheel.",
    " In the / bar: ↑/↓ earlier filters, Tab completes. In X: Tab picks the set.",
    " In follow: f ascii→hex→raw, L wrap, / n N find, w saves, y copies.",
    " In expert info (8): Enter opens a message or goes to a packet; b back.",
];

/// From this width on the keys are listed in two columns.
pub const TWO_COLUMNS_FROM: u16 = 70;

/// Rows of keys: one entry per binding, in one column or two.
pub fn key_rows(width: u16) -> usize {
    if width >= TWO_COLUMNS_FROM {
        keymap::KEYMAP.len().div_ceil(2)
    } else {
        keymap::KEYMAP.len()
    }
}

/// The overlay's width on a terminal `width` columns wide: its key columns (two of 38 or
/// one of 36) and the borders.
pub fn popup_width(width: u16) -> u16 {
    let wanted = if width >= TWO_COLUMNS_FROM {
        2 * 38 + 3
    } else {
        36 + 3
    };
    wanted.min(width)
}

/// The notes as the overlay shows them: each wrapped at spaces to fit between its
/// borders (a narrow terminal would otherwise cut them), continuation lines indented.
pub fn note_lines(width: u16) -> Vec<String> {
    let room = usize::from(popup_width(width).saturating_sub(2)).max(12);
    let mut lines = Vec::new();
    for note in NOTES {
        let mut line = String::from(" ");
        // Nothing but the indent on the line yet: the next word goes there whatever its
        // length.
        let mut fresh = true;
        for word in note.split_whitespace() {
            if !fresh && line.chars().count() + 1 + word.chars().count() > room {
                lines.push(std::mem::replace(&mut line, String::from("   ")));
                fresh = true;
            }
            if !fresh {
                line.push(' ');
            }
            line.push_str(word);
            fresh = false;
        }
        lines.push(line);
    }
    lines
}

/// Every line the overlay holds at `width`: the keys, then the notes.
pub fn line_count(width: u16) -> usize {
    key_rows(width) + note_lines(width).len()
}

/// The first line shown when the overlay is scrolled to `top` at `size`: never past the
/// point where the last line reaches the bottom border.
pub fn clamp_top(top: usize, width: u16, height: u16) -> usize {
    let shown = super::layout::help_rows(height);
    top.min(line_count(width).saturating_sub(shown))
}

impl App {
    /// A key while the overlay shows: scroll keys move it, any other key closes it (and q
    /// quits, as everywhere).
    pub(super) fn help_key(&mut self, action: Option<Action>) {
        let page = super::layout::help_rows(self.size.height).max(1) as i64;
        let delta = match action {
            Some(Action::Up) => -1,
            Some(Action::Down) => 1,
            Some(Action::PageUp) => -page,
            Some(Action::PageDown) => page,
            Some(Action::Top) => i64::MIN / 2,
            Some(Action::Bottom) => i64::MAX / 2,
            other => {
                self.help = false;
                self.help_top = 0;
                if other == Some(Action::Quit) {
                    self.request_quit();
                }
                return;
            }
        };
        let top = (self.help_top as i64).saturating_add(delta).max(0) as usize;
        self.help_top = clamp_top(top, self.size.width, self.size.height);
    }
}
