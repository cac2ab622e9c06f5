//! The packet list's columns as a Wireshark user works them: a column cursor (`<` `>`),
//! sort by the column under it (`s`, again to reverse; `No.` ascending is capture order),
//! hide (`c`) and show all (`C`), narrow and widen (`{` `}`), and the time format (`t`).
//! The Interface column (`frame.interface_name`: which capture source saw the packet) is
//! shown by default only when the capture has more than one interface: Wireshark has no
//! such column by default, and with one interface every row would say the same thing.
//!
//! A sort is computed once, on the key press (or once when the rows it covered change:
//! indexing finished, a filter applied or finished, a replay rewound), never per frame.
//! Packets that arrive after it join the end of the list in capture order.

use std::cmp::Ordering;
use std::net::IpAddr;
use std::sync::Arc;

use super::App;
use crate::headless::{TimeContext, TimeFormat};
use crate::store::{lock, Store};

/// The list's columns, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    No,
    Time,
    /// The capture source (`frame.interface_name`): which interface, file or remote
    /// producer of a merge saw the packet.
    Interface,
    Source,
    Destination,
    Protocol,
    Length,
    /// The processes owning the conversation's sockets (`sockeye.process`).
    Process,
    Info,
}

/// How many columns the list has.
pub const COLUMNS: usize = 9;

impl Column {
    pub const ALL: [Column; COLUMNS] = [
        Column::No,
        Column::Time,
        Column::Interface,
        Column::Source,
        Column::Destination,
        Column::Protocol,
        Column::Length,
        Column::Process,
        Column::Info,
    ];

    /// The header text.
    pub fn title(self) -> &'static str {
        match self {
            Column::No => "No.",
            Column::Time => "Time",
            Column::Interface => "Interface",
            Column::Source => "Source",
            Column::Destination => "Destination",
            Column::Protocol => "Proto",
            Column::Length => "Len",
            Column::Process => "Process",
            Column::Info => "Info",
        }
    }

    pub(super) fn index(self) -> usize {
        Column::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }
}

/// What the user chose about the columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnState {
    pub cursor: usize,
    pub hidden: [bool; COLUMNS],
    /// Columns the user widened (+) or narrowed (−) from their measured width.
    pub extra: [i16; COLUMNS],
    pub time: TimeFormat,
    /// The Interface column follows the capture (shown with more than one interface)
    /// until the user, or the preferences, say otherwise.
    pub interface_auto: bool,
}

impl Default for ColumnState {
    fn default() -> Self {
        let mut hidden = [false; COLUMNS];
        hidden[Column::Interface.index()] = true;
        ColumnState {
            cursor: 0,
            hidden,
            extra: [0; COLUMNS],
            time: TimeFormat::default(),
            interface_auto: true,
        }
    }
}

impl ColumnState {
    /// The columns a session opens with. Like a Wireshark profile's column list, what is
    /// shown is decided when the session opens and never by the packets as they arrive (a
    /// column appearing mid-capture would shift every other one under the cursor); the
    /// Process column is in the opening set only where packets can name their processes.
    pub fn opening(time: TimeFormat, process: bool) -> Self {
        let mut state = ColumnState {
            time,
            ..Default::default()
        };
        state.hidden[Column::Process.index()] = !process;
        state
    }

    pub fn cursor(&self) -> Column {
        Column::ALL[self.cursor.min(Column::ALL.len() - 1)]
    }

    pub fn shown(&self, c: Column) -> bool {
        !self.hidden[c.index()]
    }

    pub fn extra(&self, c: Column) -> i16 {
        self.extra[c.index()]
    }

    /// Shows the Interface column once the capture has more than one interface, unless
    /// the user chose; returns whether that changed anything.
    pub fn follow_interfaces(&mut self, interfaces: usize) -> bool {
        let slot = &mut self.hidden[Column::Interface.index()];
        let hide = interfaces <= 1;
        if !self.interface_auto || *slot == hide {
            return false;
        }
        *slot = hide;
        true
    }
}

/// The list's rows in a sorted order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowOrder {
    pub column: Column,
    pub descending: bool,
    /// The first `rows.len()` list rows, sorted (packet indices).
    pub rows: Vec<u32>,
    /// Row of each packet in `rows` (by packet index; `u32::MAX` = not among them).
    pos: Vec<u32>,
    /// Sorted when the row set was final (indexing and filtering done): no re-sort due.
    complete: bool,
}

impl RowOrder {
    pub fn row_of(&self, p: usize) -> Option<usize> {
        self.pos
            .get(p)
            .filter(|&&r| r != u32::MAX)
            .map(|&r| r as usize)
    }

    /// `▲`/`▼` after the sorted column's title.
    pub fn arrow(&self) -> &'static str {
        if self.descending {
            "▼"
        } else {
            "▲"
        }
    }
}

/// A sort key: numbers compare as numbers, addresses by family then value, text as text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Num(i64),
    Addr(u8, u128),
    Text(String),
}

fn addr_key(text: String) -> Key {
    match text.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => Key::Addr(4, u128::from(u32::from(a))),
        Ok(IpAddr::V6(a)) => Key::Addr(6, u128::from(a)),
        Err(_) => Key::Text(text),
    }
}

impl App {
    /// The times the time formats need for packet `p`.
    pub fn time_context(&self, store: &Store, p: usize) -> TimeContext {
        TimeContext {
            first: store.first_ts(),
            prev_captured: p
                .checked_sub(1)
                .and_then(|q| store.entry(q))
                .map(|e| e.ts_ns),
            prev_displayed: self
                .prev_displayed(p)
                .and_then(|q| store.entry(q))
                .map(|e| e.ts_ns),
        }
    }

    /// The Time column's text for packet `p`.
    pub fn time_text(&self, store: &Store, p: usize) -> String {
        let ts = store.entry(p).map_or(0, |e| e.ts_ns);
        self.columns.time.format(ts, &self.time_context(store, p))
    }

    pub(super) fn move_column_cursor(&mut self, delta: i64) {
        let n = Column::ALL.len() as i64;
        let mut at = self.columns.cursor as i64;
        // Hidden columns are skipped; with all hidden the cursor stays.
        for _ in 0..n {
            at = (at + delta).rem_euclid(n);
            if !self.columns.hidden[at as usize] {
                break;
            }
        }
        self.columns.cursor = at as usize;
        self.message = Some(format!(
            "column {} — s sort, c hide, C show all, {{ }} narrower/wider",
            self.columns.cursor().title()
        ));
    }

    pub(super) fn hide_column(&mut self) {
        let c = self.columns.cursor();
        let shown = Column::ALL
            .iter()
            .filter(|c| self.columns.shown(**c))
            .count();
        if shown <= 1 {
            self.message = Some("the last column stays".into());
            return;
        }
        self.columns.hidden[c.index()] = true;
        if c == Column::Interface {
            self.columns.interface_auto = false;
        }
        self.move_column_cursor(1);
        self.message = Some(format!("{} hidden (C shows every column)", c.title()));
    }

    pub(super) fn show_all_columns(&mut self) {
        self.columns.hidden = [false; COLUMNS];
        self.columns.extra = [0; COLUMNS];
        self.columns.interface_auto = false;
        self.message = Some("every column shown at its measured width".into());
    }

    pub(super) fn resize_column(&mut self, delta: i16) {
        let c = self.columns.cursor();
        let e = &mut self.columns.extra[c.index()];
        *e = e.saturating_add(delta).clamp(-60, 200);
        let what = if delta < 0 { "narrower" } else { "wider" };
        self.message = Some(format!("{} {what}", c.title()));
    }

    pub(super) fn next_time_format(&mut self) {
        self.columns.time = self.columns.time.next();
        self.message = Some(format!(
            "Time: {} (-t {})",
            self.columns.time.describe(),
            self.columns.time.tshark_name()
        ));
        // A sort by a delta time depends on the format.
        if self
            .order
            .as_ref()
            .is_some_and(|o| o.column == Column::Time)
        {
            self.resort();
        }
    }

    /// `s`: sort by the cursor's column; again reverses; `No.` ascending = capture order.
    pub(super) fn sort_by_cursor(&mut self) {
        let column = self.columns.cursor();
        let descending = match &self.order {
            Some(o) if o.column == column => !o.descending,
            _ => column == Column::No,
        };
        if column == Column::No && !descending {
            self.order = None;
            self.message = Some("capture order".into());
        } else {
            self.sort_rows(column, descending);
            let dir = if descending {
                "descending"
            } else {
                "ascending"
            };
            self.message = Some(format!("sorted by {} ({dir})", column.title()));
        }
        self.list_top = 0;
        self.ensure_visible();
    }

    /// Forgets sorted rows a bounded live store evicted (no re-sort: the order of the rest
    /// stands).
    pub(super) fn drop_evicted_from_order(&mut self) {
        let first = self.evicted;
        let Some(o) = &mut self.order else {
            return;
        };
        if !o.rows.iter().any(|&p| (p as usize) < first) {
            return;
        }
        o.rows.retain(|&p| p as usize >= first);
        o.pos.iter_mut().for_each(|r| *r = u32::MAX);
        for (r, &p) in o.rows.iter().enumerate() {
            if let Some(slot) = o.pos.get_mut(p as usize) {
                *slot = r as u32;
            }
        }
    }

    /// Sorts again by the same column (the rows it covers changed).
    pub(super) fn resort(&mut self) {
        if let Some(o) = &self.order {
            let (column, descending) = (o.column, o.descending);
            self.sort_rows(column, descending);
        }
    }

    /// Whether a sort should be redone now: it was made before the rows were final and
    /// they are now, or the rows it covers shrank (a rewound replay, evicted packets).
    pub(super) fn resort_due(&self) -> bool {
        let Some(o) = &self.order else {
            return false;
        };
        let n = self.base_row_count();
        if n < o.rows.len() {
            return true;
        }
        let done = lock(&self.store).done && !self.filter_pending();
        !o.complete && done
    }

    fn sort_rows(&mut self, column: Column, descending: bool) {
        let n = self.base_row_count();
        let packets: Vec<u32> = (0..n)
            .filter_map(|r| self.base_row_packet(r))
            .map(|p| p as u32)
            .collect();
        let store = Arc::clone(&self.store);
        let store = lock(&store);
        let mut keyed: Vec<(Key, u32)> = packets
            .iter()
            .map(|&p| (self.sort_key(&store, column, p as usize), p))
            .collect();
        let complete = store.done && !self.filter_pending();
        drop(store);
        // Ties keep capture order in both directions.
        keyed.sort_by(|a, b| {
            let by_key = if descending {
                b.0.cmp(&a.0)
            } else {
                a.0.cmp(&b.0)
            };
            match by_key {
                Ordering::Equal => a.1.cmp(&b.1),
                other => other,
            }
        });
        let rows: Vec<u32> = keyed.into_iter().map(|(_, p)| p).collect();
        let len = rows.iter().max().map_or(0, |&m| m as usize + 1);
        let mut pos = vec![u32::MAX; len];
        for (r, &p) in rows.iter().enumerate() {
            if let Some(slot) = pos.get_mut(p as usize) {
                *slot = r as u32;
            }
        }
        self.order = Some(RowOrder {
            column,
            descending,
            rows,
            pos,
            complete,
        });
    }

    fn sort_key(&self, store: &Store, column: Column, p: usize) -> Key {
        let entry = store.entry(p);
        match column {
            Column::No => Key::Num(p as i64),
            Column::Length => Key::Num(entry.map_or(0, |e| i64::from(e.orig_len))),
            Column::Time => {
                let ts = entry.map_or(0, |e| e.ts_ns);
                Key::Num(self.columns.time.sort_key(ts, &self.time_context(store, p)))
            }
            Column::Interface
            | Column::Source
            | Column::Destination
            | Column::Protocol
            | Column::Process
            | Column::Info => {
                let Some(d) = store.dissect(p) else {
                    return Key::Text(String::new());
                };
                match column {
                    Column::Interface => Key::Text(interface_text(&d.info)),
                    Column::Source => addr_key(super::row::addresses(&d.packet).0),
                    Column::Destination => addr_key(super::row::addresses(&d.packet).1),
                    Column::Process => Key::Text(super::row::process(&d)),
                    // Sorted by what the column shows (tshark's texts, see `row`).
                    Column::Protocol => Key::Text(super::row::row(&d).protocol),
                    _ => Key::Text(super::row::row(&d).info),
                }
            }
        }
    }
}

/// The Interface column's text: the interface's name (`frame.interface_name`), else its id
/// (`frame.interface_id`), as a capture whose interfaces have no names still tells them
/// apart.
pub fn interface_text(info: &crate::decode::FrameInfo) -> String {
    match &info.interface_name {
        Some(name) => name.to_string(),
        None => format!("#{}", info.interface),
    }
}
