//! The display filter bar and the UI's safety nets: the bar valid / invalid at 80×24
//! (insta), the filtered list against tshark's frames, and in tmux the forced panic
//! (terminal back in cooked mode on the main screen) and a SIGTERM during a `w` save.

use std::process::Command;
use std::time::Duration;

use sockeye::tui::app::App;

use crate::kit;
use crate::kit::process::signal;
use crate::kit::tmux::Tmux;
use crate::ui::{app, screen};

/// Types `text`, then lets the filter finish scanning (it runs on ticks).
fn keys(app: &mut App, text: &str) {
    crate::ui::keys(app, text);
    for _ in 0..1000 {
        if !app.filter_pending() {
            break;
        }
        app.tick(Duration::ZERO);
    }
}

#[test]
fn bar_valid_80x24() {
    let mut a = app("tcp_retransmissions.pcapng", 80, 24);
    keys(&mut a, "/tcp.analysis.retransmission");
    let s = screen(&a);
    assert!(s.contains("✓ /tcp.analysis.retransmission"), "{s}");
    insta::assert_snapshot!("filter_bar_valid_80x24", s);
}

#[test]
fn bar_invalid_80x24() {
    let mut a = app("tcp_retransmissions.pcapng", 80, 24);
    keys(&mut a, "/ip.src == 10.0.0.");
    let s = screen(&a);
    assert!(s.contains("✗ /ip.src == 10.0.0."), "{s}");
    insta::assert_snapshot!("filter_bar_invalid_80x24", s);
}

#[test]
fn bar_text_fallback_80x24() {
    let mut a = app("http_google.pcapng", 80, 24);
    keys(&mut a, "/google");
    let s = screen(&a);
    assert!(s.contains("not a filter"), "{s}");
}

#[test]
fn filtered_list_80x24_shows_tsharks_frames() {
    let mut a = app("tcp_retransmissions.pcapng", 80, 24);
    keys(&mut a, "/tcp.analysis.retransmission\n");
    let expected = support_frames("tcp_retransmissions.pcapng", "tcp.analysis.retransmission");
    let shown: Vec<usize> = (0..a.row_count())
        .filter_map(|r| a.row_packet(r))
        .map(|p| p + 1)
        .collect();
    assert_eq!(shown, expected);
    insta::assert_snapshot!("filter_applied_80x24", screen(&a));
}

/// Frames tshark -Y selected, from tests/data/filters_analysis.tsv.
fn support_frames(capture: &str, expr: &str) -> Vec<usize> {
    let tsv = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/filters_analysis.tsv"),
    )
    .unwrap();
    let line = tsv
        .lines()
        .find(|l| l.split('\t').take(2).eq([capture, expr]))
        .expect("row in filters_analysis.tsv");
    line.split('\t')
        .nth(2)
        .unwrap_or("")
        .split(',')
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// The UI half of [`forced_panic_gives_the_terminal_back`], which runs it in a tmux pane:
/// the real terminal setup (panic hook included) and the real run loop, with an effect
/// handler that panics when the interface picker opens an interface — a panic deep inside
/// the running UI, without any test hook in the shipped binary.
#[test]
#[ignore = "run in a terminal by forced_panic_gives_the_terminal_back"]
fn panicking_ui() {
    let path = kit::textbook("tcp_handshake.pcapng");
    let job = sockeye::store::spawn_file_indexer(path.to_str().unwrap()).unwrap();
    let mut app = App::new(
        std::sync::Arc::clone(&job.store),
        sockeye::tui::app::AppOptions {
            title: "panic".into(),
            interfaces: vec!["panic0".into()],
            ..Default::default()
        },
    );
    let mut explode = |_: &mut App, effect: sockeye::tui::app::Effect| {
        panic!("forced panic inside the UI on {effect:?}")
    };
    let _ = sockeye::tui::with_terminal(|terminal, input, stop| {
        sockeye::tui::run_loop(terminal, &mut app, input, stop, Some(&mut explode))
    });
}

#[test]
fn forced_panic_gives_the_terminal_back() {
    let Some(tmux) = Tmux::start("panic", 100, 30, &[]) else {
        return;
    };
    let exe = std::env::current_exe().expect("test binary path");
    tmux.send(&[
        &format!(
            "{} --exact ui_filter::panicking_ui --ignored --nocapture --test-threads=1; echo EXITED=$?",
            exe.display()
        ),
        "Enter",
    ]);
    assert!(
        tmux.wait(20, |t| t.contains("2826 → 80 [SYN]")).is_some(),
        "the UI did not open"
    );
    // `i` opens the interface picker, Enter asks the loop to open "panic0".
    tmux.send(&["i"]);
    tmux.send(&["Enter"]);
    let after = tmux.wait(10, |t| t.contains("EXITED=101"));
    let after = after.expect("the UI did not exit with a panic");
    assert!(after.contains("forced panic inside the UI"), "{after}");
    assert!(
        !after.contains("Packets"),
        "alternate screen still shown:\n{after}"
    );
    tmux.send(&[
        "clear; stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)'",
        "Enter",
    ]);
    let stty = tmux
        .wait(10, |t| {
            t.lines()
                .any(|l| l.trim() == "icanon" || l.trim() == "-icanon")
        })
        .expect("stty output");
    let lines: Vec<&str> = stty.lines().map(str::trim).collect();
    assert!(lines.contains(&"icanon"), "not in cooked mode:\n{stty}");
    assert!(lines.contains(&"echo"), "echo is off:\n{stty}");
}

#[test]
fn sigterm_during_a_save_leaves_a_complete_file() {
    let Some(tmux) = Tmux::start("save", 100, 30, &[]) else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_sockeye");
    let dir = kit::Scratch::new("uisave");
    let out = dir.join("saved.pcapng");
    let capture = kit::textbook("http_google.pcapng");
    tmux.send(&[
        &format!("{bin} -r {} --ui; echo EXITED=$?", capture.display()),
        "Enter",
    ]);
    // Indexed to the end first (a save made while indexing saves what is indexed so far).
    let opened = tmux.wait(20, |t| t.contains("12 packets"));
    let pid = tmux.foreground_pid();
    assert!(opened.is_some() && pid.is_some(), "the UI did not open");
    tmux.send(&["w"]);
    tmux.send(&["-l", &out.display().to_string()]);
    tmux.send(&["Enter"]);
    // The signal races the save: either way the file must be whole once sockeye exits.
    let pid = pid.expect("sockeye runs in the pane");
    signal(pid, libc::SIGTERM).expect("SIGTERM sockeye");
    let gone = tmux.wait_exited(10);
    assert!(gone.is_some(), "sockeye did not exit on SIGTERM");
    if out.exists() {
        let text = Command::new(bin)
            .args([
                "-r",
                out.to_str().unwrap(),
                "-T",
                "fields",
                "-e",
                "frame.number",
            ])
            .output()
            .unwrap();
        assert!(text.status.success(), "{text:?}");
        assert_eq!(String::from_utf8_lossy(&text.stdout).lines().count(), 12);
    }
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert!(leftovers <= 1, "a temporary file was left behind");
}
