//! `sockeye demo --headless`: every scenario traced in a private network namespace.

use crate::kit::{sockeye, stderr, stdout};

#[test]
fn headless_demo_runs_every_scenario_in_a_private_namespace() {
    let out = sockeye(&["demo", "--headless", "--rounds", "1", "--pause-ms", "0"]);
    let err = stderr(&out);
    if out.status.code() == Some(2) && err.contains("could not create one") {
        eprintln!("SKIPPED demo test: no private network namespace here: {err}");
        return;
    }
    assert!(out.status.success(), "{err}");
    let text = stdout(&out);
    for scenario in [
        "handshake",
        "echo",
        "bulk",
        "half-close",
        "reset",
        "refused",
        "udp",
        "udp-vs-tcp",
    ] {
        assert!(
            text.contains(&format!("=== round 1: {scenario} ===")),
            "{scenario} missing"
        );
    }
    assert!(text.contains("client connect()"), "socket calls are shown");
    assert!(
        text.contains("Flags [S]") && text.contains("Flags [R.]"),
        "packets are shown"
    );
    assert!(text.contains("ICMP port unreachable"));
    assert!(
        !err.contains("running without packets"),
        "capture worked: {err}"
    );
}
