//! The IO graph and the TCP stream (Stevens) graph, driven by keys on `TestBackend`: the
//! points each plots against what tshark 4.0 printed for the same capture
//! (tests/data/graphs/: `-z io,stat,INTERVAL,,FILTER…` tables and `-T fields -e
//! frame.time_relative -e tcp.seq` for one stream), and whole screens as snapshots,
//! including NO_COLOR and terminals too small for a chart.

use std::sync::Arc;
use std::time::Duration;

use sockeye::store::spawn_file_indexer;
use sockeye::tui::app::{App, AppOptions, PromptKind, View};

use crate::kit;
use crate::ui::{keys, screen};

const CAPTURE: &str = "http_dvwa_clearlogin.pcapng";

fn open(width: u16, height: u16, no_color: bool) -> App {
    let path = kit::textbook(CAPTURE);
    let store = spawn_file_indexer(path.to_str().unwrap()).unwrap().wait();
    let mut app = App::new(
        Arc::clone(&store),
        AppOptions {
            title: CAPTURE.into(),
            no_color,
            ..AppOptions::default()
        },
    );
    app.resize(width, height);
    app.tick(Duration::ZERO);
    app
}

/// Ticks until the open graph has counted every packet (each tick counts for 20 ms).
fn settle(app: &mut App) {
    for _ in 0..1000 {
        let done = match app.view {
            View::IoGraph => app.io_graph.complete(app.visible),
            View::Stevens => app.stevens.as_ref().is_none_or(|g| g.complete()),
            _ => true,
        };
        if done {
            return;
        }
        app.tick(Duration::ZERO);
    }
    panic!("the graph never finished counting");
}

/// The rows of a recorded `-z io,stat` table: for each interval, each column's (frames,
/// bytes).
fn io_stat_rows(name: &str) -> Vec<Vec<(u64, u64)>> {
    let text = std::fs::read_to_string(kit::root().join("tests/data/graphs").join(name)).unwrap();
    text.lines()
        .filter(|l| l.starts_with('|') && l.contains("<>"))
        .map(|l| {
            let numbers: Vec<u64> = l
                .split('|')
                .skip(2)
                .filter_map(|c| c.trim().parse().ok())
                .collect();
            numbers.chunks(2).map(|c| (c[0], c[1])).collect()
        })
        .collect()
}

/// Each line's plotted values times the interval (rates back to counts), per interval.
fn plotted_counts(app: &App) -> Vec<Vec<u64>> {
    let seconds = app.io_graph.interval_us() as f64 / 1e6;
    (0..app.io_graph.lines.len())
        .map(|n| {
            app.io_graph
                .points(n)
                .iter()
                .map(|&(_, y)| (y * seconds).round() as u64)
                .collect()
        })
        .collect()
}

fn assert_points_are_the_table(app: &App, table: &str, bytes: bool) {
    let rows = io_stat_rows(table);
    assert!(rows.len() >= 9, "{table}: {} rows", rows.len());
    let got = plotted_counts(app);
    assert_eq!(got.len(), rows[0].len(), "{table}: one line per column");
    let seconds = app.io_graph.interval_us() as f64 / 1e6;
    for (n, line) in got.iter().enumerate() {
        let want: Vec<u64> = rows
            .iter()
            .map(|r| if bytes { r[n].1 } else { r[n].0 })
            .collect();
        assert_eq!(
            line,
            &want,
            "{table}: line {} ({})",
            n + 1,
            app.io_graph.lines[n].label()
        );
        // Each point sits at the start of its interval.
        for (k, &(x, _)) in app.io_graph.points(n).iter().enumerate() {
            assert!((x - k as f64 * seconds).abs() < 1e-9, "{table}: x of {k}");
        }
    }
}

#[test]
fn io_graph_points_are_io_stat_rows() {
    let mut a = open(120, 40, false);
    keys(&mut a, "o");
    settle(&mut a);
    // 8.83 s: 1 s gives 8 intervals, so 100 ms is the first interval (88 of them).
    assert_eq!(a.io_graph.interval_us(), 100_000);
    keys(&mut a, "Ohttp\nOtcp.len > 0\n");
    settle(&mut a);
    assert_eq!(a.io_graph.lines.len(), 3);
    assert_points_are_the_table(&a, "http_dvwa_clearlogin.io-0.1.txt", false);
    keys(&mut a, "u");
    assert_points_are_the_table(&a, "http_dvwa_clearlogin.io-0.1.txt", true);
    keys(&mut a, "v");
    settle(&mut a);
    assert_eq!(a.io_graph.interval_us(), 1_000_000);
    assert_points_are_the_table(&a, "http_dvwa_clearlogin.io-1.txt", true);
    keys(&mut a, "u");
    assert_points_are_the_table(&a, "http_dvwa_clearlogin.io-1.txt", false);
}

#[test]
fn io_graph_lines_are_added_edited_refused_and_removed() {
    let mut a = open(100, 30, false);
    keys(&mut a, "o");
    // A filter that does not parse keeps the prompt open and says why.
    keys(&mut a, "Otcp.len >\n");
    assert_eq!(
        a.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::GraphLine)
    );
    assert!(a.io_graph.error.is_some());
    insta::assert_snapshot!("io_graph_refused_100x30", screen(&a));
    // Fixed, it becomes line 2; Enter on it edits it; D removes it.
    keys(&mut a, " 0\n");
    settle(&mut a);
    assert_eq!(a.io_graph.lines[1].text, "tcp.len > 0");
    keys(&mut a, "\n\x1b");
    assert_eq!(a.prompt, None);
    keys(&mut a, "\n");
    a.handle_key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Backspace,
        crossterm::event::KeyModifiers::NONE,
    ));
    keys(&mut a, "1000\n");
    settle(&mut a);
    assert_eq!(a.io_graph.lines[1].text, "tcp.len > 1000");
    // tshark -z io,stat,0,"tcp.len > 1000" counts 13 frames, 19,484 bytes.
    let big: Vec<(u64, u64)> = vec![(13, 19_484)];
    let counted: u64 = a.io_graph.cells(1).iter().map(|c| c.frames).sum();
    let bytes: u64 = a.io_graph.cells(1).iter().map(|c| c.bytes).sum();
    assert_eq!(vec![(counted, bytes)], big);
    // Four lines at most; letters typed in the prompt are text, not keys.
    keys(&mut a, "Ohttp");
    assert_eq!(a.prompt.as_ref().map(|p| p.text.as_str()), Some("http"));
    keys(&mut a, "\nOudp\n");
    assert_eq!(a.io_graph.lines.len(), 4);
    keys(&mut a, "O");
    assert_eq!(a.prompt, None, "no fifth line");
    assert!(a
        .message
        .as_deref()
        .unwrap_or("")
        .contains("4 lines at most"));
    keys(&mut a, "D");
    assert_eq!(a.io_graph.lines.len(), 3);
    keys(&mut a, "kkkkD");
    assert_eq!(a.io_graph.lines.len(), 3, "line 1 is every packet");
    // A field calculation in tshark's io,stat syntax: -z io,stat,0,"SUM(tcp.len)tcp"
    // says 26,138.
    keys(&mut a, "jjDOSUM(tcp.len)tcp\n");
    settle(&mut a);
    let last = a.io_graph.lines.len() - 1;
    assert_eq!(a.io_graph.lines[last].text, "SUM(tcp.len)tcp");
    let sum: i128 = a.io_graph.cells(last).iter().map(|c| c.counter).sum();
    assert_eq!(sum, 26_138);
}

#[test]
fn stevens_points_are_the_streams_seq_and_time() {
    let mut a = open(120, 40, false);
    // Frame 16: the server's first data segment of stream 1.
    keys(&mut a, ":16\nS");
    settle(&mut a);
    assert_eq!(a.view, View::Stevens);
    check_stevens(&a, "http_dvwa_clearlogin.stevens-1-server.tsv");
    insta::assert_snapshot!("stevens_server_120x40", screen(&a));
    keys(&mut a, "u");
    settle(&mut a);
    check_stevens(&a, "http_dvwa_clearlogin.stevens-1-client.tsv");
    // Not on TCP: a message, the view unchanged.
    let mut b = crate::ui::app("dns.pcap", 80, 24);
    keys(&mut b, "S");
    assert_eq!(b.view, View::Packets);
    assert!(b.message.as_deref().unwrap_or("").contains("TCP"));
}

fn check_stevens(a: &App, tsv: &str) {
    let g = a.stevens.as_ref().expect("a stream graph");
    let text = std::fs::read_to_string(kit::root().join("tests/data/graphs").join(tsv)).unwrap();
    let want: Vec<(usize, i64, f64)> = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let (secs, nanos) = f[1].split_once('.').unwrap();
            let ns = secs.parse::<i64>().unwrap() * 1_000_000_000 + nanos.parse::<i64>().unwrap();
            (f[0].parse().unwrap(), ns, f[2].parse().unwrap())
        })
        .collect();
    assert!(want.len() >= 15, "{tsv}");
    let got: Vec<(usize, i64, f64)> = g
        .packets
        .iter()
        .zip(&g.points)
        .map(|(&i, &(x, y))| (i + 1, (x * 1e9).round() as i64, y))
        .collect();
    assert_eq!(got, want, "{tsv}");
}

#[test]
fn io_graph_screens() {
    let mut a = open(120, 40, false);
    keys(&mut a, "o");
    settle(&mut a);
    keys(&mut a, "Ohttp\n");
    settle(&mut a);
    insta::assert_snapshot!("io_graph_two_lines_120x40", screen(&a));
    // NO_COLOR: each line has its own marker, in the chart and in the legend.
    let mut m = open(80, 24, true);
    keys(&mut m, "o");
    keys(&mut m, "Ohttp\nOtcp.len > 0\nu");
    settle(&mut m);
    let s = screen(&m);
    assert!(
        s.contains("•") && s.contains("▄"),
        "markers of lines 2 and 3"
    );
    insta::assert_snapshot!("io_graph_no_color_80x24", s);
}

#[test]
fn graphs_on_tiny_terminals_do_not_panic() {
    for (w, h) in [(1, 1), (2, 2), (20, 5), (30, 9)] {
        for keys_typed in ["o", "Ohttp\n", ":16\nS", ":16\nSu"] {
            let mut a = open(w, h, false);
            keys(&mut a, "o");
            keys(&mut a, keys_typed);
            settle(&mut a);
            let s = screen(&a);
            assert_eq!(s.lines().count(), usize::from(h), "{w}×{h} {keys_typed:?}");
        }
    }
    let mut a = open(20, 5, false);
    keys(&mut a, "oOhttp\n");
    settle(&mut a);
    insta::assert_snapshot!("io_graph_20x5", screen(&a));
}

#[test]
fn io_graph_follows_the_replay() {
    // The graph counts only what the list shows: stepping the replay adds packets to it,
    // and restarting it counts again from the first.
    let mut a = open(80, 24, false);
    keys(&mut a, "o..");
    settle(&mut a);
    assert_eq!(a.visible, 2);
    let first_two: u64 = [0usize, 1]
        .iter()
        .map(|&i| u64::from(sockeye::store::lock(&a.store).entry(i).unwrap().orig_len))
        .sum();
    assert_eq!(a.io_graph.totals(0), (2, first_two));
    keys(&mut a, ".");
    settle(&mut a);
    assert_eq!(a.io_graph.totals(0).0, 3);
    keys(&mut a, "x");
    settle(&mut a);
    assert_eq!(a.io_graph.totals(0), (54, 29_742));
}

#[test]
fn privacy_mode_redraws_the_stream_graph_from_the_anonymised_packets() {
    let mut a = open(120, 40, false);
    keys(&mut a, ":16\nS");
    settle(&mut a);
    assert!(screen(&a).contains("10.2.2.104:80"));
    keys(&mut a, "A");
    settle(&mut a);
    let g = a.stevens.as_ref().expect("the graph stays open");
    assert_eq!(g.points.len(), 19);
    assert_ne!(g.sender.ip().to_string(), "10.2.2.104");
    let s = screen(&a);
    assert!(!s.contains("10.2.2.10"), "{s}");
}
