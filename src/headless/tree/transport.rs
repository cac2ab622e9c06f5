//! UDP, ICMP, ICMPv6 and undissected data as tshark -V prints them.

use std::fmt::Write as _;

use super::link::value_u64;
use super::net::{checksum, Calculated};
use super::{named, Layer, Lines};
use crate::field::{names, FieldId as F, Value, ValueFormatter};
use crate::names::Transport;

pub(super) fn udp(layer: &Layer<'_, '_>, out: &mut Lines) {
    let root = layer.root();
    let src = layer
        .naming
        .port(Transport::Udp, layer.u64(F::UdpSrcport).unwrap_or(0));
    let dst = layer
        .naming
        .port(Transport::Udp, layer.u64(F::UdpDstport).unwrap_or(0));
    out.push(
        0,
        Some(root),
        format!("User Datagram Protocol, Src Port: {src}, Dst Port: {dst}"),
    );
    for (id, title, text) in [
        (F::UdpSrcport, "Source Port", &src),
        (F::UdpDstport, "Destination Port", &dst),
    ] {
        if let Some((i, _)) = layer.take(id) {
            out.push(1, Some(i), format!("{title}: {text}"));
        }
    }
    if let Some((i, f)) = layer.take(F::UdpLength) {
        out.push(1, Some(i), format!("Length: {}", value_u64(&f.value)));
    }
    checksum(
        layer,
        out,
        (
            F::UdpChecksum,
            F::UdpChecksumStatus,
            Some(F::UdpChecksumCalculated),
        ),
        ("Checksum", "Checksum Status", "Calculated Checksum"),
        "(maybe caused by \"UDP checksum offload\"?)",
        Calculated::UnderChecksum,
    );
    if let Some((i, f)) = layer.take(F::UdpStream) {
        out.push(
            1,
            Some(i),
            format!("[Stream index: {}]", value_u64(&f.value)),
        );
    }
    if let Some((i, f)) = layer.take(F::UdpPayload) {
        if let Value::Bytes(bytes) = f.value {
            out.push(1, Some(i), format!("UDP payload ({} bytes)", bytes.len()));
        }
    }
}

pub(super) fn icmp(layer: &Layer<'_, '_>, out: &mut Lines) {
    let root = layer.root();
    out.push(0, Some(root), "Internet Control Message Protocol".into());
    let ty = layer.u64(F::IcmpType).unwrap_or(0);
    if let Some((i, _)) = layer.take(F::IcmpType) {
        let text = match names::icmp_type(ty) {
            Some(name) => format!("Type: {ty} ({name})"),
            None => format!("Type: {ty}"),
        };
        out.push(1, Some(i), text);
    }
    if let Some((i, f)) = layer.take(F::IcmpCode) {
        let code = value_u64(&f.value);
        let text = match names::icmp_code(ty, code) {
            Some(name) => format!("Code: {code} ({name})"),
            None => format!("Code: {code}"),
        };
        out.push(1, Some(i), text);
    }
    checksum(
        layer,
        out,
        (F::IcmpChecksum, F::IcmpChecksumStatus, None),
        ("Checksum", "Checksum Status", "Calculated Checksum"),
        "",
        Calculated::Hidden,
    );
    // tshark shows identifier and sequence number read both ways round.
    for (id, title) in [
        (F::IcmpIdent, "Identifier"),
        (F::IcmpSeq, "Sequence Number"),
    ] {
        if let Some((i, f)) = layer.take(id) {
            let be = value_u64(&f.value) as u16;
            let le = be.swap_bytes();
            out.push(1, Some(i), format!("{title} (BE): {be} (0x{be:04x})"));
            out.push(1, Some(i), format!("{title} (LE): {le} (0x{le:04x})"));
        }
    }
}

pub(super) fn icmpv6(layer: &Layer<'_, '_>, out: &mut Lines) {
    let root = layer.root();
    out.push(0, Some(root), "Internet Control Message Protocol v6".into());
    if let Some((i, f)) = layer.take(F::Icmpv6Type) {
        let ty = value_u64(&f.value);
        out.push(
            1,
            Some(i),
            format!("Type: {}", named(names::icmpv6_type(ty), ty)),
        );
    }
    if let Some((i, f)) = layer.take(F::Icmpv6Code) {
        out.push(1, Some(i), format!("Code: {}", value_u64(&f.value)));
    }
    checksum(
        layer,
        out,
        (F::Icmpv6Checksum, F::Icmpv6ChecksumStatus, None),
        ("Checksum", "Checksum Status", "Calculated Checksum"),
        "",
        Calculated::Hidden,
    );
    if let Some((i, f)) = layer.take(F::Icmpv6EchoIdentifier) {
        out.push(
            1,
            Some(i),
            format!("Identifier: 0x{:04x}", value_u64(&f.value)),
        );
    }
    if let Some((i, f)) = layer.take(F::Icmpv6EchoSequenceNumber) {
        out.push(1, Some(i), format!("Sequence: {}", value_u64(&f.value)));
    }
    if let Some((i, f)) = layer.take(F::Icmpv6NdTargetAddress) {
        out.push(
            1,
            Some(i),
            format!(
                "Target Address: {}",
                layer
                    .naming
                    .value(&f.value)
                    .unwrap_or_else(|| ValueFormatter(f.def(), &f.value).to_string())
            ),
        );
    }
}

/// Undissected bytes, `depth` levels in (0 = a protocol of their own).
pub(super) fn data(layer: &Layer<'_, '_>, depth: u8, out: &mut Lines) {
    let root = layer.root();
    let Some((i, f)) = layer.take(F::DataData) else {
        return;
    };
    let Value::Bytes(bytes) = f.value else {
        return;
    };
    out.push(depth, Some(root), format!("Data ({} bytes)", bytes.len()));
    // tshark cuts long byte strings after 36 bytes.
    let mut hex = String::new();
    for byte in bytes.iter().take(36) {
        let _ = write!(hex, "{byte:02x}");
    }
    if bytes.len() > 36 {
        hex.push('…');
    }
    out.push(depth + 1, Some(i), format!("Data: {hex}"));
    if let Some((j, f)) = layer.take(F::DataLen) {
        out.push(
            depth + 1,
            Some(j),
            format!("[Length: {}]", value_u64(&f.value)),
        );
    }
}
