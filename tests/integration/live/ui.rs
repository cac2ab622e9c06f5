//! The live UI end to end, inside a private user + network namespace (as
//! `live::capture` does for the headless capture): `sockeye -i lo --ui -w FILE` on a
//! pseudo-terminal (`script`) holds no capability once started, and SIGINT, SIGTERM and
//! SIGHUP each end the session with the recorded file complete.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sockeye::frame::LinkType;

use crate::kit::live::*;
use crate::kit::netns::enter;
use crate::kit::process::{signal, wait_status};
use crate::kit::{Scratch, SOCKEYE};

/// The UI under `script` (a pty, so it is really the terminal UI); returns the wrapper and
/// the pid of sockeye itself.
// The child is handed to the caller, whose `stop` waits for it.
#[allow(clippy::zombie_processes)]
fn start_ui(file: &Path) -> (Child, u32) {
    let cmd = format!("{SOCKEYE} -i lo --ui -w {}", file.display());
    let mut child = Command::new("script")
        .args(["-qfec", &cmd, "/dev/null"])
        .env("TERM", "xterm-256color")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn script");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        // Started = the -w file exists, which sockeye creates after dropping privileges.
        // Whether `script`'s shell execs sockeye or forks it depends on $SHELL (dash 0.5.12
        // forks), so look for the sockeye process itself among script's descendants.
        if let Some(pid) = sockeye_descendant(child.id()).filter(|_| file.exists()) {
            return (child, pid);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the live UI did not start");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The pid of the process running the sockeye binary below `root`.
fn sockeye_descendant(root: u32) -> Option<u32> {
    let binary = Path::new(SOCKEYE).canonicalize().ok()?;
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
        if pid != root && exe.as_deref() == Some(binary.as_path()) {
            return Some(pid);
        }
        queue.extend(children_of(pid));
    }
    None
}

fn children_of(pid: u32) -> Vec<u32> {
    let listed = Command::new("pgrep")
        .args(["-P", &pid.to_string()])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    listed
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

fn stop(mut child: Child, pid: u32, sig: libc::c_int) {
    // Let the kernel retire the last partly filled ring block (100 ms timer).
    std::thread::sleep(Duration::from_millis(400));
    signal(pid, sig).expect("signal the UI");
    let status = wait_status(&mut child, Duration::from_secs(15));
    assert!(status.is_some(), "the UI did not exit after signal {sig}");
}

#[test]
fn live_ui_is_unprivileged_and_signals_leave_a_complete_file() {
    if !enter(
        module_path!(),
        "live_ui_is_unprivileged_and_signals_leave_a_complete_file",
    ) {
        return;
    }
    let dir = Scratch::new("live-ui");
    for (i, signal) in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP]
        .into_iter()
        .enumerate()
    {
        let file = dir.join(format!("ui{i}.pcapng"));
        let (child, pid) = start_ui(&file);
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        assert_eq!(cap_value(&status, "CapEff:"), 0, "effective caps in the UI");
        assert_eq!(cap_value(&status, "CapPrm:"), 0, "permitted caps in the UI");
        let port = send_traffic();
        stop(child, pid, signal);
        let seen = read_back(&file, port, LinkType::ETHERNET);
        assert_eq!(
            seen.datagrams,
            expected_datagrams(),
            "signal {signal}: every datagram in the recorded file"
        );
        assert!(seen.big_datagram, "signal {signal}: the big datagram");
    }
}
