//! The analyst's own state: marks and ignores, the filter history, the jump-back stack, the
//! completions on offer and what the terminal is called (for the clipboard). One field
//! of [`super::App`], so the features that use it stay in their own files.

use std::collections::BTreeSet;

/// Most filters remembered by ↑/↓ in the bar.
const HISTORY: usize = 100;

/// Where a jump started, so Back returns to the same view, packet and tree line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub view: super::View,
    pub packet: usize,
    pub detail_cursor: usize,
}

/// Which packets an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportSet {
    #[default]
    Displayed,
    Marked,
    /// Packet numbers typed before the file name: `3-7 out.pcap`.
    Range,
}

impl ExportSet {
    pub fn next(self) -> ExportSet {
        match self {
            ExportSet::Displayed => ExportSet::Marked,
            ExportSet::Marked => ExportSet::Range,
            ExportSet::Range => ExportSet::Displayed,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Analyst {
    /// Marked packets (store indices), Wireshark's Ctrl-M.
    pub marked: BTreeSet<usize>,
    /// Ignored packets: tagged in the list, left out of exports.
    pub ignored: BTreeSet<usize>,
    /// Filters applied, oldest first, each once.
    pub history: Vec<String>,
    /// Position while ↑/↓ walk the history (None: the line being typed).
    pub history_at: Option<usize>,
    /// Places jumps left, newest last.
    pub back: Vec<Place>,
    /// Candidates the last Tab found (shown above the bar).
    pub completions: Vec<String>,
    pub export: ExportSet,
    /// `$TERM`, read once: some terminals cannot take OSC 52 (the Linux console, `dumb`).
    pub term: Option<String>,
    /// The colouring rules of the packet list.
    pub colours: super::colouring::Colouring,
}

impl Analyst {
    pub fn new() -> Analyst {
        Analyst {
            term: std::env::var("TERM").ok(),
            colours: super::colouring::Colouring::defaults(),
            ..Analyst::default()
        }
    }

    /// Remembers an applied filter (moved to the end if it was there before).
    pub fn remember(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        self.history.retain(|h| h != text);
        self.history.push(text.to_string());
        let extra = self.history.len().saturating_sub(HISTORY);
        self.history.drain(..extra);
        self.history_at = None;
    }
}
