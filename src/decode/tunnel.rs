//! Tunnel headers: GRE, VXLAN, Geneve and MPLS. Each says what it carries (an EtherType, an
//! Ethernet frame, or for MPLS the first nibble of the payload), and the walk decodes the
//! inner packet with the same parsers as the outer one. IP-in-IP needs no header of its
//! own: the IP parsers follow IP protocol numbers 4 and 41. Hand-written: etherparse has
//! no GRE/VXLAN/Geneve/MPLS slices, and each is a few fixed fields.

use super::walk::{Cursor, Failed, Next, ParseResult, Parsed, ETHERTYPE_IPV4, ETHERTYPE_IPV6};
use super::{Header, StopReason};
use crate::field::layout::vxlan as vxlan_layout;
use crate::field::layout::{geneve as geneve_layout, gre as gre_layout, mpls as mpls_layout};

/// Transparent Ethernet bridging: an Ethernet frame follows (GRE, Geneve).
pub(super) const ETHERTYPE_TEB: u16 = 0x6558;
pub(super) const ETHERTYPE_MPLS: u16 = 0x8847;
pub(super) const ETHERTYPE_MPLS_MULTICAST: u16 = 0x8848;
pub(super) const UDP_PORT_VXLAN: u16 = 4789;
pub(super) const UDP_PORT_GENEVE: u16 = 6081;
/// Label stack entries beyond this are hostile input; the walk's layer limit would stop
/// it too, but one MPLS layer holds the whole stack.
const MAX_LABELS: usize = 16;

/// What an EtherType-named payload is, as the walk's next step.
fn carried(ether_type: u16) -> Next {
    if ether_type == ETHERTYPE_TEB {
        Next::Link(crate::frame::LinkType::ETHERNET)
    } else {
        Next::Ether(ether_type)
    }
}

/// GRE: 4 bytes, then 4 each for the checksum (and reserved), key and sequence number
/// when their flag bits are set. Version 1 (PPTP's enhanced GRE) and source routing are
/// not decoded further.
pub(super) fn gre<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let rest = cursor.ip_rest();
    let Some(&[hi, lo, p_hi, p_lo]) = rest.get(..gre_layout::LEN) else {
        return Err(truncated("gre", gre_layout::LEN));
    };
    let flags = u16::from_be_bytes([hi, lo]);
    let optional = [0x8000u16, 0x2000, 0x1000]
        .iter()
        .filter(|bit| flags & **bit != 0)
        .count();
    let len = gre_layout::LEN + 4 * optional;
    let header = rest.get(..len).ok_or(truncated("gre", len))?;
    let proto = u16::from_be_bytes([p_hi, p_lo]);
    let version = flags & 0x0007;
    let next = if version != 0 || flags & 0x4000 != 0 {
        Next::Payload(rest.len().saturating_sub(len))
    } else {
        carried(proto)
    };
    Ok(Parsed::new(Header::Gre(header), len, next))
}

/// VXLAN: 8 bytes, then an Ethernet frame.
pub(super) fn vxlan<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let header = cursor
        .ip_rest()
        .get(..vxlan_layout::LEN)
        .ok_or(truncated("vxlan", vxlan_layout::LEN))?;
    Ok(Parsed::new(
        Header::Vxlan(header),
        vxlan_layout::LEN,
        Next::Link(crate::frame::LinkType::ETHERNET),
    ))
}

/// Geneve: 8 bytes and the options (their length in 4-byte words), then what the protocol
/// type names.
pub(super) fn geneve<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let rest = cursor.ip_rest();
    let Some(&[first, _, p_hi, p_lo]) = rest.get(..4) else {
        return Err(truncated("geneve", geneve_layout::LEN));
    };
    let len = geneve_layout::LEN + usize::from(first & 0x3f) * 4;
    let header = rest.get(..len).ok_or(truncated("geneve", len))?;
    if first >> 6 != 0 {
        let mut parsed = Parsed::new(
            Header::Geneve(header),
            len,
            Next::Payload(rest.len().saturating_sub(len)),
        );
        parsed.problem = Some(Box::new(StopReason::Invalid(format!(
            "version {} (only version 0 is defined)",
            first >> 6
        ))));
        return Ok(parsed);
    }
    let proto = u16::from_be_bytes([p_hi, p_lo]);
    Ok(Parsed::new(Header::Geneve(header), len, carried(proto)))
}

/// MPLS: label stack entries up to the one with the bottom-of-stack bit; the payload is
/// IPv4 or IPv6 by its first nibble (MPLS does not say), else left undecoded.
pub(super) fn mpls<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let rest = cursor.ip_rest();
    let mut len = 0usize;
    loop {
        let Some(&[_, _, bits, _]) = rest.get(len..len + mpls_layout::LEN) else {
            return Err(truncated("mpls", len + mpls_layout::LEN));
        };
        len += mpls_layout::LEN;
        if bits & 0x01 != 0 {
            break;
        }
        if len / mpls_layout::LEN >= MAX_LABELS {
            return Err(Failed::Invalid {
                layer: "mpls",
                reason: Box::new(StopReason::Invalid(format!(
                    "more than {MAX_LABELS} labels without a bottom of stack"
                ))),
            });
        }
    }
    let header = rest.get(..len).unwrap_or(rest);
    let next = match rest.get(len).map(|b| b >> 4) {
        Some(4) => Next::Ether(ETHERTYPE_IPV4),
        Some(6) => Next::Ether(ETHERTYPE_IPV6),
        Some(_) => Next::Payload(rest.len().saturating_sub(len)),
        None => Next::Done,
    };
    let mut parsed = Parsed::new(Header::Mpls(header), len, next);
    // The stack is all there, but not the first byte of what it carries.
    if next == Next::Done && cursor.frame_len > cursor.data.len() {
        parsed.problem = Some(Box::new(StopReason::Truncated {
            needed: 1,
            available: 0,
            by_snaplen: true,
        }));
    }
    Ok(parsed)
}

fn truncated(layer: &'static str, needed: usize) -> Failed {
    Failed::Truncated { layer, needed }
}
