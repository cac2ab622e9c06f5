//! The display filter of the packet list (`/` then Enter): which packets stay visible.
//!
//! The index of matching packets is built incrementally in [`App::tick`], a time-boxed
//! slice per tick, so a million-packet capture keeps drawing (with a progress figure)
//! while the filter runs; live packets are examined as they arrive.

use std::time::{Duration, Instant};

use super::{App, Predicate};
use crate::filter::{Filter, FilterSyntaxError};
use crate::store::Store;

/// How long one tick may spend evaluating the filter: well under a frame at the loop's
/// 40 ms busy cadence, so keys stay responsive.
const SLICE: Duration = Duration::from_millis(20);

/// What the search bar's text means, worked out as the user types.
#[derive(Debug, Clone)]
pub enum BarText {
    /// Nothing typed yet.
    Empty,
    /// A display filter that parses.
    Filter(Filter),
    /// Plain words that are not a filter: a case-insensitive text search of the rows.
    Text(String),
    /// Neither: the filter error, with its column, for the red bar and its caret.
    Invalid(FilterSyntaxError),
}

/// Characters only a filter expression uses: text containing one of them is meant as a
/// filter, so a parse error is shown rather than silently searching for the words.
const OPERATOR_CHARS: &[char] = &[
    '=', '!', '<', '>', '&', '|', '~', '(', ')', '[', ']', '{', '}', '"',
];

/// Words that only make sense as filter operators.
const OPERATOR_WORDS: &[&str] = &[
    "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "contains", "matches", "in",
];

impl BarText {
    pub fn classify(text: &str) -> BarText {
        let text = text.trim();
        if text.is_empty() {
            return BarText::Empty;
        }
        match Filter::parse(text) {
            Ok(f) => BarText::Filter(f),
            Err(err) if is_plain_words(text) => {
                let _ = err;
                BarText::Text(text.to_string())
            }
            Err(err) => BarText::Invalid(err),
        }
    }
}

fn is_plain_words(text: &str) -> bool {
    !text.contains(OPERATOR_CHARS)
        && !text
            .split_whitespace()
            .any(|w| OPERATOR_WORDS.contains(&w.to_ascii_lowercase().as_str()))
}

/// An applied display filter and the index of the packets it keeps.
pub struct FilterView {
    /// The expression as typed (status line, list title).
    pub text: String,
    predicate: Predicate,
    /// Matching packets (absolute store indices), ascending.
    pub rows: Vec<u32>,
    /// Packets `0..scanned` have been evaluated.
    pub scanned: usize,
    /// The packet selected when the filter was applied: once the scan passes it, the
    /// selection moves to it or to the nearest following match.
    pub anchor: Option<usize>,
    /// Filter rows already counted in the statistics.
    pub stats_rows: usize,
}

impl FilterView {
    pub fn new(filter: Filter, anchor: usize) -> FilterView {
        let text = filter.text().to_string();
        FilterView::with_predicate(text, Box::new(move |d| filter.matches(d)), anchor)
    }

    pub fn with_predicate(text: String, predicate: Predicate, anchor: usize) -> FilterView {
        FilterView {
            text,
            predicate,
            rows: Vec::new(),
            scanned: 0,
            anchor: Some(anchor),
            stats_rows: 0,
        }
    }

    /// Evaluates the filter on the next packets for at most `budget`. Returns whether any
    /// packet was examined.
    pub fn scan(&mut self, store: &Store, budget: Duration) -> bool {
        let start = self.scanned.max(store.first_kept());
        let end = store.len();
        if start >= end {
            self.scanned = self.scanned.max(end);
            return false;
        }
        let clock = Instant::now();
        let mut i = start;
        while i < end {
            if let Some(d) = store.dissect(i) {
                if (self.predicate)(&d) {
                    self.rows.push(i as u32);
                }
            }
            i += 1;
            // Reading the clock costs more than a fast-path match: look every 256 packets.
            if i % 256 == 0 && clock.elapsed() >= budget {
                break;
            }
        }
        self.scanned = i;
        true
    }

    /// Whether packet `i` is kept (only meaningful below `scanned`).
    pub fn contains(&self, i: usize) -> bool {
        self.rows.binary_search(&(i as u32)).is_ok()
    }

    /// Forgets matches that the store evicted.
    pub fn drop_before(&mut self, first: usize) {
        let cut = self.rows.partition_point(|&r| (r as usize) < first);
        if cut > 0 {
            self.rows.drain(..cut);
            self.stats_rows = self.stats_rows.saturating_sub(cut);
        }
    }
}

impl App {
    /// Applies the search bar's text on Enter: a filter hides the other rows, plain words
    /// become a text search, an invalid filter keeps the bar open with its error.
    pub(super) fn apply_bar(&mut self, text: &str) -> bool {
        match BarText::classify(text) {
            BarText::Empty => {
                self.search = None;
                self.clear_filter();
                true
            }
            BarText::Filter(f) => {
                self.search = None;
                self.analyst.remember(text);
                self.set_filter(f);
                true
            }
            BarText::Text(words) => {
                let needle = words.to_lowercase();
                self.set_search(
                    format!("text \"{words}\""),
                    Box::new(move |d| super::row::row(d).text().to_lowercase().contains(&needle)),
                );
                self.handle(super::Action::NextMatch);
                true
            }
            BarText::Invalid(_) => false,
        }
    }

    /// Applies a filter from code (tests, a future `-Y` for the UI).
    pub fn set_filter(&mut self, filter: Filter) {
        self.filter = Some(self.filter_view(filter));
        self.refilter();
    }

    pub fn clear_filter(&mut self) {
        if self.filter.take().is_some() {
            self.refilter();
        }
    }

    /// The statistics and ladder are of the filtered set: start them again.
    fn refilter(&mut self) {
        self.stats = Default::default();
        self.stream = Default::default();
        self.list_top = 0;
        self.tick(self.now);
    }

    /// Whether the filter still has packets to examine (the loop keeps ticking quickly).
    pub fn filter_pending(&self) -> bool {
        self.filter
            .as_ref()
            .is_some_and(|f| f.scanned < self.available || f.anchor.is_some())
    }

    /// Progress of the filter over the packets indexed so far, in percent.
    pub fn filter_progress(&self) -> Option<usize> {
        let f = self.filter.as_ref()?;
        (f.scanned < self.available).then(|| f.scanned * 100 / self.available.max(1))
    }

    /// One time-boxed slice of filtering, then the selection anchor is resolved if the scan
    /// has passed it. Called from `tick` with the store unlocked.
    pub(super) fn tick_filter(&mut self) -> bool {
        let Some(f) = &mut self.filter else {
            return false;
        };
        let store = std::sync::Arc::clone(&self.store);
        let store = crate::store::lock(&store);
        f.drop_before(store.first_kept());
        let moved = f.scan(&store, SLICE);
        drop(store);
        let Some(anchor) = f.anchor else {
            return moved;
        };
        let following = f.rows.partition_point(|&r| (r as usize) < anchor);
        if let Some(&r) = f.rows.get(following) {
            self.selected = r as usize;
            f.anchor = None;
        } else if f.scanned >= self.available {
            // Nothing matches at or after the old selection: the last match is nearest.
            if let Some(&r) = f.rows.last() {
                self.selected = r as usize;
            }
            f.anchor = None;
        }
        if f.anchor.is_none() {
            self.ensure_visible();
        }
        true
    }
}
