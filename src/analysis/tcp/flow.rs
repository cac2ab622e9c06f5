//! Per-direction TCP state: what one endpoint has sent so far, as Wireshark's
//! `tcp_flow_t` + `tcp_analyze_seq_flow_info_t` keep it.

use std::collections::VecDeque;
// Frame numbers start at 1: `Option<NonZeroU64>` takes 8 bytes where `Option<u64>` takes
// 16, and a capture keeps a flow pair per TCP conversation it ever saw.
use std::num::NonZeroU64;

use crate::analysis::flags::AnalysisFlags;
use crate::analysis::seq::SeqNum;

/// Wireshark stops remembering unacknowledged segments past this many
/// (`TCP_MAX_UNACKED_SEGMENTS`); it also stops adding the SYN/FIN phantom byte to `nextseq`
/// then, so the limit is part of the semantics, not just a memory bound.
pub(crate) const MAX_UNACKED_SEGMENTS: usize = 10_000;

/// Window-scale knowledge for one direction (Wireshark's `win_scale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowScale {
    /// No SYN seen with or without the option: the raw window is shown unscaled.
    Unknown,
    /// The handshake showed scaling is not in use.
    NotUsed,
    /// Shift count from the SYN's window-scale option (0..=14).
    Shift(u8),
}

impl WindowScale {
    /// The shift tshark applies to the raw window of a non-SYN segment.
    pub fn shift(self) -> u32 {
        match self {
            WindowScale::Shift(s) => u32::from(s),
            _ => 0,
        }
    }
}

/// A segment sent but not yet acknowledged.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unacked {
    pub frame: u64,
    pub seq: SeqNum,
    pub nextseq: SeqNum,
    pub ts_ns: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Flow {
    /// Relative numbers are measured from here; `None` until the first segment (or the
    /// first ACK from the other side) tells us.
    pub base_seq: Option<SeqNum>,
    pub win_scale: WindowScale,
    /// Last raw (unscaled) window advertised; `u32::MAX` until one is seen, as in tshark,
    /// so the first segment is never taken for a window update or duplicate ACK.
    pub window: u32,
    /// True from a SYN until this side's first pure ACK: the SYN's window is never
    /// scaled, so "window full" must not scale it either (Wireshark issue 14690).
    pub is_first_ack: bool,
    /// Highest sequence number sent + 1. Zero doubles as "unknown", exactly as in tshark;
    /// a flow whose next sequence number really is 0 is treated as fresh, like there.
    pub nextseq: SeqNum,
    pub nextseq_frame: u64,
    pub nextseq_ts: i64,
    /// End of the contiguous data sent, for "ACKed unseen segment" (0 = unknown).
    pub maxseqtobeacked: SeqNum,
    /// Last acknowledgement number this side sent (0 = none yet).
    pub lastack: SeqNum,
    pub lastack_ts: i64,
    pub lastnondupack: u64,
    /// Duplicate-ACK counter; -1 means "an ACKed-unseen-segment was reported".
    pub dupacknum: i32,
    pub last_segment_flags: AnalysisFlags,
    /// Newest first, like tshark's singly linked list.
    pub segments: VecDeque<Unacked>,
    pub syn_frame: Option<NonZeroU64>,
    /// Initial sequence number, when this side's SYN (or SYN-ACK) was captured.
    pub isn: Option<SeqNum>,
    pub fin_frame: Option<NonZeroU64>,
    /// Sequence number just past this side's FIN, to see when the peer acknowledges it.
    pub fin_nextseq: Option<SeqNum>,
    pub fin_acked: bool,
    pub rst_frame: Option<NonZeroU64>,
}

impl Default for Flow {
    fn default() -> Self {
        Flow {
            base_seq: None,
            win_scale: WindowScale::Unknown,
            window: u32::MAX,
            is_first_ack: false,
            nextseq: SeqNum(0),
            nextseq_frame: 0,
            nextseq_ts: 0,
            maxseqtobeacked: SeqNum(0),
            lastack: SeqNum(0),
            lastack_ts: 0,
            lastnondupack: 0,
            dupacknum: 0,
            last_segment_flags: AnalysisFlags::EMPTY,
            segments: VecDeque::new(),
            syn_frame: None,
            isn: None,
            fin_frame: None,
            fin_nextseq: None,
            fin_acked: false,
            rst_frame: None,
        }
    }
}

impl Flow {
    /// `x` relative to this flow's base (raw when no base is known yet).
    pub fn rel(&self, x: SeqNum) -> u32 {
        x - self.base_seq.unwrap_or(SeqNum(0))
    }
}
