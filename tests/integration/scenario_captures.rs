//! The shipped scenario captures (captures/scenarios/) replay with the packet pattern each
//! lesson is about.

use crate::kit::{root, sockeye, stdout};

fn flags(name: &str) -> Vec<String> {
    let path = root().join("captures/scenarios").join(name);
    let out = sockeye(&["-r", path.to_str().unwrap()]);
    assert!(out.status.success(), "{name}");
    stdout(&out)
        .lines()
        .filter_map(|l| Some(l.split_once(" Flags [")?.1.split_once(']')?.0.to_string()))
        .collect()
}

#[test]
fn every_scenario_capture_shows_its_lesson() {
    for variant in ["loopback", "lab"] {
        let hs = flags(&format!("handshake-{variant}.pcapng"));
        assert_eq!(hs[..3], ["S", "S.", "."], "{variant}: {hs:?}");
        assert_eq!(
            flags(&format!("refused-{variant}.pcapng")),
            ["S", "R."],
            "{variant}"
        );
        let reset = flags(&format!("reset-{variant}.pcapng"));
        assert!(
            reset.last().is_some_and(|f| f.starts_with('R')),
            "{variant}: {reset:?}"
        );
        let half = flags(&format!("half-close-{variant}.pcapng"));
        assert_eq!(
            half.iter().filter(|f| f.contains('F')).count(),
            2,
            "{variant}: {half:?}"
        );
        let bulk = flags(&format!("bulk-{variant}.pcapng"));
        assert!(bulk.len() > 50, "{variant}: {} segments", bulk.len());
        let udp = sockeye(&[
            "-r",
            root()
                .join(format!("captures/scenarios/udp-{variant}.pcapng"))
                .to_str()
                .unwrap(),
        ]);
        assert!(stdout(&udp).contains("ICMP port unreachable"), "{variant}");
    }
    let lab = sockeye(&[
        "-r",
        root()
            .join("captures/scenarios/handshake-lab.pcapng")
            .to_str()
            .unwrap(),
    ]);
    assert!(
        stdout(&lab).contains("ARP, Request who-has 192.0.2.1"),
        "the lab shows ARP"
    );
}
