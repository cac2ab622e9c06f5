//! `-V`: the packet as the indented tree tshark -V prints, line for line for the layers
//! sockeye decodes — and the same lines the UI's details pane shows.
//!
//! The tree is built from the packet's one field list: each protocol (a depth-0 field and
//! the fields after it) is drawn by its own renderer, which picks its fields by id and
//! writes them in tshark's order and wording (named values, bit pictures, units, option
//! subtrees, expert info). A field no renderer consumed is still printed, generically, so
//! nothing the pipeline computed is ever hidden. Lines sockeye adds that tshark lacks start
//! with `[sockeye: `.

mod discovery;
mod frame;
mod link;
mod net;
mod picture;
mod tcp;
mod transport;
mod wire;

use std::fmt::Write as _;

use crate::decode::{FieldList, Packet};
use crate::field::{Field, FieldId, Value, ValueFormatter};
use crate::names::{port_display, FrameNames, Resolve, Transport};

pub(crate) use picture::bit_picture;

/// One line of the details tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeLine {
    /// 0 = protocol line; each level is indented four spaces in `-V`.
    pub depth: u8,
    pub text: String,
    /// The field (index into the packet's `FieldList`) this line shows, for highlighting
    /// its bytes; `None` for lines derived from several fields or from none.
    pub field: Option<usize>,
}

/// Every line of the packet's tree, in tshark's order. `names`: the names the pipeline
/// resolved for this packet (`-N`, the UI's `R`): an address then shows as `name (address)`.
pub fn tree_lines(
    packet: &Packet<'_>,
    fields: &FieldList<'_>,
    names: Option<&FrameNames>,
) -> Vec<TreeLine> {
    let naming = Naming { names };
    let mut out = Lines::default();
    let all = &fields.fields;
    let mut start = 0;
    let mut previous = FieldId::Frame;
    while start < all.len() {
        let end = all
            .iter()
            .skip(start + 1)
            .position(|f| f.depth == 0)
            .map_or(all.len(), |p| start + 1 + p);
        let layer = Layer::new(all, start, end, naming);
        render_layer(packet, &layer, previous, &mut out);
        layer.rest(packet, &mut out);
        previous = layer.id();
        start = end;
    }
    if let Some(stop) = &packet.stop {
        let kind = if stop.is_malformed() {
            "Malformed"
        } else {
            "Not decoded"
        };
        out.push(0, None, format!("[{kind}: {stop}]"));
    }
    out.lines
}

fn render_layer(packet: &Packet<'_>, layer: &Layer<'_, '_>, previous: FieldId, out: &mut Lines) {
    match layer.id() {
        FieldId::Frame => frame::frame(packet, layer, out),
        FieldId::Eth => link::ethernet(packet, layer, out),
        FieldId::Sll => link::sll(layer, out),
        FieldId::Vlan => link::vlan(packet, layer, out),
        FieldId::Arp => link::arp(layer, out),
        FieldId::Ip => net::ipv4(packet, layer, out),
        FieldId::Ipv6 => net::ipv6(packet, layer, out),
        FieldId::Tcp => tcp::tcp(packet, layer, out),
        FieldId::Udp => transport::udp(layer, out),
        FieldId::Icmp => transport::icmp(layer, out),
        FieldId::Icmpv6 => transport::icmpv6(layer, out),
        FieldId::Llc => wire::llc(layer, out),
        FieldId::Stp => wire::stp(layer, out),
        FieldId::Gre => wire::gre(layer, out),
        FieldId::Vxlan => wire::vxlan(layer, out),
        FieldId::Mpls => wire::mpls(layer, out),
        FieldId::Lldp => discovery::lldp(packet, layer, out),
        FieldId::Cdp => discovery::cdp(layer, out),
        // ICMP's echo data is part of the ICMP message: tshark nests it there.
        FieldId::Data => {
            let nested = matches!(previous, FieldId::Icmp | FieldId::Icmpv6);
            transport::data(layer, u8::from(nested), out)
        }
        // tshark prints a packet comment as this two-line subtree.
        FieldId::FrameComment => {
            let root = layer.root();
            if let Some(Value::Text(comment)) = layer.all.get(root).map(|f| &f.value) {
                out.push(0, None, "Packet comments".into());
                out.push(1, Some(root), (*comment).to_string());
            }
        }
        // Who owns the conversation's sockets; its pid and name follow as facts.
        FieldId::SockeyeProcess => {
            let root = layer.root();
            if let Some(Value::Text(owner)) = layer.all.get(root).map(|f| &f.value) {
                out.push(0, Some(root), format!("[Process: {owner}]"));
            }
        }
        _ => {}
    }
}

/// The whole tree as `-V` prints it: four spaces per level, a blank line after the packet.
pub fn write_tree(
    packet: &Packet<'_>,
    fields: &FieldList<'_>,
    names: Option<&FrameNames>,
    line: &mut Vec<u8>,
) {
    let mut text = String::with_capacity(4096);
    for row in tree_lines(packet, fields, names) {
        for _ in 0..row.depth {
            text.push_str("    ");
        }
        text.push_str(&row.text);
        text.push('\n');
    }
    text.push('\n');
    line.extend_from_slice(text.as_bytes());
}

/// Collects tree lines.
#[derive(Debug, Default)]
pub(crate) struct Lines {
    lines: Vec<TreeLine>,
}

impl Lines {
    pub(crate) fn push(&mut self, depth: u8, field: Option<usize>, text: String) {
        self.lines.push(TreeLine { depth, text, field });
    }
}

/// The fields of one protocol: `fields[start]` is its depth-0 line. Renderers take fields
/// by id (marking them shown); [`Layer::rest`] prints whatever no renderer took.
pub(crate) struct Layer<'f, 'a> {
    all: &'f [Field<'a>],
    start: usize,
    end: usize,
    taken: std::cell::RefCell<Vec<bool>>,
    /// How addresses and ports are named.
    pub(crate) naming: Naming<'f>,
}

/// How the tree names addresses and ports: as tshark's tree shows a value whose kind is
/// resolved, `name (value)`, the value standing in for a missing name (`192.168.0.1
/// (192.168.0.1)`, `40001 (40001)`); the value alone when its kind is not resolved.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Naming<'n> {
    names: Option<&'n FrameNames>,
}

impl Naming<'_> {
    pub(crate) fn resolve(&self) -> Resolve {
        self.names.map_or_else(Resolve::default, |n| n.resolve)
    }

    /// A MAC address, by vendor (the table the pipeline's names come from).
    pub(crate) fn mac(&self, mac: [u8; 6]) -> String {
        let plain = crate::names::oui::plain(&mac);
        if !self.resolve().mac {
            return plain;
        }
        format!("{} ({plain})", crate::names::oui::mac_name(mac))
    }

    /// An IP address, by the host name the capture's DNS gave it by the end of this frame.
    pub(crate) fn ip(&self, addr: std::net::IpAddr) -> String {
        let plain = addr.to_string();
        let name = self
            .names
            .and_then(|n| n.shown_host(addr))
            .map(str::to_string);
        resolved(self.resolve().dns, name, plain)
    }

    pub(crate) fn port(&self, transport: Transport, port: u64) -> String {
        let port = u16::try_from(port).unwrap_or(0);
        port_display(transport, port, self.resolve().transport)
    }

    /// A field's value when it is an address (a generic line, ARP's, DHCP's, an ICMPv6
    /// target): named as its kind is resolved.
    pub(crate) fn value(&self, value: &Value<'_>) -> Option<String> {
        match *value {
            Value::Mac(m) => Some(self.mac(m)),
            Value::Ipv4(a) => Some(self.ip(a.into())),
            Value::Ipv6(a) => Some(self.ip(a.into())),
            _ => None,
        }
    }
}

impl<'f, 'a> Layer<'f, 'a> {
    fn new(all: &'f [Field<'a>], start: usize, end: usize, naming: Naming<'f>) -> Self {
        Layer {
            all,
            start,
            end,
            taken: std::cell::RefCell::new(vec![false; end - start]),
            naming,
        }
    }

    /// Takes the fields tshark keeps hidden in its tree (the resolved names the pipeline
    /// put beside each address, for `-T fields` and JSON).
    pub(crate) fn hide(&self, ids: &[FieldId]) {
        for id in ids {
            while self.take(*id).is_some() {}
        }
    }

    fn id(&self) -> FieldId {
        self.all
            .get(self.start)
            .map_or(FieldId::WsUndecoded, |f| f.id)
    }

    /// The protocol line's field index.
    pub(crate) fn root(&self) -> usize {
        self.mark(self.start);
        self.start
    }

    fn mark(&self, index: usize) {
        if let Some(slot) = self.taken.borrow_mut().get_mut(index - self.start) {
            *slot = true;
        }
    }

    /// The first field `id` of this layer not taken yet; takes it.
    pub(crate) fn take(&self, id: FieldId) -> Option<(usize, &'f Field<'a>)> {
        let index = (self.start..self.end).find(|&i| {
            self.all.get(i).is_some_and(|f| f.id == id)
                && !self
                    .taken
                    .borrow()
                    .get(i - self.start)
                    .copied()
                    .unwrap_or(true)
        })?;
        self.mark(index);
        self.all.get(index).map(|f| (index, f))
    }

    /// The first field `id` of this layer (taken or not), without taking it.
    pub(crate) fn peek(&self, id: FieldId) -> Option<&'f Field<'a>> {
        self.all
            .get(self.start..self.end)?
            .iter()
            .find(|f| f.id == id)
    }

    pub(crate) fn u64(&self, id: FieldId) -> Option<u64> {
        match self.peek(id)?.value {
            Value::U64(v) => Some(v),
            Value::I64(v) => u64::try_from(v).ok(),
            Value::Bool(b) => Some(u64::from(b)),
            _ => None,
        }
    }

    /// Fields between `from` (an index) and the next field of depth <= `depth`: a subtree.
    pub(crate) fn indices(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    pub(crate) fn field(&self, index: usize) -> Option<&'f Field<'a>> {
        self.all.get(index)
    }

    pub(crate) fn is_taken(&self, index: usize) -> bool {
        self.taken
            .borrow()
            .get(index.wrapping_sub(self.start))
            .copied()
            .unwrap_or(true)
    }

    pub(crate) fn take_index(&self, index: usize) {
        self.mark(index);
    }

    /// Prints the fields no renderer took, generically, at their own depth.
    fn rest(&self, packet: &Packet<'_>, out: &mut Lines) {
        for index in self.start..self.end {
            if self.is_taken(index) {
                continue;
            }
            if let Some(field) = self.all.get(index) {
                // A mask or a magic number is not a host: tshark names neither.
                let host = !matches!(
                    field.id,
                    FieldId::DhcpCookie | FieldId::DhcpOptionSubnetMask
                );
                let text = match self.naming.value(&field.value).filter(|_| host) {
                    Some(value) if field.depth > 0 && field.range.is_some() => {
                        format!("{}: {value}", field.def().title)
                    }
                    _ => generic(packet, field),
                };
                out.push(field.depth, Some(index), text);
            }
        }
    }
}

/// A field line with no protocol-specific wording: `Title: value`, facts in brackets, a bit
/// picture for sub-byte fields, Set/Not set for flags.
pub(crate) fn generic(packet: &Packet<'_>, field: &Field<'_>) -> String {
    let def = field.def();
    let mut text = String::new();
    if field.depth == 0 {
        text.push_str(def.title);
        return text;
    }
    if let Some(range) = field.range.filter(|r| r.mask != 0) {
        if let Some(picture) = bit_picture(packet.data, &range) {
            let _ = write!(text, "{picture} = ");
        }
    }
    if field.value == Value::None {
        let _ = write!(text, "[{}]", def.title);
        return text;
    }
    let value = ValueFormatter(def, &field.value);
    let _ = match field.value {
        Value::Bool(b) => write!(text, "{}: {}", def.title, set(b)),
        Value::Nanos(_) => write!(text, "[{}: {value} seconds]", def.title),
        _ if field.range.is_none() => write!(text, "[{}: {value}]", def.title),
        _ => write!(text, "{}: {value}", def.title),
    };
    text
}

pub(crate) fn set(b: bool) -> &'static str {
    if b {
        "Set"
    } else {
        "Not set"
    }
}

/// `name (value)` when resolution is `on` (the value standing in for a missing name, as
/// tshark prints `40001 (40001)`), else the value alone.
pub(crate) fn resolved(on: bool, name: Option<String>, value: String) -> String {
    if !on {
        return value;
    }
    let name = name.unwrap_or_else(|| value.clone());
    format!("{name} ({value})")
}

/// `name (value)` when the value has a name, else the value alone.
pub(crate) fn named(name: Option<&str>, value: impl std::fmt::Display) -> String {
    match name {
        Some(name) => format!("{name} ({value})"),
        None => value.to_string(),
    }
}

/// `seconds.nnnnnnnnn` for a duration or epoch in nanoseconds.
pub(crate) fn seconds(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    format!("{sign}{}.{:09}", abs / 1_000_000_000, abs % 1_000_000_000)
}

/// Expert info as tshark prints it: the summary line, then the message, severity, group.
pub(crate) fn expert(
    out: &mut Lines,
    depth: u8,
    severity: &str,
    group: &str,
    message: &str,
    field: Option<usize>,
) {
    out.push(
        depth,
        field,
        format!("[Expert Info ({severity}/{group}): {message}]"),
    );
    out.push(depth + 1, field, format!("[{message}]"));
    out.push(depth + 1, field, format!("[Severity level: {severity}]"));
    out.push(depth + 1, field, format!("[Group: {group}]"));
}

#[cfg(test)]
mod tests;
