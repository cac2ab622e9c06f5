//! The packet list's columns, Wireshark style: No., Time, Source, Destination, Protocol,
//! Length, Info. Built from a [`Dissection`] alone, so the same text feeds the list, the
//! text search and any predicate that replaces it.

use std::fmt::Write as _;
use std::net::Ipv6Addr;

use crate::analysis::AnalysisFlag;
use crate::decode::{Header, Packet};
use crate::dissect::{ip_addresses, Dissection};

/// One row of the packet list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    pub number: u64,
    /// Seconds since the first packet, 6 decimals.
    pub time: String,
    pub source: String,
    pub destination: String,
    pub protocol: String,
    pub length: u32,
    pub info: String,
}

impl Row {
    /// Everything the text search looks at, in column order.
    pub fn text(&self) -> String {
        format!(
            "{} {} {} {} {} {} {}",
            self.number,
            self.time,
            self.source,
            self.destination,
            self.protocol,
            self.length,
            self.info
        )
    }
}

/// Builds the row of one packet.
pub fn row(d: &Dissection<'_>) -> Row {
    let p = &d.packet;
    let rel = d.info.relative_ns;
    let time = format!(
        "{}{}.{:06}",
        if rel < 0 { "-" } else { "" },
        rel.unsigned_abs() / 1_000_000_000,
        (rel.unsigned_abs() % 1_000_000_000) / 1_000
    );
    let (source, destination) = addresses(p);
    // The Protocol and Info columns as tshark writes them, computed once by the pipeline;
    // a packet it has no text for keeps the decoder's own summary.
    let (column_protocol, column_info) = d.columns();
    Row {
        number: d.info.number,
        time,
        source,
        destination,
        protocol: if column_protocol.is_empty() {
            protocol(p).to_string()
        } else {
            column_protocol.to_string()
        },
        length: p.orig_len,
        info: if column_info.is_empty() {
            info(d)
        } else {
            column_info.to_string()
        },
    }
}

/// The row with names resolved, as the `R` toggle shows it (tshark's `-N mtd`): Source and
/// Destination by learned host name or MAC vendor, and the ports of a plain TCP/UDP Info
/// by service name (`http(80)`).
pub fn row_resolved(d: &Dissection<'_>, hosts: &crate::names::HostTable) -> Row {
    let mut row = row(d);
    let (source, destination) = crate::names::address_columns(
        crate::names::Resolve::ALL,
        hosts,
        &d.packet,
        d.info.number,
        true,
    );
    row.source = source;
    row.destination = destination;
    // Only an Info the transport layer wrote alone is rewritten: application text and
    // reassembly notes stay as the pipeline made them.
    let (_, plain) = crate::dissect::columns::base(&d.packet, d.tcp.as_ref(), false);
    if row.info == plain {
        row.info = crate::dissect::columns::base(&d.packet, d.tcp.as_ref(), true).1;
    }
    row
}

fn mac(m: &[u8]) -> String {
    let mut s = String::with_capacity(17);
    for (i, b) in m.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

pub fn addresses(p: &Packet<'_>) -> (String, String) {
    if let Some((s, d)) = ip_addresses(p) {
        return (s.to_string(), d.to_string());
    }
    for layer in &p.layers {
        if let Header::Ethernet(eth) = &layer.header {
            return (mac(&eth.source()), mac(&eth.destination()));
        }
    }
    (String::new(), String::new())
}

pub fn protocol(p: &Packet<'_>) -> &'static str {
    match p.layers.last().map(|l| &l.header) {
        Some(Header::Tcp(_)) => "TCP",
        Some(Header::Udp(_)) => "UDP",
        Some(Header::Icmpv4(_)) => "ICMP",
        Some(Header::Icmpv6(_)) => "ICMPv6",
        Some(Header::Arp(_)) => "ARP",
        Some(Header::Ipv4(_)) => "IPv4",
        Some(Header::Ipv6(_) | Header::Ipv6Ext { .. }) => "IPv6",
        Some(Header::Vlan(_)) => "VLAN",
        Some(Header::Ethernet(_)) => "Ethernet",
        Some(Header::Sll(_) | Header::Sll2(_)) => "SLL",
        Some(Header::Null { .. }) => "Null",
        // The layers tshark names in capitals in its Protocol column (STP, GRE, MPLS…).
        Some(other) => crate::dissect::columns::layer_protocol(other),
        None => "Frame",
    }
}

/// The Info column.
pub fn info(d: &Dissection<'_>) -> String {
    let p = &d.packet;
    let mut out = String::new();
    match p.layers.last().map(|l| &l.header) {
        Some(Header::Tcp(_)) => tcp_info(d, &mut out),
        Some(Header::Udp(udp)) => {
            let len = udp.length().saturating_sub(8);
            let _ = write!(
                out,
                "{} → {} Len={len}",
                udp.source_port(),
                udp.destination_port()
            );
        }
        Some(Header::Arp(arp)) => arp_info(arp.slice(), &mut out),
        Some(Header::Icmpv4(icmp)) => {
            let ttl = p.ipv4().map_or(0, |ip| ip.ttl());
            icmp_info(icmp.slice(), ttl, &mut out);
        }
        Some(Header::Icmpv6(icmp)) => icmpv6_info(icmp.slice(), &mut out),
        _ => {
            let mut line = Vec::new();
            crate::headless::write_summary(p, None, &mut line);
            out.push_str(&String::from_utf8_lossy(&line));
        }
    }
    if let Some(stop) = &p.stop {
        let _ = write!(
            out,
            " [{}]",
            if stop.is_malformed() {
                "Malformed Packet"
            } else {
                "Packet size limited during capture"
            }
        );
    }
    out
}

fn tcp_info(d: &Dissection<'_>, out: &mut String) {
    let Some(tcp) = d.packet.tcp() else { return };
    if let Some(facts) = &d.tcp {
        for flag in facts.flags.iter() {
            // tshark shows the specific retransmission kind only, and no tag for the
            // generic flags that have no Info text.
            let shadowed = flag == AnalysisFlag::Retransmission
                && (facts.flags.contains(AnalysisFlag::FastRetransmission)
                    || facts.flags.contains(AnalysisFlag::SpuriousRetransmission));
            if !shadowed {
                let _ = write!(out, "[{}] ", flag.info_tag());
            }
        }
    }
    let _ = write!(
        out,
        "{} → {} [{}]",
        tcp.source_port(),
        tcp.destination_port(),
        tcp_flag_names(&tcp)
    );
    let (seq, ack, win) = match &d.tcp {
        Some(f) => (f.seq_rel, f.ack_rel, f.window_size),
        None => (
            tcp.sequence_number(),
            tcp.acknowledgment_number(),
            u64::from(tcp.window_size()),
        ),
    };
    let _ = write!(out, " Seq={seq}");
    if tcp.ack() {
        let _ = write!(out, " Ack={ack}");
    }
    let len = d.packet.tcp_len.unwrap_or(0);
    let _ = write!(out, " Win={win} Len={len}");
    tcp_options(tcp.slice().get(20..usize::from(tcp.data_offset()) * 4), out);
}

/// `SYN, ACK` — the flag names in Wireshark's order.
/// The flags as Wireshark's Info column writes them (one vocabulary with the ladders).
pub fn tcp_flag_names(tcp: &etherparse::TcpHeaderSlice<'_>) -> String {
    crate::teach::ladder::flag_names(tcp)
}

fn tcp_options(options: Option<&[u8]>, out: &mut String) {
    use etherparse::{TcpOptionElement as O, TcpOptionsIterator};
    let Some(options) = options else { return };
    for opt in TcpOptionsIterator::from_slice(options).flatten() {
        match opt {
            O::MaximumSegmentSize(mss) => {
                let _ = write!(out, " MSS={mss}");
            }
            O::WindowScale(shift) => {
                let _ = write!(out, " WS={}", 1u32 << shift.min(14));
            }
            O::SelectiveAcknowledgementPermitted => out.push_str(" SACK_PERM"),
            O::Timestamp(val, ecr) => {
                let _ = write!(out, " TSval={val} TSecr={ecr}");
            }
            O::SelectiveAcknowledgement(first, rest) => {
                for (l, r) in std::iter::once(first).chain(rest.into_iter().flatten()) {
                    let _ = write!(out, " SLE={l} SRE={r}");
                }
            }
            O::Noop => {}
        }
    }
}

fn ipv4(b: &[u8]) -> String {
    match b {
        [a, b, c, d] => format!("{a}.{b}.{c}.{d}"),
        _ => mac(b),
    }
}

/// `Who has 192.168.0.1? Tell 192.168.0.114` / `192.168.0.1 is at 00:11:…`.
fn arp_info(s: &[u8], out: &mut String) {
    let (Some(&hlen), Some(&plen)) = (s.get(4), s.get(5)) else {
        return;
    };
    let (h, p) = (usize::from(hlen), usize::from(plen));
    let op = s.get(6..8).map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
    let sha = s.get(8..8 + h).unwrap_or(&[]);
    let spa = s.get(8 + h..8 + h + p).unwrap_or(&[]);
    let tpa = s.get(8 + 2 * h + p..8 + 2 * h + 2 * p).unwrap_or(&[]);
    let _ = match op {
        1 if spa == tpa => write!(out, "Gratuitous ARP for {} (Request)", ipv4(spa)),
        1 => write!(out, "Who has {}? Tell {}", ipv4(tpa), ipv4(spa)),
        2 => write!(out, "{} is at {}", ipv4(spa), mac(sha)),
        other => write!(out, "ARP opcode {other}"),
    };
}

fn echo_ids(s: &[u8]) -> (u16, u16) {
    let id = s.get(4..6).map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
    let seq = s.get(6..8).map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
    (id, seq)
}

fn icmp_info(s: &[u8], ttl: u8, out: &mut String) {
    let (ty, code) = (
        s.first().copied().unwrap_or(0),
        s.get(1).copied().unwrap_or(0),
    );
    let (id, seq) = echo_ids(s);
    let echo = |out: &mut String, what: &str| {
        let _ = write!(
            out,
            "Echo (ping) {what}  id=0x{id:04x}, seq={seq}/{}, ttl={ttl}",
            seq.swap_bytes()
        );
    };
    match ty {
        8 => echo(out, "request"),
        0 => echo(out, "reply"),
        3 => {
            let why = match code {
                0 => "Network unreachable",
                1 => "Host unreachable",
                2 => "Protocol unreachable",
                3 => "Port unreachable",
                4 => "Fragmentation needed",
                _ => "Unreachable",
            };
            let _ = write!(out, "Destination unreachable ({why})");
        }
        11 => out.push_str("Time-to-live exceeded"),
        5 => out.push_str("Redirect"),
        _ => {
            let _ = write!(out, "Type {ty}, code {code}");
        }
    }
}

fn icmpv6_info(s: &[u8], out: &mut String) {
    let ty = s.first().copied().unwrap_or(0);
    let target = s
        .get(8..24)
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .map(Ipv6Addr::from);
    let (id, seq) = echo_ids(s);
    let _ = match (ty, target) {
        (128, _) => write!(out, "Echo (ping) request id=0x{id:04x}, seq={seq}"),
        (129, _) => write!(out, "Echo (ping) reply id=0x{id:04x}, seq={seq}"),
        (133, _) => write!(out, "Router Solicitation"),
        (134, _) => write!(out, "Router Advertisement"),
        (135, Some(t)) => write!(out, "Neighbor Solicitation for {t}"),
        (136, Some(t)) => write!(out, "Neighbor Advertisement {t}"),
        (1, _) => write!(out, "Destination Unreachable"),
        (3, _) => write!(out, "Time Exceeded"),
        (ty, _) => write!(out, "ICMPv6 type {ty}"),
    };
}
