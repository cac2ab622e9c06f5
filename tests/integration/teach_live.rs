//! The live demo's ladder with real socket calls: the `echo` scenario run by the built-in
//! endpoints on loopback inside a private network namespace, captured live, drawn by the
//! real loop on `TestBackend`. The test re-runs itself under `unshare` (a user namespace
//! grants CAP_NET_RAW there only); times and ephemeral ports are redacted before the
//! snapshot, since every run differs in those.

use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::kit::netns::enter;

#[test]
fn live_demo_ladder_orders_socket_calls() {
    in_namespace("live_demo_ladder_orders_socket_calls", || {
        let Some(screen) = ladder_after("echo") else {
            return;
        };
        check_echo_ladder(&screen);
    });
}

/// UDP: each `sendto()` sits above the datagram it sent, each `recvfrom()` returns below
/// the datagram that woke it, on the receiving side.
#[test]
fn live_demo_udp_ladder_places_sendto_and_recvfrom() {
    in_namespace("live_demo_udp_ladder_places_sendto_and_recvfrom", || {
        let Some(screen) = ladder_after("udp") else {
            return;
        };
        check_udp_ladder(&screen);
    });
}

/// Runs `body` inside a private user + network namespace (this test binary re-run there).
fn in_namespace(test: &str, body: impl FnOnce()) {
    if enter(module_path!(), test) {
        body();
    }
}

/// The live UI's ladder of the first packet after the built-in endpoints ran `scenario`
/// on loopback; None (with the reason printed) when no capture is possible here.
fn ladder_after(scenario: &'static str) -> Option<String> {
    use sockeye::capture::{open_source, CaptureOptions};
    use sockeye::endpoints::events::EventSink;
    use sockeye::endpoints::scenarios::{self, ScenarioConfig};
    use sockeye::tui::{run_live_on, LiveOptions, UiEvent};

    let opts = CaptureOptions {
        interface: "lo".to_string(),
        count: None,
        write: None,
        snaplen: 65535,
        promiscuous: false,
        backend: sockeye::source::Backend::Ring,
        buffer_mib: 4,
        store_limit_mib: 0,
    };
    let source = match open_source(&opts) {
        Ok(s) => s,
        Err(err) => {
            eprintln!("skipped inside the namespace: cannot capture on lo: {err}");
            return None;
        }
    };
    let (events, received) = mpsc::channel();
    let (keys, input) = mpsc::channel();
    let run = std::thread::spawn(move || {
        // Let the capture thread start before the first packet.
        std::thread::sleep(Duration::from_millis(300));
        let sink: Arc<dyn EventSink> = Arc::new(events);
        let report = scenarios::run(scenario, &ScenarioConfig::default(), sink);
        let key = |code| UiEvent::Key(KeyEvent::new(code, KeyModifiers::NONE));
        // On a busy machine the live store may index the scenario's packets well after it
        // ended, and `g` on an empty list selects nothing. Both keys are idempotent, so
        // they are sent again over a second: the last ones find the packets there.
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(250));
            for code in [KeyCode::Char('g'), KeyCode::Char('2')] {
                let _ = keys.send(key(code));
            }
        }
        std::thread::sleep(Duration::from_millis(300));
        let _ = keys.send(UiEvent::Resize(120, 50));
        std::thread::sleep(Duration::from_millis(300));
        let _ = keys.send(key(KeyCode::Char('q')));
        // Live packets are unsaved: the UI asks; `q` again quits anyway.
        std::thread::sleep(Duration::from_millis(100));
        let _ = keys.send(key(KeyCode::Char('q')));
        // An idle capture thread may sit in a blocking read: one more packet wakes it.
        for _ in 0..20 {
            std::thread::sleep(Duration::from_millis(100));
            if let Ok(s) = std::net::UdpSocket::bind("127.0.0.1:0") {
                let _ = s.send_to(b"wake", "127.0.0.1:9");
            }
        }
        report.map(|_| ()).map_err(|e| e.to_string())
    });
    let mut terminal = Terminal::new(TestBackend::new(120, 50)).unwrap();
    let stop = AtomicBool::new(false);
    run_live_on(
        &mut terminal,
        source,
        Some(received),
        LiveOptions {
            title: "demo".into(),
            ..LiveOptions::default()
        },
        &input,
        &stop,
    )
    .unwrap();
    run.join().unwrap().expect("the scenario ran");
    Some(terminal.backend().to_string())
}

fn check_echo_ladder(screen: &str) {
    let lines: Vec<&str> = screen.lines().collect();
    let at = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} not on the ladder:\n{screen}"))
    };
    // Causing calls above their segment, waiting calls below the one that woke them.
    let syn = at("[SYN] Seq=0");
    assert!(at("connect()") < syn, "{screen}");
    let handshake_ack = lines
        .iter()
        .enumerate()
        .skip(syn)
        .find(|(_, l)| l.contains("[ACK] Seq=1 Ack=1 ") && l.contains(" Len=0"))
        .map(|(i, _)| i)
        .expect("final ACK of the handshake");
    assert!(at("accept() returned") > handshake_ack, "{screen}");
    let data = at("[PSH, ACK] Seq=1");
    assert!(at("send()") < data, "{screen}");
    // The client half-closes (shutdown) before its FIN; the server close()s before its own.
    let fins: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains("[FIN"))
        .collect();
    assert!(fins.len() == 2, "{screen}");
    assert!(at("shutdown()") < fins[0], "{screen}");
    assert!(
        at("close()") > fins[0] && at("close()") < fins[1],
        "{screen}"
    );
    // Client and server run concurrently, so where a call of one side falls between the
    // other side's calls (and the fd numbers) differ between runs: the assertions above
    // check the placements that must hold; the snapshot keeps the call lines of the
    // client (one thread, so a fixed order) and every segment.
    let stable: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.contains('●') || l.contains("│ ● "))
        .filter(|l| !l.contains("setsockopt"))
        // The status line: key hints, or the unsaved-packets question after `q` (whose
        // count depends on how many wake-up packets arrived).
        .filter(|l| !l.contains("unsaved packets") && !l.contains("? help"))
        .collect();
    insta::assert_snapshot!("live_demo_echo_ladder_120x50", redact(&stable.join("\n")));
}

/// Replaces the time column and the ports (ephemeral, different every run) with `#`.
fn redact(screen: &str) -> String {
    screen
        .lines()
        .map(|line| {
            let mut out = String::new();
            let mut chars = line.chars().peekable();
            let mut prev = ' ';
            while let Some(c) = chars.next() {
                if c.is_ascii_digit() && (prev == ':' || prev == '.') {
                    // A port after `:` or the fraction of a time after `.`.
                    out.push('#');
                    while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                        chars.next();
                    }
                    prev = '#';
                    continue;
                }
                out.push(c);
                prev = c;
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn check_udp_ladder(screen: &str) {
    let lines: Vec<&str> = screen.lines().collect();
    assert!(screen.contains("UDP stream 0"), "{screen}");
    let datagrams: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains("UDP Len="))
        .collect();
    assert_eq!(datagrams.len(), 6, "three echoes:\n{screen}");
    let calls = |name: &str| -> Vec<usize> {
        (0..lines.len())
            .filter(|&i| lines[i].contains(name))
            .collect()
    };
    let (sends, recvs) = (calls("sendto()"), calls("recvfrom() returned"));
    assert_eq!(sends.len(), 6, "a sendto() per datagram:\n{screen}");
    assert_eq!(recvs.len(), 6, "a recvfrom() per datagram:\n{screen}");
    for (n, &d) in datagrams.iter().enumerate() {
        // The datagram's own sendto() is the last one above it, its recvfrom() the first
        // below it; client datagrams go right (▶), so their calls are on the server side.
        let sent = sends.iter().filter(|&&s| s < d).count();
        let received = recvs.iter().filter(|&&r| r > d).count();
        assert_eq!(
            sent,
            n + 1,
            "datagram {n}: its sendto() is above it:\n{screen}"
        );
        assert_eq!(
            received,
            6 - n,
            "datagram {n}: its recvfrom() is below it:\n{screen}"
        );
    }
    // Times and ports differ every run; the order of calls and datagrams does not.
    let order: Vec<&str> = lines
        .iter()
        .filter_map(|l| {
            if l.contains("UDP Len=") {
                Some(if l.contains('▶') {
                    "datagram →"
                } else {
                    "datagram ←"
                })
            } else if l.contains("sendto()") {
                Some("sendto()")
            } else if l.contains("recvfrom() returned") {
                Some("recvfrom()")
            } else {
                None
            }
        })
        .collect();
    insta::assert_snapshot!("live_demo_udp_ladder_order", order.join("\n"));
}
