use super::tree_lines;
use crate::decode::FieldList;
use crate::dissect::Dissector;
use crate::frame::OwnedFrame;

/// Ethernet + IPv6 + fragment header carrying `payload` at `offset_units` (8-byte units).
fn ipv6_fragment(offset_units: u16, more: bool, payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![
        0x00, 0x0c, 0x29, 0x1f, 0xa7, 0x55, 0x00, 0x0c, 0x29, 0xd3, 0x46, 0xdd,
    ];
    frame.extend_from_slice(&[0x86, 0xdd]);
    let plen = u16::try_from(8 + payload.len()).unwrap();
    frame.extend_from_slice(&[0x60, 0, 0, 0]);
    frame.extend_from_slice(&plen.to_be_bytes());
    frame.extend_from_slice(&[44, 64]);
    let mut src = [0u8; 16];
    src[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
    src[15] = 2;
    let mut dst = src;
    dst[15] = 1;
    frame.extend_from_slice(&src);
    frame.extend_from_slice(&dst);
    let offset_flags = (offset_units << 3) | u16::from(more);
    frame.extend_from_slice(&[58, 0]);
    frame.extend_from_slice(&offset_flags.to_be_bytes());
    frame.extend_from_slice(&0x1234_5678u32.to_be_bytes());
    frame.extend_from_slice(payload);
    frame
}

#[test]
fn reassembled_ipv6_says_ipv6() {
    // An ICMPv6 echo request (8-byte header + 16 bytes of data) in two fragments.
    let mut message = vec![128, 0, 0, 0, 0, 1, 0, 1];
    message.extend(0u8..16);
    let first = OwnedFrame::ethernet(1_000_000_000, ipv6_fragment(0, true, &message[..16]));
    let last = OwnedFrame::ethernet(1_000_000_100, ipv6_fragment(2, false, &message[16..]));
    let mut dissector = Dissector::new();
    let _ = dissector.dissect(&first.as_frame());
    let d = dissector.dissect(&last.as_frame());
    let mut scratch = String::new();
    let mut fields = FieldList::new();
    d.emit_fields(&mut scratch, &mut fields);
    let lines: Vec<String> = tree_lines(&d.packet, &fields, d.names.as_deref())
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert!(
        lines.iter().any(|l| l == "[Reassembled IPv6 length: 24]"),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.contains("IPv4")), "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l == "Internet Control Message Protocol v6"),
        "{lines:#?}"
    );
    assert!(lines.iter().any(|l| l == "Type: Echo (ping) request (128)"));
}
