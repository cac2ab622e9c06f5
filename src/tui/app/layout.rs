//! Screen geometry, shared by drawing and mouse hit-testing so they always agree.

use ratatui::layout::{Constraint, Layout, Rect};

/// The panes of the packets view, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    List,
    Details,
    Hex,
}

/// How the packets view shares its height: percentages of the list and details panes
/// (the hex pane takes the rest), or one pane zoomed to the whole body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneSplit {
    pub list: u16,
    pub details: u16,
    pub zoom: Option<Pane>,
}

impl Default for PaneSplit {
    fn default() -> Self {
        PaneSplit {
            list: 45,
            details: 32,
            zoom: None,
        }
    }
}

/// Lines of the help overlay that fit between its borders on a terminal `height` rows tall.
pub fn help_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(2))
}

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

/// The ladder view of `sockeye run`: the ladder, and under it the program's output (a
/// third of the height, between 3 and 10 rows with its rule).
pub fn ladder_and_output(body: Rect) -> (Rect, Rect) {
    let rows = (body.height / 3).clamp(3, 10);
    let [ladder, output] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(rows)]).areas(body);
    (ladder, output)
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

/// Rows the narration pane takes from the bottom of the list pane (0 when hidden): a title
/// and three or four lines of text, but never so many that no packet row is left.
pub fn narration_height(size: Rect, split: &PaneSplit, explain: bool) -> usize {
    if !explain {
        return 0;
    }
    let list = usize::from(packets(size, split).list.height);
    let text = if size.width < 100 { 4 } else { 3 };
    let h = (text + 1).min(list.saturating_sub(3));
    if h < 2 {
        0
    } else {
        h
    }
}

/// The panes of the diagrams screen.
pub struct DiagramPanes {
    pub diagram: Rect,
    /// The details tree, beside the grid when the screen is wide enough for both.
    pub details: Option<Rect>,
    pub hex: Rect,
}

/// Width of a 32-bit grid (`|` + 32 × 2 columns).
const GRID: u16 = 65;

pub fn diagram_panes(size: Rect) -> DiagramPanes {
    let body = screen(size).body;
    let hex_h = (body.height / 4).clamp(2, 6);
    let [main, hex] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(hex_h)]).areas(body);
    if main.width >= GRID + 45 {
        let [diagram, details] =
            Layout::horizontal([Constraint::Length(GRID + 2), Constraint::Fill(1)]).areas(main);
        DiagramPanes {
            diagram,
            details: Some(details),
            hex,
        }
    } else {
        DiagramPanes {
            diagram: main,
            details: None,
            hex,
        }
    }
}

/// Grid lines the diagram pane shows (below its title and the field caption).
pub fn diagram_rows(size: Rect) -> usize {
    usize::from(diagram_panes(size).diagram.height.saturating_sub(2))
}

/// Text lines of the encapsulation view (below its title).
pub fn encap_rows(size: Rect) -> usize {
    usize::from(screen(size).body.height.saturating_sub(1))
}

/// Lines of the Expert Information view (below its title and the column header).
pub fn expert_rows(size: Rect) -> usize {
    usize::from(screen(size).body.height.saturating_sub(2))
}

/// Text lines of the follow view (below its title).
pub fn follow_rows(size: Rect) -> usize {
    usize::from(screen(size).body.height.saturating_sub(1))
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
