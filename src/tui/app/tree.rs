//! The details tree of one packet as visible rows (collapsed layers hide their fields), and
//! the byte-to-field lookup behind clicking in the hex pane.

use std::collections::HashSet;

use crate::decode::FieldList;
use crate::dissect::Dissection;
use crate::field::{ByteRange, FieldId};
use crate::headless::tree_lines;

/// One visible line of the details tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    pub text: String,
    pub depth: u8,
    pub range: Option<ByteRange>,
    /// The protocol (depth-0 field) this row belongs to.
    pub layer: FieldId,
    /// Analysis verdicts and expert facts (drawn in the warning colour).
    pub expert: bool,
    pub collapsed: bool,
    /// Index of the field in the packet's `FieldList` (what `teach::diagram` cells name),
    /// so the diagram, the tree and the hex bytes highlight one field together.
    pub field: Option<usize>,
}

/// All rows of the tree, honouring `collapsed` layers. A layer's header row always shows.
/// The rows are `-V`'s lines (one tree for both); each keeps the field it shows, so its
/// bytes highlight in the hex pane.
pub fn rows(d: &Dissection<'_>, collapsed: &HashSet<FieldId>) -> Vec<TreeRow> {
    let mut scratch = String::new();
    let mut fields = FieldList::new();
    d.emit_fields(&mut scratch, &mut fields);
    let lines = tree_lines(&d.packet, &fields, d.names.as_deref());
    let mut out = Vec::with_capacity(lines.len());
    let mut layer = FieldId::Frame;
    for line in lines {
        let field = line.field.and_then(|i| fields.fields.get(i));
        if line.depth == 0 {
            if let Some(f) = field.filter(|f| f.depth == 0) {
                layer = f.id;
            }
        } else if collapsed.contains(&layer) {
            continue;
        }
        let analysis = field.is_some_and(|f| {
            let name = f.name();
            name.starts_with("tcp.analysis.") && name != "tcp.analysis"
        });
        let expert = analysis
            || line.text.starts_with("[Expert Info")
            || line.text.starts_with("[sockeye: ")
            || (line.depth == 0 && line.text.starts_with('['));
        // Indented as `-V` indents it: the pane shows the same lines.
        let mut text = "    ".repeat(usize::from(line.depth));
        text.push_str(&line.text);
        out.push(TreeRow {
            collapsed: line.depth == 0 && collapsed.contains(&layer),
            range: field.and_then(|f| f.range),
            text,
            depth: line.depth,
            layer,
            expert,
            field: line.field,
        });
    }
    out
}

/// The row whose field covers byte `offset` most tightly (the innermost field), if any.
pub fn row_at_byte(rows: &[TreeRow], offset: usize) -> Option<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| r.range.is_some_and(|range| range.contains(offset)))
        // A field drawn over several lines (a MAC and its Address/bit lines) is selected
        // at its first line.
        .filter(|(i, r)| {
            r.field.is_none() || *i == 0 || rows.get(i - 1).is_none_or(|p| p.field != r.field)
        })
        .min_by_key(|(_, r)| {
            (
                r.range.map_or(u32::MAX, |range| range.len),
                u8::MAX - r.depth,
            )
        })
        .map(|(i, _)| i)
}

/// The layer (protocol) whose fields include one covering `offset`, so a click on bytes of
/// a collapsed layer can expand it first.
pub fn layer_at_byte(d: &Dissection<'_>, offset: usize) -> Option<FieldId> {
    let all = rows(d, &HashSet::new());
    row_at_byte(&all, offset).map(|i| all[i].layer)
}
