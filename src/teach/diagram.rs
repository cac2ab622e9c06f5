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
fn value_text(field: &Field<'_>, bits: usize) -> String {
    let def = field.def();
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
                cells.push(Cell {
                    bits: hi - lo,
                    label: f.def().title.to_string(),
                    value: if continued {
                        String::new()
                    } else {
                        value_text(f, count)
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
        out.push(Diagram { title, rows });
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
    } else if width == 0 {
        String::new()
    } else {
        text.chars().take(width).collect()
    }
}

const RULER: &str = " 0                   1                   2                   3\n 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1\n";

/// Renders a diagram as text. The cell of field `highlight` is drawn with `>` `<` marks.
pub fn render(diagram: &Diagram, highlight: Option<usize>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", diagram.title);
    out.push_str(RULER);
    let border = |cells: &[Cell], out: &mut String| {
        let bits: usize = cells.iter().map(|c| c.bits).sum();
        out.push('+');
        out.push_str(&"-+".repeat(bits));
        out.push('\n');
    };
    if let Some(first) = diagram.rows.first() {
        border(first, &mut out);
    }
    for row in &diagram.rows {
        for line in 0..2 {
            out.push('|');
            for cell in row {
                let width = cell.bits * 2 - 1;
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
