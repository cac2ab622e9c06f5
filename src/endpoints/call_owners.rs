//! Which process owns a socket, from the calls a traced program made (`sockeye run`).
//!
//! The tracer stops the program at every socket call and knows its pid, its command name
//! and the socket's two addresses as the kernel reports them, so a conversation is
//! attributed from the calls themselves: no race with a socket that is closed a
//! millisecond after it was opened, as a lookup in the kernel's socket table has when the
//! capture ring hands the packets over later (see [`crate::capture::owners`]).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use super::events::{EventSink, SocketEvent};
use crate::dissect::process::{Owner, OwnerLookup};

/// The owners the calls named, by socket address. The first call that names a socket
/// wins: a forking server's child inherits the listener, but the process that made it is
/// the one that opened the port.
#[derive(Debug, Default, Clone)]
pub struct CallOwners {
    /// Connected sockets: (own end, peer) → owner.
    by_pair: HashMap<(SocketAddr, SocketAddr), Owner>,
    /// Any socket with an own end: listeners, unconnected UDP sockets.
    by_local: HashMap<SocketAddr, Owner>,
}

impl CallOwners {
    /// The owners named by `events`.
    pub fn from_events(events: &[SocketEvent]) -> Self {
        let mut owners = CallOwners::default();
        for event in events {
            owners.learn(event);
        }
        owners
    }

    /// Whether any call named a socket (the events came from a traced program).
    pub fn is_empty(&self) -> bool {
        self.by_local.is_empty() && self.by_pair.is_empty()
    }

    /// Takes in one call: its socket's addresses and who made it. Calls of the built-in
    /// endpoints (not traced, no pid) and calls on sockets without an address are skipped.
    pub fn learn(&mut self, event: &SocketEvent) {
        let (Some(traced), Some(local)) = (&event.traced, event.local) else {
            return;
        };
        if local.port() == 0 {
            return;
        }
        let owner = Owner {
            pid: traced.pid,
            name: traced.comm.clone(),
        };
        match event.peer {
            // A connection (or a datagram to or from one peer) on a socket with its own
            // address: this pair only. accept() on a listener bound to one address names
            // the new connection's pair too, as its acceptor's.
            Some(peer) if !local.ip().is_unspecified() => {
                self.by_pair.entry((local, peer)).or_insert(owner);
            }
            // A listener, a bound socket, or one bound to the wildcard address (a UDP
            // server's recvfrom): everything reaching its port.
            _ => {
                self.by_local.entry(local).or_insert(owner);
            }
        }
    }

    /// The process owning the socket whose own end is `local`, talking to `remote`.
    pub fn owner_of(&self, local: SocketAddr, remote: SocketAddr) -> Option<Owner> {
        let wildcard = SocketAddr::new(unspecified(local.ip()), local.port());
        self.by_pair
            .get(&(local, remote))
            .or_else(|| self.by_local.get(&local))
            .or_else(|| self.by_local.get(&wildcard))
            .cloned()
    }
}

fn unspecified(like: IpAddr) -> IpAddr {
    match like {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    }
}

impl OwnerLookup for CallOwners {
    fn lookup(
        &mut self,
        _tcp: bool,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> (Option<Owner>, Option<Owner>) {
        (self.owner_of(src, dst), self.owner_of(dst, src))
    }
}

/// The calls seen so far, shared between the tracer (which adds each call as it is made)
/// and the live pipeline (which asks once per new conversation).
pub type SharedCallOwners = Arc<Mutex<CallOwners>>;

/// An [`EventSink`] that learns each call's socket owner before passing the call on.
pub struct Learning {
    pub owners: SharedCallOwners,
    pub next: Arc<dyn EventSink>,
}

impl EventSink for Learning {
    fn emit(&self, event: SocketEvent) {
        self.owners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .learn(&event);
        self.next.emit(event);
    }
}

/// The traced program's calls first (they name its sockets even after they closed), then
/// `fallback` (the kernel's socket table, for everyone else's sockets).
#[derive(Debug)]
pub struct CallsThenTable {
    pub calls: SharedCallOwners,
    pub fallback: Option<Box<dyn OwnerLookup>>,
}

impl OwnerLookup for CallsThenTable {
    fn lookup(
        &mut self,
        tcp: bool,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> (Option<Owner>, Option<Owner>) {
        let (a, b) = self
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .lookup(tcp, src, dst);
        if a.is_some() && b.is_some() {
            return (a, b);
        }
        match &mut self.fallback {
            Some(table) => {
                let (c, d) = table.lookup(tcp, src, dst);
                (a.or(c), b.or(d))
            }
            None => (a, b),
        }
    }

    /// The tracer may record a call a moment after the packets it caused reached the
    /// pipeline: later packets look again, in the calls only (never the socket table,
    /// which would cost a netlink round trip per packet).
    fn late(
        &mut self,
        tcp: bool,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> Option<(Option<Owner>, Option<Owner>)> {
        let found = self
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .lookup(tcp, src, dst);
        (found.0.is_some() || found.1.is_some()).then_some(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::events::{Side, SocketCall, Traced};

    fn call(
        call: SocketCall,
        pid: u32,
        local: &str,
        peer: Option<&str>,
        comm: &str,
    ) -> SocketEvent {
        let mut ev = SocketEvent::fixture(Side::Client, call, 1, 2);
        ev.local = Some(local.parse().unwrap());
        ev.peer = peer.map(|p| p.parse().unwrap());
        ev.traced = Some(Traced {
            pid,
            tid: pid,
            comm: comm.into(),
            data: Vec::new(),
        });
        ev
    }

    fn owner(pid: u32, name: &str) -> Option<Owner> {
        Some(Owner {
            pid,
            name: name.into(),
        })
    }

    #[test]
    fn a_closed_connection_keeps_its_owners_and_listeners_serve_every_address() {
        let server = "127.0.0.1:7040".parse().unwrap();
        let client = "127.0.0.1:40000".parse().unwrap();
        let mut owners = CallOwners::from_events(&[
            call(SocketCall::Listen, 10, "0.0.0.0:7040", None, "server"),
            call(
                SocketCall::Connect,
                20,
                "127.0.0.1:40000",
                Some("127.0.0.1:7040"),
                "client",
            ),
            call(
                SocketCall::Close,
                20,
                "127.0.0.1:40000",
                Some("127.0.0.1:7040"),
                "client",
            ),
            // A forked child serving the connection does not take the listener over.
            call(
                SocketCall::Recv,
                11,
                "127.0.0.1:7040",
                Some("127.0.0.1:40000"),
                "child",
            ),
        ]);
        assert_eq!(
            owners.lookup(true, client, server),
            (owner(20, "client"), owner(11, "child"))
        );
        let other: SocketAddr = "127.0.0.1:40001".parse().unwrap();
        assert_eq!(
            owners.lookup(true, other, server),
            (None, owner(10, "server"))
        );
        let untraced = SocketEvent::fixture(Side::Client, SocketCall::Connect, 1, 2);
        owners.learn(&untraced);
        assert_eq!(owners.owner_of("0.0.0.0:0".parse().unwrap(), other), None);
    }
}
