//! Reading a traced run's saved socket calls back in tests.

use sockeye::endpoints::events::{SocketCall, SocketEvent};

/// The pid of the traced process that made `call` on a socket bound or connected to
/// `port`: the server's listen, the client's connect. A program makes other socket calls
/// on the way — glibc asks nscd over a unix socket for a user name when `HOME` is unset,
/// as in CI — so the first `call` of its kind is not necessarily the one the test means.
pub fn pid_of(calls: &[SocketEvent], call: SocketCall, port: u16) -> u32 {
    let on_port = |c: &&SocketEvent| [c.local, c.peer].iter().flatten().any(|a| a.port() == port);
    calls
        .iter()
        .filter(|c| c.call == call)
        .find(on_port)
        .and_then(|c| c.traced.as_ref())
        .map(|t| t.pid)
        .unwrap_or_else(|| panic!("no traced {call:?} on port {port} among {calls:#?}"))
}
