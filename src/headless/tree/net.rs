//! IPv4 and IPv6 as tshark -V prints them.

use super::link::value_u64;
use super::picture::{picture, word};
use super::{bit_picture, generic, named, Layer, Lines};
use crate::decode::Packet;
use crate::field::{names, Field, FieldId as F, Value, ValueFormatter};

fn addr(field: Option<&Field<'_>>) -> String {
    field
        .map(|f| ValueFormatter(f.def(), &f.value).to_string())
        .unwrap_or_default()
}

fn pictured(packet: &Packet<'_>, field: &Field<'_>, text: std::fmt::Arguments<'_>) -> String {
    match field.range.and_then(|r| bit_picture(packet.data, &r)) {
        Some(picture) => format!("{picture} = {text}"),
        None => text.to_string(),
    }
}

/// `(DSCP: CS0, ECN: Not-ECT)`, the summary of a DS / traffic class octet.
fn ds_summary(tos: u64) -> String {
    let dscp = tos >> 2;
    let short = names::dscp_short(dscp).map_or_else(|| dscp.to_string(), str::to_string);
    format!("(DSCP: {short}, ECN: {})", names::ecn(tos).1)
}

fn dscp_line(packet: &Packet<'_>, field: &Field<'_>) -> String {
    let v = value_u64(&field.value);
    pictured(
        packet,
        field,
        format_args!(
            "Differentiated Services Codepoint: {}",
            named(names::dscp(v), v)
        ),
    )
}

fn ecn_line(packet: &Packet<'_>, field: &Field<'_>) -> String {
    let v = value_u64(&field.value);
    pictured(
        packet,
        field,
        format_args!(
            "Explicit Congestion Notification: {}",
            named(Some(names::ecn(v).0), v)
        ),
    )
}

/// `Protocol: TCP (6)` / `Next Header: ICMPv6 (58)`.
fn proto(title: &str, value: u64) -> String {
    format!("{title}: {}", named(names::ip_proto(value), value))
}

/// Where tshark puts the `[Calculated Checksum: …]` line of a good checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Calculated {
    /// After the status line (IPv4, TCP).
    AfterStatus,
    /// Inside the checksum's subtree (UDP).
    UnderChecksum,
    /// Not shown (ICMP, ICMPv6).
    Hidden,
}

/// The checksum lines shared by IPv4, TCP and UDP, in tshark's wording with validation on:
/// `Checksum: 0x1234 [correct]`, `[Checksum Status: Good]`, `[Calculated Checksum: …]`.
/// `offload` is the hint tshark appends to a bad checksum (worded differently per protocol).
pub(super) fn checksum(
    layer: &Layer<'_, '_>,
    out: &mut Lines,
    ids: (F, F, Option<F>),
    titles: (&str, &str, &str),
    offload: &str,
    placement: Calculated,
) {
    let (id, status_id, calculated_id) = ids;
    let (title, status_title, calculated_title) = titles;
    let Some((i, f)) = layer.take(id) else {
        return;
    };
    let stored = value_u64(&f.value);
    let status = layer.take(status_id);
    let calculated = calculated_id.and_then(|id| layer.take(id));
    let expert_note = layer.take(F::WsExpertMessage);
    let status_value = status.map(|(_, s)| value_u64(&s.value));
    let status_index = status.map(|(s, _)| s);
    match status_value {
        Some(1) => {
            out.push(1, Some(i), format!("{title}: 0x{stored:04x} [correct]"));
            let calc = format!("[{calculated_title}: 0x{stored:04x}]");
            if placement == Calculated::UnderChecksum {
                out.push(2, Some(i), calc.clone());
            }
            out.push(1, status_index, format!("[{status_title}: Good]"));
            if placement == Calculated::AfterStatus {
                out.push(1, Some(i), calc);
            }
        }
        Some(0) => {
            let should = calculated.map(|(_, c)| value_u64(&c.value));
            match should {
                Some(should) => {
                    out.push(
                        1,
                        Some(i),
                        format!(
                            "{title}: 0x{stored:04x} incorrect, should be 0x{should:04x}{offload}"
                        ),
                    );
                    super::expert(
                        out,
                        2,
                        "Error",
                        "Checksum",
                        &format!("Bad checksum [should be 0x{should:04x}]"),
                        Some(i),
                    );
                }
                None => out.push(1, Some(i), format!("{title}: 0x{stored:04x} incorrect")),
            }
            if let Some((n, note)) = expert_note {
                if let Value::Text(text) = note.value {
                    out.push(2, Some(n), format!("[sockeye: {text}]"));
                }
            }
            out.push(1, status_index, format!("[{status_title}: Bad]"));
            if let Some((c, value)) = calculated {
                out.push(
                    1,
                    Some(c),
                    format!("[{calculated_title}: 0x{:04x}]", value_u64(&value.value)),
                );
            }
        }
        Some(3) => {
            out.push(
                1,
                Some(i),
                format!("{title}: 0x{stored:04x} [zero-value ignored]"),
            );
            out.push(1, status_index, format!("[{status_title}: Not present]"));
        }
        _ => {
            out.push(1, Some(i), format!("{title}: 0x{stored:04x} [unverified]"));
            out.push(1, status_index, format!("[{status_title}: Unverified]"));
        }
    }
}

pub(super) fn ipv4(packet: &Packet<'_>, layer: &Layer<'_, '_>, out: &mut Lines) {
    let root = layer.root();
    let (src_title, src) = shown(layer, F::IpSrc, F::IpSrcHost);
    let (dst_title, dst) = shown(layer, F::IpDst, F::IpDstHost);
    // A header whose lengths lie stops before its addresses; tshark's title then has none.
    let title = match (layer.peek(F::IpSrc), layer.peek(F::IpDst)) {
        (None, None) => "Internet Protocol Version 4".to_string(),
        _ => format!("Internet Protocol Version 4, Src: {src_title}, Dst: {dst_title}"),
    };
    out.push(0, Some(root), title);
    if let Some((i, f)) = layer.take(F::IpVersion) {
        out.push(1, Some(i), pictured(packet, f, format_args!("Version: 4")));
    }
    if let Some((i, f)) = layer.take(F::IpHdrLen) {
        let bytes = value_u64(&f.value);
        out.push(
            1,
            Some(i),
            pictured(
                packet,
                f,
                format_args!("Header Length: {bytes} bytes ({})", bytes / 4),
            ),
        );
    }
    if let Some((i, f)) = layer.take(F::IpDsfield) {
        let tos = value_u64(&f.value);
        out.push(
            1,
            Some(i),
            format!(
                "Differentiated Services Field: 0x{tos:02x} {}",
                ds_summary(tos)
            ),
        );
    }
    if let Some((i, f)) = layer.take(F::IpDsfieldDscp) {
        out.push(2, Some(i), dscp_line(packet, f));
    }
    if let Some((i, f)) = layer.take(F::IpDsfieldEcn) {
        out.push(2, Some(i), ecn_line(packet, f));
    }
    if let Some((i, f)) = layer.take(F::IpLen) {
        out.push(1, Some(i), format!("Total Length: {}", value_u64(&f.value)));
    }
    if let Some((i, f)) = layer.take(F::IpId) {
        let v = value_u64(&f.value);
        out.push(1, Some(i), format!("Identification: 0x{v:04x} ({v})"));
    }
    if let Some((i, f)) = layer.take(F::IpFlags) {
        let flags = value_u64(&f.value);
        let mut text = format!("Flags: 0x{flags:x}");
        for (bit, name) in [
            (4, "Reserved bit"),
            (2, "Don't fragment"),
            (1, "More fragments"),
        ] {
            if flags & bit != 0 {
                text.push_str(", ");
                text.push_str(name);
            }
        }
        out.push(1, Some(i), pictured(packet, f, format_args!("{text}")));
        for id in [F::IpFlagsRb, F::IpFlagsDf, F::IpFlagsMf] {
            if let Some((j, flag)) = layer.take(id) {
                out.push(2, Some(j), generic(packet, flag));
            }
        }
    }
    if let Some((i, f)) = layer.take(F::IpFragOffset) {
        // The field holds 8-byte units (as -T fields prints it); the tree shows bytes.
        let bytes = value_u64(&f.value) * 8;
        out.push(
            1,
            Some(i),
            pictured(packet, f, format_args!("Fragment Offset: {bytes}")),
        );
    }
    if let Some((i, f)) = layer.take(F::IpTtl) {
        out.push(1, Some(i), format!("Time to Live: {}", value_u64(&f.value)));
    }
    if let Some((i, f)) = layer.take(F::IpProto) {
        out.push(1, Some(i), proto("Protocol", value_u64(&f.value)));
    }
    checksum(
        layer,
        out,
        (
            F::IpChecksum,
            F::IpChecksumStatus,
            Some(F::IpChecksumCalculated),
        ),
        (
            "Header Checksum",
            "Header checksum status",
            "Calculated Checksum",
        ),
        "(may be caused by \"IP checksum offload\"?)",
        Calculated::AfterStatus,
    );
    for (id, text) in [(F::IpSrc, &src), (F::IpDst, &dst)] {
        if let Some((i, f)) = layer.take(id) {
            out.push(1, Some(i), format!("{}: {text}", f.def().title));
        }
    }
}

/// An IP address as the tree shows it with host names on: `example.org (93.184.216.34)`.
/// Returns the protocol line's form and the address line's: tshark writes the protocol
/// line as it reads the header, with the name the `*_host` field holds (learned before this
/// frame), and the address line when it draws the tree, after the frame's own DNS answers
/// were read. The `*_host` field itself is one tshark keeps hidden.
fn shown(layer: &Layer<'_, '_>, id: F, host_id: F) -> (String, String) {
    let plain = addr(layer.peek(id));
    let as_read = layer
        .take(host_id)
        .map(|(_, f)| ValueFormatter(f.def(), &f.value).to_string());
    let on = layer.naming.resolve().dns;
    let drawn = match layer.peek(id).map(|f| f.value) {
        Some(Value::Ipv4(a)) => layer.naming.ip(a.into()),
        Some(Value::Ipv6(a)) => layer.naming.ip(a.into()),
        _ => plain.clone(),
    };
    (super::resolved(on, as_read, plain), drawn)
}

pub(super) fn ipv6(packet: &Packet<'_>, layer: &Layer<'_, '_>, out: &mut Lines) {
    let root = layer.root();
    let (src_title, src) = shown(layer, F::Ipv6Src, F::Ipv6SrcHost);
    let (dst_title, dst) = shown(layer, F::Ipv6Dst, F::Ipv6DstHost);
    out.push(
        0,
        Some(root),
        format!("Internet Protocol Version 6, Src: {src_title}, Dst: {dst_title}"),
    );
    if let Some((i, f)) = layer.take(F::Ipv6Version) {
        out.push(1, Some(i), pictured(packet, f, format_args!("Version: 6")));
    }
    if let Some((i, f)) = layer.take(F::Ipv6Tclass) {
        let tclass = value_u64(&f.value);
        out.push(
            1,
            Some(i),
            pictured(
                packet,
                f,
                format_args!("Traffic Class: 0x{tclass:02x} {}", ds_summary(tclass)),
            ),
        );
    }
    if let Some((i, f)) = layer.take(F::Ipv6TclassDscp) {
        out.push(2, Some(i), dscp_line(packet, f));
    }
    if let Some((i, f)) = layer.take(F::Ipv6TclassEcn) {
        out.push(2, Some(i), ecn_line(packet, f));
    }
    if let Some((i, f)) = layer.take(F::Ipv6Flow) {
        let flow = value_u64(&f.value);
        // tshark draws the flow label over the three bytes after the version nibble's byte.
        let text = match f
            .range
            .and_then(|r| word(packet.data, r.start as usize + 1, 3))
        {
            Some(w) => format!("{} = Flow Label: 0x{flow:05x}", picture(w, 24, 0x0f_ffff)),
            None => format!("Flow Label: 0x{flow:05x}"),
        };
        out.push(1, Some(i), text);
    }
    if let Some((i, f)) = layer.take(F::Ipv6Plen) {
        out.push(
            1,
            Some(i),
            format!("Payload Length: {}", value_u64(&f.value)),
        );
    }
    if let Some((i, f)) = layer.take(F::Ipv6Nxt) {
        out.push(1, Some(i), proto("Next Header", value_u64(&f.value)));
    }
    if let Some((i, f)) = layer.take(F::Ipv6Hlim) {
        out.push(1, Some(i), format!("Hop Limit: {}", value_u64(&f.value)));
    }
    for (id, text) in [(F::Ipv6Src, &src), (F::Ipv6Dst, &dst)] {
        if let Some((i, f)) = layer.take(id) {
            out.push(1, Some(i), format!("{}: {text}", f.def().title));
        }
    }
    // Extension headers and what was reassembled: their own fields, in emitted order.
    for index in layer.indices() {
        if layer.is_taken(index) {
            continue;
        }
        let Some(f) = layer.field(index) else {
            continue;
        };
        layer.take_index(index);
        let text = match f.id {
            F::Ipv6Hopopts => "IPv6 Hop-by-Hop Option".to_string(),
            F::Ipv6Routing => "Routing Header for IPv6".to_string(),
            F::Ipv6Dstopts => "Destination Options for IPv6".to_string(),
            F::Ipv6Fragment => "Fragment Header for IPv6".to_string(),
            F::Ipv6ExtNxt => proto("Next header", value_u64(&f.value)),
            F::IpReassembledLength => {
                format!("[Reassembled IPv6 length: {}]", value_u64(&f.value))
            }
            _ => generic(packet, f),
        };
        out.push(f.depth, Some(index), text);
    }
}
