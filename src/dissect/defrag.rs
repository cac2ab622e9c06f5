//! IP reassembly with etherparse's defragmentation pool. Like tshark, the transport header
//! of a fragmented datagram is shown on the frame that completes it.

use std::collections::HashMap;

use etherparse::defrag::{IpDefragPayloadVec, IpDefragPool, IpFragId, IpFragVersionSpecId};
use etherparse::{Ipv6ExtensionSlice, NetSlice, SlicedPacket};

use crate::decode::{Header, Packet};
use crate::frame::TimestampNs;

/// Incomplete datagrams older than this are dropped (Linux's ipfrag_time is 30 s).
const MAX_AGE_NS: i64 = 30_000_000_000;
/// How often stale datagrams are swept, in fragments.
const SWEEP_EVERY: u64 = 256;
/// Most incomplete datagrams kept at once. Each may hold up to 64 KiB, and a hostile capture
/// can open a new one with every fragment (distinct IDs, one timestamp, so the age sweep never
/// fires): etherparse's pool documents that it does not bound this. 1024 × 64 KiB = 64 MiB at
/// worst; real captures have a handful in flight.
const MAX_PENDING: usize = 1024;

#[derive(Debug, Default)]
pub struct Defragmenter {
    pool: IpDefragPool<TimestampNs, ()>,
    /// The pool's incomplete datagrams and their last-seen time, mirrored because the pool
    /// cannot say how many it holds.
    pending: HashMap<IpFragId, TimestampNs>,
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
        let id = frag_id(&sliced)?;
        self.seen += 1;
        if self.seen % SWEEP_EVERY == 0 {
            self.drop_seen_before(ts_ns.saturating_sub(MAX_AGE_NS));
        }
        // A fragment that contradicts earlier ones (overlap with other bytes, too long) is
        // left unreassembled, as the packet itself still shows.
        let done = match self.pool.process_sliced_packet(&sliced, ts_ns, ()) {
            Ok(Some(done)) => {
                self.pending.remove(&id);
                Some(done)
            }
            Ok(None) => {
                self.pending.insert(id, ts_ns);
                None
            }
            Err(_) => None,
        };
        if self.pending.len() > MAX_PENDING {
            // Give up the least recently fed datagrams first, as the age sweep would.
            let oldest = self.pending.values().copied().min().unwrap_or(ts_ns);
            self.drop_seen_before(oldest.saturating_add(1));
        }
        done
    }

    /// Drops incomplete datagrams last fed before `cutoff` from the pool and the mirror.
    fn drop_seen_before(&mut self, cutoff: TimestampNs) {
        self.pool.retain(|seen| *seen >= cutoff);
        self.pending.retain(|_, seen| *seen >= cutoff);
    }

    /// Incomplete datagrams held (for tests of the bound).
    #[cfg(test)]
    fn pending(&self) -> usize {
        self.pending.len()
    }
}

/// The pool's key for a fragment, computed as etherparse computes it (no channel id).
fn frag_id(sliced: &SlicedPacket<'_>) -> Option<IpFragId> {
    let (ip, payload_ip_number) = match &sliced.net {
        Some(NetSlice::Ipv4(v4)) => {
            let h = v4.header();
            // Not a fragment (the pool ignores it): nothing to mirror.
            if !h.is_fragmenting_payload() {
                return None;
            }
            let id = IpFragVersionSpecId::Ipv4 {
                source: h.source(),
                destination: h.destination(),
                identification: h.identification(),
            };
            (id, v4.payload().ip_number)
        }
        Some(NetSlice::Ipv6(v6)) => {
            let frag = v6
                .extensions()
                .clone()
                .into_iter()
                .find_map(|ext| match ext {
                    Ipv6ExtensionSlice::Fragment(frag) => Some(frag),
                    _ => None,
                })?;
            if !frag.is_fragmenting_payload() {
                return None;
            }
            let frag = frag.to_header();
            let id = IpFragVersionSpecId::Ipv6 {
                source: v6.header().source(),
                destination: v6.header().destination(),
                identification: frag.identification,
            };
            (id, v6.payload().ip_number)
        }
        _ => return None,
    };
    Some(IpFragId {
        vlan_ids: sliced.vlan_ids(),
        ip,
        payload_ip_number,
        channel_id: (),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;
    use crate::frame::{Direction, Frame, LinkType};

    /// A raw IPv4/UDP fragment: `id`, byte `offset` (multiple of 8), more-fragments flag.
    fn fragment(id: u16, offset: u16, more: bool, payload: &[u8]) -> Vec<u8> {
        let total = (20 + payload.len()) as u16;
        let flags = (offset / 8) | if more { 0x2000 } else { 0 };
        let mut ip = vec![0x45, 0];
        ip.extend_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&id.to_be_bytes());
        ip.extend_from_slice(&flags.to_be_bytes());
        ip.extend_from_slice(&[64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        ip.extend_from_slice(payload);
        ip
    }

    fn push(defrag: &mut Defragmenter, bytes: &[u8], ts_ns: i64) -> Option<IpDefragPayloadVec> {
        let frame = Frame {
            ts_ns,
            data: bytes,
            orig_len: bytes.len() as u32,
            link: LinkType::RAW,
            interface: 0,
            direction: Direction::Unknown,
        };
        let packet = decode(&frame);
        assert!(packet.fragment);
        defrag.push(&packet, ts_ns)
    }

    #[test]
    fn hostile_flood_of_first_fragments_stays_bounded_and_reassembly_still_works() {
        let mut defrag = Defragmenter::default();
        // 5000 datagrams that never complete, all at one instant: the age sweep cannot help.
        for id in 0..5000u16 {
            push(&mut defrag, &fragment(id, 0, true, &[0; 16]), 1);
            assert!(defrag.pending() <= MAX_PENDING);
        }
        // A real datagram after the flood still reassembles.
        assert!(push(&mut defrag, &fragment(60_000, 0, true, &[1; 16]), 2).is_none());
        let whole =
            push(&mut defrag, &fragment(60_000, 16, false, &[2; 8]), 2).expect("reassembled");
        assert_eq!(whole.payload.len(), 24);
        assert!(defrag.pending() <= MAX_PENDING);
    }
}
