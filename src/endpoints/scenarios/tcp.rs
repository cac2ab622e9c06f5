//! The TCP scenarios. Each starts a one-connection server, runs the client half, then
//! waits (bounded) for the server to finish so its closing calls are in the report.

use std::net::Shutdown;
use std::time::Duration;

use super::{connect_tcp, read_to_eof, Ctx, Outcome};
use crate::endpoints::client::{pattern_payload, preview, read_reply_tcp};
use crate::endpoints::server::Mode;
use crate::endpoints::traced::Transport;
use crate::endpoints::{EndpointError, Side, SocketCall};

/// Total bytes of the bulk scenario: many segments, even on loopback's 64 KiB MTU.
pub const BULK_BYTES: usize = 256 * 1024;
/// Bytes per `send()` in the bulk scenario.
const BULK_CHUNK: usize = 32 * 1024;

fn sock_err(
    call: &'static str,
    to: std::net::SocketAddr,
) -> impl Fn(std::io::Error) -> EndpointError {
    move |e| EndpointError::socket(call, to, e)
}

/// connect, one exchange, close.
pub(super) fn handshake(ctx: &Ctx) -> Result<Outcome, EndpointError> {
    let srv = ctx.start_server(Transport::Tcp, ctx.cfg.port, |_| {})?;
    let to = srv.local;
    let reply = ctx.client(move |sink, cfg| {
        let s = connect_tcp(sink, to, cfg.timeout)?;
        s.send_all(b"hello\n").map_err(sock_err("send", to))?;
        let reply = read_reply_tcp(&s, 6, cfg.timeout);
        s.close();
        Ok(reply)
    })?;
    srv.finish(ctx.cfg.timeout);
    let notes = vec![
        format!("client connected to {to}: the three-way handshake happened inside connect()"),
        format!(
            "echo: {}",
            reply.as_deref().map_or("none".to_string(), preview)
        ),
        "the client closed first, so the client side ends in TIME_WAIT".to_string(),
    ];
    Ok((Some(to), notes))
}

/// Three messages echoed on one connection, then an orderly close.
pub(super) fn echo(ctx: &Ctx) -> Result<Outcome, EndpointError> {
    let srv = ctx.start_server(Transport::Tcp, ctx.cfg.port, |_| {})?;
    let to = srv.local;
    let notes = ctx.client(move |sink, cfg| {
        let s = connect_tcp(sink, to, cfg.timeout)?;
        let mut notes = Vec::new();
        for msg in ["one\n", "two\n", "three\n"] {
            s.send_all(msg.as_bytes()).map_err(sock_err("send", to))?;
            let r = read_reply_tcp(&s, msg.len(), cfg.timeout).unwrap_or_default();
            notes.push(format!(
                "sent {} got back {}",
                preview(msg.as_bytes()),
                preview(&r)
            ));
        }
        s.shutdown(Shutdown::Write)
            .map_err(sock_err("shutdown", to))?;
        read_to_eof(&s, cfg.timeout);
        s.close();
        Ok(notes)
    })?;
    srv.finish(ctx.cfg.timeout);
    Ok((Some(to), notes))
}

/// 256 KiB to a discard server that reads 4 KiB every 2 ms through a small receive buffer.
pub(super) fn bulk(ctx: &Ctx) -> Result<Outcome, EndpointError> {
    let srv = ctx.start_server(Transport::Tcp, ctx.cfg.port, |sc| {
        sc.mode = Mode::Discard;
        sc.rcvbuf = Some(4096);
        sc.read_chunk = 4096;
        sc.read_delay = Duration::from_millis(2);
    })?;
    let to = srv.local;
    let (sent, eof) = ctx.client(move |sink, cfg| {
        let s = connect_tcp(sink, to, cfg.timeout)?;
        s.set_write_timeout(cfg.timeout)
            .map_err(sock_err("setsockopt", to))?;
        let data = pattern_payload(BULK_BYTES);
        let mut sent = 0;
        for chunk in data.chunks(BULK_CHUNK) {
            s.send_all(chunk).map_err(sock_err("send", to))?;
            sent += chunk.len();
        }
        s.shutdown(Shutdown::Write)
            .map_err(sock_err("shutdown", to))?;
        // The discard server closes once it has read everything, which bounds this wait.
        let (_, eof) = read_to_eof(&s, cfg.timeout);
        s.close();
        Ok((sent, eof))
    })?;
    srv.finish(ctx.cfg.timeout);
    let notes = vec![
        format!("sent {sent} bytes in {BULK_CHUNK}-byte send() calls"),
        "server: SO_RCVBUF=4096, reads 4096 bytes every 2 ms, so the window stays small".into(),
        format!(
            "server closed after reading everything: {}",
            if eof {
                "yes (client saw EOF)"
            } else {
                "not within the timeout"
            }
        ),
    ];
    Ok((Some(to), notes))
}

/// The client half-closes, then still receives the server's reply until EOF. The server
/// answers only after the client's FIN, so the reply visibly flows after it.
pub(super) fn half_close(ctx: &Ctx) -> Result<Outcome, EndpointError> {
    let srv = ctx.start_server(Transport::Tcp, ctx.cfg.port, |sc| sc.echo_at_eof = true)?;
    let to = srv.local;
    let (reply, eof) = ctx.client(move |sink, cfg| {
        let s = connect_tcp(sink, to, cfg.timeout)?;
        s.send_all(b"request: send this back, then close\n")
            .map_err(sock_err("send", to))?;
        s.shutdown(Shutdown::Write)
            .map_err(sock_err("shutdown", to))?;
        let got = read_to_eof(&s, cfg.timeout);
        s.close();
        Ok(got)
    })?;
    srv.finish(ctx.cfg.timeout);
    let notes = vec![
        "client called shutdown(SHUT_WR): its FIN went out, its receive side stayed open".into(),
        format!(
            "after that it still received {} bytes: {}",
            reply.len(),
            preview(&reply)
        ),
        format!(
            "then EOF (the server's FIN): {}",
            if eof { "yes" } else { "no" }
        ),
    ];
    Ok((Some(to), notes))
}

/// SO_LINGER 0 then close: the connection is aborted with an RST.
pub(super) fn reset(ctx: &Ctx) -> Result<Outcome, EndpointError> {
    let srv = ctx.start_server(Transport::Tcp, ctx.cfg.port, |_| {})?;
    let to = srv.local;
    ctx.client(move |sink, cfg| {
        let s = connect_tcp(sink, to, cfg.timeout)?;
        s.send_all(b"hello\n").map_err(sock_err("send", to))?;
        read_reply_tcp(&s, 6, cfg.timeout);
        s.set_linger(Some(Duration::ZERO))
            .map_err(sock_err("setsockopt", to))?;
        s.close();
        Ok(())
    })?;
    srv.finish(ctx.cfg.timeout);
    let events = ctx.log.snapshot();
    let last_recv = events
        .iter()
        .rev()
        .find(|e| e.side == Side::Server && e.call == SocketCall::Recv);
    let server_saw = match last_recv {
        Some(e) if e.result.errno() == Some(libc::ECONNRESET) => {
            "the server's recv() failed with ECONNRESET".to_string()
        }
        Some(e) if e.bytes == Some(0) => {
            "the server's recv() returned 0 (it read before the RST arrived)".to_string()
        }
        Some(e) => format!("the server's last recv(): {:?}", e.result),
        None => "the server made no recv() call".to_string(),
    };
    let notes = vec![
        "client set SO_LINGER {on, 0s} and closed: RST instead of FIN, no TIME_WAIT".into(),
        server_saw,
    ];
    Ok((Some(to), notes))
}

/// connect() to a port nobody listens on.
pub(super) fn refused(ctx: &Ctx) -> Result<Outcome, EndpointError> {
    let port = ctx.closed_port(Transport::Tcp)?;
    let to = ctx.server_addr(port);
    let errno = ctx.client(move |sink, cfg| {
        let mut s = crate::endpoints::TracedSocket::open(
            crate::endpoints::Side::Client,
            sink,
            Transport::Tcp,
            to,
        )
        .map_err(sock_err("socket", to))?;
        let r = s.connect(to, cfg.timeout);
        s.close();
        Ok(r.err().and_then(|e| e.raw_os_error()))
    })?;
    let outcome = match errno {
        Some(libc::ECONNREFUSED) => "connect() failed with ECONNREFUSED".to_string(),
        Some(e) => format!("connect() failed with errno {e}"),
        None => "connect() unexpectedly succeeded (something listens there now)".to_string(),
    };
    Ok((
        Some(to),
        vec![
            format!("nothing listens on {to}: the kernel answers the SYN with RST-ACK"),
            outcome,
        ],
    ))
}
