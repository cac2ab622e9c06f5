//! The traced-socket layer: every call the endpoints make on a socket goes through
//! [`TracedSocket`], which times it and emits one [`SocketEvent`]. One type for listeners,
//! streams and datagram sockets keeps "every call is reported" true by construction: there is
//! no other path to the fd.

use std::io::{self, Read, Write};
use std::mem::MaybeUninit;
use std::net::{Shutdown, SocketAddr};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::Duration;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::events::{now_ns, CallResult, EventSink, Side, SocketCall, SocketEvent};

/// TCP or UDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
}

impl std::fmt::Display for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Transport::Tcp => "TCP",
            Transport::Udp => "UDP",
        })
    }
}

/// A socket whose every call is reported to an [`EventSink`]. Dropping it reports `close()`.
pub struct TracedSocket {
    sock: Option<Socket>,
    fd: i32,
    side: Side,
    sink: Arc<dyn EventSink>,
    local: Option<SocketAddr>,
    peer: Option<SocketAddr>,
}

/// A receive timeout (SO_RCVTIMEO) expiring is how the endpoints poll their stop flag, not a
/// call anyone asked for: those returns are not reported.
pub(crate) fn is_poll_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::NotConnected, "socket already closed")
}

impl TracedSocket {
    /// `socket()`: a new TCP or UDP socket for addresses of `family`'s kind.
    pub fn open(
        side: Side,
        sink: Arc<dyn EventSink>,
        transport: Transport,
        family: SocketAddr,
    ) -> io::Result<Self> {
        let (domain, dname) = if family.is_ipv4() {
            (Domain::IPV4, "AF_INET")
        } else {
            (Domain::IPV6, "AF_INET6")
        };
        let (ty, proto, tname) = match transport {
            Transport::Tcp => (Type::STREAM, Protocol::TCP, "SOCK_STREAM"),
            Transport::Udp => (Type::DGRAM, Protocol::UDP, "SOCK_DGRAM"),
        };
        let ts = now_ns();
        let r = Socket::new(domain, ty, Some(proto));
        let fd = r.as_ref().map_or(-1, |s| s.as_raw_fd());
        let mut me = TracedSocket {
            sock: None,
            fd,
            side,
            sink,
            local: None,
            peer: None,
        };
        me.emit(
            SocketCall::Socket,
            ts,
            &r,
            None,
            format!("{dname}, {tname}"),
        );
        me.sock = Some(r?);
        Ok(me)
    }

    pub fn fd(&self) -> i32 {
        self.fd
    }

    pub fn local(&self) -> Option<SocketAddr> {
        self.local
    }

    pub fn peer(&self) -> Option<SocketAddr> {
        self.peer
    }

    fn sock(&self) -> io::Result<&Socket> {
        self.sock.as_ref().ok_or_else(closed)
    }

    fn emit<T>(
        &self,
        call: SocketCall,
        ts_ns: i64,
        r: &io::Result<T>,
        bytes: Option<usize>,
        detail: String,
    ) {
        self.emit_peer(call, ts_ns, r, bytes, self.peer, detail);
    }

    fn emit_peer<T>(
        &self,
        call: SocketCall,
        ts_ns: i64,
        r: &io::Result<T>,
        bytes: Option<usize>,
        peer: Option<SocketAddr>,
        detail: String,
    ) {
        self.sink.emit(SocketEvent {
            ts_ns,
            ret_ns: now_ns(),
            side: self.side,
            call,
            fd: self.fd,
            local: self.local,
            peer,
            bytes: if r.is_ok() { bytes } else { None },
            result: CallResult::from_io(r),
            detail,
            traced: None,
        });
    }

    fn refresh_local(&mut self) {
        self.local = self
            .sock
            .as_ref()
            .and_then(|s| s.local_addr().ok())
            .and_then(|a| a.as_socket());
    }

    /// `bind()`.
    pub fn bind(&mut self, addr: SocketAddr) -> io::Result<()> {
        let ts = now_ns();
        let r = self.sock().and_then(|s| s.bind(&SockAddr::from(addr)));
        if r.is_ok() {
            self.refresh_local();
        }
        // Port 0 asks the kernel for a free port: say which, since the packets carry it.
        let detail = match self.local {
            Some(local) if r.is_ok() && addr.port() == 0 => {
                format!("to {addr} (the kernel picked port {})", local.port())
            }
            _ => format!("to {addr}"),
        };
        self.emit(SocketCall::Bind, ts, &r, None, detail);
        r
    }

    /// `listen()`.
    pub fn listen(&self, backlog: i32) -> io::Result<()> {
        let ts = now_ns();
        let r = self.sock().and_then(|s| s.listen(backlog));
        self.emit(
            SocketCall::Listen,
            ts,
            &r,
            None,
            format!("backlog {backlog}"),
        );
        r
    }

    /// `accept()`: the new connection, traced like its listener.
    pub fn accept(&self) -> io::Result<TracedSocket> {
        let ts = now_ns();
        let r = self.sock().and_then(|s| s.accept());
        match &r {
            Err(e) if is_poll_timeout(e) => {}
            Ok((s, a)) => {
                let detail = format!("new fd {}", s.as_raw_fd());
                self.emit_peer(SocketCall::Accept, ts, &r, None, a.as_socket(), detail);
            }
            Err(_) => self.emit(SocketCall::Accept, ts, &r, None, String::new()),
        }
        let (s, a) = r?;
        let fd = s.as_raw_fd();
        let mut conn = TracedSocket {
            sock: Some(s),
            fd,
            side: self.side,
            sink: self.sink.clone(),
            local: None,
            peer: a.as_socket(),
        };
        conn.refresh_local();
        Ok(conn)
    }

    /// `connect()`, bounded by `timeout` so an unreachable peer cannot hang a scenario.
    pub fn connect(&mut self, addr: SocketAddr, timeout: Duration) -> io::Result<()> {
        let ts = now_ns();
        let r = self
            .sock()
            .and_then(|s| s.connect_timeout(&SockAddr::from(addr), timeout));
        if r.is_ok() {
            self.refresh_local();
        }
        self.peer = Some(addr);
        self.emit(SocketCall::Connect, ts, &r, None, String::new());
        r
    }

    /// `send()`: one call; may send fewer bytes than asked.
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        let ts = now_ns();
        let r = self.sock().and_then(|mut s| s.write(buf));
        let n = r.as_ref().ok().copied();
        self.emit(SocketCall::Send, ts, &r, n, String::new());
        r
    }

    /// `send()` until all of `buf` went out (one event per call, as an strace would show).
    pub fn send_all(&self, mut buf: &[u8]) -> io::Result<()> {
        // Each call sends at least one byte or fails, so this ends within buf.len() calls.
        while !buf.is_empty() {
            let n = self.send(buf)?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "send sent 0 bytes",
                ));
            }
            buf = buf.get(n..).unwrap_or_default();
        }
        Ok(())
    }

    /// `recv()`: `Ok(0)` is EOF (the peer's FIN).
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        let ts = now_ns();
        let r = self.sock().and_then(|mut s| s.read(buf));
        match &r {
            Err(e) if is_poll_timeout(e) => {}
            _ => {
                let n = r.as_ref().ok().copied();
                let detail = if n == Some(0) { "EOF" } else { "" };
                self.emit(SocketCall::Recv, ts, &r, n, detail.to_string());
            }
        }
        r
    }

    /// `sendto()`.
    pub fn send_to(&mut self, buf: &[u8], to: SocketAddr) -> io::Result<usize> {
        let ts = now_ns();
        let r = self
            .sock()
            .and_then(|s| s.send_to(buf, &SockAddr::from(to)));
        if self.local.is_none() {
            // The kernel binds an unbound UDP socket on its first sendto; show that port.
            self.refresh_local();
        }
        let n = r.as_ref().ok().copied();
        self.emit_peer(SocketCall::SendTo, ts, &r, n, Some(to), String::new());
        r
    }

    /// `recvfrom()`: the datagram and who sent it.
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let ts = now_ns();
        let r = self.sock().and_then(|s| s.recv_from(as_uninit(buf)));
        let r = r.and_then(|(n, a)| {
            a.as_socket()
                .map(|a| (n, a))
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "non-IP sender"))
        });
        match &r {
            Err(e) if is_poll_timeout(e) => {}
            Ok((n, from)) => self.emit_peer(
                SocketCall::RecvFrom,
                ts,
                &r,
                Some(*n),
                Some(*from),
                String::new(),
            ),
            Err(_) => self.emit(SocketCall::RecvFrom, ts, &r, None, String::new()),
        }
        r
    }

    /// `shutdown()`: `Shutdown::Write` sends a FIN but keeps reading (half-close).
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        let ts = now_ns();
        let r = self.sock().and_then(|s| s.shutdown(how));
        let name = match how {
            Shutdown::Read => "SHUT_RD",
            Shutdown::Write => "SHUT_WR",
            Shutdown::Both => "SHUT_RDWR",
        };
        self.emit(SocketCall::Shutdown, ts, &r, None, name.to_string());
        r
    }

    fn setsockopt(
        &self,
        detail: String,
        f: impl FnOnce(&Socket) -> io::Result<()>,
    ) -> io::Result<()> {
        let ts = now_ns();
        let r = self.sock().and_then(f);
        self.emit(SocketCall::Setsockopt, ts, &r, None, detail);
        r
    }

    /// SO_LINGER; `Some(ZERO)` makes `close()` abort the connection with an RST.
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        let detail = match linger {
            None => "SO_LINGER off".to_string(),
            Some(d) => format!("SO_LINGER on, {}s", d.as_secs()),
        };
        self.setsockopt(detail, |s| s.set_linger(linger))
    }

    /// SO_RCVBUF (the kernel doubles it for bookkeeping; a small one shrinks the window).
    pub fn set_recv_buffer(&self, bytes: usize) -> io::Result<()> {
        self.setsockopt(format!("SO_RCVBUF={bytes}"), |s| {
            s.set_recv_buffer_size(bytes)
        })
    }

    /// SO_RCVTIMEO: bounds blocking accept/recv so loops can check their stop flag.
    pub fn set_read_timeout(&self, t: Duration) -> io::Result<()> {
        let detail = format!("SO_RCVTIMEO={}ms", t.as_millis());
        self.setsockopt(detail, |s| s.set_read_timeout(Some(t)))
    }

    /// SO_SNDTIMEO: bounds blocking sends.
    pub fn set_write_timeout(&self, t: Duration) -> io::Result<()> {
        let detail = format!("SO_SNDTIMEO={}ms", t.as_millis());
        self.setsockopt(detail, |s| s.set_write_timeout(Some(t)))
    }

    /// SO_REUSEADDR, so a restarted server can bind while old connections sit in TIME_WAIT.
    pub fn set_reuse_address(&self) -> io::Result<()> {
        self.setsockopt("SO_REUSEADDR=1".to_string(), |s| s.set_reuse_address(true))
    }

    /// `close()`. Dropping does the same; this spells it out where the close matters.
    pub fn close(mut self) {
        self.close_inner();
    }

    fn close_inner(&mut self) {
        if let Some(s) = self.sock.take() {
            let ts = now_ns();
            drop(s);
            self.emit(SocketCall::Close, ts, &Ok(()), None, String::new());
        }
    }
}

impl Drop for TracedSocket {
    fn drop(&mut self) {
        self.close_inner();
    }
}

/// Views an initialised buffer as possibly-uninitialised, which is what socket2's
/// `recv_from` takes.
fn as_uninit(buf: &mut [u8]) -> &mut [MaybeUninit<u8>] {
    // SAFETY: MaybeUninit<u8> has the same layout as u8, and the kernel (the only writer
    // through this view) only stores initialised bytes, so `buf` stays initialised.
    unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) }
}
