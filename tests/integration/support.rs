//! Shared helpers for the integration tests.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn textbook(name: &str) -> PathBuf {
    root().join("captures/textbook").join(name)
}

/// The reference captures with their expected TSV: (capture path, tsv path).
pub fn reference_cases() -> Vec<(PathBuf, PathBuf)> {
    let mut cases = Vec::new();
    let expected = root().join("tests/data/expected");
    let mut tsvs: Vec<_> = std::fs::read_dir(&expected)
        .expect("tests/data/expected exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    tsvs.sort();
    for tsv in tsvs {
        let stem = tsv.file_stem().unwrap().to_string_lossy().to_string();
        let capture = ["pcapng", "pcap"]
            .iter()
            .map(|ext| textbook(&format!("{stem}.{ext}")))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("no capture for {stem}"));
        cases.push((capture, tsv));
    }
    cases
}

/// Runs the real binary with `args`, stdin closed.
pub fn sockeye(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sockeye"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run sockeye")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Tries `attempt` up to five times with a growing pause. Several tests start tmux at once;
/// when no tmux server runs yet they race to start it and one `new-session` may fail.
pub fn retry(attempt: impl Fn() -> bool) -> bool {
    (0..5u32).any(|n| {
        std::thread::sleep(std::time::Duration::from_millis(200 * u64::from(n)));
        attempt()
    })
}
