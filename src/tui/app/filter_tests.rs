//! The display filter in the state machine: rows hidden, selection kept, n/N, Esc, the
//! text fallback, statistics of the filtered set, and the quit question.

use std::time::Duration;

use super::filter::BarText;
use super::*;

fn app(name: &str) -> App {
    super::tests::app_sized(name, 80, 24)
}

use super::tests::type_keys;

fn settle(app: &mut App) {
    for _ in 0..1000 {
        if !app.filter_pending() {
            return;
        }
        app.tick(Duration::ZERO);
    }
    panic!("filter never finished");
}

/// Packet numbers (1-based) of the list rows.
fn rows(app: &App) -> Vec<usize> {
    (0..app.row_count())
        .filter_map(|r| app.row_packet(r))
        .map(|p| p + 1)
        .collect()
}

#[test]
fn bar_classifies_filters_words_and_errors() {
    assert!(matches!(
        BarText::classify("tcp.port == 80"),
        BarText::Filter(_)
    ));
    assert!(matches!(BarText::classify("tcp"), BarText::Filter(_)));
    assert!(matches!(
        BarText::classify("google search"),
        BarText::Text(_)
    ));
    match BarText::classify("ip.src == ") {
        BarText::Invalid(e) => assert!(e.error.column >= 8, "{e:?}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(BarText::classify("foo == 1"), BarText::Invalid(_)));
    assert!(matches!(BarText::classify("  "), BarText::Empty));
}

#[test]
fn filter_hides_rows_like_tshark() {
    // tests/data/filters_analysis.tsv: tshark -Y selects frames 2..=6.
    let mut a = app("tcp_retransmissions.pcapng");
    type_keys(&mut a, "/tcp.analysis.retransmission\n");
    settle(&mut a);
    assert!(a.prompt.is_none());
    assert_eq!(rows(&a), vec![2, 3, 4, 5, 6]);
    assert_eq!(
        a.selected + 1,
        2,
        "packet 1 is hidden: the next match is selected"
    );
    assert_eq!(
        a.stats.by_protocol.iter().sum::<u64>(),
        5,
        "statistics of the filtered set"
    );
    type_keys(&mut a, "\x1b");
    assert!(a.filter.is_none(), "Esc clears the filter");
    assert_eq!(rows(&a).len(), a.visible);
    assert_eq!(a.stats.by_protocol.iter().sum::<u64>(), a.visible as u64);
}

#[test]
fn selection_is_kept_or_moves_to_the_next_match() {
    let mut a = app("http_google.pcapng");
    // Frames 1,3,4,8,11 have a client source port; select frame 4, which matches.
    a.selected = 3;
    type_keys(&mut a, "/tcp.srcport in {1024..65535}\n");
    settle(&mut a);
    assert_eq!(rows(&a), vec![1, 3, 4, 8, 11]);
    assert_eq!(a.selected + 1, 4, "the same packet stays selected");
    // Frame 5 does not match: the nearest following match (8) is selected.
    type_keys(&mut a, "\x1b");
    a.selected = 4;
    type_keys(&mut a, "/tcp.srcport in {1024..65535}\n");
    settle(&mut a);
    assert_eq!(a.selected + 1, 8);
    // j/k and n/N move over the filtered rows only.
    a.handle(Action::Down);
    assert_eq!(a.selected + 1, 11);
    a.handle(Action::NextMatch);
    assert_eq!(a.selected + 1, 1, "n wraps around the filtered rows");
    a.handle(Action::PrevMatch);
    assert_eq!(a.selected + 1, 11);
    a.handle(Action::Top);
    assert_eq!(a.selected + 1, 1);
    // Going to a hidden packet says so.
    type_keys(&mut a, ":2\n");
    assert_eq!(a.selected + 1, 1);
    assert!(a.message.as_deref().unwrap_or("").contains("hidden"));
}

#[test]
fn words_fall_back_to_text_search_and_bad_filters_stay_open() {
    let mut a = app("http_google.pcapng");
    type_keys(&mut a, "/get\n");
    assert!(a.filter.is_none());
    let label = a
        .search
        .as_ref()
        .map(|s| s.label.clone())
        .unwrap_or_default();
    assert!(label.starts_with("text"), "{label}");
    assert_eq!(
        a.selected + 1,
        4,
        "the GET request (the rows show tshark's Info)"
    );
    type_keys(&mut a, "/ip.src ==\n");
    assert!(a.prompt.is_some(), "an invalid filter keeps the bar open");
    assert!(a.filter.is_none());
    type_keys(&mut a, "\x1b");
    assert!(a.prompt.is_none());
}

#[test]
fn filter_runs_in_slices_and_reports_progress() {
    let mut a = app("http_google.pcapng");
    let f = crate::filter::Filter::parse("tcp").unwrap();
    a.filter = Some(filter::FilterView::new(f, 0));
    assert_eq!(a.filter_progress(), Some(0));
    assert!(a.filter_pending());
    settle(&mut a);
    assert_eq!(a.filter_progress(), None);
    assert_eq!(a.row_count(), 12);
}

#[test]
fn live_quit_asks_when_packets_are_unsaved() {
    let mut a = app("http_google.pcapng");
    a.live = Some(LiveLink {
        paused: Default::default(),
        channel_dropped: Default::default(),
        source_stats: Default::default(),
        recording: false,
    });
    a.tick(Duration::ZERO);
    type_keys(&mut a, "q");
    assert!(!a.quit);
    assert_eq!(a.confirm_quit, Some(12));
    assert_eq!(
        a.confirm_text().unwrap(),
        "12 unsaved packets: save (w) / quit anyway (q) / cancel (Esc)"
    );
    type_keys(&mut a, "\x1b");
    assert_eq!((a.confirm_quit, a.quit), (None, false), "Esc cancels");
    // w: save, and quit once saved.
    let dir = std::env::temp_dir().join(format!("sockeye-quit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("saved.pcapng");
    type_keys(&mut a, "qw");
    assert_eq!(a.prompt.as_ref().map(|p| p.kind), Some(PromptKind::Save));
    type_keys(&mut a, &format!("{}\n", out.display()));
    assert!(a.quit, "{:?}", a.message);
    assert_eq!(a.unsaved(), 0);
    let src = crate::source::FileSource::open(out.to_str().unwrap()).unwrap();
    drop(src);
    // Once saved, q quits at once; a fresh batch of packets would ask again.
    a.quit = false;
    type_keys(&mut a, "q");
    assert!(a.quit);
    a.quit = false;
    a.saved_upto = 0;
    type_keys(&mut a, "qq");
    assert!(a.quit, "q twice quits anyway");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn thousands_are_grouped() {
    assert_eq!(group(12_345), "12,345");
    assert_eq!(group(999), "999");
    assert_eq!(group(1_000_000), "1,000,000");
}
