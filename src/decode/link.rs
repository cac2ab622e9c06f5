//! Link layers: Ethernet II (+ VLAN tags), Linux cooked SLL/SLL2, BSD null, raw IP.

use etherparse::{Ethernet2HeaderSlice, SingleVlanHeaderSlice};

use super::{net, Header, Packet, StopReason};
use crate::frame::LinkType;

pub const ETHERTYPE_IPV4: u16 = 0x0800;
pub const ETHERTYPE_ARP: u16 = 0x0806;
pub const ETHERTYPE_VLAN: u16 = 0x8100;
pub const ETHERTYPE_QINQ: u16 = 0x88a8;
pub const ETHERTYPE_QINQ_OLD: u16 = 0x9100;
pub const ETHERTYPE_IPV6: u16 = 0x86dd;

pub const SLL_LEN: usize = 16;
pub const SLL2_LEN: usize = 20;

pub(super) fn decode_link(packet: &mut Packet<'_>) {
    let data = packet.data;
    match packet.link {
        LinkType::ETHERNET => decode_ethernet(packet, 0),
        LinkType::RAW | LinkType::IPV4 | LinkType::IPV6 => net::decode_ip_by_version(packet, 0),
        LinkType::NULL => {
            let Some(&[a, b, c, d]) = data.get(..4) else {
                packet.truncated(0, "null", 4);
                return;
            };
            let family = null_family([a, b, c, d]);
            if packet.push(Header::Null { family }, 0, 4) {
                net::decode_ip_by_version(packet, 4);
            }
        }
        LinkType::LINUX_SLL => {
            let Some(header) = data.get(..SLL_LEN) else {
                packet.truncated(0, "sll", SLL_LEN);
                return;
            };
            if packet.push(Header::Sll(header), 0, SLL_LEN) {
                decode_ethertype(packet, SLL_LEN, be16(header, 14));
            }
        }
        LinkType::LINUX_SLL2 => {
            let Some(header) = data.get(..SLL2_LEN) else {
                packet.truncated(0, "sll", SLL2_LEN);
                return;
            };
            if packet.push(Header::Sll2(header), 0, SLL2_LEN) {
                decode_ethertype(packet, SLL2_LEN, be16(header, 0));
            }
        }
        other => packet.stop_at(0, "frame", StopReason::UnsupportedLinkType(other)),
    }
}

/// The null header's family is in the capturing host's byte order: pick the order that
/// gives a known address family (AF_INET = 2; AF_INET6 = 10/24/28/30 across systems).
fn null_family(word: [u8; 4]) -> u32 {
    let le = u32::from_le_bytes(word);
    if le <= 0xffff {
        le
    } else {
        u32::from_be_bytes(word)
    }
}

fn decode_ethernet(packet: &mut Packet<'_>, offset: usize) {
    match Ethernet2HeaderSlice::from_slice(packet.bytes_from(offset)) {
        Ok(eth) => {
            let ether_type = eth.ether_type().0;
            let len = eth.slice().len();
            if packet.push(Header::Ethernet(eth), offset, len) {
                decode_ethertype(packet, offset + len, ether_type);
            }
        }
        Err(err) => packet.truncated(offset, "eth", err.required_len),
    }
}

/// Dispatches on an EtherType; unknown types leave the rest as undissected data.
pub(super) fn decode_ethertype(packet: &mut Packet<'_>, offset: usize, ether_type: u16) {
    match ether_type {
        ETHERTYPE_IPV4 => net::decode_ipv4(packet, offset),
        ETHERTYPE_IPV6 => net::decode_ipv6(packet, offset),
        ETHERTYPE_ARP => net::decode_arp(packet, offset),
        ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_OLD => decode_vlan(packet, offset),
        _ => packet.payload = Some((offset, packet.data.len().saturating_sub(offset))),
    }
}

fn decode_vlan(packet: &mut Packet<'_>, offset: usize) {
    match SingleVlanHeaderSlice::from_slice(packet.bytes_from(offset)) {
        Ok(vlan) => {
            let inner = vlan.ether_type().0;
            let len = vlan.slice().len();
            if packet.push(Header::Vlan(vlan), offset, len) {
                decode_ethertype(packet, offset + len, inner);
            }
        }
        Err(err) => packet.truncated(offset, "vlan", err.required_len),
    }
}

/// Big-endian u16 at `at`, 0 when out of range (callers have checked the length).
pub(super) fn be16(bytes: &[u8], at: usize) -> u16 {
    match bytes.get(at..at + 2) {
        Some(&[hi, lo]) => u16::from_be_bytes([hi, lo]),
        _ => 0,
    }
}

pub(super) fn be32(bytes: &[u8], at: usize) -> u32 {
    match bytes.get(at..at + 4) {
        Some(&[a, b, c, d]) => u32::from_be_bytes([a, b, c, d]),
        _ => 0,
    }
}
