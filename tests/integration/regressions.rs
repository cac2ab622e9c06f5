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

#[test]
fn app_parser_regressions() {
    replay("app_dns", harness::app_dns);
    replay("app_http", harness::app_http);
    replay("app_tls", harness::app_tls);
    replay("app_dhcp", harness::app_dhcp);
    replay("app_text", harness::app_text);
    replay("app_stream", harness::app_stream);
}

/// The application harnesses on every frame of the shipped captures and on each capture's
/// application conversation, so the harness code itself runs in `cargo test`.
#[test]
fn app_harnesses_on_shipped_frames() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/textbook");
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let bytes = std::fs::read(entry.path()).unwrap();
        let Ok(mut source) =
            sockeye::source::FileSource::from_reader(Box::new(std::io::Cursor::new(bytes)))
        else {
            continue;
        };
        let mut stream = vec![3u8];
        while let Ok(Some(frame)) = sockeye::source::PacketSource::next_frame(&mut source) {
            let data = frame.data;
            for offset in [0, 14, 34, 42, 54, 66] {
                let part = data.get(offset..).unwrap_or(&[]);
                harness::app_dns(part);
                harness::app_http(part);
                harness::app_tls(part);
                harness::app_dhcp(part);
                harness::app_text(part);
            }
            let chunk = &data[..data.len().min(255)];
            stream.extend_from_slice(&[(data.len() % 2) as u8, chunk.len() as u8]);
            stream.extend_from_slice(chunk);
        }
        harness::app_stream(&stream);
    }
}
