//! Capture file formats: classic pcap (µs/ns, both byte orders), pcapng (several interfaces,
//! if_tsresol, EPB/SPB, unknown blocks, direction flags), stdin, writing by extension and
//! reading back identically, and damaged files.

use std::io::{Cursor, Write};
use std::process::{Command, Stdio};

use sockeye::frame::{Direction, LinkType, OwnedFrame};
use sockeye::pcapio::{CaptureFormat, CaptureWriter};
use sockeye::source::{FileSource, PacketSource, SourceError};

use crate::kit::{self, sockeye, stderr, stdout, textbook};

fn read_all(bytes: Vec<u8>) -> (Vec<OwnedFrame>, Option<SourceError>) {
    let mut source = match FileSource::from_reader(Box::new(Cursor::new(bytes))) {
        Ok(s) => s,
        Err(err) => return (Vec::new(), Some(err)),
    };
    let mut frames = Vec::new();
    loop {
        match source.next_frame() {
            Ok(Some(frame)) => frames.push(frame.to_owned()),
            Ok(None) => return (frames, None),
            Err(err) => return (frames, Some(err)),
        }
    }
}

fn u16b(v: u16, big: bool) -> [u8; 2] {
    if big {
        v.to_be_bytes()
    } else {
        v.to_le_bytes()
    }
}
fn u32b(v: u32, big: bool) -> [u8; 4] {
    if big {
        v.to_be_bytes()
    } else {
        v.to_le_bytes()
    }
}

fn classic_pcap(nanos: bool, big: bool, records: &[(u32, u32, &[u8], u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&u32b(if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }, big));
    out.extend_from_slice(&u16b(2, big));
    out.extend_from_slice(&u16b(4, big));
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&u32b(65535, big));
    out.extend_from_slice(&u32b(1, big));
    for (sec, frac, data, orig) in records {
        out.extend_from_slice(&u32b(*sec, big));
        out.extend_from_slice(&u32b(*frac, big));
        out.extend_from_slice(&u32b(data.len() as u32, big));
        out.extend_from_slice(&u32b(*orig, big));
        out.extend_from_slice(data);
    }
    out
}

fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    while body.len() % 4 != 0 {
        body.push(0);
    }
    let len = (body.len() + 12) as u32;
    let mut out = Vec::new();
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(&len.to_le_bytes());
    out
}

fn shb() -> Vec<u8> {
    let mut body = 0x1a2b_3c4du32.to_le_bytes().to_vec();
    body.extend_from_slice(&1u16.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&(-1i64).to_le_bytes());
    block(0x0a0d_0d0a, &body)
}

fn idb(link: u16, tsresol: Option<u8>) -> Vec<u8> {
    let mut body = link.to_le_bytes().to_vec();
    body.extend_from_slice(&[0, 0]);
    body.extend_from_slice(&262_144u32.to_le_bytes());
    if let Some(res) = tsresol {
        body.extend_from_slice(&9u16.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&[res, 0, 0, 0]);
        body.extend_from_slice(&[0; 4]);
    }
    block(1, &body)
}

fn epb(iface: u32, ts: u64, data: &[u8], flags: Option<u32>) -> Vec<u8> {
    let mut body = iface.to_le_bytes().to_vec();
    body.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
    body.extend_from_slice(&(ts as u32).to_le_bytes());
    body.extend_from_slice(&(data.len() as u32).to_le_bytes());
    body.extend_from_slice(&(data.len() as u32).to_le_bytes());
    body.extend_from_slice(data);
    while body.len() % 4 != 0 {
        body.push(0);
    }
    if let Some(flags) = flags {
        body.extend_from_slice(&2u16.to_le_bytes());
        body.extend_from_slice(&4u16.to_le_bytes());
        body.extend_from_slice(&flags.to_le_bytes());
        body.extend_from_slice(&[0; 4]);
    }
    block(6, &body)
}

fn spb(data: &[u8]) -> Vec<u8> {
    let mut body = (data.len() as u32).to_le_bytes().to_vec();
    body.extend_from_slice(data);
    block(3, &body)
}

#[test]
fn classic_pcap_all_variants() {
    let data: &[u8] = &[1, 2, 3, 4, 5];
    for nanos in [false, true] {
        for big in [false, true] {
            let frac = if nanos { 123_456_789 } else { 123_456 };
            let bytes = classic_pcap(nanos, big, &[(1000, frac, data, 60), (1001, 0, data, 5)]);
            let (frames, err) = read_all(bytes);
            assert!(err.is_none(), "{err:?}");
            assert_eq!(frames.len(), 2);
            let want_ns = if nanos { 123_456_789 } else { 123_456_000 };
            assert_eq!(
                frames[0].ts_ns,
                1000 * 1_000_000_000 + want_ns,
                "nanos={nanos} big={big}"
            );
            assert_eq!(frames[0].orig_len, 60, "orig_len > caplen is accepted");
            assert_eq!(frames[0].data, data);
            assert_eq!(frames[0].link, LinkType::ETHERNET);
        }
    }
}

#[test]
fn pcapng_interfaces_tsresol_spb_unknown_blocks() {
    let mut bytes = shb();
    bytes.extend(idb(1, None)); // µs by default
    bytes.extend(idb(101, Some(9))); // ns
    bytes.extend(idb(276, Some(0x80 | 10))); // 2^-10 s
    bytes.extend(epb(0, 1_500_000, b"abc", Some(1)));
    bytes.extend(block(0x0bad_0bad, &[9; 7])); // unknown: skipped
    bytes.extend(epb(1, 2_000_000_001, b"defg", Some(2)));
    bytes.extend(epb(2, 1536, b"h", None));
    bytes.extend(spb(b"spb!"));
    let (frames, err) = read_all(bytes);
    assert!(err.is_none(), "{err:?}");
    let summary: Vec<_> = frames
        .iter()
        .map(|f| (f.ts_ns, f.link, f.interface, f.direction, f.data.clone()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                1_500_000_000,
                LinkType::ETHERNET,
                0,
                Direction::Inbound,
                b"abc".to_vec()
            ),
            (
                2_000_000_001,
                LinkType::RAW,
                1,
                Direction::Outbound,
                b"defg".to_vec()
            ),
            (
                1_500_000_000,
                LinkType::LINUX_SLL2,
                2,
                Direction::Unknown,
                b"h".to_vec()
            ),
            (
                0,
                LinkType::ETHERNET,
                0,
                Direction::Unknown,
                b"spb!".to_vec()
            ),
        ]
    );
}

#[test]
fn pcapng_bad_block_length_reports_offset() {
    let mut bytes = shb();
    bytes.extend(idb(1, None));
    bytes.extend(epb(0, 1, b"good", None));
    let offset = bytes.len();
    let mut bad = epb(0, 2, b"bad!", None);
    bad[4..8].copy_from_slice(&13u32.to_le_bytes());
    bytes.extend(bad);
    let (frames, err) = read_all(bytes);
    assert_eq!(frames.len(), 1, "the packet before the damage is kept");
    let err = err.expect("error").to_string();
    assert!(err.contains(&format!("byte offset {offset}")), "{err}");
}

#[test]
fn huge_record_length_is_reported_not_allocated() {
    let mut bytes = classic_pcap(false, false, &[(1, 0, b"ok", 2)]);
    bytes.extend_from_slice(&[0; 8]);
    bytes.extend_from_slice(&u32::MAX.to_le_bytes());
    bytes.extend_from_slice(&u32::MAX.to_le_bytes());
    let (frames, err) = read_all(bytes);
    assert_eq!(frames.len(), 1);
    assert!(err
        .unwrap()
        .to_string()
        .contains("claims 4294967295 captured bytes"));
}

#[test]
fn stdin_is_read_to_the_end() {
    let capture = std::fs::read(textbook("tcp_handshake.pcapng")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sockeye"))
        .args(["-r", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&capture).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
}

#[test]
fn empty_stdin_is_a_clear_error_not_a_hang() {
    let out = sockeye(&["-r", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a capture file"),
        "{}",
        stderr(&out)
    );
}

/// `-w` writes pcap or pcapng by extension, and reading the copy gives the same packets
/// (same -T fields output for every layer column).
#[test]
fn write_by_extension_reads_back_identically() {
    let dir = kit::Scratch::new("w");
    let fields = [
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "frame.time_epoch",
        "-e",
        "frame.len",
        "-e",
        "frame.cap_len",
        "-e",
        "eth.src",
        "-e",
        "ip.src",
        "-e",
        "ipv6.src",
        "-e",
        "tcp.seq_raw",
        "-e",
        "udp.length",
        "-e",
        "icmpv6.type",
    ];
    for name in [
        "http_ip4and6.pcapng",
        "dns.pcap",
        "icmpv6_neighbor_solicitation.pcapng",
    ] {
        let original = textbook(name);
        let want = stdout(&sockeye(
            &[&["-r", original.to_str().unwrap()], &fields[..]].concat(),
        ));
        for ext in ["pcap", "pcapng"] {
            let copy = dir.join(format!("copy-{name}.{ext}"));
            let out = sockeye(&[
                "-r",
                original.to_str().unwrap(),
                "-w",
                copy.to_str().unwrap(),
            ]);
            assert!(out.status.success(), "{}", stderr(&out));
            assert!(stdout(&out).is_empty(), "-w prints nothing by default");
            let magic = std::fs::read(&copy).unwrap()[..4].to_vec();
            let expect_ng =
                CaptureFormat::from_path(copy.to_str().unwrap()) == CaptureFormat::PcapNg;
            assert_eq!(magic == [0x0a, 0x0d, 0x0d, 0x0a], expect_ng, "{ext}");
            let got = stdout(&sockeye(
                &[&["-r", copy.to_str().unwrap()], &fields[..]].concat(),
            ));
            assert_eq!(got, want, "{name} via .{ext}");
        }
    }
}

#[test]
fn classic_pcap_refuses_mixed_link_types() {
    let mut writer = CaptureWriter::new(
        Box::new(std::io::sink()),
        CaptureFormat::Pcap,
        0,
        LinkType::ETHERNET,
    )
    .unwrap();
    let mut frame = OwnedFrame::ethernet(0, vec![0; 20]);
    writer.write_frame(&frame.as_frame()).unwrap();
    frame.link = LinkType::RAW;
    let err = writer.write_frame(&frame.as_frame()).unwrap_err();
    assert!(err.to_string().contains("write a .pcapng file instead"));
}
