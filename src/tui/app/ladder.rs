//! The ladder (sequence diagram) model: the segments of one TCP stream, or the datagrams
//! of one UDP conversation, around a packet, each with its direction, label and verdicts.
//! Only a window of the stream is built, via the store's per-stream packet list, so a long
//! connection costs no more than a short one.

use std::net::SocketAddr;

use crate::analysis::{AnalysisFlags, Role};
use crate::endpoints::events::{data_head, errno_name, task_label, CallResult, Side, SocketEvent};
use crate::store::{Kind, Store, StreamPackets};
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
    let mut out: Vec<LadderNote> = events
        .iter()
        .filter(|e| on_connection(ladder, e))
        .filter_map(|e| {
            let (at, returned) = placed_at(e);
            if at < from || at > until {
                return None;
            }
            let result = match &e.result {
                CallResult::Ok => String::new(),
                CallResult::Err { errno, .. } => format!(" = -1 {}", errno_name(*errno)),
            };
            let verb = if returned { " returned" } else { "" };
            let mut text = format!("{}(){verb}{result} {}", e.call.name(), e.detail)
                .trim_end()
                .to_string();
            // A traced program's call also says who made it and what the data began with.
            if let Some(t) = &e.traced {
                if let Some(n) = e.bytes {
                    text.push_str(&format!(" {n} bytes"));
                    if !t.data.is_empty() {
                        text.push_str(&format!(" {}", data_head(&t.data, n)));
                    }
                }
                text.push_str(&format!(" {}", task_label(t)));
            }
            Some(LadderNote {
                rel_ns: at - start_ts,
                client_side: on_client_side(ladder, e),
                text,
            })
        })
        .collect();
    // Events arrive in the order calls *returned*; the ladder merges by placement time.
    out.sort_by_key(|n| n.rel_ns);
    out
}

/// Whether `e` goes on the client's lifeline: the end its local address is, when known (a
/// traced program's `bind()` is made before anything says it is a server), else its side.
fn on_client_side(ladder: &Ladder, e: &SocketEvent) -> bool {
    match e.local.map(|a| a.to_string()) {
        Some(local) if local == ladder.client => true,
        Some(local) if local == ladder.server => false,
        _ => e.side == Side::Client,
    }
}

/// Whether `e` was made on `ladder`'s connection: with both its addresses known they must
/// be the connection's two ends (a UDP server's recvfrom() from another client is not this
/// conversation's); with one known (socket(), bind(), listen()), it must be one of them.
fn on_connection(ladder: &Ladder, e: &SocketEvent) -> bool {
    let ours = |a: &SocketAddr| {
        let text = a.to_string();
        // A socket bound to the wildcard address (0.0.0.0:7) serves the port on every address.
        let wildcard = a.ip().is_unspecified()
            && [&ladder.client, &ladder.server]
                .iter()
                .any(|end| end.rsplit(':').next() == Some(a.port().to_string().as_str()));
        text == ladder.client || text == ladder.server || wildcard
    };
    match (&e.local, &e.peer) {
        (Some(local), Some(peer)) => ours(local) && ours(peer) && local != peer,
        (Some(one), None) | (None, Some(one)) => ours(one),
        (None, None) => false,
    }
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
    use crate::endpoints::events::SocketCall;

    fn ev(call: SocketCall, ts_ns: i64, ret_ns: i64) -> SocketEvent {
        SocketEvent::fixture(Side::Server, call, ts_ns, ret_ns)
    }

    #[test]
    fn calls_belong_to_a_conversation_only_between_its_two_ends() {
        let ladder = Ladder {
            kind: Kind::Udp,
            stream: 0,
            client: "127.0.0.1:40000".into(),
            server: "127.0.0.1:7".into(),
            total: 0,
            first: 0,
            rows: Vec::new(),
        };
        let at = |s: &str| Some(s.parse::<SocketAddr>().unwrap());
        let call = |local, peer| SocketEvent {
            local,
            peer,
            ..ev(SocketCall::RecvFrom, 0, 0)
        };
        // The server's recvfrom() from this client, and from another one.
        assert!(on_connection(
            &ladder,
            &call(at("127.0.0.1:7"), at("127.0.0.1:40000"))
        ));
        assert!(!on_connection(
            &ladder,
            &call(at("127.0.0.1:7"), at("127.0.0.1:40001"))
        ));
        // bind() on one end; a listener on the wildcard address; unrelated sockets.
        assert!(on_connection(&ladder, &call(at("127.0.0.1:7"), None)));
        assert!(on_connection(
            &ladder,
            &call(at("0.0.0.0:7"), at("127.0.0.1:40000"))
        ));
        assert!(!on_connection(&ladder, &call(at("0.0.0.0:8"), None)));
        assert!(!on_connection(&ladder, &call(None, None)));
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
