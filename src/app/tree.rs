//! The details tree of one packet as visible rows (collapsed layers hide their fields), and
//! the byte-to-field lookup behind clicking in the hex pane.

use std::collections::HashSet;

use crate::decode::FieldList;
use crate::dissect::Dissection;
use crate::field::{ByteRange, FieldId};
use crate::headless::field_line;

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
pub fn rows(d: &Dissection<'_>, collapsed: &HashSet<FieldId>) -> Vec<TreeRow> {
    let mut scratch = String::new();
    let mut fields = FieldList::new();
    d.emit_fields(&mut scratch, &mut fields);
    let mut out = Vec::with_capacity(fields.fields.len());
    let mut layer = FieldId::Frame;
    for (index, field) in fields.iter().enumerate() {
        if field.depth == 0 {
            layer = field.id;
        } else if collapsed.contains(&layer) {
            continue;
        }
        let name = field.name();
        out.push(TreeRow {
            text: field_line(&d.packet, field),
            depth: field.depth,
            range: field.range,
            layer,
            expert: name.starts_with("tcp.analysis.") && name != "tcp.analysis",
            collapsed: field.depth == 0 && collapsed.contains(&layer),
            field: Some(index),
        });
    }
    if let Some(stop) = &d.packet.stop {
        out.push(TreeRow {
            text: format!(
                "[{}: {stop}]",
                if stop.is_malformed() {
                    "Malformed"
                } else {
                    "Not decoded"
                }
            ),
            depth: 0,
            range: None,
            layer,
            expert: true,
            collapsed: false,
            field: None,
        });
    }
    out
}

/// The row whose field covers byte `offset` most tightly (the innermost field), if any.
pub fn row_at_byte(rows: &[TreeRow], offset: usize) -> Option<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| r.range.is_some_and(|range| range.contains(offset)))
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
