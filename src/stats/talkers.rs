//! Who talked to whom, by address: the Ethernet / IPv4 / IPv6 conversations and the
//! Ethernet / IPv4 / IPv6 / TCP / UDP endpoints (Wireshark's Statistics → Conversations and
//! Endpoints). Each frame counts once per table, from its first header of that kind.

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::decode::Header;
use crate::dissect::Dissection;

/// Which address a table is keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrKind {
    Eth,
    Ipv4,
    Ipv6,
    /// IPv4 or IPv6 address with the TCP port.
    Tcp,
    /// IPv4 or IPv6 address with the UDP port.
    Udp,
}

impl AddrKind {
    /// Wireshark's table name (`IPv4 Conversations`, `TCP Endpoints`).
    pub fn title(self) -> &'static str {
        match self {
            AddrKind::Eth => "Ethernet",
            AddrKind::Ipv4 => "IPv4",
            AddrKind::Ipv6 => "IPv6",
            AddrKind::Tcp => "TCP",
            AddrKind::Udp => "UDP",
        }
    }

    pub fn has_port(self) -> bool {
        matches!(self, AddrKind::Tcp | AddrKind::Udp)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Addr {
    Mac([u8; 6]),
    V4(Ipv4Addr),
    V6(Ipv6Addr),
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Addr::Mac(m) => write!(
                f,
                "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                m[0], m[1], m[2], m[3], m[4], m[5]
            ),
            Addr::V4(a) => a.fmt(f),
            Addr::V6(a) => a.fmt(f),
        }
    }
}

/// An address, with a port for the TCP and UDP tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Talker {
    pub addr: Addr,
    pub port: Option<u16>,
}

/// The (source, destination) of a frame in the `kind` table, if it has such a header.
pub fn talkers(d: &Dissection<'_>, kind: AddrKind) -> Option<(Talker, Talker)> {
    let addr = |addr| Talker { addr, port: None };
    let ip = || {
        d.packet.layers.iter().find_map(|l| match &l.header {
            Header::Ipv4(ip) => Some((Addr::V4(ip.source_addr()), Addr::V4(ip.destination_addr()))),
            Header::Ipv6(ip) => Some((Addr::V6(ip.source_addr()), Addr::V6(ip.destination_addr()))),
            _ => None,
        })
    };
    let with_ports = |(src, dst): (Addr, Addr), (sp, dp): (u16, u16)| {
        (
            Talker {
                addr: src,
                port: Some(sp),
            },
            Talker {
                addr: dst,
                port: Some(dp),
            },
        )
    };
    d.packet
        .layers
        .iter()
        .find_map(|l| match (&l.header, kind) {
            (Header::Ethernet(eth), AddrKind::Eth) => Some((
                addr(Addr::Mac(eth.source())),
                addr(Addr::Mac(eth.destination())),
            )),
            (Header::Ipv4(ip), AddrKind::Ipv4) => Some((
                addr(Addr::V4(ip.source_addr())),
                addr(Addr::V4(ip.destination_addr())),
            )),
            (Header::Ipv6(ip), AddrKind::Ipv6) => Some((
                addr(Addr::V6(ip.source_addr())),
                addr(Addr::V6(ip.destination_addr())),
            )),
            (Header::Tcp(tcp), AddrKind::Tcp) => Some(with_ports(
                ip()?,
                (tcp.source_port(), tcp.destination_port()),
            )),
            (Header::Udp(udp), AddrKind::Udp) => Some(with_ports(
                ip()?,
                (udp.source_port(), udp.destination_port()),
            )),
            _ => None,
        })
}

/// Frames and bytes one endpoint sent and received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointStats {
    pub talker: Talker,
    pub tx_frames: u64,
    pub tx_bytes: u64,
    pub rx_frames: u64,
    pub rx_bytes: u64,
}

impl EndpointStats {
    pub fn frames(&self) -> u64 {
        self.tx_frames + self.rx_frames
    }

    pub fn bytes(&self) -> u64 {
        self.tx_bytes + self.rx_bytes
    }
}

/// The endpoints of one kind, in order of first appearance.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub kind: AddrKind,
    index: HashMap<Talker, usize>,
    rows: Vec<EndpointStats>,
}

impl Endpoints {
    pub fn new(kind: AddrKind) -> Self {
        Endpoints {
            kind,
            index: HashMap::new(),
            rows: Vec::new(),
        }
    }

    fn row(&mut self, talker: Talker) -> Option<&mut EndpointStats> {
        let at = *self.index.entry(talker).or_insert_with(|| {
            self.rows.push(EndpointStats {
                talker,
                tx_frames: 0,
                tx_bytes: 0,
                rx_frames: 0,
                rx_bytes: 0,
            });
            self.rows.len() - 1
        });
        self.rows.get_mut(at)
    }

    pub fn observe(&mut self, d: &Dissection<'_>) {
        let Some((src, dst)) = talkers(d, self.kind) else {
            return;
        };
        let len = u64::from(d.packet.orig_len);
        if let Some(row) = self.row(src) {
            row.tx_frames += 1;
            row.tx_bytes += len;
        }
        if let Some(row) = self.row(dst) {
            row.rx_frames += 1;
            row.rx_bytes += len;
        }
    }

    pub fn rows(&self) -> &[EndpointStats] {
        &self.rows
    }
}

/// Frames and bytes each way between two addresses. "A" sent the first frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub a: Talker,
    pub b: Talker,
    pub frames_a_to_b: u64,
    pub bytes_a_to_b: u64,
    pub frames_b_to_a: u64,
    pub bytes_b_to_a: u64,
    pub first_ns: i64,
    pub last_ns: i64,
}

impl Conversation {
    pub fn frames(&self) -> u64 {
        self.frames_a_to_b + self.frames_b_to_a
    }

    pub fn bytes(&self) -> u64 {
        self.bytes_a_to_b + self.bytes_b_to_a
    }
}

/// The conversations of one kind, in order of first appearance.
#[derive(Debug, Clone)]
pub struct Conversations {
    pub kind: AddrKind,
    index: HashMap<(Talker, Talker), usize>,
    rows: Vec<Conversation>,
}

impl Conversations {
    pub fn new(kind: AddrKind) -> Self {
        Conversations {
            kind,
            index: HashMap::new(),
            rows: Vec::new(),
        }
    }

    pub fn observe(&mut self, d: &Dissection<'_>) {
        let Some((src, dst)) = talkers(d, self.kind) else {
            return;
        };
        let ts = d.info.ts_ns;
        let len = u64::from(d.packet.orig_len);
        let key = if (src.addr, src.port) <= (dst.addr, dst.port) {
            (src, dst)
        } else {
            (dst, src)
        };
        let rows = &mut self.rows;
        let at = *self.index.entry(key).or_insert_with(|| {
            rows.push(Conversation {
                a: src,
                b: dst,
                frames_a_to_b: 0,
                bytes_a_to_b: 0,
                frames_b_to_a: 0,
                bytes_b_to_a: 0,
                first_ns: ts,
                last_ns: ts,
            });
            rows.len() - 1
        });
        let Some(row) = rows.get_mut(at) else {
            return;
        };
        if row.a == src {
            row.frames_a_to_b += 1;
            row.bytes_a_to_b += len;
        } else {
            row.frames_b_to_a += 1;
            row.bytes_b_to_a += len;
        }
        row.first_ns = row.first_ns.min(ts);
        row.last_ns = row.last_ns.max(ts);
    }

    pub fn rows(&self) -> &[Conversation] {
        &self.rows
    }
}
