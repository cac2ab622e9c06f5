//! RFC-style header diagrams (the 32-bit-wide bit grids of RFC 791, 8200, 9293, 768, 792,
//! 826 and Ethernet) drawn from the decoded fields, so every cell holds the real value.
//! The grid is generic: the fixed part of each header is laid out from its declarations in
//! `field::layout` (offset, length, bit mask), what follows from the emitted fields' byte
//! ranges — no per-protocol drawing code.

use std::fmt::Write as _;

use crate::decode::{FieldList, Packet};
use crate::field::{ByteRange, Display, Field, FieldId, Value, ValueFormatter};

/// One cell of a grid row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Bits covered in this row.
    pub bits: usize,
    pub label: String,
    pub value: String,
    /// Index of the field in the packet's field list (None for uncovered bits).
    pub field: Option<usize>,
    /// The field started in an earlier row (IPv6 addresses, options).
    pub continued: bool,
}

/// One header drawn as rows of 32 bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagram {
    pub title: String,
    pub rows: Vec<Vec<Cell>>,
    /// Lines under the grid: what an abbreviated label stands for, and what a cell's raw
    /// value means (`Header Length: 5 × 4 = 20 bytes`).
    pub legend: Vec<String>,
}

/// Short labels, as the RFC figures write them, for cells too narrow for the title; one
/// character for one-bit flags (tcpdump's letters: `e` is AE, so it is not a second `A`).
const SHORT: &[(FieldId, &str)] = &[
    (FieldId::IpHdrLen, "IHL"),
    (FieldId::IpFlagsRb, "R"),
    (FieldId::IpFlagsDf, "D"),
    (FieldId::IpFlagsMf, "M"),
    (FieldId::TcpHdrLen, "Offset"),
    (FieldId::TcpFlagsRes, "Rsv"),
    (FieldId::TcpFlagsAe, "e"),
    (FieldId::TcpFlagsCwr, "C"),
    (FieldId::TcpFlagsEce, "E"),
    (FieldId::TcpFlagsUrg, "U"),
    (FieldId::TcpFlagsAck, "A"),
    (FieldId::TcpFlagsPush, "P"),
    (FieldId::TcpFlagsReset, "R"),
    (FieldId::TcpFlagsSyn, "S"),
    (FieldId::TcpFlagsFin, "F"),
];

/// The label for a cell `width` characters wide: the title, else its short form (from
/// [`SHORT`], else the last part of the Wireshark name, `ip.dsfield.ecn` → `ECN`), else
/// that cut; and whether it was shortened (the legend then says what it stands for).
fn label_for(field: &Field<'_>, width: usize) -> (String, bool) {
    let title = field.def().title;
    if title.chars().count() <= width {
        return (title.to_string(), false);
    }
    let short = SHORT
        .iter()
        .find(|(id, _)| *id == field.id)
        .map(|(_, s)| s.to_string())
        .unwrap_or_else(|| {
            field
                .def()
                .name
                .rsplit('.')
                .next()
                .unwrap_or(title)
                .to_uppercase()
        });
    if short.chars().count() <= width {
        (short, true)
    } else {
        (cut(&short, width), true)
    }
}

/// Legend entries joined by `; ` into lines of at most `width` characters (one entry per
/// line when it is longer), so a row of one-letter flags takes two lines, not ten.
fn pack(entries: Vec<String>, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for e in entries {
        match lines.last_mut() {
            Some(last) if last.chars().count() + 2 + e.chars().count() <= width => {
                last.push_str("; ");
                last.push_str(&e);
            }
            _ => lines.push(e),
        }
    }
    lines
}

/// The bits a sub-byte field holds in the packet, as an integer (IHL 5, not 20 bytes).
fn raw_bits(field: &Field<'_>, data: &[u8]) -> Option<u64> {
    let r = field.range?;
    if r.mask == 0 || r.len > 4 {
        return None;
    }
    let bytes = data.get(r.start as usize..r.end())?;
    let word = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let mask = u64::from(r.mask);
    Some((word & mask) >> mask.trailing_zeros())
}

/// A legend line for a cell whose raw bits differ from the value Wireshark shows.
fn meaning(field: &Field<'_>, raw: u64) -> Option<String> {
    let Value::U64(v) = field.value else {
        return None;
    };
    let title = field.def().title;
    (v != raw).then(|| {
        if v == raw * 4 {
            format!("{title}: {raw} × 4 = {v} bytes")
        } else {
            format!(
                "{title}: {raw} means {}",
                ValueFormatter(field.def(), &field.value)
            )
        }
    })
}

/// A byte range's bit span inside a header starting at `header_start`: (first bit, bit
/// count); the mask picks the bits of a sub-byte field.
fn span_of(range: ByteRange, header_start: usize) -> Option<(usize, usize)> {
    let start = (range.start as usize).checked_sub(header_start)? * 8;
    let width = range.len as usize * 8;
    if width == 0 {
        return None;
    }
    if range.mask == 0 {
        return Some((start, width));
    }
    let mask = u64::from(range.mask);
    let low = mask.trailing_zeros() as usize;
    let count = mask.count_ones() as usize;
    let high = low + count;
    if high > width {
        return None;
    }
    Some((start + width - high, count))
}

/// A cell's value; numbers of 16 bits or more also in hex (narrower cells cannot fit it).
/// A sub-byte field shows the bits it holds (`raw`), what they mean goes in the legend.
fn value_text(field: &Field<'_>, bits: usize, raw: Option<u64>) -> String {
    let def = field.def();
    if let (Some(raw), Value::U64(_)) = (raw, field.value) {
        return raw.to_string();
    }
    match (field.value, def.display) {
        (Value::None, _) => "✓".to_string(),
        (Value::U64(v), Display::Dec) if v > 9 && bits >= 16 => format!("{v} (0x{v:x})"),
        (Value::Bytes(b), _) if b.len() > 8 => format!("{} bytes", b.len()),
        (value, _) => ValueFormatter(def, &value).to_string(),
    }
}

/// Diagrams for every header of `packet` (fields from [`crate::decode::emit`]).
pub fn diagrams(packet: &Packet<'_>, fields: &FieldList<'_>) -> Vec<Diagram> {
    let list: Vec<&Field<'_>> = fields.iter().collect();
    let mut out = Vec::new();
    for layer in &packet.layers {
        let (start, end) = (layer.offset, layer.offset + layer.len);
        let header_bits = layer.len * 8;
        // The fixed header's cells come from its layout declarations (each shown with the
        // emitted field of that name at that place); what follows the fixed part (options,
        // the ARP addresses, an ND target) from the emitted fields' own ranges.
        let declared = layer.header.layout();
        let mut candidates: Vec<(usize, usize, usize)> = declared
            .iter()
            .filter_map(|layout| {
                let range = layout.range(start);
                let i = list
                    .iter()
                    .position(|f| f.id == layout.id && f.range == Some(range))?;
                let (bit, count) = span_of(range, start)?;
                Some((i, bit, count))
            })
            .collect();
        candidates.extend(
            list.iter()
                .enumerate()
                .filter(|(_, f)| f.depth >= 1 && !declared.iter().any(|l| l.id == f.id))
                .filter_map(|(i, f)| {
                    let r = f.range?;
                    if (r.start as usize) < start || r.end() > end {
                        return None;
                    }
                    let (bit, count) = span_of(r, start)?;
                    Some((i, bit, count))
                }),
        );
        // Leaves only: a field that strictly contains another candidate is drawn through
        // its parts (tcp.flags through its bits, tcp.options through each option).
        let mut leaves: Vec<(usize, usize, usize)> = candidates
            .iter()
            .copied()
            .filter(|&(i, bit, count)| {
                !candidates.iter().any(|&(j, b2, c2)| {
                    j != i && b2 >= bit && b2 + c2 <= bit + count && (c2 < count || j > i)
                })
            })
            .collect();
        leaves.sort_by_key(|&(i, bit, _)| (bit, i));
        leaves.dedup_by_key(|l| l.1);
        let title = list
            .iter()
            .find(|f| {
                f.id != FieldId::Frame
                    && f.depth <= 1
                    && f.value == Value::None
                    && f.range.is_some_and(|r| r.start as usize == start)
            })
            .map_or_else(
                || layer.header.name().to_string(),
                |f| f.def().title.to_string(),
            );
        let mut rows = Vec::new();
        let mut legend: Vec<String> = Vec::new();
        let mut note = |line: String| {
            if !legend.contains(&line) {
                legend.push(line);
            }
        };
        let mut row_start = 0;
        while row_start < header_bits {
            let row_end = (row_start + 32).min(header_bits);
            let mut cells = Vec::new();
            let mut at = row_start;
            for &(i, bit, count) in &leaves {
                let (lo, hi) = (bit.max(at), (bit + count).min(row_end));
                if hi <= lo || lo < at {
                    continue;
                }
                if lo > at {
                    cells.push(Cell {
                        bits: lo - at,
                        label: String::new(),
                        value: String::new(),
                        field: None,
                        continued: false,
                    });
                }
                let f = list[i];
                let continued = bit < row_start;
                let (label, short) = label_for(f, (hi - lo) * 2 - 1);
                let raw = raw_bits(f, packet.data);
                if !continued {
                    let meant = raw.and_then(|r| meaning(f, r));
                    match (short, meant) {
                        (true, Some(m)) => note(format!("{label} = {m}")),
                        (true, None) => note(format!("{label} = {}", f.def().title)),
                        (false, Some(m)) => note(m),
                        (false, None) => {}
                    }
                }
                cells.push(Cell {
                    bits: hi - lo,
                    label,
                    value: if continued {
                        String::new()
                    } else {
                        value_text(f, count, raw)
                    },
                    field: Some(i),
                    continued,
                });
                at = hi;
            }
            if at < row_end {
                cells.push(Cell {
                    bits: row_end - at,
                    label: String::new(),
                    value: String::new(),
                    field: None,
                    continued: false,
                });
            }
            rows.push(cells);
            row_start = row_end;
        }
        out.push(Diagram {
            title,
            rows,
            legend: pack(legend, 63),
        });
    }
    out
}

fn fit(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        let left = (width - count) / 2;
        format!(
            "{}{}{}",
            " ".repeat(left),
            text,
            " ".repeat(width - count - left)
        )
    } else {
        cut(text, width)
    }
}

/// `text` cut to `width` with a final `…`, never silently.
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    match width {
        0 => String::new(),
        1 => "…".to_string(),
        w => {
            let mut s: String = text.chars().take(w - 1).collect();
            s.push('…');
            s
        }
    }
}

const RULER: &str = " 0                   1                   2                   3\n 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1\n";

/// RFC 1035's ruler for headers drawn 16 bits a row, three columns a bit.
const RULER16: &str = "                                1  1  1  1  1  1\n  0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5\n";

/// Columns per bit: two in the 32-bit rows of most RFCs, three in the 16-bit rows of
/// RFC 1035 (so one-bit flags can be labelled `QR`, `AA`, `RD` as there).
pub fn columns_per_bit(diagram: &Diagram) -> usize {
    let row_bits = diagram
        .rows
        .iter()
        .map(|r| r.iter().map(|c| c.bits).sum::<usize>())
        .max()
        .unwrap_or(32);
    if row_bits <= 16 {
        3
    } else {
        2
    }
}

/// Renders a diagram as text. The cell of field `highlight` is drawn with `>` `<` marks.
pub fn render(diagram: &Diagram, highlight: Option<usize>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", diagram.title);
    let per_bit = columns_per_bit(diagram);
    out.push_str(if per_bit == 3 { RULER16 } else { RULER });
    let border = |cells: &[Cell], out: &mut String| {
        let bits: usize = cells.iter().map(|c| c.bits).sum();
        out.push('+');
        let step = "-".repeat(per_bit - 1) + "+";
        out.push_str(&step.repeat(bits));
        out.push('\n');
    };
    if let Some(first) = diagram.rows.first() {
        border(first, &mut out);
    }
    for row in &diagram.rows {
        for line in 0..2 {
            out.push('|');
            for cell in row {
                let width = cell.bits * per_bit - 1;
                let text = match (line, cell.continued) {
                    (0, false) => cell.label.as_str(),
                    (0, true) => "…",
                    _ => cell.value.as_str(),
                };
                let marked = highlight.is_some() && cell.field == highlight && width >= 3;
                if marked {
                    out.push('>');
                    out.push_str(&fit(text, width - 2));
                    out.push('<');
                } else {
                    out.push_str(&fit(text, width));
                }
                out.push('|');
            }
            out.push('\n');
        }
        border(row, &mut out);
    }
    for line in &diagram.legend {
        let _ = writeln!(out, "  {line}");
    }
    out
}

/// Every header of the packet as text diagrams.
pub fn header_diagrams(packet: &Packet<'_>, fields: &FieldList<'_>) -> String {
    diagrams(packet, fields)
        .iter()
        .map(|d| render(d, None))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The diagrams of a dissected packet: the decoded layers', then the application headers
/// (DNS, TLS records) the pipeline found.
pub fn diagrams_of(d: &crate::dissect::Dissection<'_>, fields: &FieldList<'_>) -> Vec<Diagram> {
    let mut out = diagrams(&d.packet, fields);
    out.extend(super::app_diagram::app_diagrams(d, fields));
    out
}

/// Every header of a dissected packet as text diagrams ([`diagrams_of`]).
pub fn all_diagrams(d: &crate::dissect::Dissection<'_>, fields: &FieldList<'_>) -> String {
    diagrams_of(d, fields)
        .iter()
        .map(|d| render(d, None))
        .collect::<Vec<_>>()
        .join("\n")
}
