//! Sequence-number analysis: the `tcp.analysis.*` verdicts for one segment, following
//! Wireshark's `tcp_analyze_sequence_number` check by check and in the same order (the
//! order matters: several checks end the "forward" part early, and later checks read
//! state earlier ones wrote). Numbers are compared on the wrapping circle ([`SeqNum`]).

use std::collections::VecDeque;

use super::flow::{Flow, Unacked, WindowScale, MAX_UNACKED_SEGMENTS};
use super::tcp_flags::{ACK, FIN, RST, SYN};
use crate::analysis::flags::{AnalysisFlag, AnalysisFlags};
use crate::analysis::seq::SeqNum;

/// The fields of one segment the analysis reads (raw, absolute numbers).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SegInput {
    pub frame: u64,
    pub ts_ns: i64,
    pub seq: SeqNum,
    pub ack: SeqNum,
    pub seglen: u32,
    pub flags: u16,
    /// Raw window field (unscaled), as tshark passes it to the analysis.
    pub window: u32,
}

/// What the analysis concluded about one segment.
#[derive(Debug, Clone, Default)]
pub(crate) struct SeqVerdict {
    pub flags: AnalysisFlags,
    pub dup_ack_num: u32,
    pub dup_ack_frame: u64,
    /// Frame of the segment this one acknowledges, and how long that took.
    pub acks_frame: Option<u64>,
    pub ack_rtt_ns: Option<i64>,
    /// For retransmissions: the frame of the original (oldest unacknowledged) segment.
    pub rto_frame: Option<u64>,
    pub reasons: Vec<(AnalysisFlag, String)>,
}

impl SeqVerdict {
    fn set(&mut self, flag: AnalysisFlag, reason: impl FnOnce() -> String) {
        self.flags.insert(flag);
        self.reasons.push((flag, reason()));
    }
}

/// Elapsed nanoseconds as Wireshark computes it: an unsigned difference, so time running
/// backwards yields a huge value that fails every "within N ms" test.
fn elapsed(now: i64, then: i64) -> u64 {
    now.wrapping_sub(then) as u64
}

/// Fast retransmissions must follow the duplicate ACKs within this long (tshark: 20 ms).
const FAST_RETRANS_WINDOW_NS: u64 = 20_000_000;
/// Out-of-order threshold before the handshake RTT is known (tshark: 3 ms).
const DEFAULT_OOO_THRESHOLD_NS: u64 = 3_000_000;

/// Runs the analysis of one segment sent by `fwd` towards `rev`. `first_rtt_ns` is the
/// handshake RTT of the conversation (0 when unknown, tshark's convention).
pub(crate) fn analyze(
    fwd: &mut Flow,
    rev: &mut Flow,
    first_rtt_ns: i64,
    s: &SegInput,
) -> SeqVerdict {
    let mut v = SeqVerdict::default();
    let (seq, ack, seglen, flags, window) = (s.seq, s.ack, s.seglen, s.flags, s.window);
    // Relative bases. Without a SYN, start at 1 so numbering looks like a normal session.
    if fwd.base_seq.is_none() {
        fwd.base_seq = Some(if flags & SYN != 0 { seq } else { seq - 1 });
    }
    // The ACK field of a SYN need not be zero, so only trust acks with the ACK bit.
    if rev.base_seq.is_none() && flags & ACK != 0 {
        rev.base_seq = Some(ack - 1);
    }
    forward_checks(fwd, rev, s, &mut v);

    // A new acknowledgement number restarts the duplicate-ACK count.
    if ack != fwd.lastack {
        fwd.lastnondupack = s.frame;
        fwd.dupacknum = 0;
    }

    // ACKED UNSEEN SEGMENT: acknowledging beyond anything the peer was seen sending.
    if rev.maxseqtobeacked != SeqNum(0) && ack.after(rev.maxseqtobeacked) && flags & ACK != 0 {
        let (a, m) = (rev.rel(ack), rev.rel(rev.maxseqtobeacked));
        // Report once per hole: either move the peer's contiguous mark up to what it
        // sent, or (when it has nothing newer) use its dup-ACK counter as a "reported"
        // mark (-1) until it acknowledges something new.
        let report = if rev.maxseqtobeacked.before(rev.nextseq) {
            rev.maxseqtobeacked = rev.nextseq;
            true
        } else {
            let first = rev.dupacknum == 0;
            rev.dupacknum = -1;
            first
        };
        if report {
            v.set(AnalysisFlag::AckLostSegment, || {
                format!("ack {a} acknowledges data beyond {m}, the end of what the peer was seen sending")
            });
        }
    }

    if seglen > 0 || flags & (SYN | FIN) != 0 {
        classify_resend(fwd, rev, first_rtt_ns, s, &mut v);
    }

    // Remember this segment and move the flow's high-water marks.
    let mut nextseq = seq + seglen;
    if (seglen > 0 || flags & (SYN | FIN) != 0) && fwd.segments.len() < MAX_UNACKED_SEGMENTS {
        if flags & (SYN | FIN) != 0 {
            nextseq = nextseq + 1;
        }
        fwd.segments.push_front(Unacked {
            frame: s.frame,
            seq,
            nextseq,
            ts_ns: s.ts_ns,
        });
    }
    let is_zwp = v.flags.contains(AnalysisFlag::ZeroWindowProbe);
    // Zero-window probes do not really advance the sequence space.
    if (nextseq.after(fwd.nextseq) || fwd.nextseq == SeqNum(0)) && !is_zwp {
        fwd.nextseq = nextseq;
        fwd.nextseq_frame = s.frame;
        fwd.nextseq_ts = s.ts_ns;
    }
    if (seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == SeqNum(0)) && !is_zwp {
        fwd.maxseqtobeacked = fwd.nextseq;
    }
    fwd.window = window;
    fwd.lastack = ack;
    fwd.lastack_ts = s.ts_ns;
    fwd.last_segment_flags = v.flags;

    remove_acked(rev, s, &mut v);
    v
}

/// The checks on the segment itself, up to tshark's `finished_fwd` label.
fn forward_checks(fwd: &mut Flow, rev: &Flow, s: &SegInput, v: &mut SeqVerdict) {
    let (seq, ack, seglen, flags, window) = (s.seq, s.ack, s.seglen, s.flags, s.window);
    let syn_fin_rst = flags & (SYN | FIN | RST) != 0;
    let rseq = fwd.rel(seq);

    // ZERO WINDOW PROBE: one byte at the next expected sequence number into a closed window.
    if seglen == 1 && seq == fwd.nextseq && rev.window == 0 {
        v.set(AnalysisFlag::ZeroWindowProbe, || {
            format!("1 byte at seq {rseq} while the peer advertises a zero window")
        });
        return;
    }
    if window == 0 && flags & (RST | FIN | SYN) == 0 {
        v.set(AnalysisFlag::ZeroWindow, || {
            "the receive window is 0: the sender of this segment cannot accept data".to_string()
        });
    }
    // LOST SEGMENT: a hole before this segment (not checked for RST).
    if fwd.nextseq != SeqNum(0) && seq.after(fwd.nextseq) && flags & RST == 0 {
        let (exp, fr) = (fwd.rel(fwd.nextseq), fwd.nextseq_frame);
        v.set(AnalysisFlag::LostSegment, || {
            format!("seq {rseq} is beyond {exp}, the next expected seq after frame {fr}: a previous segment was not captured")
        });
    }
    // KEEP-ALIVE: 0 or 1 byte starting one before the next expected sequence number.
    if seglen <= 1 && seq == fwd.nextseq - 1 && !syn_fin_rst {
        let exp = fwd.rel(fwd.nextseq);
        v.set(AnalysisFlag::KeepAlive, || {
            format!("seq {rseq} is one below the next expected seq {exp} with {seglen} byte(s)")
        });
    }
    let same_seq_ack = seq == fwd.nextseq && ack == fwd.lastack;
    if seglen == 0 && window != 0 && window != fwd.window && same_seq_ack && !syn_fin_rst {
        let old = fwd.window;
        v.set(AnalysisFlag::WindowUpdate, || {
            format!("no data, same seq/ack as before, window changed from {old} to {window} (raw)")
        });
    }
    // WINDOW FULL: data reaching exactly the right edge of the peer's advertised window.
    if seglen > 0 && rev.win_scale != WindowScale::Unknown && !syn_fin_rst {
        let shift = if rev.is_first_ack {
            0
        } else {
            rev.win_scale.shift()
        };
        let edge = rev.lastack + (rev.window << shift);
        if seq + seglen == edge {
            let redge = fwd.rel(edge);
            v.set(AnalysisFlag::WindowFull, || {
                format!("seq {rseq} + {seglen} bytes reaches {redge}, the right edge of the peer's window")
            });
        }
    }
    let repeat = seglen == 0 && window == fwd.window && same_seq_ack && !syn_fin_rst;
    if repeat && window != 0 && rev.last_segment_flags.contains(AnalysisFlag::KeepAlive) {
        v.set(AnalysisFlag::KeepAliveAck, || {
            "repeats the previous ACK in answer to the peer's keep-alive".to_string()
        });
        return;
    }
    if repeat
        && window == 0
        && rev
            .last_segment_flags
            .contains(AnalysisFlag::ZeroWindowProbe)
    {
        v.set(AnalysisFlag::ZeroWindowProbeAck, || {
            "repeats the previous zero-window ACK in answer to the peer's zero-window probe"
                .to_string()
        });
        return;
    }
    if repeat && window != 0 {
        fwd.dupacknum = if fwd.dupacknum == -1 {
            1
        } else {
            fwd.dupacknum.saturating_add(1)
        };
        v.dup_ack_num = u32::try_from(fwd.dupacknum).unwrap_or(0);
        v.dup_ack_frame = fwd.lastnondupack;
        let (n, fr, rack) = (v.dup_ack_num, v.dup_ack_frame, rev.rel(ack));
        v.set(AnalysisFlag::DuplicateAck, || {
            format!("duplicate #{n} of the ACK {rack} first sent in frame {fr} (same seq, ack and window, no data)")
        });
    }
}

/// Retransmission / fast retransmission / spurious retransmission / out-of-order, for a
/// segment that carries data or a SYN/FIN.
fn classify_resend(fwd: &Flow, rev: &Flow, first_rtt_ns: i64, s: &SegInput, v: &mut SeqVerdict) {
    let (seq, seglen, flags) = (s.seq, s.seglen, s.flags);
    if v.flags.contains(AnalysisFlag::KeepAlive) {
        return;
    }
    let mut not_advanced = fwd.nextseq != SeqNum(0) && seq.before(fwd.nextseq);
    // One below nextseq with more than one byte: new data after a zero-window probe.
    if seglen > 1 && fwd.nextseq - 1 == seq {
        not_advanced = false;
    }
    let rseq = fwd.rel(seq);
    // The original is the oldest unacknowledged segment at or after this seq (tshark
    // issues 12259/17714); without one, the segment that last advanced nextseq.
    let original = fwd
        .segments
        .iter()
        .rev()
        .find(|u| !u.seq.before(seq))
        .map(|u| u.frame);

    if seglen > 0 && rev.lastack != SeqNum(0) && (seq + seglen).before_eq(rev.lastack) {
        let (end, lack) = (fwd.rel(seq + seglen), fwd.rel(rev.lastack));
        v.set(AnalysisFlag::SpuriousRetransmission, || {
            format!("seq {rseq}..{end} was already acknowledged (peer's ack {lack})")
        });
        return;
    }
    let since_ack = elapsed(s.ts_ns, rev.lastack_ts);
    // The counter is unsigned in tshark, so its "-1" (ACKed unseen segment reported)
    // counts as "at least two duplicate ACKs" here.
    let dup_acks = rev.dupacknum as u32;
    if not_advanced && dup_acks >= 2 && rev.lastack == seq && since_ack < FAST_RETRANS_WINDOW_NS {
        let why = if rev.dupacknum < 0 {
            "after the peer acknowledged unseen data".to_string()
        } else {
            format!(
                "within 20 ms of {} duplicate ACKs asking for it",
                rev.dupacknum
            )
        };
        v.set(AnalysisFlag::FastRetransmission, || {
            format!("seq {rseq} resent {why}")
        });
        return;
    }
    let since_high = elapsed(s.ts_ns, fwd.nextseq_ts);
    let threshold = if first_rtt_ns == 0 {
        DEFAULT_OOO_THRESHOLD_NS
    } else {
        first_rtt_ns as u64
    };
    let phantom = u32::from(flags & (SYN | FIN) != 0);
    if not_advanced && since_high < threshold && fwd.nextseq != seq + seglen + phantom {
        let (exp, fr) = (fwd.rel(fwd.nextseq), fwd.nextseq_frame);
        v.set(AnalysisFlag::OutOfOrder, || {
            format!("seq {rseq} is below the highest next seq {exp} (frame {fr}) and arrived within the out-of-order threshold")
        });
        return;
    }
    if not_advanced {
        v.rto_frame = Some(original.unwrap_or(fwd.nextseq_frame));
        let fr = v.rto_frame.unwrap_or(0);
        v.set(AnalysisFlag::Retransmission, || {
            format!("seq {rseq} was already sent in frame {fr} and not acknowledged")
        });
    }
}

/// Drops the peer's segments this ACK covers (tshark keeps them to time the ACK).
fn remove_acked(rev: &mut Flow, s: &SegInput, v: &mut SeqVerdict) {
    let ack = s.ack;
    let mut i = 0;
    while let Some(u) = rev.segments.get_mut(i) {
        if ack == u.nextseq {
            v.acks_frame = Some(u.frame);
            v.ack_rtt_ns = Some(s.ts_ns.wrapping_sub(u.ts_ns));
        } else if ack.after(u.seq) && ack.before_eq(u.nextseq) {
            // Partly acknowledged: keep the rest (the loop terminates: now seq == ack).
            u.seq = ack;
            continue;
        } else if u.nextseq.after(ack) {
            i += 1;
            continue;
        }
        rev.segments.remove(i);
    }
    // Give back the memory once everything is acknowledged: memory should follow the
    // number of open conversations, not the largest window ever seen. With 100k finished
    // connections the idle capacity was a quarter of the resident memory; freeing it
    // costs one allocation per flight of segments.
    if rev.segments.is_empty() && rev.segments.capacity() > 0 {
        rev.segments = VecDeque::new();
    }
}
