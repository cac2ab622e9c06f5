//! Differential test: sockeye's `-T fields` output against what tshark 4.0 says about every
//! frame of the textbook captures (tests/data/expected/*.tsv), cell by cell.

use crate::kit::{reference_cases, sockeye, stdout};

/// Columns computed by the TCP/UDP conversation analysis; everything else is a layer field.
fn is_analysis_column(name: &str) -> bool {
    matches!(
        name,
        "tcp.stream" | "tcp.seq" | "tcp.ack" | "tcp.nxtseq" | "tcp.window_size" | "udp.stream"
    ) || name.starts_with("tcp.analysis.")
}

struct Mismatch {
    frame: usize,
    column: String,
    expected: String,
    actual: String,
}

/// Runs sockeye on `capture` with the TSV's columns and returns (cells compared, mismatches).
fn compare(
    capture: &std::path::Path,
    tsv: &std::path::Path,
    include: impl Fn(&str) -> bool,
) -> (usize, Vec<Mismatch>) {
    let expected = std::fs::read_to_string(tsv).unwrap();
    let mut lines = expected.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let mut args = vec![
        "-r",
        capture.to_str().unwrap(),
        "-T",
        "fields",
        "-E",
        "header=y",
        "-E",
        "occurrence=f",
    ];
    for name in &header {
        args.push("-e");
        args.push(name);
    }
    let output = sockeye(&args);
    assert!(
        output.status.success(),
        "sockeye failed on {}: {}",
        capture.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let actual = stdout(&output);
    let mut actual_lines = actual.lines();
    assert_eq!(
        actual_lines.next().unwrap().split('\t').collect::<Vec<_>>(),
        header,
        "header row"
    );
    let mut compared = 0;
    let mut mismatches = Vec::new();
    let expected_rows: Vec<&str> = lines.collect();
    let actual_rows: Vec<&str> = actual_lines.collect();
    assert_eq!(
        actual_rows.len(),
        expected_rows.len(),
        "{}: frame count",
        capture.display()
    );
    for (frame, (want, got)) in expected_rows.iter().zip(&actual_rows).enumerate() {
        let want: Vec<&str> = want.split('\t').collect();
        let got: Vec<&str> = got.split('\t').collect();
        for (col, name) in header.iter().enumerate() {
            if !include(name) {
                continue;
            }
            compared += 1;
            let (w, g) = (
                want.get(col).copied().unwrap_or(""),
                got.get(col).copied().unwrap_or(""),
            );
            if w != g {
                mismatches.push(Mismatch {
                    frame: frame + 1,
                    column: name.to_string(),
                    expected: w.to_string(),
                    actual: g.to_string(),
                });
            }
        }
    }
    (compared, mismatches)
}

fn check_all(include: impl Fn(&str) -> bool + Copy, what: &str) {
    let mut report = String::new();
    let mut total = 0;
    let mut bad = 0;
    for (capture, tsv) in reference_cases() {
        let (compared, mismatches) = compare(&capture, &tsv, include);
        total += compared;
        bad += mismatches.len();
        for m in mismatches.iter().take(20) {
            report.push_str(&format!(
                "{} frame {} {}: expected {:?}, got {:?}\n",
                capture.file_name().unwrap().to_string_lossy(),
                m.frame,
                m.column,
                m.expected,
                m.actual
            ));
        }
    }
    assert!(total > 1000, "compared only {total} cells");
    assert_eq!(
        bad, 0,
        "{bad} of {total} {what} cells differ from tshark:\n{report}"
    );
    println!("{total} {what} cells agree with tshark");
}

#[test]
fn layer_columns_match_tshark() {
    check_all(|name| !is_analysis_column(name), "layer");
}

#[test]
fn analysis_columns_match_tshark() {
    check_all(is_analysis_column, "analysis");
}
