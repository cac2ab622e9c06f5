//! `sockeye run` in a real terminal (tmux): a traced Python client and server, the live UI
//! on their namespace's loopback, the ladder of their connection with the traced calls on
//! each side, and `q` ending everything. Skips (printed) without tmux or namespaces.

use crate::kit;
use crate::kit::tmux::Tmux;

#[test]
fn run_ui_shows_the_ladder_of_a_traced_program() {
    if std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--net", "true"])
        .status()
        .map_or(true, |s| !s.success())
    {
        println!("SKIPPED: no user+network namespace here");
        return;
    }
    let Some(tmux) = Tmux::start("run", 160, 45, &["NO_COLOR=1"]) else {
        println!("SKIPPED: tmux is not installed");
        return;
    };
    let bin = env!("CARGO_BIN_EXE_sockeye");
    let ex = kit::root().join("examples/python");
    let script = format!(
        "python3 {ex}/tcp_echo_server.py 7020 & i=0; until grep -qi \":1B6C \" /proc/net/tcp || [ $i -ge 250 ]; do sleep 0.02; i=$((i+1)); done; python3 {ex}/tcp_echo_client.py 7020; wait",
        ex = ex.display()
    );
    tmux.send(&[
        "-l",
        &format!("{bin} run -- sh -c '{script}'; echo EXITED=$?"),
    ]);
    tmux.send(&["Enter"]);
    let list = tmux.wait(30, |t| t.contains("[FIN, ACK]") && t.contains("7020"));
    // The first packet (the SYN), then the ladder view.
    tmux.send(&["g"]);
    tmux.send(&["2"]);
    let ladder = tmux.wait(10, |t| {
        t.contains("connect()") && t.contains("accept() returned")
    });
    // Live packets are unsaved: the UI asks, and a second q quits anyway.
    tmux.send(&["q"]);
    let _ = tmux.wait(5, |t| t.contains("quit anyway"));
    tmux.send(&["q"]);
    let back = tmux.wait_exited(15);
    assert!(list.is_some(), "the packets never appeared");
    let ladder = ladder.expect("the ladder did not show the traced calls");
    assert!(
        ladder.contains("python3["),
        "calls name their process:\n{ladder}"
    );
    assert!(
        ladder.contains("send()") && ladder.contains("\"hello, sockeye\\n\""),
        "send() with its data:\n{ladder}"
    );
    // connect() is drawn above the SYN, accept()'s return below the final ACK.
    let row = |needle: &str| {
        ladder
            .lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not in\n{ladder}"))
    };
    assert!(row("connect()") < row("[SYN]"), "{ladder}");
    assert!(row("accept() returned") > row("[SYN, ACK]"), "{ladder}");
    let back = back.expect("sockeye did not exit on q");
    // The program's output went to a log file while the UI had the terminal; remove it.
    if let Some(log) = back
        .lines()
        .find_map(|l| l.split("the program's output is in ").nth(1))
    {
        let _ = std::fs::remove_file(log.trim());
    }
    assert!(back.contains("exited with status 0"), "{back}");
    assert!(back.contains("EXITED=0"), "{back}");
}
