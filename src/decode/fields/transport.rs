//! Fields of TCP (with options), UDP, ICMPv4, ICMPv6 and the payload.

use etherparse::{
    Icmpv4Slice, Icmpv6Slice, TcpHeaderSlice, TcpOptionElement, TcpOptionsIterator, UdpHeaderSlice,
};

use super::super::checksum::{check_transport, ChecksumCheck, ChecksumStatus};
use super::super::{Header, Packet};
use super::{Annotate, FieldList};
use crate::field::layout::{
    icmp as icmp_layout, icmpv6 as icmpv6_layout, tcp, tcp_option, udp as udp_layout,
};
use crate::field::{FieldId as F, Value};
use crate::frame::Direction;

/// tshark's `tcp.flags.str`: one character per bit of the 12-bit field, `·` when clear.
const FLAG_STR_CHARS: [char; 12] = ['R', 'R', 'R', 'A', 'C', 'E', 'U', 'A', 'P', 'R', 'S', 'F'];

/// The 12-bit TCP flags field.
pub fn tcp_flags(tcp: &TcpHeaderSlice<'_>) -> u16 {
    let flags = tcp::FLAGS.read_uint(tcp.slice()).unwrap_or(0);
    u16::try_from(flags).unwrap_or(0)
}

/// Renders `tcp.flags.str` into a fixed buffer (12 chars of up to 2 bytes each).
pub fn tcp_flags_str(flags: u16, buf: &mut String) {
    buf.clear();
    for (i, ch) in FLAG_STR_CHARS.iter().enumerate() {
        let bit = 1u16 << (11 - i);
        buf.push(if flags & bit != 0 { *ch } else { '·' });
    }
}

/// `tcp.flags.str` for every 12-bit flags value, built once: the field list borrows its text,
/// and a per-packet string would not outlive the packet.
fn tcp_flags_str_static(flags: u16) -> &'static str {
    static ALL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let all = ALL.get_or_init(|| {
        (0..0x1000u16)
            .map(|f| {
                let mut s = String::new();
                tcp_flags_str(f, &mut s);
                s
            })
            .collect()
    });
    all.get(usize::from(flags & 0x0fff))
        .map_or("", String::as_str)
}

/// The checksum verdict, and for a bad one the correct value and a likely explanation.
/// The check (a sum over the whole segment for TCP/UDP) runs only when one of those
/// fields is wanted.
pub(super) fn checksum_facts(
    out: &mut FieldList<'_>,
    status_id: F,
    check: impl FnOnce() -> ChecksumCheck,
) {
    let calculated = match status_id {
        F::IpChecksumStatus => Some(F::IpChecksumCalculated),
        F::TcpChecksumStatus => Some(F::TcpChecksumCalculated),
        F::UdpChecksumStatus => Some(F::UdpChecksumCalculated),
        // Wireshark has no calculated-checksum field for ICMP; the note says enough.
        _ => None,
    };
    let wanted = out.wants(status_id)
        || calculated.is_some_and(|id| out.wants(id))
        || out.wants(F::WsExpertMessage);
    if !wanted {
        return;
    }
    let check = check();
    out.fact(status_id, Value::U64(check.status as u64), 2);
    if check.status != ChecksumStatus::Bad {
        return;
    }
    if let (Some(id), Some(expected)) = (calculated, check.expected) {
        out.fact(id, Value::U64(expected.into()), 2);
    }
    let note = if check.likely_offload {
        "Bad checksum, probably checksum offload: the network card fills it in after the \
         capture point on outgoing packets"
    } else {
        "Bad checksum: the packet was damaged, or built wrongly by its sender"
    };
    out.fact(F::WsExpertMessage, Value::Text(note), 2);
}

pub(super) fn tcp<'a>(
    tcp: TcpHeaderSlice<'a>,
    packet: &Packet<'a>,
    index: usize,
    direction: Direction,
    annotate: &dyn Annotate<'a>,
    at: usize,
    out: &mut FieldList<'a>,
) {
    let bytes = tcp.slice();
    out.at(F::Tcp, Value::None, at, bytes.len(), 0);
    out.fixed(&tcp::SRC_PORT, bytes, at);
    out.fixed(&tcp::DST_PORT, bytes, at);
    annotate.tcp(out);
    out.fact(F::TcpLen, Value::U64(packet.tcp_len.unwrap_or(0).into()), 1);
    for layout in [tcp::SEQ, tcp::ACK, tcp::HDR_LEN, tcp::FLAGS] {
        out.fixed(&layout, bytes, at);
    }
    for layout in tcp::FLAG_BITS {
        out.fixed(&layout, bytes, at);
    }
    if out.wants(F::TcpFlagsStr) {
        let text = tcp_flags_str_static(tcp_flags(&tcp));
        out.placed(&tcp::FLAGS_STR, Value::Text(text), at);
    }
    out.fixed(&tcp::WINDOW, bytes, at);
    out.fixed(&tcp::CHECKSUM, bytes, at);
    checksum_facts(out, F::TcpChecksumStatus, || {
        check_transport(packet, index, direction)
    });
    out.fixed(&tcp::URGENT_POINTER, bytes, at);
    let options = bytes.get(tcp::OPTIONS..).unwrap_or(&[]);
    if !options.is_empty() && out.wants_any(TCP_OPTION_FIELDS) {
        let options_at = at + tcp::OPTIONS;
        out.at(
            F::TcpOptions,
            Value::Bytes(options),
            options_at,
            options.len(),
            1,
        );
        tcp_options(options, options_at, out);
    }
    annotate.tcp_end(out);
}

/// Every field the option walk produces.
const TCP_OPTION_FIELDS: &[F] = &[
    F::TcpOptions,
    F::TcpOptionKind,
    F::TcpOptionLen,
    F::TcpOptionsMssVal,
    F::TcpOptionsWscaleShift,
    F::TcpOptionsWscaleMultiplier,
    F::TcpOptionsSackPerm,
    F::TcpOptionsSackLe,
    F::TcpOptionsSackRe,
    F::TcpOptionsTimestampTsval,
    F::TcpOptionsTimestampTsecr,
];

/// Walks the option bytes ourselves for byte ranges; etherparse's iterator validates kinds
/// and lengths, and each value is read where the option layout puts it.
fn tcp_options<'a>(options: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    let mut offset = 0usize;
    for element in TcpOptionsIterator::from_slice(options) {
        let Ok(element) = element else {
            break;
        };
        let start = at + offset;
        let option = options.get(offset..).unwrap_or(&[]);
        let kind = option.first().copied().unwrap_or(0);
        let len = match kind {
            0 | 1 => 1,
            _ => usize::from(option.get(1).copied().unwrap_or(2)).max(2),
        };
        out.fixed(&tcp_option::KIND, option, start);
        if len > 1 {
            out.fixed(&tcp_option::LENGTH, option, start);
        }
        match element {
            TcpOptionElement::MaximumSegmentSize(_) => out.fixed(&tcp_option::MSS, option, start),
            TcpOptionElement::WindowScale(shift) => {
                out.fixed(&tcp_option::WSCALE_SHIFT, option, start);
                let multiplier = 1u64 << shift.min(14);
                out.fact(F::TcpOptionsWscaleMultiplier, Value::U64(multiplier), 2);
            }
            TcpOptionElement::SelectiveAcknowledgementPermitted => {
                out.placed(&tcp_option::SACK_PERM, Value::None, start)
            }
            TcpOptionElement::SelectiveAcknowledgement(first, rest) => {
                let blocks = std::iter::once(Some(first)).chain(rest).flatten().count();
                for i in 0..blocks {
                    let block_at = tcp_option::SACK_FIRST + i * tcp_option::SACK_BLOCK;
                    let block = option.get(block_at..).unwrap_or(&[]);
                    out.fixed(&tcp_option::SACK_LE, block, start + block_at);
                    out.fixed(&tcp_option::SACK_RE, block, start + block_at);
                }
            }
            TcpOptionElement::Timestamp(..) => {
                out.fixed(&tcp_option::TSVAL, option, start);
                out.fixed(&tcp_option::TSECR, option, start);
            }
            TcpOptionElement::Noop => {}
        }
        offset += len;
    }
}

pub(super) fn udp<'a>(
    udp: UdpHeaderSlice<'a>,
    packet: &Packet<'a>,
    index: usize,
    direction: Direction,
    annotate: &dyn Annotate<'a>,
    at: usize,
    out: &mut FieldList<'a>,
) {
    let bytes = udp.slice();
    out.at(F::Udp, Value::None, at, udp_layout::LEN, 0);
    for layout in udp_layout::FIELDS {
        out.fixed(layout, bytes, at);
    }
    checksum_facts(out, F::UdpChecksumStatus, || {
        check_transport(packet, index, direction)
    });
    // The analysis is about the innermost datagram: a tunnel's outer UDP (VXLAN, Geneve
    // carrying UDP) must not show the inner one's stream.
    let innermost = packet
        .layers
        .iter()
        .rposition(|l| matches!(l.header, Header::Udp(_)));
    if innermost == Some(index) {
        annotate.udp(out);
    }
}

pub(super) fn icmpv4<'a>(
    icmp: Icmpv4Slice<'a>,
    packet: &Packet<'a>,
    index: usize,
    at: usize,
    out: &mut FieldList<'a>,
) {
    let bytes = icmp.slice();
    out.at(F::Icmp, Value::None, at, icmp.header_len(), 0);
    for layout in icmp_layout::FIELDS {
        out.fixed(layout, bytes, at);
    }
    checksum_facts(out, F::IcmpChecksumStatus, || {
        check_transport(packet, index, Direction::Unknown)
    });
    // Echo request/reply (and timestamp/info/mask) carry identifier and sequence number.
    if matches!(icmp.type_u8(), 0 | 8 | 13 | 14 | 15 | 16 | 17 | 18) {
        out.fixed(&icmp_layout::IDENT, bytes, at);
        out.fixed(&icmp_layout::SEQ, bytes, at);
    }
}

pub(super) fn icmpv6<'a>(
    icmp: Icmpv6Slice<'a>,
    packet: &Packet<'a>,
    index: usize,
    direction: Direction,
    at: usize,
    out: &mut FieldList<'a>,
) {
    let bytes = icmp.slice();
    out.at(F::Icmpv6, Value::None, at, icmp.header_len(), 0);
    for layout in icmpv6_layout::FIELDS {
        out.fixed(layout, bytes, at);
    }
    checksum_facts(out, F::Icmpv6ChecksumStatus, || {
        check_transport(packet, index, direction)
    });
    match icmp.type_u8() {
        128 | 129 => {
            out.fixed(&icmpv6_layout::ECHO_ID, bytes, at);
            out.fixed(&icmpv6_layout::ECHO_SEQ, bytes, at);
        }
        135 | 136 => out.fixed(&icmpv6_layout::nd::TARGET, bytes, at),
        _ => {}
    }
}

/// Payload after the last decoded header: `tcp.payload`, `udp.payload`, or `data`.
pub(super) fn payload<'a>(packet: &Packet<'a>, out: &mut FieldList<'a>) {
    let Some((start, len)) = packet.payload else {
        return;
    };
    let Some(bytes) = packet
        .data
        .get(start..start + len)
        .filter(|b| !b.is_empty())
    else {
        return;
    };
    match packet.layers.last().map(|l| &l.header) {
        Some(Header::Tcp(_)) => out.at(F::TcpPayload, Value::Bytes(bytes), start, len, 1),
        Some(Header::Udp(_)) => out.at(F::UdpPayload, Value::Bytes(bytes), start, len, 1),
        // An ICMP error's body is the datagram it quotes (decoded as layers by the
        // pipeline), not data.
        Some(Header::Icmpv4(icmp)) if matches!(icmp.type_u8(), 3 | 4 | 5 | 11 | 12) => {}
        Some(Header::Icmpv6(icmp)) if matches!(icmp.type_u8(), 1..=4) => {}
        _ => {
            if packet.fragment {
                return;
            }
            out.at(F::Data, Value::None, start, len, 0);
            out.at(F::DataData, Value::Bytes(bytes), start, len, 1);
            out.fact(F::DataLen, Value::U64(len as u64), 1);
        }
    }
}
