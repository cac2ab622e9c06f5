//! TCP as tshark -V prints it: the summary line, relative numbers, the flags with their
//! expert info, each option as its own subtree, the SEQ/ACK analysis and the payload.

use super::link::value_u64;
use super::net::{checksum, Calculated};
use super::picture::picture;
use super::{bit_picture, expert, named, seconds, set, Layer, Lines};
use crate::decode::Packet;
use crate::field::{names, Field, FieldId as F, Value};
use crate::names::Transport;

/// Flag bits, low to high, as tshark lists them in `Flags: 0x018 (PSH, ACK)`.
const FLAG_NAMES: [(u64, &str); 9] = [
    (0x001, "FIN"),
    (0x002, "SYN"),
    (0x004, "RST"),
    (0x008, "PSH"),
    (0x010, "ACK"),
    (0x020, "URG"),
    (0x040, "ECE"),
    (0x080, "CWR"),
    (0x100, "AE"),
];

pub(super) fn tcp(packet: &Packet<'_>, layer: &Layer<'_, '_>, out: &mut Lines) {
    let root = layer.root();
    let (src_port, dst_port) = (
        layer.u64(F::TcpSrcport).unwrap_or(0),
        layer.u64(F::TcpDstport).unwrap_or(0),
    );
    let src = layer.naming.port(Transport::Tcp, src_port);
    let dst = layer.naming.port(Transport::Tcp, dst_port);
    let flags = layer.u64(F::TcpFlags).unwrap_or(0);
    let relative = layer.peek(F::TcpSeq).is_some();
    let seq = layer
        .u64(F::TcpSeq)
        .or_else(|| layer.u64(F::TcpSeqRaw))
        .unwrap_or(0);
    let ack = layer
        .u64(F::TcpAck)
        .or_else(|| layer.u64(F::TcpAckRaw))
        .unwrap_or(0);
    let len = layer.u64(F::TcpLen).unwrap_or(0);
    let acking = flags & 0x010 != 0;
    let mut summary =
        format!("Transmission Control Protocol, Src Port: {src}, Dst Port: {dst}, Seq: {seq}");
    if acking {
        summary.push_str(&format!(", Ack: {ack}"));
    }
    summary.push_str(&format!(", Len: {len}"));
    out.push(0, Some(root), summary);
    for (id, title, text) in [
        (F::TcpSrcport, "Source Port", &src),
        (F::TcpDstport, "Destination Port", &dst),
    ] {
        if let Some((i, _)) = layer.take(id) {
            out.push(1, Some(i), format!("{title}: {text}"));
        }
    }
    if let Some((i, f)) = layer.take(F::TcpStream) {
        out.push(
            1,
            Some(i),
            format!("[Stream index: {}]", value_u64(&f.value)),
        );
    }
    if let Some((i, f)) = layer.take(F::TcpCompleteness) {
        let value = value_u64(&f.value);
        out.push(
            1,
            Some(i),
            format!(
                "[Conversation completeness: {} ({value})]",
                completeness(value)
            ),
        );
    }
    if let Some((i, _)) = layer.take(F::TcpLen) {
        out.push(1, Some(i), format!("[TCP Segment Len: {len}]"));
    }
    let rel_suffix = if relative {
        "    (relative sequence number)"
    } else {
        ""
    };
    if let Some((i, _)) = layer.take(F::TcpSeq) {
        out.push(1, Some(i), format!("Sequence Number: {seq}{rel_suffix}"));
    } else if let Some((i, _)) = layer.take(F::TcpSeqRaw) {
        out.push(1, Some(i), format!("Sequence Number: {seq}"));
    }
    if let Some((i, f)) = layer.take(F::TcpSeqRaw) {
        out.push(
            1,
            Some(i),
            format!("Sequence Number (raw): {}", value_u64(&f.value)),
        );
    }
    if let Some((i, f)) = layer.take(F::TcpNxtseq) {
        out.push(
            1,
            Some(i),
            format!(
                "[Next Sequence Number: {}{rel_suffix}]",
                value_u64(&f.value)
            ),
        );
    }
    let ack_text = if acking && relative {
        format!("Acknowledgment Number: {ack}    (relative ack number)")
    } else {
        format!("Acknowledgment Number: {ack}")
    };
    if let Some((i, _)) = layer.take(F::TcpAck) {
        out.push(1, Some(i), ack_text);
    } else if let Some((i, _)) = layer.take(F::TcpAckRaw) {
        out.push(1, Some(i), ack_text);
    }
    if let Some((i, f)) = layer.take(F::TcpAckRaw) {
        out.push(
            1,
            Some(i),
            format!("Acknowledgment number (raw): {}", value_u64(&f.value)),
        );
    }
    if let Some((i, f)) = layer.take(F::TcpHdrLen) {
        let bytes = value_u64(&f.value);
        let text = format!("Header Length: {bytes} bytes ({})", bytes / 4);
        let text = match f.range.and_then(|r| bit_picture(packet.data, &r)) {
            Some(pic) => format!("{pic} = {text}"),
            None => text,
        };
        out.push(1, Some(i), text);
    }
    flag_lines(layer, flags, src_port, dst_port, out);
    if let Some((i, f)) = layer.take(F::TcpWindowSizeValue) {
        out.push(1, Some(i), format!("Window: {}", value_u64(&f.value)));
    }
    if let Some((i, f)) = layer.take(F::TcpWindowSize) {
        out.push(
            1,
            Some(i),
            format!("[Calculated window size: {}]", value_u64(&f.value)),
        );
    }
    if let Some((i, f)) = layer.take(F::TcpWindowSizeScalefactor) {
        let text = match f.value {
            Value::I64(-1) => "-1 (unknown)".to_string(),
            Value::I64(-2) => "-2 (no window scaling used)".to_string(),
            Value::I64(v) => v.to_string(),
            other => value_u64(&other).to_string(),
        };
        out.push(1, Some(i), format!("[Window size scaling factor: {text}]"));
    }
    checksum(
        layer,
        out,
        (
            F::TcpChecksum,
            F::TcpChecksumStatus,
            Some(F::TcpChecksumCalculated),
        ),
        ("Checksum", "Checksum Status", "Calculated Checksum"),
        "(maybe caused by \"TCP checksum offload\"?)",
        Calculated::AfterStatus,
    );
    if let Some((i, f)) = layer.take(F::TcpUrgentPointer) {
        out.push(
            1,
            Some(i),
            format!("Urgent Pointer: {}", value_u64(&f.value)),
        );
    }
    // SACK edges are in the acknowledged direction's sequence space: relative to the same
    // base as this segment's ACK number.
    let ack_base = match (layer.u64(F::TcpAckRaw), layer.u64(F::TcpAck)) {
        (Some(raw), Some(rel)) if relative => Some(raw.wrapping_sub(rel) as u32),
        _ => None,
    };
    options(packet, layer, ack_base, out);
    timestamps(layer, out);
    analysis(layer, out);
    if let Some((i, f)) = layer.take(F::TcpPayload) {
        if let Value::Bytes(bytes) = f.value {
            out.push(1, Some(i), format!("TCP payload ({} bytes)", bytes.len()));
        }
    }
}

fn flag_lines(layer: &Layer<'_, '_>, flags: u64, src: u64, dst: u64, out: &mut Lines) {
    let Some((i, _)) = layer.take(F::TcpFlags) else {
        return;
    };
    let names: Vec<&str> = FLAG_NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, name)| *name)
        .collect();
    let list = if names.is_empty() {
        "<None>".to_string()
    } else {
        names.join(", ")
    };
    out.push(1, Some(i), format!("Flags: 0x{flags:03x} ({list})"));
    let bits = [
        (F::TcpFlagsRes, 0x0e00),
        (F::TcpFlagsAe, 0x0100),
        (F::TcpFlagsCwr, 0x0080),
        (F::TcpFlagsEce, 0x0040),
        (F::TcpFlagsUrg, 0x0020),
        (F::TcpFlagsAck, 0x0010),
        (F::TcpFlagsPush, 0x0008),
        (F::TcpFlagsReset, 0x0004),
        (F::TcpFlagsSyn, 0x0002),
        (F::TcpFlagsFin, 0x0001),
    ];
    for (id, mask) in bits {
        let Some((j, f)) = layer.take(id) else {
            continue;
        };
        let on = flags & mask != 0;
        out.push(
            2,
            Some(j),
            format!(
                "{} = {}: {}",
                picture(flags, 12, mask),
                f.def().title,
                set(on)
            ),
        );
        if !on {
            continue;
        }
        let syn_ack = flags & 0x012 == 0x012;
        match id {
            F::TcpFlagsSyn if syn_ack => expert(
                out,
                3,
                "Chat",
                "Sequence",
                &format!("Connection establish acknowledge (SYN+ACK): server port {src}"),
                Some(j),
            ),
            F::TcpFlagsSyn => expert(
                out,
                3,
                "Chat",
                "Sequence",
                &format!("Connection establish request (SYN): server port {dst}"),
                Some(j),
            ),
            F::TcpFlagsFin => expert(
                out,
                3,
                "Chat",
                "Sequence",
                "Connection finish (FIN)",
                Some(j),
            ),
            F::TcpFlagsReset => expert(
                out,
                3,
                "Warning",
                "Sequence",
                "Connection reset (RST)",
                Some(j),
            ),
            _ => {}
        }
    }
    if let Some((j, f)) = layer.take(F::TcpFlagsStr) {
        if let Value::Text(text) = f.value {
            out.push(2, Some(j), format!("[TCP Flags: {text}]"));
        }
    }
    for id in [F::TcpConnectionFinActive, F::TcpConnectionFinPassive] {
        if let Some((j, f)) = layer.take(id) {
            expert(out, 3, "Note", "Sequence", f.def().title, Some(j));
        }
    }
}

/// `Maximum segment size` — the option's name in the `Options:` summary.
fn option_name(kind: u64) -> &'static str {
    match kind {
        0 => "End of Option List (EOL)",
        1 => "No-Operation (NOP)",
        2 => "Maximum segment size",
        3 => "Window scale",
        4 => "SACK permitted",
        5 => "SACK",
        8 => "Timestamps",
        _ => "Unknown",
    }
}

fn options(packet: &Packet<'_>, layer: &Layer<'_, '_>, ack_base: Option<u32>, out: &mut Lines) {
    let Some((i, f)) = layer.take(F::TcpOptions) else {
        return;
    };
    let total = match f.value {
        Value::Bytes(b) => b.len(),
        _ => 0,
    };
    // Group the option fields: each Kind starts an option.
    let mut groups: Vec<Vec<(usize, &Field<'_>)>> = Vec::new();
    for index in layer.indices() {
        let Some(field) = layer.field(index) else {
            continue;
        };
        let is_option = matches!(
            field.id,
            F::TcpOptionKind
                | F::TcpOptionLen
                | F::TcpOptionsMssVal
                | F::TcpOptionsWscaleShift
                | F::TcpOptionsWscaleMultiplier
                | F::TcpOptionsSackPerm
                | F::TcpOptionsSackLe
                | F::TcpOptionsSackRe
                | F::TcpOptionsTimestampTsval
                | F::TcpOptionsTimestampTsecr
        );
        if !is_option || layer.is_taken(index) {
            continue;
        }
        layer.take_index(index);
        if field.id == F::TcpOptionKind || groups.is_empty() {
            groups.push(Vec::new());
        }
        if let Some(group) = groups.last_mut() {
            group.push((index, field));
        }
    }
    let kinds: Vec<u64> = groups
        .iter()
        .filter_map(|g| g.first())
        .map(|(_, f)| value_u64(&f.value))
        .collect();
    let mut summary = format!("Options: ({total} bytes)");
    for kind in &kinds {
        summary.push_str(", ");
        summary.push_str(option_name(*kind));
    }
    out.push(1, Some(i), summary);
    for group in &groups {
        option(packet, group, ack_base, out);
    }
}

fn option(
    _packet: &Packet<'_>,
    group: &[(usize, &Field<'_>)],
    ack_base: Option<u32>,
    out: &mut Lines,
) {
    let get = |id: F| {
        group
            .iter()
            .find(|(_, f)| f.id == id)
            .map(|(i, f)| (*i, value_u64(&f.value)))
    };
    let Some((kind_index, kind)) = get(F::TcpOptionKind) else {
        return;
    };
    let heading = match kind {
        2 => format!(
            "TCP Option - Maximum segment size: {} bytes",
            get(F::TcpOptionsMssVal).map_or(0, |(_, v)| v)
        ),
        3 => {
            let shift = get(F::TcpOptionsWscaleShift).map_or(0, |(_, v)| v);
            format!(
                "TCP Option - Window scale: {shift} (multiply by {})",
                1u64 << shift.min(14)
            )
        }
        5 => {
            let mut text = "TCP Option - SACK".to_string();
            let edges: Vec<u64> = group
                .iter()
                .filter(|(_, f)| matches!(f.id, F::TcpOptionsSackLe | F::TcpOptionsSackRe))
                .map(|(_, f)| relative(value_u64(&f.value), ack_base))
                .collect();
            for pair in edges.chunks(2) {
                if let [left, right] = pair {
                    text.push_str(&format!(" {left}-{right}"));
                }
            }
            text
        }
        8 => format!(
            "TCP Option - Timestamps: TSval {}, TSecr {}",
            get(F::TcpOptionsTimestampTsval).map_or(0, |(_, v)| v),
            get(F::TcpOptionsTimestampTsecr).map_or(0, |(_, v)| v)
        ),
        other => format!("TCP Option - {}", option_name(other)),
    };
    out.push(2, Some(kind_index), heading);
    let mut sack_blocks = 0;
    for (index, field) in group {
        let v = value_u64(&field.value);
        let text = match field.id {
            F::TcpOptionKind => {
                let name = names::tcp_option_kind(v);
                format!("Kind: {}", named(name, v))
            }
            F::TcpOptionLen => format!("Length: {v}"),
            F::TcpOptionsMssVal => format!("MSS Value: {v}"),
            F::TcpOptionsWscaleShift => format!("Shift count: {v}"),
            F::TcpOptionsWscaleMultiplier => format!("[Multiplier: {v}]"),
            // tshark shows no line of its own for the SACK-permitted marker.
            F::TcpOptionsSackPerm => continue,
            F::TcpOptionsSackLe => {
                sack_blocks += 1;
                edge("left edge", v, ack_base)
            }
            F::TcpOptionsSackRe => edge("right edge", v, ack_base),
            F::TcpOptionsTimestampTsval => format!("Timestamp value: {v}"),
            F::TcpOptionsTimestampTsecr => format!("Timestamp echo reply: {v}"),
            _ => continue,
        };
        out.push(3, Some(*index), text);
    }
    if kind == 5 {
        out.push(3, None, format!("[TCP SACK Count: {sack_blocks}]"));
    }
}

fn relative(raw: u64, base: Option<u32>) -> u64 {
    match base {
        Some(base) => u64::from((raw as u32).wrapping_sub(base)),
        None => raw,
    }
}

fn edge(title: &str, raw: u64, base: Option<u32>) -> String {
    match base {
        Some(_) => format!("{title} = {} (relative)", relative(raw, base)),
        None => format!("{title} = {raw}"),
    }
}

/// The expert message tshark attaches to each analysis flag: (severity, message), from the
/// one table the expert statistics also read.
fn flag_expert(id: F) -> Option<(&'static str, &'static str)> {
    crate::stats::expert::tcp_analysis_expert(id)
        .map(|(severity, message)| (severity.tree_word(), message))
}

fn analysis(layer: &Layer<'_, '_>, out: &mut Lines) {
    let Some((i, _)) = layer.take(F::TcpAnalysis) else {
        return;
    };
    out.push(1, Some(i), "[SEQ/ACK analysis]".into());
    if let Some((j, f)) = layer.take(F::TcpAnalysisAcksFrame) {
        out.push(
            2,
            Some(j),
            format!(
                "[This is an ACK to the segment in frame: {}]",
                value_u64(&f.value)
            ),
        );
    }
    for (id, title) in [
        (F::TcpAnalysisAckRtt, "The RTT to ACK the segment was"),
        (F::TcpAnalysisInitialRtt, "iRTT"),
    ] {
        if let Some((j, f)) = layer.take(id) {
            if let Value::Nanos(ns) = f.value {
                out.push(2, Some(j), format!("[{title}: {} seconds]", seconds(ns)));
            }
        }
    }
    let Some((flags_index, _)) = layer.take(F::TcpAnalysisFlags) else {
        return;
    };
    out.push(2, Some(flags_index), "[TCP Analysis Flags]".into());
    let mut dup_ack = false;
    for index in layer.indices() {
        let Some(f) = layer.field(index) else {
            continue;
        };
        if layer.is_taken(index) || f.depth != 3 {
            continue;
        }
        if f.id == F::TcpAnalysisDuplicateAck {
            layer.take_index(index);
            dup_ack = true;
            out.push(3, Some(index), "[This is a TCP duplicate ack]".into());
        } else if let Some((severity, message)) = flag_expert(f.id) {
            layer.take_index(index);
            expert(out, 3, severity, "Sequence", message, Some(index));
        }
    }
    if dup_ack {
        let num = layer.take(F::TcpAnalysisDuplicateAckNum);
        if let Some((j, f)) = num {
            out.push(
                2,
                Some(j),
                format!("[Duplicate ACK #: {}]", value_u64(&f.value)),
            );
        }
        if let Some((j, f)) = layer.take(F::TcpAnalysisDuplicateAckFrame) {
            out.push(
                2,
                Some(j),
                format!("[Duplicate to the ACK in frame: {}]", value_u64(&f.value)),
            );
        }
        if let Some((j, f)) = num {
            expert(
                out,
                3,
                "Note",
                "Sequence",
                &format!("Duplicate ACK (#{})", value_u64(&f.value)),
                Some(j),
            );
        }
    }
    while let Some((j, f)) = layer.take(F::TcpAnalysisReason) {
        if let Value::Text(reason) = f.value {
            out.push(3, Some(j), format!("[sockeye: {reason}]"));
        }
    }
}

/// tshark's words for a `tcp.completeness` value.
fn completeness(value: u64) -> &'static str {
    const HANDSHAKE: u64 = 1 | 2 | 4;
    match value {
        1 => "Incomplete, SYN_SENT",
        3 => "Incomplete, CLIENT_ESTABLISHED",
        7 => "Incomplete, ESTABLISHED",
        15 => "Incomplete, DATA",
        v if v & HANDSHAKE == HANDSHAKE && v & (16 | 32) != 0 => {
            if v & 8 != 0 {
                "Complete, WITH_DATA"
            } else {
                "Complete, NO_DATA"
            }
        }
        _ => "Incomplete",
    }
}

/// `[Timestamps]`: times since the stream's first and previous frames.
fn timestamps(layer: &Layer<'_, '_>, out: &mut Lines) {
    let first = layer.take(F::TcpTimeRelative);
    let previous = layer.take(F::TcpTimeDelta);
    if first.is_none() && previous.is_none() {
        return;
    }
    out.push(1, first.map(|(i, _)| i), "[Timestamps]".into());
    for (taken, title) in [
        (first, "Time since first frame in this TCP stream"),
        (previous, "Time since previous frame in this TCP stream"),
    ] {
        if let Some((i, f)) = taken {
            if let Value::Nanos(ns) = f.value {
                out.push(2, Some(i), format!("[{title}: {} seconds]", seconds(ns)));
            }
        }
    }
}
