//! Echo / discard / chargen servers over TCP (a thread per client, bounded) and UDP.
//!
//! Every blocking call carries SO_RCVTIMEO, so each loop re-checks the stop flag (set by
//! SIGINT/SIGTERM or by the scenario runner) and its deadline at least every [`POLL`].

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::events::{EventSink, Side};
use super::traced::{is_poll_timeout, TracedSocket, Transport};
use super::EndpointError;

/// How often blocked calls wake up to look at the stop flag.
pub const POLL: Duration = Duration::from_millis(100);
/// A TCP chargen connection ends after this much data, so it is bounded even if the client
/// never closes.
pub const CHARGEN_TCP_LIMIT: usize = 64 * 1024;

/// What the server does with what it receives (the classic inetd services).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Send everything back (RFC 862).
    #[default]
    Echo,
    /// Read and drop (RFC 863).
    Discard,
    /// Send lines of rotating ASCII (RFC 864): a stream over TCP, one line per datagram
    /// received over UDP.
    Chargen,
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mode::Echo => "echo",
            Mode::Discard => "discard",
            Mode::Chargen => "chargen",
        })
    }
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub transport: Transport,
    pub bind: SocketAddr,
    pub mode: Mode,
    /// At most this many TCP clients are served at once; more wait in the listen backlog.
    pub max_clients: usize,
    /// The server stops after this long even without a signal.
    pub duration: Duration,
    /// Stop accepting after this many TCP connections (scenarios serve exactly one).
    pub max_connections: Option<usize>,
    /// SO_RCVBUF for accepted connections (set on the listener before `listen()`, so the
    /// window it implies is the one announced in the SYN-ACK).
    pub rcvbuf: Option<usize>,
    /// Bytes asked for per `recv()`.
    pub read_chunk: usize,
    /// Pause before each `recv()`: a slow reader lets the receive window fill up.
    pub read_delay: Duration,
    /// Echo mode: hold the data and send it all back only after the client's FIN (EOF),
    /// like a `sort` server; what the half-close scenario needs. Held data is capped at
    /// [`HOLD_LIMIT`].
    pub echo_at_eof: bool,
}

/// Most bytes an `echo_at_eof` server holds before answering.
pub const HOLD_LIMIT: usize = 1024 * 1024;

impl ServerConfig {
    pub fn new(transport: Transport, bind: SocketAddr) -> Self {
        ServerConfig {
            transport,
            bind,
            mode: Mode::Echo,
            max_clients: 16,
            duration: Duration::from_secs(3600),
            max_connections: None,
            rcvbuf: None,
            read_chunk: 16 * 1024,
            read_delay: Duration::ZERO,
            echo_at_eof: false,
        }
    }
}

/// A running server. The listening socket exists (and is bound) once `start` returns, so a
/// client may connect right away.
pub struct ServerHandle {
    pub local: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// Waits up to `grace` for the server to finish on its own (a scenario's single
    /// connection ending), then stops it and waits for its threads.
    pub fn finish(mut self, grace: Duration) {
        let until = Instant::now() + grace;
        while self.thread.as_ref().is_some_and(|t| !t.is_finished()) && Instant::now() < until {
            thread::sleep(Duration::from_millis(5));
        }
        self.stop_and_join();
    }

    /// Runs until the stop flag is set or the duration ends.
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            // A panicked server thread has already printed its message; nothing to add.
            let _ = t.join();
        }
    }

    fn stop_and_join(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Opens, binds (and for TCP listens on) the server socket on the calling thread, then serves
/// on a background thread. Socket errors (port in use, permission) are returned here.
pub fn start(
    cfg: ServerConfig,
    sink: Arc<dyn EventSink>,
    stop: Arc<AtomicBool>,
) -> Result<ServerHandle, EndpointError> {
    let addr = cfg.bind;
    let err = |call| move |e| EndpointError::socket(call, addr, e);
    let mut sock =
        TracedSocket::open(Side::Server, sink, cfg.transport, addr).map_err(err("socket"))?;
    if cfg.transport == Transport::Tcp {
        sock.set_reuse_address().map_err(err("setsockopt"))?;
        if let Some(b) = cfg.rcvbuf {
            sock.set_recv_buffer(b).map_err(err("setsockopt"))?;
        }
    }
    sock.bind(addr).map_err(err("bind"))?;
    if cfg.transport == Transport::Tcp {
        sock.listen(128).map_err(err("listen"))?;
    }
    sock.set_read_timeout(POLL).map_err(err("setsockopt"))?;
    let local = sock.local().unwrap_or(addr);
    let stop2 = stop.clone();
    let thread = thread::Builder::new()
        .name(format!("sockeye-server-{local}"))
        .spawn(move || match cfg.transport {
            Transport::Tcp => serve_tcp(sock, &cfg, &stop2),
            Transport::Udp => serve_udp(sock, &cfg, &stop2),
        })
        .map_err(|e| EndpointError::Failed(format!("cannot start server thread: {e}")))?;
    Ok(ServerHandle {
        local,
        stop,
        thread: Some(thread),
    })
}

fn serve_tcp(listener: TracedSocket, cfg: &ServerConfig, stop: &Arc<AtomicBool>) {
    let deadline = Instant::now() + cfg.duration;
    let active = Arc::new(AtomicUsize::new(0));
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    let mut accepted = 0usize;
    while !stop.load(Ordering::SeqCst)
        && Instant::now() < deadline
        && cfg.max_connections.is_none_or(|m| accepted < m)
    {
        workers.retain(|w| !w.is_finished());
        if active.load(Ordering::SeqCst) >= cfg.max_clients.max(1) {
            // Full: leave new clients in the backlog until a worker ends.
            thread::sleep(Duration::from_millis(10));
            continue;
        }
        let conn = match listener.accept() {
            Ok(c) => c,
            // Timeouts are the stop-flag poll; other errors (EMFILE…) are in the trace and
            // must not spin, so back off briefly.
            Err(_) => {
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        accepted += 1;
        active.fetch_add(1, Ordering::SeqCst);
        let (cfg2, stop2, active2) = (cfg.clone(), stop.clone(), active.clone());
        let spawned = thread::Builder::new()
            .name("sockeye-conn".into())
            .spawn(move || {
                handle_tcp(conn, &cfg2, &stop2, deadline);
                active2.fetch_sub(1, Ordering::SeqCst);
            });
        match spawned {
            Ok(w) => workers.push(w),
            // The connection was moved into the closure and is closed with it.
            Err(_) => {
                active.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
    for w in workers {
        let _ = w.join();
    }
    listener.close();
}

fn handle_tcp(conn: TracedSocket, cfg: &ServerConfig, stop: &AtomicBool, deadline: Instant) {
    if conn.set_read_timeout(POLL).is_err() {
        return;
    }
    if cfg.mode == Mode::Chargen {
        let mut sent = 0;
        let mut line = 0;
        while sent < CHARGEN_TCP_LIMIT && !stop.load(Ordering::SeqCst) && Instant::now() < deadline
        {
            let l = chargen_line(line);
            if conn.send_all(&l).is_err() {
                break;
            }
            sent += l.len();
            line += 1;
        }
        conn.close();
        return;
    }
    let mut buf = vec![0u8; cfg.read_chunk.max(1)];
    let mut held = Vec::new();
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        if !cfg.read_delay.is_zero() {
            thread::sleep(cfg.read_delay);
        }
        match conn.recv(&mut buf) {
            Ok(0) => {
                if !held.is_empty() {
                    let _ = conn.send_all(&held);
                }
                break;
            }
            Ok(n) => {
                if cfg.mode == Mode::Echo && cfg.echo_at_eof {
                    let room = HOLD_LIMIT.saturating_sub(held.len()).min(n);
                    held.extend_from_slice(buf.get(..room).unwrap_or_default());
                } else if cfg.mode == Mode::Echo {
                    if let Some(data) = buf.get(..n) {
                        if conn.send_all(data).is_err() {
                            break;
                        }
                    }
                }
            }
            Err(e) if is_poll_timeout(&e) => continue,
            Err(_) => break,
        }
    }
    conn.close();
}

fn serve_udp(mut sock: TracedSocket, cfg: &ServerConfig, stop: &AtomicBool) {
    let deadline = Instant::now() + cfg.duration;
    let mut buf = vec![0u8; 65_536];
    let mut line = 0;
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        let (n, from) = match sock.recv_from(&mut buf) {
            Ok(x) => x,
            Err(e) if is_poll_timeout(&e) => continue,
            // ICMP errors from earlier replies surface here; they are traced, keep serving.
            Err(_) => continue,
        };
        let reply = match cfg.mode {
            Mode::Echo => buf.get(..n).map(<[u8]>::to_vec),
            Mode::Discard => None,
            Mode::Chargen => {
                line += 1;
                Some(chargen_line(line - 1))
            }
        };
        if let Some(r) = reply {
            let _ = sock.send_to(&r, from);
        }
    }
    sock.close();
}

/// Line `n` of the RFC 864 pattern: 72 characters of the 95 printable ASCII characters,
/// starting one further along each line, then CRLF.
pub fn chargen_line(n: usize) -> Vec<u8> {
    let mut l: Vec<u8> = (0..72).map(|i| b' ' + ((n + i) % 95) as u8).collect();
    l.extend_from_slice(b"\r\n");
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chargen_lines_rotate() {
        let first = chargen_line(0);
        assert_eq!(first.len(), 74);
        assert!(first.starts_with(b" !\"#$%"));
        assert!(chargen_line(1).starts_with(b"!\"#$%"));
        assert_eq!(chargen_line(95), first);
    }
}
