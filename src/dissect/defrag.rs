//! IP reassembly with etherparse's defragmentation pool. Like tshark, the transport header
//! of a fragmented datagram is shown on the frame that completes it.

use etherparse::defrag::{IpDefragPayloadVec, IpDefragPool};
use etherparse::SlicedPacket;

use crate::decode::{Header, Packet};
use crate::frame::TimestampNs;

/// Incomplete datagrams older than this are dropped (Linux's ipfrag_time is 30 s).
const MAX_AGE_NS: i64 = 30_000_000_000;
/// How often stale datagrams are swept, in fragments.
const SWEEP_EVERY: u64 = 256;

#[derive(Debug, Default)]
pub struct Defragmenter {
    pool: IpDefragPool<TimestampNs, ()>,
    seen: u64,
}

impl Defragmenter {
    /// Feeds a fragment; returns the reassembled IP payload when `packet` completes one.
    pub fn push(&mut self, packet: &Packet<'_>, ts_ns: TimestampNs) -> Option<IpDefragPayloadVec> {
        let ip = packet
            .layers
            .iter()
            .find(|l| matches!(l.header, Header::Ipv4(_) | Header::Ipv6(_)))?;
        let end = packet.net_end?;
        let bytes = packet.data.get(ip.offset..end)?;
        let sliced = SlicedPacket::from_ip(bytes).ok()?;
        self.seen += 1;
        if self.seen % SWEEP_EVERY == 0 {
            self.pool.retain(|started| ts_ns - *started < MAX_AGE_NS);
        }
        // A fragment that contradicts earlier ones (overlap with other bytes, too long) is
        // left unreassembled, as the packet itself still shows.
        self.pool
            .process_sliced_packet(&sliced, ts_ns, ())
            .ok()
            .flatten()
    }
}
