//! Statistics that grow with the visible packets: protocol counts and packets per second.
//! Updated incrementally (only new packets are looked at), never by walking the capture.

use std::collections::HashMap;

use crate::store::{Entry, Kind, PROTOCOLS};

/// Per-second buckets are capped so a capture with a wild timestamp cannot allocate
/// without bound; later seconds pile into the last bucket.
const MAX_SECONDS: usize = 1 << 20;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Packets accounted so far (a prefix of the capture).
    pub seen: usize,
    pub bytes: u64,
    pub by_protocol: [u64; PROTOCOLS.len()],
    /// Packets per second of capture time, from the first packet.
    pub per_second: Vec<u64>,
    /// Packets carrying any TCP analysis flag.
    pub flagged: u64,
    /// What the counted packets hold of each TCP/UDP conversation, so the conversations
    /// view counts what the list shows (filter, replay position), as Statistics does.
    /// Kept only while the list shows a subset: otherwise the analysis's own conversation
    /// table already holds these numbers.
    pub convs: HashMap<(u8, u32), ConvCount>,
    first_ts: Option<i64>,
}

/// One conversation's share of the counted packets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConvCount {
    pub frames: u64,
    pub bytes: u64,
    pub first_ts: i64,
    pub last_ts: i64,
}

impl Stats {
    /// Accounts `entries` (the packets after `seen`); `per_conversation` also counts
    /// them per conversation.
    pub fn extend(&mut self, entries: &[Entry], per_conversation: bool) {
        for e in entries {
            let first = *self.first_ts.get_or_insert(e.ts_ns);
            let sec = usize::try_from((e.ts_ns - first).max(0) / 1_000_000_000)
                .unwrap_or(MAX_SECONDS)
                .min(MAX_SECONDS - 1);
            if self.per_second.len() <= sec {
                self.per_second.resize(sec + 1, 0);
            }
            self.per_second[sec] += 1;
            if let Some(n) = self.by_protocol.get_mut(usize::from(e.proto)) {
                *n += 1;
            }
            self.bytes += u64::from(e.orig_len);
            self.flagged += u64::from(!e.aflags.is_empty());
            if per_conversation && matches!(e.kind, Kind::Tcp | Kind::Udp) {
                let c = self
                    .convs
                    .entry((e.kind as u8, e.stream))
                    .or_insert(ConvCount {
                        first_ts: e.ts_ns,
                        ..ConvCount::default()
                    });
                c.frames += 1;
                c.bytes += u64::from(e.orig_len);
                c.last_ts = e.ts_ns;
            }
        }
        self.seen += entries.len();
    }
}
