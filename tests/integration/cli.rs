//! The command line on good and bad input.

use crate::kit::{self, sockeye, stderr, stdout, textbook};

#[test]
fn summary_lines_like_tcpdump() {
    let out = sockeye(&["-r", textbook("tcp_handshake.pcapng").to_str().unwrap()]);
    assert!(out.status.success());
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0].ends_with("IP 172.16.16.128.2826 > 212.58.226.142.80: Flags [S], seq 3691127924, win 8192, options [mss 1460,nop,wscale 2,nop,nop,sackOK], length 0"),
        "{}",
        lines[0]
    );
}

#[test]
fn missing_file_exits_2_with_one_line() {
    let out = sockeye(&["-r", "/nonexistent/capture.pcap"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("/nonexistent/capture.pcap"), "{err}");
}

#[test]
fn not_a_capture_exits_2() {
    let out = sockeye(&["-r", concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a pcap or pcapng file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn truncated_file_prints_packets_then_reports_offset() {
    let bytes = std::fs::read(textbook("tcp_handshake.pcapng")).unwrap();
    let dir = kit::Scratch::new("trunc");
    let path = dir.join("cut.pcapng");
    std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
    let out = sockeye(&["-r", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stdout(&out).lines().count(),
        2,
        "packets before the damage are printed"
    );
    let err = stderr(&out);
    assert!(err.contains("byte offset"), "{err}");
}

#[test]
fn unknown_field_hint() {
    let cap = textbook("tcp_handshake.pcapng");
    let out = sockeye(&[
        "-r",
        cap.to_str().unwrap(),
        "-T",
        "fields",
        "-e",
        "tcp.sport",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown field 'tcp.sport'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn undecoded_link_type_is_listed_with_a_note() {
    let out = sockeye(&["-r", textbook("80211beacon.pcapng").to_str().unwrap()]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("IEEE802_11 (105) not decoded"),
        "{}",
        stdout(&out)
    );
}
