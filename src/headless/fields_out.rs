//! `-T fields` output, byte for byte as tshark prints it. Only the asked-for fields are
//! produced: the emitters walk only the layers the columns live in, keep only the columns'
//! fields, and skip what nobody asked for (checksum sums, option walks, the protocol text).

use std::io::{self, Write};

use super::options::{Columns, FieldColumn, FieldOptions, Occurrence};
use crate::decode::FieldList;
use crate::dissect::Dissection;
use crate::field::{write_value, Value};

pub fn write_header(columns: &Columns, opts: &FieldOptions, out: &mut dyn Write) -> io::Result<()> {
    let names: Vec<&str> = columns.columns.iter().map(|c| c.name).collect();
    writeln!(out, "{}", names.join(&opts.separator))
}

/// Appends the row of dissected packet `d` to `line`. `scratch` holds `frame.protocols`
/// when a column asks for it.
pub fn write_packet(
    d: &Dissection<'_>,
    columns: &Columns,
    opts: &FieldOptions,
    scratch: &mut String,
    line: &mut Vec<u8>,
) {
    let mut fields = FieldList::wanting(columns.want);
    d.emit_fields_only(scratch, columns.interest, &mut fields);
    write_row(&columns.columns, opts, &fields, line);
}

/// Appends one row for `fields` to `line` (newline included).
pub fn write_row(
    columns: &[FieldColumn],
    opts: &FieldOptions,
    fields: &FieldList<'_>,
    line: &mut Vec<u8>,
) {
    // Written straight into `line`: a row used to be built in a String of its own and
    // each column's occurrences collected in a Vec, three allocations per row.
    let mut text = Utf8Bytes(line);
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            text.push_str(&opts.separator);
        }
        if let Some(q) = opts.quote {
            text.push(q);
        }
        let mut matches = fields.iter().filter(|f| column.parts.contains(&f.id));
        let mut write = |n: usize, field: &crate::field::Field<'_>| {
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
        };
        match opts.occurrence {
            Occurrence::First => matches.next().into_iter().for_each(|f| write(0, f)),
            Occurrence::Last => matches.last().into_iter().for_each(|f| write(0, f)),
            Occurrence::All => matches.enumerate().for_each(|(n, f)| write(n, f)),
        }
        if let Some(q) = opts.quote {
            text.push(q);
        }
    }
    text.push('\n');
}

/// Text appended to a byte buffer: what is written is UTF-8, so the bytes stay text.
struct Utf8Bytes<'a>(&'a mut Vec<u8>);

impl Utf8Bytes<'_> {
    fn push_str(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }
}

impl std::fmt::Write for Utf8Bytes<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::Dissector;
    use crate::field::FieldId;
    use crate::field::FIELDS;
    use crate::source::{FileSource, PacketSource};

    /// Producing only the asked-for fields prints exactly what emitting every field and
    /// picking the columns prints: for each field of the table alone, and for the bench's
    /// columns together, on every frame of every textbook capture.
    #[test]
    fn only_the_asked_for_fields_print_the_same_rows() {
        let mut column_sets: Vec<Vec<FieldId>> = FIELDS.iter().map(|def| vec![def.id]).collect();
        column_sets.push(
            [
                "frame.number",
                "ip.src",
                "tcp.srcport",
                "tcp.seq",
                "tcp.analysis.retransmission",
            ]
            .iter()
            .filter_map(|name| FieldId::from_name(name))
            .collect(),
        );
        let one = |id: FieldId| FieldColumn {
            name: id.name(),
            parts: vec![id],
        };
        let columns: Vec<Columns> = column_sets
            .into_iter()
            .map(|ids| Columns::new(ids.into_iter().map(one).collect()))
            .collect();
        let opts = FieldOptions::default();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/textbook");
        let mut rows = 0;
        let mut non_empty = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let mut source = FileSource::open(path.to_str().unwrap()).unwrap();
            let mut dissector = Dissector::new();
            while let Ok(Some(frame)) = source.next_frame() {
                let d = dissector.dissect(&frame);
                let mut scratch = String::new();
                let mut all = FieldList::new();
                // The tree's fields and the packet-list columns: everything a column may ask.
                let everything =
                    crate::decode::Interest::ALL.union(crate::decode::Interest::COLUMNS);
                d.emit_fields_only(&mut scratch, everything, &mut all);
                for set in &columns {
                    // The vendor's long name is filled only when asked for by name (or
                    // with vendor names on): the full list leaves it out.
                    if set
                        .columns
                        .iter()
                        .any(|c| c.name.ends_with(".oui_resolved"))
                    {
                        continue;
                    }
                    let mut expected = Vec::new();
                    write_row(&set.columns, &opts, &all, &mut expected);
                    let mut lean_scratch = String::new();
                    let mut got = Vec::new();
                    write_packet(&d, set, &opts, &mut lean_scratch, &mut got);
                    assert_eq!(
                        String::from_utf8_lossy(&got),
                        String::from_utf8_lossy(&expected),
                        "{:?} in {} frame {}",
                        set.columns.iter().map(|c| c.name).collect::<Vec<_>>(),
                        path.display(),
                        d.info.number
                    );
                    rows += 1;
                    non_empty += usize::from(expected.len() > set.columns.len());
                }
            }
        }
        assert!(rows > 10_000, "{rows} rows");
        assert!(non_empty > 2_000, "{non_empty} rows with values");
    }
}
