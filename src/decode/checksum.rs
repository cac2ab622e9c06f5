//! Checksum verification for IPv4, TCP, UDP, ICMPv4 and ICMPv6 (RFC 1071 sums from
//! etherparse). Unlike tshark's defaults we always verify, and we say when a bad checksum is
//! most likely checksum offload: the NIC fills it in after the capture point, so outgoing
//! packets are captured with only the pseudo-header sum (or garbage) in the field.

use etherparse::checksum::Sum16BitWords;
use etherparse::IpNumber;

use super::{Header, Packet};
use crate::field::layout;
use crate::frame::Direction;

/// tshark's checksum status values (`*.checksum.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumStatus {
    Bad = 0,
    Good = 1,
    /// Not all bytes were captured, so it cannot be checked.
    Unverified = 2,
    /// UDP over IPv4 may omit the checksum (0).
    NotPresent = 3,
}

/// The result of checking one checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChecksumCheck {
    pub status: ChecksumStatus,
    /// The value that would have been correct (when it could be computed).
    pub expected: Option<u16>,
    /// Bad, but in the way checksum offload leaves outgoing packets.
    pub likely_offload: bool,
}

impl ChecksumCheck {
    fn unverified() -> Self {
        ChecksumCheck {
            status: ChecksumStatus::Unverified,
            expected: None,
            likely_offload: false,
        }
    }
}

/// Sum of `bytes` with the 16-bit word at `checksum_at` treated as zero.
fn sum_without(mut sum: Sum16BitWords, bytes: &[u8], checksum_at: usize) -> Sum16BitWords {
    let before = bytes.get(..checksum_at).unwrap_or(bytes);
    let after = bytes.get(checksum_at + 2..).unwrap_or(&[]);
    sum = sum.add_slice(before);
    // Keep 16-bit alignment for the rest: `before` has an even length (checksum offsets are).
    sum.add_slice(after)
}

fn verdict(stored: u16, expected: u16, pseudo_only: Option<u16>, outgoing: bool) -> ChecksumCheck {
    let good = stored == expected;
    ChecksumCheck {
        status: if good {
            ChecksumStatus::Good
        } else {
            ChecksumStatus::Bad
        },
        expected: Some(expected),
        likely_offload: !good
            && (outgoing || pseudo_only.is_some_and(|p| stored == p || stored == !p)),
    }
}

/// IPv4 header checksum.
pub fn check_ipv4(header: &[u8], stored: u16) -> ChecksumCheck {
    let checksum_at = layout::ipv4::CHECKSUM.offset;
    let expected = sum_without(Sum16BitWords::new(), header, checksum_at).ones_complement();
    verdict(stored, expected.to_be(), None, false)
}

/// Checks the transport checksum of `packet`'s TCP/UDP/ICMP layer (`layer_index`).
pub fn check_transport(
    packet: &Packet<'_>,
    layer_index: usize,
    direction: Direction,
) -> ChecksumCheck {
    let Some(layer) = packet.layers.get(layer_index) else {
        return ChecksumCheck::unverified();
    };
    let (protocol, stored, checksum_at) = match &layer.header {
        Header::Tcp(tcp) => (IpNumber::TCP, tcp.checksum(), layout::tcp::CHECKSUM.offset),
        Header::Udp(udp) => (IpNumber::UDP, udp.checksum(), layout::udp::CHECKSUM.offset),
        Header::Icmpv4(icmp) => (
            IpNumber::ICMP,
            icmp.checksum(),
            layout::icmp::CHECKSUM.offset,
        ),
        Header::Icmpv6(icmp) => (
            IpNumber::IPV6_ICMP,
            icmp.checksum(),
            layout::icmpv6::CHECKSUM.offset,
        ),
        _ => return ChecksumCheck::unverified(),
    };
    // The whole segment must have been captured.
    let seg_len = match &layer.header {
        Header::Tcp(_) => layer.len + packet.tcp_len.unwrap_or(0) as usize,
        Header::Udp(udp) => usize::from(udp.length()),
        _ => packet.net_end.unwrap_or(0).saturating_sub(layer.offset),
    };
    let Some(segment) = packet.data.get(layer.offset..layer.offset + seg_len) else {
        return ChecksumCheck::unverified();
    };
    if protocol == IpNumber::ICMP {
        let expected = sum_without(Sum16BitWords::new(), segment, checksum_at).ones_complement();
        return verdict(stored, expected.to_be(), None, false);
    }
    // The pseudo-header is the IP header that carries this segment (the inner one in a
    // tunnel).
    let pseudo = match packet.ip_before(layer_index).map(|(_, h)| h) {
        Some(Header::Ipv4(ip)) => {
            if protocol == IpNumber::UDP && stored == 0 {
                return ChecksumCheck {
                    status: ChecksumStatus::NotPresent,
                    expected: None,
                    likely_offload: false,
                };
            }
            Sum16BitWords::new()
                .add_4bytes(ip.source())
                .add_4bytes(ip.destination())
                .add_2bytes([0, protocol.0])
                .add_2bytes((seg_len as u16).to_be_bytes())
        }
        Some(Header::Ipv6(ip)) => Sum16BitWords::new()
            .add_16bytes(ip.source())
            .add_16bytes(ip.destination())
            .add_4bytes((seg_len as u32).to_be_bytes())
            .add_4bytes([0, 0, 0, protocol.0]),
        _ => return ChecksumCheck::unverified(),
    };
    let pseudo_only = pseudo.ones_complement().to_be();
    let mut expected = sum_without(pseudo, segment, checksum_at)
        .ones_complement()
        .to_be();
    if protocol == IpNumber::UDP && expected == 0 {
        expected = 0xffff;
    }
    verdict(
        stored,
        expected,
        Some(pseudo_only),
        direction == Direction::Outbound,
    )
}
