//! The built-in endpoints for real: every scenario on loopback with its event sequence and
//! the ordering invariants that actually hold; the CLI's exit codes through the binary; packet
//! patterns in a private network namespace; the two-host lab (root only).

use std::process::Command;
use std::sync::Arc;

use sockeye::endpoints::events::{CallResult, EventLog, NullSink};
use sockeye::endpoints::scenarios::{self, ScenarioConfig, ScenarioReport, SCENARIOS};
use sockeye::endpoints::{Side, SocketCall, SocketEvent};

use SocketCall::*;

use crate::kit::process::signal;
use crate::kit::{sockeye, stderr, SOCKEYE};

fn run(name: &str) -> ScenarioReport {
    scenarios::run(name, &ScenarioConfig::default(), Arc::new(NullSink))
        .unwrap_or_else(|e| panic!("scenario {name}: {e}"))
}

fn side(r: &ScenarioReport, s: Side) -> Vec<&SocketEvent> {
    r.events.iter().filter(|e| e.side == s).collect()
}

/// `want` appears in order (not necessarily adjacent) among `side`'s calls.
fn assert_calls_in_order(r: &ScenarioReport, s: Side, want: &[SocketCall]) {
    let got: Vec<SocketCall> = side(r, s).iter().map(|e| e.call).collect();
    let mut it = got.iter();
    for w in want {
        assert!(
            it.any(|g| g == w),
            "{}: {s:?} calls {got:?} do not contain {want:?} in order",
            r.name
        );
    }
}

fn first(r: &ScenarioReport, s: Side, pred: impl Fn(&SocketEvent) -> bool) -> &SocketEvent {
    r.events
        .iter()
        .find(|e| e.side == s && pred(e))
        .unwrap_or_else(|| panic!("{}: no matching {s:?} event in {:#?}", r.name, r.events))
}

fn data(call: SocketCall) -> impl Fn(&SocketEvent) -> bool {
    move |e| e.call == call && e.bytes.is_some_and(|n| n > 0)
}

fn is_eof(e: &SocketEvent) -> bool {
    e.call == Recv && e.bytes == Some(0)
}

fn no_errors(r: &ScenarioReport) {
    let errs: Vec<_> = r.events.iter().filter(|e| !e.result.is_ok()).collect();
    assert!(errs.is_empty(), "{}: unexpected errors {errs:#?}", r.name);
}

#[test]
fn handshake_event_sequence_and_causal_order() {
    let r = run("handshake");
    no_errors(&r);
    assert_calls_in_order(&r, Side::Client, &[Socket, Connect, Send, Recv, Close]);
    assert_calls_in_order(
        &r,
        Side::Server,
        &[Socket, Bind, Listen, Accept, Recv, Send, Recv, Close],
    );
    // What causality guarantees (whatever the scheduling): accept cannot return before
    // connect started (no SYN yet); data is received after it was sent; the server's EOF
    // comes after the client's close. connect() returning before accept() does NOT hold.
    let connect = first(&r, Side::Client, |e| e.call == Connect);
    let accept = first(&r, Side::Server, |e| e.call == Accept);
    assert!(accept.ret_ns >= connect.ts_ns);
    // The server binds port 0; the event names the port the kernel picked, which is the
    // one the client connects to.
    let bind = first(&r, Side::Server, |e| e.call == Bind);
    let port = connect.peer.map(|p| p.port()).unwrap_or_default();
    assert!(
        bind.detail
            .ends_with(&format!(":0 (the kernel picked port {port})")),
        "{bind:?}"
    );
    assert_eq!(
        accept.peer, connect.local,
        "accept sees the client's address"
    );
    let csend = first(&r, Side::Client, data(Send));
    let srecv = first(&r, Side::Server, data(Recv));
    assert!(srecv.ret_ns >= csend.ts_ns);
    let ssend = first(&r, Side::Server, data(Send));
    let crecv = first(&r, Side::Client, data(Recv));
    assert!(crecv.ret_ns >= ssend.ts_ns);
    assert_eq!(crecv.bytes, Some(6));
    let cclose = first(&r, Side::Client, |e| e.call == Close);
    let seof = first(&r, Side::Server, is_eof);
    assert!(seof.ret_ns >= cclose.ts_ns);
    // Every event's return is at or after its start.
    assert!(r.events.iter().all(|e| e.ret_ns >= e.ts_ns));
}

#[test]
fn echo_three_round_trips() {
    let r = run("echo");
    no_errors(&r);
    let sends = side(&r, Side::Client)
        .iter()
        .filter(|e| data(Send)(e))
        .count();
    let recvs = side(&r, Side::Client)
        .iter()
        .filter(|e| data(Recv)(e))
        .count();
    assert_eq!(sends, 3);
    assert!(recvs >= 3, "one recv per echo at least: {recvs}");
    assert_calls_in_order(
        &r,
        Side::Client,
        &[
            Connect, Send, Recv, Send, Recv, Send, Recv, Shutdown, Recv, Close,
        ],
    );
}

#[test]
fn bulk_moves_256_kib_through_a_small_window() {
    let r = run("bulk");
    no_errors(&r);
    let total = |s: Side, c: SocketCall| -> usize {
        side(&r, s)
            .iter()
            .filter(|e| e.call == c)
            .filter_map(|e| e.bytes)
            .sum()
    };
    assert_eq!(total(Side::Client, Send), 256 * 1024);
    assert_eq!(total(Side::Server, Recv), 256 * 1024);
    let server_reads = side(&r, Side::Server)
        .iter()
        .filter(|e| data(Recv)(e))
        .count();
    assert!(server_reads >= 64, "4 KiB reads: {server_reads}");
    assert!(side(&r, Side::Server)
        .iter()
        .any(|e| e.call == Setsockopt && e.detail == "SO_RCVBUF=4096"));
    assert!(
        side(&r, Side::Client).iter().any(|e| is_eof(e)),
        "client saw the server's FIN"
    );
}

#[test]
fn half_close_reads_after_shutdown_until_eof() {
    let r = run("half-close");
    no_errors(&r);
    assert_calls_in_order(&r, Side::Client, &[Connect, Send, Shutdown, Recv, Close]);
    let shut = first(&r, Side::Client, |e| e.call == Shutdown);
    assert_eq!(shut.detail, "SHUT_WR");
    let after = first(&r, Side::Client, data(Recv));
    assert!(
        after.ts_ns >= shut.ret_ns,
        "data received after our own FIN"
    );
    let eof = first(&r, Side::Client, is_eof);
    assert!(eof.ts_ns >= after.ret_ns);
    let seof = first(&r, Side::Server, is_eof);
    assert!(
        seof.ret_ns >= shut.ts_ns,
        "server's EOF is the client's FIN"
    );
}

#[test]
fn reset_makes_the_peer_recv_fail() {
    let r = run("reset");
    let linger = first(&r, Side::Client, |e| {
        e.call == Setsockopt && e.detail.starts_with("SO_LINGER")
    });
    assert!(linger.result.is_ok());
    let close = first(&r, Side::Client, |e| e.call == Close);
    assert!(close.ts_ns >= linger.ret_ns);
    // The server's recv after the echo: ECONNRESET (RST) — or 0 if it raced the close.
    let last_recv = side(&r, Side::Server)
        .into_iter()
        .rev()
        .find(|e| e.call == Recv)
        .expect("server recv");
    assert!(
        last_recv.result.errno() == Some(libc::ECONNRESET) || last_recv.bytes == Some(0),
        "{last_recv:?}"
    );
}

#[test]
fn refused_connect_fails_with_econnrefused() {
    let r = run("refused");
    let c = first(&r, Side::Client, |e| e.call == Connect);
    assert_eq!(c.result.errno(), Some(libc::ECONNREFUSED), "{c:?}");
    assert!(side(&r, Side::Server).is_empty(), "no server calls");
}

#[test]
fn udp_echoes_and_reports_the_unreachable_port() {
    let r = run("udp");
    let sendtos = side(&r, Side::Client)
        .iter()
        .filter(|e| data(SendTo)(e))
        .count();
    let recvfroms = side(&r, Side::Client)
        .iter()
        .filter(|e| data(RecvFrom)(e))
        .count();
    assert_eq!((sendtos, recvfroms), (3, 3));
    let echoed = side(&r, Side::Server)
        .iter()
        .filter(|e| data(SendTo)(e))
        .count();
    assert_eq!(echoed, 3);
    assert!(!side(&r, Side::Client)
        .iter()
        .any(|e| e.call == Accept || e.call == Listen));
    let refused = first(&r, Side::Client, |e| e.call == Recv);
    assert_eq!(
        refused.result.errno(),
        Some(libc::ECONNREFUSED),
        "{refused:?}"
    );
}

#[test]
fn udp_vs_tcp_uses_both_transports() {
    let r = run("udp-vs-tcp");
    no_errors(&r);
    let c = side(&r, Side::Client);
    assert_eq!(c.iter().filter(|e| data(Send)(e)).count(), 3);
    assert_eq!(c.iter().filter(|e| data(SendTo)(e)).count(), 3);
    assert_eq!(c.iter().filter(|e| data(RecvFrom)(e)).count(), 3);
}

#[test]
fn every_listed_scenario_runs_and_unknown_is_an_error() {
    assert_eq!(SCENARIOS.len(), 8);
    let err = scenarios::run("nope", &ScenarioConfig::default(), Arc::new(NullSink));
    assert!(err.is_err());
}

#[test]
fn the_sink_sees_what_the_report_holds() {
    let (tx, rx) = std::sync::mpsc::channel();
    let r = scenarios::run("handshake", &ScenarioConfig::default(), Arc::new(tx)).unwrap();
    let mut got: Vec<SocketEvent> = rx.try_iter().collect();
    got.sort_by_key(|e| e.ts_ns);
    assert_eq!(got, r.events);
    let log = Arc::new(EventLog::new());
    scenarios::run("refused", &ScenarioConfig::default(), log.clone()).unwrap();
    assert!(log
        .snapshot()
        .iter()
        .any(|e| matches!(e.result, CallResult::Err { .. })));
}

#[test]
fn tcp_server_serves_concurrent_clients_beyond_max_clients() {
    use sockeye::endpoints::client::{self, ClientConfig};
    use sockeye::endpoints::server::{self, ServerConfig};
    use sockeye::endpoints::Transport;
    let mut cfg = ServerConfig::new(Transport::Tcp, "127.0.0.1:0".parse().unwrap());
    cfg.max_clients = 2;
    cfg.duration = std::time::Duration::from_secs(20);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let log = Arc::new(EventLog::new());
    let srv = server::start(cfg, log.clone(), stop).unwrap();
    let to = srv.local;
    let clients: Vec<_> = (0..6)
        .map(|i| {
            std::thread::spawn(move || {
                let msg = format!("client {i}\n").into_bytes();
                let mut c = ClientConfig::new(Transport::Tcp, to, msg.clone());
                c.count = 2;
                c.interval = std::time::Duration::from_millis(50);
                c.reply_timeout = std::time::Duration::from_secs(5);
                let ex = client::run(&c, Arc::new(NullSink), &|_| {}).unwrap();
                assert!(ex.iter().all(|e| e.received == msg), "{ex:?}");
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    srv.finish(std::time::Duration::ZERO);
    let accepts = log
        .snapshot()
        .iter()
        .filter(|e| e.call == Accept && e.result.is_ok())
        .count();
    assert_eq!(accepts, 6);
}

#[test]
fn chargen_over_tcp_and_udp() {
    use sockeye::endpoints::client::{self, ClientConfig};
    use sockeye::endpoints::server::{self, Mode, ServerConfig, CHARGEN_TCP_LIMIT};
    use sockeye::endpoints::Transport;
    for t in [Transport::Tcp, Transport::Udp] {
        let mut cfg = ServerConfig::new(t, "127.0.0.1:0".parse().unwrap());
        cfg.mode = Mode::Chargen;
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let srv = server::start(cfg, Arc::new(NullSink), stop).unwrap();
        let mut c = ClientConfig::new(t, srv.local, b"x".to_vec());
        c.reply_timeout = std::time::Duration::from_secs(5);
        let ex = client::run(&c, Arc::new(NullSink), &|_| {}).unwrap();
        assert!(ex[0].received.starts_with(b" !\"#$%"), "{t:?}: {:?}", ex[0]);
        assert!(ex[0].received.len() <= CHARGEN_TCP_LIMIT);
        srv.finish(std::time::Duration::ZERO);
    }
}

#[test]
fn scenarios_work_over_ipv6_loopback() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("SKIPPED: no IPv6 loopback here");
        return;
    }
    let cfg = ScenarioConfig {
        server_ip: "::1".parse().unwrap(),
        ..ScenarioConfig::default()
    };
    for name in ["handshake", "refused", "udp"] {
        let r = scenarios::run(name, &cfg, Arc::new(NullSink)).unwrap();
        assert!(r.server.unwrap().is_ipv6(), "{name}");
        assert!(r
            .events
            .iter()
            .any(|e| e.call == Socket && e.detail.starts_with("AF_INET6")));
    }
}

// ---------------------------------------------------------------- the binary

#[test]
fn malformed_target_exits_2_with_one_line() {
    for bad in ["nonsense", "127.0.0.1", "127.0.0.1:99999", "example.com:80"] {
        let o = sockeye(&["send", "tcp", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        let e = stderr(&o);
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.starts_with("sockeye: bad address"), "{e}");
    }
}

#[test]
fn port_in_use_exits_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let o = sockeye(&["serve", "tcp", "--port", &port, "--duration", "1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Address already in use"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn connection_refused_and_unknown_scenario_exit_2() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = free.local_addr().unwrap().to_string();
    drop(free);
    let o = sockeye(&["send", "tcp", &addr]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Connection refused"), "{}", stderr(&o));
    let o = sockeye(&["lab", "run", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown scenario"));
}

#[test]
fn lab_list_describes_every_scenario() {
    let o = sockeye(&["lab", "list"]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    for s in SCENARIOS {
        assert!(out
            .lines()
            .any(|l| l.starts_with(s.name) && l.contains("watch for")));
    }
}

#[test]
fn serve_and_send_talk_and_sigterm_stops_the_server() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port().to_string();
    drop(free);
    let server = Command::new(SOCKEYE)
        .args(["serve", "tcp", "--port", &port, "--duration", "10"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let target = format!("127.0.0.1:{port}");
    // The server binds right after start; retry briefly (bounded) until it listens.
    let mut o = sockeye(&["send", "tcp", &target, "--message", "hi", "--count", "2"]);
    for _ in 0..50 {
        if o.status.success() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        o = sockeye(&["send", "tcp", &target, "--message", "hi", "--count", "2"]);
    }
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        out.matches("# received 2 bytes: \"hi\"").count(),
        2,
        "{out}"
    );
    assert!(out.contains("client connect() fd"), "{out}");
    signal(server.id(), libc::SIGTERM).expect("SIGTERM the server");
    let so = server.wait_with_output().unwrap();
    assert_eq!(so.status.code(), Some(0), "graceful stop: {}", stderr(&so));
    let sout = String::from_utf8_lossy(&so.stdout);
    assert!(sout.contains("server accept() fd"), "{sout}");
    assert!(sout.contains("server close() fd"), "{sout}");
}

#[test]
fn udp_send_to_echo_server() {
    let free = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port().to_string();
    drop(free);
    let mut server = Command::new(SOCKEYE)
        .args(["serve", "udp", "--port", &port, "--duration", "5"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let o = sockeye(&[
        "send",
        "udp",
        &format!("127.0.0.1:{port}"),
        "--bytes",
        "100",
    ]);
    let _ = server.kill();
    let _ = server.wait();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(out.contains("# received 100 bytes"), "{out}");
    assert!(out.contains("client sendto()"), "{out}");
}

mod packets;
