//! Display filters against tshark: for every row of tests/data/filters*.tsv, the frames
//! sockeye's filter selects are the frames `tshark -Y` selected (recorded once by
//! tests/data/record_filters.sh). Plus the CLI wiring of -Y and -f.

use sockeye::dissect::Dissector;
use sockeye::filter::Filter;
use sockeye::source::{FileSource, PacketSource};

use crate::kit::{self, root, sockeye, stderr, stdout, textbook};

/// Frame numbers of `capture` that `expr` selects.
fn selected(capture: &str, expr: &str) -> Result<Vec<u64>, String> {
    let filter = Filter::parse(expr).map_err(|e| e.to_string())?;
    let path = textbook(capture);
    let mut source = FileSource::open(path.to_str().unwrap()).map_err(|e| e.to_string())?;
    let mut dissector = Dissector::new();
    let mut out = Vec::new();
    while let Some(frame) = source.next_frame().map_err(|e| e.to_string())? {
        let d = dissector.dissect(&frame);
        // The canonical text must select the same frames as what the user typed.
        let canonical = Filter::parse(&filter.to_string()).map_err(|e| e.to_string())?;
        let hit = filter.matches(&d);
        if hit != canonical.matches(&d) {
            return Err(format!("canonical form '{filter}' disagrees"));
        }
        if hit {
            out.push(d.info.number);
        }
    }
    Ok(out)
}

/// Runs every row of a TSV; returns a report of the rows that disagree with tshark.
fn check_table(name: &str) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(root().join("tests/data").join(name)).unwrap();
    let mut rows = 0;
    let mut failures = Vec::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [capture, expr, frames] = cols[..] else {
            panic!("bad row in {name}: {line}");
        };
        rows += 1;
        let want: Vec<u64> = frames
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        match selected(capture, expr) {
            Ok(got) if got == want => {}
            Ok(got) => failures.push(format!(
                "{capture}: {expr}\n    tshark {want:?}\n    sockeye {got:?}"
            )),
            Err(err) => failures.push(format!("{capture}: {expr}\n    error: {err}")),
        }
    }
    (rows, failures)
}

#[test]
fn filters_match_tshark() {
    let (rows, failures) = check_table("filters.tsv");
    assert!(rows >= 60, "only {rows} rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} filters differ from tshark -Y:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Filters over the TCP/UDP analysis fields (tcp.stream, relative seq, analysis flags).
#[test]
fn analysis_filters_match_tshark() {
    let (rows, failures) = check_table("filters_analysis.tsv");
    assert!(rows >= 12, "only {rows} rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} analysis filters differ from tshark -Y:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn capture(name: &str) -> String {
    textbook(name).to_string_lossy().into_owned()
}

#[test]
fn cli_display_filter_prints_only_matching_frames() {
    let path = capture("http_ip4and6.pcapng");
    let out = sockeye(&[
        "-r",
        &path,
        "-Y",
        "tcp.flags.syn == 1 && ipv6",
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Frame numbers are those of the whole capture: filtered frames are still dissected.
    assert_eq!(stdout(&out), "11\n12\n");
}

#[test]
fn cli_bad_filter_exits_2_with_caret() {
    let path = capture("http_ip4and6.pcapng");
    let out = sockeye(&["-r", &path, "-Y", "tcp.sport == 80"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("unknown field 'tcp.sport' — did you mean tcp.srcport? at column 1"),
        "{err}"
    );
    assert!(err.contains("tcp.sport == 80\n^~~~~~~~~"), "{err}");

    let out = sockeye(&["-r", &path, "-f", "tcp.port == "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("-f: bad filter: expected a value after '==' at column 13"));
}

#[test]
fn cli_capture_filter_drops_frames_before_numbering() {
    let path = capture("http_ip4and6.pcapng");
    let out = sockeye(&[
        "-r",
        &path,
        "-f",
        "ipv6",
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "ipv6.src",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 10);
    // As if only the IPv6 frames had been captured: numbering restarts at 1.
    assert!(lines[0].starts_with("1\t2001:db8:1:2::"), "{text}");
    // -f and -Y together; -c counts kept frames.
    let out = sockeye(&[
        "-r",
        &path,
        "-f",
        "ipv6",
        "-Y",
        "tcp.len > 0",
        "-c",
        "5",
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]);
    assert_eq!(stdout(&out), "4\n");
}

#[test]
fn cli_write_keeps_only_displayed_frames() {
    let dir = kit::Scratch::new("filter");
    let saved = dir.join("syn.pcap");
    let path = capture("http_ip4and6.pcapng");
    let out = sockeye(&[
        "-r",
        &path,
        "-Y",
        "tcp.flags.syn == 1",
        "-w",
        saved.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sockeye(&[
        "-r",
        saved.to_str().unwrap(),
        "-T",
        "fields",
        "-e",
        "tcp.flags",
    ]);
    assert_eq!(stdout(&out), "0x0002\n0x0012\n0x0002\n0x0012\n");
}
