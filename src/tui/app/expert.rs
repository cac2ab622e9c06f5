//! The Expert Information view (Wireshark's Analyze → Expert Information): the expert
//! items of the visible packets grouped by severity, then by message, by the same
//! [`ExpertTable`] that `-z expert` prints; each message opens to its packets, and Enter on
//! one jumps to it in the packet list (`b` comes back here).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Action, App, View};
use crate::stats::expert::{ExpertTable, Severity};
use crate::store::lock;

/// Time spent counting per tick while the table catches up (as the filter's scan), so
/// opening the view on a big capture never freezes the screen; the title says how far
/// it got.
const SLICE: Duration = Duration::from_millis(20);

/// One line of the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpertRow {
    /// `Warning (4)`: a severity and how many items it has.
    Severity(Severity),
    /// One message: index into the severity's groups.
    Group(Severity, usize),
    /// One packet of a message: the group and the frame number.
    Packet(Severity, usize, u64),
}

#[derive(Debug, Clone, Default)]
pub struct ExpertState {
    pub table: ExpertTable,
    /// Packets counted so far (a prefix of the visible ones).
    pub seen: usize,
    /// Severities whose messages are hidden.
    pub closed: HashSet<Severity>,
    /// Messages opened to their packets.
    pub open: HashSet<(Severity, usize)>,
    pub cursor: usize,
    pub top: usize,
}

impl ExpertState {
    /// The lines the view shows, top to bottom.
    pub fn rows(&self) -> Vec<ExpertRow> {
        let mut rows = Vec::new();
        for severity in Severity::DESCENDING {
            let groups = self.table.groups(severity);
            if groups.is_empty() {
                continue;
            }
            rows.push(ExpertRow::Severity(severity));
            if self.closed.contains(&severity) {
                continue;
            }
            for (i, group) in groups.iter().enumerate() {
                rows.push(ExpertRow::Group(severity, i));
                if self.open.contains(&(severity, i)) {
                    rows.extend(
                        group
                            .frames
                            .iter()
                            .map(|&frame| ExpertRow::Packet(severity, i, frame)),
                    );
                }
            }
        }
        rows
    }

    /// Opens or closes the severity or message at `row`; on a packet, closes its message.
    /// Returns the row the cursor belongs on afterwards.
    fn toggle(&mut self, row: ExpertRow, open: Option<bool>) -> ExpertRow {
        match row {
            ExpertRow::Severity(s) => {
                let closed = self.closed.contains(&s);
                if open.unwrap_or(closed) {
                    self.closed.remove(&s);
                } else {
                    self.closed.insert(s);
                }
                row
            }
            ExpertRow::Group(s, g) => {
                let is_open = self.open.contains(&(s, g));
                if open.unwrap_or(!is_open) {
                    self.open.insert((s, g));
                } else {
                    self.open.remove(&(s, g));
                }
                row
            }
            ExpertRow::Packet(s, g, _) => {
                self.open.remove(&(s, g));
                ExpertRow::Group(s, g)
            }
        }
    }
}

impl App {
    /// Counts the expert items of the packets shown since the last call, for one
    /// [`SLICE`] of time; starts over when fewer packets show than were counted (a replay
    /// restarted). Only while the view shows: nobody else reads the table.
    pub fn sync_expert(&mut self) {
        if self.view != View::Expert {
            return;
        }
        if self.visible < self.expert.seen {
            self.expert = ExpertState::default();
        }
        let store = Arc::clone(&self.store);
        let store = lock(&store);
        let started = Instant::now();
        let mut at = self.expert.seen.max(store.first_kept());
        while at < self.visible {
            if let Some(d) = store.dissect(at) {
                self.expert.table.observe(&d);
            }
            at += 1;
            if at % 64 == 0 && started.elapsed() >= SLICE {
                break;
            }
        }
        self.expert.seen = at.max(self.expert.seen);
    }

    /// Whether the view shows and its table still has packets to count (the run loop
    /// then ticks quickly).
    pub fn expert_counting(&self) -> bool {
        self.view == View::Expert && self.expert.seen < self.visible
    }
}

/// Handles `action` in the Expert Information view; returns whether it did.
pub(super) fn handle(app: &mut App, action: Action) -> bool {
    if action == Action::Show(View::Expert) {
        app.view = View::Expert;
        app.sync_expert();
        return true;
    }
    if app.view != View::Expert {
        return false;
    }
    let rows = app.expert.rows();
    let page = crate::tui::app::layout::expert_rows(app.size).max(1) as i64;
    let cursor = app.expert.cursor.min(rows.len().saturating_sub(1));
    let moved = |delta: i64| {
        (cursor as i64)
            .saturating_add(delta)
            .clamp(0, rows.len().saturating_sub(1) as i64) as usize
    };
    match action {
        Action::Down => app.expert.cursor = moved(1),
        Action::Up => app.expert.cursor = moved(-1),
        Action::PageDown => app.expert.cursor = moved(page),
        Action::PageUp => app.expert.cursor = moved(-page),
        Action::Top => app.expert.cursor = 0,
        Action::Bottom => app.expert.cursor = moved(i64::MAX / 2),
        Action::Activate | Action::Expand | Action::Collapse => {
            let Some(&row) = rows.get(cursor) else {
                return true;
            };
            if let (Action::Activate, ExpertRow::Packet(_, _, frame)) = (action, row) {
                app.expert.cursor = cursor;
                app.jump_to_frame(frame);
                return true;
            }
            let open = match action {
                Action::Expand => Some(true),
                Action::Collapse => Some(false),
                _ => None,
            };
            let keep = app.expert.toggle(row, open);
            app.expert.cursor = app
                .expert
                .rows()
                .iter()
                .position(|r| *r == keep)
                .unwrap_or(0);
        }
        _ => return false,
    }
    let shown = crate::tui::app::layout::expert_rows(app.size).max(1);
    let e = &mut app.expert;
    if e.cursor < e.top {
        e.top = e.cursor;
    } else if e.cursor >= e.top + shown {
        e.top = e.cursor + 1 - shown;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::expert::{ExpertItem, Group};

    fn state() -> ExpertState {
        let item = |severity, summary: &str| ExpertItem {
            severity,
            group: Group::Sequence,
            protocol: "TCP",
            summary: summary.into(),
        };
        let mut s = ExpertState::default();
        s.table.add(1, vec![item(Severity::Chat, "SYN")]);
        s.table.add(2, vec![item(Severity::Warn, "RST")]);
        s.table.add(3, vec![item(Severity::Chat, "SYN")]);
        s
    }

    #[test]
    fn rows_open_and_close() {
        use ExpertRow as R;
        let mut s = state();
        let (warn, chat) = (Severity::Warn, Severity::Chat);
        assert_eq!(
            s.rows(),
            vec![
                R::Severity(warn),
                R::Group(warn, 0),
                R::Severity(chat),
                R::Group(chat, 0)
            ]
        );
        s.toggle(R::Group(chat, 0), None);
        assert_eq!(
            s.rows()[3..],
            [
                R::Group(chat, 0),
                R::Packet(chat, 0, 1),
                R::Packet(chat, 0, 3)
            ]
        );
        assert_eq!(s.toggle(R::Packet(chat, 0, 3), None), R::Group(chat, 0));
        s.toggle(R::Severity(warn), None);
        assert_eq!(
            s.rows(),
            vec![R::Severity(warn), R::Severity(chat), R::Group(chat, 0)]
        );
    }
}
