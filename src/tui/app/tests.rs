//! The state machine without a terminal: actions in, state out.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::*;
use crate::store::spawn_file_indexer;

fn app(name: &str) -> App {
    app_sized(name, 120, 40)
}

/// A replay app on a textbook capture, fully indexed, at `width`×`height`.
pub(super) fn app_sized(name: &str, width: u16, height: u16) -> App {
    let path = format!("captures/textbook/{name}");
    let store = spawn_file_indexer(&path).unwrap().wait();
    let mut app = App::new(Arc::clone(&store), AppOptions::default());
    app.resize(width, height);
    app.tick(Duration::ZERO);
    app
}

/// Types `keys` (Enter, Tab and Esc as `\n`, `\t`, `\x1b`).
pub(super) fn type_keys(app: &mut App, keys: &str) {
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

#[test]
fn moves_and_clamps() {
    let mut a = app("tcp_handshake.pcapng");
    assert_eq!((a.visible, a.selected), (3, 0));
    a.handle(Action::Up);
    assert_eq!(a.selected, 0);
    type_keys(&mut a, "jjjjj");
    assert_eq!(a.selected, 2);
    a.handle(Action::Top);
    assert_eq!(a.selected, 0);
    assert!(!a.follow_tail);
    a.handle(Action::Bottom);
    assert_eq!(a.selected, 2);
    assert!(a.follow_tail, "G follows the tail");
}

#[test]
fn panes_tree_and_collapse() {
    let mut a = app("tcp_handshake.pcapng");
    a.handle(Action::NextPane);
    assert_eq!(a.focus, Pane::Details);
    a.handle(Action::PrevPane);
    assert_eq!(a.focus, Pane::List);
    a.handle(Action::Activate);
    assert_eq!(
        a.focus,
        Pane::Details,
        "Enter on the list opens the details"
    );
    let before = nav::detail_rows(&a).len();
    // Row 0 is the (collapsed) frame line: expand it.
    a.handle(Action::Activate);
    assert!(!a.collapsed.contains(&FieldId::Frame));
    assert!(nav::detail_rows(&a).len() > before);
    a.handle(Action::Collapse);
    assert_eq!(nav::detail_rows(&a).len(), before);
}

#[test]
fn clicking_a_byte_selects_its_field() {
    let mut a = app("tcp_handshake.pcapng");
    // Ethernet 14 + IPv4 20: byte 34 is the TCP source port.
    a.select_byte(34);
    let rows = nav::detail_rows(&a);
    assert!(
        rows[a.detail_cursor].text.contains("Source Port: 2826"),
        "{:?}",
        rows[a.detail_cursor]
    );
    // Byte 0 is in the collapsed Ethernet layer: it gets expanded.
    a.select_byte(0);
    let rows = nav::detail_rows(&a);
    assert!(
        rows[a.detail_cursor].text.contains("Destination"),
        "{:?}",
        rows[a.detail_cursor]
    );
    assert!(!a.collapsed.contains(&FieldId::Eth));
    let range = a.selected_range().unwrap();
    assert_eq!((range.start, range.len), (0, 6));
}

#[test]
fn mouse_click_selects_a_row() {
    let mut a = app("tcp_handshake.pcapng");
    let panes = crate::tui::app::layout::packets(a.size, &a.split);
    a.handle_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 3,
        row: panes.list.y + 2 + 2,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(a.selected, 2);
    a.handle_mouse(MouseEvent {
        kind: MouseEventKind::ScrollUp,
        column: 3,
        row: panes.list.y + 3,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(a.selected, 0);
}

#[test]
fn search_next_previous_and_misses() {
    let mut a = app("http_ip4and6.pcapng");
    type_keys(&mut a, "/syn, ack\n");
    let first = a.selected;
    assert!(first > 0, "moved to the first match");
    type_keys(&mut a, "n");
    let second = a.selected;
    assert_ne!(first, second);
    type_keys(&mut a, "N");
    assert_eq!(a.selected, first);
    type_keys(&mut a, "/no such thing\n");
    assert!(a
        .message
        .as_deref()
        .unwrap_or("")
        .contains("no packet matches"));
    // A custom predicate (how the display-filter engine will plug in).
    a.set_search("ipv6".into(), Box::new(|d| d.packet.ipv6().is_some()));
    a.handle(Action::NextMatch);
    let store = lock(&a.store);
    assert!(store.dissect(a.selected).unwrap().packet.ipv6().is_some());
}

#[test]
fn goto_and_bad_numbers() {
    let mut a = app("http_ip4and6.pcapng");
    type_keys(&mut a, ":4\n");
    assert_eq!(a.selected, 3);
    type_keys(&mut a, ":999\n");
    assert_eq!(a.selected, 3);
    assert!(a.message.is_some());
    type_keys(&mut a, ":\x1b");
    assert!(a.prompt.is_none(), "Esc cancels a prompt");
}

#[test]
fn replay_reveals_packets_on_the_capture_clock() {
    let mut a = app("tcp_retransmissions.pcapng");
    // Capture times: 0, 0.206, 0.806, 2.006, 4.406, 9.211 s.
    a.now = Duration::from_secs(10);
    a.handle(Action::PlayPause);
    assert!(a.replay.is_playing());
    assert_eq!(a.visible, 1, "the first packet is due at once");
    a.tick(Duration::from_millis(10_300));
    assert_eq!(a.visible, 2);
    a.now = Duration::from_millis(10_300);
    a.handle(Action::Faster);
    assert_eq!(a.replay.speed(), 2.0);
    a.tick(Duration::from_millis(11_200)); // 0.3 s + 0.9 s × 2 = 2.1 s of capture
    assert_eq!(a.visible, 4);
    assert_eq!(a.stats.seen, 4, "statistics follow the replay");
    a.handle(Action::PlayPause);
    a.tick(Duration::from_secs(100));
    assert_eq!(a.visible, 4, "paused");
    a.handle(Action::Step);
    assert_eq!(a.visible, 5);
    a.handle(Action::PlayPause);
    a.tick(Duration::from_secs(1000));
    assert_eq!(a.visible, 6);
    assert_eq!(a.replay.mode, replay::Mode::Off, "finished");
}

#[test]
fn ladder_shows_the_handshake() {
    let mut a = app("tcp_handshake.pcapng");
    a.handle(Action::Show(View::Ladder));
    let store = lock(&a.store);
    let l = ladder::build(&store, &a.stream, 0, a.visible, 10).unwrap();
    assert_eq!(l.client, "172.16.16.128:2826");
    let dirs: Vec<bool> = l.rows.iter().map(|r| r.from_client).collect();
    assert_eq!(dirs, [true, false, true]);
    assert!(l.rows.iter().all(|r| r.handshake));
    assert_eq!(l.rows[1].label, "[SYN, ACK] Seq=0 Ack=1 Win=5840 Len=0");
}

/// The UI's ladder and the exported one say the same words for every segment of every
/// TCP stream of the textbook captures (one vocabulary), and every zero window shows.
#[test]
fn ui_and_exported_ladders_share_their_labels() {
    let mut compared = 0;
    for name in [
        "tcp_handshake.pcapng",
        "http_google.pcapng",
        "tcp_retransmissions.pcapng",
        "tcp_zerowindowrecovery.pcapng",
        "tcp_teardown.pcapng",
        "tcp_dupack.pcapng",
    ] {
        let mut a = app(name);
        a.handle(Action::Show(View::Ladder));
        let store = lock(&a.store);
        let streams: std::collections::BTreeSet<u32> = store
            .entries()
            .iter()
            .filter(|e| e.kind == crate::store::Kind::Tcp)
            .map(|e| e.stream)
            .collect();
        for stream in streams {
            let first = store
                .first_of_stream(crate::store::Kind::Tcp, stream)
                .unwrap();
            let mut packets = crate::store::StreamPackets::default();
            packets.refresh(&store, crate::store::Kind::Tcp, stream, store.len());
            let ui = ladder::build(&store, &packets, first, store.len(), 10_000).unwrap();
            let mut export = crate::teach::Ladder::new(u64::from(stream));
            for i in 0..store.len() {
                export.push(&store.dissect(i).unwrap());
            }
            let ui_labels: Vec<&str> = ui.rows.iter().map(|r| r.label.as_str()).collect();
            let export_labels: Vec<&str> = export.rows.iter().map(|r| r.label.as_str()).collect();
            assert_eq!(ui_labels, export_labels, "{name} stream {stream}");
            for (row, e) in ui.rows.iter().zip(&export.rows) {
                assert_eq!(row.from_client, e.from_left, "{name} frame {}", e.frame);
                let d = store.dissect(row.index).unwrap();
                if d.tcp.as_ref().is_some_and(|f| f.window_size == 0) {
                    assert!(row.label.contains(" Win=0 "), "{}", row.label);
                }
            }
            compared += ui.rows.len();
        }
    }
    assert!(compared >= 41, "{compared}");
}

#[test]
fn save_writes_the_visible_packets() {
    let mut a = app("tcp_handshake.pcapng");
    let path = std::env::temp_dir().join(format!("sockeye-ui-save-{}.pcapng", std::process::id()));
    type_keys(&mut a, &format!("w{}\n", path.display()));
    assert!(
        a.message
            .as_deref()
            .unwrap_or("")
            .starts_with("saved 3 packets"),
        "{:?}",
        a.message
    );
    let copy = spawn_file_indexer(path.to_str().unwrap()).unwrap().wait();
    assert_eq!(lock(&copy).len(), 3);
    let _ = std::fs::remove_file(path);
}

#[test]
fn help_closes_on_any_key_but_the_scrolling_ones_and_q_quits() {
    let mut a = app("tcp_handshake.pcapng");
    type_keys(&mut a, "?");
    assert!(a.help);
    type_keys(&mut a, "j");
    assert!(a.help, "j scrolls the help");
    assert_eq!(a.selected, 0, "the key only scrolled the help");
    type_keys(&mut a, "3");
    assert!(!a.help);
    assert_eq!(a.view, View::Packets, "the key only closed the help");
    type_keys(&mut a, "3\x1b");
    assert_eq!(a.view, View::Packets, "Esc goes back first");
    type_keys(&mut a, "q");
    assert!(a.quit);
}

#[test]
fn follow_stream_and_conversations() {
    let mut a = app("http_ip4and6.pcapng");
    type_keys(&mut a, "3");
    assert!(!lock(&a.store).conversations().is_empty());
    type_keys(&mut a, "f");
    assert_eq!(a.view, View::Follow);
    let lines = &a.follow.as_ref().unwrap().lines;
    assert!(
        lines
            .iter()
            .any(|l| l.sender == Some(0) && l.text.contains("GET")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.sender == Some(1) && l.text.contains("HTTP/1.1 200 OK")),
        "{lines:?}"
    );
}

#[test]
fn not_live_says_so() {
    let mut a = app("tcp_handshake.pcapng");
    a.handle(Action::ToggleCapture);
    assert_eq!(a.message.as_deref(), Some("not a live capture"));
    a.interfaces = vec!["lo".into(), "eth0".into()];
    a.handle(Action::PickInterface);
    a.handle(Action::Down);
    a.handle(Action::Activate);
    assert_eq!(a.effects, vec![Effect::OpenInterface("eth0".into())]);
}

#[test]
fn esc_then_a_quick_key_is_not_alt() {
    let mut a = app("tcp_handshake.pcapng");
    type_keys(&mut a, "/tcp");
    a.handle_key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::ALT));
    assert!(a.prompt.is_none(), "the Esc closed the bar");
    assert!(a.quit, "and q quit");
}

/// The list speaks tshark: an IP fragment's row reads as tshark's Protocol and Info, and
/// the frame that completes the datagram shows what it carries.
#[test]
fn fragment_rows_read_as_tshark_writes_them() {
    let a = app("ip_frag_source.pcapng");
    let store = lock(&a.store);
    let first = row::row(&store.dissect(0).unwrap());
    assert_eq!(first.protocol, "IPv4");
    assert!(
        first
            .info
            .starts_with("Fragmented IP protocol (proto=ICMP 1, off=0, ID="),
        "{}",
        first.info
    );
    let completing = (0..store.len())
        .map(|i| row::row(&store.dissect(i).unwrap()))
        .find(|r| r.protocol == "ICMP")
        .expect("the reassembled datagram's row");
    assert!(
        completing.info.starts_with("Echo (ping) request"),
        "{}",
        completing.info
    );
}
