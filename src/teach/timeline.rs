//! One TCP stream's segments in capture order, so a narration can say what the capture
//! shows about a packet's fate — which frame acknowledged it, how long a retransmission
//! waited, when a zero window reopened — by looking it up, never by assuming it.

use crate::analysis::{AnalysisFlag, AnalysisFlags};
use crate::dissect::Dissection;

/// Streams longer than this are not laid out for the narration (the UI builds a timeline
/// per selection); the narration then leaves out what only the timeline could tell.
pub const MAX_SEGMENTS: usize = 50_000;

/// What the narration needs of one segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub frame: u64,
    pub ts_ns: i64,
    /// Sent by the stream's first sender.
    pub from_first: bool,
    pub seq: u32,
    pub nxtseq: u32,
    pub ack: u32,
    pub ack_valid: bool,
    pub syn: bool,
    pub fin: bool,
    pub rst: bool,
    pub len: u32,
    pub window: u64,
    pub flags: AnalysisFlags,
}

/// The segments of one TCP stream.
#[derive(Debug, Clone, Default)]
pub struct StreamTimeline {
    pub stream: u64,
    first_sender: Option<(std::net::IpAddr, u16)>,
    pub segments: Vec<Segment>,
}

impl StreamTimeline {
    pub fn new(stream: u64) -> Self {
        StreamTimeline {
            stream,
            ..StreamTimeline::default()
        }
    }

    /// Adds `d` if it is a segment of this stream (call in capture order).
    pub fn push(&mut self, d: &Dissection<'_>) {
        let (Some(facts), Some(tcp)) = (&d.tcp, d.packet.tcp()) else {
            return;
        };
        if facts.stream != self.stream || self.segments.len() >= MAX_SEGMENTS {
            return;
        }
        let Some((src, _)) = crate::dissect::ip_addresses(&d.packet) else {
            return;
        };
        let sender = (src, tcp.source_port());
        let first = *self.first_sender.get_or_insert(sender);
        self.segments.push(Segment {
            frame: d.info.number,
            ts_ns: d.info.ts_ns,
            from_first: sender == first,
            seq: facts.seq_rel,
            nxtseq: facts.nxtseq_rel,
            ack: facts.ack_rel,
            ack_valid: facts.ack_valid,
            syn: tcp.syn(),
            fin: tcp.fin(),
            rst: tcp.rst(),
            len: d.packet.tcp_len.unwrap_or(0),
            window: facts.window_size,
            flags: facts.flags,
        });
    }

    pub fn get(&self, frame: u64) -> Option<&Segment> {
        self.segments.iter().find(|s| s.frame == frame)
    }

    fn after(&self, frame: u64) -> impl Iterator<Item = &Segment> {
        self.segments.iter().filter(move |s| s.frame > frame)
    }

    /// The first later segment of the other side whose acknowledgement covers `frame`'s
    /// sequence space (everything before its next seq).
    pub fn acked_by(&self, frame: u64) -> Option<&Segment> {
        let seg = self.get(frame)?;
        self.after(frame).find(|s| {
            s.from_first != seg.from_first
                && s.ack_valid
                && !crate::analysis::SeqNum(s.ack).before(crate::analysis::SeqNum(seg.nxtseq))
        })
    }

    /// Every transmission of `frame`'s sequence number by its sender up to `frame`, the
    /// original first (one element when it was sent once).
    pub fn transmissions(&self, frame: u64) -> Vec<&Segment> {
        let Some(seg) = self.get(frame) else {
            return Vec::new();
        };
        self.segments
            .iter()
            .filter(|s| {
                s.frame <= frame
                    && s.from_first == seg.from_first
                    && s.seq == seg.seq
                    && (s.len > 0 || s.syn || s.fin)
            })
            .collect()
    }

    /// For a segment advertising a zero window: the next segment of the same sender whose
    /// window is open again, and the zero-window probes the other side sent meanwhile.
    pub fn window_reopens(&self, frame: u64) -> (Option<&Segment>, Vec<&Segment>) {
        let Some(seg) = self.get(frame) else {
            return (None, Vec::new());
        };
        let reopen = self
            .after(frame)
            .find(|s| s.from_first == seg.from_first && s.window > 0);
        let until = reopen.map_or(u64::MAX, |r| r.frame);
        let probes = self
            .after(frame)
            .filter(|s| {
                s.frame < until
                    && s.from_first != seg.from_first
                    && s.flags.contains(AnalysisFlag::ZeroWindowProbe)
            })
            .collect();
        (reopen, probes)
    }

    /// The first FIN of the connection, if any.
    pub fn first_fin(&self) -> Option<&Segment> {
        self.segments.iter().find(|s| s.fin)
    }
}
