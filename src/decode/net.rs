//! Network-layer parsers: ARP, IPv4 (options, fragments), IPv6 and its extension headers.

use etherparse::err::ipv4::HeaderSliceError as V4Error;
use etherparse::err::ipv6::HeaderSliceError as V6Error;
use etherparse::{ArpPacketSlice, IpNumber, Ipv4HeaderSlice, Ipv6HeaderSlice};

use super::walk::{
    Cursor, Failed, IpBounds, Next, ParseResult, Parsed, ETHERTYPE_IPV4, ETHERTYPE_IPV6,
};
use super::{Header, StopReason};
use crate::field::layout::{ipv6 as v6, ipv6_ext, ipv6_frag};

/// Raw IP and null links: the version nibble says which IP (as an EtherType).
#[inline]
pub(super) fn ip_version(cursor: &Cursor<'_>) -> Result<u16, Failed> {
    match cursor.rest().first().map(|b| b >> 4) {
        Some(4) => Ok(ETHERTYPE_IPV4),
        Some(6) => Ok(ETHERTYPE_IPV6),
        Some(version) => Err(Failed::Invalid {
            layer: "ip",
            reason: Box::new(StopReason::Invalid(format!(
                "IP version {version} (expected 4 or 6)"
            ))),
        }),
        None => Err(Failed::Truncated {
            layer: "ip",
            needed: 1,
        }),
    }
}

#[inline]
pub(super) fn arp<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let arp = ArpPacketSlice::from_slice(cursor.rest()).map_err(|err| Failed::Truncated {
        layer: "arp",
        needed: err.required_len,
    })?;
    let len = arp.slice().len();
    let end = cursor.at + len;
    let mut parsed = Parsed::new(Header::Arp(arp), len, Next::Done);
    parsed.bounds = Some(IpBounds {
        end,
        claimed_end: end,
    });
    Ok(parsed)
}

#[inline]
pub(super) fn ipv4<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let ip = Ipv4HeaderSlice::from_slice(cursor.rest()).map_err(|err| match err {
        V4Error::Len(err) => Failed::Truncated {
            layer: "ip",
            needed: err.required_len,
        },
        V4Error::Content(err) => Failed::Invalid {
            layer: "ip",
            reason: Box::new(StopReason::Invalid(err.to_string())),
        },
    })?;
    let header_len = ip.slice().len();
    let total_len = usize::from(ip.total_len());
    let fragment = ip.more_fragments() || ip.fragments_offset().value() != 0;
    let protocol = ip.protocol();
    let next = if fragment {
        Next::Fragment
    } else {
        Next::Ip(protocol)
    };
    let mut parsed = Parsed::new(Header::Ipv4(ip), header_len, next);
    if total_len != 0 && total_len < header_len {
        parsed.problem = Some(Box::new(StopReason::Invalid(format!(
            "total length {total_len} is smaller than the header length {header_len}"
        ))));
        return Ok(parsed);
    }
    // A total length of 0 is what TCP segmentation offload leaves in outgoing captures:
    // like Wireshark, fall back to the captured length.
    let claimed_end = if total_len == 0 {
        cursor.data.len()
    } else {
        cursor.at + total_len
    };
    parsed.bounds = Some(IpBounds {
        end: claimed_end.min(cursor.data.len()),
        claimed_end,
    });
    Ok(parsed)
}

#[inline]
pub(super) fn ipv6<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let ip = Ipv6HeaderSlice::from_slice(cursor.rest()).map_err(|err| match err {
        V6Error::Len(err) => Failed::Truncated {
            layer: "ipv6",
            needed: err.required_len,
        },
        V6Error::Content(err) => Failed::Invalid {
            layer: "ipv6",
            reason: Box::new(StopReason::Invalid(err.to_string())),
        },
    })?;
    let claimed_end = cursor.at + v6::LEN + usize::from(ip.payload_length());
    let next = Next::Ip(ip.next_header());
    let mut parsed = Parsed::new(Header::Ipv6(ip), v6::LEN, next);
    parsed.bounds = Some(IpBounds {
        end: claimed_end.min(cursor.data.len()),
        claimed_end,
    });
    Ok(parsed)
}

/// Hop-by-hop, routing and destination options: next header, then the length in 8-byte
/// units beyond the first 8.
#[inline]
pub(super) fn ipv6_extension<'a>(cursor: &Cursor<'a>, kind: IpNumber) -> ParseResult<'a> {
    let rest = cursor.rest();
    let units = ipv6_ext::LENGTH.read_uint(rest).ok_or(Failed::Truncated {
        layer: "ipv6",
        needed: ipv6_ext::LENGTH.end(),
    })?;
    let len = usize::try_from(units)
        .ok()
        .and_then(|units| units.checked_add(1))
        .and_then(|units| units.checked_mul(ipv6_ext::LEN))
        .unwrap_or(usize::MAX);
    let slice = rest.get(..len).ok_or(Failed::Truncated {
        layer: "ipv6",
        needed: len,
    })?;
    let next = next_header(ipv6_ext::NXT.read_uint(slice));
    Ok(Parsed::new(
        Header::Ipv6Ext { kind, slice },
        len,
        Next::Ip(next),
    ))
}

/// The fragment header; a fragment other than a whole datagram ends the walk, its data
/// kept apart for reassembly.
#[inline]
pub(super) fn ipv6_fragment<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let slice = cursor
        .rest()
        .get(..ipv6_frag::LEN)
        .ok_or(Failed::Truncated {
            layer: "ipv6",
            needed: ipv6_frag::LEN,
        })?;
    let offset = ipv6_frag::OFFSET.read_uint(slice).unwrap_or(0);
    let more = ipv6_frag::MORE.read_uint(slice).unwrap_or(0);
    let next = if offset != 0 || more != 0 {
        Next::Fragment
    } else {
        Next::Ip(next_header(ipv6_frag::NXT.read_uint(slice)))
    };
    Ok(Parsed::new(
        Header::Ipv6Ext {
            kind: IpNumber::IPV6_FRAGMENTATION_HEADER,
            slice,
        },
        ipv6_frag::LEN,
        next,
    ))
}

/// A next-header byte read by its layout; "no next header" (59) if it could not be read.
fn next_header(value: Option<u64>) -> IpNumber {
    IpNumber(value.and_then(|v| u8::try_from(v).ok()).unwrap_or(59))
}
