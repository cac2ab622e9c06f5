//! Follow stream: the payload of one TCP stream reassembled in order per direction
//! (retransmitted bytes once, holes marked), or the datagrams of one UDP stream, and the
//! `tshark -q -z follow,tcp|udp,ascii,N` rendering.
//!
//! A follower is fed by the caller alongside the [`Analyzer`](super::Analyzer), so only the
//! followed stream's bytes are ever kept.

use std::collections::BTreeMap;
use std::fmt::Write as _;

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
    /// Bytes node `node` sent that the capture never showed (lost before the capture
    /// point), known from later data beyond the hole.
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
}

impl FollowedStream {
    fn new(proto: ConvProto, stream: u64) -> Self {
        FollowedStream {
            proto,
            stream,
            nodes: None,
            items: Vec::new(),
        }
    }

    fn node_of(&mut self, src: Endpoint, dst: Endpoint) -> u8 {
        let nodes = self.nodes.get_or_insert([src, dst]);
        u8::from(nodes[0] != src)
    }
}

/// Reassembly of one direction, in relative sequence numbers.
#[derive(Debug, Default)]
struct Direction {
    /// Next byte expected; unknown until a SYN or the first data segment.
    next: Option<SeqNum>,
    /// Segments beyond a hole, by relative sequence number.
    pending: BTreeMap<u32, Vec<u8>>,
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
        let dir = &mut self.dirs[usize::from(node)];
        let seq = SeqNum(facts.seq_rel);
        if seg.flags & tcp_flags::SYN != 0 {
            dir.next.get_or_insert(seq + 1);
        }
        let len = seg.payload.len().min(seg.payload_len as usize);
        if len == 0 {
            return;
        }
        let data = &seg.payload[..len];
        let next = *dir.next.get_or_insert(seq);
        if seq.after(next) {
            // Beyond a hole: keep it until the hole fills (or the end marks the gap).
            dir.pending.entry(seq.0).or_insert_with(|| data.to_vec());
            return;
        }
        emit_new_bytes(&mut self.out.items, dir, node, seq, data);
        drain_contiguous(&mut self.out.items, dir, node);
    }

    /// Ends the stream: data still waiting beyond a hole is emitted after a gap marker.
    pub fn finish(mut self) -> FollowedStream {
        for node in 0..2u8 {
            let dir = &mut self.dirs[usize::from(node)];
            while let Some((&first, _)) = dir.pending.iter().next() {
                let next = dir.next.unwrap_or(SeqNum(first));
                let hole = SeqNum(first) - next;
                if SeqNum(first).after(next) {
                    self.out.items.push(FollowItem::Gap { node, len: hole });
                    dir.next = Some(SeqNum(first));
                }
                drain_contiguous(&mut self.out.items, dir, node);
            }
        }
        self.out
    }
}

/// Emits the part of `data` (starting at `seq`, not after `dir.next`) not yet emitted.
fn emit_new_bytes(
    items: &mut Vec<FollowItem>,
    dir: &mut Direction,
    node: u8,
    seq: SeqNum,
    data: &[u8],
) {
    let next = dir.next.unwrap_or(seq);
    let already = (next - seq) as usize;
    if already >= data.len() {
        return; // a pure retransmission
    }
    let fresh = &data[already..];
    items.push(FollowItem::Data {
        node,
        bytes: fresh.to_vec(),
    });
    dir.next = Some(next + fresh.len() as u32);
}

/// Emits pending segments that have become contiguous.
fn drain_contiguous(items: &mut Vec<FollowItem>, dir: &mut Direction, node: u8) {
    loop {
        let Some(next) = dir.next else { return };
        let Some((&first, _)) = dir.pending.iter().next() else {
            return;
        };
        if SeqNum(first).after(next) {
            return;
        }
        if let Some(data) = dir.pending.remove(&first) {
            emit_new_bytes(items, dir, node, SeqNum(first), &data);
        }
    }
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

const FOLLOW_RULE: &str = "===================================================================\n";

/// tshark's ASCII view: printable ASCII and line breaks kept, everything else a dot.
fn push_ascii(out: &mut String, bytes: &[u8]) {
    out.extend(bytes.iter().map(|&b| match b {
        b'\n' | b'\r' | 0x20..=0x7e => char::from(b),
        _ => '.',
    }));
}

/// Renders `tshark -q -z follow,tcp|udp,ascii,N`. Gaps have no tshark equivalent (it
/// waits for the missing bytes and prints nothing past the hole); sockeye prints them as
/// a line `[N bytes missing]` in the sender's column.
pub fn render_tshark_ascii(s: &FollowedStream) -> String {
    let proto = match s.proto {
        ConvProto::Tcp => "tcp",
        ConvProto::Udp => "udp",
    };
    let mut out = String::new();
    out.push('\n');
    out.push_str(FOLLOW_RULE);
    let _ = writeln!(out, "Follow: {proto},ascii");
    let _ = writeln!(out, "Filter: {proto}.stream eq {}", s.stream);
    match &s.nodes {
        Some([a, b]) => {
            let _ = writeln!(out, "Node 0: {a}");
            let _ = writeln!(out, "Node 1: {b}");
        }
        None => {
            out.push_str("Node 0: :0\nNode 1: :0\n");
        }
    }
    for item in &s.items {
        match item {
            FollowItem::Data { node, bytes } => {
                let indent = if *node == 0 { "" } else { "\t" };
                let _ = writeln!(out, "{indent}{}", bytes.len());
                push_ascii(&mut out, bytes);
                out.push('\n');
            }
            FollowItem::Gap { node, len } => {
                let indent = if *node == 0 { "" } else { "\t" };
                let _ = writeln!(out, "{indent}[{len} bytes missing]");
            }
        }
    }
    out.push_str(FOLLOW_RULE);
    out
}
