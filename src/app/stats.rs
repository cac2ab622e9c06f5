//! Statistics that grow with the visible packets: protocol counts and packets per second.
//! Updated incrementally (only new packets are looked at), never by walking the capture.

use crate::store::{Entry, PROTOCOLS};

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
    first_ts: Option<i64>,
}

impl Stats {
    /// Accounts `entries` (the packets after `seen`).
    pub fn extend(&mut self, entries: &[Entry]) {
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
        }
        self.seen += entries.len();
    }
}
