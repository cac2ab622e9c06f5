//! The UDP scenarios.

use std::net::{Shutdown, SocketAddr};

use super::{connect_tcp, read_to_eof, Ctx, Outcome};
use crate::endpoints::client::{preview, read_reply_tcp, read_reply_udp};
use crate::endpoints::events::{EventSink, Side};
use crate::endpoints::traced::{TracedSocket, Transport};
use crate::endpoints::EndpointError;

const MESSAGES: [&str; 3] = ["alpha\n", "bravo\n", "charlie\n"];

fn open_udp(
    sink: std::sync::Arc<dyn EventSink>,
    to: SocketAddr,
) -> Result<TracedSocket, EndpointError> {
    let s = TracedSocket::open(Side::Client, sink, Transport::Udp, to)
        .map_err(|e| EndpointError::socket("socket", to, e))?;
    s.set_read_timeout(crate::endpoints::server::POLL)
        .map_err(|e| EndpointError::socket("setsockopt", to, e))?;
    Ok(s)
}

/// sendto/recvfrom each message on an unconnected socket; returns one note per message.
fn udp_exchanges(
    sink: std::sync::Arc<dyn EventSink>,
    to: SocketAddr,
    timeout: std::time::Duration,
) -> Result<Vec<String>, EndpointError> {
    let mut s = open_udp(sink, to)?;
    let mut notes = Vec::new();
    for msg in MESSAGES {
        s.send_to(msg.as_bytes(), to)
            .map_err(|e| EndpointError::socket("sendto", to, e))?;
        let r = read_reply_udp(&s, timeout);
        notes.push(format!(
            "udp: sent {} got back {}",
            preview(msg.as_bytes()),
            r.as_deref().map_or("nothing".to_string(), preview)
        ));
    }
    s.close();
    Ok(notes)
}

/// Datagrams to an echo server, then one to a closed port on a connected socket.
pub(super) fn udp(ctx: &Ctx) -> Result<Outcome, EndpointError> {
    let srv = ctx.start_server(Transport::Udp, ctx.cfg.port, |_| {})?;
    let to = srv.local;
    let closed = ctx.server_addr(ctx.closed_port(Transport::Udp)?);
    let (mut notes, errno) = ctx.client(move |sink, cfg| {
        let notes = udp_exchanges(sink.clone(), to, cfg.timeout)?;
        // Linux reports ICMP errors only to *connected* UDP sockets (without IP_RECVERR),
        // so this socket connects before sending to the closed port.
        let mut s = open_udp(sink, closed)?;
        s.connect(closed, cfg.timeout)
            .map_err(|e| EndpointError::socket("connect", closed, e))?;
        s.send(b"anyone there?\n")
            .map_err(|e| EndpointError::socket("send", closed, e))?;
        let mut buf = [0u8; 1500];
        let until = std::time::Instant::now() + cfg.timeout;
        let mut errno = None;
        while std::time::Instant::now() < until {
            match s.recv(&mut buf) {
                Ok(_) => break,
                Err(e) if crate::endpoints::traced::is_poll_timeout(&e) => {}
                Err(e) => {
                    errno = e.raw_os_error();
                    break;
                }
            }
        }
        s.close();
        Ok((notes, errno))
    })?;
    srv.finish(std::time::Duration::ZERO);
    notes.push(format!(
        "datagram to {closed} (no listener): the kernel answered with ICMP port unreachable"
    ));
    notes.push(match errno {
        Some(libc::ECONNREFUSED) => "recv() on the connected socket: ECONNREFUSED".to_string(),
        Some(e) => format!("recv() on the connected socket: errno {e}"),
        None => "recv() saw no error within the timeout".to_string(),
    });
    Ok((Some(to), notes))
}

/// The same messages over TCP and over UDP, on the same port number where possible.
pub(super) fn udp_vs_tcp(ctx: &Ctx) -> Result<Outcome, EndpointError> {
    let tsrv = ctx.start_server(Transport::Tcp, ctx.cfg.port, |_| {})?;
    let tcp_to = tsrv.local;
    // TCP and UDP ports are separate spaces; using the same number makes the comparison
    // easy to read. Fall back to any port if that UDP port is taken.
    let usrv = match ctx.start_server(Transport::Udp, tcp_to.port(), |_| {}) {
        Ok(s) => s,
        Err(_) => ctx.start_server(Transport::Udp, 0, |_| {})?,
    };
    let udp_to = usrv.local;
    let mut notes = ctx.client(move |sink, cfg| {
        let s = connect_tcp(sink.clone(), tcp_to, cfg.timeout)?;
        let mut notes = Vec::new();
        for msg in MESSAGES {
            s.send_all(msg.as_bytes())
                .map_err(|e| EndpointError::socket("send", tcp_to, e))?;
            let r = read_reply_tcp(&s, msg.len(), cfg.timeout).unwrap_or_default();
            notes.push(format!(
                "tcp: sent {} got back {}",
                preview(msg.as_bytes()),
                preview(&r)
            ));
        }
        s.shutdown(Shutdown::Write)
            .map_err(|e| EndpointError::socket("shutdown", tcp_to, e))?;
        read_to_eof(&s, cfg.timeout);
        s.close();
        notes.extend(udp_exchanges(sink, udp_to, cfg.timeout)?);
        Ok(notes)
    })?;
    tsrv.finish(ctx.cfg.timeout);
    usrv.finish(std::time::Duration::ZERO);
    notes.push(format!("TCP server {tcp_to}, UDP server {udp_to}"));
    Ok((Some(tcp_to), notes))
}
