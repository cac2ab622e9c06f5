//! Transport-layer parsers: TCP (options), UDP, ICMPv4, ICMPv6. Each reads only the
//! captured IP payload (`Cursor::ip_rest`).

use etherparse::err::tcp::HeaderSliceError as TcpError;
use etherparse::{Icmpv4Slice, Icmpv6Slice, TcpHeaderSlice, UdpHeaderSlice};

use super::walk::{Cursor, Failed, Next, ParseResult, Parsed};
use super::{Header, StopReason};
use crate::field::layout::udp as udp_layout;

#[inline]
pub(super) fn tcp<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
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
    let mut parsed = Parsed::new(Header::Udp(udp), udp_layout::LEN, Next::Payload(payload));
    let ip_payload = cursor.claimed_end().saturating_sub(start);
    if udp_len < udp_layout::LEN {
        parsed.problem = Some(Box::new(StopReason::Invalid(format!(
            "length field {udp_len} is smaller than the 8-byte header"
        ))));
    } else if udp_len > ip_payload {
        // Otherwise the summary would print a payload length the packet cannot hold
        // (tshark: "Bad length value … > IP payload length").
        parsed.problem = Some(Box::new(StopReason::Invalid(format!(
            "length field {udp_len} is larger than the {ip_payload}-byte IP payload"
        ))));
    }
    Ok(parsed)
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
