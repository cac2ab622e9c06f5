//! The command line's filters reach the UI: `-Y` opens it with the filter applied (and in
//! the bar when it is opened), `-f` keeps out of the store what it rejects.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{replay_app, ReplayOptions};
use crate::filter::Filter;
use crate::store::lock;
use crate::tui::app::App;

fn opened(name: &str, display: Option<&str>, capture: Option<&str>) -> App {
    let opts = ReplayOptions {
        no_color: true,
        display_filter: display.map(|t| Filter::parse(t).unwrap()),
        capture_filter: capture.map(|t| Filter::parse(t).unwrap()),
        follow: false,
        ..ReplayOptions::default()
    };
    let (job, mut app) = replay_app(&format!("captures/textbook/{name}"), opts).unwrap();
    app.resize(120, 40);
    let until = Instant::now() + Duration::from_secs(20);
    while !lock(&job.store).done || app.filter_pending() {
        assert!(Instant::now() < until, "indexing never finished");
        app.tick(Duration::ZERO);
        std::thread::sleep(Duration::from_millis(1));
    }
    app.tick(Duration::ZERO);
    app
}

fn shown(app: &App) -> Vec<usize> {
    (0..app.row_count())
        .filter_map(|r| app.row_packet(r))
        .map(|p| p + 1)
        .collect()
}

#[test]
fn display_filter_from_the_command_line_is_applied_and_editable() {
    // tshark -Y tcp.analysis.acks_frame on http_google: frames 2,3,5,8,11
    // (tests/data/filters_analysis.tsv).
    let mut app = opened("http_google.pcapng", Some("tcp.analysis.acks_frame"), None);
    assert_eq!(shown(&app), [2, 3, 5, 8, 11]);
    app.handle_key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE));
    let prompt = app.prompt.as_ref().expect("the bar opened");
    assert_eq!(prompt.text, "tcp.analysis.acks_frame");
}

#[test]
fn capture_filter_from_the_command_line_keeps_packets_out() {
    // tshark -Y ipv6 on http_ip4and6 (tests/data/filters.tsv).
    let table = std::fs::read_to_string("tests/data/filters.tsv").unwrap();
    let frames = table
        .lines()
        .find(|l| l.starts_with("http_ip4and6.pcapng\tipv6\t"))
        .and_then(|l| l.split('\t').nth(2))
        .unwrap()
        .split(',')
        .count();
    let app = opened("http_ip4and6.pcapng", None, Some("ipv6"));
    let store = lock(&app.store);
    assert_eq!(store.len(), frames);
    assert!((0..store.len()).all(|i| store.dissect(i).unwrap().packet.ipv6().is_some()));
}
