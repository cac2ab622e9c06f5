//! Replays every input the fuzzers ever crashed on (tests/data/regressions/<target>/) through
//! the very harness the fuzzer ran (fuzz/harness.rs, included as a module), so CI — which has
//! no fuzzer — keeps each fixed crash fixed. A panic here names the file.

#[path = "../../fuzz/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"));
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8])) {
    for path in inputs(target) {
        let bytes = std::fs::read(&path).expect("read regression input");
        let outcome = std::panic::catch_unwind(|| run(&bytes));
        assert!(
            outcome.is_ok(),
            "{target}: {} crashes again",
            path.display()
        );
    }
}

#[test]
fn decode_frame_regressions() {
    replay("decode_frame", harness::decode_frame);
}

#[test]
fn read_capture_regressions() {
    replay("read_capture", harness::read_capture);
}

#[test]
fn tcp_analysis_regressions() {
    replay("tcp_analysis", harness::tcp_analysis);
}

#[test]
fn filter_parse_regressions() {
    replay("filter_parse", harness::filter_parse);
}

/// The filter harness on the shipped filter expressions (what the fuzzer's corpus starts from).
#[test]
fn filter_parse_on_the_recorded_filters() {
    for table in ["filters.tsv", "filters_analysis.tsv"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(table);
        let text = std::fs::read_to_string(path).unwrap();
        let mut count = 0;
        for expr in text.lines().filter_map(|l| l.split('\t').nth(1)) {
            harness::filter_parse(expr.as_bytes());
            count += 1;
        }
        assert!(count > 10, "{table}: {count} expressions");
    }
}
