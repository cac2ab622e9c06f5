//! IEEE 802.2 LLC (and SNAP) after an 802.3 length field, and the bridge protocols found
//! there or by EtherType: spanning tree BPDUs, LLDP and CDP. Hand-written: each is a few
//! fixed fields or a TLV walk, and no maintained crate decodes them into byte ranges.

use super::walk::{Cursor, Failed, Next, ParseResult, Parsed};
use super::{Header, StopReason};
use crate::field::layout::{llc as llc_layout, stp as stp_layout};

const SAP_STP: u8 = 0x42;
const SAP_SNAP: u8 = 0xaa;
/// SNAP organisation codes: RFC 1042 / 802.1H (the PID is an EtherType), and Cisco.
const OUI_ENCAP_ETHER: [u8; 3] = [0, 0, 0];
const OUI_BRIDGE_TUNNEL: [u8; 3] = [0, 0, 0xf8];
const OUI_CISCO: [u8; 3] = [0, 0, 0x0c];
const CISCO_PID_CDP: u16 = 0x2000;

/// The LLC header; the walk then goes to the protocol its SAP or SNAP id names.
pub(super) fn llc<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let rest = cursor.ip_rest();
    let Some(&[dsap, ssap, control]) = rest.get(..llc_layout::LEN) else {
        return Err(truncated("llc", llc_layout::LEN));
    };
    // Information and supervisory frames have a 2-byte control field.
    let len = if control & 0x03 == 0x03 {
        llc_layout::LEN
    } else {
        llc_layout::LEN + 1
    };
    if dsap == SAP_SNAP && ssap == SAP_SNAP && control == 0x03 {
        let header = rest
            .get(..llc_layout::SNAP_LEN)
            .ok_or(truncated("llc", llc_layout::SNAP_LEN))?;
        let (oui, pid) = snap(header);
        let payload = rest.len().saturating_sub(llc_layout::SNAP_LEN);
        let next = match (oui, pid) {
            (OUI_ENCAP_ETHER | OUI_BRIDGE_TUNNEL, ether_type) => Next::Ether(ether_type),
            (OUI_CISCO, CISCO_PID_CDP) => Next::Cdp,
            _ => Next::Payload(payload),
        };
        return Ok(Parsed::new(Header::Llc(header), llc_layout::SNAP_LEN, next));
    }
    let header = rest.get(..len).ok_or(truncated("llc", len))?;
    let next = if dsap == SAP_STP && ssap == SAP_STP {
        Next::Stp
    } else {
        Next::Payload(rest.len().saturating_sub(len))
    };
    Ok(Parsed::new(Header::Llc(header), len, next))
}

/// A SNAP header's organisation code and protocol id (`header` holds all 8 bytes).
pub fn snap(header: &[u8]) -> ([u8; 3], u16) {
    match header.get(3..8) {
        Some(&[a, b, c, hi, lo]) => ([a, b, c], u16::from_be_bytes([hi, lo])),
        _ => ([0xff; 3], 0),
    }
}

/// The SNAP protocol id's field name depends on the organisation, as in Wireshark.
pub fn snap_pid_field(oui: [u8; 3]) -> crate::field::FieldId {
    use crate::field::FieldId as F;
    match oui {
        OUI_ENCAP_ETHER | OUI_BRIDGE_TUNNEL => F::LlcType,
        OUI_CISCO => F::LlcCiscoPid,
        _ => F::LlcPid,
    }
}

/// A spanning tree BPDU: 4 bytes for a topology change notification, 35 for a
/// configuration BPDU, 36 for a rapid one (its version 1 length byte).
pub(super) fn stp<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let rest = cursor.ip_rest();
    let head = rest
        .get(..stp_layout::LEN)
        .ok_or(truncated("stp", stp_layout::LEN))?;
    let (version, kind) = (head.get(2).copied(), head.get(3).copied());
    let len = match (version, kind) {
        (_, Some(0x80)) => stp_layout::LEN,
        (Some(0), _) => stp_layout::CONFIG_LEN,
        _ => stp_layout::CONFIG_LEN + 1,
    };
    let header = rest.get(..len).ok_or(truncated("stp", len))?;
    Ok(Parsed::new(Header::Stp(header), len, Next::Done))
}

/// LLDP (IEEE 802.1AB): TLVs up to the End TLV, each 7 bits of type and 9 of length.
pub(super) fn lldp<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let rest = cursor.rest();
    let mut at = 0usize;
    loop {
        let Some(&[hi, lo]) = rest.get(at..at + 2) else {
            return Err(truncated("lldp", at + 2));
        };
        let kind = hi >> 1;
        let len = usize::from(u16::from_be_bytes([hi & 1, lo]));
        let end = at + 2 + len;
        if rest.len() < end {
            return Err(truncated("lldp", end));
        }
        at = end;
        if kind == 0 {
            break;
        }
    }
    let header = rest.get(..at).unwrap_or(rest);
    Ok(Parsed::new(Header::Lldp(header), at, Next::Done))
}

/// CDP: version, TTL, checksum, then type/length/value entries to the end of the frame.
pub(super) fn cdp<'a>(cursor: &Cursor<'a>) -> ParseResult<'a> {
    let rest = cursor.ip_rest();
    if rest.len() < 4 {
        return Err(truncated("cdp", 4));
    }
    let mut at = 4usize;
    while let Some(&[a, b, c, d]) = rest.get(at..at + 4) {
        let len = usize::from(u16::from_be_bytes([c, d]));
        let _kind = u16::from_be_bytes([a, b]);
        if len < 4 {
            return Err(Failed::Invalid {
                layer: "cdp",
                reason: Box::new(StopReason::Invalid(format!(
                    "TLV length {len} is smaller than its 4-byte header"
                ))),
            });
        }
        if rest.len() < at + len {
            return Err(truncated("cdp", at + len));
        }
        at += len;
    }
    // The capture cut the message before the end its 802.3 length gives.
    if cursor.ip_end() < cursor.claimed_end() {
        return Err(truncated("cdp", cursor.claimed_end() - cursor.at));
    }
    let header = rest.get(..at).unwrap_or(rest);
    Ok(Parsed::new(Header::Cdp(header), at, Next::Done))
}

fn truncated(layer: &'static str, needed: usize) -> Failed {
    Failed::Truncated { layer, needed }
}

/// Whether an Ethernet type/length value is a length (802.3) rather than an EtherType.
#[inline]
pub(super) fn is_length(type_or_length: u16) -> bool {
    type_or_length <= crate::field::layout::eth_dot3::MAX_LENGTH
}
