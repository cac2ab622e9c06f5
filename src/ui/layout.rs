//! Screen geometry, shared by drawing and mouse hit-testing so they always agree.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::{Pane, PaneSplit};

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

/// The panes as `split` shares the body; a zoomed pane gets all of it and the others
/// an empty rectangle (drawn as nothing, never hit by a click).
pub fn packets(area: Rect, split: &PaneSplit) -> Packets {
    let body = screen(area).body;
    if let Some(zoom) = split.zoom {
        let none = Rect::new(body.x, body.y, 0, 0);
        let pick = |p: Pane| if p == zoom { body } else { none };
        return Packets {
            list: pick(Pane::List),
            details: pick(Pane::Details),
            hex: pick(Pane::Hex),
        };
    }
    let [list, details, hex] = Layout::vertical([
        Constraint::Percentage(split.list),
        Constraint::Percentage(split.details),
        Constraint::Fill(1),
    ])
    .areas(body);
    Packets { list, details, hex }
}

/// Packet rows the list shows (pane minus its title line and column header).
pub fn list_rows(area: Rect, split: &PaneSplit) -> usize {
    usize::from(packets(area, split).list.height.saturating_sub(2))
}

pub fn details_rows(area: Rect, split: &PaneSplit) -> usize {
    usize::from(packets(area, split).details.height.saturating_sub(1))
}

/// Bytes per hex line: 16 when the screen is wide enough, else 8.
pub fn hex_width(area: Rect) -> usize {
    if area.width >= 76 {
        16
    } else {
        8
    }
}
