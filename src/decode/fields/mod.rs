//! Turning a decoded packet into its flat list of Wireshark-named fields, each with its byte
//! range in the frame and its depth in the details tree. This is what `-T fields`, `-T json`,
//! `-V`, the display filter, the details pane and the header diagrams read.

mod link;
mod net;
mod transport;
mod wire;

pub use transport::{tcp_flags, tcp_flags_str};
pub(super) use wire::cut_layout;
pub use wire::{cdp_tlvs, lldp_tlvs, LldpTlv};

use crate::field::{ByteRange, Field, FieldId, FieldSet, Layout, Value};
use crate::frame::{Direction, TimestampNs};

use super::{Header, Packet};

/// Per-frame facts that are not in the bytes.
#[derive(Debug, Clone, Default)]
pub struct FrameInfo {
    /// 1-based frame number.
    pub number: u64,
    pub ts_ns: TimestampNs,
    /// Since the first frame.
    pub relative_ns: i64,
    /// Since the previous frame.
    pub delta_ns: i64,
    pub interface: u32,
    /// The interface's name (`if_name`); `None` when the capture names none.
    pub interface_name: Option<std::sync::Arc<str>>,
    pub direction: Direction,
}

/// Facts from later stages (analysis) that belong inside a protocol's subtree.
pub trait Annotate<'a> {
    /// Called right after the TCP ports, as tshark places stream/seq analysis.
    fn tcp(&self, _out: &mut FieldList<'a>) {}
    /// Called after the TCP header fields: the SEQ/ACK analysis subtree.
    fn tcp_end(&self, _out: &mut FieldList<'a>) {}
    /// Called after the UDP header fields.
    fn udp(&self, _out: &mut FieldList<'a>) {}
    /// Called right after each Ethernet or IP address: the names the pipeline gave it
    /// (`eth.dst_resolved`, `ip.src_host`), where tshark places them.
    fn address(&self, _address: Address, _out: &mut FieldList<'a>) {}
}

/// An address a link or network header just emitted, for [`Annotate::address`]. `nth`
/// counts the headers of its kind in the frame (a tunnel carries more than one), Ethernet
/// and IP (v4 and v6 together) apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    Eth {
        nth: usize,
        source: bool,
        mac: [u8; 6],
    },
    Ip {
        nth: usize,
        source: bool,
        addr: std::net::IpAddr,
    },
}

impl Annotate<'_> for () {}

/// The fields of one packet, in tree order.
#[derive(Debug, Default, Clone)]
pub struct FieldList<'a> {
    pub fields: Vec<Field<'a>>,
    /// When set, only these fields are kept, and emitters skip the work (checksums, option
    /// walks, flag text) whose fields nobody asked for: what `-T fields -e …` pays.
    want: Option<FieldSet>,
}

impl<'a> FieldList<'a> {
    pub fn new() -> Self {
        FieldList::default()
    }

    pub fn with_capacity(capacity: usize) -> Self {
        FieldList {
            fields: Vec::with_capacity(capacity),
            want: None,
        }
    }

    /// A list that keeps only `want`'s fields.
    pub fn wanting(want: FieldSet) -> Self {
        FieldList {
            fields: Vec::with_capacity(16),
            want: Some(want),
        }
    }

    pub fn clear(&mut self) {
        self.fields.clear();
    }

    /// Whether `id` would be kept (emitters ask before computing an expensive value).
    pub fn wants(&self, id: FieldId) -> bool {
        self.want.as_ref().is_none_or(|want| want.contains(id))
    }

    /// Whether `id` was asked for by name (a list that keeps only some fields keeps it).
    pub fn asks(&self, id: FieldId) -> bool {
        self.want.as_ref().is_some_and(|want| want.contains(id))
    }

    /// Whether any of `ids` would be kept.
    pub fn wants_any(&self, ids: &[FieldId]) -> bool {
        ids.iter().any(|id| self.wants(*id))
    }

    pub fn push(&mut self, id: FieldId, value: Value<'a>, range: Option<ByteRange>, depth: u8) {
        if !self.wants(id) {
            return;
        }
        self.fields.push(Field {
            id,
            value,
            range,
            depth,
        });
    }

    /// A field occupying `len` bytes at `start`.
    pub fn at(&mut self, id: FieldId, value: Value<'a>, start: usize, len: usize, depth: u8) {
        self.push(id, value, Some(ByteRange::new(start, len)), depth);
    }

    /// A fixed header field read from `header` (which starts at frame offset `at`) where
    /// its layout says; nothing when the header is too short to hold it.
    pub fn fixed(&mut self, layout: &Layout, header: &'a [u8], at: usize) {
        if !self.wants(layout.id) {
            return;
        }
        if let Some(value) = layout.value(header) {
            self.push(layout.id, value, Some(layout.range(at)), layout.depth);
        }
    }

    /// A fixed header field whose value the decoder worked out (a byte-order guess, text).
    pub fn placed(&mut self, layout: &Layout, value: Value<'a>, at: usize) {
        self.push(layout.id, value, Some(layout.range(at)), layout.depth);
    }

    /// A computed fact with no bytes of its own.
    pub fn fact(&mut self, id: FieldId, value: Value<'a>, depth: u8) {
        self.push(id, value, None, depth);
    }

    pub fn first(&self, id: FieldId) -> Option<&Field<'a>> {
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter()
    }
}

/// Which layers' fields to emit. A display filter that reads only `tcp.stream` needs the
/// TCP layer's fields, not the other ~60 of the packet; emitting everything per packet
/// costs about 3× the unfiltered read, so [`emit_only`] skips the layers nobody reads.
/// Layers are the unit (not single fields) to keep the emitters unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interest(u16);

impl Interest {
    pub const NONE: Interest = Interest(0);
    /// The frame's fields including `frame.protocols` (text built per packet).
    pub const FRAME: Interest = Interest(1);
    /// The frame's fields other than `frame.protocols` (numbers, times, lengths).
    pub const FRAME_FACTS: Interest = Interest(1 << 13);
    /// Null, SLL, Ethernet, VLAN.
    pub const LINK: Interest = Interest(1 << 1);
    pub const ARP: Interest = Interest(1 << 2);
    pub const IPV4: Interest = Interest(1 << 3);
    /// IPv6 and its extension headers.
    pub const IPV6: Interest = Interest(1 << 4);
    /// TCP, its payload, and the analysis facts annotated into it.
    pub const TCP: Interest = Interest(1 << 5);
    pub const UDP: Interest = Interest(1 << 6);
    pub const ICMP: Interest = Interest(1 << 7);
    pub const ICMPV6: Interest = Interest(1 << 8);
    /// `data`, `data.data`, `data.len`.
    pub const DATA: Interest = Interest(1 << 9);
    /// `_ws.malformed`, `_ws.undecoded`.
    pub const PROBLEMS: Interest = Interest(1 << 10);
    /// Application layers, the packet-list columns and the request/response links the
    /// pipeline's application stage computes.
    pub const APP: Interest = Interest(1 << 11);
    /// The packet-list columns (`_ws.col.Protocol`, `_ws.col.Info`): fields for `-T fields`
    /// and `-Y`, but not part of the details tree, so not in [`Interest::ALL`].
    pub const COLUMNS: Interest = Interest(1 << 12);
    /// LLC/SNAP and the bridge protocols (STP, LLDP, CDP).
    pub const BRIDGE: Interest = Interest(1 << 14);
    /// Tunnel headers (GRE, VXLAN, Geneve, MPLS).
    pub const TUNNEL: Interest = Interest(1 << 15);
    /// Every layer of the details tree (the columns are asked for separately).
    pub const ALL: Interest = Interest(!Self::COLUMNS.0);

    /// The layer whose emitter produces `id` (by the protocol part of its name).
    pub fn of_field(id: FieldId) -> Interest {
        if id.name().starts_with("_ws.col.") {
            return Self::COLUMNS;
        }
        if matches!(
            id,
            FieldId::IcmpRespIn
                | FieldId::IcmpRespTo
                | FieldId::Icmpv6RespIn
                | FieldId::Icmpv6RespTo
                | FieldId::TcpReassembledIn
                | FieldId::TcpReassembledLength
                | FieldId::TcpSegmentData
        ) {
            return Self::APP;
        }
        match id.protocol() {
            "dns" | "mdns" | "llmnr" | "http" | "urlencoded-form" | "tls" | "dhcp" | "dhcpv6"
            | "smtp" | "imf" | "ftp" | "ftp-data" | "imap" | "data-text-lines" => Self::APP,
            "frame" if id == FieldId::FrameProtocols => Self::FRAME,
            "frame" => Self::FRAME_FACTS,
            "null" | "sll" | "eth" | "vlan" => Self::LINK,
            "arp" => Self::ARP,
            "ip" => Self::IPV4,
            "ipv6" => Self::IPV6,
            "tcp" => Self::TCP,
            "udp" => Self::UDP,
            "icmp" => Self::ICMP,
            "icmpv6" => Self::ICMPV6,
            "data" => Self::DATA,
            "llc" | "stp" | "lldp" | "cdp" => Self::BRIDGE,
            "gre" | "vxlan" | "geneve" | "mpls" => Self::TUNNEL,
            "_ws" if matches!(id, FieldId::WsMalformed | FieldId::WsUndecoded) => Self::PROBLEMS,
            // Expert notes come from any layer's checks; fields of protocols without a
            // layer bit of their own (application layers) are found by walking everything.
            _ => Self::ALL,
        }
    }

    pub fn contains(self, other: Interest) -> bool {
        self.0 & other.0 != 0
    }

    pub fn union(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    fn layer(header: &Header<'_>) -> Interest {
        match header {
            Header::Null { .. }
            | Header::Sll(_)
            | Header::Sll2(_)
            | Header::Ethernet(_)
            | Header::Vlan(_) => Self::LINK,
            Header::Arp(_) => Self::ARP,
            Header::Ipv4(_) => Self::IPV4,
            Header::Ipv6(_) | Header::Ipv6Ext { .. } => Self::IPV6,
            Header::Tcp(_) => Self::TCP,
            Header::Udp(_) => Self::UDP,
            Header::Icmpv4(_) => Self::ICMP,
            Header::Icmpv6(_) => Self::ICMPV6,
            Header::Llc(_) | Header::Stp(_) | Header::Lldp(_) | Header::Cdp(_) => Self::BRIDGE,
            Header::Gre(_) | Header::Vxlan(_) | Header::Geneve(_) | Header::Mpls(_) => Self::TUNNEL,
            Header::Cut { kind, .. } => match kind {
                super::Cut::Ipv4 => Self::IPV4,
                super::Cut::Tcp => Self::TCP,
                super::Cut::Udp => Self::UDP,
            },
        }
    }
}

/// Emits every field of `packet` into `out` (cleared first).
pub fn emit<'a>(
    packet: &Packet<'a>,
    info: &'a FrameInfo,
    protocols: &'a str,
    annotate: &dyn Annotate<'a>,
    out: &mut FieldList<'a>,
) {
    emit_only(packet, info, protocols, annotate, Interest::ALL, out);
}

/// Emits the fields of the layers in `interest` into `out` (cleared first), in tree order.
/// With [`Interest::ALL`] this is [`emit`]. Ethernet padding belongs to the link layer.
pub fn emit_only<'a>(
    packet: &Packet<'a>,
    info: &'a FrameInfo,
    protocols: &'a str,
    annotate: &dyn Annotate<'a>,
    interest: Interest,
    out: &mut FieldList<'a>,
) {
    out.clear();
    if interest.contains(Interest::FRAME.union(Interest::FRAME_FACTS)) {
        let protocols = interest.contains(Interest::FRAME).then_some(protocols);
        emit_frame(packet, info, protocols, out);
    }
    emit_layers(packet, info, annotate, interest, out);
    if interest.contains(Interest::TCP.union(Interest::UDP).union(Interest::DATA)) {
        transport::payload(packet, out);
    }
    if !interest.contains(Interest::PROBLEMS) {
        return;
    }
    if packet.notes.iter().any(|note| note.malformed) {
        out.fact(FieldId::WsMalformed, Value::Text(""), 0);
    }
    if let Some(stop) = &packet.stop {
        if stop.is_malformed() {
            out.fact(FieldId::WsMalformed, Value::Text(""), 0);
        } else {
            out.fact(FieldId::WsUndecoded, Value::Text(""), 0);
        }
    }
}

/// Emits the transport layers of a reassembled datagram (decoded by
/// [`super::decode_ip_payload`]) after the frame's own fields. Their bytes are not in this
/// frame, so they carry no byte ranges.
pub fn emit_reassembled<'a>(
    inner: &Packet<'a>,
    info: &FrameInfo,
    annotate: &dyn Annotate<'a>,
    out: &mut FieldList<'a>,
) {
    out.fact(
        crate::field::FieldId::IpReassembledLength,
        Value::U64(inner.data.len() as u64),
        1,
    );
    let start = out.fields.len();
    emit_layers(inner, info, annotate, Interest::ALL, out);
    transport::payload(inner, out);
    for field in out.fields.iter_mut().skip(start) {
        field.range = None;
    }
}

/// Emits the layers of a packet quoted inside another (the datagram an ICMP error quotes),
/// its byte ranges moved to `base`, where the quoted bytes start in the frame.
pub fn emit_quoted<'a>(inner: &Packet<'a>, info: &FrameInfo, base: usize, out: &mut FieldList<'a>) {
    let start = out.fields.len();
    emit_layers(inner, info, &(), Interest::ALL, out);
    for field in out.fields.iter_mut().skip(start) {
        if let Some(range) = field.range.as_mut() {
            range.start = range.start.saturating_add(base as u32);
        }
        field.depth = field.depth.saturating_add(1);
    }
}

fn emit_layers<'a>(
    packet: &Packet<'a>,
    info: &FrameInfo,
    annotate: &dyn Annotate<'a>,
    interest: Interest,
    out: &mut FieldList<'a>,
) {
    // Which Ethernet and IP header this is, counted over every layer (emitted or not), so
    // the names annotated to it are its own.
    let (mut eth_nth, mut ip_nth) = (0usize, 0usize);
    for (index, layer) in packet.layers.iter().enumerate() {
        let (eth_at, ip_at) = (eth_nth, ip_nth);
        match layer.header {
            Header::Ethernet(_) => eth_nth += 1,
            Header::Ipv4(_) | Header::Ipv6(_) => ip_nth += 1,
            _ => {}
        }
        if !interest.contains(Interest::layer(&layer.header)) {
            continue;
        }
        match layer.header.clone() {
            Header::Null { family } => link::null(family, layer.offset, out),
            Header::Sll(bytes) => link::sll(bytes, layer.offset, out),
            Header::Sll2(bytes) => link::sll2(bytes, layer.offset, out),
            Header::Ethernet(eth) => {
                link::ethernet(eth, packet, (eth_at, annotate), layer.offset, out)
            }
            Header::Vlan(vlan) => link::vlan(vlan, layer.offset, out),
            Header::Arp(arp) => net::arp(arp, layer.offset, out),
            Header::Ipv4(ip) => net::ipv4(ip, (ip_at, annotate), layer.offset, out),
            Header::Ipv6(ip) => net::ipv6(ip, (ip_at, annotate), layer.offset, out),
            Header::Ipv6Ext { kind, slice } => net::ipv6_ext(kind, slice, layer.offset, out),
            Header::Tcp(tcp) => transport::tcp(
                tcp,
                packet,
                index,
                info.direction,
                annotate,
                layer.offset,
                out,
            ),
            Header::Udp(udp) => transport::udp(
                udp,
                packet,
                index,
                info.direction,
                annotate,
                layer.offset,
                out,
            ),
            Header::Icmpv4(icmp) => transport::icmpv4(icmp, packet, index, layer.offset, out),
            Header::Icmpv6(icmp) => {
                transport::icmpv6(icmp, packet, index, info.direction, layer.offset, out)
            }
            Header::Llc(bytes) => wire::llc(bytes, layer.offset, out),
            Header::Stp(bytes) => wire::stp(bytes, layer.offset, out),
            Header::Lldp(bytes) => wire::lldp(bytes, layer.offset, out),
            Header::Cdp(bytes) => wire::cdp(bytes, layer.offset, out),
            Header::Gre(bytes) => wire::gre(bytes, layer.offset, out),
            Header::Vxlan(bytes) => wire::vxlan(bytes, layer.offset, out),
            Header::Geneve(bytes) => wire::geneve(bytes, layer.offset, out),
            Header::Mpls(bytes) => wire::mpls(bytes, layer.offset, out),
            Header::Cut { kind, bytes } => wire::cut(kind, bytes, layer.offset, out),
        }
    }
}

/// The frame subtree; `frame.protocols` only when its text was built.
fn emit_frame<'a>(
    packet: &Packet<'a>,
    info: &'a FrameInfo,
    protocols: Option<&'a str>,
    out: &mut FieldList<'a>,
) {
    let cap_len = packet.data.len();
    out.at(FieldId::Frame, Value::None, 0, cap_len, 0);
    out.fact(
        FieldId::FrameInterfaceId,
        Value::U64(u64::from(info.interface)),
        1,
    );
    // tshark names the interface under its id, "unknown" when the capture does not.
    out.fact(
        FieldId::FrameInterfaceName,
        Value::Text(info.interface_name.as_deref().unwrap_or("unknown")),
        2,
    );
    out.fact(
        FieldId::FrameEncapType,
        Value::U64(u64::from(packet.link.0)),
        1,
    );
    out.fact(FieldId::FrameTimeEpoch, Value::Nanos(info.ts_ns), 1);
    out.fact(FieldId::FrameTimeDelta, Value::Nanos(info.delta_ns), 1);
    out.fact(
        FieldId::FrameTimeRelative,
        Value::Nanos(info.relative_ns),
        1,
    );
    out.fact(FieldId::FrameNumber, Value::U64(info.number), 1);
    out.fact(FieldId::FrameLen, Value::U64(u64::from(packet.orig_len)), 1);
    out.fact(FieldId::FrameCapLen, Value::U64(cap_len as u64), 1);
    match info.direction {
        Direction::Outbound => out.fact(FieldId::FrameDirection, Value::U64(0), 1),
        Direction::Inbound => out.fact(FieldId::FrameDirection, Value::U64(1), 1),
        Direction::Unknown => {}
    }
    if let Some(protocols) = protocols {
        out.fact(FieldId::FrameProtocols, Value::Text(protocols), 1);
    }
}

/// `frame.protocols` as tshark writes it: `eth:ethertype:ip:tcp`.
pub fn protocols(packet: &Packet<'_>, out: &mut String) {
    out.clear();
    for layer in &packet.layers {
        let name = match &layer.header {
            Header::Ipv6Ext { .. } => continue,
            other => other.name(),
        };
        if !out.is_empty() {
            out.push(':');
        }
        out.push_str(name);
        if layer.header.names_ethertype() {
            out.push_str(":ethertype");
        }
    }
    if !packet.payload_bytes().is_empty() && !packet.fragment {
        if !out.is_empty() {
            out.push(':');
        }
        out.push_str("data");
    }
}
