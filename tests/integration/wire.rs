//! 802.3/LLC with STP, LLDP and CDP; tunnels (IP in IP, GRE, VXLAN, Geneve, MPLS) with a TCP
//! handshake inside each; headers that lie about their lengths. sockeye's `-T fields`
//! against what tshark 4.0 printed for the same bytes (captures/make_wire.py builds them,
//! tests/data/wire/record.sh recorded tshark), cell by cell; and every truncation of every
//! frame decodes without panicking, keeping the layers that fit.

use sockeye::decode::decode;
use sockeye::frame::{Direction, Frame, LinkType};

use crate::kit::{root, sockeye, stdout};

fn capture(name: &str) -> String {
    root()
        .join("captures")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/data/wire").join(name)).unwrap()
}

/// Runs sockeye with the TSV's header as `-e` fields (all occurrences, `,`-joined, as
/// recorded) and returns the header and each frame's cells.
fn sockeye_fields(capture_name: &str, header: &[&str], joiner: char) -> Vec<Vec<String>> {
    let path = capture(capture_name);
    let aggregator = format!("aggregator={joiner}");
    let mut args = vec![
        "-r",
        &path,
        "-T",
        "fields",
        "-E",
        "header=y",
        "-E",
        "occurrence=a",
        "-E",
        &aggregator,
    ];
    for name in header {
        args.push("-e");
        args.push(name);
    }
    let output = sockeye(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = stdout(&output);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap().split('\t').collect::<Vec<_>>(),
        header
    );
    lines
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// Compares every cell of the columns `include` accepts; returns how many were compared.
fn compare(capture_name: &str, tsv: &str, include: impl Fn(&str) -> bool) -> usize {
    let want_text = expected(tsv);
    let mut lines = want_text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let want: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    let got = sockeye_fields(capture_name, &header, ',');
    assert_eq!(got.len(), want.len(), "{capture_name}: frame count");
    let mut compared = 0;
    let mut report = String::new();
    for (frame, (w, g)) in want.iter().zip(&got).enumerate() {
        for (col, name) in header.iter().enumerate() {
            if !include(name) {
                continue;
            }
            compared += 1;
            let (w, g) = (
                w.get(col).copied().unwrap_or(""),
                g.get(col).map_or("", String::as_str),
            );
            if w != g {
                report.push_str(&format!(
                    "{capture_name} frame {} {name}: tshark {w:?}, sockeye {g:?}\n",
                    frame + 1
                ));
            }
        }
    }
    assert!(
        report.is_empty(),
        "cells that differ from tshark:\n{report}"
    );
    println!("{capture_name}: {compared} cells agree with tshark");
    compared
}

#[test]
fn link_layers_match_tshark() {
    let compared = compare("link_layers.pcapng", "link_layers.tsv", |_| true);
    assert!(compared > 300, "{compared}");
}

#[test]
fn tunnels_match_tshark() {
    let compared = compare("tunnels.pcapng", "tunnels.tsv", |_| true);
    assert!(compared > 2000, "{compared}");
}

/// Every line of tshark's conversation table is a prefix of sockeye's (which adds a state
/// column): the tunnels' inner endpoints are the TCP conversations, the VXLAN/Geneve outer
/// endpoints the UDP ones.
#[test]
fn tunnel_conversations_match_tshark() {
    for (stat, file) in [
        ("conv,tcp", "tunnels.convtcp.txt"),
        ("conv,udp", "tunnels.convudp.txt"),
    ] {
        let out = sockeye(&["-r", &capture("tunnels.pcapng"), "-q", "-z", stat]);
        assert!(out.status.success());
        let got = stdout(&out);
        let want = expected(file);
        let (got, want): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
        assert_eq!(got.len(), want.len(), "{stat}:\n{}", got.join("\n"));
        for (g, w) in got.iter().zip(&want) {
            assert!(g.starts_with(w.trim_end()), "{stat}:\n got: {g}\nwant: {w}");
        }
    }
}

/// tshark's cells for the malformed frames, with two columns compared by meaning:
/// `_ws.malformed` (tshark prints odd labels; what matters is whether it is there, which
/// sockeye's `-Y _ws.malformed` answers) and `_ws.expert.message` (tshark's warnings and
/// errors about the lengths; its chat-level notes such as "Connection establish request"
/// and the generic "Malformed Packet (Exception occurred)" are not sockeye's).
#[test]
fn malformed_lengths_match_tshark() {
    // tshark runs its sequence analysis on a TCP header whose data offset is under 5
    // words (so its Info reads `Ack=1` for a raw 0) and counts `tcp.len` from that bogus
    // offset; sockeye shows such a header's raw numbers, as tshark does for the other
    // headers it gives up on. Listed here, so any other difference fails.
    let known = [(7, "_ws.col.Info"), (7, "tcp.len")];
    let want_text = expected("malformed.tsv");
    let mut lines = want_text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let want: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    // sockeye has no severity field: it is asked for every other column.
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (malformed, message, severity) = (
        column("_ws.malformed"),
        column("_ws.expert.message"),
        column("_ws.expert.severity"),
    );
    assert_eq!(severity, header.len() - 1, "severity is the last column");
    let got = sockeye_fields("malformed.pcapng", &header[..severity], '|');
    assert_eq!(got.len(), want.len());
    let mut report = String::new();
    let mut compared = 0;
    for (index, (w, g)) in want.iter().zip(&got).enumerate() {
        let frame = index + 1;
        for (col, name) in header.iter().enumerate() {
            if [malformed, message, severity].contains(&col) || known.contains(&(frame, name)) {
                continue;
            }
            compared += 1;
            let (w, g) = (
                w.get(col).copied().unwrap_or(""),
                g.get(col).map_or("", String::as_str),
            );
            if w != g {
                report.push_str(&format!(
                    "frame {frame} {name}: tshark {w:?}, sockeye {g:?}\n"
                ));
            }
        }
        // The warnings and errors, in order.
        let messages: Vec<&str> = w.get(message).copied().unwrap_or("").split('|').collect();
        let severities: Vec<&str> = w.get(severity).copied().unwrap_or("").split('|').collect();
        let want_messages: Vec<&str> = messages
            .iter()
            .zip(&severities)
            .filter(|(m, s)| {
                s.parse::<u64>().unwrap_or(0) >= 6_291_456
                    && **m != "Malformed Packet (Exception occurred)"
            })
            .map(|(m, _)| *m)
            .collect();
        let got_messages: Vec<&str> = g
            .get(message)
            .map_or("", String::as_str)
            .split('|')
            .filter(|m| !m.is_empty() && !m.starts_with("Bad checksum"))
            .collect();
        compared += 1;
        if want_messages != got_messages {
            report.push_str(&format!(
                "frame {frame} expert: tshark {want_messages:?}, sockeye {got_messages:?}\n"
            ));
        }
    }
    // Which frames tshark marks malformed, against sockeye's display filter.
    let marked: Vec<String> = want
        .iter()
        .enumerate()
        .filter(|(_, w)| !w.get(malformed).copied().unwrap_or("").is_empty())
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    let out = sockeye(&[
        "-r",
        &capture("malformed.pcapng"),
        "-Y",
        "_ws.malformed",
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]);
    let got_marked: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    compared += 1;
    if marked != got_marked {
        report.push_str(&format!(
            "_ws.malformed frames: tshark {marked:?}, sockeye {got_marked:?}\n"
        ));
    }
    assert!(report.is_empty(), "differences from tshark:\n{report}");
    println!("malformed.pcapng: {compared} cells agree with tshark");
}

/// Reads the Ethernet frames of one of the captures made by captures/make_wire.py (pcapng,
/// one interface, Enhanced Packet Blocks), independently of sockeye's reader.
fn frames_of(name: &str) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(capture(name)).unwrap();
    let mut frames = Vec::new();
    let mut at = 0;
    while at + 12 <= bytes.len() {
        let word = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
        let (kind, len) = (word(at), word(at + 4));
        if kind == 6 {
            let captured = word(at + 20);
            frames.push(bytes[at + 28..at + 28 + captured].to_vec());
        }
        at += len;
    }
    frames
}

/// Every prefix of every frame (a capture cut at every possible length): no panic, the
/// layers decoded are the full frame's first layers at the same offsets (the last may be
/// a shorter view of the same header), and a cut frame says where it stopped.
#[test]
fn every_truncation_decodes_what_fits() {
    let mut checked = 0;
    for name in ["link_layers.pcapng", "tunnels.pcapng", "malformed.pcapng"] {
        for (index, data) in frames_of(name).iter().enumerate() {
            let whole = decode(&frame(data, data.len()));
            let names: Vec<(&str, usize)> = whole
                .layers
                .iter()
                .map(|l| (l.header.name(), l.offset))
                .collect();
            for cut in 0..data.len() {
                let packet = decode(&frame(&data[..cut], data.len()));
                let got: Vec<(&str, usize)> = packet
                    .layers
                    .iter()
                    .map(|l| (l.header.name(), l.offset))
                    .collect();
                assert!(
                    got.len() <= names.len() && got.iter().zip(&names).all(|(g, w)| g == w),
                    "{name} frame {} cut at {cut}: {got:?} is not a prefix of {names:?}",
                    index + 1
                );
                let headers_end = whole.layers.last().map_or(0, |l| l.offset + l.len);
                assert!(
                    cut >= headers_end || packet.stop.is_some(),
                    "{name} frame {} cut at {cut} inside its headers: nothing says so",
                    index + 1
                );
                // Emitting its fields reads only what is there.
                let mut fields = sockeye::decode::FieldList::new();
                sockeye::decode::emit(&packet, &Default::default(), "", &(), &mut fields);
                checked += 1;
            }
        }
    }
    assert!(checked > 3000, "{checked}");
}

fn frame(data: &[u8], orig_len: usize) -> Frame<'_> {
    Frame {
        ts_ns: 0,
        data,
        orig_len: orig_len as u32,
        link: LinkType::ETHERNET,
        interface: 0,
        direction: Direction::Unknown,
    }
}

/// `sockeye -r` prints tcpdump -n's line for each tunnelled and bridge-protocol frame
/// (recorded with tcpdump 4.99, the timestamp cut off). tcpdump follows its CDP line with
/// hex dumps of the TLVs it does not name; sockeye's CDP line is tcpdump's first line with
/// the length it ends on.
#[test]
fn tunnel_and_bridge_lines_match_tcpdump() {
    for name in ["tunnels", "link_layers"] {
        let out = sockeye(&["-r", &capture(&format!("{name}.pcapng"))]);
        assert!(out.status.success());
        let text = stdout(&out);
        let got: Vec<&str> = text
            .lines()
            .map(|l| l.split_once(' ').map_or(l, |(_, rest)| rest))
            .collect();
        let want_text = expected(&format!("{name}.tcpdump.txt"));
        // tcpdump's hex-dump lines belong to the line before them.
        let mut want: Vec<String> = Vec::new();
        for line in want_text.lines() {
            match (
                line.starts_with(' ') || line.starts_with('\t'),
                want.last_mut(),
            ) {
                (true, Some(last)) => {
                    if let Some((_, length)) = line.rsplit_once(", length ") {
                        last.push_str(&format!(", length {length}"));
                    }
                }
                _ => want.push(line.to_string()),
            }
        }
        // VXLAN: tcpdump ends its header line with a newline before the inner packet, and
        // the timestamp cut treats both outputs' second line alike.
        assert_eq!(got.join("\n"), want.join("\n"), "{name}");
    }
}

/// Display filters on the new layers' fields select the frames tshark's `-Y` selects.
#[test]
fn filters_on_new_fields_match_tshark() {
    let cases = expected("filters.tsv");
    let mut report = String::new();
    let mut count = 0;
    for line in cases.lines().skip(1) {
        let mut cells = line.split('\t');
        let (Some(name), Some(expr)) = (cells.next(), cells.next()) else {
            continue;
        };
        let want = cells.next().unwrap_or("");
        let out = sockeye(&[
            "-r",
            &capture(name),
            "-Y",
            expr,
            "-T",
            "fields",
            "-e",
            "frame.number",
        ]);
        assert!(
            out.status.success(),
            "{expr}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = stdout(&out).lines().collect::<Vec<_>>().join(",");
        if got != want {
            report.push_str(&format!(
                "{name} {expr:?}: tshark [{want}], sockeye [{got}]\n"
            ));
        }
        count += 1;
    }
    assert!(count >= 20, "{count}");
    assert!(
        report.is_empty(),
        "filters that disagree with tshark:\n{report}"
    );
}

/// `-V`: every line tshark prints for the 802.3, LLC, spanning tree, LLDP, CDP, GRE, VXLAN
/// and MPLS layers (and the Ethernet and IPv6 layers inside the tunnels), sockeye prints
/// too, per packet. Geneve's options and UDP's timestamps subtree are not drawn line for
/// line yet; those lines (and IPv4's and TCP's) are counted and printed, not required.
#[test]
fn verbose_tree_of_new_layers_matches_tshark() {
    const REQUIRED: [&str; 11] = [
        "IEEE 802.3 Ethernet",
        "Link Layer Discovery Protocol",
        "Cisco Discovery Protocol",
        "Logical-Link Control",
        "Spanning Tree Protocol",
        "Generic Routing Encapsulation",
        "Virtual eXtensible Local Area Network",
        "MultiProtocol Label Switching Header",
        "Ethernet II",
        "Internet Protocol Version 6",
        "Frame ",
    ];
    let mut report = String::new();
    let (mut matched, mut total, mut other_matched, mut other_total) = (0, 0, 0, 0);
    for name in ["link_layers", "tunnels"] {
        let want = expected(&format!("{name}.verbose.txt"));
        let out = sockeye(&["-V", "-r", &capture(&format!("{name}.pcapng"))]);
        let got = stdout(&out);
        let split = |text: &str| -> Vec<Vec<String>> {
            let mut packets: Vec<Vec<String>> = Vec::new();
            for line in text.lines() {
                if line.starts_with("Frame ") {
                    packets.push(Vec::new());
                }
                if let Some(p) = packets.last_mut() {
                    if !line.trim().is_empty() {
                        p.push(line.trim_end().to_string());
                    }
                }
            }
            packets
        };
        let (want, got) = (split(&want), split(&got));
        assert_eq!(want.len(), got.len(), "{name}: packets");
        for (number, (w, g)) in want.iter().zip(&got).enumerate() {
            let mut have: Vec<&String> = g.iter().collect();
            let mut layer = String::new();
            for line in w {
                if !line.starts_with(' ') {
                    layer.clone_from(line);
                }
                // tshark's LLDP dissector reports 3 bytes fewer than its TLVs hold (it
                // stops before the End TLV and the last byte before it), so its Ethernet
                // layer shows them as a trailer; sockeye does not copy that.
                let quirk = line.starts_with("    Trailer: ");
                let required = REQUIRED.iter().any(|r| layer.starts_with(r)) && !quirk;
                let found = have.iter().position(|h| *h == line);
                if let Some(at) = found {
                    have.remove(at);
                }
                match (required, found.is_some()) {
                    (true, true) => matched += 1,
                    (true, false) => {
                        report.push_str(&format!("{name} packet {}: {line}\n", number + 1))
                    }
                    (false, true) => other_matched += 1,
                    (false, false) => {}
                }
                if required {
                    total += 1;
                } else {
                    other_total += 1;
                }
            }
        }
    }
    println!(
        "-V: {matched}/{total} lines of the required layers, {other_matched}/{other_total} of \
         the others (IPv4, TCP, UDP, Geneve)"
    );
    assert!(total > 1000, "{total}");
    assert!(
        report.is_empty(),
        "lines tshark prints and sockeye does not:\n{report}"
    );
}
