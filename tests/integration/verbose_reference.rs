//! `-V` against tshark -V: for every shipped textbook capture, the share of tshark's lines
//! (per packet, as a multiset, indentation included) that sockeye prints identically.
//! Lines of the protocols sockeye decodes (frame, link, IP, transport) count towards the
//! goal; lines of layers it does not decode yet (DNS, HTTP, TLS, 802.11, data …) are
//! reported apart. sockeye's own lines (`[sockeye: …]`) are not tshark's and are ignored.
//! Each capture has a floor at what was reached, so the figure can only go up.
//!
//! `cargo test --test integration verbose_reference -- --nocapture` prints the table.

use std::collections::HashMap;

use crate::support::{root, sockeye, stdout, textbook};

/// Protocol lines (no indentation) that open a layer sockeye decodes.
const CLAIMED: [&str; 9] = [
    "Frame ",
    "Ethernet II",
    "Linux cooked capture",
    "Address Resolution Protocol",
    "Internet Protocol Version 4",
    "Internet Protocol Version 6",
    "Transmission Control Protocol",
    "User Datagram Protocol",
    "Internet Control Message Protocol",
];

/// Per capture: the lowest share (percent, claimed layers) this test accepts.
const FLOORS: [(&str, f64); 17] = [
    ("80211beacon", 94.1),
    ("arp_resolution", 98.6),
    ("dns", 88.1),
    ("dns_query_response", 93.2),
    ("dns_tcp", 98.3),
    ("http_google", 97.3),
    ("http_ip4and6", 99.3),
    ("icmp_echo", 98.2),
    ("icmpv6_neighbor_solicitation", 94.0),
    ("ip_frag_source", 92.2),
    ("tcp_dupack", 99.3),
    ("tcp_handshake", 100.0),
    ("tcp_refuseconnection", 99.4),
    ("tcp_retransmissions", 92.1),
    ("tcp_teardown", 97.1),
    ("tcp_zerowindowrecovery", 99.3),
    ("udp_dnsrequest", 93.2),
];

/// The overall floor (claimed layers, all captures).
const OVERALL_FLOOR: f64 = 97.2;

/// The packets of a `-V` text: each starts at a `Frame N:` line; blank lines dropped.
fn packets(text: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    for line in text.lines() {
        if line.starts_with("Frame ") {
            out.push(Vec::new());
        }
        if let Some(packet) = out.last_mut() {
            if !line.trim().is_empty() {
                packet.push(line.trim_end());
            }
        }
    }
    out
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    claimed_same: usize,
    claimed: usize,
    other_same: usize,
    other: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.claimed_same += other.claimed_same;
        self.claimed += other.claimed;
        self.other_same += other.other_same;
        self.other += other.other;
    }

    fn percent(&self) -> f64 {
        100.0 * self.claimed_same as f64 / self.claimed.max(1) as f64
    }
}

fn compare(tshark: &str, ours: &str) -> Tally {
    let theirs = packets(tshark);
    let ours = packets(ours);
    let mut tally = Tally::default();
    for (index, packet) in theirs.iter().enumerate() {
        let mut available: HashMap<&str, usize> = HashMap::new();
        for line in ours.get(index).into_iter().flatten() {
            if !line.trim_start().starts_with("[sockeye: ") {
                *available.entry(line).or_default() += 1;
            }
        }
        let mut claimed = false;
        for line in packet {
            if !line.starts_with(' ') {
                claimed = CLAIMED.iter().any(|p| line.starts_with(p));
            }
            let same = available.get_mut(line).is_some_and(|n| {
                let had = *n > 0;
                *n = n.saturating_sub(1);
                had
            });
            if claimed {
                tally.claimed += 1;
                tally.claimed_same += usize::from(same);
            } else {
                tally.other += 1;
                tally.other_same += usize::from(same);
            }
        }
    }
    tally
}

#[test]
fn verbose_reference() {
    let dir = root().join("tests/data/verbose");
    let mut total = Tally::default();
    let mut below = Vec::new();
    println!(
        "{:32} {:>15} {:>8}   {:>15}",
        "capture", "claimed lines", "share", "other layers"
    );
    for (name, floor) in FLOORS {
        let expected = std::fs::read_to_string(dir.join(format!("{name}.txt")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let capture = ["pcapng", "pcap"]
            .iter()
            .map(|ext| textbook(&format!("{name}.{ext}")))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("no capture for {name}"));
        let output = sockeye(&["-V", "-r", &capture.to_string_lossy()]);
        assert!(output.status.success(), "{name}: sockeye -V failed");
        let tally = compare(&expected, &stdout(&output));
        println!(
            "{name:32} {:>7}/{:<7} {:>7.1}%   {:>7}/{:<7}",
            tally.claimed_same,
            tally.claimed,
            tally.percent(),
            tally.other_same,
            tally.other
        );
        if tally.percent() < floor {
            below.push(format!("{name}: {:.1}% < {floor}%", tally.percent()));
        }
        total.add(tally);
    }
    println!(
        "{:32} {:>7}/{:<7} {:>7.1}%   {:>7}/{:<7}",
        "overall",
        total.claimed_same,
        total.claimed,
        total.percent(),
        total.other_same,
        total.other
    );
    assert!(below.is_empty(), "below the floor: {below:?}");
    assert!(
        total.percent() >= OVERALL_FLOOR,
        "overall {:.1}% < {OVERALL_FLOOR}%",
        total.percent()
    );
    // Every recorded capture is measured.
    let recorded = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "txt"))
        })
        .count();
    assert_eq!(recorded, FLOORS.len());
}

#[test]
fn the_comparison_counts_what_differs() {
    let tshark = "Frame 1: x\n    a\n    b\nDomain Name System\n    q\nFrame 2: y\n    a\n";
    let ours = "Frame 1: x\n    a\n    [sockeye: b]\nFrame 2: y\n    a\n    a\n";
    let tally = compare(tshark, ours);
    assert_eq!(
        (
            tally.claimed_same,
            tally.claimed,
            tally.other_same,
            tally.other
        ),
        (4, 5, 0, 2)
    );
}
