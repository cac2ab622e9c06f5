//! Which side a socket is on is known only later than its first calls: `socket()`,
//! `setsockopt()` and `bind()` come before the `listen()` that makes it a server. When a
//! whole trace is at hand (headless `--trace`, a saved file), every call on one socket —
//! from its `socket()` to its `close()` in one process — takes the side the socket ended on.

use std::collections::HashMap;

use crate::endpoints::events::{Side, SocketCall, SocketEvent};

/// Gives each traced socket's earlier calls the side its later calls established.
/// `events` must be in call order; events of the built-in endpoints are left as they are.
pub fn settle(events: &mut [SocketEvent]) {
    let mut open: HashMap<(u32, i32), Vec<usize>> = HashMap::new();
    let mut finished: Vec<Vec<usize>> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let Some(t) = &e.traced else { continue };
        let key = (t.pid, e.fd);
        if e.call == SocketCall::Socket {
            if let Some(old) = open.remove(&key) {
                finished.push(old);
            }
        }
        open.entry(key).or_default().push(i);
        if e.call == SocketCall::Close {
            if let Some(done) = open.remove(&key) {
                finished.push(done);
            }
        }
    }
    finished.extend(open.into_values());
    for group in finished {
        let server = group
            .iter()
            .any(|&i| events.get(i).is_some_and(|e| e.side == Side::Server));
        if server {
            for i in group {
                if let Some(e) = events.get_mut(i) {
                    e.side = Side::Server;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::events::Traced;

    fn ev(call: SocketCall, fd: i32, side: Side, pid: u32) -> SocketEvent {
        SocketEvent {
            fd,
            traced: Some(Traced {
                pid,
                tid: pid,
                comm: "python3".into(),
                data: Vec::new(),
            }),
            ..SocketEvent::fixture(side, call, 0, 0)
        }
    }

    #[test]
    fn a_listener_is_a_server_from_its_socket_call_on() {
        use SocketCall::*;
        let mut events = vec![
            ev(Socket, 3, Side::Client, 10),
            ev(Bind, 3, Side::Client, 10),
            ev(Socket, 3, Side::Client, 20),
            ev(Listen, 3, Side::Server, 10),
            ev(Connect, 3, Side::Client, 20),
            ev(Close, 3, Side::Server, 10),
            // fd 3 reused in process 10 by a client socket: a new socket, a new side.
            ev(Socket, 3, Side::Client, 10),
            ev(Connect, 3, Side::Client, 10),
        ];
        settle(&mut events);
        let sides: Vec<Side> = events.iter().map(|e| e.side).collect();
        use Side::*;
        assert_eq!(
            sides,
            [Server, Server, Client, Server, Client, Server, Client, Client]
        );
    }
}
