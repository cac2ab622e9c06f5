//! The narration of the selected packet for the "explain" pane, with the full analysis.
//!
//! The store keeps only compact facts per packet (relative numbers, flags), not the
//! analysis' reasons, the handshake's frames or the connection state: keeping them for
//! millions of packets would cost more than the whole index. The narration needs them
//! ("3rd step of the handshake", "seq 1 was already sent in frame 4 and not
//! acknowledged"), so it replays the analysis over the selected packet's stream up to that
//! packet — a pure function of the frames — once per selection, never per drawn frame.

use crate::analysis::{AnalysisFlag, Analyzer, TcpFacts};
use crate::dissect::{tcp_segment, SackBlocks};
use crate::store::{Kind, Store};
use crate::teach::narrate;

/// Streams longer than this (before the selected packet) are not replayed: the narration
/// then explains the flags in general terms instead of with this packet's numbers.
pub const MAX_REPLAY: usize = 20_000;

/// The narration of packet `i`, with the analysis replayed over its stream.
pub fn narration(store: &Store, i: usize) -> Option<String> {
    narration_within(store, i, MAX_REPLAY)
}

/// [`narration`], replaying at most `max_replay` packets of the stream.
fn narration_within(store: &Store, i: usize, max_replay: usize) -> Option<String> {
    let mut d = store.dissect(i)?;
    let Some(compact) = d.tcp.clone() else {
        return Some(narrate(&d));
    };
    let Some(mut analyzer) = replay_before(store, i, compact.stream, max_replay) else {
        return Some(with_general_reasons(narrate(&d), &compact));
    };
    let mut sack = SackBlocks::new();
    if let Some(segment) = tcp_segment(&d.packet, d.info.number, d.info.ts_ns, &mut sack) {
        let mut full = analyzer.tcp(&segment);
        full.stream = compact.stream;
        d.tcp = Some(full);
    }
    Some(narrate(&d))
}

/// An analyzer that has seen the packets of TCP stream `stream` before packet `i`; None
/// when they are more than `max_replay`.
fn replay_before(store: &Store, i: usize, stream: u64, max_replay: usize) -> Option<Analyzer> {
    let stream = u32::try_from(stream).ok()?;
    let mut packets = Vec::new();
    store.scan_stream(Kind::Tcp, stream, 0..i, &mut packets);
    if packets.len() >= max_replay {
        return None;
    }
    let mut analyzer = Analyzer::new();
    let mut sack = SackBlocks::new();
    for p in packets {
        let Some(d) = store.dissect(p as usize) else {
            continue;
        };
        if let Some(segment) = tcp_segment(&d.packet, d.info.number, d.info.ts_ns, &mut sack) {
            analyzer.tcp(&segment);
        }
    }
    Some(analyzer)
}

/// `text` followed by what each of the packet's analysis flags means in general.
fn with_general_reasons(mut text: String, facts: &TcpFacts) -> String {
    for flag in facts.flags.iter() {
        text.push_str(&format!(" [{}] {}", flag.info_tag(), general_reason(flag)));
    }
    text
}

/// Why the analysis sets `flag`, in words (used when the exact numbers are not replayed).
pub fn general_reason(flag: AnalysisFlag) -> &'static str {
    flag.explanation()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::spawn_file_indexer;

    #[test]
    fn a_stream_too_long_to_replay_still_explains_its_flags() {
        let store = spawn_file_indexer("captures/textbook/tcp_retransmissions.pcapng")
            .unwrap()
            .wait();
        let store = crate::store::lock(&store);
        let exact = narration_within(&store, 1, MAX_REPLAY).unwrap();
        assert!(
            exact.ends_with(
                "[TCP Retransmission] Seq 1 was already sent in frame 1 and not acknowledged."
            ),
            "{exact}"
        );
        let general = narration_within(&store, 1, 1).unwrap();
        assert!(
            general.ends_with(&format!(
                "[TCP Retransmission] {}",
                general_reason(AnalysisFlag::Retransmission)
            )),
            "{general}"
        );
        // Both start with the same account of the segment itself.
        let head = |s: &str| s.split(" [TCP").next().unwrap_or_default().to_string();
        assert_eq!(head(&exact), head(&general));
    }
}
