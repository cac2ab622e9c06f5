//! The `?` overlay scrolls: every key of the keymap and every note (wrapped, not cut, on a
//! narrow terminal) stays reachable on any terminal (80×24 is exactly full with the keys
//! alone), a "more" mark on the bottom border says which way the rest is, the moving keys
//! scroll and any other key closes it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sockeye::tui::app::help::NOTES;
use sockeye::tui::app::keymap::KEYMAP;
use sockeye::tui::app::App;

use crate::ui::{app, keys, screen};

fn press(a: &mut App, code: KeyCode) {
    a.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// What the overlay shows on every page, PgDn after PgDn until it stops moving.
fn every_page(a: &mut App) -> String {
    let mut seen = screen(a);
    let mut last = String::new();
    for _ in 0..20 {
        press(a, KeyCode::PageDown);
        let now = screen(a);
        if now == last {
            break;
        }
        seen.push_str(&now);
        last = now;
    }
    seen
}

/// Every binding's help text (its start: a narrow column may cut the end) and every note.
fn assert_all_reachable(seen: &str) {
    for b in KEYMAP {
        let start: String = b.help.chars().take(12).collect();
        assert!(seen.contains(&start), "{:?} never shown:\n{seen}", b.help);
    }
    for note in NOTES {
        // Its start and its end: a narrow overlay wraps it rather than cutting it.
        let start: String = note.chars().take(30).collect();
        let end = note.split_whitespace().last().unwrap_or_default();
        assert!(
            seen.contains(&start) && seen.contains(end),
            "{note:?} never shown whole:\n{seen}"
        );
    }
}

#[test]
fn at_80x24_the_notes_are_one_scroll_away_and_other_keys_close() {
    let mut a = app("tcp_handshake.pcapng", 80, 24);
    keys(&mut a, "?");
    assert!(screen(&a).contains(" more ↓ "), "{}", screen(&a));
    // G (End) scrolls to the end rather than closing the overlay.
    keys(&mut a, "G");
    let text = screen(&a);
    insta::assert_snapshot!("help_end_80x24", text);
    assert!(a.help, "G scrolls");
    assert!(
        text.contains(" more ↑ ") && !text.contains(" more ↓ "),
        "{text}"
    );
    assert!(text.contains("In expert info (8)"), "{text}");
    // k goes back one line; a key that does not move closes, q still quits.
    keys(&mut a, "k");
    assert!(screen(&a).contains(" more ↑↓ "), "{}", screen(&a));
    keys(&mut a, "y");
    assert!(!a.help && !a.quit);
    keys(&mut a, "?");
    assert!(screen(&a).contains("quit"));
    keys(&mut a, "q");
    assert!(a.quit);
}

#[test]
fn a_small_terminal_pages_through_every_key() {
    let mut a = app("tcp_handshake.pcapng", 44, 14);
    keys(&mut a, "?");
    insta::assert_snapshot!("help_44x14", screen(&a));
    let seen = every_page(&mut a);
    assert!(a.help, "PgDn scrolls");
    assert_all_reachable(&seen);
    // PgUp all the way back: the first page again.
    for _ in 0..20 {
        press(&mut a, KeyCode::PageUp);
    }
    assert!(screen(&a).contains("q C-c"), "{}", screen(&a));
    assert!(screen(&a).contains(" more ↓ "), "{}", screen(&a));
}

#[test]
fn a_large_terminal_shows_everything_without_a_mark() {
    let mut a = app("tcp_handshake.pcapng", 120, 40);
    keys(&mut a, "?");
    let text = screen(&a);
    assert!(!text.contains(" more "), "{text}");
    assert_all_reachable(&text);
    // Nothing to scroll: j leaves it where it is, open.
    keys(&mut a, "j");
    assert_eq!(screen(&a), text);
}

#[test]
fn the_wheel_scrolls_the_help_and_a_click_closes_it_touching_nothing_beneath() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mouse = |kind, row| MouseEvent {
        kind,
        column: 10,
        row,
        modifiers: KeyModifiers::NONE,
    };
    let mut a = app("tcp_handshake.pcapng", 80, 24);
    keys(&mut a, "?");
    let first = screen(&a);
    a.handle_mouse(mouse(MouseEventKind::ScrollDown, 5));
    assert!(a.help);
    assert_ne!(screen(&a), first, "the wheel scrolled the help");
    assert!(screen(&a).contains(" more ↑↓ "), "{}", screen(&a));
    // A click on the third packet's row, under the help: closes the help only.
    a.handle_mouse(mouse(MouseEventKind::Down(MouseButton::Left), 5));
    assert!(!a.help);
    assert_eq!(a.selected, 0, "the click went to the help, not the list");
}
