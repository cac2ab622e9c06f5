//! Differential test of the packet-list columns and the application layer: sockeye's
//! `-T fields` output against tshark 4.0's (tests/data/expected-app/*.tsv: Protocol, Info,
//! frame.protocols, request/response links and the DNS, HTTP, TLS, DHCP, SMTP, FTP fields),
//! cell by cell, on every frame whose tshark Protocol column names a protocol sockeye
//! claims to decode. Run with `-- --nocapture` for the per-capture, per-column counts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::kit::{root, sockeye, stdout, textbook};

/// The Protocol column values sockeye claims: on these frames every cell must agree.
fn claimed(protocol: &str) -> bool {
    matches!(
        protocol,
        "TCP"
            | "UDP"
            | "ARP"
            | "ICMP"
            | "ICMPv6"
            | "IPv4"
            | "IPv6"
            | "DNS"
            | "MDNS"
            | "LLMNR"
            | "HTTP"
            | "DHCP"
            | "DHCPv6"
            | "SMTP"
            | "SMTP/IMF"
            | "FTP"
            | "FTP-DATA"
            | "IMAP"
    ) || protocol.starts_with("TLSv1")
}

/// Every expected-app TSV with its capture, and the hand-built capture of what the textbook
/// lacks (mDNS, LLMNR, DHCPv6, FTP and FTP-DATA, ICMP errors, pipelined HTTP, JSON, TLS
/// alerts, DNS PDUs sharing a segment, STARTTLS in SMTP, IPv6 fragments), made by
/// tests/data/app_synthetic/make.py and recorded with tshark 4.0 the same way.
fn cases() -> Vec<(PathBuf, PathBuf)> {
    let synthetic = root().join("tests/data/app_synthetic");
    let mut all = vec![(
        synthetic.join("app_synthetic.pcap"),
        synthetic.join("app_synthetic.tsv"),
    )];
    all.extend(textbook_cases());
    all
}

fn textbook_cases() -> Vec<(PathBuf, PathBuf)> {
    let dir = root().join("tests/data/expected-app");
    let mut tsvs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/data/expected-app exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    tsvs.sort();
    tsvs.into_iter()
        .map(|tsv| {
            let stem = tsv.file_stem().unwrap().to_string_lossy().to_string();
            let capture = ["pcapng", "pcap"]
                .iter()
                .map(|ext| textbook(&format!("{stem}.{ext}")))
                .find(|p| p.exists())
                .unwrap_or_else(|| panic!("no capture for {stem}"));
            (capture, tsv)
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    agree: usize,
    total: usize,
}

struct Difference {
    frame: String,
    column: String,
    expected: String,
    actual: String,
}

/// Runs sockeye on one capture with the TSV's columns; tallies per column.
fn compare(
    capture: &Path,
    tsv: &Path,
    columns: &mut BTreeMap<String, Tally>,
    differences: &mut Vec<Difference>,
) -> Tally {
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
        "separator=/t",
        "-E",
        "occurrence=a",
        "-E",
        "aggregator=,",
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
    let expected_rows: Vec<&str> = lines.collect();
    let actual_rows: Vec<&str> = actual_lines.collect();
    assert_eq!(
        actual_rows.len(),
        expected_rows.len(),
        "{}: frame count",
        capture.display()
    );
    let protocol_col = header
        .iter()
        .position(|h| *h == "_ws.col.Protocol")
        .expect("a Protocol column");
    let mut tally = Tally::default();
    for (want, got) in expected_rows.iter().zip(&actual_rows) {
        let want: Vec<&str> = want.split('\t').collect();
        let got: Vec<&str> = got.split('\t').collect();
        if !claimed(want.get(protocol_col).copied().unwrap_or("")) {
            continue;
        }
        for (col, name) in header.iter().enumerate() {
            let (w, g) = (
                want.get(col).copied().unwrap_or(""),
                got.get(col).copied().unwrap_or(""),
            );
            let column = columns.entry(name.to_string()).or_default();
            column.total += 1;
            tally.total += 1;
            if w == g {
                column.agree += 1;
                tally.agree += 1;
            } else {
                differences.push(Difference {
                    frame: want.first().copied().unwrap_or("?").to_string(),
                    column: name.to_string(),
                    expected: w.to_string(),
                    actual: g.to_string(),
                });
            }
        }
    }
    tally
}

#[test]
fn app_columns_match_tshark() {
    let mut report = String::new();
    let mut columns = BTreeMap::new();
    let mut all = Tally::default();
    for (capture, tsv) in cases() {
        let mut differences = Vec::new();
        let tally = compare(&capture, &tsv, &mut columns, &mut differences);
        let name = capture.file_name().unwrap().to_string_lossy().to_string();
        report.push_str(&format!("{name}: {}/{}\n", tally.agree, tally.total));
        for d in differences.iter().take(6) {
            report.push_str(&format!(
                "  frame {} {}: expected {:?}, got {:?}\n",
                d.frame, d.column, d.expected, d.actual
            ));
        }
        all.agree += tally.agree;
        all.total += tally.total;
    }
    report.push_str("per column:\n");
    for (name, tally) in &columns {
        report.push_str(&format!("  {name}: {}/{}\n", tally.agree, tally.total));
    }
    println!("{report}");
    assert!(all.total > 10_000, "compared only {} cells", all.total);
    assert_eq!(
        all.agree,
        all.total,
        "{} of {} cells differ from tshark:\n{report}",
        all.total - all.agree,
        all.total
    );
    println!("{} application cells agree with tshark", all.total);
}
