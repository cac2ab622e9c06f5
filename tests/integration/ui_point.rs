//! Filters written from the screen (Apply/Prepare as Filter, conversation and byte-range
//! filters), their history and completion in the bar, driven by keys on the real app.

use std::time::Duration;

use sockeye::decode::FieldList;
use sockeye::filter::build::{bytes_expr, field_expr};
use sockeye::filter::Filter;
use sockeye::store::spawn_file_indexer;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sockeye::tui::app::App;

use crate::kit;
use crate::ui::{app, screen};

/// Presses `text`'s keys, then lets a filter finish scanning (it runs on ticks).
fn keys(app: &mut App, text: &str) {
    crate::ui::keys(app, text);
    settle(app);
}

fn settle(app: &mut App) {
    for _ in 0..1000 {
        if !app.filter_pending() {
            break;
        }
        app.tick(Duration::ZERO);
    }
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    settle(app);
}

/// Moves the details cursor (by key presses) to the first line containing `text`.
fn details_to(app: &mut App, text: &str) {
    let at = app
        .selected_tree()
        .iter()
        .position(|r| r.text.contains(text))
        .unwrap_or_else(|| panic!("no details line {text:?}"));
    while app.detail_cursor < at {
        keys(app, "j");
    }
    assert!(app.selected_tree()[app.detail_cursor].text.contains(text));
}

fn ctrl_u(app: &mut App) {
    app.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
}

fn bar(app: &App) -> String {
    app.prompt
        .as_ref()
        .map(|p| p.text.clone())
        .unwrap_or_default()
}

/// The packets (1-based) the list shows.
fn shown(app: &App) -> Vec<usize> {
    (0..app.row_count())
        .filter_map(|r| app.row_packet(r))
        .map(|p| p + 1)
        .collect()
}

/// Every field of every packet of every textbook capture: the expression Apply as Filter
/// writes for it parses, and selects the packet it came from.
#[test]
fn every_field_expression_parses_and_selects_its_packet() {
    let mut checked = 0usize;
    let mut failures = Vec::new();
    for path in kit::textbook_paths() {
        let store = spawn_file_indexer(path.to_str().unwrap()).unwrap().wait();
        let store = sockeye::store::lock(&store);
        for i in 0..store.len() {
            let d = store.dissect(i).unwrap();
            let mut scratch = String::new();
            let mut fields = FieldList::new();
            d.emit_fields(&mut scratch, &mut fields);
            let mut seen = std::collections::HashSet::new();
            for field in fields.iter() {
                let text = field_expr(field);
                if !seen.insert(text.clone()) {
                    continue;
                }
                checked += 1;
                match Filter::parse(&text) {
                    Ok(f) if f.matches(&d) => {}
                    Ok(_) => failures.push(format!(
                        "{} frame {}: {text} does not select it",
                        kit::stem(&path),
                        i + 1
                    )),
                    Err(e) => failures.push(format!(
                        "{} frame {}: {text} does not parse: {e}",
                        kit::stem(&path),
                        i + 1
                    )),
                }
            }
            // A byte range of the frame selects its packet too.
            let data = d.packet.data;
            for (start, len) in [(0, data.len().min(6)), (data.len().saturating_sub(2), 2)] {
                if let Some(text) = bytes_expr(data, start, len) {
                    checked += 1;
                    let f = Filter::parse(&text).unwrap();
                    if !f.matches(&d) {
                        failures.push(format!("{}: {text}", kit::stem(&path)));
                    }
                }
            }
        }
    }
    eprintln!("{checked} generated expressions checked");
    assert!(checked > 10_000, "only {checked} expressions checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} expressions fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn prepare_and_apply_a_field_from_the_details() {
    let mut a = app("http_google.pcapng", 100, 30);
    keys(&mut a, "\t");
    a.collapsed.clear();
    details_to(&mut a, "Source Address:");
    keys(&mut a, "P");
    assert_eq!(bar(&a), "ip.src == 172.16.16.128");
    insta::assert_snapshot!("point_prepare_ip_src_100x30", screen(&a));
    // Editing the prepared text before Enter, as Wireshark's Prepare is for.
    keys(&mut a, " && tcp\n");
    assert_eq!(
        a.filter.as_ref().unwrap().text,
        "ip.src == 172.16.16.128 && tcp"
    );
    let want = "ip.src == 172.16.16.128 && tcp".parse::<Filter>().unwrap();
    let store = sockeye::store::lock(&a.store);
    let expected: Vec<usize> = (0..store.len())
        .filter(|&i| want.matches(&store.dissect(i).unwrap()))
        .map(|i| i + 1)
        .collect();
    drop(store);
    assert!(expected.len() > 3 && expected.len() < a.visible);
    assert_eq!(shown(&a), expected);
}

#[test]
fn apply_and_the_and_or_not_variants() {
    let mut a = app("tcp_handshake.pcapng", 100, 30);
    keys(&mut a, "/tcp\n\t");
    details_to(&mut a, "Destination Port:");
    keys(&mut a, "&");
    assert_eq!(bar(&a), "(tcp) && (tcp.dstport == 80)");
    press(&mut a, KeyCode::Esc);
    keys(&mut a, "|");
    assert_eq!(bar(&a), "(tcp) || (tcp.dstport == 80)");
    press(&mut a, KeyCode::Esc);
    keys(&mut a, "!");
    assert_eq!(bar(&a), "(tcp) && !(tcp.dstport == 80)");
    press(&mut a, KeyCode::Enter);
    assert_eq!(shown(&a), vec![2]);
    // Apply at once: the field alone replaces the filter (Esc: to the list, then the
    // filter cleared; g: the first packet).
    keys(&mut a, "\x1b\x1bg\t");
    details_to(&mut a, "Destination Port:");
    keys(&mut a, "a");
    assert_eq!(a.filter.as_ref().unwrap().text, "tcp.dstport == 80");
    assert_eq!(shown(&a), vec![1, 3]);
}

#[test]
fn conversation_ladder_and_byte_range_filters() {
    let mut a = app("dns_tcp.pcapng", 100, 30);
    keys(&mut a, "3");
    keys(&mut a, "P");
    assert!(bar(&a).starts_with("tcp.stream == ") || bar(&a).starts_with("udp.stream == "));
    press(&mut a, KeyCode::Esc);
    keys(&mut a, "a");
    let text = a.filter.as_ref().unwrap().text.clone();
    assert!(text.ends_with(".stream == 0"), "{text}");
    assert!(!shown(&a).is_empty());
    // The ladder of the selected packet's stream.
    keys(&mut a, "\x1b2P");
    assert_eq!(bar(&a), text);
    press(&mut a, KeyCode::Esc);
    // Bytes: the selected field's bytes in the hex pane.
    let mut a = app("tcp_handshake.pcapng", 100, 30);
    keys(&mut a, "\t");
    details_to(&mut a, "Source Port:");
    keys(&mut a, "\t");
    keys(&mut a, "P");
    let store = sockeye::store::lock(&a.store);
    let data = store.frame(0).unwrap().data.to_vec();
    drop(store);
    let want = format!("frame[34:2] == {:02x}:{:02x}", data[34], data[35]);
    assert_eq!(bar(&a), want);
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.filter.as_ref().unwrap().text, want);
    assert!(shown(&a).contains(&1));
}

#[test]
fn filter_history_and_tab_completion() {
    let mut a = app("tcp_handshake.pcapng", 100, 30);
    // The bar opens on the filter in force: C-u clears it before typing the next.
    keys(&mut a, "/tcp\n/");
    ctrl_u(&mut a);
    keys(&mut a, "ip\n/");
    assert_eq!(bar(&a), "ip");
    ctrl_u(&mut a);
    assert_eq!(bar(&a), "");
    press(&mut a, KeyCode::Up);
    assert_eq!(bar(&a), "ip");
    press(&mut a, KeyCode::Up);
    assert_eq!(bar(&a), "tcp");
    press(&mut a, KeyCode::Down);
    assert_eq!(bar(&a), "ip");
    press(&mut a, KeyCode::Down);
    assert_eq!(bar(&a), "");
    // Field names, one level at a time, then values seen.
    keys(&mut a, "tcp.fl\t");
    assert_eq!(bar(&a), "tcp.flags");
    keys(&mut a, ".s\t");
    assert_eq!(bar(&a), "tcp.flags.s");
    assert!(a.analyst.completions.contains(&"tcp.flags.syn".to_string()));
    insta::assert_snapshot!("point_completion_100x30", screen(&a));
    ctrl_u(&mut a);
    keys(&mut a, "ip.src == \t");
    let values = a.analyst.completions.clone();
    assert_eq!(bar(&a), "ip.src == ");
    assert!(values.len() >= 2, "{values:?}");
    let first = values[0].clone();
    keys(&mut a, &first[..first.len() - 1]);
    keys(&mut a, "\t");
    assert_eq!(bar(&a), format!("ip.src == {first} "));
    press(&mut a, KeyCode::Enter);
    assert!(!shown(&a).is_empty());
}
