//! Interleaving socket calls with the packets they caused, by time. Pure: the same events
//! and packets always give the same lines, whichever source the packets came from.

use super::events::{format_time, CallResult, SocketEvent};
use crate::frame::TimestampNs;

/// What a trace line shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceKind {
    /// A socket call starting (the event's `ts_ns`).
    Call,
    /// A packet on the wire.
    Packet,
    /// A blocking call returning after packets went by (the event's `ret_ns`).
    Return,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceLine {
    pub ts_ns: TimestampNs,
    pub kind: TraceKind,
    pub text: String,
}

/// Merges calls and `(ts_ns, summary)` packet lines into one time-ordered trace.
///
/// Causality decides where a call goes, as in the ladder: a call that waits for packets
/// (accept, recv, recvfrom) is one line at its return, after the packet that woke it — so
/// `server recv() … 6 bytes` never comes before the `client send()` whose bytes it got. A
/// call that causes packets is told when it was made and, when its span contains packets,
/// gets a "returned" line too, so `connect()` is seen to start before the SYN and return
/// after the SYN-ACK. At equal timestamps a call comes before a packet and a return after
/// it.
pub fn merge(events: &[SocketEvent], packets: &[(TimestampNs, String)]) -> Vec<TraceLine> {
    merge_with(events, packets, true)
}

/// [`merge`] with every call told when it was made (a waiting call too, with a "returned"
/// line after the packets that woke it): `sockeye run`'s trace, whose tests read a
/// program's waits that way.
pub fn merge_by_start(events: &[SocketEvent], packets: &[(TimestampNs, String)]) -> Vec<TraceLine> {
    merge_with(events, packets, false)
}

fn merge_with(
    events: &[SocketEvent],
    packets: &[(TimestampNs, String)],
    waiting_at_return: bool,
) -> Vec<TraceLine> {
    let mut lines: Vec<(TimestampNs, u8, usize, TraceLine)> = Vec::new();
    let mut pkt_ts: Vec<TimestampNs> = packets.iter().map(|(t, _)| *t).collect();
    pkt_ts.sort_unstable();
    for (i, e) in events.iter().enumerate() {
        if waiting_at_return && e.waits() {
            lines.push((
                e.ret_ns,
                2,
                i,
                TraceLine {
                    ts_ns: e.ret_ns,
                    kind: TraceKind::Return,
                    text: e.placed_line(),
                },
            ));
            continue;
        }
        lines.push((
            e.ts_ns,
            0,
            i,
            TraceLine {
                ts_ns: e.ts_ns,
                kind: TraceKind::Call,
                text: e.to_string(),
            },
        ));
        let first_after = pkt_ts.partition_point(|t| *t < e.ts_ns);
        let spans_packets = pkt_ts.get(first_after).is_some_and(|t| *t <= e.ret_ns);
        if spans_packets && e.ret_ns > e.ts_ns {
            let result = match &e.result {
                CallResult::Ok => "ok".to_string(),
                CallResult::Err { errno, .. } => super::events::errno_name(*errno).to_string(),
            };
            let text = format!(
                "{} {:<6} {}() fd {} returned -> {result}",
                format_time(e.ret_ns),
                e.side.as_str(),
                e.call.name(),
                e.fd
            );
            lines.push((
                e.ret_ns,
                2,
                i,
                TraceLine {
                    ts_ns: e.ret_ns,
                    kind: TraceKind::Return,
                    text,
                },
            ));
        }
    }
    for (i, (ts, summary)) in packets.iter().enumerate() {
        lines.push((
            *ts,
            1,
            i,
            TraceLine {
                ts_ns: *ts,
                kind: TraceKind::Packet,
                text: format!("{}        | {summary}", format_time(*ts)),
            },
        ));
    }
    lines.sort_by_key(|(ts, rank, i, _)| (*ts, *rank, *i));
    lines.into_iter().map(|(_, _, _, l)| l).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::events::{Side, SocketCall};

    fn ev(call: SocketCall, ts: i64, ret: i64) -> SocketEvent {
        SocketEvent::fixture(Side::Client, call, ts, ret)
    }

    #[test]
    fn connect_spans_syn_and_syn_ack() {
        let events = [
            ev(SocketCall::Connect, 100, 300),
            ev(SocketCall::Send, 400, 410),
        ];
        let packets = vec![
            (150, "SYN".to_string()),
            (250, "SYN-ACK".to_string()),
            (305, "ACK".to_string()),
            (405, "PSH".to_string()),
        ];
        let t = merge(&events, &packets);
        let kinds: Vec<TraceKind> = t.iter().map(|l| l.kind).collect();
        use TraceKind::*;
        assert_eq!(
            kinds,
            [Call, Packet, Packet, Return, Packet, Call, Packet, Return]
        );
        assert!(t[3].text.contains("connect() fd 3 returned -> ok"));
        assert!(t[1].text.ends_with("| SYN"));
    }

    #[test]
    fn ties_put_calls_before_packets_before_waiting_calls() {
        let events = [ev(SocketCall::Close, 10, 10), ev(SocketCall::Recv, 5, 10)];
        let t = merge(&events, &[(10, "FIN".to_string())]);
        let kinds: Vec<TraceKind> = t.iter().map(|l| l.kind).collect();
        use TraceKind::*;
        assert_eq!(kinds, [Call, Packet, Return]);
        assert!(t[0].text.contains("close()"));
        assert!(t[2].text.contains("recv()"));
    }

    /// `lab run handshake --trace` printed the server's recv() of the client's 6 bytes
    /// before the client's send(): a waiting call goes where it returned.
    #[test]
    fn a_recv_comes_after_the_send_and_the_packet_that_woke_it() {
        let events = [
            SocketEvent::fixture(Side::Server, SocketCall::Recv, 100, 420),
            SocketEvent::fixture(Side::Client, SocketCall::Send, 400, 410),
            SocketEvent::fixture(Side::Server, SocketCall::Accept, 50, 300),
        ];
        let packets = vec![(250, "ACK".to_string()), (405, "PSH 6 bytes".to_string())];
        let t = merge(&events, &packets);
        let text: Vec<&str> = t.iter().map(|l| l.text.as_str()).collect();
        let at = |needle: &str| text.iter().position(|l| l.contains(needle)).unwrap();
        assert!(at("accept()") > at("| ACK"), "{text:#?}");
        assert!(at("send()") < at("| PSH"), "{text:#?}");
        assert!(at("recv()") > at("| PSH"), "{text:#?}");
        let times: Vec<TimestampNs> = t.iter().map(|l| l.ts_ns).collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "time-sorted: {times:?}"
        );
        assert!(t[at("recv()")].text.contains("(waited 0 us)"));
    }

    #[test]
    fn no_packets_means_calls_only_in_time_order() {
        let events = [ev(SocketCall::Send, 20, 30), ev(SocketCall::Socket, 10, 11)];
        let t = merge(&events, &[]);
        assert_eq!(t.len(), 2);
        assert!(t[0].text.contains("socket()"));
    }
}
