//! Transport-layer parsers: TCP (options), UDP, ICMPv4, ICMPv6. Each reads only the
//! captured IP payload (`Cursor::ip_rest`).

use etherparse::err::tcp::HeaderSliceError as TcpError;
use etherparse::{Icmpv4Slice, Icmpv6Slice, TcpHeaderSlice, UdpHeaderSlice};

use super::tunnel::{UDP_PORT_GENEVE, UDP_PORT_VXLAN};
use super::walk::{Cursor, Failed, Next, ParseResult, Parsed};
use super::{Cut, Header, Note, StopReason};
use crate::field::layout::{tcp as tcp_layout, udp as udp_layout};

/// Whether the enclosing IP packet's own length (not the capture) ends it before `needed`
/// bytes of this header: the header lies inside a packet that says it is shorter.
fn cut_by_ip_length(cursor: &Cursor<'_>, needed: usize) -> bool {
    cursor.ip.is_some()
        && cursor.claimed_end() <= cursor.data.len()
        && cursor.ip_rest().len() < needed
}

/// A TCP header tshark takes apart only partly: one its IP packet cuts short (tshark shows
/// what fits, then "Malformed Packet"), one whose data offset reaches past the segment
/// ("Short segment"), or one whose data offset is under 5 words ("Bogus TCP header
/// length"). `None` when the header is sound (or cut by the capture: that stays a plain
/// truncation).
#[inline]
fn tcp_lies<'a>(cursor: &Cursor<'a>) -> Option<Parsed<'a>> {
    let rest = cursor.ip_rest();
    let cut = |bytes: &'a [u8]| Header::Cut {
        kind: Cut::Tcp,
        bytes,
    };
    if cut_by_ip_length(cursor, tcp_layout::LEN) {
        let mut parsed = Parsed::new(cut(rest), rest.len(), Next::Done);
        parsed.problem = Some(Box::new(StopReason::Truncated {
            needed: tcp_layout::LEN,
            available: rest.len(),
            by_snaplen: false,
        }));
        return Some(parsed);
    }
    let header = rest.get(..tcp_layout::LEN)?;
    let header_len = usize::from(header.get(12)? >> 4) * 4;
    if header_len < tcp_layout::LEN {
        let text = format!("Bogus TCP header length ({header_len}, must be at least 20)");
        let info = format!(", bogus TCP header length ({header_len}, must be at least 20)");
        let parsed = Parsed::new(cut(header), tcp_layout::LEN, Next::Done);
        return Some(parsed.with_note(Note::new(text, Some(info), false)));
    }
    if cut_by_ip_length(cursor, header_len) {
        let mut parsed = Parsed::new(cut(header), tcp_layout::LEN, Next::Done);
        parsed.problem = Some(Box::new(StopReason::Truncated {
            needed: header_len,
            available: rest.len(),
            by_snaplen: false,
        }));
        let note = "Short segment. Segment/fragment does not contain a full TCP header (might \
                    be NMAP or someone else deliberately sending unusual packets)";
        return Some(parsed.with_note(Note::new(note.to_string(), None, false)));
    }
    None
}

#[inline]
pub(super) fn tcp<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    if let Some(lie) = tcp_lies(cursor) {
        return Ok(lie);
    }
    let tcp = TcpHeaderSlice::from_slice(cursor.ip_rest()).map_err(|err| match err {
        TcpError::Len(err) => Failed::Truncated {
            layer: "tcp",
            needed: err.required_len,
        },
        TcpError::Content(err) => Failed::Invalid {
            layer: "tcp",
            reason: Box::new(StopReason::Invalid(err.to_string())),
        },
    })?;
    let header_len = tcp.slice().len();
    let payload_start = cursor.at + header_len;
    let captured = cursor.ip_end().saturating_sub(payload_start);
    let mut parsed = Parsed::new(Header::Tcp(tcp), header_len, Next::Payload(captured));
    let claimed = cursor.claimed_end().saturating_sub(payload_start);
    parsed.tcp_len = Some(u32::try_from(claimed).unwrap_or(u32::MAX));
    Ok(parsed)
}

#[inline]
pub(super) fn udp<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    if cut_by_ip_length(cursor, udp_layout::LEN) {
        // tshark shows the ports that fit, then "Malformed Packet".
        let rest = cursor.ip_rest();
        let header = Header::Cut {
            kind: Cut::Udp,
            bytes: rest,
        };
        let mut parsed = Parsed::new(header, rest.len(), Next::Done);
        parsed.problem = Some(Box::new(StopReason::Truncated {
            needed: udp_layout::LEN,
            available: rest.len(),
            by_snaplen: false,
        }));
        return Ok(parsed);
    }
    let udp = UdpHeaderSlice::from_slice(cursor.ip_rest()).map_err(|err| Failed::Truncated {
        layer: "udp",
        needed: err.required_len,
    })?;
    let start = cursor.at;
    let end = cursor.ip_end();
    let udp_len = usize::from(udp.length());
    let payload_start = start + udp_layout::LEN;
    let payload_end = if udp_len >= udp_layout::LEN {
        start.saturating_add(udp_len).min(end)
    } else {
        end
    };
    let payload = payload_end.saturating_sub(payload_start);
    let (sport, dport) = (udp.source_port(), udp.destination_port());
    let is = |port: u16| sport == port || dport == port;
    let next = if is(UDP_PORT_VXLAN) {
        Next::Vxlan
    } else if is(UDP_PORT_GENEVE) {
        Next::Geneve
    } else {
        Next::Payload(payload)
    };
    let ip_payload = cursor.claimed_end().saturating_sub(start);
    // A length that lies: tshark's words, and it counts the packet as malformed. Under 8,
    // nothing after the header is decoded; over the IP payload, the payload is what the
    // IP packet holds.
    if udp_len < udp_layout::LEN {
        let note = Note::new(
            format!("Bad length value {udp_len} < 8"),
            Some(format!("[BAD UDP LENGTH {udp_len} < 8]")),
            true,
        );
        return Ok(Parsed::new(Header::Udp(udp), udp_layout::LEN, Next::Done).with_note(note));
    }
    if udp_len > ip_payload {
        let note = Note::new(
            format!("Bad length value {udp_len} > IP payload length"),
            Some(format!("[BAD UDP LENGTH {udp_len} > IP PAYLOAD LENGTH]")),
            true,
        );
        let next = Next::Payload(payload);
        return Ok(Parsed::new(Header::Udp(udp), udp_layout::LEN, next).with_note(note));
    }
    Ok(Parsed::new(Header::Udp(udp), udp_layout::LEN, next))
}

#[inline]
pub(super) fn icmpv4<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let icmp = Icmpv4Slice::from_slice(cursor.ip_rest()).map_err(|err| Failed::Truncated {
        layer: "icmp",
        needed: err.required_len,
    })?;
    let header_len = icmp.header_len();
    let payload = icmp.payload().len();
    Ok(Parsed::new(
        Header::Icmpv4(icmp),
        header_len,
        Next::Payload(payload),
    ))
}

#[inline]
pub(super) fn icmpv6<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let icmp = Icmpv6Slice::from_slice(cursor.ip_rest()).map_err(|err| Failed::Truncated {
        layer: "icmpv6",
        needed: err.required_len,
    })?;
    let header_len = icmp.header_len();
    let payload = icmp.payload().len();
    Ok(Parsed::new(
        Header::Icmpv6(icmp),
        header_len,
        Next::Payload(payload),
    ))
}
