//! What the indexer hands the store at once: a batch of entries, their copied bytes and
//! their side-table rows, numbered from 0 until the store appends them.

use super::{facts, Entry};
use crate::analysis::Handshake;
use std::collections::HashSet;
use std::sync::Arc;

use crate::dissect::process::ConversationOwners;
use crate::dissect::Dissection;
use crate::frame::LinkType;

/// What the indexer hands the store at once: entries, their bytes (copied sources) and
/// their side-table rows.
#[derive(Debug, Default)]
pub struct Batch {
    pub entries: Vec<Entry>,
    pub bytes: Vec<u8>,
    pub facts: facts::FactBatch,
    /// Every stream's handshake as last handed over (kept across batches).
    handshakes: Vec<Handshake>,
    /// How many TCP streams have begun (streams are numbered in order of appearance).
    streams_begun: u64,
    /// Conversations' process owners first seen in this batch, keyed (TCP?, stream).
    pub owners: Vec<((bool, u64), Arc<ConversationOwners>)>,
    /// Every conversation whose owners were handed over (kept across batches).
    owned: HashSet<(bool, u64)>,
}

impl Batch {
    /// Adds the packet `d`, whose bytes sit at `offset` of the backing (or of `bytes`).
    pub fn push(&mut self, d: &Dissection<'_>, offset: u64, link: LinkType) {
        let entry = Entry::from_dissection(d, offset, link, &mut self.facts);
        let stream = match (&d.tcp, &d.udp) {
            (Some(t), _) => Some((true, t.stream)),
            (None, Some(u)) => Some((false, u.stream)),
            _ => None,
        };
        if let (Some(key), Some(p)) = (stream, &d.process) {
            if self.owned.insert(key) {
                self.owners.push((key, Arc::clone(&p.owners)));
            }
        }
        if let Some(t) = &d.tcp {
            if t.stream >= self.streams_begun {
                self.streams_begun = t.stream + 1;
                let start = d.info.ts_ns.wrapping_sub(t.stream_rel_ns);
                self.facts.stream_starts.push((t.stream, start));
            }
            // The handshake only changes on its own three packets: hand over the changes.
            if let Ok(i) = usize::try_from(t.stream) {
                if self.handshakes.len() <= i {
                    self.handshakes.resize(i + 1, Handshake::default());
                }
                if let Some(known) = self.handshakes.get_mut(i).filter(|h| **h != t.handshake) {
                    *known = t.handshake;
                    self.facts.handshakes.push((t.stream, t.handshake));
                }
            }
        }
        if let Some(pair) = d.vantage {
            self.facts.vantage.push((d.info.number, pair));
        }
        self.entries.push(entry);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes.clear();
        self.facts.clear();
        self.owners.clear();
    }
}
