//! Fields of TCP (with options), UDP, ICMPv4, ICMPv6 and the payload.

use etherparse::{
    Icmpv4Slice, Icmpv6Slice, TcpHeaderSlice, TcpOptionElement, TcpOptionsIterator, UdpHeaderSlice,
};

use super::super::checksum::{check_transport, ChecksumCheck, ChecksumStatus};
use super::super::link::be16;
use super::super::{Header, Packet};
use super::{Annotate, FieldList};
use crate::field::{ByteRange, FieldId as F, Value};
use crate::frame::Direction;

/// TCP flag bits (low 12 bits of header bytes 12-13), high to low, with their field ids.
const TCP_FLAG_BITS: [(u16, F); 10] = [
    (0x0e00, F::TcpFlagsRes),
    (0x0100, F::TcpFlagsAe),
    (0x0080, F::TcpFlagsCwr),
    (0x0040, F::TcpFlagsEce),
    (0x0020, F::TcpFlagsUrg),
    (0x0010, F::TcpFlagsAck),
    (0x0008, F::TcpFlagsPush),
    (0x0004, F::TcpFlagsReset),
    (0x0002, F::TcpFlagsSyn),
    (0x0001, F::TcpFlagsFin),
];

/// tshark's `tcp.flags.str`: one character per bit of the 12-bit field, `·` when clear.
const FLAG_STR_CHARS: [char; 12] = ['R', 'R', 'R', 'A', 'C', 'E', 'U', 'A', 'P', 'R', 'S', 'F'];

/// The 12-bit TCP flags field.
pub fn tcp_flags(tcp: &TcpHeaderSlice<'_>) -> u16 {
    be16(tcp.slice(), 12) & 0x0fff
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
pub(super) fn checksum_facts(out: &mut FieldList<'_>, status_id: F, check: ChecksumCheck) {
    out.fact(status_id, Value::U64(check.status as u64), 2);
    if check.status != ChecksumStatus::Bad {
        return;
    }
    let calculated = match status_id {
        F::IpChecksumStatus => Some(F::IpChecksumCalculated),
        F::TcpChecksumStatus => Some(F::TcpChecksumCalculated),
        F::UdpChecksumStatus => Some(F::UdpChecksumCalculated),
        // Wireshark has no calculated-checksum field for ICMP; the note says enough.
        _ => None,
    };
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
    let hl = tcp.slice().len();
    out.at(F::Tcp, Value::None, at, hl, 0);
    out.at(
        F::TcpSrcport,
        Value::U64(tcp.source_port().into()),
        at,
        2,
        1,
    );
    out.at(
        F::TcpDstport,
        Value::U64(tcp.destination_port().into()),
        at + 2,
        2,
        1,
    );
    annotate.tcp(out);
    out.fact(F::TcpLen, Value::U64(packet.tcp_len.unwrap_or(0).into()), 1);
    out.at(
        F::TcpSeqRaw,
        Value::U64(tcp.sequence_number().into()),
        at + 4,
        4,
        1,
    );
    out.at(
        F::TcpAckRaw,
        Value::U64(tcp.acknowledgment_number().into()),
        at + 8,
        4,
        1,
    );
    out.push(
        F::TcpHdrLen,
        Value::U64(hl as u64),
        Some(ByteRange::bits(at + 12, 1, 0xf0)),
        1,
    );
    let flags = tcp_flags(&tcp);
    out.push(
        F::TcpFlags,
        Value::U64(flags.into()),
        Some(ByteRange::bits(at + 12, 2, 0x0fff)),
        1,
    );
    for (mask, id) in TCP_FLAG_BITS {
        let value = if mask == 0x0e00 {
            Value::U64(u64::from((flags & mask) >> 9))
        } else {
            Value::Bool(flags & mask != 0)
        };
        out.bits(id, value, at + 12, 2, u32::from(mask));
    }
    out.bits(
        F::TcpFlagsStr,
        Value::Text(tcp_flags_str_static(flags)),
        at + 12,
        2,
        0x0fff,
    );
    out.at(
        F::TcpWindowSizeValue,
        Value::U64(tcp.window_size().into()),
        at + 14,
        2,
        1,
    );
    out.at(
        F::TcpChecksum,
        Value::U64(tcp.checksum().into()),
        at + 16,
        2,
        1,
    );
    checksum_facts(
        out,
        F::TcpChecksumStatus,
        check_transport(packet, index, direction),
    );
    out.at(
        F::TcpUrgentPointer,
        Value::U64(tcp.urgent_pointer().into()),
        at + 18,
        2,
        1,
    );
    let options = tcp.slice().get(20..).unwrap_or(&[]);
    if !options.is_empty() {
        out.at(
            F::TcpOptions,
            Value::Bytes(options),
            at + 20,
            options.len(),
            1,
        );
        tcp_options(options, at + 20, out);
    }
    annotate.tcp_end(out);
}

/// Walks the option bytes ourselves for byte ranges; etherparse's iterator validates kinds
/// and lengths and gives the typed values.
fn tcp_options<'a>(options: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    let mut offset = 0usize;
    for element in TcpOptionsIterator::from_slice(options) {
        let Ok(element) = element else {
            break;
        };
        let start = at + offset;
        let kind = options.get(offset).copied().unwrap_or(0);
        let len = match kind {
            0 | 1 => 1,
            _ => usize::from(options.get(offset + 1).copied().unwrap_or(2)).max(2),
        };
        out.at(F::TcpOptionKind, Value::U64(kind.into()), start, 1, 2);
        if len > 1 {
            out.at(F::TcpOptionLen, Value::U64(len as u64), start + 1, 1, 2);
        }
        match element {
            TcpOptionElement::MaximumSegmentSize(mss) => {
                out.at(F::TcpOptionsMssVal, Value::U64(mss.into()), start + 2, 2, 2)
            }
            TcpOptionElement::WindowScale(shift) => {
                out.at(
                    F::TcpOptionsWscaleShift,
                    Value::U64(shift.into()),
                    start + 2,
                    1,
                    2,
                );
                let multiplier = 1u64 << shift.min(14);
                out.fact(F::TcpOptionsWscaleMultiplier, Value::U64(multiplier), 2);
            }
            TcpOptionElement::SelectiveAcknowledgementPermitted => {
                out.at(F::TcpOptionsSackPerm, Value::None, start, 2, 2)
            }
            TcpOptionElement::SelectiveAcknowledgement(first, rest) => {
                let blocks = std::iter::once(Some(first)).chain(rest);
                for (i, (left, right)) in blocks.flatten().enumerate() {
                    let block = start + 2 + i * 8;
                    out.at(F::TcpOptionsSackLe, Value::U64(left.into()), block, 4, 2);
                    out.at(
                        F::TcpOptionsSackRe,
                        Value::U64(right.into()),
                        block + 4,
                        4,
                        2,
                    );
                }
            }
            TcpOptionElement::Timestamp(tsval, tsecr) => {
                out.at(
                    F::TcpOptionsTimestampTsval,
                    Value::U64(tsval.into()),
                    start + 2,
                    4,
                    2,
                );
                out.at(
                    F::TcpOptionsTimestampTsecr,
                    Value::U64(tsecr.into()),
                    start + 6,
                    4,
                    2,
                );
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
    out.at(F::Udp, Value::None, at, 8, 0);
    out.at(
        F::UdpSrcport,
        Value::U64(udp.source_port().into()),
        at,
        2,
        1,
    );
    out.at(
        F::UdpDstport,
        Value::U64(udp.destination_port().into()),
        at + 2,
        2,
        1,
    );
    out.at(F::UdpLength, Value::U64(udp.length().into()), at + 4, 2, 1);
    out.at(
        F::UdpChecksum,
        Value::U64(udp.checksum().into()),
        at + 6,
        2,
        1,
    );
    checksum_facts(
        out,
        F::UdpChecksumStatus,
        check_transport(packet, index, direction),
    );
    annotate.udp(out);
}

pub(super) fn icmpv4<'a>(
    icmp: Icmpv4Slice<'a>,
    packet: &Packet<'a>,
    index: usize,
    at: usize,
    out: &mut FieldList<'a>,
) {
    out.at(F::Icmp, Value::None, at, icmp.header_len(), 0);
    out.at(F::IcmpType, Value::U64(icmp.type_u8().into()), at, 1, 1);
    out.at(F::IcmpCode, Value::U64(icmp.code_u8().into()), at + 1, 1, 1);
    out.at(
        F::IcmpChecksum,
        Value::U64(icmp.checksum().into()),
        at + 2,
        2,
        1,
    );
    checksum_facts(
        out,
        F::IcmpChecksumStatus,
        check_transport(packet, index, Direction::Unknown),
    );
    // Echo request/reply (and timestamp/info/mask) carry identifier and sequence number.
    if matches!(icmp.type_u8(), 0 | 8 | 13 | 14 | 15 | 16 | 17 | 18) {
        let [id_hi, id_lo, seq_hi, seq_lo] = icmp.bytes5to8();
        out.at(
            F::IcmpIdent,
            Value::U64(u16::from_be_bytes([id_hi, id_lo]).into()),
            at + 4,
            2,
            1,
        );
        out.at(
            F::IcmpSeq,
            Value::U64(u16::from_be_bytes([seq_hi, seq_lo]).into()),
            at + 6,
            2,
            1,
        );
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
    let ty = icmp.type_u8();
    out.at(F::Icmpv6, Value::None, at, icmp.header_len(), 0);
    out.at(F::Icmpv6Type, Value::U64(ty.into()), at, 1, 1);
    out.at(
        F::Icmpv6Code,
        Value::U64(icmp.code_u8().into()),
        at + 1,
        1,
        1,
    );
    out.at(
        F::Icmpv6Checksum,
        Value::U64(icmp.checksum().into()),
        at + 2,
        2,
        1,
    );
    checksum_facts(
        out,
        F::Icmpv6ChecksumStatus,
        check_transport(packet, index, direction),
    );
    let [id_hi, id_lo, seq_hi, seq_lo] = icmp.bytes5to8();
    match ty {
        128 | 129 => {
            out.at(
                F::Icmpv6EchoIdentifier,
                Value::U64(u16::from_be_bytes([id_hi, id_lo]).into()),
                at + 4,
                2,
                1,
            );
            out.at(
                F::Icmpv6EchoSequenceNumber,
                Value::U64(u16::from_be_bytes([seq_hi, seq_lo]).into()),
                at + 6,
                2,
                1,
            );
        }
        135 | 136 => {
            let target = icmp
                .payload()
                .get(..16)
                .and_then(|s| <[u8; 16]>::try_from(s).ok());
            if let Some(target) = target {
                out.at(F::Icmpv6NdTargetAddress, Value::Ipv6(target), at + 8, 16, 1);
            }
        }
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
