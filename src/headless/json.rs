//! `-T json` in tshark's layout: an array of packets, each
//! `{"_index": "packets-YYYY-MM-DD", "_type": "doc", "_score": null, "_source": {"layers":
//! {…}}}`, one object per protocol layer, a field's children in `NAME_tree` (or straight
//! inside a field that has no value of its own), every value a string, indented as tshark
//! indents. A field that occurs twice is written twice, as tshark does by default; with
//! `--no-duplicate-keys` the occurrences become one array. Written by hand (not serde)
//! because tshark's duplicate keys and exact indentation are the point.

use std::fmt::Write as _;

use crate::decode::FieldList;
use crate::field::{write_value, Value};
use crate::stats::hierarchy::nested;

/// One key of a JSON object, with what it holds.
#[derive(Debug)]
struct Node {
    key: &'static str,
    /// `None`: a field with no value (a protocol, a flag, a subtree heading).
    value: Option<String>,
    children: Vec<Node>,
}

/// The layers' tree from the flat field list (depth 0 starts a layer; a field belongs under
/// the nearest earlier field one level up).
fn tree(fields: &FieldList<'_>) -> Vec<Node> {
    let mut layers: Vec<Node> = Vec::new();
    // The current protocol sits inside the previous layer's object, one level down.
    let mut inside = false;
    for field in fields.iter() {
        let def = field.def();
        if def.name.starts_with("_ws.col.") {
            continue;
        }
        let value = match field.value {
            Value::None => None,
            // tshark writes bytes colon-separated in JSON (as its tree shows them).
            Value::Bytes(bytes) => Some(
                bytes
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<Vec<_>>()
                    .join(":"),
            ),
            ref v => {
                let mut text = String::new();
                let _ = write_value(&mut text, def, v);
                Some(text)
            }
        };
        let node = Node {
            key: def.name,
            value,
            children: Vec::new(),
        };
        if field.depth == 0 || layers.is_empty() {
            // A protocol shown inside the previous one (ICMP's data) goes in its object.
            inside = false;
            match layers.last_mut() {
                Some(prev) if field.depth == 0 && nested(prev.key, def.name) => {
                    prev.children.push(node);
                    inside = true;
                }
                _ => layers.push(node),
            }
            continue;
        }
        let Some(layer) = layers.last_mut() else {
            continue;
        };
        if let Some(heading) = text_subtree(def.name) {
            // Fields tshark groups under a text heading of their own.
            let parent = match layer.children.last_mut() {
                Some(last) if last.key == heading => last,
                _ => {
                    layer.children.push(Node {
                        key: heading,
                        value: None,
                        children: Vec::new(),
                    });
                    match layer.children.last_mut() {
                        Some(last) => last,
                        None => continue,
                    }
                }
            };
            parent.children.push(node);
            continue;
        }
        insert(&mut layer.children, field.depth + u8::from(inside), node);
    }
    layers
}

/// The text heading tshark puts a field under (a subtree with no field of its own).
fn text_subtree(name: &str) -> Option<&'static str> {
    match name {
        "tcp.time_relative" | "tcp.time_delta" | "udp.time_relative" | "udp.time_delta" => {
            Some("Timestamps")
        }
        _ => None,
    }
}

/// Whether tshark shows `child` inside `parent`: a field with no value of its own (a
/// heading such as `tcp.analysis`) holds what follows it one level deeper; a valued field
/// holds only its own parts (`ip.flags` → `ip.flags.df`), never its checksum's status.
fn holds(parent: &Node, child: &str) -> bool {
    if child.ends_with(".checksum.status") || child.ends_with("checksum_calculated") {
        return false;
    }
    parent.value.is_none()
        || child
            .strip_prefix(parent.key)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('_'))
}

/// Puts `node` (at `depth` below the layer) under the latest node one level up, or beside
/// it when tshark would not nest it there.
fn insert(level: &mut Vec<Node>, depth: u8, node: Node) {
    if depth > 1 {
        if let Some(last) = level.last_mut() {
            if holds(last, node.key) {
                return insert(&mut last.children, depth - 1, node);
            }
        }
    }
    level.push(node);
}

fn quote(out: &mut String, text: &str) {
    // serde_json's string escaping is JSON's; tshark escapes the same characters.
    let _ = write!(out, "{}", serde_json::Value::String(text.to_string()));
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// The members of one object, one per line at `level`.
fn members(out: &mut String, nodes: &[Node], level: usize, arrays: bool) {
    let mut first = true;
    let mut done = vec![false; nodes.len()];
    for (i, node) in nodes.iter().enumerate() {
        if done.get(i).copied().unwrap_or(true) {
            continue;
        }
        if !first {
            out.push_str(",\n");
        }
        first = false;
        indent(out, level);
        let same: Vec<usize> = if arrays {
            (i..nodes.len())
                .filter(|&j| nodes.get(j).is_some_and(|n| n.key == node.key))
                .collect()
        } else {
            vec![i]
        };
        for &j in &same {
            if let Some(slot) = done.get_mut(j) {
                *slot = true;
            }
        }
        if same.len() > 1 {
            quote(out, node.key);
            out.push_str(": [\n");
            for (n, &j) in same.iter().enumerate() {
                if n > 0 {
                    out.push_str(",\n");
                }
                indent(out, level + 1);
                if let Some(item) = nodes.get(j) {
                    value(out, item, level + 1, arrays);
                }
            }
            out.push('\n');
            indent(out, level);
            out.push(']');
        } else {
            member(out, node, level, arrays);
        }
    }
    if !first {
        out.push('\n');
    }
}

/// A value alone (inside an array): its text, or its children's object.
fn value(out: &mut String, node: &Node, level: usize, arrays: bool) {
    match (&node.value, node.children.is_empty()) {
        (Some(text), _) => quote(out, text),
        (None, true) => out.push_str("\"\""),
        (None, false) => object(out, &node.children, level, arrays),
    }
}

fn object(out: &mut String, nodes: &[Node], level: usize, arrays: bool) {
    out.push_str("{\n");
    members(out, nodes, level + 1, arrays);
    indent(out, level);
    out.push('}');
}

/// `"key": value` — and `"key_tree": {…}` after a valued field with children.
fn member(out: &mut String, node: &Node, level: usize, arrays: bool) {
    quote(out, node.key);
    out.push_str(": ");
    match (&node.value, node.children.is_empty()) {
        (Some(text), true) => quote(out, text),
        (Some(text), false) => {
            quote(out, text);
            out.push_str(",\n");
            indent(out, level);
            quote(out, &format!("{}_tree", node.key));
            out.push_str(": ");
            object(out, &node.children, level, arrays);
        }
        (None, true) => out.push_str("\"\""),
        (None, false) => object(out, &node.children, level, arrays),
    }
}

/// One packet's element of the array: `first` decides the separator before it.
pub fn write_packet(
    fields: &FieldList<'_>,
    index_date: &str,
    first: bool,
    arrays: bool,
    line: &mut Vec<u8>,
) {
    let mut out = String::with_capacity(4096);
    out.push_str(if first { "\n" } else { ",\n" });
    let _ = write!(
        out,
        "  {{\n    \"_index\": \"packets-{index_date}\",\n    \"_type\": \"doc\",\n    \
         \"_score\": null,\n    \"_source\": {{\n      \"layers\": "
    );
    let layers = tree(fields);
    // A layer without fields still shows as an empty object, as tshark's.
    out.push_str("{\n");
    members(&mut out, &layers, 4, arrays);
    out.push_str("      }\n    }\n  }");
    line.extend_from_slice(out.as_bytes());
}

/// What opens the array (before the first packet) and closes it (after the last).
pub const OPEN: &str = "[";
pub fn close(any: bool) -> &'static str {
    if any {
        "\n]\n"
    } else {
        "]\n"
    }
}
