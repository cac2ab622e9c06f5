//! TCP conversation analysis: stream numbering, relative sequence numbers, window
//! scaling, connection state and the `tcp.analysis.*` flags, with tshark 4.0 semantics.

mod flow;
mod info;
mod sequence;
mod state;

use std::net::IpAddr;
use std::num::NonZeroU64;

pub use flow::WindowScale;
pub use info::{DirectionInfo, TcpStreamInfo};
pub use state::{ConnState, Handshake, Role};

use crate::analysis::chunked::Chunked;
use crate::analysis::conv_index::ConvIndex;
use crate::analysis::conversations::ConvStats;
use crate::analysis::flags::{AnalysisFlag, AnalysisFlags};
use crate::analysis::key::{ConvKey, Endpoint, KeySide};
use crate::analysis::seq::SeqNum;
use flow::Flow;
use sequence::SegInput;
use state::Connection;

/// Bits of the 12-bit `tcp.flags` field.
pub mod tcp_flags {
    pub const FIN: u16 = 0x001;
    pub const SYN: u16 = 0x002;
    pub const RST: u16 = 0x004;
    pub const PSH: u16 = 0x008;
    pub const ACK: u16 = 0x010;
    pub const URG: u16 = 0x020;
    pub const ECE: u16 = 0x040;
    pub const CWR: u16 = 0x080;
    pub const AE: u16 = 0x100;
}
use tcp_flags::{ACK, FIN, RST, SYN};

/// One TCP segment as the decoder hands it to the analysis. Numbers are raw (as on the
/// wire); lengths come from the IP header, not from what was captured.
#[derive(Debug, Clone, Copy)]
pub struct TcpSegment<'a> {
    /// 1-based frame number.
    pub frame: u64,
    pub ts_ns: i64,
    /// Whole frame length on the wire (`frame.len`), for the conversation byte counts.
    pub frame_len: u32,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    /// The 12-bit flags field ([`tcp_flags`]).
    pub flags: u16,
    /// Raw window field (`tcp.window_size_value`).
    pub window: u16,
    /// Captured payload bytes (may be shorter than `payload_len` with a snap length).
    pub payload: &'a [u8],
    /// `tcp.len`: IP payload length minus the TCP header length.
    pub payload_len: u32,
    /// Shift count of the window-scale option, if the segment carries one.
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    pub sack_blocks: &'a [(u32, u32)],
    pub mss: Option<u16>,
}

/// What the analysis says about one segment (the `tcp.*` generated fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpFacts {
    /// `tcp.stream`
    pub stream: u64,
    /// `tcp.seq` (relative)
    pub seq_rel: u32,
    /// `tcp.ack`: relative when the ACK bit is set; tshark shows the raw field otherwise.
    pub ack_rel: u32,
    /// Whether the ACK bit is set (so `ack_rel` is relative).
    pub ack_valid: bool,
    /// `tcp.nxtseq`
    pub nxtseq_rel: u32,
    /// `tcp.window_size` (scaled when the scale is known; SYNs never scaled).
    pub window_size: u64,
    /// The scale that applied to this segment's window.
    pub window_scale: WindowScale,
    /// Every `tcp.analysis.*` field tshark would show. Fast and spurious retransmissions
    /// also carry `Retransmission`, because tshark adds that expert field too.
    pub flags: AnalysisFlags,
    /// `tcp.analysis.duplicate_ack_num` (0 = absent).
    pub dup_ack_num: u32,
    /// `tcp.analysis.duplicate_ack_frame` (meaningful when `dup_ack_num > 0`).
    pub dup_ack_frame: u64,
    /// `tcp.analysis.acks_frame` and `tcp.analysis.ack_rtt`.
    pub acks_frame: Option<u64>,
    pub ack_rtt_ns: Option<i64>,
    /// Frame of the original transmission, for retransmissions.
    pub rto_frame: Option<u64>,
    /// One sentence per set flag, naming the frames and numbers involved.
    pub reasons: Vec<(AnalysisFlag, String)>,
    /// The sender's role and the connection state after this segment.
    pub role: Role,
    pub state: ConnState,
    pub handshake: Handshake,
    /// `tcp.completeness`: what the stream had shown before this segment (SYN 1, SYN-ACK
    /// 2, ACK 4, data 8, FIN 16, RST 32), as tshark's single pass reports it.
    pub completeness: u8,
    /// Since the stream's first frame, and since its previous frame (tshark's
    /// `tcp.time_relative` and `tcp.time_delta`).
    pub stream_rel_ns: i64,
    pub stream_delta_ns: i64,
}

impl TcpFacts {
    /// A segment's stream and raw numbers, without any analysis.
    pub(crate) fn unanalysed(stream: u64, seg: &TcpSegment<'_>) -> Self {
        TcpFacts {
            stream,
            seq_rel: seg.seq,
            ack_rel: seg.ack,
            ack_valid: false,
            nxtseq_rel: seg.seq,
            window_size: u64::from(seg.window),
            window_scale: WindowScale::Unknown,
            flags: AnalysisFlags::default(),
            dup_ack_num: 0,
            dup_ack_frame: 0,
            acks_frame: None,
            ack_rtt_ns: None,
            rto_frame: None,
            reasons: Vec::new(),
            role: Role::default(),
            state: ConnState::default(),
            handshake: Handshake::default(),
            completeness: 0,
            stream_rel_ns: 0,
            stream_delta_ns: 0,
        }
    }
}

/// One TCP conversation (a `tcp.stream`).
#[derive(Debug, Clone)]
pub(crate) struct TcpConv {
    flows: [Flow; 2],
    conn: Connection,
    /// Most recent pure SYN time and the first RTT derived from it; 0 = unset (tshark's
    /// `nstime_is_zero` convention, kept for identical out-of-order decisions).
    ts_mru_syn: i64,
    ts_first_rtt: i64,
    /// `tcp.completeness` so far.
    completeness: u8,
    /// Timestamps of the stream's first and latest frames.
    first_ts_ns: i64,
    prev_ts_ns: i64,
    pub stats: ConvStats,
}

impl TcpConv {
    fn new(stream: u64, seg: &TcpSegment<'_>, key: &ConvKey, side: KeySide) -> Self {
        TcpConv {
            flows: [Flow::default(), Flow::default()],
            conn: Connection::default(),
            ts_mru_syn: 0,
            ts_first_rtt: 0,
            completeness: 0,
            first_ts_ns: seg.ts_ns,
            prev_ts_ns: seg.ts_ns,
            stats: ConvStats::new(stream, key, side, seg.ts_ns),
        }
    }

    pub fn state(&self) -> ConnState {
        self.conn.state
    }

    /// (forward, reverse) flows for a packet sent from `side`.
    fn flows_mut(&mut self, side: KeySide) -> (&mut Flow, &mut Flow) {
        let [lo, hi] = &mut self.flows;
        match side {
            KeySide::Lo => (lo, hi),
            KeySide::Hi => (hi, lo),
        }
    }
}

/// All TCP conversations seen so far.
#[derive(Debug, Default)]
pub(crate) struct TcpTable {
    by_key: ConvIndex,
    pub convs: Chunked<TcpConv>,
}

/// The `tcp.completeness` bits one segment adds. Derived from tshark 4.0's output on the
/// textbook captures: the segment that opens a stream counts only if it is a SYN; a
/// data-less ACK counts as ACK, a segment with data as DATA (not also as ACK).
fn completeness_bits(seg: &TcpSegment<'_>, opens_stream: bool) -> u8 {
    let flags = seg.flags;
    if opens_stream && flags & SYN == 0 {
        return 0;
    }
    let mut bits = 0;
    if flags & SYN != 0 {
        bits |= if flags & ACK != 0 { 2 } else { 1 };
    }
    if flags & (SYN | FIN | RST | ACK) == ACK && seg.payload_len == 0 {
        bits |= 4;
    }
    if seg.payload_len > 0 {
        bits |= 8;
    }
    if flags & FIN != 0 {
        bits |= 16;
    }
    if flags & RST != 0 {
        bits |= 32;
    }
    bits
}

impl TcpTable {
    /// Finds (or opens) the stream of `seg`, applying tshark's port-reuse rules, and
    /// counts the packet. Returns (index, key side, whether ports were reused).
    fn locate(&mut self, seg: &TcpSegment<'_>) -> (usize, KeySide, bool) {
        let src = Endpoint {
            addr: seg.src,
            port: seg.src_port,
        };
        let dst = Endpoint {
            addr: seg.dst,
            port: seg.dst_port,
        };
        let (key, side) = ConvKey::new(src, dst);
        let seq = SeqNum(seg.seq);
        let flags = seg.flags;
        let mut reused = false;

        let convs = &self.convs;
        let found = self
            .by_key
            .get(&key, |i| convs.get(i).map(|c| c.stats.key()));
        let mut idx = match found {
            Some(i) => i,
            None => self.create(key, side, seg),
        };
        // A SYN with a new ISN on a known 5-tuple starts a new stream (port reuse); the
        // same ISN is a retransmitted SYN and restores the flow's nextseq (tshark 17616),
        // which tshark 4.0 does not report as reused ports.
        if flags & (SYN | ACK) == SYN {
            if let Some(fwd) = self.convs.get_mut(idx).map(|c| c.flows_mut(side).0) {
                if let Some(base) = fwd.base_seq {
                    if base != seq {
                        idx = self.create(key, side, seg);
                        reused = true;
                    } else {
                        fwd.nextseq = fwd.maxseqtobeacked;
                    }
                }
            }
        }
        // `idx` came from `by_key` or `create`, so it is in `convs` (which never shrinks).
        if let Some(conv) = self.convs.get_mut(idx) {
            if flags & (SYN | ACK) == (SYN | ACK) {
                let fwd = conv.flows_mut(side).0;
                if fwd.base_seq.is_some_and(|b| b != seq) {
                    // A new SYN-ACK ISN re-bases this direction (tshark issue 16944).
                    fwd.base_seq = Some(seq);
                    reused = true;
                }
            }
            conv.stats.count(side, seg.frame_len, seg.ts_ns);
        }
        (idx, side, reused)
    }

    /// A segment whose length is unknown (IP total length shorter than the TCP header):
    /// tshark still numbers its stream but skips every sequence-based analysis.
    pub fn stream_only(&mut self, seg: &TcpSegment<'_>) -> u64 {
        let (idx, _, _) = self.locate(seg);
        self.convs.get(idx).map_or(idx as u64, |c| c.stats.stream)
    }

    /// Analyzes `seg`, writing its facts where the caller keeps them: returning the
    /// 200-byte facts and wrapping them in an Option copied them twice per segment.
    pub fn process_into(&mut self, seg: &TcpSegment<'_>, out: &mut Option<TcpFacts>) {
        let (idx, side, reused) = self.locate(seg);
        let seq = SeqNum(seg.seq);
        let flags = seg.flags;
        let Some(conv) = self.convs.get_mut(idx) else {
            // Not reached: `locate` returns an index into `convs`.
            *out = Some(TcpFacts::unanalysed(idx as u64, seg));
            return;
        };
        let input = SegInput {
            frame: seg.frame,
            ts_ns: seg.ts_ns,
            seq,
            ack: SeqNum(seg.ack),
            seglen: seg.payload_len,
            flags,
            window: u32::from(seg.window),
        };
        let first_rtt = conv.ts_first_rtt;
        let (fwd, rev) = conv.flows_mut(side);
        let mut verdict = sequence::analyze(fwd, rev, first_rtt, &input);
        if reused {
            verdict.flags.insert(AnalysisFlag::ReusedPorts);
        }
        // tshark shows tcp.analysis.retransmission with fast and spurious ones too.
        if verdict.flags.contains(AnalysisFlag::FastRetransmission)
            || verdict.flags.contains(AnalysisFlag::SpuriousRetransmission)
        {
            verdict.flags.insert(AnalysisFlag::Retransmission);
        }

        let seq_rel = fwd.rel(seq);
        let ack_valid = flags & ACK != 0;
        let ack_rel = if ack_valid {
            rev.rel(SeqNum(seg.ack))
        } else {
            seg.ack
        };
        let window_scale = fwd.win_scale;
        let window_size = if flags & SYN != 0 {
            u64::from(seg.window)
        } else {
            u64::from(seg.window) << window_scale.shift()
        };
        let phantom = u32::from(flags & (SYN | FIN) != 0);
        let nxtseq_rel = seq_rel.wrapping_add(seg.payload_len).wrapping_add(phantom);

        after_analysis(conv, side, seg);
        let completeness = conv.completeness;
        let stream_rel_ns = seg.ts_ns.wrapping_sub(conv.first_ts_ns);
        let stream_delta_ns = seg.ts_ns.wrapping_sub(conv.prev_ts_ns);
        conv.prev_ts_ns = seg.ts_ns;
        conv.completeness |= completeness_bits(seg, conv.stats.frames() == 1);
        *out = Some(TcpFacts {
            stream: conv.stats.stream,
            seq_rel,
            ack_rel,
            ack_valid,
            nxtseq_rel,
            window_size,
            window_scale,
            flags: verdict.flags,
            dup_ack_num: verdict.dup_ack_num,
            dup_ack_frame: verdict.dup_ack_frame,
            acks_frame: verdict.acks_frame,
            ack_rtt_ns: verdict.ack_rtt_ns,
            rto_frame: verdict.rto_frame,
            reasons: verdict.reasons,
            role: conv.conn.role_of(side),
            state: conv.conn.state,
            handshake: conv.conn.handshake,
            completeness,
            stream_rel_ns,
            stream_delta_ns,
        });
    }

    fn create(&mut self, key: ConvKey, side: KeySide, seg: &TcpSegment<'_>) -> usize {
        let idx = self.convs.len();
        self.convs.push(TcpConv::new(idx as u64, seg, &key, side));
        let convs = &self.convs;
        self.by_key
            .set(&key, idx, |i| convs.get(i).map(|c| c.stats.key()));
        idx
    }
}

/// What dissect_tcp does after the sequence analysis: handshake RTT, window-scale options
/// and their validation, and sockeye's connection state.
fn after_analysis(conv: &mut TcpConv, side: KeySide, seg: &TcpSegment<'_>) {
    let flags = seg.flags;
    if flags & SYN != 0 {
        if flags & ACK == 0 {
            conv.ts_mru_syn = seg.ts_ns;
        }
        conv.flows_mut(side).0.is_first_ack = true;
    }
    if flags & (SYN | ACK) == ACK {
        if conv.ts_mru_syn != 0 && conv.ts_first_rtt == 0 {
            conv.ts_first_rtt = seg.ts_ns.wrapping_sub(conv.ts_mru_syn);
        }
        conv.flows_mut(side).0.is_first_ack = false;
    }
    let (fwd, rev) = conv.flows_mut(side);
    if let Some(shift) = seg.window_scale {
        // RFC 7323 §2.3: shifts above 14 are treated as 14.
        fwd.win_scale = WindowScale::Shift(shift.min(14));
    }
    if flags & SYN != 0 {
        // Scaling is in use only if both SYNs carry the option.
        if fwd.win_scale == WindowScale::Unknown {
            fwd.win_scale = WindowScale::NotUsed;
            rev.win_scale = WindowScale::NotUsed;
        } else if flags & ACK != 0 && rev.win_scale == WindowScale::NotUsed {
            fwd.win_scale = WindowScale::NotUsed;
        }
    }
    // Connection state: FIN bookkeeping, then the state machine.
    if flags & FIN != 0 && fwd.fin_frame.is_none() {
        fwd.fin_frame = NonZeroU64::new(seg.frame);
        let phantom_end = SeqNum(seg.seq) + seg.payload_len + 1;
        fwd.fin_nextseq = Some(phantom_end);
    }
    if flags & ACK != 0 {
        if let Some(end) = rev.fin_nextseq {
            if !SeqNum(seg.ack).before(end) {
                rev.fin_acked = true;
            }
        }
    }
    if flags & SYN != 0 {
        if flags & ACK == 0 && fwd.syn_frame.is_none() {
            fwd.syn_frame = NonZeroU64::new(seg.frame);
        }
        // The base follows the latest SYN / re-based SYN-ACK, so it is the ISN.
        fwd.isn = fwd.base_seq;
    }
    if flags & tcp_flags::RST != 0 && fwd.rst_frame.is_none() {
        fwd.rst_frame = NonZeroU64::new(seg.frame);
    }
    let fins_acked = fwd.fin_acked && rev.fin_acked;
    conv.conn
        .on_segment(side, seg.frame, seg.ts_ns, flags, fins_acked);
    conv.stats.state = conv.conn.state;
}
