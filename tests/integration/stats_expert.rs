//! `-z expert` against what tshark 4.0 printed for every textbook capture
//! (tests/data/stats/NAME.expert.txt), and the LEVEL and FILTER arguments.

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

/// Captures where tshark reports an item sockeye does not raise, with the reason.
const KNOWN_GAPS: &[(&str, &str)] = &[(
    "tcp_dupack",
    "tshark runs its HTTP dissector over mid-stream bytes and warns 'Illegal characters \
     found in header name'; sockeye does not call those bytes HTTP",
)];

#[test]
fn expert_matches_tshark_on_every_textbook_capture() {
    let mut compared = 0;
    for path in textbook_paths() {
        let name = stem(&path);
        let got = run(&path, "expert");
        let want = expected(&format!("{name}.expert.txt"));
        if let Some((_, why)) = KNOWN_GAPS.iter().find(|(n, _)| *n == name) {
            assert_ne!(
                got, want,
                "{name} now matches: drop it from KNOWN_GAPS ({why})"
            );
            continue;
        }
        assert_eq!(got, want, "{name}");
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} captures compared");
}

#[test]
fn expert_level_and_filter() {
    assert_eq!(
        run(&textbook("tcp_refuseconnection.pcapng"), "expert,warn"),
        expected("tcp_refuseconnection.expert-warn.txt")
    );
    assert_eq!(
        run(&textbook("http_dvwa_clearlogin.pcapng"), "expert,note,tcp"),
        expected("http_dvwa_clearlogin.expert-note-tcp.txt")
    );
}

#[test]
fn bad_expert_spec_is_exit_2_naming_the_spec() {
    let out = sockeye(&[
        "-r",
        textbook("dns.pcap").to_str().unwrap(),
        "-z",
        "expert,tcp.port ==",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-z expert,tcp.port =="));
}
