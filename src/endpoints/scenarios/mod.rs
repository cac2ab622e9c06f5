//! Teaching scenarios: short, deterministic exchanges between a built-in server and client,
//! runnable by name on loopback or in the two-host lab.
//!
//! Library entry point for the UI demo: [`run`] with an [`EventSink`] (e.g. an
//! `mpsc::Sender<SocketEvent>`) that it merges with captured packets by time.

mod tcp;
mod udp;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::events::{now_ns, EventLog, EventSink, SocketEvent, Tee};
use super::netns::run_in;
use super::server::{self, ServerConfig, ServerHandle};
use super::traced::{TracedSocket, Transport};
use super::EndpointError;
use crate::frame::TimestampNs;

/// A scenario's name, what it shows and what to look for in the capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScenarioInfo {
    pub name: &'static str,
    pub summary: &'static str,
    pub watch: &'static str,
}

/// Every scenario, in teaching order.
pub const SCENARIOS: &[ScenarioInfo] = &[
    ScenarioInfo {
        name: "handshake",
        summary: "connect, one exchange, close",
        watch: "SYN, SYN-ACK, ACK before connect() returns; FIN/ACK from each side at close",
    },
    ScenarioInfo {
        name: "echo",
        summary: "three messages echoed back on one connection",
        watch: "each send() gives a PSH segment; the echo's ACK often piggybacks on data",
    },
    ScenarioInfo {
        name: "bulk",
        summary: "256 KiB to a slow reader with a small SO_RCVBUF",
        watch: "segments filling the window, window updates, maybe a zero window and probes",
    },
    ScenarioInfo {
        name: "half-close",
        summary: "client shutdown(SHUT_WR); the server answers after that EOF; client reads to EOF",
        watch:
            "the client's FIN comes first, data still flows back after it, then the server's FIN",
    },
    ScenarioInfo {
        name: "reset",
        summary: "client sets SO_LINGER 0 and closes: abortive close",
        watch: "an RST instead of a FIN; the server's recv() fails with ECONNRESET",
    },
    ScenarioInfo {
        name: "refused",
        summary: "connect to a port nobody listens on",
        watch: "SYN answered by RST-ACK; connect() fails with ECONNREFUSED",
    },
    ScenarioInfo {
        name: "udp",
        summary: "datagrams to an echo server, then one to a port with no listener",
        watch: "no handshake; ICMP port unreachable; recv() on the connected socket: ECONNREFUSED",
    },
    ScenarioInfo {
        name: "udp-vs-tcp",
        summary: "the same three messages over TCP and over UDP",
        watch: "TCP: handshake, ACKs, FINs around the data; UDP: just the datagrams",
    },
];

/// Where and how a scenario runs.
#[derive(Debug, Clone)]
pub struct ScenarioConfig {
    /// The server's address; the client connects to it. Loopback unless in the lab.
    pub server_ip: IpAddr,
    /// Server port; 0 = an ephemeral port chosen by the kernel.
    pub port: u16,
    /// Bound on every wait (connect, reply, server finishing).
    pub timeout: Duration,
    /// Namespaces (server, client) when running in the two-host lab.
    pub netns: Option<(String, String)>,
    /// Checked between steps (set it from a SIGINT handler).
    pub stop: Arc<AtomicBool>,
}

impl Default for ScenarioConfig {
    fn default() -> Self {
        ScenarioConfig {
            server_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            timeout: Duration::from_secs(5),
            netns: None,
            stop: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// What happened: every socket call (sorted by start time) and plain-language notes.
#[derive(Debug, Clone)]
pub struct ScenarioReport {
    pub name: String,
    pub server: Option<SocketAddr>,
    pub events: Vec<SocketEvent>,
    pub notes: Vec<String>,
    pub started_ns: TimestampNs,
    pub ended_ns: TimestampNs,
}

/// Looks up a scenario by name.
pub fn info(name: &str) -> Option<&'static ScenarioInfo> {
    SCENARIOS.iter().find(|s| s.name == name)
}

/// Runs scenario `name`, sending each socket call to `sink` as it happens and returning
/// them all in the report.
pub fn run(
    name: &str,
    cfg: &ScenarioConfig,
    sink: Arc<dyn EventSink>,
) -> Result<ScenarioReport, EndpointError> {
    let info = info(name).ok_or_else(|| EndpointError::UnknownScenario(name.to_string()))?;
    if cfg.stop.load(Ordering::SeqCst) {
        return Err(EndpointError::Failed("interrupted".into()));
    }
    let log = Arc::new(EventLog::new());
    let ctx = Ctx {
        cfg: cfg.clone(),
        sink: Arc::new(Tee(log.clone(), sink)),
        log: log.clone(),
    };
    let started_ns = now_ns();
    let (server, notes) = match info.name {
        "handshake" => tcp::handshake(&ctx)?,
        "echo" => tcp::echo(&ctx)?,
        "bulk" => tcp::bulk(&ctx)?,
        "half-close" => tcp::half_close(&ctx)?,
        "reset" => tcp::reset(&ctx)?,
        "refused" => tcp::refused(&ctx)?,
        "udp" => udp::udp(&ctx)?,
        "udp-vs-tcp" => udp::udp_vs_tcp(&ctx)?,
        other => return Err(EndpointError::UnknownScenario(other.to_string())),
    };
    Ok(ScenarioReport {
        name: info.name.to_string(),
        server,
        events: log.snapshot(),
        notes,
        started_ns,
        ended_ns: now_ns(),
    })
}

/// What a scenario body returns: the server address it used and its notes.
type Outcome = (Option<SocketAddr>, Vec<String>);

/// Shared plumbing for scenario bodies: which namespace each side runs in, the sink.
struct Ctx {
    cfg: ScenarioConfig,
    sink: Arc<dyn EventSink>,
    /// The events so far, so notes state what happened rather than what should have.
    log: Arc<EventLog>,
}

impl Ctx {
    fn server_ns(&self) -> Option<&str> {
        self.cfg.netns.as_ref().map(|(s, _)| s.as_str())
    }

    fn client_ns(&self) -> Option<&str> {
        self.cfg.netns.as_ref().map(|(_, c)| c.as_str())
    }

    fn server_addr(&self, port: u16) -> SocketAddr {
        SocketAddr::new(self.cfg.server_ip, port)
    }

    /// Starts a server in the server namespace, with its own stop flag so finishing it
    /// does not stop the caller's later scenarios.
    fn start_server(
        &self,
        transport: Transport,
        port: u16,
        tune: impl FnOnce(&mut ServerConfig),
    ) -> Result<ServerHandle, EndpointError> {
        let mut sc = ServerConfig::new(transport, self.server_addr(port));
        sc.duration = self.cfg.timeout * 2;
        if transport == Transport::Tcp {
            sc.max_connections = Some(1);
        }
        tune(&mut sc);
        let sink = self.sink.clone();
        run_in(self.server_ns(), move || {
            server::start(sc, sink, Arc::new(AtomicBool::new(false)))
        })
    }

    /// Runs the client half in the client namespace with a client-side sink.
    fn client<T, F>(&self, f: F) -> Result<T, EndpointError>
    where
        T: Send + 'static,
        F: FnOnce(Arc<dyn EventSink>, ScenarioConfig) -> Result<T, EndpointError> + Send + 'static,
    {
        self.check_stop()?;
        let (sink, cfg) = (self.sink.clone(), self.cfg.clone());
        run_in(self.client_ns(), move || f(sink, cfg))
    }

    fn check_stop(&self) -> Result<(), EndpointError> {
        if self.cfg.stop.load(Ordering::SeqCst) {
            Err(EndpointError::Failed("interrupted".into()))
        } else {
            Ok(())
        }
    }

    /// A port on the server address that nothing listens on: bind an (untraced) socket to
    /// port 0, note the port the kernel picked, close it. Another process could grab the
    /// port in between; on a test box the window is microseconds.
    fn closed_port(&self, transport: Transport) -> Result<u16, EndpointError> {
        let addr = self.server_addr(0);
        run_in(self.server_ns(), move || {
            let ty = match transport {
                Transport::Tcp => socket2::Type::STREAM,
                Transport::Udp => socket2::Type::DGRAM,
            };
            let s = socket2::Socket::new(socket2::Domain::for_address(addr), ty, None)
                .and_then(|s| s.bind(&addr.into()).map(|()| s))
                .and_then(|s| s.local_addr())
                .map_err(|e| EndpointError::socket("bind", addr, e))?;
            s.as_socket()
                .map(|a| a.port())
                .ok_or_else(|| EndpointError::Failed("no local port".into()))
        })
    }
}

/// Opens and connects a traced TCP client socket.
fn connect_tcp(
    sink: Arc<dyn EventSink>,
    to: SocketAddr,
    timeout: Duration,
) -> Result<TracedSocket, EndpointError> {
    let mut s = TracedSocket::open(super::Side::Client, sink, Transport::Tcp, to)
        .map_err(|e| EndpointError::socket("socket", to, e))?;
    s.connect(to, timeout)
        .map_err(|e| EndpointError::socket("connect", to, e))?;
    s.set_read_timeout(server::POLL)
        .map_err(|e| EndpointError::socket("setsockopt", to, e))?;
    Ok(s)
}

/// Reads until EOF, an error or `timeout`; returns the bytes and whether EOF was seen.
fn read_to_eof(s: &TracedSocket, timeout: Duration) -> (Vec<u8>, bool) {
    super::client::read_until(s, None, timeout)
}
