//! Resolved names in the details tree (`-V`) and in `-T json`, against tshark 4.0 with
//! `-N mntd` and with `-n` (recorded by tools/names_record_tree.py), on every textbook
//! capture and on a capture built to exercise learned host names; and the port names of
//! the whole services table against `tshark -N t` (tools/ports_record.py).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::kit::{root, sockeye, stderr, stdout, textbook_paths, Scratch};

fn data(name: &str) -> PathBuf {
    root().join("tests/data/names").join(name)
}

/// The captures with recorded tree and JSON names (802.11 is not decoded: nothing to name).
fn captures() -> Vec<(String, PathBuf)> {
    let mut paths = textbook_paths();
    paths.push(data("dns_names.pcap"));
    paths
        .into_iter()
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), p))
        .filter(|(stem, _)| stem != "80211beacon")
        .collect()
}

fn run(capture: &Path, args: &[&str]) -> String {
    let mut all = vec!["-r", capture.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = sockeye(&all);
    assert!(
        out.status.success(),
        "{}: {}",
        capture.display(),
        stderr(&out)
    );
    stdout(&out)
}

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

/// Takes one occurrence of `line` from `packet`'s lines, if there is one left.
fn take(available: &mut HashMap<String, usize>, line: &str) -> bool {
    available.get_mut(line).is_some_and(|n| {
        let had = *n > 0;
        *n = n.saturating_sub(1);
        had
    })
}

fn multiset(lines: &[&str]) -> HashMap<String, usize> {
    let mut set = HashMap::new();
    for line in lines {
        *set.entry((*line).to_string()).or_default() += 1;
    }
    set
}

/// Every tree line tshark's names change is compared where sockeye prints tshark's line
/// without names (layers sockeye draws its own way are counted apart): with `-N mtd`
/// sockeye must print tshark's named line. And the other way round: every line names
/// change in sockeye's tree must be one tshark changes the same way.
#[test]
fn verbose_names_agree_with_tshark() {
    let (mut agreed, mut uncompared, mut problems) = (0usize, 0usize, Vec::new());
    for (stem, capture) in captures() {
        let expected = std::fs::read_to_string(data(&format!("tree/{stem}.verbose.tsv")))
            .unwrap_or_else(|e| panic!("{stem}: {e}"));
        let (plain_text, named_text) =
            (run(&capture, &["-V"]), run(&capture, &["-V", "-N", "mtd"]));
        let (plain, named) = (packets(&plain_text), packets(&named_text));
        assert_eq!(plain.len(), named.len(), "{stem}: packets");
        let mut plain_sets: Vec<_> = plain.iter().map(|p| multiset(p)).collect();
        let mut named_sets: Vec<_> = named.iter().map(|p| multiset(p)).collect();
        let mut tshark_named: Vec<HashMap<String, usize>> = vec![HashMap::new(); plain.len()];
        for row in expected.lines() {
            let mut cols = row.splitn(3, '\t');
            let (Some(frame), Some(before), Some(after)) = (cols.next(), cols.next(), cols.next())
            else {
                panic!("{stem}: bad row {row:?}");
            };
            let index: usize = frame.parse::<usize>().unwrap() - 1;
            // Compared without indentation: a layer sockeye draws at another depth (DNS
            // answers) still names what tshark names.
            *tshark_named[index]
                .entry(after.trim().to_string())
                .or_default() += 1;
            if !take(&mut plain_sets[index], before) {
                uncompared += 1;
                continue;
            }
            if take(&mut named_sets[index], after) {
                agreed += 1;
            } else {
                problems.push(format!("{stem} frame {frame}: no {after:?}"));
            }
        }
        // What names change in sockeye's own tree, tshark changes too.
        for (index, (p, n)) in plain.iter().zip(&named).enumerate() {
            assert_eq!(
                p.len(),
                n.len(),
                "{stem} frame {}: names changed the line count",
                index + 1
            );
            for (a, b) in p.iter().zip(n) {
                if a != b && !take(&mut tshark_named[index], b.trim()) {
                    problems.push(format!("{stem} frame {}: tshark has no {b:?}", index + 1));
                }
            }
        }
    }
    println!(
        "-V names: {agreed} lines agree with tshark -N mntd; {uncompared} lines of layers sockeye draws its own way"
    );
    assert!(
        problems.is_empty(),
        "{} lines differ:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(agreed > 3_000, "only {agreed} lines compared");
}

/// The value at `path` (keys from the packet's layers down) of a JSON packet.
fn at<'v>(packet: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    path.split('/')
        .try_fold(&packet["_source"]["layers"], |v, key| v.get(key))
}

/// `eth.dst_resolved`, `eth.src.oui_resolved`, `ip.src_host`, … at tshark's place in the
/// JSON, with tshark's value, with and without names.
#[test]
fn json_names_agree_with_tshark() {
    let (mut agreed, mut named, mut problems) = (0usize, 0usize, Vec::new());
    // Every kind of address: vendors, broadcast, IPv6, learned host names, ARP and DHCP
    // frames (the tree test covers every capture; this keeps JSON's run short).
    let kinds = [
        "arp_resolution",
        "dhcp_inlease_renewal",
        "dns_names",
        "http_ip4and6",
        "icmpv6_neighbor_solicitation",
        "tcp_handshake",
    ];
    for (stem, capture) in captures()
        .into_iter()
        .filter(|(s, _)| kinds.contains(&s.as_str()))
    {
        let expected = std::fs::read_to_string(data(&format!("tree/{stem}.json.tsv")))
            .unwrap_or_else(|e| panic!("{stem}: {e}"));
        let docs: Vec<serde_json::Value> = [&["-T", "json"][..], &["-T", "json", "-N", "mtd"]]
            .iter()
            .map(|args| serde_json::from_str(&run(&capture, args)).unwrap())
            .collect();
        for row in expected.lines() {
            let cols: Vec<&str> = row.split('\t').collect();
            let [frame, path, plain, resolved] = cols[..] else {
                panic!("{stem}: bad row {row:?}");
            };
            let index: usize = frame.parse::<usize>().unwrap() - 1;
            // An ICMP error's quoted header carries no names in sockeye (tshark resolves
            // the quoted addresses too).
            if path.starts_with("icmp") {
                continue;
            }
            for (doc, want) in docs.iter().zip([plain, resolved]) {
                // Without names sockeye leaves out the vendor's long name (it would unpack
                // the vendor table for every tree; `-T fields -e` asks for it by name).
                if path.ends_with(".oui_resolved") && std::ptr::eq(doc, &docs[0]) {
                    continue;
                }
                let got = at(&doc[index], path).and_then(|v| v.as_str());
                if got == Some(want) {
                    agreed += 1;
                    named += usize::from(want != plain);
                } else {
                    problems.push(format!(
                        "{stem} frame {frame} {path}: sockeye {got:?}, tshark {want:?}"
                    ));
                }
            }
        }
    }
    println!("JSON names: {agreed} values agree with tshark (-n and -N mntd), {named} of them resolved names");
    assert!(
        problems.is_empty(),
        "{} values differ:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(named > 100, "only {named} resolved values compared");
}

/// tshark's name of every TCP and UDP port (`-N t`), port by port.
fn tshark_ports() -> HashMap<(bool, u16), String> {
    let text = std::fs::read_to_string(data("ports_tshark.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (
                (cols[0] == "tcp", cols[1].parse().unwrap()),
                cols[2].to_string(),
            )
        })
        .collect()
}

#[test]
fn every_port_tshark_names_sockeye_names() {
    use sockeye::names::{port_name, Transport};
    let theirs = tshark_ports();
    assert!(
        theirs.len() > 11_000,
        "{} named ports recorded",
        theirs.len()
    );
    let mut problems = Vec::new();
    for port in 0..=u16::MAX {
        for (tcp, transport) in [(true, Transport::Tcp), (false, Transport::Udp)] {
            let want = theirs.get(&(tcp, port)).map(String::as_str);
            let got = port_name(transport, port);
            if got != want {
                problems.push(format!(
                    "{transport:?} {port}: sockeye {got:?}, tshark {want:?}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A TCP SYN from `port` to `port + 1` and a UDP datagram between the same ports.
fn port_frames(port: u16) -> [Vec<u8>; 2] {
    let other = port.wrapping_add(1);
    let mut l4 = [
        [
            &port.to_be_bytes()[..],
            &other.to_be_bytes(),
            &[0; 8],
            &[0x50, 0x02, 4, 0, 0, 0, 0, 0],
        ]
        .concat(),
        [&port.to_be_bytes()[..], &other.to_be_bytes(), &[0, 8, 0, 0]].concat(),
    ];
    let mut frames = [Vec::new(), Vec::new()];
    for (i, (payload, proto)) in l4.iter_mut().zip([6u8, 17]).enumerate() {
        let total = (20 + payload.len()) as u16;
        let mut f = vec![2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 8, 0, 0x45, 0];
        f.extend_from_slice(&total.to_be_bytes());
        f.extend_from_slice(&[0, 0, 0x40, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        f.extend_from_slice(payload);
        frames[i] = f;
    }
    frames
}

/// The pipeline names ports from the whole table: the `-V` port lines of TCP and UDP
/// packets on a sample of ports across the range (every 61st port, named or not), as tshark
/// would print them from its names.
#[test]
fn ports_across_the_range_are_named_in_the_tree() {
    let theirs = tshark_ports();
    let ports: Vec<u16> = (0..=u16::MAX).step_by(61).collect();
    let mut pcap = Vec::new();
    pcap.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    pcap.extend_from_slice(&[
        2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
    ]);
    for port in &ports {
        for frame in port_frames(*port) {
            let len = (frame.len() as u32).to_le_bytes();
            pcap.extend_from_slice(&[0; 8]);
            pcap.extend_from_slice(&len);
            pcap.extend_from_slice(&len);
            pcap.extend_from_slice(&frame);
        }
    }
    let dir = Scratch::new("ports-tree");
    let path = PathBuf::from(dir.file("ports.pcap", &pcap));
    let text = run(&path, &["-V", "-N", "t"]);
    let shown = |tcp: bool, port: u16| match theirs.get(&(tcp, port)) {
        Some(name) => format!("{name} ({port})"),
        None => format!("{port} ({port})"),
    };
    let mut lines = text.lines().filter(|l| l.starts_with("    Source Port: "));
    let (mut named, mut problems) = (0, Vec::new());
    for port in &ports {
        for tcp in [true, false] {
            let want = format!("    Source Port: {}", shown(tcp, *port));
            named += usize::from(theirs.contains_key(&(tcp, *port)));
            let got = lines.next();
            if got != Some(want.as_str()) {
                problems.push(format!("sockeye {got:?}, tshark {want:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(named > 150, "only {named} named ports in the sample");
}
