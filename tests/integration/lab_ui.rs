//! `sockeye lab run handshake --netns --capture both` as a teacher types it: the real binary
//! in a real terminal (tmux) opens on the two-vantage ladder, and while it shows, the lab's
//! namespaces and its temporary capture are gone and sockeye holds no capability. It runs inside a private user, mount and network namespace with a
//! fresh /run, so the lab's named namespaces never touch the host's /run/netns and cannot
//! outlive the test, whatever happens to sockeye.

use std::process::Command;

use crate::kit::process::signal;
use crate::kit::tmux::Tmux;
use crate::kit::SOCKEYE;

const UNSHARE: &str = "unshare --user --map-root-user --mount --net";
/// A private /run (for `ip netns`) and `lo` up, as the lab's namespaces need.
const PRELUDE: &str = "mount -t tmpfs none /run && ip link set lo up";

/// Whether the namespaces, the private /run and `ip netns` all work here; `Err` = the skip
/// reason.
fn probe() -> Result<(), String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{UNSHARE} sh -c '{PRELUDE} && ip netns add probe && ip netns del probe'"
        ))
        .output()
        .map_err(|e| format!("cannot run unshare: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// The processes whose parent is `pid`.
fn children(pid: u32) -> Vec<u32> {
    let out = Command::new("ps")
        .args(["--ppid", &pid.to_string(), "-o", "pid="])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    out.lines().filter_map(|l| l.trim().parse().ok()).collect()
}

/// Ends sockeye by its pid if the test stops before it quit (a failed assertion): the
/// tmux kit only ends the shell it runs under.
struct EndSockeye(Option<u32>);

impl Drop for EndSockeye {
    fn drop(&mut self) {
        let Some(pid) = self.0 else { return };
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() == "sockeye" {
            let _ = signal(pid, libc::SIGKILL);
        }
    }
}

/// The lab's private temporary captures (`sockeye-lab-XXXXXX`) in the temporary directory.
fn lab_temp_dirs() -> Vec<String> {
    std::fs::read_dir(std::env::temp_dir())
        .map(|dir| {
            dir.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.starts_with("sockeye-lab-"))
                .collect()
        })
        .unwrap_or_default()
}

/// The lab's temporary captures made since `before` was listed.
fn new_lab_temp_dirs(before: &[String]) -> Vec<String> {
    lab_temp_dirs()
        .into_iter()
        .filter(|d| !before.contains(d))
        .collect()
}

#[test]
fn the_lab_opens_the_two_vantage_ladder_with_its_namespaces_gone() {
    if let Err(why) = probe() {
        eprintln!("SKIPPED lab_ui: no private user+mount+network namespace for the lab: {why}");
        return;
    }
    let Some(tmux) = Tmux::start("lab-both", 80, 24, &[]) else {
        return;
    };
    let temp_before = lab_temp_dirs();
    tmux.send(&[
        &format!(
            "{UNSHARE} sh -c '{PRELUDE} && {SOCKEYE} lab run handshake --netns --capture both; \
             echo NAMESPACES=$(ls -A /run/netns | wc -l)'; echo EXITED=$?"
        ),
        "Enter",
    ]);
    let ladder = tmux.wait(30, |t| t.contains("one-way delay"));
    // The shell in the namespaces, and sockeye under it.
    let shell = tmux.foreground_pid();
    let sockeye = shell.and_then(|sh| children(sh).into_iter().next());
    let _end = EndSockeye(sockeye);
    let text = ladder.expect("the two-vantage ladder did not open");
    // Both vantage points are columns, the first crossing (the client's SYN) is selected,
    // and the footer tells its one-way delay.
    assert!(text.contains("at two vantage points"), "{text}");
    assert!(
        text.contains("client 19") && text.contains("server 19"),
        "{text}"
    );
    let selected = text
        .lines()
        .find(|l| l.starts_with('>'))
        .unwrap_or_default();
    assert!(selected.contains("[SYN]"), "{text}");
    assert!(
        text.contains("client side") && text.contains("→ server side"),
        "{text}"
    );
    assert!(text.contains("µs"), "{text}");
    // The endpoints' calls on their side's lifeline: connect() above the SYN.
    let connect = text.lines().position(|l| l.contains("● connect()"));
    let syn = text.lines().position(|l| l.starts_with('>'));
    assert!(connect.is_some() && connect < syn, "{text}");
    // While the UI shows, the lab's namespaces are already removed.
    let shell = shell.expect("the shell running sockeye");
    let netns = Command::new("nsenter")
        .args([
            "-t",
            &shell.to_string(),
            "-U",
            "-m",
            "--preserve-credentials",
        ])
        .args(["sh", "-c", "ls -A /run/netns 2>/dev/null; true"])
        .output()
        .expect("nsenter");
    assert!(
        netns.status.success(),
        "{}",
        String::from_utf8_lossy(&netns.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&netns.stdout).trim(), "", "{text}");
    // The temporary capture's name is gone too (the store holds it open), and the UI runs
    // without any capability.
    assert_eq!(new_lab_temp_dirs(&temp_before), Vec::<String>::new());
    let pid = sockeye.expect("sockeye's pid");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("its status");
    for set in ["CapPrm:", "CapEff:"] {
        let line = status.lines().find(|l| l.starts_with(set));
        assert_eq!(
            line.and_then(|l| l.split_whitespace().nth(1)),
            Some("0000000000000000"),
            "{status}"
        );
    }
    // The list names each packet's vantage point; the built-in endpoints' calls saved
    // beside the packets name no process, so no empty Process column takes the room.
    tmux.send(&["1"]);
    let list = tmux
        .wait(10, |t| t.contains("[1 Packets]"))
        .expect("the packet list");
    let header = list.lines().find(|l| l.contains("No.")).unwrap_or_default();
    assert!(header.contains("Interface"), "{list}");
    assert!(!header.contains("Process"), "{list}");
    tmux.send(&["q"]);
    let back = tmux.wait_exited(15).expect("sockeye did not exit on q");
    assert!(back.lines().any(|l| l == "NAMESPACES=0"), "{back}");
    assert!(back.lines().any(|l| l == "EXITED=0"), "{back}");
    // Back on the shell's screen: the scenario's notes, no UI left.
    assert!(back.contains("scenario handshake"), "{back}");
    assert!(!back.contains("at two vantage points"), "{back}");
    assert_eq!(new_lab_temp_dirs(&temp_before), Vec::<String>::new());
}
