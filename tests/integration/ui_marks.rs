//! Marks, ignores and exports; jumps along the tree's `[… in frame: N]` lines and Back;
//! copying through OSC 52 — each driven by keys on the real app.

use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::Terminal;
use sockeye::store::spawn_file_indexer;
use sockeye::tui::app::App;
use sockeye::tui::clipboard::osc52;
use sockeye::tui::UiEvent;

use crate::kit;
use crate::ui::{app, screen};

fn keys(app: &mut App, text: &str) {
    crate::ui::keys(app, text);
    for _ in 0..1000 {
        if !app.filter_pending() {
            break;
        }
        app.tick(Duration::ZERO);
    }
}

fn shown(app: &App) -> Vec<usize> {
    (0..app.row_count())
        .filter_map(|r| app.row_packet(r))
        .map(|p| p + 1)
        .collect()
}

/// Every frame of `path` as (timestamp, bytes).
fn frames(path: &std::path::Path) -> Vec<(i64, Vec<u8>)> {
    let store = spawn_file_indexer(path.to_str().unwrap()).unwrap().wait();
    let store = sockeye::store::lock(&store);
    (0..store.len())
        .map(|i| {
            let f = store.frame(i).unwrap();
            (f.ts_ns, f.data.to_vec())
        })
        .collect()
}

#[test]
fn mark_filter_on_marks_and_export_them() {
    let dir = kit::Scratch::new("marks");
    let mut a = app("tcp_handshake.pcapng", 100, 24);
    // Packets 1 and 3 marked, packet 2 ignored.
    keys(&mut a, "mjIjm");
    insta::assert_snapshot!("marks_list_100x24", screen(&a));
    keys(&mut a, "g'");
    assert_eq!(a.selected, 2, "' goes to the next mark");
    keys(&mut a, "'");
    assert_eq!(a.selected, 0, "and wraps round");
    keys(&mut a, "\"");
    assert_eq!(a.selected, 2);
    keys(&mut a, "/frame.marked == 1\n");
    assert_eq!(shown(&a), vec![1, 3]);
    keys(&mut a, "\x1b\x1b/frame.ignored\n");
    assert_eq!(
        shown(&a),
        vec![1, 2, 3],
        "present in every frame, as Wireshark's"
    );
    keys(&mut a, "\x1b\x1b/frame.ignored == 1\n");
    assert_eq!(shown(&a), vec![2]);
    keys(&mut a, "\x1b\x1b");
    assert!(a.filter.is_none());
    // Export: the prompt says the set and the count; Tab moves to the next set.
    keys(&mut a, "X");
    let s = screen(&a);
    assert!(s.contains("export displayed (2 packets) to:"), "{s}");
    keys(&mut a, "\t");
    assert!(screen(&a).contains("export marked (2 packets) to:"));
    let marked = dir.join("marked.pcapng");
    keys(&mut a, &format!("{}\n", marked.display()));
    let original = frames(&kit::textbook("tcp_handshake.pcapng"));
    let back = frames(&marked);
    assert_eq!(back, vec![original[0].clone(), original[2].clone()]);
    // A range to pcap: the ignored packet stays out.
    keys(&mut a, "X\t\t");
    assert!(screen(&a).contains("export range N-M FILE (0 packets)"));
    let range = dir.join("range.pcap");
    keys(&mut a, &format!("2-3 {}", range.display()));
    assert!(screen(&a).contains("(1 packets)"));
    keys(&mut a, "\n");
    assert!(
        a.message
            .as_deref()
            .unwrap_or("")
            .contains("saved 1 packets"),
        "{:?}",
        a.message
    );
    assert_eq!(frames(&range), vec![original[2].clone()]);
    // pcap (microsecond or nanosecond magic), not pcapng, as the name asked.
    let magic = std::fs::read(&range).unwrap()[..4].to_vec();
    assert!(
        magic == [0xd4, 0xc3, 0xb2, 0xa1] || magic == [0x4d, 0x3c, 0xb2, 0xa1],
        "{magic:x?}"
    );
}

#[test]
fn enter_on_a_frame_link_jumps_and_back_returns() {
    let mut a = app("tcp_handshake.pcapng", 100, 30);
    keys(&mut a, "jj\t");
    let at = a
        .selected_tree()
        .iter()
        .position(|r| r.text.contains("This is an ACK to the segment in frame: 2"))
        .expect("ACK line");
    for _ in 0..at {
        keys(&mut a, "j");
    }
    keys(&mut a, "\n");
    assert_eq!(a.selected, 1, "frame 2");
    insta::assert_snapshot!("jump_to_acked_100x30", screen(&a));
    keys(&mut a, "b");
    assert_eq!((a.selected, a.detail_cursor), (2, at));
    keys(&mut a, "b");
    assert_eq!(a.message.as_deref(), Some("nothing to go back to"));
    // HTTP: the response points at its request.
    let mut a = app("http_google.pcapng", 100, 30);
    a.collapsed.clear();
    let response = {
        let store = sockeye::store::lock(&a.store);
        (0..store.len())
            .find(|&i| {
                let d = store.dissect(i).unwrap();
                let row = sockeye::tui::app::row::row(&d);
                row.protocol == "HTTP" && row.info.starts_with("HTTP/1.1 200")
            })
            .unwrap()
    };
    keys(&mut a, &format!(":{}\n\t", response + 1));
    let at = a
        .selected_tree()
        .iter()
        .position(|r| r.text.contains("[Request in frame: "))
        .expect("request link");
    for _ in 0..at {
        keys(&mut a, "j");
    }
    let target = a.link_at_cursor().unwrap() as usize;
    keys(&mut a, "\n");
    assert_eq!(a.selected + 1, target);
    assert!(target < response + 1);
    keys(&mut a, "b");
    assert_eq!(a.selected, response);
}

/// What the terminal was sent: the backend's writer, kept where the test can read it.
#[derive(Clone, Default)]
struct Wire(Arc<Mutex<Vec<u8>>>);

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs the real loop over a terminal writing into memory, with `keys` then `q`.
fn run_keys(a: &mut App, keys: &[KeyEvent]) -> Vec<u8> {
    let (tx, rx) = mpsc::channel();
    for k in keys {
        tx.send(UiEvent::Key(*k)).unwrap();
    }
    tx.send(UiEvent::Key(key('q'))).unwrap();
    let wire = Wire::default();
    let mut t = Terminal::new(CrosstermBackend::new(wire.clone())).unwrap();
    let stop = AtomicBool::new(false);
    sockeye::tui::run_loop(&mut t, a, &rx, &stop, None).unwrap();
    let sent = wire.0.lock().unwrap().clone();
    sent
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn copy_writes_osc52_to_the_terminal() {
    // The packet list: the summary line.
    let mut a = app("tcp_handshake.pcapng", 100, 30);
    a.analyst.term = Some("xterm-256color".into());
    let line = a.copy_text().unwrap();
    assert!(line.starts_with("1\t") && line.contains("[SYN]"), "{line}");
    let out = run_keys(&mut a, &[key('y')]);
    assert!(contains(&out, &osc52(&line)));
    // A details field: its value; then its filter expression.
    let mut a = app("tcp_handshake.pcapng", 100, 30);
    a.analyst.term = Some("tmux-256color".into());
    a.handle_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    let at = a
        .selected_tree()
        .iter()
        .position(|r| r.text.contains("Source Address:"))
        .unwrap();
    let mut presses = vec![key('j'); at];
    presses.extend([key('y'), key('Y')]);
    let out = run_keys(&mut a, &presses);
    assert!(contains(&out, &osc52("172.16.16.128")));
    assert!(contains(&out, &osc52("ip.src == 172.16.16.128")));
    // The hex pane: the selected bytes as hex.
    let mut a = app("tcp_handshake.pcapng", 100, 30);
    a.analyst.term = Some("xterm".into());
    a.handle_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    let at = a
        .selected_tree()
        .iter()
        .position(|r| r.text.contains("Source Port:"))
        .unwrap();
    let mut presses = vec![key('j'); at];
    presses.extend([KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE), key('y')]);
    let out = run_keys(&mut a, &presses);
    let port = {
        let store = sockeye::store::lock(&a.store);
        let data = store.frame(0).unwrap().data.to_vec();
        format!("{:02x}{:02x}", data[34], data[35])
    };
    assert!(contains(&out, &osc52(&port)), "{port}");
    // The follow view: the whole stream text.
    let mut a = app("http_google.pcapng", 100, 30);
    a.analyst.term = Some("xterm".into());
    crate::ui::keys(&mut a, "jjjf");
    let text = a.copy_text().unwrap();
    assert!(text.contains("GET / HTTP/1.1"), "{text}");
    let out = run_keys(&mut a, &[key('y')]);
    assert!(contains(&out, &osc52(&text)));
}

#[test]
fn copy_where_the_terminal_cannot() {
    let mut a = app("tcp_handshake.pcapng", 100, 30);
    a.analyst.term = Some("linux".into());
    let (tx, rx) = mpsc::channel();
    tx.send(UiEvent::Key(key('y'))).unwrap();
    drop(tx);
    let wire = Wire::default();
    let mut t = Terminal::new(CrosstermBackend::new(wire.clone())).unwrap();
    sockeye::tui::run_loop(&mut t, &mut a, &rx, &AtomicBool::new(false), None).unwrap();
    assert!(!contains(&wire.0.lock().unwrap(), "\x1b]52;"));
    let m = a.message.clone().unwrap_or_default();
    assert!(m.starts_with("cannot copy: the Linux console"), "{m}");
    // A screen with no terminal behind it says so too.
    let mut a = app("tcp_handshake.pcapng", 100, 30);
    a.analyst.term = Some("xterm".into());
    let (tx, rx) = mpsc::channel();
    tx.send(UiEvent::Key(key('y'))).unwrap();
    drop(tx);
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    sockeye::tui::run_loop(&mut t, &mut a, &rx, &AtomicBool::new(false), None).unwrap();
    assert!(a.message.unwrap_or_default().starts_with("cannot copy"));
}
