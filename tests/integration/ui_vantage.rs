//! One connection seen from both ends of a link, in the UI: the packet list's Interface
//! column names the vantage point of every packet (shown on its own because the capture
//! has two interfaces), and the ladder draws each segment from the side it left to the
//! side it reached, its one-way delay labelled — the pipeline's `sockeye.vantage.*` pairs,
//! read back from the store. The capture is `captures/vantage/echo-both.pcapng` (the lab's
//! `echo` scenario captured in both namespaces, see captures/README.md).

use std::time::{Duration, Instant};

use sockeye::store::lock;
use sockeye::tui::app::App;
use sockeye::tui::ReplayOptions;

use crate::kit;
use crate::ui::{app_for, keys, screen};

fn both_sides() -> std::path::PathBuf {
    kit::root().join("captures/vantage/echo-both.pcapng")
}

/// The rows between the list's column header and the details pane.
fn list_rows(text: &str) -> Vec<String> {
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.trim_matches('"').to_string())
        .collect();
    let header = lines
        .iter()
        .position(|l| l.trim_start().starts_with("No."))
        .expect("a list header");
    lines[header + 1..]
        .iter()
        .take_while(|l| !l.contains("Details ─") && !l.trim().is_empty())
        .cloned()
        .collect()
}

#[test]
fn two_interfaces_show_the_interface_column_and_c_hides_it() {
    let mut a = app_for(&both_sides(), 120, 40);
    let text = screen(&a);
    insta::assert_snapshot!("vantage_list_120x40", text);
    let rows = list_rows(&text);
    assert!(rows[0].contains("client 19"), "{text}");
    assert!(rows[1].contains("server 19"), "{text}");
    // The cursor to the Interface column (No., Time, Interface), hidden with c.
    keys(&mut a, ">>c");
    let text = screen(&a);
    let rows = list_rows(&text);
    assert!(rows.iter().all(|r| !r.contains("client 19")), "{text}");
    assert!(text.contains("Interface hidden"), "{text}");
    // C shows every column again.
    keys(&mut a, "C");
    assert!(list_rows(&screen(&a))[0].contains("client 19"));
}

#[test]
fn one_interface_has_no_interface_column_until_every_column_is_shown() {
    let mut a = crate::ui::app("tcp_handshake.pcapng", 120, 40);
    assert!(!screen(&a).contains("Interface"));
    keys(&mut a, "C");
    let text = screen(&a);
    // A pcapng interface without a name is told apart by its id.
    assert!(list_rows(&text)[0].contains("#0"), "{text}");
}

#[test]
fn the_ladder_draws_each_crossing_from_its_departure_to_its_arrival() {
    // The client's SYN (packet 5, after the ARP exchange), in the ladder.
    let mut a = app_for(&both_sides(), 120, 40);
    keys(&mut a, "jjjj2");
    let text = screen(&a);
    insta::assert_snapshot!("vantage_ladder_120x40", text);
    assert!(
        text.contains("No. 5 → 6: [SYN] Seq=0 Win=64240 Len=0"),
        "{text}"
    );
    // Every one of the connection's 28 sightings is one end of one of its 14 crossings.
    assert!(!text.contains("one side only"), "{text}");
    // The client sent 8 of them (left to right), the server 6.
    assert_eq!(text.matches('▶').count(), 8, "{text}");
    assert_eq!(text.matches('◀').count(), 6, "{text}");
}

#[test]
fn a_small_ladder_follows_the_selected_arrival() {
    // The server's first echo as it reaches the client (packet 16): its crossing drawn
    // on top, its story on the bottom line.
    let mut a = app_for(&both_sides(), 80, 24);
    keys(&mut a, "jjjj2jjjjjjjjjjj");
    let text = screen(&a);
    insta::assert_snapshot!("vantage_ladder_80x24", text);
    assert!(
        text.contains("server side 0.000325 → client side 0.000326: one-way delay 1.4 µs"),
        "{text}"
    );
}

#[test]
fn the_two_vantage_ladder_survives_tiny_terminals() {
    let with_calls = kit::root().join("captures/vantage/handshake-both.pcapng");
    for path in [both_sides(), with_calls] {
        for (w, h) in [(1, 1), (12, 4), (30, 7), (50, 9)] {
            let mut a = opened_on_first_crossing(&path, w, h);
            keys(&mut a, "jjjjjjj");
            let _ = screen(&a);
        }
    }
}

/// The app as `lab run --capture both` opens it on its capture: as `sockeye -r` opens a
/// file, told to open on the first segment seen at both vantage points.
fn opened_on_first_crossing(path: &std::path::Path, width: u16, height: u16) -> App {
    let opts = ReplayOptions {
        title: Some("lab, both ends".into()),
        open_first_crossing: true,
        ..ReplayOptions::default()
    };
    let (job, mut app) = sockeye::tui::replay_app(path.to_str().unwrap(), opts).unwrap();
    app.resize(width, height);
    let until = Instant::now() + Duration::from_secs(20);
    while !lock(&job.store).done {
        assert!(Instant::now() < until, "indexing never finished");
        std::thread::sleep(Duration::from_millis(5));
    }
    app.tick(Duration::ZERO);
    app
}

#[test]
fn the_lab_opens_on_the_ladder_at_the_first_crossing() {
    let mut a = opened_on_first_crossing(&both_sides(), 80, 24);
    let text = screen(&a);
    insta::assert_snapshot!("vantage_opening_80x24", text);
    // The client's SYN (packet 5, after the ARP exchange) selected, its delay told.
    assert!(text.contains("lab, both ends"), "{text}");
    assert!(text.contains("[2 Ladder]"), "{text}");
    assert!(
        text.contains("No. 5 → 6: [SYN] Seq=0 Win=64240 Len=0"),
        "{text}"
    );
    assert!(text.contains("one-way delay"), "{text}");
    let selected = |text: &str| {
        text.lines()
            .find_map(|l| l.trim_matches('"').strip_prefix('>').map(str::to_string))
            .unwrap_or_default()
    };
    assert!(selected(&text).trim_start().starts_with("5 "), "{text}");
    // From there the keys are the ladder's: j moves to the SYN's arrival.
    keys(&mut a, "j");
    let text = screen(&a);
    assert!(selected(&text).trim_start().starts_with("6 "), "{text}");
}

#[test]
fn a_capture_from_one_vantage_point_opens_on_the_list_and_says_why() {
    let a = opened_on_first_crossing(&kit::textbook("tcp_handshake.pcapng"), 120, 40);
    let text = screen(&a);
    assert!(
        text.contains("no segment was seen at both vantage points"),
        "{text}"
    );
    assert!(text.contains("[1 Packets]"), "{text}");
}

/// The line of `text` (a screen) holding `needle`, and its column; panics with the screen.
fn find(text: &str, needle: &str) -> (usize, usize) {
    text.lines()
        .enumerate()
        .find_map(|(i, l)| Some((i, l.find(needle)?)))
        .unwrap_or_else(|| panic!("{needle:?} not on screen:\n{text}"))
}

#[test]
fn the_calls_sit_on_their_sides_lifeline_between_the_crossings() {
    // The lab's handshake with the built-in endpoints' calls saved beside both sides.
    let path = kit::root().join("captures/vantage/handshake-both.pcapng");
    let a = opened_on_first_crossing(&path, 100, 32);
    let text = screen(&a);
    insta::assert_snapshot!("vantage_calls_100x32", text);
    let syn = find(&text, "[SYN] Seq=0");
    let ack_arrives = find(&text, "▶● 0.000");
    // The client calls connect() before its SYN leaves, on the left.
    let connect = find(&text, "● connect()");
    assert!(connect.0 < syn.0, "{text}");
    // The server's accept() returns once the handshake's last ACK has arrived, on the
    // right: its words end at the right lifeline.
    let accept = find(&text, "● accept() returned");
    let third_ack = find(&text, "[ACK] Seq=1 Ack=1");
    assert!(accept.0 > third_ack.0 && accept.0 > ack_arrives.0, "{text}");
    assert!(accept.1 > connect.1 + 20, "{text}");
    // The server's listen() came before the capture's first packet: a negative time.
    let listen = text
        .lines()
        .find(|l| l.contains("● listen()"))
        .unwrap_or_default();
    assert!(listen.contains("│ -0.0"), "{text}");
}
