//! Keys that do what the screen says: Esc backs out and never quits, `x` ends a replay,
//! `e` explains in the ladder too, views count what the list shows, prompts edit like
//! readline, errors say things once and in words. Whole screens on `TestBackend` at 80×24
//! and 120×40, driven by keys; `make` targets checked for a shared CARGO_TARGET_DIR.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sockeye::tui::app::{App, View};

use crate::kit as support;
use crate::ui::{app, keys, screen};

fn ctrl(a: &mut App, c: char) {
    a.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn footer(text: &str) -> String {
    text.lines().last().unwrap_or("").to_string()
}

#[test]
fn esc_never_quits_a_file_session() {
    for (w, h) in [(80, 24), (120, 40)] {
        // After dismissing a go-to error.
        let mut a = app("tcp_handshake.pcapng", w, h);
        keys(&mut a, ":99\n\x1b\x1b\x1b");
        assert!(!a.quit, "Esc after a go-to error quit");
        insta::assert_snapshot!(format!("esc_says_q_quits_{w}x{h}"), screen(&a));
        // From a paused replay.
        let mut a = app("tcp_handshake.pcapng", w, h);
        keys(&mut a, " . \x1b\x1b");
        assert!(!a.quit, "Esc from a paused replay quit");
        // The second Esc after clearing a filter.
        let mut a = app("tcp_handshake.pcapng", w, h);
        keys(&mut a, "/tcp.flags.syn == 1\n\x1b\x1b");
        assert!(a.filter.is_none(), "the first Esc clears the filter");
        assert!(!a.quit, "the second Esc quit");
        // q quits (a replay has nothing unsaved to ask about).
        keys(&mut a, "q");
        assert!(a.quit);
    }
}

#[test]
fn x_stops_a_replay_and_brings_the_whole_capture_back() {
    let mut a = app("http_ip4and6.pcapng", 80, 24);
    keys(&mut a, " ...");
    a.tick(Duration::ZERO);
    assert_eq!(a.visible, 4, "the first packet and three steps");
    keys(&mut a, "x");
    a.tick(Duration::ZERO);
    assert_eq!(a.visible, 20, "every packet back");
    let text = screen(&a);
    assert!(text.contains("Packets 4/20"), "selection kept:\n{text}");
    assert!(!text.contains("replay ⏸"), "{text}");
    insta::assert_snapshot!("replay_stopped_80x24", text);
}

#[test]
fn e_explains_in_the_ladder() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = app("tcp_handshake.pcapng", w, h);
        keys(&mut a, "j2e");
        let text = screen(&a);
        assert!(text.contains("Explain — packet 2"), "{text}");
        assert!(text.contains("SYN"), "{text}");
        insta::assert_snapshot!(format!("ladder_explain_{w}x{h}"), text);
        keys(&mut a, "e");
        assert!(!screen(&a).contains("Explain — packet"));
    }
}

#[test]
fn every_view_counts_what_the_list_shows() {
    // A filter: conversations, statistics and the ladder count its packets only.
    let mut a = app("http_ip4and6.pcapng", 120, 40);
    keys(&mut a, "/tcp.stream == 1 && tcp.len > 0\n");
    keys(&mut a, "3");
    let text = screen(&a);
    assert!(
        text.contains("Conversations (1 of 2, filter: tcp.stream == 1 && tcp.len > 0)"),
        "{text}"
    );
    insta::assert_snapshot!("conversations_filtered_120x40", text);
    keys(&mut a, "1g2");
    let text = screen(&a);
    assert!(text.contains("2 segments (filter:"), "{text}");
    keys(&mut a, "5");
    assert!(screen(&a).contains("2 packets") || screen(&a).contains(" 2 "));
    // A replay: conversations as far as the replay has come.
    let mut a = app("http_ip4and6.pcapng", 80, 24);
    keys(&mut a, " ...3");
    a.tick(Duration::ZERO);
    let text = screen(&a);
    assert!(text.contains("(1 of 2, replay: 4 of 20 packets)"), "{text}");
    insta::assert_snapshot!("conversations_replay_80x24", text);
}

#[test]
fn prompts_edit_like_readline() {
    let mut a = app("tcp_handshake.pcapng", 80, 24);
    keys(&mut a, "/tcp.port == 80 and ip");
    ctrl(&mut a, 'w');
    assert_eq!(a.prompt.as_ref().unwrap().text, "tcp.port == 80 and ");
    ctrl(&mut a, 'u');
    assert_eq!(a.prompt.as_ref().unwrap().text, "", "C-u clears the line");
    keys(&mut a, "syn");
    assert_eq!(a.prompt.as_ref().unwrap().text, "syn");
}

#[test]
fn errors_say_it_once_in_words() {
    let mut a = app("tcp_handshake.pcapng", 80, 24);
    keys(&mut a, ":999\n");
    let text = screen(&a);
    assert!(
        footer(&text).contains("no packet 999: the packets are numbered 1 to 3"),
        "{text}"
    );
    assert!(!text.contains("..="), "{text}");
    keys(&mut a, "w/nonexistent-dir/x.pcapng\n");
    let text = screen(&a);
    let line = footer(&text);
    assert!(
        line.contains("save failed: cannot create /nonexistent-dir/x.pcapng: No such file"),
        "{text}"
    );
    assert_eq!(line.matches("No such file").count(), 1, "{line}");
    assert!(!line.contains("sockeye-"), "no temporary name: {line}");
    // The CLI says the cause once too.
    let out = support::sockeye(&[
        "-r",
        support::textbook("tcp_handshake.pcapng").to_str().unwrap(),
        "-w",
        "/nonexistent-dir/x.pcapng",
    ]);
    let err = support::stderr(&out);
    assert_eq!(err.matches("No such file").count(), 1, "{err}");
}

#[test]
fn help_closes_on_any_key_and_footer_follows_the_view() {
    let mut a = app("tcp_handshake.pcapng", 80, 24);
    keys(&mut a, "?y");
    assert!(!a.help, "a letter without a binding closes the help");
    assert!(!a.quit);
    let mut footers = Vec::new();
    for k in ["1", "2", "3", "5", "6", "7"] {
        keys(&mut a, k);
        footers.push(footer(&screen(&a)));
    }
    footers.dedup();
    assert_eq!(footers.len(), 6, "one footer per view: {footers:#?}");
    // Views 6 and 7 are tabs of the title bar.
    keys(&mut a, "6");
    assert!(screen(&a).contains("[6 Encapsulation]"));
    keys(&mut a, "7");
    assert_eq!(a.view, View::Diagram);
    assert!(screen(&a).contains("[7 Header diagrams]"));
}

#[test]
fn collapsing_a_layer_never_scrolls_into_blank_space() {
    let mut a = app("http_ip4and6.pcapng", 80, 24);
    // Into the details, expand every layer, go to the last row (scrolled), collapse.
    keys(&mut a, "jjj\t");
    for _ in 0..6 {
        keys(&mut a, "ljjjjjjjjjjjjjjjjjjjjjjjjjjjjjj");
    }
    keys(&mut a, "G");
    assert!(a.detail_top > 0, "the tree is scrolled");
    keys(&mut a, "h");
    let text = screen(&a);
    insta::assert_snapshot!("details_collapsed_80x24", text);
    let details: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("Details ─"))
        .skip(1)
        .take_while(|l| !l.contains("Bytes ─"))
        .collect();
    assert!(
        details
            .iter()
            .all(|l| !l.trim_matches('"').trim().is_empty()),
        "blank rows in the details pane:\n{text}"
    );
}

#[test]
fn make_targets_honour_cargo_target_dir() {
    let dir = std::env::temp_dir().join("sockeye-shared-target");
    let out = std::process::Command::new("make")
        .args(["-s", "sockeye-bin"])
        .current_dir(support::root())
        .env("CARGO_TARGET_DIR", &dir)
        .output();
    let Ok(out) = out else {
        eprintln!("SKIPPED: make is not installed");
        return;
    };
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        dir.join("release/sockeye").to_string_lossy()
    );
    let plan = std::process::Command::new("make")
        .args(["-n", "demo", "captures"])
        .current_dir(support::root())
        .env("CARGO_TARGET_DIR", &dir)
        .output()
        .unwrap();
    let plan = String::from_utf8_lossy(&plan.stdout);
    assert!(
        !plan.contains("./target/"),
        "a hard-coded target path:\n{plan}"
    );
    assert!(plan.contains("run --release"), "{plan}");
}

#[test]
fn header_diagrams_hold_field_values_and_distinct_labels() {
    let out = support::sockeye(&[
        "-r",
        support::textbook("tcp_handshake.pcapng").to_str().unwrap(),
        "--export",
        "diagram",
        "--packet",
        "1",
    ]);
    let text = support::stdout(&out);
    // IHL and the data offset hold their 4-bit values; the bytes they mean are beside.
    assert!(text.contains("|Version|  IHL  |"), "{text}");
    assert!(text.contains("|   4   |   5   |"), "{text}");
    assert!(
        text.contains("IHL = Header Length: 5 × 4 = 20 bytes"),
        "{text}"
    );
    assert!(text.contains("|   8   |  0  |"), "data offset 8:\n{text}");
    assert!(
        text.contains("Offset = Header Length: 8 × 4 = 32 bytes"),
        "{text}"
    );
    // One letter per flag, none twice (AE is tcpdump's `e`, not a second `A`).
    let flags = text
        .lines()
        .find(|l| l.starts_with("|Offset |"))
        .expect("the TCP flags row");
    let letters: Vec<&str> = flags.split('|').filter(|c| c.len() == 1).collect();
    let mut unique = letters.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(letters.len(), unique.len(), "{flags}");
    assert!(
        !text.contains("Differentia|"),
        "a label cut silently:\n{text}"
    );
    assert!(text.contains("DSCP") && text.contains("ECN"), "{text}");
    // The UI draws the same grid at 80×24 and 120×40.
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = app("tcp_handshake.pcapng", w, h);
        // Down the fields to IHL (the cursor marks it `>…<`).
        keys(&mut a, "7jjjjj");
        let screen = screen(&a);
        assert!(screen.contains("|> IHL <|"), "{screen}");
        insta::assert_snapshot!(format!("diagram_ihl_{w}x{h}"), screen);
    }
}

#[test]
fn encapsulation_boxes_keep_their_borders() {
    for w in [80u16, 100, 120] {
        let mut a = app("tcp_handshake.pcapng", w, 30);
        keys(&mut a, "6");
        let text = screen(&a);
        let boxes: Vec<&str> = text
            .lines()
            .map(|l| l.trim_matches('"').trim_end())
            .filter(|l| l.starts_with('│') || l.starts_with('┌') || l.starts_with('└'))
            .collect();
        assert!(boxes.len() >= 8, "{text}");
        for line in boxes {
            // As many borders close on the right as are open on the left.
            let left = line
                .chars()
                .take_while(|c| "│ ┌└".contains(*c))
                .filter(|c| *c != ' ')
                .count();
            let right = line
                .chars()
                .rev()
                .take_while(|c| "│ ┐┘".contains(*c))
                .filter(|c| *c != ' ')
                .count();
            assert_eq!(left, right, "at {w} columns: {line}");
        }
    }
}

#[test]
fn fields_that_stand_for_two_print_every_occurrence_as_tshark() {
    let out = support::sockeye(&[
        "-r",
        support::textbook("http_ip4and6.pcapng").to_str().unwrap(),
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "ip.addr",
        "-e",
        "tcp.port",
        "-e",
        "ipv6.addr",
        "-e",
        "eth.addr",
    ]);
    let expected =
        std::fs::read_to_string(support::root().join("tests/data/virtual_fields_http_ip4and6.tsv"))
            .unwrap();
    assert_eq!(support::stdout(&out), expected, "{}", support::stderr(&out));
    // A name that is no typo of a field gets no suggestion.
    let out = support::sockeye(&[
        "-r",
        support::textbook("http_ip4and6.pcapng").to_str().unwrap(),
        "-Y",
        "http",
    ]);
    assert!(
        !support::stderr(&out).contains("did you mean"),
        "{}",
        support::stderr(&out)
    );
}

#[test]
fn the_demo_says_which_scenario_runs_and_what_to_watch_for() {
    let probe = std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--net", "true"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED: no user+network namespace for the demo");
        return;
    }
    let Some(tmux) = crate::kit::tmux::Tmux::start("demo-note", 120, 30, &[]) else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_sockeye");
    tmux.send(&[&format!("{bin} demo --rounds 1; echo EXITED=$?"), "Enter"]);
    let shown = tmux.wait(20, |t| t.contains("▶ ") && t.contains(": watch for "));
    let pid = tmux.foreground_pid();
    // q asks about the unsaved live packets; q again quits anyway.
    tmux.send(&["q"]);
    let _ = tmux.wait(5, |t| t.contains("unsaved packet"));
    tmux.send(&["q"]);
    let back = tmux.wait_exited(10);
    if back.is_none() {
        if let Some(pid) = pid {
            // SAFETY: a signal to the sockeye process this test started.
            let _ = crate::kit::process::signal(pid, libc::SIGKILL);
        }
    }
    let shown = shown.expect("the footer did not name a scenario");
    assert!(
        ["handshake", "echo", "bulk", "udp"]
            .iter()
            .any(|s| shown.contains(&format!("▶ {s}"))),
        "{shown}"
    );
    assert!(back.is_some(), "the demo did not quit on q");
}
