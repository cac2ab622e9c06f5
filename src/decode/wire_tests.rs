//! The 802.3/LLC, bridge-protocol and tunnel frames of captures/make_wire.py: each layer's
//! fields sit where the layout declares them, and the walk finds the layers tshark finds.

use super::tests::assert_emitted_as_laid_out;
use super::*;
use crate::frame::{Direction, OwnedFrame};

/// The frames of a pcapng file written by captures/make_wire.py (one Ethernet interface,
/// Enhanced Packet Blocks).
fn frames_of(name: &str) -> Vec<Vec<u8>> {
    let path = format!("{}/captures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(path).unwrap();
    let word = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
    let mut frames = Vec::new();
    let mut at = 0;
    while at + 12 <= bytes.len() {
        let (kind, len) = (word(at), word(at + 4));
        if kind == 6 {
            let captured = word(at + 20);
            frames.push(bytes[at + 28..at + 28 + captured].to_vec());
        }
        at += len;
    }
    frames
}

fn layer_names(data: &[u8]) -> Vec<&'static str> {
    let owned = OwnedFrame {
        ts_ns: 0,
        data: data.to_vec(),
        orig_len: data.len() as u32,
        link: LinkType::ETHERNET,
        interface: 0,
        direction: Direction::Unknown,
    };
    let packet = decode(&owned.as_frame());
    assert!(packet.stop.is_none(), "{:?}", packet.stop);
    packet.layers.iter().map(|l| l.header.name()).collect()
}

#[test]
fn bridge_frames_decode_as_tshark_layers() {
    let frames = frames_of("link_layers.pcapng");
    let expected: [&[&str]; 6] = [
        &["eth", "llc", "stp"],
        &["eth", "llc", "stp"],
        &["eth", "llc", "stp"],
        &["eth", "llc", "stp"],
        &["eth", "lldp"],
        &["eth", "llc", "cdp"],
    ];
    assert_eq!(frames.len(), expected.len());
    for (data, want) in frames.iter().zip(expected) {
        assert_eq!(layer_names(data), want);
        assert_emitted_as_laid_out("802.3/bridge", LinkType::ETHERNET, data.clone());
    }
}

#[test]
fn tunnel_frames_decode_the_inner_packet() {
    let frames = frames_of("tunnels.pcapng");
    let expected: [&[&str]; 11] = [
        &["eth", "ip", "ip", "tcp"],
        &["eth", "ip", "ipv6", "tcp"],
        &["eth", "ipv6", "ip", "tcp"],
        &["eth", "ipv6", "ipv6", "tcp"],
        &["eth", "ip", "gre", "ip", "tcp"],
        &["eth", "ip", "gre", "eth", "ip", "tcp"],
        &["eth", "ip", "gre", "ipv6", "tcp"],
        &["eth", "ip", "udp", "vxlan", "eth", "ip", "tcp"],
        &["eth", "ip", "udp", "geneve", "eth", "ip", "tcp"],
        &["eth", "mpls", "ip", "tcp"],
        &["eth", "mpls", "ipv6", "tcp"],
    ];
    assert_eq!(frames.len(), expected.len() * 3, "a handshake per tunnel");
    for (handshake, want) in frames.chunks(3).zip(expected) {
        for data in handshake {
            assert_eq!(layer_names(data), want);
            assert_emitted_as_laid_out("tunnel", LinkType::ETHERNET, data.clone());
        }
    }
}

#[test]
fn an_mpls_stack_without_a_bottom_stops_with_a_reason() {
    // 17 label entries, none marked bottom of stack, then nothing.
    let mut data = vec![0u8; 12];
    data.extend_from_slice(&[0x88, 0x47]);
    for _ in 0..17 {
        data.extend_from_slice(&[0x00, 0x01, 0x00, 0x40]);
    }
    let owned = OwnedFrame {
        ts_ns: 0,
        data: data.clone(),
        orig_len: data.len() as u32,
        link: LinkType::ETHERNET,
        interface: 0,
        direction: Direction::Unknown,
    };
    let packet = decode(&owned.as_frame());
    let stop = packet.stop.expect("stops");
    assert_eq!(stop.layer, "mpls");
    assert!(
        stop.to_string().contains("without a bottom of stack"),
        "{stop}"
    );
}
