//! Fields of LLC/SNAP, the bridge protocols (STP, LLDP, CDP) and the tunnel headers (GRE,
//! VXLAN, Geneve, MPLS), named and ordered as tshark 4.0 shows them. Fixed positions come
//! from `field::layout`; TLVs are walked here over bytes the parser already bounded.

use super::FieldList;
use crate::decode::llc::{snap, snap_pid_field};
use crate::decode::Cut;
use crate::field::layout::{geneve, gre, llc, mpls, stp, vxlan};
use crate::field::Layout;
use crate::field::{FieldId as F, Value};

pub(super) fn llc<'a>(bytes: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    out.at(F::Llc, Value::None, at, bytes.len(), 0);
    out.fixed(&llc::DSAP, bytes, at);
    out.fixed(&llc::SSAP, bytes, at);
    let control = if bytes.len() == llc::LEN + 1 {
        llc::CONTROL_LONG
    } else {
        llc::CONTROL
    };
    out.fixed(&control, bytes, at);
    if bytes.len() == llc::SNAP_LEN {
        out.fixed(&llc::OUI, bytes, at);
        let (oui, pid) = snap(bytes);
        out.at(snap_pid_field(oui), Value::U64(pid.into()), at + 6, 2, 1);
    }
}

pub(super) fn stp<'a>(bytes: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    out.at(F::Stp, Value::None, at, bytes.len(), 0);
    for layout in stp::FIELDS {
        out.fixed(layout, bytes, at);
    }
    if bytes.len() < stp::CONFIG_LEN {
        return;
    }
    for layout in [stp::FLAGS, stp::FLAG_TCACK, stp::FLAG_TC] {
        out.fixed(&layout, bytes, at);
    }
    // A bridge identifier's priority is its top 4 bits, in steps of 4096.
    let priority = |layout: &crate::field::Layout| {
        layout
            .slice(bytes)
            .and_then(|b| b.first())
            .map(|b| u64::from(b & 0xf0) << 8)
    };
    if let Some(prio) = priority(&stp::ROOT_PRIO) {
        out.placed(&stp::ROOT_PRIO, Value::U64(prio), at);
    }
    out.fixed(&stp::ROOT_EXT, bytes, at);
    out.fixed(&stp::ROOT_HW, bytes, at);
    out.fixed(&stp::ROOT_COST, bytes, at);
    if let Some(prio) = priority(&stp::BRIDGE_PRIO) {
        out.placed(&stp::BRIDGE_PRIO, Value::U64(prio), at);
    }
    out.fixed(&stp::BRIDGE_EXT, bytes, at);
    out.fixed(&stp::BRIDGE_HW, bytes, at);
    out.fixed(&stp::PORT, bytes, at);
    // The timers count 1/256 seconds; tshark shows whole seconds.
    for layout in [stp::MSG_AGE, stp::MAX_AGE, stp::HELLO, stp::FORWARD] {
        if let Some(units) = layout.read_uint(bytes) {
            out.placed(&layout, Value::U64(units / 256), at);
        }
    }
    out.fixed(&stp::VERSION_1_LENGTH, bytes, at);
}

/// LLDP TLVs (the parser checked that each fits): 7 bits of type, 9 of length.
pub(super) fn lldp<'a>(bytes: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    out.at(F::Lldp, Value::None, at, bytes.len(), 0);
    for tlv in lldp_tlvs(bytes) {
        let start = at + tlv.offset;
        let (kind, len) = (u64::from(tlv.kind), tlv.value.len() as u64);
        out.push(
            F::LldpTlvType,
            Value::U64(kind),
            Some(bits(start, 0xfe00)),
            2,
        );
        out.push(F::LldpTlvLen, Value::U64(len), Some(bits(start, 0x01ff)), 2);
        let value_at = start + 2;
        match (tlv.kind, tlv.value) {
            (1 | 2, [subtype, id @ ..]) => {
                let (subtype_id, mac_id, text_id, mac_subtype) = if tlv.kind == 1 {
                    (
                        F::LldpChassisSubtype,
                        F::LldpChassisIdMac,
                        F::LldpChassisId,
                        4,
                    )
                } else {
                    (F::LldpPortSubtype, F::LldpPortIdMac, F::LldpPortId, 3)
                };
                out.at(subtype_id, Value::U64((*subtype).into()), value_at, 1, 2);
                match <[u8; 6]>::try_from(id) {
                    Ok(mac) if *subtype == mac_subtype => {
                        out.at(mac_id, Value::Mac(mac), value_at + 1, 6, 2)
                    }
                    _ => out.at(text_id, Value::Text(text(id)), value_at + 1, id.len(), 2),
                }
            }
            (3, [hi, lo]) => out.at(
                F::LldpTimeToLive,
                Value::U64(u16::from_be_bytes([*hi, *lo]).into()),
                value_at,
                2,
                2,
            ),
            (4..=6, value) => {
                let id = match tlv.kind {
                    4 => F::LldpPortDesc,
                    5 => F::LldpSystemName,
                    _ => F::LldpSystemDesc,
                };
                out.at(id, Value::Text(text(value)), value_at, value.len(), 2);
            }
            _ => {}
        }
    }
}

/// One LLDP TLV: where it starts in the LLDPDU, its type and value.
pub struct LldpTlv<'a> {
    pub offset: usize,
    pub kind: u8,
    pub value: &'a [u8],
}

/// The TLVs of an LLDPDU, up to and including End (stops at the first that does not fit).
pub fn lldp_tlvs(bytes: &[u8]) -> impl Iterator<Item = LldpTlv<'_>> {
    let mut at = 0usize;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let &[hi, lo] = bytes.get(at..at + 2)? else {
            return None;
        };
        let kind = hi >> 1;
        let len = usize::from(u16::from_be_bytes([hi & 1, lo]));
        let value = bytes.get(at + 2..at + 2 + len)?;
        let tlv = LldpTlv {
            offset: at,
            kind,
            value,
        };
        at += 2 + len;
        done = kind == 0;
        Some(tlv)
    })
}

/// CDP: version, TTL, checksum, then TLVs of 2-byte type and 2-byte length (header
/// included).
pub(super) fn cdp<'a>(bytes: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    out.at(F::Cdp, Value::None, at, bytes.len(), 0);
    let (Some(&version), Some(&ttl), Some(&[c_hi, c_lo])) =
        (bytes.first(), bytes.get(1), bytes.get(2..4))
    else {
        return;
    };
    out.at(F::CdpVersion, Value::U64(version.into()), at, 1, 1);
    out.at(F::CdpTtl, Value::U64(ttl.into()), at + 1, 1, 1);
    let checksum = u16::from_be_bytes([c_hi, c_lo]);
    out.at(F::CdpChecksum, Value::U64(checksum.into()), at + 2, 2, 1);
    // The Internet checksum over the whole message, its own field included, sums to all
    // ones when it is right (tshark: 1 good, 0 bad).
    if out.wants(F::CdpChecksumStatus) {
        let mut sum = bytes.chunks(2).fold(0u32, |acc, pair| {
            let word = match pair {
                [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                [hi] => u16::from_be_bytes([*hi, 0]),
                _ => 0,
            };
            acc + u32::from(word)
        });
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        out.fact(
            F::CdpChecksumStatus,
            Value::U64(u64::from(sum == 0xffff)),
            2,
        );
    }
    for (offset, kind, value) in cdp_tlvs(bytes) {
        let start = at + offset;
        out.at(F::CdpTlvType, Value::U64(kind.into()), start, 2, 2);
        out.at(
            F::CdpTlvLen,
            Value::U64(value.len() as u64 + 4),
            start + 2,
            2,
            2,
        );
        let id = match kind {
            1 => F::CdpDeviceid,
            3 => F::CdpPortid,
            5 => F::CdpSoftwareVersion,
            6 => F::CdpPlatform,
            _ => continue,
        };
        out.at(id, Value::Text(text(value)), start + 4, value.len(), 2);
    }
}

/// CDP's TLVs after the 4-byte header: (offset, type, value).
pub fn cdp_tlvs(bytes: &[u8]) -> impl Iterator<Item = (usize, u16, &[u8])> {
    let mut at = 4usize;
    std::iter::from_fn(move || {
        let &[a, b, c, d] = bytes.get(at..at + 4)? else {
            return None;
        };
        let len = usize::from(u16::from_be_bytes([c, d]));
        let value = bytes.get(at + 4..at.checked_add(len)?)?;
        let tlv = (at, u16::from_be_bytes([a, b]), value);
        at += len.max(4);
        Some(tlv)
    })
}

/// Text as tshark shows a string field: up to the first NUL, invalid UTF-8 replaced by
/// nothing worse than a cut (the bytes stay in the hex pane).
fn text(bytes: &[u8]) -> &str {
    let bytes = bytes.split(|b| *b == 0).next().unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            std::str::from_utf8(bytes.get(..err.valid_up_to()).unwrap_or(&[])).unwrap_or("")
        }
    }
}

pub(super) fn gre<'a>(bytes: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    out.at(F::Gre, Value::None, at, bytes.len(), 0);
    for layout in gre::FIELDS {
        out.fixed(layout, bytes, at);
    }
    let flags = gre::FLAGS_AND_VERSION.read_uint(bytes).unwrap_or(0);
    let mut offset = gre::LEN;
    let word = |offset: usize| -> Option<u64> {
        let b = bytes.get(offset..offset + 4)?;
        Some(b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
    };
    if flags & 0x8000 != 0 {
        if let Some(sum) = word(offset) {
            out.at(F::GreChecksum, Value::U64(sum >> 16), at + offset, 2, 1);
        }
        offset += 4;
    }
    if flags & 0x2000 != 0 {
        if let Some(key) = word(offset) {
            out.at(F::GreKey, Value::U64(key), at + offset, 4, 1);
        }
        offset += 4;
    }
    if flags & 0x1000 != 0 {
        if let Some(seq) = word(offset) {
            out.at(F::GreSequenceNumber, Value::U64(seq), at + offset, 4, 1);
        }
    }
}

pub(super) fn vxlan<'a>(bytes: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    out.at(F::Vxlan, Value::None, at, bytes.len(), 0);
    for layout in vxlan::FIELDS {
        out.fixed(layout, bytes, at);
    }
}

pub(super) fn geneve<'a>(bytes: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    out.at(F::Geneve, Value::None, at, bytes.len(), 0);
    for layout in [
        geneve::VERSION,
        geneve::OPTIONS_LEN,
        geneve::FLAGS,
        geneve::PROTO_TYPE,
        geneve::VNI,
    ] {
        out.fixed(&layout, bytes, at);
    }
    if let Some(options) = bytes.get(geneve::LEN..).filter(|o| !o.is_empty()) {
        let start = at + geneve::LEN;
        out.at(
            F::GeneveOptions,
            Value::Bytes(options),
            start,
            options.len(),
            1,
        );
        // Each option: class (2), type (1), 3 reserved bits and 5 bits of data length in
        // 4-byte words (its 4-byte header not counted; tshark shows the whole length).
        let mut offset = 0usize;
        while let Some(&[c_hi, c_lo, kind, len]) = options.get(offset..offset + 4) {
            let whole = 4 + usize::from(len & 0x1f) * 4;
            let class = u16::from_be_bytes([c_hi, c_lo]);
            out.at(
                F::GeneveOptionClass,
                Value::U64(class.into()),
                start + offset,
                2,
                2,
            );
            out.at(
                F::GeneveOptionType,
                Value::U64(kind.into()),
                start + offset + 2,
                1,
                2,
            );
            out.at(
                F::GeneveOptionLength,
                Value::U64(whole as u64),
                start + offset + 3,
                1,
                2,
            );
            offset += whole;
        }
    }
}

/// Each label stack entry's four fields, in stack order.
pub(super) fn mpls<'a>(bytes: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    out.at(F::Mpls, Value::None, at, bytes.len(), 0);
    for (index, entry) in bytes.chunks_exact(mpls::LEN).enumerate() {
        let start = at + index * mpls::LEN;
        for layout in mpls::OTHERS {
            out.fixed(layout, entry, start);
        }
    }
}

/// A cut header's fixed fields in tshark's order: an IPv4 header with an impossible length
/// shows only what precedes the bad value; a TCP header with a data offset under 5 words
/// stops at it.
pub(in crate::decode) fn cut_layout(kind: Cut, bytes: &[u8]) -> &'static [Layout] {
    use crate::field::layout::{ipv4 as v4, tcp, udp};
    const IPV4: &[Layout] = &[
        v4::VERSION,
        v4::HDR_LEN,
        v4::DSFIELD,
        v4::DSCP,
        v4::ECN,
        v4::TOTAL_LEN,
    ];
    const TCP_BOGUS_OFFSET: &[Layout] = &[
        tcp::SRC_PORT,
        tcp::DST_PORT,
        tcp::SEQ,
        tcp::ACK,
        tcp::HDR_LEN,
    ];
    const TCP: &[Layout] = &[
        tcp::SRC_PORT,
        tcp::DST_PORT,
        tcp::SEQ,
        tcp::ACK,
        tcp::HDR_LEN,
        tcp::FLAGS,
        tcp::FLAG_BITS[0],
        tcp::FLAG_BITS[1],
        tcp::FLAG_BITS[2],
        tcp::FLAG_BITS[3],
        tcp::FLAG_BITS[4],
        tcp::FLAG_BITS[5],
        tcp::FLAG_BITS[6],
        tcp::FLAG_BITS[7],
        tcp::FLAG_BITS[8],
        tcp::FLAG_BITS[9],
        tcp::WINDOW,
    ];
    const UDP: &[Layout] = &[udp::SRC_PORT, udp::DST_PORT, udp::LENGTH];
    match kind {
        Cut::Ipv4 => IPV4,
        Cut::Udp => UDP,
        Cut::Tcp if tcp::HDR_LEN.read_uint(bytes).is_some_and(|len| len < 20) => TCP_BOGUS_OFFSET,
        Cut::Tcp => TCP,
    }
}

/// A header cut short: the protocol line and the fixed fields that fit.
pub(super) fn cut<'a>(kind: Cut, bytes: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    let id = match kind {
        Cut::Ipv4 => F::Ip,
        Cut::Tcp => F::Tcp,
        Cut::Udp => F::Udp,
    };
    out.at(id, Value::None, at, bytes.len(), 0);
    for layout in cut_layout(kind, bytes) {
        out.fixed(layout, bytes, at);
    }
}

/// A 2-byte word's masked bits at `start` (LLDP's 7-bit type and 9-bit length).
fn bits(start: usize, mask: u32) -> crate::field::ByteRange {
    crate::field::ByteRange::bits(start, 2, mask)
}
