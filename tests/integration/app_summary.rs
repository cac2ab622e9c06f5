//! Headless lines as tcpdump -n prints them, application part included: DNS
//! (`6159+ A? wireshark.org. (31)`, DNS over TCP), DHCP (`BOOTP/DHCP, Request from …`) and
//! the first line of HTTP and SMTP. tests/data/tcpdump/NAME.txt is `tcpdump -n -r CAPTURE`
//! with the timestamp cut off; every line must agree.

use crate::kit::{root, sockeye, stdout, textbook};

#[test]
fn app_lines_match_tcpdump() {
    let dir = root().join("tests/data/tcpdump");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    names.sort();
    let mut lines_checked = 0;
    let mut failures = String::new();
    for expected_path in names {
        let stem = expected_path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let capture = ["pcapng", "pcap"]
            .iter()
            .map(|ext| textbook(&format!("{stem}.{ext}")))
            .find(|p| p.exists())
            .unwrap();
        let expected = std::fs::read_to_string(&expected_path).unwrap();
        let output = sockeye(&["-r", capture.to_str().unwrap()]);
        let actual = stdout(&output);
        let actual: Vec<&str> = actual
            .lines()
            .map(|l| l.split_once(' ').map_or("", |(_, rest)| rest))
            .collect();
        assert_eq!(actual.len(), expected.lines().count(), "{stem}: line count");
        for (n, (want, got)) in expected.lines().zip(&actual).enumerate() {
            lines_checked += 1;
            if want != *got {
                failures.push_str(&format!(
                    "{stem} line {}:\n  tcpdump: {want}\n  sockeye: {got}\n",
                    n + 1
                ));
            }
        }
    }
    assert!(lines_checked > 150, "only {lines_checked} lines");
    assert!(failures.is_empty(), "{failures}");
}
