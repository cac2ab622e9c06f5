//! `-V`: every layer and field of a packet as an indented tree, with Wireshark's bit
//! pictures for sub-byte fields (`.... ..1. = Syn: True`) — the same tree the UI shows.

use std::fmt::Write as _;

use crate::decode::{FieldList, Packet};
use crate::field::{ByteRange, Field, FieldId, Value, ValueFormatter};

pub fn write_tree(packet: &Packet<'_>, fields: &FieldList<'_>, line: &mut Vec<u8>) {
    let mut text = String::with_capacity(2048);
    for field in fields.iter() {
        let _ = write_field_line(packet, field, &mut text);
    }
    if let Some(stop) = &packet.stop {
        let _ = writeln!(
            text,
            "[{}: {stop}]",
            if stop.is_malformed() {
                "Malformed"
            } else {
                "Not decoded"
            }
        );
    }
    text.push('\n');
    line.extend_from_slice(text.as_bytes());
}

/// One line of the tree, as the details pane shows it too.
pub fn field_line(packet: &Packet<'_>, field: &Field<'_>) -> String {
    let mut text = String::new();
    let _ = write_field_line(packet, field, &mut text);
    text.trim_end().to_string()
}

fn write_field_line(packet: &Packet<'_>, field: &Field<'_>, text: &mut String) -> std::fmt::Result {
    let def = field.def();
    for _ in 0..field.depth {
        text.push_str("    ");
    }
    if field.depth == 0 {
        return match field.id {
            FieldId::Frame => writeln!(
                text,
                "Frame: {} bytes on wire ({} bits), {} bytes captured ({} bits)",
                packet.orig_len,
                u64::from(packet.orig_len) * 8,
                packet.data.len(),
                packet.data.len() * 8
            ),
            _ => writeln!(text, "{}", def.title),
        };
    }
    if let Some(range) = field.range.filter(|r| r.mask != 0) {
        if let Some(picture) = bit_picture(packet.data, &range) {
            write!(text, "{picture} = ")?;
        }
    }
    if field.value == Value::None {
        return writeln!(text, "[{}]", def.title);
    }
    let value = ValueFormatter(def, &field.value);
    match field.value {
        Value::Bool(b) => writeln!(text, "{}: {}", def.title, if b { "Set" } else { "Not set" }),
        _ if field.range.is_none() => writeln!(text, "[{}: {value}]", def.title),
        _ => writeln!(text, "{}: {value}", def.title),
    }
}

/// `.... ..1.` style picture of the masked bits of a 1-4 byte big-endian word.
fn bit_picture(data: &[u8], range: &ByteRange) -> Option<String> {
    let bytes = data.get(range.start as usize..range.end())?;
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    let word = bytes.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
    let bits = bytes.len() * 8;
    let mut out = String::with_capacity(bits + bits / 4);
    for i in (0..bits).rev() {
        let bit = 1u32 << i;
        out.push(if range.mask & bit == 0 {
            '.'
        } else if word & bit != 0 {
            '1'
        } else {
            '0'
        });
        if i % 4 == 0 && i != 0 {
            out.push(' ');
        }
    }
    Some(out)
}
