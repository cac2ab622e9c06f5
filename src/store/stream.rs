//! Per-stream packet lists for the ladder.

use super::{Kind, Store};

/// The packets of one stream, kept up to date incrementally as packets arrive or the
/// replay reveals them (only new entries are scanned).
#[derive(Debug, Default, Clone)]
pub struct StreamPackets {
    key: Option<(Kind, u32)>,
    scanned: usize,
    pub packets: Vec<u32>,
}

impl StreamPackets {
    /// Makes `packets` the packets of `stream` among the first `upto` entries.
    pub fn refresh(&mut self, store: &Store, kind: Kind, stream: u32, upto: usize) {
        let upto = upto.min(store.len());
        if self.key != Some((kind, stream)) || upto < self.scanned {
            self.key = Some((kind, stream));
            self.scanned = 0;
            self.packets.clear();
        }
        store.scan_stream(kind, stream, self.scanned..upto, &mut self.packets);
        self.scanned = upto;
    }

    /// The packets, if they are those of `stream`.
    pub fn get(&self, kind: Kind, stream: u32) -> Option<&[u32]> {
        (self.key == Some((kind, stream))).then_some(self.packets.as_slice())
    }
}
