//! Network-layer parsers: ARP, IPv4 (options, fragments), IPv6 and its extension headers.

use etherparse::err::ipv4::HeaderSliceError as V4Error;
use etherparse::err::ipv6::HeaderSliceError as V6Error;
use etherparse::{ArpPacketSlice, IpNumber, Ipv4HeaderSlice, Ipv6HeaderSlice};

use super::walk::{
    Cursor, Failed, IpBounds, Next, ParseResult, Parsed, ETHERTYPE_IPV4, ETHERTYPE_IPV6,
};
use super::{Cut, Header, Note, StopReason};
use crate::field::layout::{ipv4 as v4, ipv6 as v6, ipv6_ext, ipv6_frag};

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

/// tshark's checks of an IPv4 header's two lengths, in its order, before the header is
/// trusted: a header length under 20, then a total length under the header length. Either
/// ends the walk with an `ip` layer of the fields before the bad value.
#[inline]
fn ipv4_lengths<'a>(cursor: &Cursor<'a>) -> Option<Parsed<'a>> {
    let rest = cursor.rest();
    let (&first, total) = (rest.first()?, rest.get(2..4));
    if first >> 4 != 4 {
        return None;
    }
    let header_len = usize::from(first & 0x0f) * 4;
    let (bytes, expert, info) = if header_len < v4::LEN {
        let text = format!("Bogus IP header length ({header_len}, must be at least 20)");
        (rest.get(..1)?, text.clone(), text)
    } else {
        let &[hi, lo] = total? else { return None };
        let total = usize::from(u16::from_be_bytes([hi, lo]));
        // 0 is what TCP segmentation offload leaves: not a lie (see below).
        if total == 0 || total >= header_len {
            return None;
        }
        (
            rest.get(..4)?,
            "Bogus IP length".to_string(),
            format!("Bogus IP length ({total}, less than header length {header_len})"),
        )
    };
    let header = Header::Cut {
        kind: Cut::Ipv4,
        bytes,
    };
    Some(
        Parsed::new(header, bytes.len(), Next::Done).with_note(Note::new(
            expert,
            Some(info),
            false,
        )),
    )
}

#[inline]
pub(super) fn ipv4<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    if let Some(bogus) = ipv4_lengths(cursor) {
        return Ok(bogus);
    }
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
    // A total length of 0 is what TCP segmentation offload leaves in outgoing captures:
    // like Wireshark, fall back to the captured length.
    let mut claimed_end = if total_len == 0 {
        cursor.data.len()
    } else {
        cursor.at + total_len
    };
    // A total length beyond the packet's real end: tshark says so and uses the real end.
    let reported = cursor.reported_end();
    if claimed_end > reported {
        let available = reported.saturating_sub(cursor.at);
        parsed = parsed.with_note(Note::new(
            format!("IPv4 total length exceeds packet length ({available} bytes)"),
            None,
            false,
        ));
        claimed_end = reported;
    }
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
    let mut claimed_end = cursor.at + v6::LEN + usize::from(ip.payload_length());
    let next = Next::Ip(ip.next_header());
    let mut parsed = Parsed::new(Header::Ipv6(ip), v6::LEN, next);
    // A payload length beyond the packet's real end: tshark says so and uses the real end.
    let reported = cursor.reported_end();
    if claimed_end > reported {
        let available = reported.saturating_sub(cursor.at + v6::LEN);
        parsed = parsed.with_note(Note::new(
            format!("IPv6 payload length exceeds framing length ({available} bytes)"),
            None,
            false,
        ));
        claimed_end = reported;
    }
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
