//! `-T fields` output, byte for byte as tshark prints it.

use std::io::{self, Write};

use super::options::FieldColumn;
use super::options::{FieldOptions, Occurrence};
use crate::decode::FieldList;
use crate::field::{write_value, Value};

pub fn write_header(
    columns: &[FieldColumn],
    opts: &FieldOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
    writeln!(out, "{}", names.join(&opts.separator))
}

/// Appends one row for `fields` to `line` (newline included).
pub fn write_row(
    columns: &[FieldColumn],
    opts: &FieldOptions,
    fields: &FieldList<'_>,
    line: &mut Vec<u8>,
) {
    let mut text = String::with_capacity(256);
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            text.push_str(&opts.separator);
        }
        if let Some(q) = opts.quote {
            text.push(q);
        }
        let matches = fields.iter().filter(|f| column.parts.contains(&f.id));
        let chosen: Vec<_> = match opts.occurrence {
            Occurrence::First => matches.take(1).collect(),
            Occurrence::Last => matches.last().into_iter().collect(),
            Occurrence::All => matches.collect(),
        };
        for (n, field) in chosen.iter().enumerate() {
            if n > 0 {
                text.push_str(&opts.aggregator);
            }
            // Presence-only fields (analysis flags, protocol markers) print as 1, as the
            // reference TSVs show for tcp.analysis.*.
            if field.value == Value::None {
                text.push('1');
            } else {
                let _ = write_value(&mut text, field.def(), &field.value);
            }
        }
        if let Some(q) = opts.quote {
            text.push(q);
        }
    }
    text.push('\n');
    line.extend_from_slice(text.as_bytes());
}
