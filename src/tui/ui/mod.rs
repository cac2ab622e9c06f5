//! Drawing: `impl Widget for &App` lays out the screen and hands each pane to its own
//! module. Drawing only reads the state (and decodes the few packets on screen); it never
//! walks the whole capture.

pub mod conversations;
pub mod details;
pub mod encap;
pub mod expert;
pub mod filterbar;
pub mod fit;
pub mod follow;
pub mod graphs;
pub mod help;
pub mod hex;
pub mod ladder;
pub mod list;
pub mod output;
pub mod quiz;
pub mod stats;
pub mod status;
pub mod teach;
pub mod theme;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Widget};

use crate::tui::app::layout;
use crate::tui::app::{App, Pane, View};

/// The palette this screen is drawn in: the state says only whether colour is wanted.
pub fn palette(app: &App) -> &'static theme::Theme {
    theme::Theme::pick(app.no_color)
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let screen = layout::screen(area);
        status::title(self, screen.title, buf);
        match self.view {
            View::Packets => {
                let panes = layout::packets(area, &self.split);
                // The selected packet's tree feeds both the details and the hex highlight.
                let tree = self.selected_tree();
                let (list_area, explain) = teach::split_list(self, panes.list);
                list::render(self, list_area, buf);
                if let Some(explain) = explain {
                    teach::render_narration(self, explain, buf);
                }
                details::render(self, &tree, panes.details, buf);
                let range = tree.get(self.detail_cursor).and_then(|r| r.range);
                hex::render(self, range, panes.hex, buf);
            }
            View::Ladder => {
                let body = match &self.program_output {
                    Some(lines) => {
                        let (ladder, pane) = layout::ladder_and_output(screen.body);
                        output::render(self, lines, pane, buf);
                        ladder
                    }
                    None => screen.body,
                };
                // `e` explains the selected segment here too, under the ladder.
                let (ladder_area, explain) = teach::split_list(self, body);
                ladder::render(self, ladder_area, buf);
                if let Some(explain) = explain {
                    teach::render_narration(self, explain, buf);
                }
            }
            View::Conversations => conversations::render(self, screen.body, buf),
            View::Follow => follow::render(self, screen.body, buf),
            View::Stats => stats::render(self, screen.body, buf),
            View::Encap => encap::render(self, screen.body, buf),
            View::Diagram => teach::render_diagram_screen(self, buf),
            View::Expert => expert::render(self, screen.body, buf),
            View::IoGraph => graphs::render_io(self, screen.body, buf),
            View::Stevens => graphs::render_stevens(self, screen.body, buf),
        }
        quiz::render(self, area, buf);
        status::footer(self, screen.footer, buf);
        filterbar::render(self, area, buf);
        if self.help {
            help::render(self, area, buf);
        }
        if self.picker.is_some() {
            status::picker(self, area, buf);
        }
    }
}

/// A pane frame: a top rule with the title, highlighted when the pane has focus.
pub(crate) fn pane_block<'a>(
    app: &App,
    title: impl Into<Line<'a>>,
    pane: Option<Pane>,
) -> Block<'a> {
    let focused = pane.is_none_or(|p| app.view == View::Packets && app.focus == p);
    let style: Style = if focused {
        palette(app).border_focus
    } else {
        palette(app).border
    };
    Block::new()
        .borders(Borders::TOP)
        .border_style(style)
        .title(title)
}

/// Cuts `s` to `width` display columns (by chars: the UI draws ASCII and a few arrows).
pub(crate) fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else if width == 0 {
        String::new()
    } else {
        let mut out: String = s.chars().take(width - 1).collect();
        out.push('…');
        out
    }
}

/// Cuts `s` to `width` columns in the middle (`2001:d…::1002`): an address's start says its
/// network and its end the host and port, so a cut one still tells two hosts apart.
pub(crate) fn fit_middle(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        return s.to_string();
    }
    if width < 3 {
        return fit(s, width);
    }
    let head = (width - 1) / 2;
    let tail = width - 1 - head;
    let mut out: String = s.chars().take(head).collect();
    out.push('…');
    out.extend(s.chars().skip(n - tail));
    out
}
