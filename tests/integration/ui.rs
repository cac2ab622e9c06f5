//! The terminal UI, whole screens: the real app drawn on ratatui's `TestBackend`, driven by
//! key events, compared with committed insta snapshots (no clocks or machine data in them),
//! the binary in tmux and the live loop are in `ui_run`.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use sockeye::store::spawn_file_indexer;
use sockeye::tui::app::{App, AppOptions};

use crate::kit;

/// The app on a fully indexed textbook capture.
pub(crate) fn app(name: &str, width: u16, height: u16) -> App {
    app_for(&kit::textbook(name), width, height)
}

/// A replay app on any capture file, fully indexed.
pub(crate) fn app_for(path: &std::path::Path, width: u16, height: u16) -> App {
    let store = spawn_file_indexer(path.to_str().unwrap()).unwrap().wait();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut app = App::new(
        Arc::clone(&store),
        AppOptions {
            title: name,
            ..AppOptions::default()
        },
    );
    app.resize(width, height);
    app.tick(Duration::ZERO);
    app
}

pub(crate) fn keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\t' => KeyCode::Tab,
            '\x1b' => KeyCode::Esc,
            c => KeyCode::Char(c),
        };
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    }
}

pub(crate) fn screen(app: &App) -> String {
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
        traced: None,
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
    let path = kit::textbook("tcp_retransmissions.pcapng");
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
