//! Columns that never lie, and the column keys a Wireshark user expects: cells sized to what
//! the rows on screen hold (or cut with `…`, numbers never), Info keeping half of 80
//! columns, sorting, hiding, resizing, time formats, zoom and pane resize. Whole screens on
//! `TestBackend`, driven by keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sockeye::tui::app::App;

use crate::kit as support;
use crate::ui::{app, app_for, keys, screen};

/// The list's rows as drawn (the lines between the column header and the details pane).
fn list_lines(text: &str) -> Vec<String> {
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

/// Every IPv6 address on screen is whole or visibly cut.
fn assert_no_silent_cut(text: &str) {
    for cut in [
        "2001:db8:1:2::1 ",
        "2001:db8:1:2::10 ",
        "2001:db8:1:2::100 ",
    ] {
        assert!(!text.contains(cut), "an address cut into another:\n{text}");
    }
}

#[test]
fn ipv6_addresses_are_whole_or_marked_cut() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = app("http_ip4and6.pcapng", w, h);
        keys(&mut a, "G");
        let text = screen(&a);
        assert_no_silent_cut(&text);
        insta::assert_snapshot!(format!("list_ipv6_{w}x{h}"), text);
    }
    // At 120 columns both addresses fit whole.
    let mut a = app("http_ip4and6.pcapng", 120, 40);
    keys(&mut a, "G");
    let text = screen(&a);
    assert!(
        text.contains("2001:db8:1:2::1002 2001:db8:1:2::1000"),
        "{text}"
    );
}

#[test]
fn info_keeps_half_of_80_columns() {
    for name in [
        "http_ip4and6.pcapng",
        "tcp_handshake.pcapng",
        "arp_resolution.pcapng",
    ] {
        let a = app(name, 80, 24);
        let text = screen(&a);
        let header = text
            .lines()
            .find(|l| l.contains("No.") && l.contains("Info"))
            .unwrap()
            .trim_matches('"');
        let at = header[..header.find("Info").unwrap()].chars().count();
        assert!(at <= 40, "{name}: Info starts at column {at}:\n{text}");
    }
}

#[test]
fn macs_are_whole() {
    let a = app("arp_resolution.pcapng", 80, 24);
    let text = screen(&a);
    insta::assert_snapshot!("list_arp_macs_80x24", text);
    for line in list_lines(&text) {
        // ARP rows are addressed by MAC: six octets, or a visible cut.
        if let Some(mac) = line
            .split_whitespace()
            .find(|w| w.matches(':').count() >= 3 && !w.contains('.'))
        {
            assert!(
                mac.matches(':').count() == 5 || mac.contains('…'),
                "{mac} in {line}"
            );
        }
    }
}

#[test]
fn conversations_at_80_columns() {
    let a = {
        let mut a = app("http_ip4and6.pcapng", 80, 24);
        keys(&mut a, "3");
        a
    };
    let text = screen(&a);
    assert!(!text.contains("172.16.16. "), "{text}");
    assert_no_silent_cut(&text);
    insta::assert_snapshot!("conversations_80x24", text);
}

#[test]
fn ladder_endpoints_keep_their_ports() {
    let mut a = app("http_ip4and6.pcapng", 80, 24);
    keys(&mut a, "G2");
    let text = screen(&a);
    assert!(text.contains(":35023"), "client port:\n{text}");
    assert!(text.contains(":80"), "server port:\n{text}");
    insta::assert_snapshot!("ladder_ipv6_80x24", text);
}

/// A synthetic capture of `count` packets (many connections), written once per test run.
fn generated(count: u64) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "sockeye-ui-columns-{count}-{}.pcap",
        std::process::id()
    ));
    if !path.exists() {
        let mut w = sockeye::pcapio::CaptureWriter::create(
            path.to_str().unwrap(),
            262_144,
            sockeye::frame::LinkType::ETHERNET,
        )
        .unwrap();
        let mut g = sockeye::gen::TrafficGen::new(7);
        for _ in 0..count {
            w.write_frame(&g.next_frame().as_frame()).unwrap();
        }
        w.flush().unwrap();
    }
    path
}

#[test]
fn large_numbers_are_never_cut() {
    let path = generated(120_000);
    let mut a = app_for(&path, 80, 24);
    keys(&mut a, "G");
    let text = screen(&a);
    assert!(
        text.contains(">120000 "),
        "the last frame number whole:\n{text}"
    );
    assert!(
        text.contains("Packets 120,000/120,000"),
        "counts grouped:\n{text}"
    );
    // Conversations: every stream number whole (the last ones have four digits or more).
    keys(&mut a, "3G");
    let text = screen(&a);
    let store = sockeye::store::lock(&a.store);
    let last = store.conversations().last().unwrap().stream;
    drop(store);
    assert!(last >= 1000, "the capture has {last} streams");
    assert!(
        text.contains(&format!("TCP {last} ")) || text.contains(&format!("UDP {last} ")),
        "stream {last} whole:\n{text}"
    );
    let _ = std::fs::remove_file(&path);
}

fn press(a: &mut App, code: KeyCode) {
    a.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// The packet numbers of the list's rows, top to bottom.
fn numbers(text: &str) -> Vec<u64> {
    list_lines(text)
        .iter()
        .filter_map(|l| {
            l.trim_start_matches(['>', ' '])
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

#[test]
fn sort_by_any_column_both_ways_and_back_to_capture_order() {
    let mut a = app("http_ip4and6.pcapng", 120, 40);
    let original = numbers(&screen(&a));
    assert_eq!(original, (1..=15).collect::<Vec<_>>());
    // Cursor to Len (No. Time Source Destination Proto Len), sort ascending.
    keys(&mut a, ">>>>>s");
    let text = screen(&a);
    insta::assert_snapshot!("sort_by_length_120x40", text);
    let lens: Vec<u64> = list_lines(&text)
        .iter()
        .filter_map(|l| l.split_whitespace().nth(5)?.parse().ok())
        .collect();
    assert!(lens.windows(2).all(|w| w[0] <= w[1]), "{lens:?}");
    keys(&mut a, "s");
    let text = screen(&a);
    let lens: Vec<u64> = list_lines(&text)
        .iter()
        .filter_map(|l| l.split_whitespace().nth(5)?.parse().ok())
        .collect();
    assert!(lens.windows(2).all(|w| w[0] >= w[1]), "{lens:?}");
    assert!(text.contains("Len▼"), "{text}");
    // Source, by address: the IPv4 hosts before the IPv6 ones.
    keys(&mut a, "<<<s");
    let text = screen(&a);
    let rows = list_lines(&text);
    let first_v6 = rows.iter().position(|l| l.contains("2001:")).unwrap();
    assert!(rows[..first_v6].iter().all(|l| l.contains("172.16.")));
    // No. descending, then ascending = capture order again.
    keys(&mut a, "<<s");
    let down = numbers(&screen(&a));
    assert_eq!(down.len(), 15);
    assert!(down.windows(2).all(|w| w[0] == w[1] + 1), "{down:?}");
    keys(&mut a, "s");
    assert_eq!(numbers(&screen(&a)), original);
    assert!(a.order.is_none());
}

#[test]
fn sorted_list_keeps_selection_and_navigation() {
    let mut a = app("http_ip4and6.pcapng", 80, 24);
    keys(&mut a, "jjj");
    assert_eq!(a.selected, 3);
    // Sort by No. descending: the selection stays on packet 4, now further down.
    keys(&mut a, "s");
    assert_eq!(a.selected, 3);
    assert_eq!(a.row_at_or_after(3), 16);
    keys(&mut a, "j");
    assert_eq!(
        a.selected, 2,
        "down in a descending list is the packet before"
    );
    keys(&mut a, "g");
    assert_eq!(a.selected, 19);
}

#[test]
fn hide_show_narrow_and_widen_columns() {
    let mut a = app("tcp_handshake.pcapng", 120, 40);
    // Hide Time and Source.
    keys(&mut a, ">cc");
    let text = screen(&a);
    insta::assert_snapshot!("columns_hidden_120x40", text);
    let header = text.lines().find(|l| l.contains("No.")).unwrap();
    assert!(
        !header.contains("Time") && !header.contains("Source"),
        "{header}"
    );
    // Narrow Destination below its width: cut with … (never silently).
    keys(&mut a, "{{{{");
    let text = screen(&a);
    assert!(text.contains('…'), "{text}");
    assert!(!text.contains("212.58.226.14 "), "{text}");
    // Widen it again past its content, then show every column at its measured width.
    keys(&mut a, "}}}}}}");
    assert!(screen(&a).contains("212.58.226.142"));
    keys(&mut a, "C");
    let header = screen(&a)
        .lines()
        .find(|l| l.contains("No."))
        .unwrap()
        .to_string();
    assert!(
        header.contains("Time") && header.contains("Source"),
        "{header}"
    );
}

#[test]
fn time_formats_by_key_and_by_flag() {
    let mut a = app("http_ip4and6.pcapng", 120, 40);
    let time_of = |a: &App, row: usize| -> String {
        list_lines(&screen(a))[row]
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_string()
    };
    assert_eq!(time_of(&a, 1), "0.000026");
    // t: since the previous displayed packet.
    keys(&mut a, "t");
    assert_eq!(time_of(&a, 2), "0.000195");
    // With a filter that hides packet 2, packet 3's previous displayed packet is 1.
    keys(&mut a, "/frame.number != 2\n");
    assert_eq!(time_of(&a, 1), "0.000221");
    keys(&mut a, "\x1b");
    // Epoch, after the date and time of day formats.
    keys(&mut a, "tttttt");
    let text = screen(&a);
    insta::assert_snapshot!("time_epoch_120x40", text);
    assert!(
        time_of(&a, 0).starts_with("1448215091."),
        "{}",
        time_of(&a, 0)
    );
    // -t as tshark: the same formatter behind the flag.
    let out = support::sockeye(&[
        "-r",
        support::textbook("http_ip4and6.pcapng").to_str().unwrap(),
        "-t",
        "dd",
        "-Y",
        "frame.number != 2",
        "-c",
        "3",
    ]);
    let lines = support::stdout(&out);
    let times: Vec<&str> = lines
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(times, ["0.000000", "0.000221"], "{lines}");
}

#[test]
fn zoom_and_pane_resize() {
    let mut a = app("http_ip4and6.pcapng", 80, 24);
    keys(&mut a, "\tz");
    let text = screen(&a);
    insta::assert_snapshot!("zoom_details_80x24", text);
    assert!(
        !text.contains("Packets 1/20"),
        "only the details pane:\n{text}"
    );
    press(&mut a, KeyCode::Esc);
    assert!(screen(&a).contains("Packets 1/20"), "Esc unzooms");
    // Focus the list and make it taller: more packet rows.
    keys(&mut a, "\x1b");
    let before = list_lines(&screen(&a)).len();
    keys(&mut a, "KK");
    let after = list_lines(&screen(&a)).len();
    assert!(after > before, "{before} → {after}");
    insta::assert_snapshot!("pane_resized_80x24", screen(&a));
}

/// tshark's time column for each `-t` format (tests/data/time_formats_http_ip4and6.tsv).
fn tshark_times() -> Vec<(String, Vec<String>)> {
    std::fs::read_to_string(support::root().join("tests/data/time_formats_http_ip4and6.tsv"))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(f, t)| (f.to_string(), t.split(',').map(str::to_string).collect()))
        .collect()
}

#[test]
fn every_time_format_prints_what_tshark_prints() {
    let capture = support::textbook("http_ip4and6.pcapng");
    for (format, expected) in tshark_times() {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sockeye"))
            .args(["-r", capture.to_str().unwrap(), "-t", &format])
            .args(["-Y", "frame.number != 2"])
            .env("TZ", "UTC")
            .output()
            .unwrap();
        let words = if format.ends_with('d') && format != "d" && format != "dd" {
            2
        } else {
            1
        };
        let got: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.split(' ').take(words).collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(got, expected, "-t {format}");
    }
    // The UI's Time column, format by format as `t` steps through them (the local-time
    // formats depend on the machine's zone and are left to the -t run above).
    let mut a = app("http_ip4and6.pcapng", 120, 40);
    keys(&mut a, "/frame.number != 2\n");
    let expected: std::collections::HashMap<String, Vec<String>> =
        tshark_times().into_iter().collect();
    for format in sockeye::headless::TimeFormat::CYCLE {
        let name = format.tshark_name();
        if a.columns.time != format {
            keys(&mut a, "t");
        }
        assert_eq!(a.columns.time, format);
        if name.starts_with('a') {
            continue;
        }
        let words = if name.ends_with('d') && name != "d" && name != "dd" {
            2
        } else {
            1
        };
        let shown: Vec<String> = list_lines(&screen(&a))
            .iter()
            .map(|l| {
                l.split_whitespace()
                    .skip(1)
                    .take(words)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        assert_eq!(shown[..], expected[name][..shown.len()], "t → {name}");
    }
}
