//! `-z io,phs[,FILTER]`: the protocol hierarchy, laid out as tshark prints it.

use std::fmt::Write as _;

use crate::stats::hierarchy::{Hierarchy, ProtocolNode};

const RULE: &str = "===================================================================\n";

fn node(out: &mut String, n: &ProtocolNode, depth: usize) {
    let name = format!("{}{}", "  ".repeat(depth), n.name);
    let _ = writeln!(out, "{name:<40} frames:{} bytes:{}", n.frames, n.bytes);
    for child in &n.children {
        node(out, child, depth + 1);
    }
}

pub fn render(h: &Hierarchy, filter: Option<&str>) -> String {
    let mut out = String::from("\n");
    out.push_str(RULE);
    out.push_str("Protocol Hierarchy Statistics\n");
    let _ = write!(out, "Filter: {}\n\n", filter.unwrap_or(""));
    for root in &h.roots {
        node(&mut out, root, 0);
    }
    out.push_str(RULE);
    out
}
