//! Packet patterns: each scenario runs via the real binary with `--trace` inside a private
//! network namespace (so nobody else's loopback traffic is seen), and the packet lines are
//! checked for the TCP flags / ICMP the scenario must cause. Skips say why, never pass
//! silently. The two-host lab tests need root and say so when skipped.

use std::process::{Command, Output};

use sockeye::sys::is_root;

use crate::kit::netns::run_sockeye as in_private_netns;
use crate::kit::process::signal;
use crate::kit::{Scratch, SOCKEYE as BIN};

/// The packet summaries of a `--trace` run.
fn packets(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.split_once("        | ").map(|(_, p)| p.to_string()))
        .collect()
}

/// The TCP flag sets in tcpdump's notation (`S`, `S.`, `P.`, `F.`, `R.`…) in order.
fn tcp_flags(pkts: &[String]) -> Vec<String> {
    pkts.iter()
        .filter_map(|p| {
            let (_, rest) = p.split_once(" Flags [")?;
            Some(rest.split_once(']')?.0.to_string())
        })
        .collect()
}

macro_rules! trace_or_skip {
    ($name:expr) => {
        match in_private_netns(&["lab", "run", $name, "--trace"]) {
            Ok(o) => packets(&o),
            Err(why) => {
                eprintln!("SKIPPED packet test for {}: no private netns: {why}", $name);
                return;
            }
        }
    };
}

#[test]
fn handshake_is_syn_synack_ack_data_fin() {
    let p = trace_or_skip!("handshake");
    let f = tcp_flags(&p);
    assert!(f.len() >= 7, "{p:#?}");
    assert_eq!(f[..3], ["S", "S.", "."], "{p:#?}");
    assert!(f.iter().any(|x| x == "P."), "{f:?}");
    assert_eq!(f.iter().filter(|x| x.contains('F')).count(), 2, "{f:?}");
    assert!(!f.iter().any(|x| x.contains('R')), "{f:?}");
}

#[test]
fn refused_is_syn_then_rst_ack() {
    let p = trace_or_skip!("refused");
    assert_eq!(tcp_flags(&p), ["S", "R."], "{p:#?}");
}

#[test]
fn reset_ends_with_rst() {
    let p = trace_or_skip!("reset");
    let f = tcp_flags(&p);
    assert!(f.last().is_some_and(|x| x.contains('R')), "{f:?}");
    assert!(
        !f.iter().any(|x| x.contains('F')),
        "abortive close sends no FIN: {f:?}"
    );
}

#[test]
fn udp_shows_datagrams_and_icmp_port_unreachable() {
    let p = trace_or_skip!("udp");
    let udp = p.iter().filter(|l| l.contains(": UDP, length ")).count();
    assert!(
        udp >= 7,
        "3 requests + 3 echoes + 1 to the closed port: {p:#?}"
    );
    assert!(
        p.iter()
            .any(|l| l.contains("ICMP") && l.contains("port unreachable")),
        "{p:#?}"
    );
    assert!(tcp_flags(&p).is_empty());
}

#[test]
fn half_close_client_fin_comes_before_the_servers_data() {
    let p = trace_or_skip!("half-close");
    let first_fin = p
        .iter()
        .position(|l| l.contains("Flags [F"))
        .expect("a FIN");
    let data_after = p
        .iter()
        .skip(first_fin + 1)
        .any(|l| l.contains("Flags [P") && !l.ends_with("length 0"));
    assert!(data_after, "server data after the client's FIN: {p:#?}");
}

#[test]
fn bulk_has_many_data_segments() {
    let p = trace_or_skip!("bulk");
    let data = p
        .iter()
        .filter(|l| l.contains(" Flags [") && !l.ends_with("length 0"))
        .count();
    assert!(data >= 5, "{data} data segments");
}

fn lab_namespaces(pid: u32) -> Vec<String> {
    let out = Command::new("ip").args(["netns", "list"]).output();
    let text = out.map(|o| String::from_utf8_lossy(&o.stdout).to_string());
    text.unwrap_or_default()
        .lines()
        .filter(|l| {
            l.starts_with(&format!("sockeye-a-{pid}-"))
                || l.starts_with(&format!("sockeye-b-{pid}-"))
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn netns_lab_shows_arp_and_cleans_up() {
    if !is_root() {
        eprintln!("SKIPPED netns lab test: needs root to create network namespaces");
        return;
    }
    let child = Command::new(BIN)
        .args(["lab", "run", "handshake", "--netns", "--trace"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&child.stdout);
    assert!(
        child.status.success(),
        "{}",
        String::from_utf8_lossy(&child.stderr)
    );
    assert!(
        out.contains("ARP, Request who-has 192.0.2.1 tell 192.0.2.2"),
        "{out}"
    );
    assert!(
        out.contains("IP 192.0.2.2.") && out.contains("Flags [S]"),
        "{out}"
    );
    assert!(out.contains("client connect() fd"), "{out}");
    // The pid is gone, so any leftover namespace would carry a dead pid; check none of
    // ours is left at all.
    let left: Vec<String> = Command::new("ip")
        .args(["netns", "list"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default()
        .lines()
        .filter(|l| out.contains(l.split_whitespace().next().unwrap_or("-")))
        .map(str::to_string)
        .collect();
    assert!(left.is_empty(), "namespaces left behind: {left:?}");
}

#[test]
fn netns_lab_cleans_up_on_sigint() {
    if !is_root() {
        eprintln!("SKIPPED netns SIGINT test: needs root to create network namespaces");
        return;
    }
    let child = Command::new(BIN)
        .args(["lab", "run", "bulk", "--netns"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    // Wait (bounded) until the lab exists, then interrupt it.
    for _ in 0..100 {
        if !lab_namespaces(pid).is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    signal(pid, libc::SIGINT).expect("SIGINT the lab");
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.code().is_some(),
        "exited normally, not killed by the signal"
    );
    assert!(
        lab_namespaces(pid).is_empty(),
        "namespaces of {pid} left behind"
    );
}

#[test]
fn netns_without_root_exits_2() {
    // An unmapped user namespace makes us "nobody" without needing to be non-root.
    let out = Command::new("unshare")
        .args(["--user", BIN, "lab", "run", "handshake", "--netns"])
        .output();
    match out {
        Ok(o) if String::from_utf8_lossy(&o.stderr).contains("unshare:") => {
            eprintln!("SKIPPED: cannot create a user namespace here");
        }
        Ok(o) => {
            assert_eq!(o.status.code(), Some(2));
            let e = String::from_utf8_lossy(&o.stderr);
            assert!(e.contains("--netns needs root"), "{e}");
            assert_eq!(e.lines().count(), 1, "{e}");
        }
        Err(e) => eprintln!("SKIPPED: cannot run unshare: {e}"),
    }
}

#[test]
fn lab_run_write_saves_a_readable_capture() {
    use sockeye::source::{FileSource, PacketSource};
    let scratch = Scratch::new("ep");
    let path = scratch.join("refused.pcapng");
    let p = path.to_string_lossy().to_string();
    let out = match in_private_netns(&["lab", "run", "refused", "-w", &p]) {
        Ok(o) => o,
        Err(why) => {
            eprintln!("SKIPPED capture-file test: no private netns: {why}");
            return;
        }
    };
    assert!(String::from_utf8_lossy(&out.stdout).contains("wrote 2 packets"));
    let mut src = FileSource::open(&p).unwrap();
    let mut n = 0;
    while let Some(f) = src.next_frame().unwrap() {
        assert_eq!(f.link, sockeye::frame::LinkType::ETHERNET);
        n += 1;
    }
    assert_eq!(n, 2, "SYN and RST-ACK");
    // The endpoints' socket calls are saved beside the packets, for the replayed ladder.
    let calls = sockeye::endpoints::saved::read_calls(&p);
    assert!(
        calls
            .iter()
            .any(|c| c.call.name() == "connect" && c.result.errno() == Some(libc::ECONNREFUSED)),
        "{calls:?}"
    );
}

#[test]
fn trace_without_capture_rights_runs_without_packets() {
    // An unmapped user namespace has no CAP_NET_RAW over the host's network namespace.
    let out = Command::new("unshare")
        .args(["--user", BIN, "lab", "run", "handshake", "--trace"])
        .output();
    match out {
        Ok(o) if String::from_utf8_lossy(&o.stderr).contains("unshare:") => {
            eprintln!("SKIPPED: cannot create a user namespace here");
        }
        Ok(o) => {
            let e = String::from_utf8_lossy(&o.stderr);
            assert!(o.status.success(), "{e}");
            assert_eq!(e.lines().count(), 1, "{e}");
            assert!(
                e.contains("running without packets") && e.contains("CAP_NET_RAW"),
                "{e}"
            );
            let out = String::from_utf8_lossy(&o.stdout);
            assert!(out.contains("client connect() fd"), "{out}");
        }
        Err(e) => eprintln!("SKIPPED: cannot run unshare: {e}"),
    }
}
