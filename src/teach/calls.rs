//! Socket calls on a ladder: which calls of the built-in endpoints or a traced program
//! (`sockeye run`, saved beside the packets by `-w`) were made on one connection, where on
//! the time axis each goes and what it says. The terminal's ladder and the SVG handout read
//! the same notes, so both draw a call at the same place with the same words.

use std::net::SocketAddr;

use crate::endpoints::events::{data_head, errno_name, task_label, CallResult, Side, SocketEvent};
use crate::frame::TimestampNs;

/// One call, placed on a ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallNote {
    /// Where it goes on the time axis (capture clock): see [`SocketEvent::placed_at`].
    pub at_ns: TimestampNs,
    /// On the client's (left) lifeline rather than the server's.
    pub client_side: bool,
    /// `connect() = -1 ECONNREFUSED 127.0.0.1:7`, `recv() returned 6 bytes "hello\n" …`
    pub text: String,
}

/// The calls of `events` made on the connection between `client` and `server` (addresses
/// as [`SocketAddr`] writes them), placed within `from..=until`, in placement order.
pub fn call_notes(
    client: &str,
    server: &str,
    events: &[SocketEvent],
    from: TimestampNs,
    until: TimestampNs,
) -> Vec<CallNote> {
    let mut out: Vec<CallNote> = events
        .iter()
        .filter(|e| on_connection(client, server, e))
        .filter_map(|e| {
            let (at, returned) = e.placed_at();
            if at < from || at > until {
                return None;
            }
            Some(CallNote {
                at_ns: at,
                client_side: on_client_side(client, server, e),
                text: call_text(e, returned),
            })
        })
        .collect();
    // Events arrive in the order calls *returned*; a ladder merges by placement time.
    out.sort_by_key(|n| n.at_ns);
    out
}

/// What a ladder writes for call `e` (`returned`: placed at its return).
fn call_text(e: &SocketEvent, returned: bool) -> String {
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
    text
}

/// Whether `e` goes on the client's lifeline: the end its local address is, when known (a
/// traced program's `bind()` is made before anything says it is a server), else its side.
fn on_client_side(client: &str, server: &str, e: &SocketEvent) -> bool {
    match e.local.map(|a| a.to_string()) {
        Some(local) if local == client => true,
        Some(local) if local == server => false,
        _ => e.side == Side::Client,
    }
}

/// Whether `e` was made on the connection between `client` and `server`: with both its
/// addresses known they must be the connection's two ends (a UDP server's recvfrom() from
/// another client is not this conversation's); with one known (socket(), bind(),
/// listen()), it must be one of them.
pub fn on_connection(client: &str, server: &str, e: &SocketEvent) -> bool {
    let ours = |a: &SocketAddr| {
        let text = a.to_string();
        // A socket bound to the wildcard address (0.0.0.0:7) serves the port on every address.
        let wildcard = a.ip().is_unspecified()
            && [client, server]
                .iter()
                .any(|end| end.rsplit(':').next() == Some(a.port().to_string().as_str()));
        text == client || text == server || wildcard
    };
    match (&e.local, &e.peer) {
        (Some(local), Some(peer)) => ours(local) && ours(peer) && local != peer,
        (Some(one), None) | (None, Some(one)) => ours(one),
        (None, None) => false,
    }
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
        let (client, server) = ("127.0.0.1:40000", "127.0.0.1:7");
        let at = |s: &str| Some(s.parse::<SocketAddr>().unwrap());
        let call = |local, peer| SocketEvent {
            local,
            peer,
            ..ev(SocketCall::RecvFrom, 0, 0)
        };
        // The server's recvfrom() from this client, and from another one.
        assert!(on_connection(
            client,
            server,
            &call(at("127.0.0.1:7"), at("127.0.0.1:40000"))
        ));
        assert!(!on_connection(
            client,
            server,
            &call(at("127.0.0.1:7"), at("127.0.0.1:40001"))
        ));
        // bind() on one end; a listener on the wildcard address; unrelated sockets.
        assert!(on_connection(
            client,
            server,
            &call(at("127.0.0.1:7"), None)
        ));
        assert!(on_connection(
            client,
            server,
            &call(at("0.0.0.0:7"), at("127.0.0.1:40000"))
        ));
        assert!(!on_connection(client, server, &call(at("0.0.0.0:8"), None)));
        assert!(!on_connection(client, server, &call(None, None)));
    }

    #[test]
    fn notes_are_placed_by_the_call_kind_and_sorted() {
        let at = |s: &str| Some(s.parse::<SocketAddr>().unwrap());
        // accept() returned after connect() was made: placed at 500, after connect() at 20.
        let accept = SocketEvent {
            local: at("127.0.0.1:7"),
            peer: at("127.0.0.1:40000"),
            ..ev(SocketCall::Accept, 10, 500)
        };
        let connect = SocketEvent {
            side: Side::Client,
            local: at("127.0.0.1:40000"),
            peer: at("127.0.0.1:7"),
            ..ev(SocketCall::Connect, 20, 300)
        };
        let notes = call_notes(
            "127.0.0.1:40000",
            "127.0.0.1:7",
            &[accept, connect],
            i64::MIN,
            i64::MAX,
        );
        let placed: Vec<(i64, bool)> = notes.iter().map(|n| (n.at_ns, n.client_side)).collect();
        assert_eq!(placed, [(20, true), (500, false)]);
        assert!(notes[1].text.starts_with("accept() returned"), "{notes:?}");
        // Outside the window: left out.
        let none = call_notes("127.0.0.1:40000", "127.0.0.1:7", &[], 0, 1);
        assert!(none.is_empty());
    }
}
