//! The packet store behind the UI: a compact per-packet index (a few dozen bytes each) plus
//! the bytes, either a memory-mapped capture file (replay: nothing is copied, the kernel
//! pages bytes in when a row is drawn) or an append-only arena (live, stdin).
//!
//! Analysis runs once, in capture order, on the indexing thread; every fact it computes
//! for a packet is kept (in the [`Entry`] and the side tables of [`facts`]), so any packet
//! can be re-decoded on demand and carries exactly the facts `-V` and `-T fields` print,
//! without replaying the conversation tables.

pub mod arena;
mod batch;
mod entry;
pub mod facts;
pub mod ingest;
mod stream;

pub use batch::Batch;
pub use entry::{Entry, Kind, PROTOCOLS};
pub use stream::StreamPackets;

pub use ingest::{
    anonymized_live, lock, save_link, spawn_file_indexer, spawn_file_indexer_with, spawn_indexer,
    spawn_live, spawn_live_with, IndexJob, LiveConfig, LiveControl, SharedStore, LIVE_CHANNEL,
};

use crate::dissect::process::{self, ConversationOwners, ProcessFacts};
use std::ops::Range;

use crate::analysis::{AnalysisFlags, ConvProto, ConvStats, Role, TcpFacts, UdpFacts};
use crate::decode::{self, FrameInfo};
use crate::dissect::Dissection;
use crate::frame::{Direction, Frame, LinkType};

/// A live session keeps at most this many bytes of packets (bytes plus index entries) by
/// default (`--store-limit`); beyond it the oldest packets are evicted, and the status bar
/// says how many.
pub const DEFAULT_STORE_LIMIT: usize = 512 * 1024 * 1024;

/// Memory one index entry costs, counted against the store limit.
const ENTRY_BYTES: usize = std::mem::size_of::<Entry>();

/// One conversation as the conversations pane lists it.
#[derive(Debug, Clone)]
pub struct ConvRow {
    pub proto: ConvProto,
    pub stream: u64,
    pub stats: ConvStats,
}

/// Where the packet bytes live.
pub enum Backing {
    /// A capture file mapped read-only; entries hold file offsets.
    Mapped(memmap2::Mmap),
    /// Bytes copied in as they arrived (live capture, standard input).
    Arena(arena::Arena),
}

impl Backing {
    /// A live arena for a store of at most `limit` bytes: evicted a sixteenth at a time.
    pub fn arena(limit: usize) -> Backing {
        Backing::Arena(arena::Arena::new((limit / 16).max(64 * 1024)))
    }

    fn slice(&self, offset: u64, len: usize) -> Option<&[u8]> {
        match self {
            Backing::Mapped(map) => {
                let start = usize::try_from(offset).ok()?;
                map.get(start..start.checked_add(len)?)
            }
            Backing::Arena(a) => a.get(offset, len),
        }
    }
}

/// Every packet seen so far, plus indexing progress. Shared behind a mutex between the
/// indexing thread (appends in batches) and the UI (reads the rows it draws).
pub struct Store {
    backing: Backing,
    /// Entries from absolute index `base` on; those below `first` were evicted and are
    /// removed from the vector lazily (when they are half of it), so eviction never
    /// shifts the whole index at every batch.
    entries: Vec<Entry>,
    base: usize,
    first: usize,
    /// Memory limit of an arena-backed store (bytes + entries).
    limit: usize,
    convs: Vec<ConvRow>,
    facts: facts::FactTable,
    /// Time of the first packet ever stored (relative times count from it, also after
    /// eviction, as the pipeline's do).
    first_ts_ns: Option<i64>,
    /// Bytes of the input consumed and its total size (0 = unknown), for the progress bar.
    pub progress: (u64, u64),
    /// The indexer reached the end of its input (file read, or live source ended).
    pub done: bool,
    /// The input arrives over time (a pipe, a FIFO, a followed file): what it is, for the
    /// title (`reading stdin`).
    pub streaming: Option<String>,
    /// Why indexing stopped early (damaged file, source error).
    pub error: Option<String>,
    /// Packets not kept: a single batch larger than the whole store limit.
    pub store_dropped: u64,
    pub link: LinkType,
    /// Host names the capture's DNS answers gave, as the indexer learned them (the UI's
    /// name-resolution toggle reads them, each from the frame that taught it on).
    pub hosts: crate::names::HostTable,
    /// Which names packets dissected again carry (the UI's `R`): their details tree shows
    /// them as `-V -N` does.
    pub resolve: crate::names::Resolve,
    /// The source's interfaces, for `frame.interface_name` (a merge's sources).
    interfaces: crate::frame::InterfaceTable,
    /// Live capture with attribution: each conversation's process owners, keyed (TCP?,
    /// stream), so a packet dissected again shows what the pipeline found.
    owners: std::collections::HashMap<(bool, u64), std::sync::Arc<ConversationOwners>>,
}

impl Store {
    pub fn new(backing: Backing, link: LinkType) -> Self {
        Store {
            backing,
            entries: Vec::new(),
            base: 0,
            first: 0,
            limit: DEFAULT_STORE_LIMIT,
            convs: Vec::new(),
            facts: facts::FactTable::default(),
            first_ts_ns: None,
            progress: (0, 0),
            done: false,
            streaming: None,
            error: None,
            store_dropped: 0,
            hosts: crate::names::HostTable::new(),
            resolve: crate::names::Resolve::default(),
            link,
            interfaces: crate::frame::InterfaceTable::new(),
            owners: std::collections::HashMap::new(),
        }
    }

    /// Names packets' interfaces as `table` does.
    pub fn with_interfaces(mut self, table: crate::frame::InterfaceTable) -> Self {
        self.interfaces = table;
        self
    }

    /// Sets the memory limit of an arena-backed store (`--store-limit`).
    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = limit.max(1);
        self
    }

    /// Packets seen so far, evicted ones included: indices are absolute (packet number
    /// minus one) and never shift when old packets are evicted.
    pub fn len(&self) -> usize {
        self.base + self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first packet still held (= the number of packets evicted).
    pub fn first_kept(&self) -> usize {
        self.first
    }

    pub fn entry(&self, i: usize) -> Option<&Entry> {
        if i < self.first {
            return None;
        }
        self.entries.get(i - self.base)
    }

    /// The entries still held.
    pub fn entries(&self) -> &[Entry] {
        &self.entries[self.first - self.base..]
    }

    /// The held entries of the absolute index range `range`.
    pub fn entries_range(&self, range: Range<usize>) -> &[Entry] {
        let end = range.end.clamp(self.first, self.len());
        let start = range.start.clamp(self.first, end);
        &self.entries[start - self.base..end - self.base]
    }

    pub fn conversations(&self) -> &[ConvRow] {
        &self.convs
    }

    /// Appends to `out` the indices in `range` of the packets of one stream. A scan, not
    /// an index: per-stream lists for 100k conversations cost more memory than the whole
    /// packet index saves, and a scan of a million entries takes a few milliseconds, done
    /// once per stream change (see [`StreamPackets`]), never per frame.
    pub fn scan_stream(&self, kind: Kind, stream: u32, range: Range<usize>, out: &mut Vec<u32>) {
        let end = range.end.clamp(self.first, self.len());
        let start = range.start.clamp(self.first, end);
        for (i, e) in self.entries_range(start..end).iter().enumerate() {
            if e.kind == kind && e.stream == stream {
                out.push((start + i) as u32);
            }
        }
    }

    /// The first packet of a stream.
    pub fn first_of_stream(&self, kind: Kind, stream: u32) -> Option<usize> {
        self.entries()
            .iter()
            .position(|e| e.kind == kind && e.stream == stream)
            .map(|i| self.first + i)
    }

    /// The departure the pipeline paired packet `i` (0-based) with, when `i` is a segment's
    /// arriving copy in a capture from two vantage points (`sockeye.vantage.*`).
    pub fn vantage(&self, i: usize) -> Option<crate::analysis::vantage::Pair> {
        if i < self.first {
            return None;
        }
        self.facts.vantage(i as u64 + 1)
    }

    /// The first segment the pipeline saw leave one vantage point and reach the other: its
    /// departing copy (0-based), where a two-vantage capture's ladder opens.
    pub fn first_crossing(&self) -> Option<usize> {
        let departure = self.facts.first_departure()?.checked_sub(1)?;
        usize::try_from(departure).ok().filter(|&i| i >= self.first)
    }

    /// How many capture interfaces (a merge's sources, a pcapng's interfaces) are known.
    pub fn interface_count(&self) -> usize {
        self.interfaces.len()
    }

    /// What the UI calls interface `id`: its name (`frame.interface_name`), else `#id`.
    pub fn interface_label(&self, id: u32) -> String {
        match self.interfaces.get(id).and_then(|desc| desc.name) {
            Some(name) => name.to_string(),
            None => format!("#{id}"),
        }
    }

    /// Time of the first packet ever stored (evicted or not).
    pub fn first_ts(&self) -> i64 {
        self.first_ts_ns.unwrap_or(0)
    }

    /// The frame of packet `i` (0-based), borrowing the backing bytes.
    pub fn frame(&self, i: usize) -> Option<Frame<'_>> {
        let e = self.entry(i)?;
        let data = self.backing.slice(e.offset, e.cap_len as usize)?;
        Some(Frame {
            ts_ns: e.ts_ns,
            data,
            orig_len: e.orig_len,
            link: LinkType(u32::from(e.link)),
            interface: 0,
            direction: e.direction(),
        })
    }

    /// Decodes packet `i` again and re-attaches every fact the pipeline computed for it
    /// (analysis facts, a reassembled datagram), so what the UI shows and filters on is
    /// exactly what `-V` and `-Y` see.
    pub fn dissect(&self, i: usize) -> Option<Dissection<'_>> {
        let frame = self.frame(i)?;
        let e = self.entry(i)?;
        let first = self.first_ts_ns.unwrap_or(e.ts_ns);
        let prev = i
            .checked_sub(1)
            .and_then(|p| self.entry(p))
            .map_or(e.ts_ns, |p| p.ts_ns);
        let packet = decode::decode(&frame);
        let number = i as u64 + 1;
        let info = FrameInfo {
            number,
            ts_ns: e.ts_ns,
            relative_ns: e.ts_ns - first,
            delta_ns: e.ts_ns - prev,
            interface: e.interface.into(),
            interface_name: self
                .interfaces
                .get(e.interface.into())
                .and_then(|desc| desc.name),
            direction: e.direction(),
        };
        let tcp =
            (e.kind == Kind::Tcp).then(|| e.tcp_facts(&self.facts, &packet, number, info.delta_ns));
        let udp = (e.kind == Kind::Udp).then(|| UdpFacts {
            stream: u64::from(e.stream),
            from_first_sender: e.bits & 2 != 0,
        });
        let reassembled = self
            .facts
            .extra(e.extra)
            .and_then(|x| self.facts.heavy(x.heavy))
            .and_then(|h| h.reassembled.clone());
        // Kept when it differs from what the packet says alone (see `Batch::push`).
        let kept = self
            .facts
            .extra(e.extra)
            .and_then(|x| self.facts.heavy(x.heavy))
            .and_then(|h| h.app.as_deref().cloned());
        let app = kept.unwrap_or_else(|| {
            crate::dissect::app::AppFacts::standalone(
                &packet,
                info.number,
                tcp.as_ref(),
                udp.as_ref(),
                reassembled.as_ref(),
            )
        });
        let key = match (&tcp, &udp) {
            (Some(t), _) => Some((true, t.stream)),
            (None, Some(u)) => Some((false, u.stream)),
            _ => None,
        };
        let process = key
            .and_then(|k| self.owners.get(&k))
            .and_then(|o| Some(ProcessFacts::oriented(o, process::source_end(&packet)?)));
        let names = self.resolve.any().then(|| {
            let carried: Vec<std::net::IpAddr> = app
                .messages
                .iter()
                .filter_map(|placed| match &placed.message {
                    crate::dissect::app::Message::Dns(d) => Some(d),
                    _ => None,
                })
                .flat_map(crate::names::HostTable::addresses)
                .collect();
            Box::new(crate::names::frame_names(
                self.resolve,
                &self.hosts,
                &packet,
                number,
                &carried,
            ))
        });
        Some(Dissection {
            packet,
            info,
            reassembled,
            tcp,
            udp,
            app,
            names,
            vantage: self.facts.vantage(number),
            process,
            comment: None,
        })
    }

    /// Appends a batch from the indexer. Arena batches count byte offsets from the start
    /// of their own buffer and every batch numbers its side-table rows from 0: both are
    /// made absolute here.
    fn append(&mut self, batch: &mut Batch) {
        self.owners.extend(batch.owners.drain(..));
        if self.first_ts_ns.is_none() {
            self.first_ts_ns = batch.entries.first().map(|e| e.ts_ns);
        }
        if let Backing::Arena(arena) = &mut self.backing {
            let need = batch.bytes.len() + batch.entries.len() * ENTRY_BYTES + batch.facts.bytes();
            if need > self.limit {
                self.store_dropped += batch.entries.len() as u64;
                batch.clear();
                return;
            }
            // Evict whole segments, oldest first, until the batch fits.
            while !arena.is_empty() {
                let kept = self.base + self.entries.len() - self.first;
                if arena.held() + kept * ENTRY_BYTES + self.facts.bytes() + need <= self.limit {
                    break;
                }
                let Some(end) = arena.pop_front() else { break };
                let held = &self.entries[self.first - self.base..];
                self.first += held.partition_point(|e| e.offset < end);
                let kept_extra = self.entries[self.first - self.base..]
                    .iter()
                    .map(|e| e.extra)
                    .find(|&x| x != facts::NONE)
                    .map_or(usize::MAX, |x| x as usize);
                self.facts.evict_before(kept_extra);
                self.facts.evict_vantage_before(self.first as u64 + 1);
            }
            let dead = self.first - self.base;
            if dead > 0 && dead * 2 >= self.entries.len() {
                self.entries.drain(..dead);
                self.base = self.first;
            }
            let at = arena.push(&batch.bytes);
            for e in batch.entries.iter_mut() {
                e.offset += at;
            }
        }
        let (extra_base, heavy_base) = self.facts.next_rows();
        for e in batch.entries.iter_mut().filter(|e| e.extra != facts::NONE) {
            e.extra = e.extra.saturating_add(extra_base as u32);
        }
        for x in batch
            .facts
            .extras
            .iter_mut()
            .filter(|x| x.heavy != facts::NONE)
        {
            x.heavy = x.heavy.saturating_add(heavy_base as u32);
        }
        self.facts.append(&mut batch.facts);
        batch.bytes.clear();
        self.entries.append(&mut batch.entries);
    }
}

#[cfg(test)]
mod evict_tests;
#[cfg(test)]
mod tests;
