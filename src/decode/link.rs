//! Link-layer parsers: Ethernet II, 802.1Q/ad tags, Linux cooked SLL/SLL2, BSD null.

use etherparse::{Ethernet2HeaderSlice, SingleVlanHeaderSlice};

use super::walk::{Cursor, Failed, IpBounds, Next, ParseResult, Parsed};
use super::Header;
use crate::field::layout::{null as null_layout, sll as sll1, sll2 as sll_v2};

#[inline]
pub(super) fn ethernet<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let eth = Ethernet2HeaderSlice::from_slice(cursor.rest()).map_err(|err| Failed::Truncated {
        layer: "eth",
        needed: err.required_len,
    })?;
    let ether_type = eth.ether_type().0;
    let len = eth.slice().len();
    if super::llc::is_length(ether_type) {
        // IEEE 802.3: the field is the LLC frame's length; bytes after it are padding.
        let claimed_end = cursor.at + len + usize::from(ether_type);
        let mut parsed = Parsed::new(Header::Ethernet(eth), len, Next::Llc);
        parsed.bounds = Some(IpBounds {
            end: claimed_end.min(cursor.data.len()),
            claimed_end,
        });
        return Ok(parsed);
    }
    Ok(Parsed::new(
        Header::Ethernet(eth),
        len,
        Next::Ether(ether_type),
    ))
}

#[inline]
pub(super) fn vlan<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let vlan =
        SingleVlanHeaderSlice::from_slice(cursor.rest()).map_err(|err| Failed::Truncated {
            layer: "vlan",
            needed: err.required_len,
        })?;
    let inner = vlan.ether_type().0;
    let len = vlan.slice().len();
    Ok(Parsed::new(Header::Vlan(vlan), len, Next::Ether(inner)))
}

/// BSD loopback: the address family, then raw IP.
#[inline]
pub(super) fn null<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let Some(&[a, b, c, d]) = cursor.rest().get(..null_layout::LEN) else {
        return Err(Failed::Truncated {
            layer: "null",
            needed: null_layout::LEN,
        });
    };
    let family = null_family([a, b, c, d]);
    Ok(Parsed::new(
        Header::Null { family },
        null_layout::LEN,
        Next::IpVersion,
    ))
}

/// The null header's family is in the capturing host's byte order: pick the order that
/// gives a known address family (AF_INET = 2; AF_INET6 = 10/24/28/30 across systems).
fn null_family(word: [u8; 4]) -> u32 {
    let le = u32::from_le_bytes(word);
    if le <= 0xffff {
        le
    } else {
        u32::from_be_bytes(word)
    }
}

/// Linux cooked capture v1 (16 bytes).
#[inline]
pub(super) fn sll<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let header = cursor.rest().get(..sll1::LEN).ok_or(Failed::Truncated {
        layer: "sll",
        needed: sll1::LEN,
    })?;
    let ether_type = ether_type(sll1::ETYPE.read_uint(header));
    Ok(Parsed::new(
        Header::Sll(header),
        sll1::LEN,
        Next::Ether(ether_type),
    ))
}

/// Linux cooked capture v2 (20 bytes), what `tcpdump -i any` writes.
#[inline]
pub(super) fn sll2<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let header = cursor.rest().get(..sll_v2::LEN).ok_or(Failed::Truncated {
        layer: "sll",
        needed: sll_v2::LEN,
    })?;
    let ether_type = ether_type(sll_v2::ETYPE.read_uint(header));
    Ok(Parsed::new(
        Header::Sll2(header),
        sll_v2::LEN,
        Next::Ether(ether_type),
    ))
}

/// A 2-byte field read by its layout (always in range once the header length is checked).
fn ether_type(value: Option<u64>) -> u16 {
    value.and_then(|v| u16::try_from(v).ok()).unwrap_or(0)
}
