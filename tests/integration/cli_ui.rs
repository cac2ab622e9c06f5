//! The command line's filters reach the terminal UI, in a real terminal: `-Y` opens it with
//! the filter applied (footer, and the bar when `/` opens it), `-f` loads only what it
//! accepts (the title's packet count).

use crate::kit;
use crate::kit::tmux::Tmux;

#[test]
fn display_and_capture_filters_from_the_command_line_reach_the_ui() {
    let Some(tmux) = Tmux::start("cliui", 120, 40, &[]) else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_sockeye");
    let capture = kit::textbook("http_ip4and6.pcapng");
    tmux.send(&[
        &format!(
            "{bin} -r {} -f ipv6 -Y 'tcp.analysis.acks_frame' --ui; echo EXITED=$?",
            capture.display()
        ),
        "Enter",
    ]);
    // The footer names the filter at once; the counts are final once indexing is done.
    let up = tmux.wait(20, |t| {
        t.contains("filter tcp.analysis.acks_frame") && !t.contains("indexing")
    });
    let up = up.expect("the UI did not open with the -Y filter");
    // tshark -Y ipv6 selects 10 frames of this capture (tests/data/filters.tsv).
    let ipv6 = std::fs::read_to_string(kit::root().join("tests/data/filters.tsv"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("http_ip4and6.pcapng\tipv6\t"))
        .map(|l| l.rsplit('\t').next().unwrap_or("").split(',').count())
        .unwrap();
    assert!(up.contains(&format!("{ipv6} packets")), "{up}");
    tmux.send(&["/"]);
    let bar = tmux.wait(10, |t| t.contains("/tcp.analysis.acks_frame█"));
    assert!(bar.is_some(), "the bar did not open on the applied filter");
    tmux.send(&["Escape"]);
    // A key sent right after Escape can be read as Alt+key: wait for the bar to close.
    let closed = tmux.wait(10, |t| !t.contains("acks_frame█"));
    assert!(closed.is_some(), "Esc did not close the bar");
    tmux.send(&["q"]);
    let back = tmux.wait_exited(10);
    assert!(back.is_some(), "sockeye did not quit");
}
