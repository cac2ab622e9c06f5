//! The teaching views in the UI (issue 7): encapsulation, header diagrams with a field
//! cursor, the narration pane, the lesson screens, and the lesson binary in tmux. Only
//! replayed captures, so no wall-clock time reaches a snapshot.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use sockeye::store::{lock, spawn_file_indexer};
use sockeye::tui::app::{App, AppOptions};
use sockeye::tui::lesson::Lesson;

use crate::kit;
use crate::kit::tmux::Tmux;
use crate::ui::{app, app_for, keys, screen};

fn mono_app(name: &str, width: u16, height: u16) -> App {
    let path = kit::textbook(name);
    let store = spawn_file_indexer(path.to_str().unwrap()).unwrap().wait();
    let mut a = App::new(
        Arc::clone(&store),
        AppOptions {
            title: name.to_string(),
            no_color: true,
            ..AppOptions::default()
        },
    );
    a.resize(width, height);
    a.tick(Duration::ZERO);
    a
}

/// Keys `6`/`E` open the encapsulation view; NO_COLOR keeps the layer tag letters.
#[test]
fn encapsulation_view() {
    let mut a = app("tcp_handshake.pcapng", 80, 24);
    keys(&mut a, "6");
    insta::assert_snapshot!("encap_syn_80x24", screen(&a));
    let mut a = mono_app("udp_dnsrequest.pcapng", 120, 40);
    keys(&mut a, "E");
    let s = screen(&a);
    assert!(s.contains("tags: E Ethernet II"), "{s}");
    insta::assert_snapshot!("encap_dns_nocolor_120x40", s);
    let mut a = app("ip_frag_source.pcapng", 120, 40);
    keys(&mut a, "6");
    insta::assert_snapshot!("encap_fragment_120x40", screen(&a));
}

/// IPv6: the first IPv6 packet of http_ip4and6, encapsulation and diagram.
#[test]
fn ipv6_encapsulation_and_diagram() {
    let mut a = app("http_ip4and6.pcapng", 120, 40);
    let first_v6 = {
        let store = lock(&a.store);
        (0..store.len())
            .find(|&i| {
                store.dissect(i).is_some_and(|d| {
                    d.packet
                        .layers
                        .iter()
                        .any(|l| matches!(l.header, sockeye::decode::Header::Ipv6(_)))
                })
            })
            .expect("an IPv6 packet")
    };
    keys(&mut a, &format!(":{}\n6", first_v6 + 1));
    insta::assert_snapshot!("encap_ipv6_120x40", screen(&a));
    keys(&mut a, "djjjj");
    insta::assert_snapshot!("diagram_ipv6_120x40", screen(&a));
}

/// `d`: the grids; j moves the field cursor, which is the details cursor, so the tree and
/// the hex bytes follow; PgDn scrolls.
#[test]
fn diagram_with_highlighted_field() {
    let mut a = app("tcp_handshake.pcapng", 80, 24);
    keys(&mut a, "d");
    insta::assert_snapshot!("diagram_syn_80x24", screen(&a));
    keys(&mut a, "jjjjjjjjjjjj");
    let s = screen(&a);
    assert!(s.contains("> Source Port") || s.contains(">"), "{s}");
    insta::assert_snapshot!("diagram_syn_tcp_field_80x24", s);
    let mut a = app("tcp_handshake.pcapng", 120, 40);
    keys(&mut a, "djjjjjjjjjjjjjjj");
    let s = screen(&a);
    insta::assert_snapshot!("diagram_syn_120x40", s);
    // Back in the packets view, the same field is selected in the tree.
    let cursor = a.detail_cursor;
    keys(&mut a, "1");
    assert_eq!(a.detail_cursor, cursor);
    // Next packet (→) keeps the same kind of field.
    a.handle_key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE));
    a.handle_key(KeyEvent::new(KeyCode::Right, KeyModifiers::NONE));
    assert_eq!(a.selected, 1);
    insta::assert_snapshot!("diagram_synack_120x40", screen(&a));
}

/// `e`: the narration under the list, updated with the selection.
#[test]
fn narration_pane() {
    let mut a = app("tcp_teardown.pcapng", 80, 24);
    keys(&mut a, "e");
    insta::assert_snapshot!("narration_80x24", screen(&a));
    let mut a = app("tcp_teardown.pcapng", 120, 40);
    keys(&mut a, "ejj");
    insta::assert_snapshot!("narration_120x40", screen(&a));
    keys(&mut a, "e");
    assert!(!screen(&a).contains("Explain"));
}

/// The explain pane says what `--export narrate` (the full dissector) says, for every TCP
/// packet of the captures with analysis flags: the handshake steps, the RTTs, a refused
/// connection, and each flag's reason with its frame numbers — although the UI's store
/// keeps none of those per packet (it replays the stream's analysis on selection).
#[test]
fn narration_pane_matches_the_full_dissector() {
    use sockeye::dissect::Dissector;
    use sockeye::source::{FileSource, PacketSource};
    let mut reasons = 0;
    for name in [
        "tcp_handshake.pcapng",
        "tcp_retransmissions.pcapng",
        "tcp_dupack.pcapng",
        "tcp_refuseconnection.pcapng",
        "tcp_zerowindowrecovery.pcapng",
        "http_google.pcapng",
    ] {
        let mut a = app(name, 120, 40);
        keys(&mut a, "e");
        let path = kit::textbook(name);
        let mut source = FileSource::open(path.to_str().unwrap()).unwrap();
        let mut dissector = Dissector::new();
        let mut i = 0;
        while let Some(frame) = source.next_frame().unwrap() {
            let d = dissector.dissect(&frame);
            if d.tcp.is_some() {
                a.selected = i;
                a.sync_narration();
                let pane = sockeye::tui::ui::teach::narration_text(&a).unwrap();
                let mut exported = Vec::new();
                sockeye::teach::export::run(
                    path.to_str().unwrap(),
                    sockeye::teach::export::ExportKind::Narrate,
                    i as u64 + 1,
                    false,
                    &mut exported,
                )
                .unwrap();
                let exported = String::from_utf8(exported).unwrap();
                assert_eq!(pane, exported.trim_end(), "{name} packet {}", i + 1);
                reasons += d.tcp.as_ref().map_or(0, |f| f.reasons.len());
            }
            i += 1;
        }
    }
    assert!(reasons >= 10, "only {reasons} analysis reasons compared");
}

/// The explain pane on a retransmission, drawn: the reason names the original frame.
#[test]
fn narration_pane_explains_a_retransmission() {
    let mut a = app("tcp_retransmissions.pcapng", 100, 30);
    let first = {
        let store = lock(&a.store);
        (0..store.len())
            .find(|&i| {
                store.entry(i).is_some_and(|e| {
                    e.aflags
                        .contains(sockeye::analysis::AnalysisFlag::Retransmission)
                })
            })
            .expect("a retransmission")
    };
    keys(&mut a, &format!(":{}\ne", first + 1));
    let s = screen(&a);
    assert!(s.contains("already sent in frame"), "{s}");
    insta::assert_snapshot!("narration_retransmission_100x30", s);
}

/// The ladder of a UDP conversation: datagrams as arrows, first sender on the left, text
/// payloads quoted; `j` walks the conversation's datagrams only.
#[test]
fn udp_ladder() {
    let path = kit::root().join("captures/scenarios/udp-loopback.pcapng");
    let mut a = app_for(&path, 100, 16);
    keys(&mut a, "2jjjjjjj");
    // Six datagrams of the echo conversation; j stops at its last, never on the next one.
    assert_eq!(a.selected, 5);
    let s = screen(&a);
    assert!(
        s.contains("UDP stream 0") && s.contains("6 datagrams"),
        "{s}"
    );
    assert!(s.contains(r#"UDP Len=8 "charlie\n""#), "{s}");
    insta::assert_snapshot!("ladder_udp_echo_100x16", s);
    // Binary payloads (DNS) show their length only.
    let mut a = app("udp_dnsrequest.pcapng", 100, 8);
    keys(&mut a, "2");
    let s = screen(&a);
    assert!(
        s.contains("1 datagram ") && s.contains("UDP Len=31──"),
        "{s}"
    );
}

fn lesson_screen(lesson: &Lesson, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| f.render_widget(lesson, f.area())).unwrap();
    t.backend().to_string()
}

/// Every lesson step at 80×24 and 120×40, moved through with → and back with ←.
#[test]
fn lesson_steps() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut lesson = Lesson::new(true, w, h).unwrap();
        let titles: Vec<String> = lesson.file.steps.iter().map(|s| s.title.clone()).collect();
        assert_eq!(titles.len(), 7);
        for (n, title) in titles.iter().enumerate() {
            let s = lesson_screen(&lesson, w, h);
            assert!(s.contains(&format!("Step {}/7: {title}", n + 1)), "{s}");
            insta::assert_snapshot!(format!("lesson_step{}_{w}x{h}", n + 1), s);
            lesson
                .handle_key(KeyEvent::new(KeyCode::Right, KeyModifiers::NONE))
                .unwrap();
        }
        // Past the end stays on the last step; ← goes back.
        assert_eq!(lesson.step, 6);
        lesson
            .handle_key(KeyEvent::new(KeyCode::Left, KeyModifiers::NONE))
            .unwrap();
        assert_eq!(lesson.step, 5);
    }
}

/// Tiny terminals never panic in the teaching views or the lesson.
#[test]
fn teaching_views_survive_tiny_terminals() {
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 10), (79, 23)] {
        for k in ["6", "d", "djjj", "e", "ejj"] {
            let mut a = app("http_ip4and6.pcapng", w, h);
            keys(&mut a, k);
            let _ = screen(&a);
        }
        let mut lesson = Lesson::new(false, w, h).unwrap();
        for _ in 0..7 {
            let _ = lesson_screen(&lesson, w, h);
            lesson
                .handle_key(KeyEvent::new(KeyCode::Right, KeyModifiers::NONE))
                .unwrap();
        }
    }
}

/// The real binary: `sockeye demo --lesson` in tmux at 80×24, walked with →, quit with q.
#[test]
fn lesson_in_tmux() {
    let Some(tmux) = Tmux::start("lesson", 80, 24, &["NO_COLOR=1"]) else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_sockeye");
    tmux.send(&[&format!("{bin} demo --lesson; echo EXITED=$?"), "Enter"]);
    let mut missing = Vec::new();
    let lesson = Lesson::new(true, 80, 24).unwrap();
    for (n, step) in lesson.file.steps.iter().enumerate() {
        let title = format!("Step {}/7: {}", n + 1, step.title);
        if tmux.wait(15, |t| t.contains(&title)).is_none() {
            missing.push(title);
        }
        tmux.send(&["Right"]);
    }
    tmux.send(&["q"]);
    let back = tmux.wait_exited(10);
    assert!(missing.is_empty(), "steps not shown: {missing:?}");
    let back = back.expect("the lesson did not exit on q");
    assert!(back.contains("EXITED=0"), "{back}");
    assert!(
        back.contains("prompt$") && !back.contains("sockeye lesson"),
        "terminal not restored:\n{back}"
    );
}
