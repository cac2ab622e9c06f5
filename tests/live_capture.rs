//! Live capture end to end, with the real binary, inside a private user + network
//! namespace: the test sees only its own loopback traffic and needs no root. Each test
//! re-runs itself under `unshare --user --map-root-user --net` (after `ip link set lo up`);
//! where that is impossible it says SKIPPED and why on stderr.

mod live_support;

use std::path::Path;
use std::process::{Command, Output};

use live_support::*;
use sockeye::frame::LinkType;
use sockeye::source::{FileSource, PacketSource};

#[test]
fn loopback_capture_is_complete_once_and_unprivileged() {
    if !enter_netns("loopback_capture_is_complete_once_and_unprivileged") {
        return;
    }
    let dir = temp_dir("lo");
    let file = dir.join("lo.pcapng");
    let cap = Capture::start(&["-i", "lo"], &file);
    let status = std::fs::read_to_string(format!("/proc/{}/status", cap.child.id()))
        .expect("read /proc status");
    assert_eq!(
        cap_value(&status, "CapEff:"),
        0,
        "effective caps after open"
    );
    assert_eq!(
        cap_value(&status, "CapPrm:"),
        0,
        "permitted caps after open"
    );
    assert_eq!(
        cap_value(&status, "CapInh:"),
        0,
        "inheritable caps after open"
    );

    let port = send_traffic();
    let (exit, stderr) = cap.stop();
    assert!(exit.success(), "sockeye failed: {exit:?} {stderr:?}");
    let captured = stderr.iter().find(|l| l.ends_with("packets captured"));
    assert!(captured.is_some(), "no summary: {stderr:?}");
    assert!(stderr
        .iter()
        .any(|l| l.ends_with("packets dropped by kernel")));

    let seen = read_back(&file, port, LinkType::ETHERNET);
    assert_eq!(
        seen.datagrams,
        expected_datagrams(),
        "each datagram once, in order"
    );
    assert!(
        seen.big_datagram,
        "the 60 000-byte datagram is missing or cut"
    );
    assert!(
        seen.largest_tcp >= 60_000,
        "largest TCP segment {}",
        seen.largest_tcp
    );
    let count: usize = captured
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("count");
    assert_eq!(count, seen.frames, "summary matches the file");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn any_interface_gives_sll2_frames_once() {
    if !enter_netns("any_interface_gives_sll2_frames_once") {
        return;
    }
    let dir = temp_dir("any");
    let file = dir.join("any.pcap");
    let cap = Capture::start(&["-i", "any"], &file);
    let port = send_traffic();
    let (exit, stderr) = cap.stop();
    assert!(exit.success(), "sockeye failed: {exit:?} {stderr:?}");
    let seen = read_back(&file, port, LinkType::LINUX_SLL2);
    assert_eq!(seen.datagrams, expected_datagrams());
    assert!(
        seen.big_datagram,
        "the 60 000-byte datagram is missing or cut"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn pnet_backend_sees_lo_twice_but_untruncated() {
    if !enter_netns("pnet_backend_sees_lo_twice_but_untruncated") {
        return;
    }
    let dir = temp_dir("pnet");
    let file = dir.join("pnet.pcap");
    let cap = Capture::start(&["-i", "lo", "--backend", "pnet"], &file);
    let port = send_traffic();
    let (exit, stderr) = cap.stop();
    assert!(exit.success(), "sockeye failed: {exit:?} {stderr:?}");
    let seen = read_back(&file, port, LinkType::ETHERNET);
    // The documented limitation: outgoing and incoming copies, indistinguishable.
    let twice: Vec<_> = expected_datagrams()
        .into_iter()
        .flat_map(|d| [d, d])
        .collect();
    assert_eq!(seen.datagrams, twice);
    assert!(
        seen.big_datagram,
        "the 60 000-byte datagram is missing or cut"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn snaplen_cuts_frames_and_sigterm_stops_cleanly() {
    if !enter_netns("snaplen_cuts_frames_and_sigterm_stops_cleanly") {
        return;
    }
    let dir = temp_dir("snap");
    let file = dir.join("snap.pcapng");
    let cap = Capture::start(&["-i", "lo", "-s", "100"], &file);
    send_traffic();
    let (exit, stderr) = cap.stop_with(libc::SIGTERM);
    assert!(exit.success(), "sockeye failed: {exit:?} {stderr:?}");
    assert!(stderr.iter().any(|l| l.ends_with("packets captured")));
    let mut src = FileSource::open(file.to_str().expect("utf-8")).expect("open");
    let mut big_cut = false;
    let mut frames = 0;
    while let Some(frame) = src.next_frame().expect("valid file") {
        frames += 1;
        assert!(frame.data.len() <= 100, "cap_len {}", frame.data.len());
        big_cut |= frame.orig_len as usize >= 60_000 && frame.data.len() == 100;
    }
    assert!(frames > DATAGRAMS, "only {frames} frames");
    assert!(
        big_cut,
        "no 60 000-byte frame recorded with its wire length"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Live and replayed input run the same headless loop: `-q -z conv,udp` prints tshark's
/// conversation table live, and it is the table `-r` prints for the file written alongside.
#[test]
fn live_statistics_equal_the_replayed_ones() {
    if !enter_netns("live_statistics_equal_the_replayed_ones") {
        return;
    }
    let dir = temp_dir("livestats");
    let file = dir.join("stats.pcapng");
    let mut cap = Capture::start_printing(&["-i", "lo", "-q", "-z", "conv,udp"], &file);
    let port = send_traffic();
    let live = {
        std::thread::sleep(std::time::Duration::from_millis(400));
        let pid = i32::try_from(cap.child.id()).expect("pid");
        // SAFETY: sending a signal to our own child process.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
        let status = cap.wait_exit(std::time::Duration::from_secs(15));
        assert!(status.success(), "{status:?}");
        cap.printed()
    };
    assert!(
        live.contains("UDP Conversations"),
        "live -z printed:\n{live}"
    );
    // 20 marked datagrams and the big one, each echoed back: 21 frames each way.
    let row = live
        .lines()
        .find(|l| l.contains(&format!(":{port} ")))
        .unwrap_or_else(|| panic!("no conversation to port {port}:\n{live}"));
    assert!(row.contains(" 21 "), "{row}");
    let replayed = Command::new(SOCKEYE)
        .args(["-q", "-z", "conv,udp", "-r"])
        .arg(&file)
        .output()
        .expect("run sockeye -r");
    assert_eq!(live, String::from_utf8_lossy(&replayed.stdout));
    let _ = std::fs::remove_dir_all(dir);
}

/// `-c`, `-V` and `-w` together, live: five packet trees printed, five packets written.
#[test]
fn live_count_verbose_and_write_together() {
    if !enter_netns("live_count_verbose_and_write_together") {
        return;
    }
    let dir = temp_dir("livev");
    let file = dir.join("five.pcapng");
    let mut cap = Capture::start_printing(&["-i", "lo", "-c", "5", "-V"], &file);
    send_traffic();
    let status = cap.wait_exit(std::time::Duration::from_secs(15));
    assert!(status.success(), "{status:?}");
    let printed = cap.printed();
    let trees = printed.lines().filter(|l| l.starts_with("Frame")).count();
    assert_eq!(trees, 5, "{printed}");
    assert!(printed.contains("Internet Protocol Version 4"), "{printed}");
    let mut src = FileSource::open(file.to_str().expect("utf-8")).expect("open");
    let mut frames = 0;
    while src.next_frame().expect("valid file").is_some() {
        frames += 1;
    }
    assert_eq!(frames, 5);
    let _ = std::fs::remove_dir_all(dir);
}

/// One line on stderr, exit code 2, and no capture file left behind.
fn assert_refused(out: &Output, file: &Path, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
    assert!(!file.exists(), "{} must not be created", file.display());
}

#[test]
fn unknown_interface_is_refused() {
    let dir = temp_dir("nosuch");
    let file = dir.join("x.pcap");
    let out = Command::new(SOCKEYE)
        .args(["-i", "nosuchiface0", "-w"])
        .arg(&file)
        .output()
        .expect("run");
    assert_refused(&out, &file, "nosuchiface0: no such interface");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn missing_capability_is_explained() {
    // A user namespace without a root mapping: we are `nobody` with no capabilities.
    if let Err(why) = unshare_works(&["--user"]) {
        eprintln!("SKIPPED missing_capability_is_explained: no user namespace: {why}");
        return;
    }
    let dir = temp_dir("nocap");
    let file = dir.join("x.pcap");
    let _ = std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o777));
    let out = Command::new("unshare")
        .args(["--user", SOCKEYE, "-i", "lo", "-c", "1", "-w"])
        .arg(&file)
        .output()
        .expect("run");
    assert_refused(&out, &file, "needs CAP_NET_RAW");
    assert!(String::from_utf8_lossy(&out.stderr).contains("setcap cap_net_raw,cap_net_admin=eip"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn interface_down_is_refused() {
    // A fresh network namespace has `lo`, still down.
    if let Err(why) = unshare_works(&["--user", "--map-root-user", "--net"]) {
        eprintln!("SKIPPED interface_down_is_refused: {why}");
        return;
    }
    let dir = temp_dir("down");
    let file = dir.join("x.pcap");
    let out = Command::new("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--net",
            SOCKEYE,
            "-i",
            "lo",
            "-w",
        ])
        .arg(&file)
        .output()
        .expect("run");
    assert_refused(&out, &file, "lo: that interface is not up");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn impossible_ring_is_refused_without_a_file() {
    if let Err(why) = unshare_works(&["--user", "--map-root-user", "--net"]) {
        eprintln!("SKIPPED impossible_ring_is_refused_without_a_file: {why}");
        return;
    }
    let dir = temp_dir("ring");
    let file = dir.join("x.pcap");
    for mib in ["5000", "3900000"] {
        let out = Command::new("unshare")
            .args(["--user", "--map-root-user", "--net", "sh", "-c"])
            .arg(r#"ip link set lo up && exec "$@""#)
            .args(["sh", SOCKEYE, "-i", "lo", "-B", mib, "-w"])
            .arg(&file)
            .output()
            .expect("run");
        assert_refused(&out, &file, "4 GiB limit");
    }
    let _ = std::fs::remove_dir_all(dir);
}
