//! `-z io,phs` against what tshark 4.0 printed for every textbook capture
//! (tests/data/stats/NAME.phs.txt).

use crate::kit::{root, sockeye, stdout, stem, textbook, textbook_paths};

fn expected(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/data/stats").join(name)).unwrap()
}

fn run(capture: &std::path::Path, stat: &str) -> String {
    let out = sockeye(&["-r", capture.to_str().unwrap(), "-q", "-z", stat]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

/// 802.11 is not decoded (sockeye says so per packet), so its hierarchy is empty where
/// tshark's reads wlan / wlan.mgt.
const NOT_DECODED: &[&str] = &["80211beacon"];

#[test]
fn hierarchy_matches_tshark_on_every_textbook_capture() {
    let mut compared = 0;
    for path in textbook_paths() {
        let name = stem(&path);
        let got = run(&path, "io,phs");
        let want = expected(&format!("{name}.phs.txt"));
        if NOT_DECODED.contains(&name.as_str()) {
            assert_ne!(got, want, "{name} now matches: drop it from NOT_DECODED");
            continue;
        }
        assert_eq!(got, want, "{name}");
        compared += 1;
    }
    assert!(compared >= 24, "only {compared} captures compared");
}

#[test]
fn hierarchy_with_a_filter() {
    assert_eq!(
        run(&textbook("http_google.pcapng"), "io,phs,tcp.port == 80"),
        expected("http_google.phs-filter.txt")
    );
}
