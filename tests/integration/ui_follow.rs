//! The follow view's modes, wrapping, search and save, driven by keys on the real app. The
//! hex and raw texts are compared with what tshark 4.0 printed for `-z follow,tcp,hex|raw,0`
//! (tests/data/stats/NAME.follow0.MODE.txt): the view shows exactly that text.

use std::sync::Arc;
use std::time::Duration;

use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;
use sockeye::store::{lock, spawn_file_indexer, Kind};
use sockeye::tui::app::{App, AppOptions, View};

use crate::kit;
use crate::ui::{app, app_for, keys, screen};

fn recorded(name: &str) -> String {
    std::fs::read_to_string(kit::root().join("tests/data/stats").join(name)).unwrap()
}

/// Goes to the first packet of TCP stream 0 and follows it.
fn follow_stream0(a: &mut App) {
    let first = lock(&a.store).first_of_stream(Kind::Tcp, 0).unwrap();
    keys(a, &format!(":{}\nf", first + 1));
    assert_eq!(a.view, View::Follow);
}

fn shown_text(a: &App) -> String {
    a.follow.as_ref().unwrap().text()
}

/// `f` again: hex, then raw, then ASCII — each byte for byte what tshark printed.
#[test]
fn follow_modes_equal_tshark_follow() {
    for name in ["http_ip4and6", "tcp_retransmissions", "tcp_teardown"] {
        let mut a = app_for(&kit::textbook(&format!("{name}.pcapng")), 100, 30);
        follow_stream0(&mut a);
        assert_eq!(shown_text(&a), recorded(&format!("{name}.follow0.txt")));
        keys(&mut a, "f");
        assert_eq!(
            shown_text(&a),
            recorded(&format!("{name}.follow0.hex.txt")),
            "{name} hex"
        );
        keys(&mut a, "f");
        assert_eq!(
            shown_text(&a),
            recorded(&format!("{name}.follow0.raw.txt")),
            "{name} raw"
        );
        keys(&mut a, "f");
        assert_eq!(shown_text(&a), recorded(&format!("{name}.follow0.txt")));
    }
}

/// The screen shows the recorded hex text's lines, node 1's tab as four spaces.
#[test]
fn follow_hex_screen() {
    let mut a = app("http_ip4and6.pcapng", 100, 30);
    follow_stream0(&mut a);
    keys(&mut a, "f");
    let s = screen(&a);
    let want = recorded("http_ip4and6.follow0.hex.txt");
    for line in want.lines().skip(1).take(20) {
        let line = line.replace('\t', "    ");
        assert!(s.contains(&line), "{line:?} not on\n{s}");
    }
    insta::assert_snapshot!("follow_hex_100x30", s);
}

/// Without colour each line says its direction; with colour the directions differ.
#[test]
fn follow_direction_markers_without_colour() {
    let path = kit::textbook("http_ip4and6.pcapng");
    let store = spawn_file_indexer(path.to_str().unwrap()).unwrap().wait();
    let mut a = App::new(
        Arc::clone(&store),
        AppOptions {
            no_color: true,
            ..AppOptions::default()
        },
    );
    a.resize(100, 30);
    a.tick(Duration::ZERO);
    follow_stream0(&mut a);
    keys(&mut a, "f");
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| f.render_widget(&a, f.area())).unwrap();
    assert!(t
        .backend()
        .buffer()
        .content()
        .iter()
        .all(|c| (c.fg, c.bg) == (Color::Reset, Color::Reset)));
    insta::assert_snapshot!("follow_hex_no_color_100x30", t.backend().to_string());
    let s = t.backend().to_string();
    assert!(s.contains("\"> 00000000  47 45 54 20"), "{s}");
    assert!(s.contains("\"<     00000000  48 54 54 50"), "{s}");
    // In colour the two directions are drawn differently.
    let mut a = app("http_ip4and6.pcapng", 100, 30);
    follow_stream0(&mut a);
    keys(&mut a, "f");
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| f.render_widget(&a, f.area())).unwrap();
    let s = t.backend().to_string();
    let fg_of = |needle: &str| {
        let row = s.lines().position(|l| l.contains(needle)).unwrap();
        let col = s.lines().nth(row).unwrap().find(needle).unwrap() - 1;
        t.backend()
            .buffer()
            .cell((col as u16, row as u16))
            .unwrap()
            .fg
    };
    assert_ne!(fg_of("47 45 54 20"), fg_of("48 54 54 50"));
}

/// `/` finds text in the stream, `n`/`N` walk the hits, the current one highlighted; Esc
/// drops the search before it leaves the view.
#[test]
fn follow_search_next_previous() {
    let mut a = app("http_ip4and6.pcapng", 100, 30);
    follow_stream0(&mut a);
    keys(&mut a, "/content-\n");
    let find = a.follow.as_ref().unwrap().find.clone().unwrap();
    assert!(find.hits.len() >= 2, "{find:?}");
    assert_eq!(find.at, 0);
    let s = screen(&a);
    assert!(
        s.contains(&format!("content- 1 of {}", find.hits.len())),
        "{s}"
    );
    keys(&mut a, "n");
    assert_eq!(a.follow.as_ref().unwrap().find.as_ref().unwrap().at, 1);
    keys(&mut a, "NN");
    let at = a.follow.as_ref().unwrap().find.as_ref().unwrap().at;
    assert_eq!(at, find.hits.len() - 1, "N wraps round to the last hit");
    // The current hit is drawn in the highlight style, in the line the hit is on.
    let (line, col) = find.hits[at];
    let view = a.follow.as_ref().unwrap();
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| f.render_widget(&a, f.area())).unwrap();
    let row = 2 + line - view.top;
    let indent = if view.lines[line].sender == Some(1) {
        4
    } else {
        0
    };
    let cell = t
        .backend()
        .buffer()
        .cell(((indent + col) as u16, row as u16))
        .unwrap();
    assert_eq!(cell.symbol().to_ascii_lowercase(), "c");
    assert_eq!(cell.bg, Color::LightYellow);
    keys(&mut a, "/no such text\n");
    assert!(screen(&a).contains("no match for no such text"));
    keys(&mut a, "\x1b");
    assert!(a.follow.as_ref().unwrap().find.is_none());
    assert_eq!(a.view, View::Follow);
    keys(&mut a, "\x1b");
    assert_eq!(a.view, View::Packets);
}

/// Wrapping on (the default): a raw line continues on the next row; `L`: cut, and `l`
/// scrolls sideways.
#[test]
fn follow_wrap_and_sideways() {
    let mut a = app("http_ip4and6.pcapng", 80, 24);
    follow_stream0(&mut a);
    keys(&mut a, "ff");
    let first_raw = recorded("http_ip4and6.follow0.raw.txt")
        .lines()
        .nth(6)
        .unwrap()
        .to_string();
    // Node 0's request: 154 hex digits.
    assert_eq!(first_raw.len(), 154);
    let s = screen(&a);
    assert!(s.contains(&first_raw[..80]), "{s}");
    assert!(s.contains(&first_raw[80..]), "wrapped: {s}");
    keys(&mut a, "L");
    let s = screen(&a);
    assert!(s.contains(&first_raw[..80]));
    assert!(!s.contains(&first_raw[80..]), "cut: {s}");
    keys(&mut a, "ll");
    let s = screen(&a);
    assert!(s.contains(&first_raw[16..96]), "scrolled by 16: {s}");
    insta::assert_snapshot!("follow_raw_cut_80x24", s);
}

/// `w` saves the shown mode's text; a path that cannot be written says why in the status
/// line.
#[test]
fn follow_save_writes_the_shown_text() {
    let dir = kit::Scratch::new("follow-save");
    let mut a = app("tcp_teardown.pcapng", 100, 30);
    follow_stream0(&mut a);
    keys(&mut a, "f");
    let path = dir.join("stream0.txt");
    keys(&mut a, &format!("w{}\n", path.display()));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        recorded("tcp_teardown.follow0.hex.txt")
    );
    let s = screen(&a);
    assert!(s.contains("saved the stream (hex) to"), "{s}");
    let bad = dir.join("no/such/dir/x.txt");
    keys(&mut a, &format!("w{}\n", bad.display()));
    let m = a.message.clone().unwrap_or_default();
    assert!(m.starts_with("save failed: cannot write "), "{m}");
    assert!(m.contains("No such file or directory"), "{m}");
    assert!(!bad.exists());
    assert_eq!(a.view, View::Follow);
    // No temporary file is left behind by either save.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only the saved file");
}

#[test]
fn follow_survives_tiny_terminals() {
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 10)] {
        let mut a = app("http_ip4and6.pcapng", w, h);
        keys(&mut a, "jjjf/GET\nnNfLllhfG");
        let _ = screen(&a);
    }
}
