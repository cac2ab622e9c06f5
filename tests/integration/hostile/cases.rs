//! Hand-made hostile captures, each with the sensible result it must produce: lengths that
//! lie, absurd header fields, pathological nesting. Each runs through the library (no panic)
//! and the binary (under the address-space limit, in every output mode).

use super::build::*;
use super::counted;
use super::harness::{assert_damage_explained, read_lib, run_bin, MODES};
use crate::kit::Scratch;

/// What a case must produce.
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    /// Exit code of the binary.
    exit: i32,
    /// Summary lines printed (one per packet).
    packets: usize,
    /// Substrings of the summary output / stderr that explain the result.
    stdout_has: &'static [&'static str],
    stderr_has: &'static [&'static str],
}

fn ok(
    name: &'static str,
    bytes: Vec<u8>,
    packets: usize,
    stdout_has: &'static [&'static str],
) -> Case {
    Case {
        name,
        bytes,
        exit: 0,
        packets,
        stdout_has,
        stderr_has: &[],
    }
}

fn damaged(
    name: &'static str,
    bytes: Vec<u8>,
    packets: usize,
    stderr_has: &'static [&'static str],
) -> Case {
    Case {
        name,
        bytes,
        exit: 2,
        packets,
        stdout_has: &[],
        stderr_has,
    }
}

fn good_frame() -> Vec<u8> {
    eth(ETH_IPV4, &ipv4(6, &tcp()))
}

/// Frames that decode partway and must say why they stopped.
fn frame_cases() -> Vec<Case> {
    let mut ihl3 = ipv4(6, &tcp());
    ihl3[0] = 0x43;
    let mut doff15 = tcp();
    doff15[12] = 0xF0;
    let mut doff2 = tcp();
    doff2[12] = 0x20;
    let mut vlans = Vec::new();
    for _ in 0..199 {
        vlans.extend_from_slice(&[0x00, 0x01, 0x81, 0x00]);
    }
    vlans.extend_from_slice(&[0x00, 0x01, 0x08, 0x00]);
    vlans.extend(ipv4(6, &tcp()));
    let trunc_ip = ipv4(17, &udp(8, &[]))[..10].to_vec();
    let quoted_tcp = ipv4(6, &tcp())[..24].to_vec();
    let trunc_ip6 = ipv6(17, &udp(8, &[]))[..20].to_vec();
    let one = |name: &'static str, frame: Vec<u8>, has: &'static [&'static str]| {
        ok(name, pcap(65535, &[frame]), 1, has)
    };
    vec![
        one(
            "IPv4 IHL < 5",
            eth(ETH_IPV4, &ihl3),
            &["[Bogus IP header length (12, must be at least 20)]"],
        ),
        one(
            "TCP data offset past the end",
            eth(ETH_IPV4, &ipv4(6, &doff15)),
            &["tcp header at byte 34"],
        ),
        one(
            "TCP data offset < 5",
            eth(ETH_IPV4, &ipv4(6, &doff2)),
            &["[Bogus TCP header length (8, must be at least 20)]"],
        ),
        one(
            "zero-length UDP (length field 0)",
            eth(ETH_IPV4, &ipv4(17, &udp(0, &[]))),
            &["[malformed: Bad length value 0 < 8]"],
        ),
        one(
            "empty UDP (length 8)",
            eth(ETH_IPV4, &ipv4(17, &udp(8, &[]))),
            &["UDP, length 0"],
        ),
        one(
            "UDP length field past the IP payload",
            eth(ETH_IPV4, &ipv4(17, &udp(4000, b"abc"))),
            &["[malformed: Bad length value 4000 > IP payload length]"],
        ),
        one(
            "ICMP error quoting a truncated IPv4 header",
            eth(ETH_IPV4, &ipv4(1, &icmp_error(3, 3, &trunc_ip))),
            &["ICMP"],
        ),
        one(
            "ICMP error quoting IPv4 + 4 bytes of TCP",
            eth(ETH_IPV4, &ipv4(1, &icmp_error(3, 1, &quoted_tcp))),
            &["ICMP"],
        ),
        one(
            "ICMPv6 error quoting a truncated IPv6 header",
            eth(ETH_IPV6, &ipv6(58, &icmp_error(1, 4, &trunc_ip6))),
            &["ICMP6"],
        ),
        one(
            "200 nested VLAN tags",
            eth(0x8100, &vlans),
            &["nested headers"],
        ),
        one(
            "Ethernet header cut short",
            vec![0x02, 0, 0, 0, 0, 2, 0x08],
            &["eth header at byte 0"],
        ),
        one("empty frame", Vec::new(), &["eth header at byte 0"]),
    ]
}

/// Classic pcap files whose header or record lengths are hostile.
fn pcap_cases() -> Vec<Case> {
    let frame = good_frame();
    let mut huge = pcap(65535, std::slice::from_ref(&frame));
    let huge_at = huge.len();
    huge.extend(pcap_record(u32::MAX, u32::MAX, &frame));
    let mut at_limit = pcap(65535, &[]);
    at_limit.extend(pcap_record(16 * 1024 * 1024, 16 * 1024 * 1024, &frame));
    let mut orig_4g = pcap_header(65535, 1);
    orig_4g.extend(pcap_record(frame.len() as u32, u32::MAX, &frame));
    let mut unknown_link = pcap_header(65535, 0xFFFF);
    unknown_link.extend(pcap_record(4, 4, &[1, 2, 3, 4]));
    assert_eq!(huge_at, 94, "the offset the message must name");
    vec![
        ok(
            "pcap snaplen 0",
            pcap(0, &[frame.clone(), frame.clone()]),
            2,
            &["Flags [S]"],
        ),
        ok(
            "pcap snaplen 2^32-1",
            pcap(u32::MAX, std::slice::from_ref(&frame)),
            1,
            &["Flags [S]"],
        ),
        damaged(
            "pcap record claiming 4 GiB captured",
            huge,
            1,
            &["claims 4294967295 captured bytes", "byte offset 94"],
        ),
        damaged(
            "pcap record claiming 16 MiB in a tiny file",
            at_limit,
            0,
            &["capture ends in the middle of a record at byte offset 24"],
        ),
        ok(
            "pcap record with orig_len 4 GiB",
            orig_4g,
            1,
            &["Flags [S]"],
        ),
        ok(
            "pcap with an unknown link type",
            unknown_link,
            1,
            &["not decoded"],
        ),
        ok("pcap header and no records", pcap(65535, &[]), 0, &[]),
        damaged("empty file", Vec::new(), 0, &["only 0 bytes long"]),
        damaged(
            "half a pcap header",
            pcap(65535, &[])[..12].to_vec(),
            0,
            &["byte offset 0"],
        ),
    ]
}

/// pcapng files with hostile block lengths, interfaces and timestamp resolutions.
fn pcapng_cases() -> Vec<Case> {
    let frame = good_frame();
    let base = || concat(&[shb(), idb(1, 0, None)]);
    let with = |block: Vec<u8>| concat(&[base(), epb(0, 1, &frame), block]);
    let mut many = shb();
    for _ in 0..10_000 {
        many.extend(idb(1, 65535, None));
    }
    many.extend(epb(9_999, 1, &frame));
    let mut cases = vec![
        ok("pcapng with 10,000 interfaces", many, 1, &["Flags [S]"]),
        damaged(
            "pcapng block length 0",
            with(block_claiming(6, 0, 0, &[])),
            1,
            &["block length 0 is invalid"],
        ),
        damaged(
            "pcapng block length 4 GiB - 16",
            with(block_claiming(6, 0xFFFF_FFF0, 0, &[0; 32])),
            1,
            &["block length 4294967280 is invalid"],
        ),
        damaged(
            "pcapng unaligned block length",
            with(block_claiming(6, 13, 13, &[0; 1])),
            1,
            &["block length 13 is invalid"],
        ),
        damaged(
            "pcapng block longer than the file",
            with(block_claiming(6, 1024, 1024, &[0; 16])),
            1,
            &["capture ends in the middle of a record"],
        ),
        damaged(
            "pcapng section header with a huge length",
            block_claiming(0x0A0D_0D0A, 0x7FFF_FFFC, 0, &shb_body()),
            0,
            &["byte offset 0"],
        ),
        damaged(
            "pcapng EPB claiming 4 GiB captured in a small block",
            concat(&[base(), epb_claiming(0, 1, u32::MAX, &frame)]),
            0,
            &["byte offset"],
        ),
        damaged(
            "pcapng EPB naming an undeclared interface",
            concat(&[base(), epb(0, 1, &frame), epb(7, 1, &frame)]),
            1,
            &["interface 7, which was never described", "byte offset"],
        ),
    ];
    for (name, res) in [
        ("if_tsresol 10^-127", 0x7F),
        ("if_tsresol 2^-127", 0xFF),
        ("if_tsresol 10^0", 0x00),
        ("if_tsresol 2^0", 0x80),
        ("if_tsresol 10^-20", 20),
        ("if_tsresol 2^-64", 0x80 | 64),
    ] {
        let bytes = concat(&[
            shb(),
            idb(1, 0, Some(res)),
            epb(0, u64::MAX, &frame),
            epb(0, 0, &frame),
        ]);
        cases.push(ok(name, bytes, 2, &["Flags [S]"]));
    }
    cases
}

#[test]
fn hostile_cases_explained() {
    let scratch = Scratch::new("hostile-cases");
    let cases: Vec<Case> = [frame_cases(), pcap_cases(), pcapng_cases()]
        .into_iter()
        .flatten()
        .collect();
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let lib = read_lib(&case.bytes);
        assert_eq!(
            lib.frames.len(),
            case.packets,
            "{}: library frames",
            case.name
        );
        let path = scratch.file(&format!("case{i}"), &case.bytes);
        for (mode, flags) in MODES {
            let mut args = vec!["-r", path.as_str()];
            args.extend_from_slice(flags);
            let out = run_bin(&args);
            assert_damage_explained(&out, case.name);
            if out.status.code() != Some(case.exit) {
                failures.push(format!(
                    "{} ({mode}): exit {:?}",
                    case.name,
                    out.status.code()
                ));
            }
            if mode != "summary" {
                continue;
            }
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            // HOSTILE_SHOW=1: print what each case produced, to judge the explanations.
            if std::env::var_os("HOSTILE_SHOW").is_some() {
                eprintln!(
                    "== {} (exit {:?})\n{stdout}{stderr}",
                    case.name,
                    out.status.code()
                );
            }
            if stdout.lines().count() != case.packets {
                failures.push(format!(
                    "{}: {} lines:\n{stdout}",
                    case.name,
                    stdout.lines().count()
                ));
            }
            for want in case.stdout_has {
                if !stdout.contains(want) {
                    failures.push(format!("{}: stdout lacks {want:?}:\n{stdout}", case.name));
                }
            }
            for want in case.stderr_has {
                if !stderr.contains(want) {
                    failures.push(format!("{}: stderr lacks {want:?}:\n{stderr}", case.name));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    counted(
        "hand-made hostile captures (library + binary, 3 modes each)",
        cases.len(),
    );
}
