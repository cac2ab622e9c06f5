//! The one table of field names. Every name is Wireshark's, so `-e`, `-Y`, `-T json`, the
//! details tree and the header diagrams all speak the vocabulary users already know.
//!
//! A decoded packet is a flat list of [`Field`]s (id, typed value, byte range in the frame,
//! tree depth); this module owns their names, titles and how tshark prints their values.

// Packet bytes are hostile: no panicking accessors here (tests may use them).
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod format;
pub mod layout;
pub mod links;
pub mod names;
mod table;

pub use format::{write_value, ValueFormatter};
pub use layout::Layout;
use table::FIELD_DEFS;
pub use table::{FieldId, FIELDS, FIELD_COUNT};

use std::collections::HashMap;
use std::sync::OnceLock;

/// How a field's value is shown (mirrors Wireshark's field display bases).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    /// A protocol marker (`tcp`): presence only; tshark prints nothing for its value in
    /// -T fields, we print the protocol's display name.
    Protocol,
    Dec,
    /// A signed decimal (Wireshark's FT_INT*), e.g. -1 for "unknown".
    Int,
    /// Hex with this many digits, `0x` prefixed (tshark's BASE_HEX).
    Hex(u8),
    /// 1 or 0.
    Bool,
    Mac,
    Ipv4,
    Ipv6,
    /// Seconds since the epoch with 9 decimals.
    Epoch,
    /// Seconds (relative or delta) with 9 decimals.
    Seconds,
    /// Bytes as lowercase hex without separators (tshark prints FT_BYTES this way).
    Bytes,
    Text,
}

/// Static description of a field: the one table's row.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    pub id: FieldId,
    /// The Wireshark display-filter name, e.g. `tcp.flags.syn`.
    pub name: &'static str,
    /// Human title as Wireshark's details pane shows it, e.g. `Syn`.
    pub title: &'static str,
    pub display: Display,
}

/// A decoded value. Borrowed bytes/text point into the frame or the analysis facts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// Protocol presence.
    None,
    U64(u64),
    I64(i64),
    Bool(bool),
    Mac([u8; 6]),
    Ipv4([u8; 4]),
    Ipv6([u8; 16]),
    Bytes(&'a [u8]),
    Text(&'a str),
    /// Nanoseconds: an epoch time or a duration, per the field's display.
    Nanos(i64),
}

/// Byte range inside the frame, with an optional bit mask for sub-byte fields (flags,
/// IHL, DSCP). `None` ranges are facts with no bytes of their own (analysis, reassembly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub start: u32,
    pub len: u32,
    /// Bits of the range's big-endian integer that hold the field; 0 = all bits.
    pub mask: u32,
}

impl ByteRange {
    pub fn new(start: usize, len: usize) -> Self {
        ByteRange {
            start: start as u32,
            len: len as u32,
            mask: 0,
        }
    }

    pub fn bits(start: usize, len: usize, mask: u32) -> Self {
        ByteRange {
            start: start as u32,
            len: len as u32,
            mask,
        }
    }

    pub fn end(&self) -> usize {
        self.start as usize + self.len as usize
    }

    pub fn contains(&self, offset: usize) -> bool {
        offset >= self.start as usize && offset < self.end()
    }
}

/// One decoded field of one packet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field<'a> {
    pub id: FieldId,
    pub value: Value<'a>,
    pub range: Option<ByteRange>,
    /// Depth in the details tree: 0 = protocol line, 1 = its fields, 2 = sub-fields.
    pub depth: u8,
}

impl<'a> Field<'a> {
    pub fn def(&self) -> &'static FieldDef {
        self.id.def()
    }

    pub fn name(&self) -> &'static str {
        self.id.def().name
    }
}

impl FieldId {
    pub fn def(self) -> &'static FieldDef {
        // The table is generated from the same list as the enum, in the same order, so the
        // fallback (a constant index into the fixed-size table) is never taken.
        FIELD_DEFS.get(self as usize).unwrap_or(&FIELD_DEFS[0])
    }

    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// Looks a Wireshark field name up in the table.
    pub fn from_name(name: &str) -> Option<FieldId> {
        static INDEX: OnceLock<HashMap<&'static str, FieldId>> = OnceLock::new();
        INDEX
            .get_or_init(|| FIELDS.iter().map(|def| (def.name, def.id)).collect())
            .get(name)
            .copied()
    }

    /// A resolved name (`eth.src_resolved`, `ip.src_host`, …): computed by the pipeline's
    /// name stage and emitted with the packet-list columns, not in the details tree.
    pub fn is_name(self) -> bool {
        (FieldId::WsColSource as usize..=FieldId::Ipv6DstHost as usize).contains(&(self as usize))
    }

    /// The protocol a field belongs to: the part of its name before the first dot.
    pub fn protocol(self) -> &'static str {
        let name = self.name();
        name.split('.').next().unwrap_or(name)
    }
}

/// A set of fields (one bit per row of the table); `Copy`, so a per-packet field list can
/// hold one without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSet {
    words: [u64; FIELD_COUNT.div_ceil(64)],
}

impl FieldSet {
    pub fn new() -> Self {
        FieldSet {
            words: [0; FIELD_COUNT.div_ceil(64)],
        }
    }

    pub fn insert(&mut self, id: FieldId) {
        let index = id as usize;
        if let Some(word) = self.words.get_mut(index / 64) {
            *word |= 1 << (index % 64);
        }
    }

    pub fn contains(&self, id: FieldId) -> bool {
        let index = id as usize;
        self.words
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }
}

impl Default for FieldSet {
    fn default() -> Self {
        Self::new()
    }
}

impl FromIterator<FieldId> for FieldSet {
    fn from_iter<I: IntoIterator<Item = FieldId>>(iter: I) -> Self {
        let mut set = FieldSet::new();
        for id in iter {
            set.insert(id);
        }
        set
    }
}

/// Names close to `name` (same protocol, small edit distance), for "did you mean" hints.
pub fn suggest(name: &str) -> Option<&'static str> {
    // A third of the name may be wrong, at most three characters: `tcp.srcprt` suggests
    // tcp.srcport, but `http` is not a typo of `tcp`.
    let chars = name.chars().count();
    let allowed = (chars / 3).min(3);
    FIELDS
        .iter()
        // Names whose lengths differ by more than `allowed` cannot be within it: skipping
        // them spares most of the table's edit distances (the UI's colouring rules try
        // every Wireshark protocol name sockeye lacks).
        .filter(|def| def.name.chars().count().abs_diff(chars) <= allowed)
        .map(|def| (edit_distance(name, def.name), def.name))
        .filter(|(d, _)| *d <= allowed)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (pair, cb) in prev.windows(2).zip(&b) {
            if let (&[diagonal, up], Some(&left)) = (pair, cur.last()) {
                let cost = usize::from(ca != *cb);
                cur.push((diagonal + cost).min(up + 1).min(left + 1));
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        assert_eq!(FIELD_COUNT, FIELDS.len());
        for (index, def) in FIELDS.iter().enumerate() {
            assert_eq!(def.id as usize, index, "{} out of order", def.name);
            assert_eq!(FieldId::from_name(def.name), Some(def.id));
        }
        let mut names: Vec<_> = FIELDS.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FIELDS.len(), "duplicate field names");
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("tcp.srcprt"), Some("tcp.srcport"));
        assert_eq!(suggest("quic"), None, "not a typo of udp or imap");
        assert_eq!(FieldId::from_name("ip.src"), Some(FieldId::IpSrc));
        assert_eq!(FieldId::TcpFlagsSyn.protocol(), "tcp");
    }

    #[test]
    fn field_sets_hold_exactly_what_was_inserted() {
        let last = FIELDS.last().map(|d| d.id).unwrap();
        let set: FieldSet = [FieldId::Frame, FieldId::IpSrc, last].into_iter().collect();
        for def in FIELDS {
            let expected = matches!(def.id, FieldId::Frame | FieldId::IpSrc) || def.id == last;
            assert_eq!(set.contains(def.id), expected, "{}", def.name);
        }
    }
}
