//! The one loop that walks a frame's layers. Each protocol parser looks at the bytes where
//! the walk stands and returns its header and what comes next ([`Next`]); only this loop
//! dispatches, so protocol files never call each other. A new protocol (802.3/LLC, GRE,
//! MPLS, VXLAN inside UDP, an application layer after TCP/UDP) is one parser plus one arm
//! here.

use etherparse::IpNumber;

use super::{link, llc, net, transport, tunnel, Note, Packet, StopReason};
use crate::frame::LinkType;

pub(super) const ETHERTYPE_IPV4: u16 = 0x0800;
pub(super) const ETHERTYPE_ARP: u16 = 0x0806;
pub(super) const ETHERTYPE_VLAN: u16 = 0x8100;
pub(super) const ETHERTYPE_QINQ: u16 = 0x88a8;
pub(super) const ETHERTYPE_QINQ_OLD: u16 = 0x9100;
pub(super) const ETHERTYPE_IPV6: u16 = 0x86dd;
pub(super) const ETHERTYPE_LLDP: u16 = 0x88cc;

/// What follows a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// The frame's link layer.
    Link(LinkType),
    /// Raw IP: the version nibble says which IP.
    IpVersion,
    /// A header named by an EtherType (Ethernet, VLAN, Linux cooked).
    Ether(u16),
    /// A header named by an IP protocol number (IPv4 protocol, IPv6 next header), inside
    /// the IP payload.
    Ip(IpNumber),
    /// Application data: this many captured bytes right after the header.
    Payload(usize),
    /// The rest of the IP payload is one fragment's data, kept apart for reassembly.
    Fragment,
    /// Nothing follows inside this packet (ARP).
    Done,
    /// An IEEE 802.2 LLC header (after an 802.3 length).
    Llc,
    /// A spanning tree BPDU (LLC SAP 0x42).
    Stp,
    /// CDP (SNAP, Cisco's organisation code).
    Cdp,
    /// VXLAN (UDP port 4789).
    Vxlan,
    /// Geneve (UDP port 6081).
    Geneve,
}

/// Where the IP packet that holds the walk ends: as captured, and as its lengths claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct IpBounds {
    pub end: usize,
    pub claimed_end: usize,
}

/// What a parser sees: the frame, where its header starts, and the enclosing IP packet.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cursor<'a> {
    pub data: &'a [u8],
    pub at: usize,
    pub ip: Option<IpBounds>,
    /// The frame's length on the wire (its bytes past a snap-length cut included).
    pub frame_len: usize,
}

impl<'a> Cursor<'a> {
    /// The frame from the header's first byte on.
    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.at..).unwrap_or(&[])
    }

    /// The captured rest of the enclosing IP payload (the rest of the frame outside IP).
    pub fn ip_rest(&self) -> &'a [u8] {
        let end = self.ip_end();
        self.data.get(self.at..end).unwrap_or(&[])
    }

    /// Captured end of the enclosing IP packet (the frame's end outside IP).
    pub fn ip_end(&self) -> usize {
        self.ip.map_or(self.data.len(), |ip| ip.end)
    }

    /// Where the enclosing IP packet claims to end.
    pub fn claimed_end(&self) -> usize {
        self.ip.map_or(self.data.len(), |ip| ip.claimed_end)
    }

    /// Where the packet holding this header really ends (tshark's "reported length"): the
    /// enclosing IP packet's end, else the frame's length on the wire.
    pub fn reported_end(&self) -> usize {
        self.ip.map_or(self.frame_len, |ip| ip.claimed_end)
    }
}

/// A header a parser decoded, and what comes next.
#[derive(Debug)]
pub(super) struct Parsed<'a> {
    pub header: super::Header<'a>,
    pub len: usize,
    pub next: Next,
    /// Set by IP (and ARP): where the network-layer packet ends; later bytes are padding.
    pub bounds: Option<IpBounds>,
    /// TCP: the segment length the IP lengths give (`tcp.len`), even when the capture cut it.
    pub tcp_len: Option<u32>,
    /// The header decoded but holds an impossible value: it is kept, and the walk stops.
    /// Boxed: it is rare, and every layer's result is moved through the loop.
    pub problem: Option<Box<StopReason>>,
    /// A header that lies about a length: what tshark says about it (the walk goes on
    /// as the parser's `next` says).
    pub note: Option<Box<Note>>,
}

impl<'a> Parsed<'a> {
    pub fn new(header: super::Header<'a>, len: usize, next: Next) -> Self {
        Parsed {
            header,
            len,
            next,
            bounds: None,
            tcp_len: None,
            problem: None,
            note: None,
        }
    }

    /// Adds what tshark says about a lying length field.
    pub fn with_note(mut self, note: Note) -> Self {
        self.note = Some(Box::new(note));
        self
    }
}

/// Why a parser could not decode its header.
#[derive(Debug)]
pub(super) enum Failed {
    /// The header needs this many bytes.
    Truncated { layer: &'static str, needed: usize },
    /// A field holds an impossible value, or the protocol is not decoded.
    Invalid {
        layer: &'static str,
        reason: Box<StopReason>,
    },
}

pub(super) type ParseResult<'a> = Result<Parsed<'a>, Failed>;

/// Walks `packet`'s layers from `at`, starting with `next`, until the payload, an
/// unknown protocol, or a header that cannot be decoded.
pub(super) fn walk(packet: &mut Packet<'_>, mut next: Next, mut at: usize) {
    let mut ip = packet.net_end.map(|end| IpBounds {
        end,
        claimed_end: end,
    });
    let frame_len = (packet.orig_len as usize).max(packet.data.len());
    loop {
        let cursor = Cursor {
            data: packet.data,
            at,
            ip,
            frame_len,
        };
        let parsed = match next {
            Next::Link(link) => match link {
                LinkType::ETHERNET => link::ethernet(&cursor),
                LinkType::NULL => link::null(&cursor),
                LinkType::LINUX_SLL => link::sll(&cursor),
                LinkType::LINUX_SLL2 => link::sll2(&cursor),
                LinkType::RAW | LinkType::IPV4 | LinkType::IPV6 => {
                    next = Next::IpVersion;
                    continue;
                }
                other => Err(Failed::Invalid {
                    layer: "frame",
                    reason: Box::new(StopReason::UnsupportedLinkType(other)),
                }),
            },
            Next::IpVersion => match net::ip_version(&cursor) {
                Ok(ether_type) => {
                    next = Next::Ether(ether_type);
                    continue;
                }
                Err(failed) => Err(failed),
            },
            Next::Ether(ether_type) => match ether_type {
                ETHERTYPE_IPV4 => net::ipv4(&cursor),
                ETHERTYPE_IPV6 => net::ipv6(&cursor),
                ETHERTYPE_ARP => net::arp(&cursor),
                ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_OLD => link::vlan(&cursor),
                ETHERTYPE_LLDP => llc::lldp(&cursor),
                tunnel::ETHERTYPE_MPLS | tunnel::ETHERTYPE_MPLS_MULTICAST => tunnel::mpls(&cursor),
                tunnel::ETHERTYPE_TEB => link::ethernet(&cursor),
                // Unknown types leave the rest as undissected data.
                _ => {
                    packet.payload = Some((at, packet.data.len().saturating_sub(at)));
                    return;
                }
            },
            Next::Ip(protocol) => match protocol {
                IpNumber::TCP => transport::tcp(&cursor),
                IpNumber::UDP => transport::udp(&cursor),
                IpNumber::ICMP => transport::icmpv4(&cursor),
                IpNumber::IPV6_ICMP => transport::icmpv6(&cursor),
                IpNumber::IPV6_HEADER_HOP_BY_HOP
                | IpNumber::IPV6_ROUTE_HEADER
                | IpNumber::IPV6_DESTINATION_OPTIONS => net::ipv6_extension(&cursor, protocol),
                IpNumber::IPV6_FRAGMENTATION_HEADER => net::ipv6_fragment(&cursor),
                // IP in IP (4in4, 4in6) and IPv6 in IP (6in4, 6in6), and GRE.
                IpNumber::IPV4 => net::ipv4(&cursor),
                IpNumber::IPV6 => net::ipv6(&cursor),
                IpNumber::GRE => tunnel::gre(&cursor),
                _ => {
                    packet.payload = Some((at, cursor.ip_end().saturating_sub(at)));
                    return;
                }
            },
            Next::Payload(len) => {
                packet.payload = Some((at, len));
                return;
            }
            Next::Fragment => {
                packet.fragment = true;
                packet.payload = Some((at, cursor.ip_end().saturating_sub(at)));
                return;
            }
            Next::Done => return,
            Next::Llc => llc::llc(&cursor),
            Next::Stp => llc::stp(&cursor),
            Next::Cdp => llc::cdp(&cursor),
            Next::Vxlan => tunnel::vxlan(&cursor),
            Next::Geneve => tunnel::geneve(&cursor),
        };
        // Read the result in place: moving the whole struct out costs more than the walk.
        let parsed = match &parsed {
            Ok(parsed) => parsed,
            Err(Failed::Truncated { layer, needed }) => {
                return packet.truncated(at, layer, *needed)
            }
            Err(Failed::Invalid { layer, reason }) => {
                return packet.stop_at(at, layer, StopReason::clone(reason))
            }
        };
        if !packet.push(parsed.header.clone(), at, parsed.len) {
            return;
        }
        if let Some(note) = &parsed.note {
            let mut note = Note::clone(note);
            note.layer = packet.layers.len() - 1;
            packet.notes.push(note);
        }
        let after = at + parsed.len;
        if let Some(reason) = &parsed.problem {
            // The header stays decoded (and its payload, if it said where that is).
            if let Next::Payload(len) = parsed.next {
                packet.payload = Some((after, len));
            }
            let layer = parsed.header.name();
            return packet.stop_at(at, layer, StopReason::clone(reason));
        }
        if let Some(bounds) = parsed.bounds {
            packet.net_end = Some(bounds.end);
            ip = Some(bounds);
        }
        if parsed.tcp_len.is_some() {
            packet.tcp_len = parsed.tcp_len;
        }
        next = parsed.next;
        at = after;
    }
}
