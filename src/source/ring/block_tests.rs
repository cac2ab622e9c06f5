//! Hand-built ring blocks: layout pinned to libc's structs, every bound checked.

use std::mem::{offset_of, size_of};

use super::*;

#[test]
fn offsets_match_the_kernel_structs() {
    assert_eq!(offset_of!(libc::tpacket_block_desc, hdr), 8);
    assert_eq!(offset_of!(libc::tpacket_hdr_v1, block_status), 0);
    assert_eq!(
        8 + offset_of!(libc::tpacket_hdr_v1, num_pkts),
        BLOCK_NUM_PKTS
    );
    assert_eq!(
        8 + offset_of!(libc::tpacket_hdr_v1, offset_to_first_pkt),
        BLOCK_FIRST_PKT
    );
    assert_eq!(8 + offset_of!(libc::tpacket_hdr_v1, blk_len), BLOCK_LEN);
    assert_eq!(offset_of!(libc::tpacket3_hdr, tp_next_offset), PKT_NEXT);
    assert_eq!(offset_of!(libc::tpacket3_hdr, tp_sec), PKT_SEC);
    assert_eq!(offset_of!(libc::tpacket3_hdr, tp_nsec), PKT_NSEC);
    assert_eq!(offset_of!(libc::tpacket3_hdr, tp_snaplen), PKT_SNAPLEN);
    assert_eq!(offset_of!(libc::tpacket3_hdr, tp_len), PKT_LEN);
    assert_eq!(offset_of!(libc::tpacket3_hdr, tp_status), PKT_STATUS);
    assert_eq!(offset_of!(libc::tpacket3_hdr, tp_mac), PKT_MAC);
    let hv1 = offset_of!(libc::tpacket3_hdr, hv1);
    assert_eq!(
        hv1 + offset_of!(libc::tpacket_hdr_variant1, tp_vlan_tci),
        PKT_VLAN_TCI
    );
    assert_eq!(
        hv1 + offset_of!(libc::tpacket_hdr_variant1, tp_vlan_tpid),
        PKT_VLAN_TPID
    );
    assert_eq!((size_of::<libc::tpacket3_hdr>() + 15) & !15, SLL_OFFSET);
    assert_eq!(size_of::<libc::sockaddr_ll>(), SLL_LEN);
    assert_eq!(libc::TPACKET3_HDRLEN, SLL_OFFSET + SLL_LEN);
}

struct Pkt<'a> {
    sec: u32,
    nsec: u32,
    wire_len: u32,
    pkttype: u8,
    ifindex: i32,
    status: u32,
    vlan_tci: u16,
    data: &'a [u8],
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_ne_bytes());
}

fn put16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_ne_bytes());
}

/// A block laid out as the kernel does: descriptor, then packets at 16-aligned offsets with
/// tp_mac = 100 (room for a reserve in front of the data).
fn build_block(pkts: &[Pkt<'_>], size: usize) -> Vec<u8> {
    const MAC: usize = 100;
    let mut b = vec![0u8; size];
    put32(&mut b, BLOCK_STATUS_OFFSET, libc::TP_STATUS_USER);
    put32(&mut b, BLOCK_NUM_PKTS, pkts.len() as u32);
    put32(&mut b, BLOCK_FIRST_PKT, 48);
    let mut at = 48;
    for (i, p) in pkts.iter().enumerate() {
        let next = (MAC + p.data.len() + 15) & !15;
        put32(
            &mut b,
            at + PKT_NEXT,
            if i + 1 == pkts.len() { 0 } else { next as u32 },
        );
        put32(&mut b, at + PKT_SEC, p.sec);
        put32(&mut b, at + PKT_NSEC, p.nsec);
        put32(&mut b, at + PKT_SNAPLEN, p.data.len() as u32);
        put32(&mut b, at + PKT_LEN, p.wire_len);
        put32(&mut b, at + PKT_STATUS, p.status);
        put16(&mut b, at + PKT_MAC, MAC as u16);
        put32(&mut b, at + PKT_VLAN_TCI, u32::from(p.vlan_tci));
        let sll = at + SLL_OFFSET;
        put16(&mut b, sll, libc::AF_PACKET as u16);
        b[sll + 2..sll + 4].copy_from_slice(&0x0800u16.to_be_bytes());
        put32(&mut b, sll + 4, p.ifindex as u32);
        put16(&mut b, sll + 8, libc::ARPHRD_ETHER);
        b[sll + 10] = p.pkttype;
        b[sll + 11] = 6;
        b[sll + 12..sll + 18].copy_from_slice(&[2, 0, 0, 0, 0, 1]);
        b[at + MAC..at + MAC + p.data.len()].copy_from_slice(p.data);
        at += next;
    }
    put32(&mut b, BLOCK_LEN, at as u32);
    b
}

fn pkt(data: &[u8], pkttype: u8) -> Pkt<'_> {
    Pkt {
        sec: 1_700_000_000,
        nsec: 123_456_789,
        wire_len: data.len() as u32 + 10,
        pkttype,
        ifindex: 1,
        status: libc::TP_STATUS_USER,
        vlan_tci: 0,
        data,
    }
}

#[test]
fn walks_packets_of_a_block() {
    let a = [0xaa; 60];
    let b = [0xbb; 33];
    let block = build_block(
        &[pkt(&a, libc::PACKET_HOST), pkt(&b, libc::PACKET_OUTGOING)],
        4096,
    );
    let h = parse_block_header(&block).expect("header");
    assert_eq!(h.num_pkts, 2);
    let p1 = parse_packet(&block, h.first_pkt).expect("first");
    assert_eq!(&block[p1.data.clone()], &a);
    assert_eq!(p1.ts_ns, 1_700_000_000_123_456_789);
    assert_eq!(p1.wire_len, 70);
    assert_eq!(direction(p1.link.pkttype), Direction::Inbound);
    let p2 = parse_packet(&block, h.first_pkt + p1.next).expect("second");
    assert_eq!(&block[p2.data.clone()], &b);
    assert_eq!(p2.next, 0);
    assert_eq!(direction(p2.link.pkttype), Direction::Outbound);
    assert!(is_loopback_duplicate(&p2.link, Some(1)));
    assert!(!is_loopback_duplicate(&p2.link, Some(2)));
    assert!(!is_loopback_duplicate(&p1.link, Some(1)));
}

#[test]
fn rejects_every_out_of_bounds_length() {
    let a = [1u8; 40];
    let mut block = build_block(&[pkt(&a, 0)], 512);
    // Snap length running past the block.
    put32(&mut block, 48 + PKT_SNAPLEN, 10_000);
    assert!(parse_packet(&block, 48).is_err());
    put32(&mut block, 48 + PKT_SNAPLEN, 40);
    // tp_mac pointing into the header.
    put16(&mut block, 48 + PKT_MAC, 10);
    assert!(parse_packet(&block, 48).is_err());
    // Packet header beyond the block end.
    assert!(parse_packet(&block, 500).is_err());
    assert!(parse_packet(&block, usize::MAX - 4).is_err());
    // blk_len larger than the block.
    put32(&mut block, BLOCK_LEN, 4096);
    assert!(parse_block_header(&block).is_err());
    // Every truncation of a valid block fails cleanly, never panics.
    let good = build_block(&[pkt(&a, 0)], 512);
    for cut in 0..good.len() {
        let _ = parse_block_header(&good[..cut]);
        let _ = parse_packet(&good[..cut], 48);
    }
}

#[test]
fn sll2_header_layout() {
    let block = build_block(&[pkt(&[0x45; 20], libc::PACKET_HOST)], 512);
    let p = parse_packet(&block, 48).expect("packet");
    let h = sll2_header(&p.link);
    assert_eq!(&h[0..2], &[0x08, 0x00]); // protocol, network order
    assert_eq!(&h[2..4], &[0, 0]);
    assert_eq!(&h[4..8], &[0, 0, 0, 1]); // ifindex, big endian
    assert_eq!(&h[8..10], &[0, 1]); // ARPHRD_ETHER
    assert_eq!(h[10], libc::PACKET_HOST);
    assert_eq!(h[11], 6);
    assert_eq!(&h[12..20], &[2, 0, 0, 0, 0, 1, 0, 0]);
}

#[test]
fn prepends_in_reserved_room_only() {
    let mut block = build_block(&[pkt(&[7; 30], 0)], 512);
    let p = parse_packet(&block, 48).expect("packet");
    let floor = 48 + SLL_OFFSET + SLL_LEN;
    let r = prepend_in_place(&mut block, &p.data, floor, &[9; 20]).expect("room");
    assert_eq!(r.len(), 50);
    assert_eq!(&block[r.start..r.start + 20], &[9; 20]);
    assert_eq!(&block[r.start + 20..r.end], &[7; 30]);
    // Not enough room: refuses rather than overwriting the header.
    assert!(prepend_in_place(&mut block, &p.data, floor, &[9; 40]).is_none());
}

#[test]
fn reinserts_a_stripped_vlan_tag() {
    let mut frame = vec![0u8; 20];
    frame[..6].copy_from_slice(&[1; 6]);
    frame[6..12].copy_from_slice(&[2; 6]);
    frame[12..14].copy_from_slice(&[0x08, 0x00]);
    let mut p = pkt(&frame, 0);
    p.vlan_tci = 0x0064;
    p.status |= libc::TP_STATUS_VLAN_VALID;
    let mut block = build_block(&[p], 512);
    let h = parse_packet(&block, 48).expect("packet");
    let tag = stripped_vlan_tag(&h).expect("tag");
    assert_eq!(tag, [0x81, 0x00, 0x00, 0x64]);
    let r = insert_vlan_in_place(&mut block, &h.data, 48 + 68, &tag).expect("room");
    let out = &block[r];
    assert_eq!(out.len(), 24);
    assert_eq!(&out[..6], &[1; 6]);
    assert_eq!(&out[6..12], &[2; 6]);
    assert_eq!(&out[12..16], &[0x81, 0x00, 0x00, 0x64]);
    assert_eq!(&out[16..18], &[0x08, 0x00]);
    // No VLAN flag and a zero TCI: nothing to insert.
    let plain = build_block(&[pkt(&frame, 0)], 512);
    assert!(stripped_vlan_tag(&parse_packet(&plain, 48).expect("p")).is_none());
}
