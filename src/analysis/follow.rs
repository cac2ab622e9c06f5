//! Follow stream: the payload of one TCP stream reassembled in order per direction
//! (retransmitted bytes once, holes marked), or the datagrams of one UDP stream; its text in
//! every mode is made by [`super::follow_dump`].
//!
//! A follower is fed by the caller alongside the [`Analyzer`](super::Analyzer), so only the
//! followed stream's bytes are ever kept.

use crate::analysis::conversations::ConvProto;
use crate::analysis::key::Endpoint;
use crate::analysis::seq::SeqNum;
use crate::analysis::tcp::{tcp_flags, TcpFacts, TcpSegment};
use crate::analysis::udp::{UdpDatagram, UdpFacts};

/// One piece of a followed stream, in the order tshark would print it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowItem {
    /// Bytes sent by node 0 (the first sender) or node 1.
    Data { node: u8, bytes: Vec<u8> },
    /// Bytes node `node` sent that the capture never showed, known because the peer
    /// acknowledged past them while later data waited beyond the hole.
    Gap { node: u8, len: u32 },
}

/// A followed stream, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowedStream {
    pub proto: ConvProto,
    pub stream: u64,
    /// Node 0 is the source of the stream's first packet.
    pub nodes: Option<[Endpoint; 2]>,
    pub items: Vec<FollowItem>,
    /// Bytes per node held back behind a hole that was never filled nor acknowledged.
    pub unplaced_bytes: [u64; 2],
}

impl FollowedStream {
    fn new(proto: ConvProto, stream: u64) -> Self {
        FollowedStream {
            proto,
            stream,
            nodes: None,
            items: Vec::new(),
            unplaced_bytes: [0; 2],
        }
    }

    fn node_of(&mut self, src: Endpoint, dst: Endpoint) -> u8 {
        let nodes = self.nodes.get_or_insert([src, dst]);
        u8::from(nodes[0] != src)
    }
}

/// A segment that arrived ahead of a hole.
#[derive(Debug)]
struct Fragment {
    seq: SeqNum,
    data: Vec<u8>,
}

/// Reassembly of one direction, in relative sequence numbers, as tshark's follow tap
/// does it: bytes are emitted in sequence order, overlaps trimmed, segments beyond a hole
/// held back until the hole fills or the peer acknowledges past it (then the hole is
/// reported as missing).
#[derive(Debug, Default)]
struct Direction {
    /// Next byte expected (0 = not initialised, tshark's convention).
    seq: SeqNum,
    bytes_written: u64,
    /// Held-back segments in arrival order (tshark scans them in that order).
    fragments: Vec<Fragment>,
}

/// Collects one TCP stream.
#[derive(Debug)]
pub struct TcpFollower {
    out: FollowedStream,
    dirs: [Direction; 2],
}

impl TcpFollower {
    pub fn new(stream: u64) -> Self {
        TcpFollower {
            out: FollowedStream::new(ConvProto::Tcp, stream),
            dirs: [Direction::default(), Direction::default()],
        }
    }

    /// Feeds a segment and what the analyzer said about it; other streams are ignored.
    pub fn push(&mut self, seg: &TcpSegment<'_>, facts: &TcpFacts) {
        if facts.stream != self.out.stream {
            return;
        }
        let src = Endpoint {
            addr: seg.src,
            port: seg.src_port,
        };
        let dst = Endpoint {
            addr: seg.dst,
            port: seg.dst_port,
        };
        let node = self.out.node_of(src, dst);
        let [first, second] = &mut self.dirs;
        let (dir, peer_dir) = if node == 0 {
            (first, second)
        } else {
            (second, first)
        };
        let mut sequence = SeqNum(facts.seq_rel);
        if seg.flags & tcp_flags::SYN != 0 {
            sequence = sequence + 1;
        }
        // This segment's ACK may prove that held-back peer data follows bytes the
        // receiver got but the capture missed.
        let ack = SeqNum(facts.ack_rel);
        while apply_fragment(&mut self.out.items, peer_dir, 1 - node, Some(ack)) {}

        if dir.bytes_written == 0 && dir.seq == SeqNum(0) {
            dir.seq = sequence;
        }
        let captured = seg.payload.len().min(seg.payload_len as usize);
        let mut data = seg.payload.get(..captured).unwrap_or(seg.payload);
        let mut length = seg.payload_len;
        if sequence.before(dir.seq) {
            let end = sequence + seg.payload_len;
            if end.after(dir.seq) {
                // Starts with bytes already seen: keep only the new tail.
                let offset = (dir.seq - sequence) as usize;
                data = data.get(offset..).unwrap_or(&[]);
                sequence = dir.seq;
                length = end - dir.seq;
            }
        }
        if data.is_empty() || sequence.before(dir.seq) {
            return;
        }
        if sequence == dir.seq {
            dir.seq = dir.seq + length;
            dir.bytes_written += data.len() as u64;
            self.out.items.push(FollowItem::Data {
                node,
                bytes: data.to_vec(),
            });
            while apply_fragment(&mut self.out.items, dir, node, None) {}
        } else {
            dir.fragments.push(Fragment {
                seq: sequence,
                data: data.to_vec(),
            });
        }
    }

    /// Ends the stream. Data still held back behind a hole that nobody acknowledged is
    /// not part of the stream (tshark drops it too); its size is reported.
    pub fn finish(mut self) -> FollowedStream {
        for (unplaced, dir) in self.out.unplaced_bytes.iter_mut().zip(&self.dirs) {
            *unplaced = dir.fragments.iter().map(|f| f.data.len() as u64).sum();
        }
        self.out
    }
}

/// tshark's `check_follow_fragments`: applies the first held-back fragment (in arrival
/// order) that overlaps or continues the stream; failing that, when `ack` proves the
/// receiver got bytes up to the lowest fragment, marks the hole as missing. Returns
/// whether anything changed.
fn apply_fragment(
    items: &mut Vec<FollowItem>,
    dir: &mut Direction,
    node: u8,
    ack: Option<SeqNum>,
) -> bool {
    let Some(first) = dir.fragments.first() else {
        return false;
    };
    let mut lowest = first.seq;
    let mut usable = None;
    for (i, frag) in dir.fragments.iter().enumerate() {
        if lowest.after(frag.seq) {
            lowest = frag.seq;
        }
        if frag.seq.before(dir.seq) || frag.seq == dir.seq {
            usable = Some(i);
            break;
        }
    }
    if let Some(i) = usable {
        let frag = dir.fragments.remove(i);
        if frag.seq.before(dir.seq) {
            let end = frag.seq + frag.data.len() as u32;
            if end.after(dir.seq) {
                let new_pos = (dir.seq - frag.seq) as usize;
                if let Some(tail) = frag.data.get(new_pos..).filter(|t| !t.is_empty()) {
                    items.push(FollowItem::Data {
                        node,
                        bytes: tail.to_vec(),
                    });
                }
                dir.seq = end;
            }
        } else {
            dir.seq = dir.seq + frag.data.len() as u32;
            if !frag.data.is_empty() {
                items.push(FollowItem::Data {
                    node,
                    bytes: frag.data,
                });
            }
        }
        return true;
    }
    if let Some(ack) = ack {
        if ack.after(lowest) {
            items.push(FollowItem::Gap {
                node,
                len: lowest - dir.seq,
            });
            dir.seq = lowest;
            return true;
        }
    }
    false
}

/// Collects one UDP stream's datagrams.
#[derive(Debug)]
pub struct UdpFollower {
    out: FollowedStream,
}

impl UdpFollower {
    pub fn new(stream: u64) -> Self {
        UdpFollower {
            out: FollowedStream::new(ConvProto::Udp, stream),
        }
    }

    pub fn push(&mut self, d: &UdpDatagram<'_>, facts: &UdpFacts) {
        if facts.stream != self.out.stream {
            return;
        }
        let src = Endpoint {
            addr: d.src,
            port: d.src_port,
        };
        let dst = Endpoint {
            addr: d.dst,
            port: d.dst_port,
        };
        let node = self.out.node_of(src, dst);
        if !d.payload.is_empty() {
            self.out.items.push(FollowItem::Data {
                node,
                bytes: d.payload.to_vec(),
            });
        }
    }

    pub fn finish(self) -> FollowedStream {
        self.out
    }
}

pub(super) const FOLLOW_RULE: &str =
    "===================================================================\n";

/// Renders `tshark -q -z follow,tcp|udp,ascii,N` (the lines come from
/// [`super::follow_dump::follow_lines`], as every mode's do).
pub fn render_tshark_ascii(s: &FollowedStream) -> String {
    super::follow_dump::render(s, super::follow_dump::FollowMode::Ascii)
}
