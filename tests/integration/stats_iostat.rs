//! `-z io,stat` against what tshark 4.0 printed for every textbook capture
//! (tests/data/stats/NAME.iostat.txt holds the tables of SPECS, one after the other).

use crate::kit::{root, sockeye, stdout, stem, textbook, textbook_paths};

const SPECS: [&str; 5] = [
    "io,stat,0",
    "io,stat,1",
    "io,stat,0.5",
    "io,stat,5",
    "io,stat,0.25,tcp,udp,COUNT(tcp.analysis.retransmission)tcp.analysis.retransmission,\
     MAX(frame.len)frame.len,AVG(frame.len)frame.len,MIN(tcp.len)tcp.len,SUM(frame.len)ip",
];

#[test]
fn io_stat_matches_tshark_on_every_textbook_capture() {
    let mut compared = 0;
    for path in textbook_paths() {
        let name = stem(&path);
        let got: String = SPECS
            .iter()
            .map(|spec| {
                let out = sockeye(&["-r", path.to_str().unwrap(), "-q", "-z", spec]);
                assert!(out.status.success(), "{name} {spec}");
                stdout(&out)
            })
            .collect();
        let want = std::fs::read_to_string(
            root()
                .join("tests/data/stats")
                .join(format!("{name}.iostat.txt")),
        )
        .unwrap();
        assert_eq!(got, want, "{name}");
        compared += 1;
    }
    assert!(compared >= 25, "only {compared} captures");
}

#[test]
fn bad_io_stat_specs_are_exit_2_with_the_reason() {
    let capture = textbook("dns.pcap");
    for (spec, says) in [
        ("io,stat,fast", "not an interval"),
        ("io,stat,1,SUM(no.such.field)", "no field named"),
        ("io,stat,1,COUNT(frame.len", "closing parenthesis"),
        ("io,stat,1,tcp.port ==", "io,stat,1,tcp.port =="),
    ] {
        let out = sockeye(&["-r", capture.to_str().unwrap(), "-z", spec]);
        assert_eq!(out.status.code(), Some(2), "{spec}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{spec}: {err}");
    }
}
