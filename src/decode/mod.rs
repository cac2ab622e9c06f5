//! Decoding frames into layers, with etherparse doing the header parsing.
//!
//! We walk the layers ourselves (rather than using `LaxSlicedPacket`) because we need each
//! header's byte offset in the frame (hex pane, RFC diagrams), Linux SLL2 and BSD null link
//! layers that etherparse does not know, any depth of VLAN tags, IPv4 fragments kept apart
//! for reassembly, and one explanation of where and why decoding stopped. Every header is
//! still checked by etherparse's `*Slice::from_slice`, so no accessor can read out of bounds.

// Packet bytes are hostile: no panicking accessors here (tests may use them).
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod app;
mod checksum;
mod fields;
mod link;
mod llc;
mod net;
mod stop;
mod transport;
mod tunnel;
mod walk;

pub use checksum::{check_ipv4, check_transport, ChecksumCheck, ChecksumStatus};
pub use fields::{
    cdp_tlvs, emit, emit_only, emit_quoted, emit_reassembled, lldp_tlvs, protocols, tcp_flags,
    tcp_flags_str, Address, Annotate, FieldList, FrameInfo, Interest, LldpTlv,
};
pub use stop::{Stop, StopReason};

use arrayvec::ArrayVec;
use etherparse::{
    ArpPacketSlice, Ethernet2HeaderSlice, Icmpv4Slice, Icmpv6Slice, IpNumber, Ipv4HeaderSlice,
    Ipv6HeaderSlice, SingleVlanHeaderSlice, TcpHeaderSlice, UdpHeaderSlice,
};

use crate::field::{layout, Layout};
use crate::frame::{Frame, LinkType};

/// More layers than this is hostile input (e.g. hundreds of nested VLAN tags); decoding stops
/// with an explanation instead of allocating.
pub const MAX_LAYERS: usize = 16;

/// One decoded header. The slices borrow the frame's bytes and were length-checked by
/// etherparse when created.
#[derive(Debug, Clone)]
pub enum Header<'a> {
    /// BSD loopback: 4-byte address family in the writer's byte order.
    Null {
        family: u32,
    },
    /// Linux cooked capture v1 (16 bytes).
    Sll(&'a [u8]),
    /// Linux cooked capture v2 (20 bytes), what `tcpdump -i any` writes.
    Sll2(&'a [u8]),
    Ethernet(Ethernet2HeaderSlice<'a>),
    Vlan(SingleVlanHeaderSlice<'a>),
    Arp(ArpPacketSlice<'a>),
    Ipv4(Ipv4HeaderSlice<'a>),
    Ipv6(Ipv6HeaderSlice<'a>),
    /// An IPv6 extension header (hop-by-hop, routing, fragment, destination options).
    Ipv6Ext {
        kind: IpNumber,
        slice: &'a [u8],
    },
    Tcp(TcpHeaderSlice<'a>),
    Udp(UdpHeaderSlice<'a>),
    Icmpv4(Icmpv4Slice<'a>),
    Icmpv6(Icmpv6Slice<'a>),
    /// IEEE 802.2 LLC after an 802.3 length (3 or 4 bytes; 8 with SNAP).
    Llc(&'a [u8]),
    /// A spanning tree BPDU (4, 35 or 36 bytes).
    Stp(&'a [u8]),
    /// An LLDPDU: its TLVs up to and including the End TLV.
    Lldp(&'a [u8]),
    /// A CDP message: version, TTL, checksum and its TLVs.
    Cdp(&'a [u8]),
    /// GRE with its optional checksum, key and sequence number.
    Gre(&'a [u8]),
    Vxlan(&'a [u8]),
    /// Geneve with its options.
    Geneve(&'a [u8]),
    /// An MPLS label stack (every entry down to the bottom of stack).
    Mpls(&'a [u8]),
    /// A header that its own or its carrier's length fields cut short: the bytes that are
    /// there, whose fixed fields are shown as tshark shows them before it gives up.
    Cut {
        kind: Cut,
        bytes: &'a [u8],
    },
}

/// Which protocol a [`Header::Cut`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    Ipv4,
    Tcp,
    Udp,
}

impl<'a> Header<'a> {
    /// The header's bytes as etherparse checked them (ICMP: the whole message; the null
    /// header keeps only its decoded family).
    pub fn bytes(&self) -> &'a [u8] {
        match self {
            Header::Null { .. } => &[],
            Header::Sll(bytes) | Header::Sll2(bytes) => bytes,
            Header::Ethernet(eth) => eth.slice(),
            Header::Vlan(vlan) => vlan.slice(),
            Header::Arp(arp) => arp.slice(),
            Header::Ipv4(ip) => ip.slice(),
            Header::Ipv6(ip) => ip.slice(),
            Header::Ipv6Ext { slice, .. } => slice,
            Header::Tcp(tcp) => tcp.slice(),
            Header::Udp(udp) => udp.slice(),
            Header::Icmpv4(icmp) => icmp.slice(),
            Header::Icmpv6(icmp) => icmp.slice(),
            Header::Llc(bytes)
            | Header::Stp(bytes)
            | Header::Lldp(bytes)
            | Header::Cdp(bytes)
            | Header::Gre(bytes)
            | Header::Vxlan(bytes)
            | Header::Geneve(bytes)
            | Header::Mpls(bytes) => bytes,
            Header::Cut { bytes, .. } => bytes,
        }
    }

    /// An Ethernet header whose type field is a length: IEEE 802.3, an LLC frame follows.
    pub fn is_dot3(&self) -> bool {
        match self {
            Header::Ethernet(eth) => llc::is_length(eth.ether_type().0),
            _ => false,
        }
    }

    /// Whether tshark lists `ethertype` after this layer in `frame.protocols` (the
    /// headers that name their payload by EtherType).
    pub fn names_ethertype(&self) -> bool {
        match self {
            Header::Ethernet(_) => !self.is_dot3(),
            Header::Vlan(_) | Header::Sll(_) | Header::Sll2(_) => true,
            _ => false,
        }
    }

    /// The fixed fields this header always carries, where its layout puts them.
    pub fn layout(&self) -> &'static [Layout] {
        match self {
            Header::Null { .. } => layout::null::FIELDS,
            Header::Sll(_) => layout::sll::FIELDS,
            Header::Sll2(_) => layout::sll2::FIELDS,
            Header::Ethernet(_) if self.is_dot3() => layout::eth_dot3::FIELDS,
            Header::Ethernet(_) => layout::eth::FIELDS,
            Header::Vlan(_) => layout::vlan::FIELDS,
            Header::Arp(_) => layout::arp::FIELDS,
            Header::Ipv4(_) => layout::ipv4::FIELDS,
            Header::Ipv6(_) => layout::ipv6::FIELDS,
            Header::Ipv6Ext {
                kind: IpNumber::IPV6_FRAGMENTATION_HEADER,
                ..
            } => layout::ipv6_frag::FIELDS,
            Header::Ipv6Ext { .. } => layout::ipv6_ext::FIELDS,
            Header::Tcp(_) => layout::tcp::FIELDS,
            Header::Udp(_) => layout::udp::FIELDS,
            Header::Icmpv4(_) => layout::icmp::FIELDS,
            Header::Icmpv6(_) => layout::icmpv6::FIELDS,
            Header::Llc(_) => layout::llc::FIELDS,
            Header::Stp(_) => layout::stp::FIELDS,
            Header::Gre(_) => layout::gre::FIELDS,
            Header::Vxlan(_) => layout::vxlan::FIELDS,
            Header::Geneve(_) => layout::geneve::FIELDS,
            // Variable TLVs, or a stack that repeats its fields: emitted, not laid out.
            Header::Lldp(_) | Header::Cdp(_) | Header::Mpls(_) => &[],
            // The fields tshark shows before it gives up (those that fit are emitted).
            Header::Cut { kind, bytes } => fields::cut_layout(*kind, bytes),
        }
    }

    /// Short protocol name as in `frame.protocols` and the UI's protocol column.
    pub fn name(&self) -> &'static str {
        match self {
            Header::Null { .. } => "null",
            Header::Sll(_) | Header::Sll2(_) => "sll",
            Header::Ethernet(_) => "eth",
            Header::Vlan(_) => "vlan",
            Header::Arp(_) => "arp",
            Header::Ipv4(_) => "ip",
            Header::Ipv6(_) | Header::Ipv6Ext { .. } => "ipv6",
            Header::Tcp(_) => "tcp",
            Header::Udp(_) => "udp",
            Header::Icmpv4(_) => "icmp",
            Header::Icmpv6(_) => "icmpv6",
            Header::Llc(_) => "llc",
            Header::Stp(_) => "stp",
            Header::Lldp(_) => "lldp",
            Header::Cdp(_) => "cdp",
            Header::Gre(_) => "gre",
            Header::Vxlan(_) => "vxlan",
            Header::Geneve(_) => "geneve",
            Header::Mpls(_) => "mpls",
            Header::Cut {
                kind: Cut::Ipv4, ..
            } => "ip",
            Header::Cut { kind: Cut::Tcp, .. } => "tcp",
            Header::Cut { kind: Cut::Udp, .. } => "udp",
        }
    }
}

/// What tshark says about a header whose length fields lie (`Bogus IP length`, `IPv4
/// total length exceeds packet length (48 bytes)`, `Bad length value 40 > IP payload
/// length`): the expert message, the text its Info column shows, and whether tshark counts
/// the packet as malformed. Decoding goes on as far as the bytes allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Index of the layer the note is about.
    pub layer: usize,
    /// `_ws.expert.message`.
    pub expert: String,
    /// What the layer's Info column shows instead of (IP) or inside (UDP) its usual text.
    pub info: Option<String>,
    /// tshark adds `_ws.malformed`.
    pub malformed: bool,
}

impl Note {
    pub fn new(expert: String, info: Option<String>, malformed: bool) -> Self {
        Note {
            layer: 0,
            expert,
            info,
            malformed,
        }
    }
}

/// A header and where it sits in the frame.
#[derive(Debug, Clone)]
pub struct Layer<'a> {
    pub header: Header<'a>,
    /// Offset of the header's first byte in the frame.
    pub offset: usize,
    /// Header length in bytes (options included; ICMP: the whole message).
    pub len: usize,
}

/// A decoded frame.
#[derive(Debug, Clone)]
pub struct Packet<'a> {
    pub data: &'a [u8],
    pub orig_len: u32,
    pub link: LinkType,
    pub layers: ArrayVec<Layer<'a>, MAX_LAYERS>,
    /// Application payload (after TCP/UDP/ICMP header, or an IP fragment's data), clamped to
    /// the captured bytes.
    pub payload: Option<(usize, usize)>,
    /// TCP segment length from the IP lengths (`tcp.len`), even when the capture cut it.
    pub tcp_len: Option<u32>,
    /// End of the network-layer packet in the frame; bytes after it are link padding.
    pub net_end: Option<usize>,
    /// This is an IPv4/IPv6 fragment whose transport header, if any, needs reassembly.
    pub fragment: bool,
    /// Where and why decoding stopped early.
    pub stop: Option<Stop>,
    /// Length fields that lie, as tshark reports them (empty for a sound packet).
    pub notes: Vec<Note>,
}

impl<'a> Packet<'a> {
    /// The innermost layer matching `pick`: inside a tunnel, the inner packet's headers
    /// are the ones its conversation, columns and application layer are about.
    pub fn find<T>(&self, pick: impl Fn(&Header<'a>) -> Option<T>) -> Option<T> {
        self.layers
            .iter()
            .rev()
            .find_map(|layer| pick(&layer.header))
    }

    /// The innermost IP header (either version) before layer `before`, with its index.
    pub fn ip_before(&self, before: usize) -> Option<(usize, &Header<'a>)> {
        self.layers
            .iter()
            .take(before)
            .enumerate()
            .rev()
            .find(|(_, layer)| matches!(layer.header, Header::Ipv4(_) | Header::Ipv6(_)))
            .map(|(index, layer)| (index, &layer.header))
    }

    pub fn ipv4(&self) -> Option<Ipv4HeaderSlice<'a>> {
        self.find(|h| match h {
            Header::Ipv4(ip) => Some(*ip),
            _ => None,
        })
    }

    pub fn ipv6(&self) -> Option<Ipv6HeaderSlice<'a>> {
        self.find(|h| match h {
            Header::Ipv6(ip) => Some(*ip),
            _ => None,
        })
    }

    pub fn tcp(&self) -> Option<TcpHeaderSlice<'a>> {
        self.find(|h| match h {
            Header::Tcp(tcp) => Some(tcp.clone()),
            _ => None,
        })
    }

    pub fn udp(&self) -> Option<UdpHeaderSlice<'a>> {
        self.find(|h| match h {
            Header::Udp(udp) => Some(udp.clone()),
            _ => None,
        })
    }

    /// The application payload bytes (possibly empty).
    pub fn payload_bytes(&self) -> &'a [u8] {
        match self.payload {
            Some((start, len)) => self.data.get(start..start + len).unwrap_or(&[]),
            None => &[],
        }
    }

    /// The innermost decoded protocol's short name.
    pub fn top_protocol(&self) -> &'static str {
        self.layers
            .last()
            .map_or("frame", |layer| layer.header.name())
    }

    fn push(&mut self, header: Header<'a>, offset: usize, len: usize) -> bool {
        if self
            .layers
            .try_push(Layer {
                header,
                offset,
                len,
            })
            .is_err()
        {
            self.stop_at(offset, "frame", StopReason::TooManyLayers(MAX_LAYERS));
            return false;
        }
        true
    }

    fn stop_at(&mut self, offset: usize, layer: &'static str, reason: StopReason) {
        if self.stop.is_none() {
            self.stop = Some(Stop {
                offset,
                layer,
                reason,
            });
        }
    }

    /// Records that a header needed `needed` bytes at `offset` and fewer were captured.
    fn truncated(&mut self, offset: usize, layer: &'static str, needed: usize) {
        let available = self.data.len().saturating_sub(offset);
        let by_snaplen = (self.orig_len as usize) > self.data.len();
        self.stop_at(
            offset,
            layer,
            StopReason::Truncated {
                needed,
                available,
                by_snaplen,
            },
        );
    }
}

/// Decodes one frame. Never panics; a damaged frame decodes as far as it can and says where
/// it stopped in [`Packet::stop`].
pub fn decode<'a>(frame: &Frame<'a>) -> Packet<'a> {
    let mut packet = Packet::undecoded(frame);
    decode_in_place(&mut packet);
    packet
}

/// Decodes `packet` (made by [`Packet::undecoded`]) where it lies: a packet is about
/// 800 bytes with its layers inline, and the per-frame pipeline builds it in its final
/// place rather than moving it there.
pub fn decode_in_place(packet: &mut Packet<'_>) {
    let link = packet.link;
    walk::walk(packet, walk::Next::Link(link), 0);
}

impl<'a> Packet<'a> {
    /// `frame`'s bytes with no layer decoded yet.
    #[inline(always)]
    pub fn undecoded(frame: &Frame<'a>) -> Self {
        Packet {
            data: frame.data,
            orig_len: frame.orig_len,
            link: frame.link,
            layers: ArrayVec::new(),
            payload: None,
            tcp_len: None,
            net_end: None,
            fragment: false,
            stop: None,
            notes: Vec::new(),
        }
    }
}

/// Decodes the payload of a reassembled IP datagram (its transport header and data).
pub fn decode_ip_payload(protocol: IpNumber, bytes: &[u8]) -> Packet<'_> {
    let mut packet = Packet {
        data: bytes,
        orig_len: bytes.len() as u32,
        link: LinkType::RAW,
        layers: ArrayVec::new(),
        payload: None,
        tcp_len: None,
        net_end: Some(bytes.len()),
        fragment: false,
        stop: None,
        notes: Vec::new(),
    };
    walk::walk(&mut packet, walk::Next::Ip(protocol), 0);
    packet
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests;
#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod wire_tests;
