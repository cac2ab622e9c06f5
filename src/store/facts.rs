//! The analysis facts of every packet, kept exactly as the pipeline computed them, so the
//! UI's details tree, filter, ladder and explain pane read the same facts as `-V`, `-T
//! fields` and `-Y` — never a rebuilt, lossier copy.
//!
//! Most of a packet's facts fit its [`Entry`](super::Entry) (stream, relative seq/ack,
//! window, flags, state). What only some packets have lives in side tables that only those
//! packets pay for: [`Extra`] (acks, RTT, duplicate ACKs, retransmission origin; ~40 bytes,
//! about one TCP packet in two) and [`Heavy`] (the flags' sentences, a reassembled IP
//! datagram; rare). The handshake is kept once per stream: its frames are set once each, in
//! order, so the handshake as it stood at frame N is the stream's handshake with every frame
//! after N left out.

use etherparse::defrag::IpDefragPayloadVec;

use crate::analysis::vantage::Pair;
use crate::analysis::{AnalysisFlag, ConnState, Handshake, Role, TcpFacts, WindowScale};
use crate::dissect::app::AppFacts;

/// "No side-table row" in [`Entry::extra`](super::Entry) and [`Extra::heavy`].
pub const NONE: u32 = u32::MAX;

/// Per-packet TCP facts that most packets lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extra {
    /// `tcp.analysis.acks_frame` (0 = absent: frame numbers start at 1).
    pub acks_frame: u64,
    /// `tcp.analysis.ack_rtt` in ns (`i64::MIN` = absent).
    pub ack_rtt_ns: i64,
    pub dup_ack_frame: u64,
    /// Frame of the original transmission (0 = absent).
    pub rto_frame: u64,
    pub dup_ack_num: u32,
    /// `tcp.nxtseq` when it is not seq + len + SYN/FIN (past tshark's unacked-segment
    /// limit the phantom byte is not added); [`NONE`] = the usual sum.
    pub nxtseq: u32,
    /// Row of [`Heavy`], or [`NONE`].
    pub heavy: u32,
    /// `tcp.time_delta` when it differs from the delta to the previous captured frame
    /// (the previous frame was another stream's); `i64::MIN` = the same.
    pub stream_delta_ns: i64,
}

impl Default for Extra {
    fn default() -> Self {
        Extra {
            acks_frame: 0,
            ack_rtt_ns: i64::MIN,
            dup_ack_frame: 0,
            rto_frame: 0,
            dup_ack_num: 0,
            nxtseq: NONE,
            heavy: NONE,
            stream_delta_ns: i64::MIN,
        }
    }
}

/// Rare, variable-sized facts of one packet.
#[derive(Debug, Clone, Default)]
pub struct Heavy {
    /// One sentence per analysis flag, naming the frames and numbers involved.
    pub reasons: Vec<(AnalysisFlag, String)>,
    /// The whole datagram, on the frame that completed a fragmented one.
    pub reassembled: Option<IpDefragPayloadVec>,
    /// The application facts, when they differ from the packet decoded on its own.
    pub app: Option<Box<AppFacts>>,
}

impl Heavy {
    /// Bytes this row holds, counted against a live store's limit.
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<Heavy>()
            + self
                .reasons
                .iter()
                .map(|(_, s)| s.len() + 32)
                .sum::<usize>()
            + self.reassembled.as_ref().map_or(0, |r| r.payload.len())
            + self.app.as_ref().map_or(0, |a| a.bytes())
    }

    fn is_empty(&self) -> bool {
        self.reasons.is_empty() && self.reassembled.is_none() && self.app.is_none()
    }
}

/// The TCP facts that do not fit an entry, split into what a batch appends.
pub struct Split {
    pub extra: Option<Extra>,
    pub heavy: Option<Heavy>,
}

/// Splits the facts of one packet into side-table rows (none when it has nothing extra).
pub fn split(
    tcp: Option<&TcpFacts>,
    reassembled: Option<&IpDefragPayloadVec>,
    app: Option<&AppFacts>,
    usual_nxtseq: u32,
    frame_delta_ns: i64,
) -> Split {
    let heavy = Heavy {
        reasons: tcp.map(|t| t.reasons.clone()).unwrap_or_default(),
        reassembled: reassembled.cloned(),
        app: app.map(|a| Box::new(a.clone())),
    };
    let heavy = (!heavy.is_empty()).then_some(heavy);
    let mut extra = Extra::default();
    if let Some(t) = tcp {
        extra.acks_frame = t.acks_frame.unwrap_or(0);
        extra.ack_rtt_ns = t.ack_rtt_ns.unwrap_or(i64::MIN);
        extra.dup_ack_num = t.dup_ack_num;
        extra.dup_ack_frame = t.dup_ack_frame;
        extra.rto_frame = t.rto_frame.unwrap_or(0);
        if t.nxtseq_rel != usual_nxtseq {
            extra.nxtseq = t.nxtseq_rel;
        }
        if t.stream_delta_ns != frame_delta_ns {
            extra.stream_delta_ns = t.stream_delta_ns;
        }
    }
    let extra = (heavy.is_some() || extra != Extra::default()).then_some(extra);
    Split { extra, heavy }
}

/// Window-scale knowledge in one byte.
pub fn wscale_code(w: WindowScale) -> u8 {
    match w {
        WindowScale::Unknown => 0xFF,
        WindowScale::NotUsed => 0xFE,
        // The analysis clamps shifts to 14.
        WindowScale::Shift(s) => s.min(0xFD),
    }
}

pub fn wscale_of(code: u8) -> WindowScale {
    match code {
        0xFF => WindowScale::Unknown,
        0xFE => WindowScale::NotUsed,
        s => WindowScale::Shift(s),
    }
}

fn role_code(r: Role) -> u8 {
    match r {
        Role::Client => 0,
        Role::Server => 1,
        Role::Unknown => 2,
    }
}

fn role_of(code: u8) -> Role {
    match code {
        0 => Role::Client,
        1 => Role::Server,
        _ => Role::Unknown,
    }
}

/// Connection state in one byte.
pub fn state_code(s: ConnState) -> u8 {
    match s {
        ConnState::MidStream => 0,
        ConnState::SynSent => 1,
        ConnState::SynReceived => 2,
        ConnState::Established => 3,
        ConnState::Closing => 4,
        ConnState::Closed => 5,
        ConnState::Refused => 6,
        ConnState::HalfClosed { first_fin } => 8 + role_code(first_fin),
        ConnState::Reset { by } => 16 + role_code(by),
    }
}

pub fn state_of(code: u8) -> ConnState {
    match code {
        1 => ConnState::SynSent,
        2 => ConnState::SynReceived,
        3 => ConnState::Established,
        4 => ConnState::Closing,
        5 => ConnState::Closed,
        6 => ConnState::Refused,
        8..=10 => ConnState::HalfClosed {
            first_fin: role_of(code - 8),
        },
        16..=18 => ConnState::Reset {
            by: role_of(code - 16),
        },
        _ => ConnState::MidStream,
    }
}

/// The handshake as it stood after frame `number`: the stream's handshake without the
/// frames that came later.
pub fn handshake_at(stream: &Handshake, number: u64) -> Handshake {
    let seen = |f: Option<u64>| f.filter(|&f| f <= number);
    let ack_frame = seen(stream.ack_frame);
    Handshake {
        syn_frame: seen(stream.syn_frame),
        synack_frame: seen(stream.synack_frame),
        ack_frame,
        rtt_ns: stream.rtt_ns.filter(|_| ack_frame.is_some()),
    }
}

/// Side tables indexed absolutely (row numbers never shift when a live store evicts the
/// oldest rows), plus the handshake of every TCP stream.
#[derive(Debug, Default)]
pub struct FactTable {
    extras: Vec<Extra>,
    extras_base: usize,
    heavy: Vec<Heavy>,
    heavy_base: usize,
    heavy_bytes: usize,
    handshakes: Vec<Handshake>,
    /// Timestamp of every TCP stream's first frame.
    stream_starts: Vec<i64>,
    /// A two-vantage capture's pairs (`sockeye.vantage.*`), by arrival frame number in
    /// capture order: only arriving copies pay for them, and a capture from one vantage
    /// point not at all.
    vantage: Vec<(u64, Pair)>,
}

impl FactTable {
    /// When `stream`'s first frame was captured.
    pub fn stream_start(&self, stream: u32) -> Option<i64> {
        self.stream_starts.get(stream as usize).copied()
    }

    pub fn extra(&self, row: u32) -> Option<&Extra> {
        if row == NONE {
            return None;
        }
        self.extras
            .get((row as usize).checked_sub(self.extras_base)?)
    }

    pub fn heavy(&self, row: u32) -> Option<&Heavy> {
        if row == NONE {
            return None;
        }
        self.heavy.get((row as usize).checked_sub(self.heavy_base)?)
    }

    /// The departure of frame `number` (1-based), when it is a segment's arriving copy.
    pub fn vantage(&self, number: u64) -> Option<Pair> {
        let at = self
            .vantage
            .binary_search_by_key(&number, |(n, _)| *n)
            .ok()?;
        self.vantage.get(at).map(|(_, pair)| *pair)
    }

    /// The first departure paired with an arrival (the pairs are kept in arrival order,
    /// and a later arrival may pair with an earlier departure: the smallest one counts).
    pub fn first_departure(&self) -> Option<u64> {
        self.vantage
            .iter()
            .map(|(_, pair)| pair.departure.frame)
            .min()
    }

    /// Forgets the pairs of frames before `number` (a live store evicted them).
    pub fn evict_vantage_before(&mut self, number: u64) {
        let dead = self.vantage.partition_point(|(n, _)| *n < number);
        self.vantage.drain(..dead);
    }

    pub fn handshake(&self, stream: u32) -> Handshake {
        self.handshakes
            .get(stream as usize)
            .copied()
            .unwrap_or_default()
    }

    /// Absolute row numbers the next appended extra and heavy rows get.
    pub fn next_rows(&self) -> (usize, usize) {
        (
            self.extras_base + self.extras.len(),
            self.heavy_base + self.heavy.len(),
        )
    }

    /// Appends a batch's rows; their `heavy` links must already be absolute.
    pub fn append(&mut self, batch: &mut FactBatch) {
        self.heavy_bytes += batch.heavy.iter().map(Heavy::bytes).sum::<usize>();
        self.extras.append(&mut batch.extras);
        self.heavy.append(&mut batch.heavy);
        self.vantage.append(&mut batch.vantage);
        for (stream, start) in batch.stream_starts.drain(..) {
            let Ok(i) = usize::try_from(stream) else {
                continue;
            };
            if self.stream_starts.len() <= i {
                self.stream_starts.resize(i + 1, start);
            }
            if let Some(slot) = self.stream_starts.get_mut(i) {
                *slot = start;
            }
        }
        for (stream, hs) in batch.handshakes.drain(..) {
            let Ok(i) = usize::try_from(stream) else {
                continue;
            };
            if self.handshakes.len() <= i {
                self.handshakes.resize(i + 1, Handshake::default());
            }
            if let Some(slot) = self.handshakes.get_mut(i) {
                *slot = hs;
            }
        }
    }

    /// Forgets the rows below `extra_row` (the first extra row a kept packet uses) and the
    /// heavy rows only they used.
    pub fn evict_before(&mut self, extra_row: usize) {
        let dead = extra_row
            .saturating_sub(self.extras_base)
            .min(self.extras.len());
        if dead == 0 {
            return;
        }
        self.extras.drain(..dead);
        self.extras_base += dead;
        let heavy_row = self
            .extras
            .iter()
            .map(|e| e.heavy)
            .find(|&h| h != NONE)
            .map_or(self.heavy_base + self.heavy.len(), |h| h as usize);
        let dead = heavy_row
            .saturating_sub(self.heavy_base)
            .min(self.heavy.len());
        let freed: usize = self.heavy.drain(..dead).map(|h| h.bytes()).sum();
        self.heavy_bytes = self.heavy_bytes.saturating_sub(freed);
        self.heavy_base += dead;
    }

    /// Memory the side tables hold (for a live store's limit).
    pub fn bytes(&self) -> usize {
        self.extras.len() * std::mem::size_of::<Extra>()
            + self.heavy_bytes
            + self.handshakes.len() * std::mem::size_of::<Handshake>()
            + self.stream_starts.len() * std::mem::size_of::<i64>()
            + self.vantage.len() * std::mem::size_of::<(u64, Pair)>()
    }
}

/// The side-table rows of one indexer batch, before the store numbers them.
#[derive(Debug, Default)]
pub struct FactBatch {
    pub extras: Vec<Extra>,
    pub heavy: Vec<Heavy>,
    /// Handshakes that changed in this batch, by stream.
    pub handshakes: Vec<(u64, Handshake)>,
    /// First-frame timestamps of the streams that began in this batch.
    pub stream_starts: Vec<(u64, i64)>,
    /// Arriving copies' departures, by frame number (see [`FactTable::vantage`]).
    pub vantage: Vec<(u64, Pair)>,
}

impl FactBatch {
    pub fn bytes(&self) -> usize {
        self.extras.len() * std::mem::size_of::<Extra>()
            + self.heavy.iter().map(Heavy::bytes).sum::<usize>()
            + self.vantage.len() * std::mem::size_of::<(u64, Pair)>()
    }

    pub fn is_empty(&self) -> bool {
        self.extras.is_empty()
            && self.heavy.is_empty()
            && self.handshakes.is_empty()
            && self.stream_starts.is_empty()
            && self.vantage.is_empty()
    }

    pub fn clear(&mut self) {
        self.extras.clear();
        self.heavy.clear();
        self.handshakes.clear();
        self.stream_starts.clear();
        self.vantage.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for w in [
            WindowScale::Unknown,
            WindowScale::NotUsed,
            WindowScale::Shift(0),
            WindowScale::Shift(14),
        ] {
            assert_eq!(wscale_of(wscale_code(w)), w);
        }
        let roles = [Role::Client, Role::Server, Role::Unknown];
        let mut states = vec![
            ConnState::MidStream,
            ConnState::SynSent,
            ConnState::SynReceived,
            ConnState::Established,
            ConnState::Closing,
            ConnState::Closed,
            ConnState::Refused,
        ];
        for r in roles {
            states.push(ConnState::HalfClosed { first_fin: r });
            states.push(ConnState::Reset { by: r });
        }
        for s in states {
            assert_eq!(state_of(state_code(s)), s, "{s}");
        }
    }

    #[test]
    fn handshake_as_it_stood() {
        let hs = Handshake {
            syn_frame: Some(1),
            synack_frame: Some(2),
            ack_frame: Some(3),
            rtt_ns: Some(5),
        };
        assert_eq!(
            handshake_at(&hs, 2),
            Handshake {
                syn_frame: Some(1),
                synack_frame: Some(2),
                ack_frame: None,
                rtt_ns: None
            }
        );
        assert_eq!(handshake_at(&hs, 3), hs);
        assert_eq!(handshake_at(&hs, 0), Handshake::default());
    }
}
