//! `sockeye lab run … --trace` keeps causality: a call that waits (accept, recv) is printed
//! where it returned, after the packet that woke it, and every trace is in time order —
//! on loopback and across the two namespaces of `--netns`. Real endpoints, real packets, in
//! a private user + network namespace.

use std::process::Command;

/// Runs `script` in a private user, network (and mount) namespace; None when this machine
/// has none to give (the caller prints SKIPPED).
fn in_namespace(script: &str) -> Option<String> {
    let out = Command::new("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--net",
            "--mount",
            "sh",
            "-c",
            script,
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `HH:MM:SS.uuuuuu` at the start of a trace line, as microseconds of the day.
fn micros(line: &str) -> Option<u64> {
    let t = line.split_whitespace().next()?;
    let (hms, frac) = t.split_once('.')?;
    let mut parts = hms.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    Some(((h * 60 + m) * 60 + s) * 1_000_000 + frac.parse::<u64>().ok()?)
}

fn assert_causal(trace: &str) {
    let lines: Vec<&str> = trace.lines().filter(|l| micros(l).is_some()).collect();
    assert!(lines.len() > 10, "a trace:\n{trace}");
    let times: Vec<u64> = lines.iter().filter_map(|l| micros(l)).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "not in time order:\n{trace}"
    );
    let at = |pred: &dyn Fn(&str) -> bool| lines.iter().position(|l| pred(l));
    let send = at(&|l| l.contains("client send()") && l.contains("6 bytes")).expect("send");
    let data = at(&|l| l.contains('|') && l.contains("length 6")).expect("data packet");
    let recv = at(&|l| l.contains("server recv()") && l.contains("6 bytes")).expect("recv");
    assert!(send < data && data < recv, "send, packet, recv:\n{trace}");
    let ack = at(&|l| l.contains('|') && l.contains("Flags [.], ack 1,")).expect("final ACK");
    let accept = at(&|l| l.contains("server accept()")).expect("accept");
    assert!(
        accept > ack,
        "accept() after the handshake's last ACK:\n{trace}"
    );
}

#[test]
fn loopback_trace_is_causal_and_time_sorted() {
    let bin = env!("CARGO_BIN_EXE_sockeye");
    let Some(trace) = in_namespace(&format!(
        "ip link set lo up && exec {bin} lab run handshake --trace"
    )) else {
        eprintln!("SKIPPED: no user+network namespace with lo up");
        return;
    };
    assert_causal(&trace);
}

#[test]
fn netns_lab_trace_is_causal_and_time_sorted() {
    let bin = env!("CARGO_BIN_EXE_sockeye");
    // `ip netns` needs a /run it may write: a private tmpfs in the mount namespace.
    let Some(trace) = in_namespace(&format!(
        "mount -t tmpfs none /run && ip link set lo up && exec {bin} lab run handshake --netns --trace"
    )) else {
        eprintln!("SKIPPED: no user+network+mount namespace for the two-host lab");
        return;
    };
    assert_causal(&trace);
}

#[test]
fn calls_without_trace_are_time_sorted_too() {
    let bin = env!("CARGO_BIN_EXE_sockeye");
    let Some(out) = in_namespace(&format!(
        "mount -t tmpfs none /run && ip link set lo up && exec {bin} lab run echo --netns"
    )) else {
        eprintln!("SKIPPED: no user+network+mount namespace for the two-host lab");
        return;
    };
    let times: Vec<u64> = out.lines().filter_map(micros).collect();
    assert!(times.len() > 10, "{out}");
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "not in time order:\n{out}"
    );
}
