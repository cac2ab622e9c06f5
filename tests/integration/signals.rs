//! Nothing lost: `sockeye -r BIG -w OUT` stopped by SIGINT, SIGTERM or SIGHUP at a random
//! moment leaves OUT a valid capture whose every record is complete and equal to the input's
//! frame at the same position — checked by our reader and, when installed, by tshark.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sockeye::frame::OwnedFrame;
use sockeye::gen::Rng;

use crate::kit::decoded::read_capture;
use crate::kit::process::signal as kill;
use crate::kit::{Scratch, SOCKEYE};

const PACKETS: &str = "200000";
const KILLS: usize = 10;
const SIGNALS: [(libc::c_int, &str); 3] = [
    (libc::SIGINT, "SIGINT"),
    (libc::SIGTERM, "SIGTERM"),
    (libc::SIGHUP, "SIGHUP"),
];

fn read_all(path: &Path) -> Vec<OwnedFrame> {
    read_capture(path.to_str().expect("utf-8 temp path"))
}

/// tshark's verdict: how many frames it read, or why the file is bad. None when absent.
fn tshark_count(path: &Path) -> Option<Result<usize, String>> {
    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(path)
        // io,stat counts frames without printing each one: a third of the time of -T fields.
        .args(["-q", "-z", "io,stat,0"])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    // tshark warns about running as root; any other line is a complaint about the file.
    let stderr: String = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|line| !line.contains("Running as user"))
        .collect();
    if !out.status.success() || !stderr.trim().is_empty() {
        return Some(Err(format!("{}: {stderr}", out.status)));
    }
    // The one interval row: "| 0.000 <> 5.205 | 200000 | 52383680 |".
    let stdout = String::from_utf8_lossy(&out.stdout);
    let frames = stdout
        .lines()
        .find(|line| line.contains("<>"))
        .and_then(|row| row.split('|').nth(2))
        .and_then(|cell| cell.trim().parse().ok());
    Some(frames.ok_or_else(|| format!("no frame count in tshark's io,stat output:\n{stdout}")))
}

#[test]
fn signals_leave_a_complete_capture() {
    let scratch = Scratch::new("sig");
    let big = scratch.join("big.pcap");
    let gen = Command::new(env!("CARGO_BIN_EXE_sockeye-gen"))
        .arg(&big)
        .args([PACKETS, "7"])
        .stderr(Stdio::null())
        .status()
        .expect("run sockeye-gen");
    assert!(gen.success());
    let input = read_all(&big);
    let have_tshark = tshark_count(&big).is_some();
    if !have_tshark {
        eprintln!("signals: tshark not installed: checking the files with our reader only");
    }

    // How long an uninterrupted run takes, so the kills can be spread across it.
    let started = Instant::now();
    let full = Command::new(SOCKEYE)
        .arg("-r")
        .arg(&big)
        .arg("-w")
        .arg(scratch.join("full.pcap"))
        .status()
        .unwrap();
    assert!(full.success());
    let run_time = started.elapsed();

    let mut rng = Rng::new(0x51_6a_a1);
    let mut interrupted = 0;
    for i in 0..KILLS {
        let (signal, signal_name) = SIGNALS[i % SIGNALS.len()];
        let ext = if i % 2 == 0 { "pcap" } else { "pcapng" };
        let out_path = scratch.join(format!("out{i}.{ext}"));
        let child = Command::new(SOCKEYE)
            .arg("-r")
            .arg(&big)
            .arg("-w")
            .arg(&out_path)
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The -w file appears once the signal handlers are in place (see reader.rs); a signal
        // before that would meet the default action of a process that has written nothing.
        while !out_path.exists() {
            std::thread::sleep(Duration::from_millis(1));
        }
        let delay = run_time.mul_f64(rng.below(1000) as f64 / 1000.0 * 0.9);
        std::thread::sleep(delay);
        kill(child.id(), signal).expect("signal sockeye");
        let out = child.wait_with_output().unwrap();
        let what = format!("kill {i}: {signal_name} after {delay:?}");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{what}: a signal stops the run cleanly; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );

        let written = read_all(&out_path);
        assert!(written.len() <= input.len(), "{what}");
        // pcapng keeps microsecond-precision timestamps and everything else; compare data,
        // lengths and time, which both formats keep exactly.
        for (n, (w, r)) in written.iter().zip(&input).enumerate() {
            assert!(
                w.data == r.data && w.orig_len == r.orig_len && w.ts_ns == r.ts_ns,
                "{what}: frame {} differs from the input",
                n + 1
            );
        }
        if written.len() < input.len() {
            interrupted += 1;
        }
        if have_tshark {
            match tshark_count(&out_path) {
                Some(Ok(n)) => assert_eq!(n, written.len(), "{what}: tshark frame count"),
                Some(Err(err)) => panic!("{what}: tshark rejects {}: {err}", out_path.display()),
                None => {}
            }
        }
        eprintln!(
            "signals: {what}: {} of {} frames, file complete",
            written.len(),
            input.len()
        );
    }
    // The kills must actually have landed mid-run for the test to mean anything.
    assert!(
        interrupted >= KILLS / 2,
        "only {interrupted} of {KILLS} kills interrupted the run"
    );
}

/// `sockeye -r BIG -w OUT -V | head -1`: the reader of our stdout goes away mid-run. The run
/// ends with exit 2 and an explanation, and OUT still holds complete records only.
#[test]
fn closed_stdout_leaves_a_complete_capture() {
    use std::io::{BufRead, BufReader};

    let scratch = Scratch::new("pipe");
    let big = scratch.join("big.pcap");
    let gen = Command::new(env!("CARGO_BIN_EXE_sockeye-gen"))
        .arg(&big)
        .args(["20000", "3"])
        .stderr(Stdio::null())
        .status()
        .expect("run sockeye-gen");
    assert!(gen.success());
    let out_path = scratch.join("out.pcapng");
    let mut child = Command::new(SOCKEYE)
        .arg("-r")
        .arg(&big)
        .arg("-w")
        .arg(&out_path)
        .arg("-V")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The pipe's read end is closed here, as `head -1` does.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("writing output failed"), "{stderr}");
    let written = read_all(&out_path);
    let input = read_all(&big);
    assert!(!written.is_empty() && written.len() < input.len());
    for (w, r) in written.iter().zip(&input) {
        assert_eq!(w.data, r.data);
    }
}
