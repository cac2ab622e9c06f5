//! Screen geometry, shared by drawing and mouse hit-testing so they always agree.

use ratatui::layout::{Constraint, Layout, Rect};

pub struct Screen {
    pub title: Rect,
    pub body: Rect,
    pub footer: Rect,
}

pub fn screen(area: Rect) -> Screen {
    let [title, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    Screen {
        title,
        body,
        footer,
    }
}

/// The three panes of the packets view, stacked as in Wireshark.
pub struct Packets {
    pub list: Rect,
    pub details: Rect,
    pub hex: Rect,
}

pub fn packets(area: Rect) -> Packets {
    let body = screen(area).body;
    let [list, details, hex] = Layout::vertical([
        Constraint::Percentage(45),
        Constraint::Percentage(32),
        Constraint::Fill(1),
    ])
    .areas(body);
    Packets { list, details, hex }
}

/// Packet rows the list shows (pane minus its title line and column header).
pub fn list_rows(area: Rect) -> usize {
    usize::from(packets(area).list.height.saturating_sub(2))
}

pub fn details_rows(area: Rect) -> usize {
    usize::from(packets(area).details.height.saturating_sub(1))
}

/// Bytes per hex line: 16 when the screen is wide enough, else 8.
pub fn hex_width(area: Rect) -> usize {
    if area.width >= 76 {
        16
    } else {
        8
    }
}
