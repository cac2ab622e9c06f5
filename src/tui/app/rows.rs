//! The packet list's rows: which packets the list shows, in order. Without a filter they
//! are the visible packets still in the store; with one, the matching packets among them.
//! `App::selected` stays a packet index (the details, hex and ladder read it), and the
//! list's scrolling (`list_top`) counts rows. A sort ([`super::columns`]) reorders the
//! rows it covers; the "base" functions give capture order.

use super::App;
use crate::store::{Entry, Store};

impl App {
    /// The first packet the list can show (older ones were evicted from a live store).
    fn first_row_packet(&self) -> usize {
        self.evicted.min(self.visible)
    }

    /// The filter's matches that are visible now.
    fn filtered(&self) -> Option<&[u32]> {
        let f = self.filter.as_ref()?;
        let end = f.rows.partition_point(|&r| (r as usize) < self.visible);
        Some(&f.rows[..end])
    }

    /// Number of rows in the list.
    pub fn row_count(&self) -> usize {
        self.base_row_count()
    }

    pub(super) fn base_row_count(&self) -> usize {
        match self.filtered() {
            Some(rows) => rows.len(),
            None => self.visible - self.first_row_packet(),
        }
    }

    /// The packet shown on row `r`.
    pub fn row_packet(&self, r: usize) -> Option<usize> {
        match &self.order {
            Some(o) if r < o.rows.len() => o.rows.get(r).map(|&p| p as usize),
            // Rows that arrived after the sort follow it in capture order.
            _ => self.base_row_packet(r),
        }
    }

    /// The packet on row `r` in capture order.
    pub(super) fn base_row_packet(&self, r: usize) -> Option<usize> {
        match self.filtered() {
            Some(rows) => rows.get(r).map(|&p| p as usize),
            None => {
                let p = self.first_row_packet() + r;
                (p < self.visible).then_some(p)
            }
        }
    }

    /// The row of packet `p`, or of the first row after it when `p` is not shown.
    pub fn row_at_or_after(&self, p: usize) -> usize {
        let base = self.base_row_at_or_after(p);
        match &self.order {
            Some(o) => o.row_of(p).unwrap_or_else(|| {
                if base < o.rows.len() {
                    self.base_row_packet(base)
                        .and_then(|q| o.row_of(q))
                        .unwrap_or(base)
                } else {
                    base
                }
            }),
            None => base,
        }
    }

    fn base_row_at_or_after(&self, p: usize) -> usize {
        match self.filtered() {
            Some(rows) => rows.partition_point(|&r| (r as usize) < p),
            None => p.saturating_sub(self.first_row_packet()),
        }
    }

    /// The displayed packet before `p` in capture order (the `dd` time format's base).
    pub fn prev_displayed(&self, p: usize) -> Option<usize> {
        match self.filtered() {
            Some(rows) => {
                let at = rows.partition_point(|&r| (r as usize) < p);
                at.checked_sub(1)
                    .and_then(|i| rows.get(i))
                    .map(|&q| q as usize)
            }
            None => p.checked_sub(1).filter(|&q| q >= self.first_row_packet()),
        }
    }

    /// Whether packet `p` is one of the list's rows.
    pub fn is_row(&self, p: usize) -> bool {
        match self.filtered() {
            Some(rows) => rows.binary_search(&(p as u32)).is_ok(),
            None => p >= self.first_row_packet() && p < self.visible,
        }
    }

    /// Moves the list selection by `delta` rows, clamped.
    pub(super) fn step_rows(&mut self, delta: i64) {
        let n = self.row_count();
        if n == 0 {
            return;
        }
        let at = self.row_at_or_after(self.selected).min(n - 1) as i64;
        let r = at.saturating_add(delta).clamp(0, n as i64 - 1) as usize;
        if let Some(p) = self.row_packet(r) {
            self.selected = p;
        }
    }

    /// After new packets arrive: follow the tail, or pull a selection that fell off the
    /// list (evicted, or beyond a rewound replay) back onto it.
    pub(super) fn settle_selection(&mut self) {
        let n = self.row_count();
        let off_list = self.selected >= self.visible || self.selected < self.first_row_packet();
        if n > 0 && (self.follow_tail || off_list) {
            let r = if self.follow_tail || self.selected >= self.visible {
                n - 1
            } else {
                0
            };
            if let Some(p) = self.row_packet(r) {
                self.selected = p;
            }
        } else if n == 0 && self.filter.is_none() {
            self.selected = self.visible.saturating_sub(1);
        }
    }

    /// Brings the statistics up to the visible packets (only the filter's matches when a
    /// filter is applied), looking at new entries only.
    pub(super) fn update_stats(&mut self, store: &Store) {
        let visible = self.visible;
        match &mut self.filter {
            None => {
                if visible < self.stats.seen {
                    self.stats = Default::default();
                }
                let from = self.stats.seen.max(store.first_kept());
                if visible > from {
                    self.stats.seen = from;
                    let replaying = self.replay.mode != super::replay::Mode::Off;
                    self.stats
                        .extend(store.entries_range(from..visible), replaying);
                }
            }
            Some(f) => {
                let end = f.rows.partition_point(|&r| (r as usize) < visible);
                if end < f.stats_rows {
                    self.stats = Default::default();
                    f.stats_rows = 0;
                }
                let new: Vec<Entry> = f.rows[f.stats_rows..end]
                    .iter()
                    .filter_map(|&i| store.entry(i as usize).copied())
                    .collect();
                self.stats.extend(&new, true);
                f.stats_rows = end;
            }
        }
    }
}
