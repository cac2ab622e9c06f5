//! What every hostile test needs: the library reader run to the end, the per-frame output of
//! each printer mode, and the real binary run under a memory limit.

use std::io::Cursor;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use sockeye::dissect::Dissector;
use sockeye::frame::OwnedFrame;
use sockeye::headless::{OutputMode, Printer, ReadConfig};
use sockeye::source::{FileSource, PacketSource};

use crate::kit::process::limit_address_space;
use crate::kit::{textbook_paths, SOCKEYE};

/// The binary may map at most this much address space. A record that claims 4 GiB must be
/// reported, not allocated; a run of the binary on a small capture needs a few MiB.
pub const AS_LIMIT: u64 = 512 * 1024 * 1024;
/// Every run on these tiny inputs finishes far below this, even on a loaded machine.
pub const TIME_LIMIT: Duration = Duration::from_secs(20);

/// The three printer modes the binary is driven in, with their flags.
pub const MODES: [(&str, &[&str]); 3] = [
    ("summary", &[]),
    ("tree", &["-V"]),
    ("json", &["-T", "json"]),
];

fn mode(name: &str) -> OutputMode {
    match name {
        "tree" => OutputMode::Tree,
        "json" => OutputMode::Json,
        _ => OutputMode::Summary,
    }
}

/// What the library reader made of some bytes.
#[derive(Debug)]
pub struct LibRead {
    pub frames: Vec<OwnedFrame>,
    /// File offset just past each frame's record (so frame i survives a cut at >= ends[i]).
    pub ends: Vec<u64>,
    pub error: Option<String>,
}

impl LibRead {
    /// How many frames lie wholly before byte `at`.
    pub fn frames_before(&self, at: u64) -> usize {
        self.ends.iter().take_while(|&&end| end <= at).count()
    }
}

pub fn read_lib(bytes: &[u8]) -> LibRead {
    let mut read = LibRead {
        frames: Vec::new(),
        ends: Vec::new(),
        error: None,
    };
    let mut source = match FileSource::from_reader(Box::new(Cursor::new(bytes.to_vec()))) {
        Ok(source) => source,
        Err(err) => {
            read.error = Some(err.to_string());
            return read;
        }
    };
    loop {
        match source.next_frame() {
            Ok(Some(frame)) => read.frames.push(frame.to_owned()),
            Ok(None) => break,
            Err(err) => {
                read.error = Some(err.to_string());
                break;
            }
        }
        read.ends.push(source.offset());
    }
    read
}

/// Each frame's output in `mode_name`, as the binary prints it (same Dissector, same Printer).
/// What the printer writes before the first packet (JSON's `[`) leads the first frame's
/// output, and what it writes after the last (`]`) is one more element at the end.
pub fn outputs(frames: &[OwnedFrame], mode_name: &str) -> Vec<Vec<u8>> {
    let mut printer = Printer::new(ReadConfig {
        mode: mode(mode_name),
        ..ReadConfig::summary()
    });
    let mut dissector = Dissector::new();
    let mut head = Vec::new();
    printer.begin(&mut head).expect("print to memory");
    let mut per_frame: Vec<Vec<u8>> = frames
        .iter()
        .map(|frame| {
            let frame = frame.as_frame();
            let dissection = dissector.dissect(&frame);
            let mut out = Vec::new();
            printer
                .print(&dissection, &mut out)
                .expect("print to memory");
            out
        })
        .collect();
    if let Some(first) = per_frame.first_mut() {
        head.append(first);
        *first = head;
    }
    let mut tail = Vec::new();
    printer.end(&mut tail).expect("print to memory");
    per_frame.push(tail);
    per_frame
}

/// The first `n` frames' output, concatenated.
pub fn prefix(per_frame: &[Vec<u8>], n: usize) -> Vec<u8> {
    per_frame.iter().take(n).flatten().copied().collect()
}

/// Runs the binary with `args` under [`AS_LIMIT`], stdin closed, and checks the two things
/// that hold for every input: it finished in time and it did not panic (exit code 101) or die
/// by a signal.
pub fn run_bin(args: &[&str]) -> Output {
    let mut command = Command::new(SOCKEYE);
    command.args(args).stdin(Stdio::null());
    limit_address_space(&mut command, AS_LIMIT);
    let started = Instant::now();
    let out = command.output().expect("run sockeye");
    let took = started.elapsed();
    assert!(took < TIME_LIMIT, "sockeye {args:?} took {took:?}");
    match out.status.code() {
        Some(0 | 2) => {}
        code => panic!(
            "sockeye {args:?} ended with {code:?} (status {}); stderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
    }
    out
}

/// Exit 2 must come with the damage described, byte offset included, on stderr.
pub fn assert_damage_explained(out: &Output, what: &str) {
    if out.status.code() == Some(2) {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("byte offset"),
            "{what}: exit 2 without a byte offset on stderr: {err}"
        );
    }
}

/// Every shipped capture, sorted, with its bytes.
pub fn textbook_captures() -> Vec<(String, Vec<u8>)> {
    textbook_paths()
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("read capture"))
        })
        .collect()
}
