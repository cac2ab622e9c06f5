//! The terminal UI, whole screens: the real app drawn on ratatui's `TestBackend`, driven by
//! key events, compared with committed insta snapshots (no clocks or machine data in them),
//! plus one end-to-end run of the binary inside tmux.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use sockeye::app::{App, AppOptions};
use sockeye::store::spawn_file_indexer;

use crate::support;

/// The app on a fully indexed textbook capture.
fn app(name: &str, width: u16, height: u16) -> App {
    let path = support::textbook(name);
    let store = spawn_file_indexer(path.to_str().unwrap()).unwrap().wait();
    let mut app = App::new(
        Arc::clone(&store),
        AppOptions {
            title: name.to_string(),
            ..AppOptions::default()
        },
    );
    app.resize(width, height);
    app.tick(Duration::ZERO);
    app
}

fn keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    }
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| f.render_widget(app, f.area())).unwrap();
    t.backend().to_string()
}

macro_rules! snap {
    ($name:expr, $capture:expr, $w:expr, $h:expr, $keys:expr) => {{
        let mut a = app($capture, $w, $h);
        keys(&mut a, $keys);
        insta::assert_snapshot!($name, screen(&a));
    }};
}

#[test]
fn list_handshake_80x24() {
    snap!("list_handshake_80x24", "tcp_handshake.pcapng", 80, 24, "");
}

#[test]
fn list_retransmissions_120x40() {
    snap!(
        "list_retrans_120x40",
        "tcp_retransmissions.pcapng",
        120,
        40,
        ""
    );
}

#[test]
fn details_and_hex_selected_field_120x40() {
    // Second packet (SYN-ACK), into the details, down to a TCP field.
    snap!(
        "details_hex_120x40",
        "tcp_handshake.pcapng",
        120,
        40,
        "j\tjjj\njjjjjjjj"
    );
}

#[test]
fn details_80x24() {
    snap!("details_80x24", "http_ip4and6.pcapng", 80, 24, "jjj\t");
}

#[test]
fn ladder_handshake_120x40() {
    snap!(
        "ladder_handshake_120x40",
        "tcp_handshake.pcapng",
        120,
        40,
        "2"
    );
}

#[test]
fn ladder_retransmissions_80x24() {
    snap!(
        "ladder_retrans_80x24",
        "tcp_retransmissions.pcapng",
        80,
        24,
        "jjjj2"
    );
}

#[test]
fn help_80x24() {
    snap!("help_80x24", "tcp_handshake.pcapng", 80, 24, "?");
}

#[test]
fn help_120x40() {
    snap!("help_120x40", "tcp_handshake.pcapng", 120, 40, "?");
}

#[test]
fn conversations_120x40() {
    snap!("conversations_120x40", "http_ip4and6.pcapng", 120, 40, "3");
}

#[test]
fn follow_120x40() {
    snap!("follow_120x40", "http_ip4and6.pcapng", 120, 40, "jjjf");
}

#[test]
fn stats_120x40() {
    snap!("stats_120x40", "http_ip4and6.pcapng", 120, 40, "5");
}

#[test]
fn arp_icmp_dns_info_column() {
    snap!("arp_80x24", "arp_resolution.pcapng", 80, 24, "");
    snap!("icmp_120x40", "icmp_echo.pcapng", 120, 40, "");
    snap!("dns_120x40", "udp_dnsrequest.pcapng", 120, 40, "");
}

#[test]
fn search_and_goto_80x24() {
    snap!(
        "search_80x24",
        "tcp_retransmissions.pcapng",
        80,
        24,
        "/retransmission\nn"
    );
    snap!("goto_80x24", "http_ip4and6.pcapng", 80, 24, ":5\n");
}

/// Waits up to `secs` for `pred` on the tmux pane text.
fn wait_pane(session: &str, secs: u64, pred: impl Fn(&str) -> bool) -> Option<String> {
    let until = Instant::now() + Duration::from_secs(secs);
    loop {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", session])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        if pred(&text) {
            return Some(text);
        }
        if Instant::now() > until {
            eprintln!("pane was:\n{text}");
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn binary_in_tmux_opens_and_restores_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let session = format!("sockeye-ui-{}", std::process::id());
    let bin = env!("CARGO_BIN_EXE_sockeye");
    let capture = support::textbook("tcp_handshake.pcapng");
    // A shell first, so that after `q` the pane shows the shell again.
    let ok = Command::new("tmux")
        .args(["new-session", "-d", "-x", "120", "-y", "40", "-s", &session])
        .arg("env PS1='prompt$ ' TERM=xterm-256color bash --norc --noprofile")
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "tmux new-session failed");
    let send = |keys: &[&str]| {
        Command::new("tmux")
            .args(["send-keys", "-t", &session])
            .args(keys)
            .status()
            .unwrap();
    };
    let cleanup = || {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &session])
            .status();
    };
    send(&[
        &format!("{bin} -r {} --ui; echo EXITED=$?", capture.display()),
        "Enter",
    ]);
    let seen = wait_pane(&session, 20, |t| t.contains("2826 → 80 [SYN]"));
    if seen.is_none() {
        cleanup();
        panic!("the UI did not show the handshake");
    }
    let text = seen.unwrap_or_default();
    assert!(text.contains("Packets"), "{text}");
    assert!(
        text.contains("[SYN] Seq=0 Win=8192 Len=0 MSS=1460"),
        "{text}"
    );
    send(&["2"]);
    let ladder = wait_pane(&session, 10, |t| t.contains("handshake") && t.contains("▶"));
    send(&["q"]);
    let back = wait_pane(&session, 10, |t| t.contains("EXITED=0"));
    cleanup();
    assert!(ladder.is_some(), "ladder view did not appear");
    let back = back.expect("sockeye did not exit on q");
    // Back on the normal screen: the shell's prompt line, no UI chrome left.
    assert!(back.contains("prompt$"), "{back}");
    assert!(
        !back.contains("Packets"),
        "alternate screen still shown:\n{back}"
    );
}

/// A live source that trickles frames of a shipped capture, like a quiet interface.
struct SlowSource {
    frames: Vec<sockeye::frame::OwnedFrame>,
    next: usize,
    delay: Duration,
}

impl sockeye::source::PacketSource for SlowSource {
    fn next_frame(
        &mut self,
    ) -> Result<Option<sockeye::frame::Frame<'_>>, sockeye::source::SourceError> {
        std::thread::sleep(self.delay);
        let frame = self.frames.get(self.next);
        self.next += 1;
        Ok(frame.map(|f| f.as_frame()))
    }

    fn link_type(&self) -> sockeye::frame::LinkType {
        sockeye::frame::LinkType::ETHERNET
    }

    fn stats(&self) -> sockeye::source::SourceStats {
        sockeye::source::SourceStats {
            delivered: self.next as u64,
            kernel_received: Some(self.next as u64),
            kernel_dropped: Some(0),
        }
    }
}

fn capture_frames(name: &str, copies: usize) -> Vec<sockeye::frame::OwnedFrame> {
    use sockeye::source::{FileSource, PacketSource};
    let mut src = FileSource::open(support::textbook(name).to_str().unwrap()).unwrap();
    let mut one = Vec::new();
    while let Some(f) = src.next_frame().unwrap() {
        one.push(f.to_owned());
    }
    let span = 1_000_000_000;
    (0..copies)
        .flat_map(|k| {
            one.iter().map(move |f| {
                let mut f = f.clone();
                f.ts_ns += k as i64 * span;
                f
            })
        })
        .collect()
}

#[test]
fn run_live_on_a_slow_source() {
    use sockeye::endpoints::events::{CallResult, Side, SocketCall, SocketEvent};
    use sockeye::tui::{run_live_on, LiveOptions, UiEvent};
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc;

    let source = SlowSource {
        frames: capture_frames("tcp_handshake.pcapng", 10),
        next: 0,
        delay: Duration::from_millis(2),
    };
    let (ev_tx, ev_rx) = mpsc::channel();
    ev_tx
        .send(SocketEvent {
            ts_ns: 0,
            ret_ns: 0,
            side: Side::Client,
            call: SocketCall::Connect,
            fd: 3,
            local: None,
            peer: None,
            bytes: None,
            result: CallResult::Ok,
            detail: "to 212.58.226.142:80".into(),
        })
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let keys = std::thread::spawn(move || {
        let key = |c| UiEvent::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        std::thread::sleep(Duration::from_millis(600));
        let _ = tx.send(key('5'));
        std::thread::sleep(Duration::from_millis(300));
        let _ = tx.send(key('q'));
    });
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let stop = AtomicBool::new(false);
    let opts = LiveOptions {
        title: "test0".into(),
        ..LiveOptions::default()
    };
    run_live_on(
        &mut terminal,
        Box::new(source),
        Some(ev_rx),
        opts,
        &rx,
        &stop,
    )
    .unwrap();
    keys.join().unwrap();
    let screen = terminal.backend().to_string();
    assert!(screen.contains("test0 │ 30 packets"), "{screen}");
    assert!(screen.contains("live ● capturing │ drops 0"), "{screen}");
    assert!(screen.contains("Dropped (UI channel full): 0"), "{screen}");
    assert!(screen.contains("Dropped by the kernel: 0"), "{screen}");
    assert!(
        screen.contains("client connect to 212.58.226.142:80"),
        "{screen}"
    );
    assert!(screen.contains("30  100.0%"), "{screen}");
}

#[test]
fn cli_rule_for_the_ui() {
    // Piped stdout: the headless reader, as before.
    let out = support::sockeye(&[
        "-r",
        support::textbook("tcp_handshake.pcapng").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(
        support::stdout(&out).contains("Flags [S]"),
        "{}",
        support::stdout(&out)
    );
    // --ui with nothing to open says what is missing.
    let out = support::sockeye(&["--ui"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(support::stderr(&out).contains("live capture is not available in this build"));
    let help = support::stdout(&support::sockeye(&["--help"]));
    assert!(
        help.contains("--headless") && help.contains("--ui"),
        "{help}"
    );
    assert!(help.contains("opens the interactive UI when standard output is a terminal"));
}

/// SIGTERM ends the UI and restores the terminal too.
#[test]
fn sigterm_restores_the_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let session = format!("sockeye-term-{}", std::process::id());
    let bin = env!("CARGO_BIN_EXE_sockeye");
    let capture = support::textbook("tcp_retransmissions.pcapng");
    let shell = "env PS1='prompt$ ' TERM=xterm-256color bash --norc --noprofile";
    let ok = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-x",
            "100",
            "-y",
            "30",
            "-s",
            &session,
            shell,
        ])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "tmux new-session failed");
    let tmux = |args: &[&str]| Command::new("tmux").args(args).output().unwrap();
    let line = format!("{bin} -r {} --ui; echo EXITED=$?", capture.display());
    tmux(&["send-keys", "-t", &session, &line, "Enter"]);
    let up = wait_pane(&session, 20, |t| t.contains("[TCP Retransmission]"));
    // The shell's child is sockeye: signal exactly that process.
    let shell_pid =
        String::from_utf8_lossy(&tmux(&["list-panes", "-t", &session, "-F", "#{pane_pid}"]).stdout)
            .trim()
            .to_string();
    let child = Command::new("ps")
        .args(["--ppid", &shell_pid, "-o", "pid="])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if !child.is_empty() {
        let _ = Command::new("kill").args(["-TERM", &child]).status();
    }
    let back = wait_pane(&session, 10, |t| t.contains("EXITED="));
    let _ = Command::new("tmux")
        .args(["kill-session", "-t", &session])
        .status();
    assert!(up.is_some(), "the UI did not start");
    assert!(!child.is_empty(), "no sockeye process under the shell");
    let back = back.expect("sockeye did not exit on SIGTERM");
    assert!(
        back.contains("prompt$") && !back.contains("Packets "),
        "{back}"
    );
}

/// Tiny and odd terminal sizes never panic, in any view or overlay.
#[test]
fn every_view_survives_tiny_terminals() {
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 10), (79, 23), (200, 60)] {
        for k in ["1", "2", "3", "f", "5", "?", "\t", "\t\t", "G\t\n"] {
            let mut a = app("http_ip4and6.pcapng", w, h);
            keys(&mut a, "jjj");
            keys(&mut a, k);
            let _ = screen(&a);
        }
    }
}

/// Socket calls of the built-in endpoints sit on their side of the ladder, in time order.
#[test]
fn ladder_with_socket_calls_120x40() {
    use sockeye::endpoints::events::{CallResult, Side, SocketCall, SocketEvent};
    let mut a = app("tcp_handshake.pcapng", 120, 40);
    let t0 = sockeye::store::lock(&a.store).first_ts();
    let server: std::net::SocketAddr = "212.58.226.142:80".parse().unwrap();
    let client: std::net::SocketAddr = "172.16.16.128:2826".parse().unwrap();
    let ev = |ts: i64, side, call, local, peer, detail: &str| SocketEvent {
        ts_ns: t0 + ts,
        ret_ns: t0 + ts,
        side,
        call,
        fd: 3,
        local,
        peer,
        bytes: None,
        result: CallResult::Ok,
        detail: detail.into(),
    };
    a.events = vec![
        ev(
            -1_000,
            Side::Client,
            SocketCall::Connect,
            None,
            Some(server),
            "to 212.58.226.142:80",
        ),
        ev(
            132_700_000,
            Side::Server,
            SocketCall::Accept,
            Some(server),
            Some(client),
            "new fd 4",
        ),
        // Another connection's call stays off this ladder.
        ev(
            5,
            Side::Client,
            SocketCall::Connect,
            None,
            Some("10.0.0.1:22".parse().unwrap()),
            "",
        ),
    ];
    keys(&mut a, "2");
    insta::assert_snapshot!("ladder_events_120x40", screen(&a));
}

/// NO_COLOR: the monochrome theme draws no colour at all, in every view.
#[test]
fn no_color_means_no_colour() {
    use ratatui::style::Color;
    let path = support::textbook("tcp_retransmissions.pcapng");
    let store = spawn_file_indexer(path.to_str().unwrap()).unwrap().wait();
    for k in ["", "2", "3", "f", "5", "?"] {
        let mut a = App::new(
            Arc::clone(&store),
            AppOptions {
                no_color: true,
                ..AppOptions::default()
            },
        );
        a.resize(100, 30);
        a.tick(Duration::ZERO);
        keys(&mut a, "j");
        keys(&mut a, k);
        let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
        t.draw(|f| f.render_widget(&a, f.area())).unwrap();
        let buf = t.backend().buffer();
        for cell in buf.content() {
            assert_eq!(
                (cell.fg, cell.bg),
                (Color::Reset, Color::Reset),
                "view {k:?}"
            );
        }
    }
}
