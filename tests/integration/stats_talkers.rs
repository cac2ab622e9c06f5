//! `-z conv,eth|ip|ipv6` and `-z endpoints,eth|ip|ipv6|tcp|udp` against what tshark 4.0
//! printed for every textbook capture (tests/data/stats/NAME.conv-ip.txt and so on).

use crate::kit::{root, sockeye, stdout, stem, textbook, textbook_paths};

const TABLES: [&str; 8] = [
    "conv,eth",
    "conv,ip",
    "conv,ipv6",
    "endpoints,eth",
    "endpoints,ip",
    "endpoints,ipv6",
    "endpoints,tcp",
    "endpoints,udp",
];

#[test]
fn conversations_and_endpoints_match_tshark_on_every_textbook_capture() {
    let mut compared = 0;
    for path in textbook_paths() {
        let name = stem(&path);
        // One run prints every table, in the order asked for.
        let mut args = vec!["-r", path.to_str().unwrap(), "-q"];
        for table in TABLES {
            args.extend(["-z", table]);
        }
        let out = sockeye(&args);
        assert!(out.status.success(), "{name}");
        let want: String = TABLES
            .iter()
            .map(|t| {
                let file = format!("{name}.{}.txt", t.replace(',', "-"));
                std::fs::read_to_string(root().join("tests/data/stats").join(file)).unwrap()
            })
            .collect();
        assert_eq!(stdout(&out), want, "{name}");
        compared += 1;
    }
    assert!(compared >= 25, "only {compared} captures");
}

#[test]
fn unknown_endpoint_table_is_exit_2() {
    let out = sockeye(&[
        "-r",
        textbook("dns.pcap").to_str().unwrap(),
        "-z",
        "endpoints,sctp",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("endpoints,sctp"));
}
