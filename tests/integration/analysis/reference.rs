//! Differential test: sockeye's analysis against tshark 4.0's answers for every frame of
//! the reference captures (`tests/data/expected/*.tsv`), cell by cell.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;

use sockeye::analysis::{AnalysisFlag, TcpFacts};

use crate::kit::decoded::{dissect_all, read_capture};
use crate::kit::{stem, textbook_paths};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

/// The analysis columns and how to produce each cell from our facts.
const COLUMNS: &[&str] = &[
    "tcp.stream",
    "tcp.seq",
    "tcp.ack",
    "tcp.nxtseq",
    "tcp.window_size",
    "tcp.analysis.retransmission",
    "tcp.analysis.fast_retransmission",
    "tcp.analysis.spurious_retransmission",
    "tcp.analysis.out_of_order",
    "tcp.analysis.lost_segment",
    "tcp.analysis.ack_lost_segment",
    "tcp.analysis.duplicate_ack_num",
    "tcp.analysis.duplicate_ack_frame",
    "tcp.analysis.zero_window",
    "tcp.analysis.zero_window_probe",
    "tcp.analysis.keep_alive",
    "tcp.analysis.keep_alive_ack",
    "tcp.analysis.window_update",
    "tcp.analysis.window_full",
    "udp.stream",
];

fn flag_cell(f: &TcpFacts, flag: AnalysisFlag) -> String {
    if f.flags.contains(flag) {
        "1".into()
    } else {
        String::new()
    }
}

fn tcp_cell(f: &TcpFacts, col: &str) -> String {
    match col {
        "tcp.stream" => f.stream.to_string(),
        "tcp.seq" => f.seq_rel.to_string(),
        "tcp.ack" => f.ack_rel.to_string(),
        "tcp.nxtseq" => f.nxtseq_rel.to_string(),
        "tcp.window_size" => f.window_size.to_string(),
        "tcp.analysis.retransmission" => flag_cell(f, AnalysisFlag::Retransmission),
        "tcp.analysis.fast_retransmission" => flag_cell(f, AnalysisFlag::FastRetransmission),
        "tcp.analysis.spurious_retransmission" => {
            flag_cell(f, AnalysisFlag::SpuriousRetransmission)
        }
        "tcp.analysis.out_of_order" => flag_cell(f, AnalysisFlag::OutOfOrder),
        "tcp.analysis.lost_segment" => flag_cell(f, AnalysisFlag::LostSegment),
        "tcp.analysis.ack_lost_segment" => flag_cell(f, AnalysisFlag::AckLostSegment),
        "tcp.analysis.duplicate_ack_num" if f.dup_ack_num > 0 => f.dup_ack_num.to_string(),
        "tcp.analysis.duplicate_ack_frame" if f.dup_ack_num > 0 => f.dup_ack_frame.to_string(),
        "tcp.analysis.zero_window" => flag_cell(f, AnalysisFlag::ZeroWindow),
        "tcp.analysis.zero_window_probe" => flag_cell(f, AnalysisFlag::ZeroWindowProbe),
        "tcp.analysis.keep_alive" => flag_cell(f, AnalysisFlag::KeepAlive),
        "tcp.analysis.keep_alive_ack" => flag_cell(f, AnalysisFlag::KeepAliveAck),
        "tcp.analysis.window_update" => flag_cell(f, AnalysisFlag::WindowUpdate),
        "tcp.analysis.window_full" => flag_cell(f, AnalysisFlag::WindowFull),
        _ => String::new(),
    }
}

struct CaptureResult {
    cells: usize,
    mismatches: Vec<String>,
}

fn check_capture(capture: &str, tsv: &str) -> CaptureResult {
    let text = fs::read_to_string(tsv).expect("read tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("tsv header").split('\t').collect();
    let col_index: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (*h, i)).collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();

    let frames = read_capture(capture);
    assert_eq!(
        frames.len(),
        rows.len(),
        "{capture}: frame count differs from the TSV"
    );
    let mut result = CaptureResult {
        cells: 0,
        mismatches: Vec::new(),
    };
    let mut rows = rows.iter();
    // The facts the pipeline computed for each frame: what -T fields, -Y and the UI read.
    dissect_all(&frames, |d, _| {
        let n = d.info.number;
        let row = rows.next().expect("as many rows as frames");
        let cell_of = |c: &str| match (&d.tcp, &d.udp) {
            (Some(facts), _) => tcp_cell(facts, c),
            (None, Some(facts)) if c == "udp.stream" => facts.stream.to_string(),
            _ => String::new(),
        };
        for col in COLUMNS {
            let Some(&i) = col_index.get(col) else {
                continue;
            };
            let want = row.get(i).copied().unwrap_or("");
            let got = cell_of(col);
            result.cells += 1;
            if want != got {
                result
                    .mismatches
                    .push(format!("frame {n} {col}: tshark {want:?}, sockeye {got:?}"));
            }
        }
    });
    result
}

#[test]
fn analysis_matches_tshark_on_every_reference_capture() {
    let entries = textbook_paths();
    assert_eq!(entries.len(), 25, "expected the 25 reference captures");
    let mut report = String::new();
    let mut failed = false;
    for path in entries {
        let stem = stem(&path);
        let tsv = format!("{DIR}/expected/{stem}.tsv");
        let r = check_capture(path.to_str().unwrap_or_default(), &tsv);
        let ok = r.cells - r.mismatches.len();
        let pct = if r.cells == 0 {
            100.0
        } else {
            100.0 * ok as f64 / r.cells as f64
        };
        let _ = writeln!(
            report,
            "{stem:32} {ok:5}/{:5} cells agree ({pct:.1}%)",
            r.cells
        );
        for m in r.mismatches.iter().take(20) {
            let _ = writeln!(report, "    {m}");
        }
        failed |= !r.mismatches.is_empty();
    }
    println!("{report}");
    assert!(!failed, "analysis disagrees with tshark:\n{report}");
}
