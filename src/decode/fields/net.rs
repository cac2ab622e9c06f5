//! Fields of ARP, IPv4 and IPv6.

use etherparse::{ArpPacketSlice, IpNumber, Ipv4HeaderSlice, Ipv6HeaderSlice};

use super::super::checksum::check_ipv4;
use super::super::link::{be16, be32};
use super::super::Packet;
use super::FieldList;
use crate::field::{FieldId as F, Value};

pub(super) fn arp<'a>(arp: ArpPacketSlice<'a>, at: usize, out: &mut FieldList<'a>) {
    let bytes = arp.slice();
    out.at(F::Arp, Value::None, at, bytes.len(), 0);
    out.at(F::ArpHwType, Value::U64(be16(bytes, 0).into()), at, 2, 1);
    out.at(
        F::ArpProtoType,
        Value::U64(be16(bytes, 2).into()),
        at + 2,
        2,
        1,
    );
    let hw = usize::from(bytes.get(4).copied().unwrap_or(0));
    let proto = usize::from(bytes.get(5).copied().unwrap_or(0));
    out.at(F::ArpHwSize, Value::U64(hw as u64), at + 4, 1, 1);
    out.at(F::ArpProtoSize, Value::U64(proto as u64), at + 5, 1, 1);
    out.at(
        F::ArpOpcode,
        Value::U64(be16(bytes, 6).into()),
        at + 6,
        2,
        1,
    );
    // Ethernet/IPv4 ARP has typed addresses; other sizes are shown as bytes.
    let sha = 8;
    let spa = sha + hw;
    let tha = spa + proto;
    let tpa = tha + hw;
    let typed = hw == 6 && proto == 4;
    for (id_mac, id_ip, mac_at, ip_at) in [
        (F::ArpSrcHwMac, F::ArpSrcProtoIpv4, sha, spa),
        (F::ArpDstHwMac, F::ArpDstProtoIpv4, tha, tpa),
    ] {
        if typed {
            if let Some(mac) = bytes
                .get(mac_at..mac_at + 6)
                .and_then(|s| s.try_into().ok())
            {
                out.at(id_mac, Value::Mac(mac), at + mac_at, 6, 1);
            }
            if let Some(ip) = bytes.get(ip_at..ip_at + 4).and_then(|s| s.try_into().ok()) {
                out.at(id_ip, Value::Ipv4(ip), at + ip_at, 4, 1);
            }
        }
    }
}

pub(super) fn ipv4<'a>(
    ip: Ipv4HeaderSlice<'a>,
    packet: &Packet<'a>,
    at: usize,
    out: &mut FieldList<'a>,
) {
    let bytes = ip.slice();
    let hl = bytes.len();
    out.at(F::Ip, Value::None, at, hl, 0);
    out.push(
        F::IpVersion,
        Value::U64(4),
        Some(crate::field::ByteRange::bits(at, 1, 0xf0)),
        1,
    );
    out.push(
        F::IpHdrLen,
        Value::U64(hl as u64),
        Some(crate::field::ByteRange::bits(at, 1, 0x0f)),
        1,
    );
    let tos = bytes.get(1).copied().unwrap_or(0);
    out.at(F::IpDsfield, Value::U64(tos.into()), at + 1, 1, 1);
    out.bits(
        F::IpDsfieldDscp,
        Value::U64((tos >> 2).into()),
        at + 1,
        1,
        0xfc,
    );
    out.bits(
        F::IpDsfieldEcn,
        Value::U64((tos & 3).into()),
        at + 1,
        1,
        0x03,
    );
    out.at(F::IpLen, Value::U64(ip.total_len().into()), at + 2, 2, 1);
    out.at(
        F::IpId,
        Value::U64(ip.identification().into()),
        at + 4,
        2,
        1,
    );
    let flags = bytes.get(6).copied().unwrap_or(0) >> 5;
    out.push(
        F::IpFlags,
        Value::U64(flags.into()),
        Some(crate::field::ByteRange::bits(at + 6, 1, 0xe0)),
        1,
    );
    out.bits(F::IpFlagsRb, Value::Bool(flags & 4 != 0), at + 6, 1, 0x80);
    out.bits(
        F::IpFlagsDf,
        Value::Bool(ip.dont_fragment()),
        at + 6,
        1,
        0x40,
    );
    out.bits(
        F::IpFlagsMf,
        Value::Bool(ip.more_fragments()),
        at + 6,
        1,
        0x20,
    );
    // Wireshark 4.0 shows the offset in 8-byte units, as on the wire.
    out.push(
        F::IpFragOffset,
        Value::U64(ip.fragments_offset().value().into()),
        Some(crate::field::ByteRange::bits(at + 6, 2, 0x1fff)),
        1,
    );
    out.at(F::IpTtl, Value::U64(ip.ttl().into()), at + 8, 1, 1);
    out.at(F::IpProto, Value::U64(ip.protocol().0.into()), at + 9, 1, 1);
    let stored = ip.header_checksum();
    out.at(F::IpChecksum, Value::U64(stored.into()), at + 10, 2, 1);
    super::transport::checksum_facts(out, F::IpChecksumStatus, check_ipv4(bytes, stored));
    out.at(F::IpSrc, Value::Ipv4(ip.source()), at + 12, 4, 1);
    out.at(F::IpDst, Value::Ipv4(ip.destination()), at + 16, 4, 1);
    let options = ip.options();
    if !options.is_empty() {
        out.at(
            F::IpOptions,
            Value::Bytes(options),
            at + 20,
            options.len(),
            1,
        );
    }
    let _ = packet;
}

pub(super) fn ipv6<'a>(ip: Ipv6HeaderSlice<'a>, at: usize, out: &mut FieldList<'a>) {
    let bytes = ip.slice();
    let word = be32(bytes, 0);
    out.at(F::Ipv6, Value::None, at, 40, 0);
    out.bits(F::Ipv6Version, Value::U64(6), at, 1, 0xf0);
    let tclass = ip.traffic_class();
    out.push(
        F::Ipv6Tclass,
        Value::U64(tclass.into()),
        Some(crate::field::ByteRange::bits(at, 4, 0x0ff0_0000)),
        1,
    );
    out.bits(
        F::Ipv6TclassDscp,
        Value::U64((tclass >> 2).into()),
        at,
        4,
        0x0fc0_0000,
    );
    out.bits(
        F::Ipv6TclassEcn,
        Value::U64((tclass & 3).into()),
        at,
        4,
        0x0030_0000,
    );
    out.push(
        F::Ipv6Flow,
        Value::U64((word & 0x000f_ffff).into()),
        Some(crate::field::ByteRange::bits(at, 4, 0x000f_ffff)),
        1,
    );
    out.at(
        F::Ipv6Plen,
        Value::U64(ip.payload_length().into()),
        at + 4,
        2,
        1,
    );
    out.at(
        F::Ipv6Nxt,
        Value::U64(ip.next_header().0.into()),
        at + 6,
        1,
        1,
    );
    out.at(F::Ipv6Hlim, Value::U64(ip.hop_limit().into()), at + 7, 1, 1);
    out.at(F::Ipv6Src, Value::Ipv6(ip.source()), at + 8, 16, 1);
    out.at(F::Ipv6Dst, Value::Ipv6(ip.destination()), at + 24, 16, 1);
}

pub(super) fn ipv6_ext<'a>(kind: IpNumber, slice: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    let proto = match kind {
        IpNumber::IPV6_HEADER_HOP_BY_HOP => F::Ipv6Hopopts,
        IpNumber::IPV6_ROUTE_HEADER => F::Ipv6Routing,
        IpNumber::IPV6_FRAGMENTATION_HEADER => F::Ipv6Fragment,
        _ => F::Ipv6Dstopts,
    };
    out.at(proto, Value::None, at, slice.len(), 1);
    out.at(
        F::Ipv6ExtNxt,
        Value::U64(slice.first().copied().unwrap_or(0).into()),
        at,
        1,
        2,
    );
    if proto == F::Ipv6Fragment {
        let word = be16(slice, 2);
        out.bits(
            F::Ipv6FragmentOffset,
            Value::U64((word >> 3).into()),
            at + 2,
            2,
            0xfff8,
        );
        out.bits(
            F::Ipv6FragmentMore,
            Value::Bool(word & 1 != 0),
            at + 2,
            2,
            0x0001,
        );
        out.at(
            F::Ipv6FragmentId,
            Value::U64(be32(slice, 4).into()),
            at + 4,
            4,
            2,
        );
    } else {
        out.at(
            F::Ipv6ExtLen,
            Value::U64(slice.get(1).copied().unwrap_or(0).into()),
            at + 1,
            1,
            2,
        );
    }
}
