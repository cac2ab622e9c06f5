//! The ladder (sequence diagram) model: the segments of one TCP stream, or the datagrams
//! of one UDP conversation, around a packet, each with its direction, label and verdicts.
//! Only a window of the stream is built, via the store's per-stream packet list, so a long
//! connection costs no more than a short one.

use std::net::SocketAddr;

use crate::analysis::{AnalysisFlags, Role};
use crate::endpoints::events::SocketEvent;
use crate::store::{Kind, Store, StreamPackets};
use crate::teach::calls::call_notes;
use crate::teach::ladder::{datagram_label, LabelState, Stage};

/// Segments before the first row shown that are read to know each sender's last window.
const PRIME: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderRow {
    /// Packet index (0-based) in the capture.
    pub index: usize,
    pub rel_ns: i64,
    /// Sent by the client (left column) to the server (right column).
    pub from_client: bool,
    /// `[SYN, ACK] Seq=0 Ack=1 Len=0`
    pub label: String,
    pub flags: AnalysisFlags,
    /// Part of the three-way handshake.
    pub handshake: bool,
    /// Handshake, teardown or reset (the words every ladder writes beside the arrow).
    pub stage: Option<Stage>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ladder {
    /// A TCP connection or a UDP conversation.
    pub kind: Kind,
    pub stream: u32,
    pub client: String,
    pub server: String,
    /// Segments of the stream visible so far.
    pub total: usize,
    /// Position of `rows[0]` in the stream.
    pub first: usize,
    pub rows: Vec<LadderRow>,
}

/// A socket call of the built-in endpoints on this connection, drawn on its side's
/// lifeline between the segments it caused (`connect()` just before the SYN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderNote {
    pub rel_ns: i64,
    pub client_side: bool,
    pub text: String,
}

/// The socket calls on `ladder`'s connection within the time its rows span (the first
/// rows also take the calls just before them, such as `socket()` and `connect()`).
pub fn notes(ladder: &Ladder, events: &[SocketEvent], start_ts: i64) -> Vec<LadderNote> {
    let (Some(first), Some(last)) = (ladder.rows.first(), ladder.rows.last()) else {
        return Vec::new();
    };
    let from = if ladder.first == 0 {
        i64::MIN
    } else {
        first.rel_ns + start_ts
    };
    let until = if ladder.first + ladder.rows.len() >= ladder.total {
        i64::MAX
    } else {
        last.rel_ns + start_ts
    };
    call_notes(&ladder.client, &ladder.server, events, from, until)
        .into_iter()
        .map(|n| LadderNote {
            rel_ns: n.at_ns - start_ts,
            client_side: n.client_side,
            text: n.text,
        })
        .collect()
}

/// Where a call goes on the time axis, and whether that is its return. A call that
/// *causes* packets (connect, send, sendto, shutdown, close) is drawn when it was made,
/// above the segment it sent; a call that *waits* for packets (accept, recv, recvfrom)
/// is drawn when it returned, below the segment that woke it (accept() after the final
/// ACK of the handshake, recv() after the data).
pub fn placed_at(e: &SocketEvent) -> (i64, bool) {
    e.placed_at()
}

/// Builds up to `height` rows of the stream of packet `selected`, keeping it in view;
/// only packets below `visible` count (replay). `stream` holds the stream's packets.
/// A TCP connection draws its segments; a UDP conversation its datagrams, with the
/// first sender on the left (UDP has no roles, the first to speak is the client).
pub fn build(
    store: &Store,
    stream: &StreamPackets,
    selected: usize,
    visible: usize,
    height: usize,
) -> Option<Ladder> {
    let e = store.entry(selected).filter(|e| e.kind.has_ladder())?;
    let all = stream.get(e.kind, e.stream)?;
    let shown = all.partition_point(|&i| (i as usize) < visible);
    let all = &all[..shown];
    let pos = all.partition_point(|&i| (i as usize) < selected);
    let first = pos
        .saturating_sub(height / 2)
        .min(all.len().saturating_sub(height));
    let d0 = store.dissect(*all.first()? as usize)?;
    let (a, b) = crate::dissect::ip_addresses(&d0.packet)?;
    let (pa, pb) = ports(&d0.packet)?;
    // SocketAddr's text (IPv6 in brackets), so socket-call addresses compare equal.
    let (sa, sb) = (
        SocketAddr::new(a, pa).to_string(),
        SocketAddr::new(b, pb).to_string(),
    );
    // The first sender is on the left unless it is known to be the server.
    let first_is_client = d0.tcp.as_ref().is_none_or(|f| f.role != Role::Server);
    let (client, server) = if first_is_client { (sa, sb) } else { (sb, sa) };
    let start = store.first_ts();
    let sent_by_client = |d: &crate::dissect::Dissection<'_>| {
        let (src, _) = crate::dissect::ip_addresses(&d.packet)?;
        let (sport, _) = ports(&d.packet)?;
        Some(SocketAddr::new(src, sport).to_string() == client)
    };
    // The same words as every exported ladder; the senders' windows before the rows shown
    // (a few segments back) decide whether the first rows show `Win=`.
    let mut words = LabelState::default();
    for &i in all
        .get(first.saturating_sub(PRIME)..first)
        .unwrap_or_default()
    {
        if let Some(d) = store.dissect(i as usize) {
            if let Some(from_client) = sent_by_client(&d) {
                words.prime(&d, from_client);
            }
        }
    }
    let mut rows = Vec::with_capacity(height);
    for &i in all.iter().skip(first).take(height) {
        let i = i as usize;
        let Some(d) = store.dissect(i) else { continue };
        let Some(from_client) = sent_by_client(&d) else {
            continue;
        };
        let (label, stage) = match d.packet.tcp() {
            Some(tcp) => {
                let w = words.tcp(&d, &tcp, from_client);
                (w.label, w.stage)
            }
            None => (datagram_label(&d.packet), None),
        };
        rows.push(LadderRow {
            index: i,
            rel_ns: d.info.ts_ns - start,
            from_client,
            label,
            flags: d.tcp.as_ref().map_or(AnalysisFlags::EMPTY, |f| f.flags),
            handshake: stage == Some(Stage::Handshake),
            stage,
        });
    }
    Some(Ladder {
        kind: e.kind,
        stream: e.stream,
        client,
        server,
        total: all.len(),
        first,
        rows,
    })
}

fn ports(packet: &crate::decode::Packet<'_>) -> Option<(u16, u16)> {
    if let Some(tcp) = packet.tcp() {
        return Some((tcp.source_port(), tcp.destination_port()));
    }
    packet
        .udp()
        .map(|udp| (udp.source_port(), udp.destination_port()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::events::{Side, SocketCall};

    fn ev(call: SocketCall, ts_ns: i64, ret_ns: i64) -> SocketEvent {
        SocketEvent::fixture(Side::Server, call, ts_ns, ret_ns)
    }

    #[test]
    fn waiting_calls_sit_at_their_return_causing_calls_at_their_start() {
        // accept() blocks from before the SYN until after the final ACK.
        assert_eq!(placed_at(&ev(SocketCall::Accept, 10, 500)), (500, true));
        assert_eq!(placed_at(&ev(SocketCall::RecvFrom, 10, 70)), (70, true));
        assert_eq!(placed_at(&ev(SocketCall::Connect, 20, 300)), (20, false));
        assert_eq!(placed_at(&ev(SocketCall::Send, 40, 41)), (40, false));
        assert_eq!(placed_at(&ev(SocketCall::Close, 90, 91)), (90, false));
    }
}
