//! Per-stream packet lists for the ladder, and the TCP facts rebuilt from an entry.

use super::{decode, Entry, Kind, Store};
use crate::analysis::{TcpFacts, WindowScale};

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

/// The TCP facts the details tree and Info column need, rebuilt from an entry.
pub(super) fn tcp_facts(e: &Entry, packet: &decode::Packet<'_>) -> TcpFacts {
    let flags = packet.tcp().map_or(0, |t| {
        u16::from(t.syn()) << 1 | u16::from(t.fin()) | u16::from(t.rst()) << 2
    });
    let phantom = u32::from(flags & 0b011 != 0);
    let len = packet.tcp_len.unwrap_or(0);
    TcpFacts {
        stream: u64::from(e.stream),
        seq_rel: e.seq_rel,
        ack_rel: e.ack_rel,
        ack_valid: e.ack_valid(),
        nxtseq_rel: e.seq_rel.wrapping_add(len).wrapping_add(phantom),
        window_size: u64::from(e.window),
        window_scale: WindowScale::Unknown,
        flags: e.aflags,
        dup_ack_num: 0,
        dup_ack_frame: 0,
        acks_frame: None,
        ack_rtt_ns: None,
        rto_frame: None,
        reasons: Vec::new(),
        role: e.role(),
        state: Default::default(),
        handshake: Default::default(),
    }
}
