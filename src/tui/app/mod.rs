//! UI state and everything that changes it: [`Action`]s (from the keymap, the mouse or a
//! test) in, state out. Nothing here touches a terminal, so the whole state machine is
//! tested with plain function calls; drawing (`crate::tui::ui`) only reads this state.

pub mod analyst;
mod bar;
pub mod colouring;
pub mod columns;
pub mod convs;
mod copy;
pub mod expert;
pub mod filter;
pub mod follow;
pub mod help;
mod input;
pub mod io_graph;
pub mod keymap;
pub mod ladder;
pub mod layout;
mod links;
mod marks;
mod nav;
mod point;
mod prefs;
pub mod privacy;
pub mod quit;
pub mod quiz;
pub mod replay;
pub mod row;
mod rows;
mod save;
mod selection;
pub mod stats;
pub mod stevens;
pub mod teach;
pub mod tree;
pub mod vantage_ladder;

pub use keymap::{Action, View, KEYMAP};
pub use quit::group;

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::Duration;

use ratatui::layout::Rect;

use crate::dissect::Dissection;
use crate::endpoints::events::SocketEvent;
use crate::field::FieldId;
use crate::store::{lock, SharedStore};
pub use crate::tui::app::layout::{Pane, PaneSplit};

/// A predicate over packets: the text search today, the display-filter engine later.
pub type Predicate = Box<dyn Fn(&Dissection<'_>) -> bool + Send>;

/// What a prompt line is asking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Search,
    Goto,
    Save,
    /// Export displayed / marked / a range of packets.
    Export,
    /// `/` in the follow view: text to find in the stream.
    FollowFind,
    /// `w` in the follow view: where to save the shown text.
    FollowSave,
    /// A line of the IO graph: a display filter (or tshark's `SUM(field)filter`).
    GraphLine,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
}

/// The active search: its label (shown in the status line) and predicate.
pub struct Search {
    pub label: String,
    pub matches: Predicate,
}

/// Things the run loop must do outside the pure state (they need the outside world).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    OpenInterface(String),
    /// Put this text on the user's clipboard (OSC 52, written by the run loop).
    Copy(String),
}

/// Live capture controls the app may use (shared with the capture threads).
#[derive(Clone)]
pub struct LiveLink {
    pub paused: Arc<std::sync::atomic::AtomicBool>,
    pub channel_dropped: Arc<std::sync::atomic::AtomicU64>,
    pub source_stats: Arc<std::sync::Mutex<crate::source::SourceStats>>,
    /// Every packet is also written to a file (`-w` with the UI): nothing is unsaved.
    pub recording: bool,
}

/// Opening options.
#[derive(Default)]
pub struct AppOptions {
    /// File name or interface, for the title bar.
    pub title: String,
    pub live: Option<LiveLink>,
    /// Interfaces the picker offers.
    pub interfaces: Vec<String>,
    pub no_color: bool,
    pub events: Option<Receiver<SocketEvent>>,
    /// `-t`: the Time column's format.
    pub time_format: Option<crate::headless::TimeFormat>,
    /// A line someone else keeps current (the demo: which scenario runs, what to watch).
    pub note: Option<Arc<std::sync::Mutex<String>>>,
    /// Preferences to open with (columns, time format, theme) and to save with `W`.
    pub prefs: Option<crate::prefs::Loaded>,
    /// `sockeye run`: the traced program's output, shown under the ladder.
    pub program_output: Option<crate::trace::output::ProgramOutput>,
    /// The session names the processes owning its conversations (live capture on this
    /// machine, `sockeye run`, a file sockeye wrote them into): the Process column shows
    /// unless the preferences hide it.
    pub process_column: bool,
    /// Open on the two-vantage ladder at the first segment seen at both ends of a link
    /// (`lab run --capture both`), as soon as the store has paired it.
    pub open_first_crossing: bool,
}

/// Most recent socket calls kept for display.
const MAX_EVENTS: usize = 1000;

pub struct App {
    pub store: SharedStore,
    pub title: String,
    pub live: Option<LiveLink>,
    /// Monochrome drawing (NO_COLOR or --no-color); drawing picks its palette from this.
    pub no_color: bool,
    pub view: View,
    pub focus: Pane,
    /// Terminal size, for page sizes and mouse hit-testing.
    pub size: Rect,
    /// Packets visible now (indexed, and revealed by the replay).
    pub visible: usize,
    pub selected: usize,
    pub list_top: usize,
    /// Keep the last packet selected as packets arrive (until the user scrolls away).
    pub follow_tail: bool,
    pub collapsed: HashSet<FieldId>,
    pub detail_cursor: usize,
    pub detail_top: usize,
    pub hex_top: usize,
    pub conv_cursor: usize,
    /// The follow view: the stream, its mode, scroll, wrap and search.
    pub follow: Option<follow::FollowView>,
    pub search: Option<Search>,
    /// The applied display filter (rows it hides are not in the list).
    pub filter: Option<filter::FilterView>,
    /// Packets evicted from a bounded live store (the list starts after them).
    pub evicted: usize,
    /// Packets in the store (indexed so far), as of the last tick.
    pub available: usize,
    /// Quit asked while live packets are unsaved: the count, waiting for w / q / Esc.
    pub confirm_quit: Option<u64>,
    /// Live packets `0..saved_upto` are in a file (a `w` save of all, or `-w` recording).
    pub saved_upto: usize,
    /// Quit once the save the quit prompt asked for succeeds.
    pub quit_after_save: bool,
    pub prompt: Option<Prompt>,
    pub message: Option<String>,
    pub help: bool,
    /// The first line of the help overlay shown (it scrolls on small terminals).
    pub help_top: usize,
    pub picker: Option<(Vec<String>, usize)>,
    pub interfaces: Vec<String>,
    pub replay: replay::Replay,
    /// Packets of the selected packet's TCP stream while the ladder shows.
    pub stream: crate::store::StreamPackets,
    pub stats: stats::Stats,
    pub teach: teach::TeachState,
    pub events: Vec<SocketEvent>,
    events_rx: Option<Receiver<SocketEvent>>,
    pub effects: Vec<Effect>,
    pub quit: bool,
    /// Monotonic time of the last tick, for actions that anchor the replay clock.
    pub now: Duration,
    /// Column cursor, hidden/resized columns, time format.
    pub columns: columns::ColumnState,
    /// The Process column shows by default in this session (see
    /// [`AppOptions::process_column`]).
    pub process_by_default: bool,
    /// The list's sort, when it is not capture order.
    pub order: Option<columns::RowOrder>,
    pub split: PaneSplit,
    pub note: Option<Arc<std::sync::Mutex<String>>>,
    /// Quiz mode: the open question and the session's score.
    pub quiz: quiz::QuizState,
    /// Privacy mode (`A`): the real store kept aside while an anonymised copy shows.
    pub privacy: privacy::PrivacyState,
    /// The session's preferences and their file; `W` writes the UI's choices there.
    pub prefs: Option<crate::prefs::Loaded>,
    /// `R`: the list names MAC vendors, ports and hosts (from the capture's DNS answers).
    pub resolve_names: bool,
    /// `sockeye run`: the traced program's output, shown under the ladder.
    pub program_output: Option<crate::trace::output::ProgramOutput>,
    /// Marks, filter history, jump-back stack, completions.
    pub analyst: analyst::Analyst,
    /// The Expert Information view: the grouped items and what is open.
    pub expert: expert::ExpertState,
    /// The IO graph's lines, interval and counts (kept while other views show).
    pub io_graph: io_graph::IoGraph,
    /// The TCP stream graph of the stream picked last.
    pub stevens: Option<stevens::Stevens>,
    /// Still waiting to open on the first crossing (see [`AppOptions::open_first_crossing`]);
    /// the user's first key ends the wait.
    pub opening_crossing: bool,
}

impl App {
    /// `R` (and the saved preference): names in the packet list and in the details tree,
    /// whose packets the store dissects with the names it learned.
    pub fn set_resolve_names(&mut self, on: bool) {
        self.resolve_names = on;
        lock(&self.store).resolve = if on {
            crate::names::Resolve::ALL
        } else {
            crate::names::Resolve::default()
        };
    }

    pub fn new(store: SharedStore, opts: AppOptions) -> Self {
        let live = opts.live.is_some();
        let mut app = App {
            store,
            title: opts.title,
            live: opts.live,
            no_color: opts.no_color,
            view: View::Packets,
            focus: Pane::List,
            size: Rect::new(0, 0, 80, 24),
            visible: 0,
            selected: 0,
            list_top: 0,
            follow_tail: live,
            // Like Wireshark's habit of reading from the network layer down: the frame and
            // link layers start collapsed.
            collapsed: [FieldId::Frame, FieldId::Eth, FieldId::Sll, FieldId::Null]
                .into_iter()
                .collect(),
            detail_cursor: 0,
            detail_top: 0,
            hex_top: 0,
            conv_cursor: 0,
            follow: None,
            search: None,
            filter: None,
            evicted: 0,
            available: 0,
            confirm_quit: None,
            saved_upto: 0,
            quit_after_save: false,
            prompt: None,
            message: None,
            resolve_names: false,
            help: false,
            help_top: 0,
            picker: None,
            interfaces: opts.interfaces,
            replay: replay::Replay::default(),
            stream: Default::default(),
            stats: stats::Stats::default(),
            teach: teach::TeachState::default(),
            events: Vec::new(),
            events_rx: opts.events,
            effects: Vec::new(),
            quit: false,
            now: Duration::ZERO,
            columns: columns::ColumnState::opening(
                opts.time_format.unwrap_or_default(),
                opts.process_column,
            ),
            process_by_default: opts.process_column,
            order: None,
            split: PaneSplit::default(),
            note: opts.note,
            quiz: quiz::QuizState::default(),
            privacy: privacy::PrivacyState::default(),
            prefs: None,
            program_output: opts.program_output,
            analyst: analyst::Analyst::new(),
            expert: expert::ExpertState::default(),
            io_graph: io_graph::IoGraph::default(),
            stevens: None,
            opening_crossing: opts.open_first_crossing,
        };
        if let Some(prefs) = opts.prefs {
            // The user's colouring rules live beside the preferences file.
            if let Some(dir) = prefs.path.parent() {
                app.analyst.colours = colouring::Colouring::with_user_file(dir);
            }
            app.apply_prefs(prefs, opts.time_format.is_some());
        }
        app
    }

    /// Takes in what arrived since the last tick: new packets, replay progress, socket
    /// events. Returns whether anything visible changed (the loop redraws only then).
    pub fn tick(&mut self, now: Duration) -> bool {
        self.now = now;
        let mut dirty = false;
        if let Some(rx) = &self.events_rx {
            for ev in rx.try_iter() {
                self.events.push(ev);
                dirty = true;
            }
            let extra = self.events.len().saturating_sub(MAX_EVENTS);
            self.events.drain(..extra);
        }
        let store = Arc::clone(&self.store);
        let store = lock(&store);
        let available = store.len();
        self.available = available;
        let evicted = store.first_kept();
        let evicted_more = evicted != self.evicted;
        self.evicted = evicted;
        if let Some(until) = self.replay.due_until(now) {
            while self.replay.horizon < available
                && store
                    .entry(self.replay.horizon)
                    .is_none_or(|e| e.ts_ns <= until)
            {
                self.replay.horizon += 1;
                dirty = true;
            }
            if self.replay.horizon >= available && store.done {
                self.replay.mode = replay::Mode::Off;
                self.message = Some("replay finished".into());
                dirty = true;
            }
        }
        let visible = self.replay.visible(available);
        let changed = visible != self.visible;
        self.visible = visible;
        dirty |= self.columns.follow_interfaces(store.interface_count());
        drop(store);
        dirty |= self.tick_filter();
        if evicted_more {
            self.drop_evicted_from_order();
        }
        if self.resort_due() {
            self.resort();
            dirty = true;
        }
        self.update_stats(&lock(&Arc::clone(&self.store)));
        if self.expert_counting() {
            self.sync_expert();
            dirty = true;
        }
        if changed || dirty {
            self.settle_selection();
            dirty = true;
        }
        dirty |= self.open_first_crossing();
        self.ensure_visible();
        self.sync_stream();
        self.sync_narration();
        dirty |= self.sync_io_graph() | self.sync_stevens();
        dirty || self.live.is_some()
    }

    /// Brings the ladder's stream packets up to date (new selection, new packets).
    pub fn sync_stream(&mut self) {
        if self.view != View::Ladder {
            return;
        }
        let store = Arc::clone(&self.store);
        let store = lock(&store);
        if let Some(e) = store.entry(self.selected).filter(|e| e.kind.has_ladder()) {
            // With a filter, the ladder shows the stream's matching packets only (and only
            // as far as the filter has looked).
            let upto = self
                .filter
                .as_ref()
                .map_or(self.visible, |f| f.scanned.min(self.visible));
            self.stream.refresh(&store, e.kind, e.stream, upto);
            if let Some(f) = &self.filter {
                self.stream.packets.retain(|&i| f.contains(i as usize));
            }
        }
    }

    /// Applies one action.
    pub fn handle(&mut self, action: Action) {
        self.message = None;
        self.opening_crossing = false;
        if self.help {
            return self.help_key(Some(action));
        }
        if action == Action::Quiz {
            self.start_quiz(None);
        } else if action == Action::Privacy {
            self.toggle_privacy();
        } else if !teach::handle(self, action)
            && !expert::handle(self, action)
            && !follow::handle(self, action)
            && !io_graph::handle(self, action)
            && !stevens::handle(self, action)
        {
            nav::handle(self, action);
        }
        self.ensure_visible();
        self.sync_stream();
        self.sync_narration();
    }

    /// Computes the narration of the selected packet when the explain pane shows it.
    pub fn sync_narration(&mut self) {
        if self.teach.explain {
            self.refresh_narration();
        }
    }

    /// Computes the narration of the selected packet if the selection moved, or if packets
    /// arrived since (a later packet may be the one that acknowledges it).
    pub fn refresh_narration(&mut self) {
        if self.selected >= self.visible {
            return;
        }
        if self
            .teach
            .narration
            .as_ref()
            .is_some_and(|(i, seen, _)| *i == self.selected && *seen == self.visible)
        {
            return;
        }
        // The store keeps every analysis fact (reasons, handshake, acks), so the narration
        // reads them as the pipeline computed them; what later packets did comes from the
        // stream's timeline over the packets shown.
        let store = lock(&self.store);
        let text = store.dissect(self.selected).map(|d| {
            let (timeline, exchanges) = teach::stream_context(&store, self.selected, self.visible);
            crate::teach::narrate_with(&d, timeline.as_ref(), Some(&exchanges))
        });
        drop(store);
        self.teach.narration = text.map(|t| (self.selected, self.visible, t));
    }

    /// Replaces the search (the display-filter engine plugs in here).
    pub fn set_search(&mut self, label: String, matches: Predicate) {
        self.search = Some(Search { label, matches });
    }

    /// Keeps the selection on screen and the panes' scroll offsets in range (`list_top`
    /// counts list rows, which a filter makes differ from packets).
    pub fn ensure_visible(&mut self) {
        // The narration pane (issue 7) takes the bottom rows of the list pane.
        let rows = crate::tui::app::layout::list_rows(self.size, &self.split).saturating_sub(
            crate::tui::app::layout::narration_height(self.size, &self.split, self.teach.explain),
        );
        let at = self.row_at_or_after(self.selected);
        if at < self.list_top {
            self.list_top = at;
        } else if rows > 0 && at >= self.list_top + rows {
            self.list_top = at + 1 - rows;
        }
        self.list_top = self
            .list_top
            .min(self.row_count().saturating_sub(rows.max(1)));
        let drows = crate::tui::app::layout::details_rows(self.size, &self.split);
        if self.detail_cursor < self.detail_top {
            self.detail_top = self.detail_cursor;
        } else if drows > 0 && self.detail_cursor >= self.detail_top + drows {
            self.detail_top = self.detail_cursor + 1 - drows;
        }
    }

    /// Whether the active search matches packet `i` (for highlighting rows).
    pub fn matches(&self, d: &Dissection<'_>) -> bool {
        self.search.as_ref().is_some_and(|s| (s.matches)(d))
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = Rect::new(0, 0, width, height);
        self.ensure_visible();
    }

    pub fn capture_paused(&self) -> bool {
        self.live
            .as_ref()
            .is_some_and(|l| l.paused.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod filter_tests;
#[cfg(test)]
mod one_truth_tests;
#[cfg(test)]
mod tests;
