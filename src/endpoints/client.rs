//! A TCP/UDP client: sends a message N times and reports what came back.

use std::net::{Shutdown, SocketAddr};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::events::{EventSink, Side};
use super::server::chargen_line;
use super::traced::{is_poll_timeout, TracedSocket, Transport};
use super::EndpointError;

/// Largest payload `--bytes` accepts (keeps a typo from allocating gigabytes).
pub const MAX_PAYLOAD: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub transport: Transport,
    pub target: SocketAddr,
    pub payload: Vec<u8>,
    pub count: u32,
    pub interval: Duration,
    /// How long to wait for each reply (a discard server never sends one).
    pub reply_timeout: Duration,
    pub connect_timeout: Duration,
}

impl ClientConfig {
    pub fn new(transport: Transport, target: SocketAddr, payload: Vec<u8>) -> Self {
        ClientConfig {
            transport,
            target,
            payload,
            count: 1,
            interval: Duration::from_millis(0),
            reply_timeout: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

/// `n` bytes of the chargen pattern: recognisable in a hex dump, and compresses nothing.
pub fn pattern_payload(n: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(n);
    let mut line = 0;
    while v.len() < n {
        v.extend(chargen_line(line));
        line += 1;
    }
    v.truncate(n);
    v
}

/// One send and what came back for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub sent: usize,
    pub received: Vec<u8>,
}

/// Runs the client; `progress` gets a human line per send and per reply.
pub fn run(
    cfg: &ClientConfig,
    sink: Arc<dyn EventSink>,
    progress: &dyn Fn(&str),
) -> Result<Vec<Exchange>, EndpointError> {
    let t = cfg.target;
    let err = |call| move |e| EndpointError::socket(call, t, e);
    let mut sock =
        TracedSocket::open(Side::Client, sink, cfg.transport, t).map_err(err("socket"))?;
    if cfg.transport == Transport::Tcp {
        sock.connect(t, cfg.connect_timeout)
            .map_err(err("connect"))?;
    }
    sock.set_read_timeout(Duration::from_millis(100))
        .map_err(err("setsockopt"))?;
    let mut out = Vec::new();
    for i in 0..cfg.count {
        if i > 0 {
            thread::sleep(cfg.interval);
        }
        let received = match cfg.transport {
            Transport::Tcp => {
                sock.send_all(&cfg.payload).map_err(err("send"))?;
                progress(&format!(
                    "sent {} bytes: {}",
                    cfg.payload.len(),
                    preview(&cfg.payload)
                ));
                read_reply_tcp(&sock, cfg.payload.len(), cfg.reply_timeout)
            }
            Transport::Udp => {
                sock.send_to(&cfg.payload, t).map_err(err("sendto"))?;
                progress(&format!(
                    "sent {} bytes: {}",
                    cfg.payload.len(),
                    preview(&cfg.payload)
                ));
                read_reply_udp(&sock, cfg.reply_timeout)
            }
        };
        match &received {
            Some(r) => progress(&format!("received {} bytes: {}", r.len(), preview(r))),
            None => progress(&format!(
                "no reply within {} ms",
                cfg.reply_timeout.as_millis()
            )),
        }
        out.push(Exchange {
            sent: cfg.payload.len(),
            received: received.unwrap_or_default(),
        });
    }
    if cfg.transport == Transport::Tcp {
        // Half-close, then drain until the server's FIN so the close is orderly on both
        // sides (no RST for unread data).
        if sock.shutdown(Shutdown::Write).is_ok() {
            read_until(&sock, None, cfg.reply_timeout);
        }
    }
    sock.close();
    Ok(out)
}

/// Most bytes [`read_until`] keeps; it goes on reading (and dropping) past that.
const KEEP_LIMIT: usize = 16 * 1024 * 1024;

/// Reads until `want` bytes arrived (`None`: no limit), EOF, an error, or `timeout`.
/// Returns the bytes and whether EOF (the peer's FIN) was seen.
pub(crate) fn read_until(
    sock: &TracedSocket,
    want: Option<usize>,
    timeout: Duration,
) -> (Vec<u8>, bool) {
    let until = Instant::now() + timeout;
    let mut got = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    while want.is_none_or(|w| got.len() < w) && Instant::now() < until {
        match sock.recv(&mut buf) {
            Ok(0) => return (got, true),
            Ok(n) => {
                let keep = n.min(KEEP_LIMIT.saturating_sub(got.len()));
                got.extend_from_slice(buf.get(..keep).unwrap_or_default());
            }
            Err(e) if is_poll_timeout(&e) => {}
            Err(_) => break,
        }
    }
    (got, false)
}

/// Reads until `want` bytes arrived, EOF, an error, or `timeout`; `None` if nothing came.
pub(crate) fn read_reply_tcp(
    sock: &TracedSocket,
    want: usize,
    timeout: Duration,
) -> Option<Vec<u8>> {
    let (got, _) = read_until(sock, Some(want), timeout);
    (!got.is_empty()).then_some(got)
}

/// One datagram, or `None` after `timeout` or an error (an ICMP unreachable, for example).
pub(crate) fn read_reply_udp(sock: &TracedSocket, timeout: Duration) -> Option<Vec<u8>> {
    let until = Instant::now() + timeout;
    let mut buf = vec![0u8; 65_536];
    while Instant::now() < until {
        match sock.recv_from(&mut buf) {
            Ok((n, _)) => return buf.get(..n).map(<[u8]>::to_vec),
            Err(e) if is_poll_timeout(&e) => {}
            Err(_) => return None,
        }
    }
    None
}

/// The first bytes as text, with non-printables escaped: enough to recognise a message.
pub fn preview(data: &[u8]) -> String {
    let head = data.get(..data.len().min(40)).unwrap_or_default();
    let mut s: String = head.escape_ascii().to_string();
    if data.len() > head.len() {
        s.push('…');
    }
    format!("\"{s}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_and_preview() {
        let p = pattern_payload(100);
        assert_eq!(p.len(), 100);
        assert_eq!(preview(b"hi\n"), "\"hi\\n\"");
        assert!(preview(&p).ends_with("…\""));
    }
}
