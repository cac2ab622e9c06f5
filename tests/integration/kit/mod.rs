//! The one helper kit of the integration tests: where the captures and the binaries are,
//! running the real binary, scratch directories, processes and signals, private network
//! namespaces, a tmux terminal, and frames through the product's own decoder.

pub mod decoded;
pub mod fuzz;
pub mod live;
pub mod netns;
pub mod process;
pub mod synth;
pub mod tmux;
pub mod traced;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The shipped binary under test.
pub const SOCKEYE: &str = env!("CARGO_BIN_EXE_sockeye");

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn textbook(name: &str) -> PathBuf {
    root().join("captures/textbook").join(name)
}

/// Every shipped textbook capture's path, sorted.
pub fn textbook_paths() -> Vec<PathBuf> {
    let dir = root().join("captures/textbook");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("captures/textbook exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
}

/// The file stem of `path` ("tcp_handshake" for ".../tcp_handshake.pcapng").
pub fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
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
        let stem = stem(&tsv);
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
    Command::new(SOCKEYE)
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

/// A per-test scratch directory (named after the test and this process), emptied when
/// created and removed on drop, whatever the test's outcome.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("sockeye-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: impl AsRef<Path>) -> PathBuf {
        self.0.join(name)
    }

    /// Writes `bytes` to `name` inside the directory and returns the path as a string.
    pub fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write scratch file");
        path.to_str().expect("utf-8 temp path").to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}
