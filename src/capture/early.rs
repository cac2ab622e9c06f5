//! Owners looked up the moment a TCP connection's SYN is on the wire, not when the capture
//! ring hands its packets over (up to the ring's 100 ms block timer later). A connection
//! that connects, sends and closes within a millisecond has no socket left by then, and
//! used to read "not found"; at its SYN the client is still inside `connect()` and the
//! server's listener is open, so both ends are found.
//!
//! A watcher thread waits on a packet socket that receives SYNs only (see
//! [`crate::source::ring::syn_watch`]) and asks the socket table at once; the pipeline's
//! lookup takes the answer when it reaches the conversation's first packet, and asks the
//! table itself only for what the watcher could not find. The cost is per connection: the
//! watcher never wakes for any other packet.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use etherparse::{NetSlice, SlicedPacket, TransportSlice};

use super::owners::SocketOwners;
use crate::dissect::process::{Owner, OwnerLookup};
use crate::source::ring::syn_watch::SynWatch;

/// Both ends' owners, the SYN's sender first.
type Found = (Option<Owner>, Option<Owner>);

/// Answers kept for the pipeline; older ones (connections the pipeline never saw, e.g.
/// rejected by `-f`) make room for new ones.
const KEEP: usize = 4096;

/// How often an idle watcher looks whether its session is over.
const IDLE_CHECK: Duration = Duration::from_millis(250);

#[derive(Debug, Default)]
struct Answers {
    by_syn: HashMap<(SocketAddr, SocketAddr), Found>,
    order: VecDeque<(SocketAddr, SocketAddr)>,
}

impl Answers {
    fn insert(&mut self, key: (SocketAddr, SocketAddr), found: Found) {
        if self.by_syn.insert(key, found).is_none() {
            self.order.push_back(key);
        }
        while self.order.len() > KEEP {
            if let Some(old) = self.order.pop_front() {
                self.by_syn.remove(&old);
            }
        }
    }

    /// The answer for a conversation whose first packet went `src` → `dst`, oriented so.
    fn get(&self, src: SocketAddr, dst: SocketAddr) -> Option<Found> {
        if let Some(found) = self.by_syn.get(&(src, dst)) {
            return Some(found.clone());
        }
        self.by_syn
            .get(&(dst, src))
            .map(|(a, b)| (b.clone(), a.clone()))
    }
}

/// The SYN socket, opened with the capture's privileges; the watcher starts once they are
/// dropped ([`EarlyWatch::start`]), so its thread never holds any.
pub struct EarlyWatch {
    watch: SynWatch,
}

impl EarlyWatch {
    /// `None`, with a line on stderr, where the socket cannot be opened (the ordinary
    /// lookup still runs).
    pub fn open(iface: &str) -> Option<EarlyWatch> {
        match SynWatch::open(iface) {
            Ok(watch) => Some(EarlyWatch { watch }),
            Err(e) => {
                eprintln!("sockeye: processes looked up when packets arrive only ({e})");
                None
            }
        }
    }

    /// Starts the watcher; the lookup it returns reads its answers before `table`. The
    /// watcher ends when the lookup is dropped.
    pub fn start(self, table: SocketOwners) -> std::io::Result<EarlyFirst> {
        let answers = Arc::new(Mutex::new(Answers::default()));
        let mut own_table = SocketOwners::open()?;
        let weak = Arc::downgrade(&answers);
        std::thread::Builder::new()
            .name("sockeye-owners".into())
            .spawn(move || watch(&self.watch, &mut own_table, &weak))?;
        Ok(EarlyFirst { answers, table })
    }
}

fn watch(watch: &SynWatch, table: &mut SocketOwners, answers: &Weak<Mutex<Answers>>) {
    let mut buf = [0u8; 128];
    loop {
        let syn = watch.next(&mut buf, IDLE_CHECK).and_then(syn_ends);
        let Some(answers) = answers.upgrade() else {
            return;
        };
        let Some((src, dst)) = syn else {
            continue;
        };
        let known = lock(&answers).by_syn.contains_key(&(src, dst));
        if !known {
            let found = table.lookup(true, src, dst);
            lock(&answers).insert((src, dst), found);
        }
    }
}

fn lock(answers: &Mutex<Answers>) -> std::sync::MutexGuard<'_, Answers> {
    answers.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The two ends of a connection-opening SYN (not a SYN-ACK: the SYN came first), from
/// its network-layer bytes. Hostile bytes: anything else is `None`.
fn syn_ends(bytes: &[u8]) -> Option<(SocketAddr, SocketAddr)> {
    let packet = SlicedPacket::from_ip(bytes).ok()?;
    let (src, dst): (IpAddr, IpAddr) = match packet.net? {
        NetSlice::Ipv4(ip) => (
            ip.header().source_addr().into(),
            ip.header().destination_addr().into(),
        ),
        NetSlice::Ipv6(ip) => (
            ip.header().source_addr().into(),
            ip.header().destination_addr().into(),
        ),
        _ => return None,
    };
    match packet.transport? {
        TransportSlice::Tcp(tcp) if tcp.syn() && !tcp.ack() => Some((
            SocketAddr::new(src, tcp.source_port()),
            SocketAddr::new(dst, tcp.destination_port()),
        )),
        _ => None,
    }
}

/// The watcher's answers first, then the socket table for what they lack.
#[derive(Debug)]
pub struct EarlyFirst {
    answers: Arc<Mutex<Answers>>,
    table: SocketOwners,
}

impl OwnerLookup for EarlyFirst {
    fn lookup(
        &mut self,
        tcp: bool,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> (Option<Owner>, Option<Owner>) {
        let early = if tcp {
            lock(&self.answers).get(src, dst)
        } else {
            None
        };
        match early {
            Some((Some(a), Some(b))) => (Some(a), Some(b)),
            Some((a, b)) => {
                let (c, d) = self.table.lookup(tcp, src, dst);
                (a.or(c), b.or(d))
            }
            None => self.table.lookup(tcp, src, dst),
        }
    }

    /// The watcher may still be answering when the pipeline reaches the first packet.
    fn late(
        &mut self,
        tcp: bool,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> Option<(Option<Owner>, Option<Owner>)> {
        if !tcp {
            return None;
        }
        lock(&self.answers)
            .get(src, dst)
            .filter(|(a, b)| a.is_some() || b.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_connection_opening_syn_names_its_ends() {
        let build = |syn: bool, ack: bool| {
            let mut out = Vec::new();
            let b = etherparse::PacketBuilder::ipv4([127, 0, 0, 1], [127, 0, 0, 2], 64)
                .tcp(40000, 7007, 1, 1024);
            let b = if syn { b.syn() } else { b };
            let b = if ack { b.ack(1) } else { b };
            b.write(&mut out, &[]).unwrap();
            out
        };
        assert_eq!(
            syn_ends(&build(true, false)),
            Some((
                "127.0.0.1:40000".parse().unwrap(),
                "127.0.0.2:7007".parse().unwrap()
            ))
        );
        assert_eq!(syn_ends(&build(true, true)), None);
        assert_eq!(syn_ends(&build(false, true)), None);
        assert_eq!(syn_ends(&[0x45, 0, 0]), None);
    }

    #[test]
    fn answers_are_oriented_and_bounded() {
        let owner = |pid| Owner {
            pid,
            name: "x".into(),
        };
        let a: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let b: SocketAddr = "127.0.0.1:7007".parse().unwrap();
        let mut answers = Answers::default();
        answers.insert((a, b), (Some(owner(1)), None));
        assert_eq!(answers.get(b, a), Some((None, Some(owner(1)))));
        for port in 0..KEEP as u16 + 10 {
            let c = SocketAddr::new(a.ip(), port);
            answers.insert((c, b), (None, None));
        }
        assert_eq!(answers.by_syn.len(), KEEP);
        assert_eq!(answers.get(a, b), None, "the oldest answer made room");
    }
}
