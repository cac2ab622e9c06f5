//! Network layers: ARP, IPv4 (options, fragments), IPv6 (extension headers).

use etherparse::err::ipv4::HeaderSliceError as V4Error;
use etherparse::err::ipv6::HeaderSliceError as V6Error;
use etherparse::{ArpPacketSlice, IpNumber, Ipv4HeaderSlice, Ipv6HeaderSlice};

use super::link::{be16, ETHERTYPE_IPV4, ETHERTYPE_IPV6};
use super::{link, transport, Header, Packet, StopReason};

/// Raw IP / null links: the version nibble says which IP.
pub(super) fn decode_ip_by_version(packet: &mut Packet<'_>, offset: usize) {
    match packet.data.get(offset).map(|b| b >> 4) {
        Some(4) => link::decode_ethertype(packet, offset, ETHERTYPE_IPV4),
        Some(6) => link::decode_ethertype(packet, offset, ETHERTYPE_IPV6),
        Some(version) => packet.stop_at(
            offset,
            "ip",
            StopReason::Invalid(format!("IP version {version} (expected 4 or 6)")),
        ),
        None => packet.truncated(offset, "ip", 1),
    }
}

pub(super) fn decode_arp(packet: &mut Packet<'_>, offset: usize) {
    match ArpPacketSlice::from_slice(packet.bytes_from(offset)) {
        Ok(arp) => {
            let len = arp.slice().len();
            if packet.push(Header::Arp(arp), offset, len) {
                packet.net_end = Some(offset + len);
            }
        }
        Err(err) => packet.truncated(offset, "arp", err.required_len),
    }
}

pub(super) fn decode_ipv4(packet: &mut Packet<'_>, offset: usize) {
    let ip = match Ipv4HeaderSlice::from_slice(packet.bytes_from(offset)) {
        Ok(ip) => ip,
        Err(V4Error::Len(err)) => return packet.truncated(offset, "ip", err.required_len),
        Err(V4Error::Content(err)) => {
            return packet.stop_at(offset, "ip", StopReason::Invalid(err.to_string()))
        }
    };
    let header_len = ip.slice().len();
    if !packet.push(Header::Ipv4(ip), offset, header_len) {
        return;
    }
    let total_len = usize::from(ip.total_len());
    // A total length of 0 is what TCP segmentation offload leaves in outgoing captures:
    // like Wireshark, fall back to the captured length.
    let claimed_end = if total_len == 0 {
        packet.data.len()
    } else {
        offset + total_len
    };
    if total_len != 0 && total_len < header_len {
        return packet.stop_at(
            offset,
            "ip",
            StopReason::Invalid(format!(
                "total length {total_len} is smaller than the header length {header_len}"
            )),
        );
    }
    let end = claimed_end.min(packet.data.len());
    packet.net_end = Some(end);
    let payload_start = offset + header_len;
    if ip.more_fragments() || ip.fragments_offset().value() != 0 {
        packet.fragment = true;
        packet.payload = Some((payload_start, end.saturating_sub(payload_start)));
        return;
    }
    transport::decode_transport(packet, ip.protocol(), payload_start, end, claimed_end);
}

pub(super) fn decode_ipv6(packet: &mut Packet<'_>, offset: usize) {
    let ip = match Ipv6HeaderSlice::from_slice(packet.bytes_from(offset)) {
        Ok(ip) => ip,
        Err(V6Error::Len(err)) => return packet.truncated(offset, "ipv6", err.required_len),
        Err(V6Error::Content(err)) => {
            return packet.stop_at(offset, "ipv6", StopReason::Invalid(err.to_string()))
        }
    };
    if !packet.push(Header::Ipv6(ip), offset, 40) {
        return;
    }
    let claimed_end = offset + 40 + usize::from(ip.payload_length());
    let end = claimed_end.min(packet.data.len());
    packet.net_end = Some(end);
    let mut next = ip.next_header();
    let mut at = offset + 40;
    loop {
        match next {
            IpNumber::IPV6_HEADER_HOP_BY_HOP
            | IpNumber::IPV6_ROUTE_HEADER
            | IpNumber::IPV6_DESTINATION_OPTIONS => {
                // Generic extension: next header, length in 8-byte units beyond the first 8.
                let Some(len) = packet.data.get(at + 1).map(|l| (usize::from(*l) + 1) * 8) else {
                    return packet.truncated(at, "ipv6", 2);
                };
                let Some(slice) = packet.data.get(at..at + len) else {
                    return packet.truncated(at, "ipv6", len);
                };
                let kind = next;
                next = IpNumber(slice.first().copied().unwrap_or(59));
                if !packet.push(Header::Ipv6Ext { kind, slice }, at, len) {
                    return;
                }
                at += len;
            }
            IpNumber::IPV6_FRAGMENTATION_HEADER => {
                let Some(slice) = packet.data.get(at..at + 8) else {
                    return packet.truncated(at, "ipv6", 8);
                };
                let kind = next;
                next = IpNumber(slice.first().copied().unwrap_or(59));
                let offset_and_more = be16(slice, 2);
                if !packet.push(Header::Ipv6Ext { kind, slice }, at, 8) {
                    return;
                }
                at += 8;
                if offset_and_more & 0xfff9 != 0 {
                    // Not a whole datagram: the transport header needs reassembly.
                    packet.fragment = true;
                    packet.payload = Some((at, end.saturating_sub(at)));
                    return;
                }
            }
            _ => break,
        }
    }
    transport::decode_transport(packet, next, at, end, claimed_end);
}
