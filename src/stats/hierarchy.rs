//! Protocol hierarchy (Wireshark's Statistics → Protocol Hierarchy, `tshark -z io,phs`):
//! frames and bytes per protocol path, built from each packet's `frame.protocols` as the
//! pipeline computed it.

use crate::decode::{FieldList, Interest};
use crate::dissect::Dissection;
use crate::field::{FieldId, FieldSet};

/// One protocol under its parent, with what passed through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolNode {
    pub name: String,
    pub frames: u64,
    pub bytes: u64,
    /// In order of first appearance.
    pub children: Vec<ProtocolNode>,
}

/// Whether `child` sits inside `parent`'s subtree in Wireshark's tree rather than beside it:
/// the hierarchy counts only the protocols at the tree's top level.
pub fn nested(parent: &str, child: &str) -> bool {
    matches!(
        (parent, child),
        // ICMP's echo data and HTTP's undissected body are fields of their layer.
        ("icmp" | "icmpv6" | "http", "data")
        // An e-mail's body lines are shown inside the IMF / SMTP tree.
        | ("imf" | "smtp", "data-text-lines")
    ) || child.starts_with("x509") // certificates, inside the TLS handshake
}

/// The path a packet adds to the hierarchy: its protocols without `frame` and `ethertype`
/// (not tree items of their own) and without nested ones; `tcp.segments` last when the
/// frame completed a PDU from several segments (tshark's top-level reassembly item).
pub fn path(protocols: &str, reassembled: bool) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut prev = "";
    for name in protocols.split(':') {
        let skip = name.is_empty() || name == "frame" || name == "ethertype" || nested(prev, name);
        prev = name;
        if !skip {
            out.push(name);
        }
    }
    if reassembled && !out.is_empty() {
        out.push("tcp.segments");
    }
    out
}

/// The whole hierarchy, one packet at a time.
#[derive(Debug, Clone, Default)]
pub struct Hierarchy {
    pub roots: Vec<ProtocolNode>,
}

impl Hierarchy {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, path: &[&str], bytes: u64) {
        let mut level = &mut self.roots;
        for name in path {
            let at = match level.iter().position(|n| n.name == *name) {
                Some(at) => at,
                None => {
                    level.push(ProtocolNode {
                        name: (*name).to_string(),
                        frames: 0,
                        bytes: 0,
                        children: Vec::new(),
                    });
                    level.len() - 1
                }
            };
            let Some(node) = level.get_mut(at) else {
                return;
            };
            node.frames += 1;
            node.bytes += bytes;
            level = &mut node.children;
        }
    }

    pub fn observe(&mut self, d: &Dissection<'_>) {
        let mut want = FieldSet::new();
        want.insert(FieldId::TcpReassembledLength);
        let mut fields = FieldList::wanting(want);
        let mut scratch = String::new();
        d.emit_fields_only(
            &mut scratch,
            Interest::of_field(FieldId::TcpReassembledLength),
            &mut fields,
        );
        let reassembled = fields.first(FieldId::TcpReassembledLength).is_some();
        self.add(
            &path(&d.app.protocols, reassembled),
            u64::from(d.packet.orig_len),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_keep_top_level_protocols() {
        assert_eq!(
            path("eth:ethertype:ip:icmp:data", false),
            ["eth", "ip", "icmp"]
        );
        assert_eq!(path("eth:ethertype:ip:data", false), ["eth", "ip", "data"]);
        assert_eq!(
            path("eth:ethertype:ip:tcp:http:data-text-lines", true),
            [
                "eth",
                "ip",
                "tcp",
                "http",
                "data-text-lines",
                "tcp.segments"
            ]
        );
        assert!(path("", true).is_empty());
    }

    #[test]
    fn counts_nest_in_first_seen_order() {
        let mut h = Hierarchy::new();
        h.add(&["eth", "ip", "udp"], 60);
        h.add(&["eth", "arp"], 42);
        h.add(&["eth", "ip", "tcp"], 100);
        let eth = &h.roots[0];
        assert_eq!((eth.frames, eth.bytes), (3, 202));
        let names: Vec<_> = eth.children.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["ip", "arp"]);
        assert_eq!(eth.children[0].children.len(), 2);
    }
}
