//! Which process owns a local socket, as `ss -p` finds it: the kernel's socket table
//! (sock_diag netlink) gives the socket's inode for an address pair, and `/proc/*/fd`
//! maps the inode to the process holding it. The live pipeline asks once per new
//! conversation (see [`crate::dissect::process`]), never per packet.
//!
//! Without privilege only this user's processes' descriptors can be read, so other users'
//! sockets are reported as not found rather than guessed.

use std::io;
use std::net::{IpAddr, SocketAddr};

use netlink_packet_core::{NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_REQUEST};
use netlink_packet_sock_diag::constants::{AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP};
use netlink_packet_sock_diag::inet::{ExtensionFlags, InetRequest, SocketId, StateFlags};
use netlink_packet_sock_diag::SockDiagMessage;
use netlink_sys::protocols::NETLINK_SOCK_DIAG;
use netlink_sys::{Socket, SocketAddr as NetlinkAddr};

use crate::dissect::process::{Owner, OwnerLookup};

/// The kernel's socket table, open for single-socket queries.
pub struct SocketOwners {
    socket: Socket,
    /// Processes found owning sockets lately, looked at first: a program that opens one
    /// short-lived connection after another is found before its next socket is gone.
    recent: Vec<u32>,
}

/// How many owners [`SocketOwners::recent`] remembers.
const RECENT: usize = 16;

impl std::fmt::Debug for SocketOwners {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SocketOwners")
    }
}

impl SocketOwners {
    /// Opens the sock_diag socket (no privilege needed; open it before privileges are
    /// dropped anyway, so the capture's namespace is the one asked).
    pub fn open() -> io::Result<SocketOwners> {
        let mut socket = Socket::new(NETLINK_SOCK_DIAG)?;
        socket.bind_auto()?;
        socket.connect(&NetlinkAddr::new(0, 0))?;
        // The kernel answers a single-socket query before `send` returns; a missing
        // answer must never block the capture thread.
        socket.set_non_blocking(true)?;
        Ok(SocketOwners {
            socket,
            recent: Vec::new(),
        })
    }

    /// The inode of this machine's socket whose own end is `local` (talking to `remote`).
    pub fn inode(&mut self, tcp: bool, local: SocketAddr, remote: SocketAddr) -> Option<u32> {
        // The kernel reads the pair one way for TCP and the other way for UDP ("swapped
        // for historical reasons" in its UDP code): ask one way, check the answer's own
        // end, and ask the other way if it is not ours. A server's end of a connection not
        // yet accepted has no inode (no process holds it yet): then the listener, found
        // with no peer, is the owner.
        let any = SocketAddr::new(unspecified(local.ip()), 0);
        [(local, remote), (remote, local), (local, any), (any, local)]
            .into_iter()
            .filter_map(|(src, dst)| self.query(tcp, src, dst))
            .find(|(own, inode)| *inode != 0 && is_end(*own, local))
            .map(|(_, inode)| inode)
    }

    /// One exact query: the socket the kernel matches to `src`/`dst`, as (its own end,
    /// inode).
    fn query(&mut self, tcp: bool, src: SocketAddr, dst: SocketAddr) -> Option<(SocketAddr, u32)> {
        let family = match (src.ip(), dst.ip()) {
            (IpAddr::V4(_), IpAddr::V4(_)) => AF_INET,
            (IpAddr::V6(_), IpAddr::V6(_)) => AF_INET6,
            _ => return None,
        };
        let mut header = NetlinkHeader::default();
        header.flags = NLM_F_REQUEST;
        let mut message = NetlinkMessage::new(
            header,
            SockDiagMessage::InetRequest(InetRequest {
                family,
                protocol: if tcp { IPPROTO_TCP } else { IPPROTO_UDP },
                extensions: ExtensionFlags::empty(),
                states: StateFlags::all(),
                socket_id: SocketId {
                    source_port: src.port(),
                    destination_port: dst.port(),
                    source_address: src.ip(),
                    destination_address: dst.ip(),
                    interface_id: 0,
                    // INET_DIAG_NOCOOKIE: match by addresses alone.
                    cookie: [0xff; 8],
                },
            })
            .into(),
        );
        message.finalize();
        let mut buf = vec![0; message.buffer_len()];
        message.serialize(&mut buf);
        self.socket.send(&buf, 0).ok()?;
        let (reply, _) = self.socket.recv_from_full().ok()?;
        // Kernel bytes, checked by the parser: a malformed reply is "not found".
        let answer = NetlinkMessage::<SockDiagMessage>::deserialize(&reply).ok()?;
        match answer.payload {
            NetlinkPayload::InnerMessage(SockDiagMessage::InetResponse(r)) => {
                let id = &r.header.socket_id;
                Some((
                    SocketAddr::new(id.source_address, id.source_port),
                    r.header.inode,
                ))
            }
            _ => None,
        }
    }
}

fn unspecified(like: IpAddr) -> IpAddr {
    match like {
        IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
    }
}

/// The lookup for a live store (see [`crate::store::LiveConfig::owners`]); `None`, with a
/// line on stderr, where sock_diag is unavailable (packets then carry no owners).
pub fn shared() -> Option<crate::dissect::process::SharedLookup> {
    match SocketOwners::open() {
        Ok(owners) => Some(std::sync::Arc::new(std::sync::Mutex::new(Some(
            Box::new(owners) as Box<dyn OwnerLookup>,
        )))),
        Err(e) => {
            eprintln!("sockeye: no process attribution (sock_diag: {e})");
            None
        }
    }
}

/// `lookup`, ready to hand to a live store's ingest thread.
pub fn share(lookup: Box<dyn OwnerLookup>) -> crate::dissect::process::SharedLookup {
    std::sync::Arc::new(std::sync::Mutex::new(Some(lookup)))
}

/// Whether a socket whose own end is `own` serves `local` (a listener or unconnected UDP
/// socket bound to the wildcard address serves every local address of its port).
fn is_end(own: SocketAddr, local: SocketAddr) -> bool {
    own.port() == local.port() && (own.ip() == local.ip() || own.ip().is_unspecified())
}

impl OwnerLookup for SocketOwners {
    fn lookup(
        &mut self,
        tcp: bool,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> (Option<Owner>, Option<Owner>) {
        let src_inode = self.inode(tcp, src, dst);
        let dst_inode = self.inode(tcp, dst, src);
        let wanted: Vec<u32> = src_inode.iter().chain(dst_inode.iter()).copied().collect();
        if wanted.is_empty() {
            return (None, None);
        }
        let found = holders(&wanted, &self.recent);
        for (_, owner) in &found {
            self.recent.retain(|p| *p != owner.pid);
            self.recent.insert(0, owner.pid);
        }
        self.recent.truncate(RECENT);
        let owner_of = |inode: Option<u32>| {
            let inode = inode?;
            found
                .iter()
                .find(|(i, _)| *i == inode)
                .map(|(_, o)| o.clone())
        };
        (owner_of(src_inode), owner_of(dst_inode))
    }
}

/// The processes holding sockets `inodes`, from `/proc/*/fd`. The walk looks at `first`
/// (recent owners), then at the newest processes, and stops once every socket is found: a
/// short-lived socket is most often a new or a recent owner's, and must be seen before it
/// closes (a whole walk of a busy machine's `/proc` takes tens of milliseconds). Where
/// several processes share a socket (a forking server's children inherit its listener),
/// the one named is the oldest ancestor holding it, the one that opened it.
pub fn holders(inodes: &[u32], first: &[u32]) -> Vec<(u32, Owner)> {
    let targets: Vec<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    let mut found: Vec<(u32, Owner)> = Vec::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return found;
    };
    let mut pids: Vec<u32> = procs
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable_by(|a, b| b.cmp(a));
    let order = first
        .iter()
        .copied()
        .chain(pids.into_iter().filter(|p| !first.contains(p)));
    for pid in order {
        for (at, inode) in held(pid, &targets) {
            let inode = inodes.get(at).copied().unwrap_or(inode);
            if !found.iter().any(|(i, _)| *i == inode) {
                let pid = oldest_holder(pid, &targets[at]);
                found.push((
                    inode,
                    Owner {
                        pid,
                        name: comm(pid),
                    },
                ));
            }
        }
        if found.len() == inodes.len() {
            break;
        }
    }
    found
}

/// Which of `targets` (`socket:[N]` links) process `pid` holds, by index. Processes come
/// and go, and others' descriptors are unreadable without privilege: any failure just
/// means "none".
fn held(pid: u32, targets: &[String]) -> Vec<(usize, u32)> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    fds.flatten()
        .filter_map(|fd| {
            let link = std::fs::read_link(fd.path()).ok()?;
            let at = targets
                .iter()
                .position(|t| link.as_os_str() == t.as_str())?;
            Some((at, 0))
        })
        .collect()
}

/// `pid`, or its parent (and so on up) while the parent holds `target` too.
fn oldest_holder(pid: u32, target: &str) -> u32 {
    let mut holder = pid;
    // Bounded: a chain of forks deeper than this is not worth following.
    for _ in 0..8 {
        match parent(holder) {
            Some(up) if up > 1 && !held(up, &[target.to_string()]).is_empty() => holder = up,
            _ => break,
        }
    }
    holder
}

/// The parent pid from `/proc/PID/stat` (after the command name, which may hold spaces
/// and parentheses, so read from the last `)`).
fn parent(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim_end().to_string())
        .unwrap_or_else(|_| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream, UdpSocket};

    fn me() -> Owner {
        Owner {
            pid: std::process::id(),
            name: comm(std::process::id()),
        }
    }

    #[test]
    fn a_tcp_connection_of_this_process_is_ours_at_both_ends() {
        let Ok(mut owners) = SocketOwners::open() else {
            return println!("SKIPPED: no sock_diag netlink here");
        };
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = listener.local_addr().unwrap();
        let client = TcpStream::connect(server).unwrap();
        let local = client.local_addr().unwrap();
        // Before accept(): the server's end is the listener, which serves the port.
        let (c, s) = owners.lookup(true, local, server);
        assert_eq!((c, s), (Some(me()), Some(me())));
        let (_accepted, _) = listener.accept().unwrap();
        assert_eq!(owners.lookup(true, server, local), (Some(me()), Some(me())));
        // A closed socket is not found.
        let gone: SocketAddr = "127.0.0.1:9".parse().unwrap();
        assert_eq!(owners.lookup(true, gone, gone), (None, None));
    }

    #[test]
    fn a_udp_exchange_finds_the_bound_and_the_connected_socket() {
        let Ok(mut owners) = SocketOwners::open() else {
            return println!("SKIPPED: no sock_diag netlink here");
        };
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client.connect(server.local_addr().unwrap()).unwrap();
        let (c, s) = owners.lookup(
            false,
            client.local_addr().unwrap(),
            server.local_addr().unwrap(),
        );
        assert_eq!((c, s), (Some(me()), Some(me())));
    }
}
