//! Where every fixed header field lives: its offset from the header's first byte, its length,
//! and for sub-byte fields the bits of that big-endian word that hold it. Declared once, as
//! smoltcp's `wire` modules keep a `mod field` of named ranges; the field emitters, the
//! display filter's fast path and the header diagrams all read these, so a byte position is
//! never written twice.
//!
//! Each protocol module has `LEN` (the fixed header's length), one constant per field, and
//! `FIELDS`: the fields read straight from the bytes every time the header is present (what
//! the fast path may answer without emitting). Fields that exist only in some headers (ICMP
//! echo identifiers, the ARP addresses of Ethernet/IPv4 ARP) or whose value is computed
//! (the null family's byte order, `tcp.flags.str`) are declared too but listed in `OTHERS`.

use super::{Display, FieldId, Value};
use crate::field::ByteRange;

/// One fixed field's place in its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub id: FieldId,
    /// From the header's first byte.
    pub offset: usize,
    pub len: usize,
    /// Bits of the `len`-byte big-endian word that hold the field; 0 = all of them.
    pub mask: u32,
    /// The value is the masked bits times this (header lengths count 32-bit words).
    pub scale: u8,
    /// Depth in the details tree (1 = a field of the protocol, 2 = a sub-field).
    pub depth: u8,
}

impl Layout {
    /// `len` whole bytes at `offset`, a field of its protocol.
    pub const fn bytes(id: FieldId, offset: usize, len: usize) -> Self {
        Layout {
            id,
            offset,
            len,
            mask: 0,
            scale: 1,
            depth: 1,
        }
    }

    /// The `mask` bits of the `len`-byte word at `offset`, a sub-field (flag bits, DSCP).
    pub const fn bits(id: FieldId, offset: usize, len: usize, mask: u32) -> Self {
        Layout {
            id,
            offset,
            len,
            mask,
            scale: 1,
            depth: 2,
        }
    }

    pub const fn at_depth(self, depth: u8) -> Self {
        Layout { depth, ..self }
    }

    pub const fn times(self, scale: u8) -> Self {
        Layout { scale, ..self }
    }

    /// One past the last byte, from the header's start.
    pub const fn end(&self) -> usize {
        self.offset + self.len
    }

    /// The field's bytes in a frame whose header starts at `header_start`.
    pub fn range(&self, header_start: usize) -> ByteRange {
        if self.mask == 0 {
            ByteRange::new(header_start + self.offset, self.len)
        } else {
            ByteRange::bits(header_start + self.offset, self.len, self.mask)
        }
    }

    /// The field's bytes inside `header`, `None` when the header is too short.
    pub fn slice<'a>(&self, header: &'a [u8]) -> Option<&'a [u8]> {
        header.get(self.offset..self.end())
    }

    /// The masked, shifted, scaled integer (fields of up to 8 bytes).
    pub fn read_uint(&self, header: &[u8]) -> Option<u64> {
        let bytes = self.slice(header)?;
        if bytes.len() > 8 {
            return None;
        }
        let word = bytes
            .iter()
            .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte));
        let bits = if self.mask == 0 {
            word
        } else {
            let mask = u64::from(self.mask);
            (word & mask) >> mask.trailing_zeros()
        };
        Some(bits * u64::from(self.scale))
    }

    /// The typed value as the field table displays it: addresses from their bytes, a
    /// single-bit flag as a boolean, everything else as an integer.
    pub fn value<'a>(&self, header: &'a [u8]) -> Option<Value<'a>> {
        Some(match self.id.def().display {
            Display::Mac => Value::Mac(self.slice(header)?.try_into().ok()?),
            Display::Ipv4 => Value::Ipv4(self.slice(header)?.try_into().ok()?),
            Display::Ipv6 => Value::Ipv6(self.slice(header)?.try_into().ok()?),
            Display::Bytes | Display::Text => Value::Bytes(self.slice(header)?),
            Display::Bool if self.mask.count_ones() == 1 => {
                Value::Bool(self.read_uint(header)? != 0)
            }
            _ => Value::U64(self.read_uint(header)?),
        })
    }
}

use FieldId as F;

mod wire;
pub use wire::{eth_dot3, geneve, gre, llc, mpls, stp, vxlan};

/// BSD loopback: a 4-byte address family in the writer's byte order (so computed, not read).
pub mod null {
    use super::*;
    pub const LEN: usize = 4;
    pub const FAMILY: Layout = Layout::bytes(F::NullFamily, 0, 4);
    pub const FIELDS: &[Layout] = &[];
    pub const OTHERS: &[Layout] = &[FAMILY];
}

/// Linux cooked capture v1: pkttype(2) hatype(2) halen(2) address(8) protocol(2).
pub mod sll {
    use super::*;
    pub const LEN: usize = 16;
    pub const PKTTYPE: Layout = Layout::bytes(F::SllPktType, 0, 2);
    pub const HATYPE: Layout = Layout::bytes(F::SllHaType, 2, 2);
    pub const HALEN: Layout = Layout::bytes(F::SllHaLen, 4, 2);
    /// Only when the address is 6 bytes long.
    pub const SRC_ETH: Layout = Layout::bytes(F::SllSrcEth, 6, 6);
    pub const ETYPE: Layout = Layout::bytes(F::SllEtype, 14, 2);
    pub const FIELDS: &[Layout] = &[PKTTYPE, HATYPE, HALEN, ETYPE];
    pub const OTHERS: &[Layout] = &[SRC_ETH];
}

/// Linux cooked capture v2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1)
/// halen(1) address(8).
pub mod sll2 {
    use super::*;
    pub const LEN: usize = 20;
    pub const ETYPE: Layout = Layout::bytes(F::SllEtype, 0, 2);
    pub const IFINDEX: Layout = Layout::bytes(F::SllIfIndex, 4, 4);
    pub const HATYPE: Layout = Layout::bytes(F::SllHaType, 8, 2);
    pub const PKTTYPE: Layout = Layout::bytes(F::SllPktType, 10, 1);
    pub const HALEN: Layout = Layout::bytes(F::SllHaLen, 11, 1);
    /// Only when the address is 6 bytes long.
    pub const SRC_ETH: Layout = Layout::bytes(F::SllSrcEth, 12, 6);
    pub const FIELDS: &[Layout] = &[ETYPE, IFINDEX, HATYPE, PKTTYPE, HALEN];
    pub const OTHERS: &[Layout] = &[SRC_ETH];
}

/// Ethernet II.
pub mod eth {
    use super::*;
    pub const LEN: usize = 14;
    pub const DST: Layout = Layout::bytes(F::EthDst, 0, 6);
    pub const SRC: Layout = Layout::bytes(F::EthSrc, 6, 6);
    pub const TYPE: Layout = Layout::bytes(F::EthType, 12, 2);
    pub const FIELDS: &[Layout] = &[DST, SRC, TYPE];
    pub const OTHERS: &[Layout] = &[];
}

/// 802.1Q tag (after the outer EtherType): PCP(3) DEI(1) VID(12), inner EtherType.
pub mod vlan {
    use super::*;
    pub const LEN: usize = 4;
    pub const PRIORITY: Layout = Layout::bits(F::VlanPriority, 0, 2, 0xe000);
    pub const DEI: Layout = Layout::bits(F::VlanDei, 0, 2, 0x1000);
    pub const ID: Layout = Layout::bits(F::VlanId, 0, 2, 0x0fff);
    pub const ETYPE: Layout = Layout::bytes(F::VlanEtype, 2, 2);
    pub const FIELDS: &[Layout] = &[PRIORITY, DEI, ID, ETYPE];
    pub const OTHERS: &[Layout] = &[];
}

/// ARP (RFC 826). The addresses' places depend on the hardware and protocol sizes; these
/// are Ethernet/IPv4 ARP's, the only kind with typed address fields.
pub mod arp {
    use super::*;
    pub const LEN: usize = 8;
    pub const HW_TYPE: Layout = Layout::bytes(F::ArpHwType, 0, 2);
    pub const PROTO_TYPE: Layout = Layout::bytes(F::ArpProtoType, 2, 2);
    pub const HW_SIZE: Layout = Layout::bytes(F::ArpHwSize, 4, 1);
    pub const PROTO_SIZE: Layout = Layout::bytes(F::ArpProtoSize, 5, 1);
    pub const OPCODE: Layout = Layout::bytes(F::ArpOpcode, 6, 2);
    pub const FIELDS: &[Layout] = &[HW_TYPE, PROTO_TYPE, HW_SIZE, PROTO_SIZE, OPCODE];
    pub const OTHERS: &[Layout] = &[];

    /// Ethernet/IPv4 ARP: 6-byte hardware and 4-byte protocol addresses.
    pub mod ether_ipv4 {
        use super::*;
        pub const LEN: usize = 28;
        pub const SRC_HW_MAC: Layout = Layout::bytes(F::ArpSrcHwMac, 8, 6);
        pub const SRC_PROTO_IPV4: Layout = Layout::bytes(F::ArpSrcProtoIpv4, 14, 4);
        pub const DST_HW_MAC: Layout = Layout::bytes(F::ArpDstHwMac, 18, 6);
        pub const DST_PROTO_IPV4: Layout = Layout::bytes(F::ArpDstProtoIpv4, 24, 4);
        pub const FIELDS: &[Layout] = &[];
        pub const OTHERS: &[Layout] = &[SRC_HW_MAC, SRC_PROTO_IPV4, DST_HW_MAC, DST_PROTO_IPV4];
    }
}

/// IPv4 (RFC 791).
pub mod ipv4 {
    use super::*;
    pub const LEN: usize = 20;
    pub const VERSION: Layout = Layout::bits(F::IpVersion, 0, 1, 0xf0).at_depth(1);
    /// IHL counts 32-bit words; the field shows bytes.
    pub const HDR_LEN: Layout = Layout::bits(F::IpHdrLen, 0, 1, 0x0f).at_depth(1).times(4);
    pub const DSFIELD: Layout = Layout::bytes(F::IpDsfield, 1, 1);
    pub const DSCP: Layout = Layout::bits(F::IpDsfieldDscp, 1, 1, 0xfc);
    pub const ECN: Layout = Layout::bits(F::IpDsfieldEcn, 1, 1, 0x03);
    pub const TOTAL_LEN: Layout = Layout::bytes(F::IpLen, 2, 2);
    pub const ID: Layout = Layout::bytes(F::IpId, 4, 2);
    pub const FLAGS: Layout = Layout::bits(F::IpFlags, 6, 1, 0xe0).at_depth(1);
    pub const FLAG_RB: Layout = Layout::bits(F::IpFlagsRb, 6, 1, 0x80);
    pub const FLAG_DF: Layout = Layout::bits(F::IpFlagsDf, 6, 1, 0x40);
    pub const FLAG_MF: Layout = Layout::bits(F::IpFlagsMf, 6, 1, 0x20);
    /// In 8-byte units, as on the wire (Wireshark 4.0 shows it so).
    pub const FRAG_OFFSET: Layout = Layout::bits(F::IpFragOffset, 6, 2, 0x1fff).at_depth(1);
    pub const TTL: Layout = Layout::bytes(F::IpTtl, 8, 1);
    pub const PROTO: Layout = Layout::bytes(F::IpProto, 9, 1);
    pub const CHECKSUM: Layout = Layout::bytes(F::IpChecksum, 10, 2);
    pub const SRC: Layout = Layout::bytes(F::IpSrc, 12, 4);
    pub const DST: Layout = Layout::bytes(F::IpDst, 16, 4);
    /// Options run from here to the header length.
    pub const OPTIONS: usize = LEN;
    pub const FIELDS: &[Layout] = &[
        VERSION,
        HDR_LEN,
        DSFIELD,
        DSCP,
        ECN,
        TOTAL_LEN,
        ID,
        FLAGS,
        FLAG_RB,
        FLAG_DF,
        FLAG_MF,
        FRAG_OFFSET,
        TTL,
        PROTO,
        CHECKSUM,
        SRC,
        DST,
    ];
    pub const OTHERS: &[Layout] = &[];
}

/// IPv6 (RFC 8200).
pub mod ipv6 {
    use super::*;
    pub const LEN: usize = 40;
    pub const VERSION: Layout = Layout::bits(F::Ipv6Version, 0, 1, 0xf0);
    pub const TCLASS: Layout = Layout::bits(F::Ipv6Tclass, 0, 4, 0x0ff0_0000).at_depth(1);
    pub const DSCP: Layout = Layout::bits(F::Ipv6TclassDscp, 0, 4, 0x0fc0_0000);
    pub const ECN: Layout = Layout::bits(F::Ipv6TclassEcn, 0, 4, 0x0030_0000);
    pub const FLOW: Layout = Layout::bits(F::Ipv6Flow, 0, 4, 0x000f_ffff).at_depth(1);
    pub const PLEN: Layout = Layout::bytes(F::Ipv6Plen, 4, 2);
    pub const NXT: Layout = Layout::bytes(F::Ipv6Nxt, 6, 1);
    pub const HLIM: Layout = Layout::bytes(F::Ipv6Hlim, 7, 1);
    pub const SRC: Layout = Layout::bytes(F::Ipv6Src, 8, 16);
    pub const DST: Layout = Layout::bytes(F::Ipv6Dst, 24, 16);
    pub const FIELDS: &[Layout] = &[VERSION, TCLASS, DSCP, ECN, FLOW, PLEN, NXT, HLIM, SRC, DST];
    pub const OTHERS: &[Layout] = &[];
}

/// IPv6 hop-by-hop, routing and destination options headers: next header, length in
/// 8-byte units beyond the first 8, then options.
pub mod ipv6_ext {
    use super::*;
    pub const LEN: usize = 8;
    pub const NXT: Layout = Layout::bytes(F::Ipv6ExtNxt, 0, 1).at_depth(2);
    pub const LENGTH: Layout = Layout::bytes(F::Ipv6ExtLen, 1, 1).at_depth(2);
    pub const FIELDS: &[Layout] = &[NXT, LENGTH];
    pub const OTHERS: &[Layout] = &[];
}

/// IPv6 fragment header: next header, reserved, offset(13) res(2) M(1), identification.
pub mod ipv6_frag {
    use super::*;
    pub const LEN: usize = 8;
    pub const NXT: Layout = Layout::bytes(F::Ipv6ExtNxt, 0, 1).at_depth(2);
    pub const OFFSET: Layout = Layout::bits(F::Ipv6FragmentOffset, 2, 2, 0xfff8);
    pub const MORE: Layout = Layout::bits(F::Ipv6FragmentMore, 2, 2, 0x0001);
    pub const ID: Layout = Layout::bytes(F::Ipv6FragmentId, 4, 4).at_depth(2);
    pub const FIELDS: &[Layout] = &[NXT, OFFSET, MORE, ID];
    pub const OTHERS: &[Layout] = &[];
}

/// TCP (RFC 9293).
pub mod tcp {
    use super::*;
    pub const LEN: usize = 20;
    pub const SRC_PORT: Layout = Layout::bytes(F::TcpSrcport, 0, 2);
    pub const DST_PORT: Layout = Layout::bytes(F::TcpDstport, 2, 2);
    pub const SEQ: Layout = Layout::bytes(F::TcpSeqRaw, 4, 4);
    pub const ACK: Layout = Layout::bytes(F::TcpAckRaw, 8, 4);
    /// The data offset counts 32-bit words; the field shows bytes.
    pub const HDR_LEN: Layout = Layout::bits(F::TcpHdrLen, 12, 1, 0xf0).at_depth(1).times(4);
    /// The 12 flag bits after the data offset.
    pub const FLAGS: Layout = Layout::bits(F::TcpFlags, 12, 2, 0x0fff).at_depth(1);
    pub const FLAG_RES: Layout = Layout::bits(F::TcpFlagsRes, 12, 2, 0x0e00);
    pub const FLAG_AE: Layout = Layout::bits(F::TcpFlagsAe, 12, 2, 0x0100);
    pub const FLAG_CWR: Layout = Layout::bits(F::TcpFlagsCwr, 12, 2, 0x0080);
    pub const FLAG_ECE: Layout = Layout::bits(F::TcpFlagsEce, 12, 2, 0x0040);
    pub const FLAG_URG: Layout = Layout::bits(F::TcpFlagsUrg, 12, 2, 0x0020);
    pub const FLAG_ACK: Layout = Layout::bits(F::TcpFlagsAck, 12, 2, 0x0010);
    pub const FLAG_PUSH: Layout = Layout::bits(F::TcpFlagsPush, 12, 2, 0x0008);
    pub const FLAG_RESET: Layout = Layout::bits(F::TcpFlagsReset, 12, 2, 0x0004);
    pub const FLAG_SYN: Layout = Layout::bits(F::TcpFlagsSyn, 12, 2, 0x0002);
    pub const FLAG_FIN: Layout = Layout::bits(F::TcpFlagsFin, 12, 2, 0x0001);
    /// The flag bits high to low, as the details tree lists them.
    pub const FLAG_BITS: [Layout; 10] = [
        FLAG_RES, FLAG_AE, FLAG_CWR, FLAG_ECE, FLAG_URG, FLAG_ACK, FLAG_PUSH, FLAG_RESET, FLAG_SYN,
        FLAG_FIN,
    ];
    /// The flags as text (computed from the bits).
    pub const FLAGS_STR: Layout = Layout::bits(F::TcpFlagsStr, 12, 2, 0x0fff);
    pub const WINDOW: Layout = Layout::bytes(F::TcpWindowSizeValue, 14, 2);
    pub const CHECKSUM: Layout = Layout::bytes(F::TcpChecksum, 16, 2);
    pub const URGENT_POINTER: Layout = Layout::bytes(F::TcpUrgentPointer, 18, 2);
    /// Options run from here to the header length.
    pub const OPTIONS: usize = LEN;
    pub const FIELDS: &[Layout] = &[
        SRC_PORT,
        DST_PORT,
        SEQ,
        ACK,
        HDR_LEN,
        FLAGS,
        FLAG_RES,
        FLAG_AE,
        FLAG_CWR,
        FLAG_ECE,
        FLAG_URG,
        FLAG_ACK,
        FLAG_PUSH,
        FLAG_RESET,
        FLAG_SYN,
        FLAG_FIN,
        WINDOW,
        CHECKSUM,
        URGENT_POINTER,
    ];
    pub const OTHERS: &[Layout] = &[FLAGS_STR];
}

/// One TCP option, from its kind byte: kind(1) length(1) value.
pub mod tcp_option {
    use super::*;
    /// The longest fixed option (timestamps); SACK blocks repeat `SACK_BLOCK` bytes.
    pub const LEN: usize = 10;
    pub const KIND: Layout = Layout::bytes(F::TcpOptionKind, 0, 1).at_depth(2);
    pub const LENGTH: Layout = Layout::bytes(F::TcpOptionLen, 1, 1).at_depth(2);
    pub const MSS: Layout = Layout::bytes(F::TcpOptionsMssVal, 2, 2).at_depth(2);
    pub const WSCALE_SHIFT: Layout = Layout::bytes(F::TcpOptionsWscaleShift, 2, 1).at_depth(2);
    pub const SACK_PERM: Layout = Layout::bytes(F::TcpOptionsSackPerm, 0, 2).at_depth(2);
    pub const TSVAL: Layout = Layout::bytes(F::TcpOptionsTimestampTsval, 2, 4).at_depth(2);
    pub const TSECR: Layout = Layout::bytes(F::TcpOptionsTimestampTsecr, 6, 4).at_depth(2);
    /// SACK block `i` starts at `SACK_FIRST + i * SACK_BLOCK`.
    pub const SACK_FIRST: usize = 2;
    pub const SACK_BLOCK: usize = 8;
    pub const SACK_LE: Layout = Layout::bytes(F::TcpOptionsSackLe, 0, 4).at_depth(2);
    pub const SACK_RE: Layout = Layout::bytes(F::TcpOptionsSackRe, 4, 4).at_depth(2);
    pub const FIELDS: &[Layout] = &[];
    pub const OTHERS: &[Layout] = &[
        KIND,
        LENGTH,
        MSS,
        WSCALE_SHIFT,
        SACK_PERM,
        TSVAL,
        TSECR,
        SACK_LE,
        SACK_RE,
    ];
}

/// UDP (RFC 768).
pub mod udp {
    use super::*;
    pub const LEN: usize = 8;
    pub const SRC_PORT: Layout = Layout::bytes(F::UdpSrcport, 0, 2);
    pub const DST_PORT: Layout = Layout::bytes(F::UdpDstport, 2, 2);
    pub const LENGTH: Layout = Layout::bytes(F::UdpLength, 4, 2);
    pub const CHECKSUM: Layout = Layout::bytes(F::UdpChecksum, 6, 2);
    pub const FIELDS: &[Layout] = &[SRC_PORT, DST_PORT, LENGTH, CHECKSUM];
    pub const OTHERS: &[Layout] = &[];
}

/// ICMP (RFC 792).
pub mod icmp {
    use super::*;
    pub const LEN: usize = 8;
    pub const TYPE: Layout = Layout::bytes(F::IcmpType, 0, 1);
    pub const CODE: Layout = Layout::bytes(F::IcmpCode, 1, 1);
    pub const CHECKSUM: Layout = Layout::bytes(F::IcmpChecksum, 2, 2);
    /// Echo, timestamp, information and address-mask messages only.
    pub const IDENT: Layout = Layout::bytes(F::IcmpIdent, 4, 2);
    pub const SEQ: Layout = Layout::bytes(F::IcmpSeq, 6, 2);
    pub const FIELDS: &[Layout] = &[TYPE, CODE, CHECKSUM];
    pub const OTHERS: &[Layout] = &[IDENT, SEQ];
}

/// ICMPv6 (RFC 4443); neighbour solicitations/advertisements (RFC 4861) carry a target.
pub mod icmpv6 {
    use super::*;
    pub const LEN: usize = 8;
    pub const TYPE: Layout = Layout::bytes(F::Icmpv6Type, 0, 1);
    pub const CODE: Layout = Layout::bytes(F::Icmpv6Code, 1, 1);
    pub const CHECKSUM: Layout = Layout::bytes(F::Icmpv6Checksum, 2, 2);
    /// Echo request/reply only.
    pub const ECHO_ID: Layout = Layout::bytes(F::Icmpv6EchoIdentifier, 4, 2);
    pub const ECHO_SEQ: Layout = Layout::bytes(F::Icmpv6EchoSequenceNumber, 6, 2);
    pub const FIELDS: &[Layout] = &[TYPE, CODE, CHECKSUM];
    pub const OTHERS: &[Layout] = &[ECHO_ID, ECHO_SEQ];

    /// Neighbour solicitation/advertisement: the target follows the 8-byte header.
    pub mod nd {
        use super::*;
        pub const LEN: usize = 24;
        pub const TARGET: Layout = Layout::bytes(F::Icmpv6NdTargetAddress, 8, 16);
        pub const FIELDS: &[Layout] = &[];
        pub const OTHERS: &[Layout] = &[TARGET];
    }
}

/// Every protocol's declarations: (name, fixed length, always-read fields, the others).
pub const PROTOCOLS: &[(&str, usize, &[Layout], &[Layout])] = &[
    ("null", null::LEN, null::FIELDS, null::OTHERS),
    ("sll", sll::LEN, sll::FIELDS, sll::OTHERS),
    ("sll2", sll2::LEN, sll2::FIELDS, sll2::OTHERS),
    ("eth", eth::LEN, eth::FIELDS, eth::OTHERS),
    (
        "eth 802.3",
        eth_dot3::LEN,
        eth_dot3::FIELDS,
        eth_dot3::OTHERS,
    ),
    ("llc", llc::SNAP_LEN, llc::FIELDS, llc::OTHERS),
    ("stp", stp::CONFIG_LEN + 1, stp::FIELDS, stp::OTHERS),
    ("gre", gre::LEN, gre::FIELDS, gre::OTHERS),
    ("vxlan", vxlan::LEN, vxlan::FIELDS, vxlan::OTHERS),
    ("geneve", geneve::LEN, geneve::FIELDS, geneve::OTHERS),
    ("mpls", mpls::LEN, mpls::FIELDS, mpls::OTHERS),
    ("vlan", vlan::LEN, vlan::FIELDS, vlan::OTHERS),
    ("arp", arp::LEN, arp::FIELDS, arp::OTHERS),
    (
        "arp (Ethernet/IPv4)",
        arp::ether_ipv4::LEN,
        arp::ether_ipv4::FIELDS,
        arp::ether_ipv4::OTHERS,
    ),
    ("ipv4", ipv4::LEN, ipv4::FIELDS, ipv4::OTHERS),
    ("ipv6", ipv6::LEN, ipv6::FIELDS, ipv6::OTHERS),
    (
        "ipv6 extension",
        ipv6_ext::LEN,
        ipv6_ext::FIELDS,
        ipv6_ext::OTHERS,
    ),
    (
        "ipv6 fragment",
        ipv6_frag::LEN,
        ipv6_frag::FIELDS,
        ipv6_frag::OTHERS,
    ),
    ("tcp", tcp::LEN, tcp::FIELDS, tcp::OTHERS),
    (
        "tcp option",
        tcp_option::LEN,
        tcp_option::FIELDS,
        tcp_option::OTHERS,
    ),
    ("udp", udp::LEN, udp::FIELDS, udp::OTHERS),
    ("icmp", icmp::LEN, icmp::FIELDS, icmp::OTHERS),
    ("icmpv6", icmpv6::LEN, icmpv6::FIELDS, icmpv6::OTHERS),
    (
        "icmpv6 nd",
        icmpv6::nd::LEN,
        icmpv6::nd::FIELDS,
        icmpv6::nd::OTHERS,
    ),
];

/// Whether some protocol reads `id` straight from its fixed header every time.
pub fn is_fixed(id: FieldId) -> bool {
    PROTOCOLS
        .iter()
        .any(|(_, _, fields, _)| fields.iter().any(|l| l.id == id))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    /// Every declared field lies inside its header, its mask inside its bytes, and no two
    /// whole-byte fields of one header overlap.
    #[test]
    fn every_field_lies_inside_its_header() {
        for (name, len, fields, others) in PROTOCOLS {
            for layout in fields.iter().chain(others.iter()) {
                let field = layout.id.name();
                assert!(layout.len > 0, "{name}: {field} has no bytes");
                assert!(
                    layout.end() <= *len,
                    "{name}: {field} ends at {} beyond the {len}-byte header",
                    layout.end()
                );
                let width_bits = layout.len * 8;
                if layout.mask != 0 {
                    assert!(
                        width_bits >= 32 || u64::from(layout.mask) < (1u64 << width_bits),
                        "{name}: {field}'s mask {:#x} is wider than its {} bytes",
                        layout.mask,
                        layout.len
                    );
                }
            }
            let whole: Vec<_> = fields.iter().filter(|l| l.mask == 0).collect();
            for a in &whole {
                for b in &whole {
                    if a.id != b.id {
                        assert!(
                            a.end() <= b.offset || b.end() <= a.offset,
                            "{name}: {} and {} overlap",
                            a.id.name(),
                            b.id.name()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn reads_masked_scaled_values() {
        // IPv4: version 4, IHL 6 (24 bytes), DSCP 46 ECN 1, flags DF, offset 0x123.
        let header = [0x46, 0xb9, 0, 24, 0, 1, 0x41, 0x23];
        assert_eq!(ipv4::VERSION.read_uint(&header), Some(4));
        assert_eq!(ipv4::HDR_LEN.read_uint(&header), Some(24));
        assert_eq!(ipv4::DSCP.read_uint(&header), Some(46));
        assert_eq!(ipv4::ECN.read_uint(&header), Some(1));
        assert_eq!(ipv4::FLAG_DF.value(&header), Some(Value::Bool(true)));
        assert_eq!(ipv4::FLAG_MF.value(&header), Some(Value::Bool(false)));
        assert_eq!(ipv4::FLAGS.read_uint(&header), Some(2));
        assert_eq!(ipv4::FRAG_OFFSET.read_uint(&header), Some(0x123));
        // Too short: no value rather than a wrong one.
        assert_eq!(ipv4::TTL.read_uint(&header), None);
        assert_eq!(ipv4::SRC.value(&header), None);
    }
}
