//! tshark's Protocol and Info columns for the link, network and transport layers (the
//! application stage in `app.rs` overrides them when a PDU above TCP/UDP is decoded).
//! Text exactly as tshark 4.0 writes it, so `-e _ws.col.Info` and the UI's rows agree with
//! Wireshark cell for cell.

use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

use etherparse::{TcpOptionElement, TcpOptionsIterator};

use crate::analysis::{AnalysisFlag, TcpFacts};
use crate::decode::app::be_u16;
use crate::decode::{Cut, Header, Packet};
use crate::names::{write_port, Transport};

/// The tags tshark prepends to a TCP segment's Info, in the order they appear. tshark
/// prepends each in this code order (retransmission first), so the last one ends up first.
const TAG_ORDER: [AnalysisFlag; 15] = [
    AnalysisFlag::Retransmission,
    AnalysisFlag::LostSegment,
    AnalysisFlag::AckLostSegment,
    AnalysisFlag::KeepAlive,
    AnalysisFlag::WindowUpdate,
    AnalysisFlag::WindowFull,
    AnalysisFlag::KeepAliveAck,
    AnalysisFlag::DuplicateAck,
    AnalysisFlag::ZeroWindowProbe,
    AnalysisFlag::ZeroWindow,
    AnalysisFlag::ZeroWindowProbeAck,
    AnalysisFlag::SpuriousRetransmission,
    AnalysisFlag::FastRetransmission,
    AnalysisFlag::OutOfOrder,
    AnalysisFlag::ReusedPorts,
];

/// Protocol and Info of the innermost decoded layer below the application. `ports`: name
/// the ports as tshark's `-N t` does (`http(80)`).
pub fn base(packet: &Packet<'_>, tcp: Option<&TcpFacts>, ports: bool) -> (&'static str, String) {
    // Room for a TCP line with options: grown from empty it was reallocated four times.
    let mut info = String::with_capacity(128);
    let protocol = match packet.layers.last().map(|l| &l.header) {
        Some(Header::Tcp(_)) => {
            tcp_info(packet, tcp, ports, &mut info);
            "TCP"
        }
        Some(Header::Udp(udp)) => {
            udp_info(udp, note_info(packet), ports, &mut info);
            "UDP"
        }
        Some(Header::Cut { kind, bytes }) => {
            cut_info(*kind, bytes, &mut info);
            if let Some(text) = note_info(packet) {
                info.push_str(text);
            }
            layer_protocol(&Header::Cut { kind: *kind, bytes })
        }
        Some(Header::Arp(arp)) => {
            arp_info(arp.slice(), &mut info);
            "ARP"
        }
        Some(Header::Icmpv4(icmp)) => {
            let ttl = packet.ipv4().map_or(0, |ip| ip.ttl());
            icmp_info(icmp.slice(), ttl, &mut info);
            "ICMP"
        }
        Some(Header::Icmpv6(icmp)) => {
            let hlim = packet.ipv6().map_or(0, |ip| ip.hop_limit());
            icmpv6_info(icmp.slice(), hlim, &mut info);
            "ICMPv6"
        }
        Some(Header::Ipv4(ip)) => {
            if packet.fragment {
                let proto = ip.protocol();
                let _ = write!(
                    info,
                    "Fragmented IP protocol (proto={} {}, off={}, ID={:04x})",
                    ip_proto_name(proto.0),
                    proto.0,
                    u32::from(ip.fragments_offset().value()) * 8,
                    ip.identification()
                );
            }
            "IPv4"
        }
        Some(Header::Ipv6(_) | Header::Ipv6Ext { .. }) => {
            ipv6_fragment_info(packet, &mut info);
            "IPv6"
        }
        Some(Header::Stp(bpdu)) => {
            super::wire_columns::stp_info(bpdu, &mut info);
            "STP"
        }
        Some(Header::Lldp(lldpdu)) => {
            super::wire_columns::lldp_info(lldpdu, &mut info);
            "LLDP"
        }
        Some(Header::Cdp(message)) => {
            super::wire_columns::cdp_info(message, &mut info);
            "CDP"
        }
        Some(other @ (Header::Llc(_) | Header::Gre(_) | Header::Vxlan(_))) => layer_protocol(other),
        Some(other @ (Header::Geneve(_) | Header::Mpls(_))) => layer_protocol(other),
        Some(Header::Vlan(_)) => "VLAN",
        Some(Header::Ethernet(_)) => "Ethernet",
        Some(Header::Sll(_) | Header::Sll2(_)) => "SLL",
        Some(Header::Null { .. }) => "NULL",
        None => {
            if !packet.link.is_decoded() {
                let _ = write!(info, "link type {} not decoded", packet.link);
            }
            "Frame"
        }
    };
    if let Some(stop) = &packet.stop {
        // tshark appends these with no separator: `40100 → 80[Malformed Packet]`.
        info.push_str(if stop.is_malformed() {
            "[Malformed Packet]"
        } else {
            "[Packet size limited during capture]"
        });
    }
    (protocol, info)
}

/// `1060 → domain(53) Len=31` (ports named when `ports`).
pub fn udp_info(
    udp: &etherparse::UdpHeaderSlice<'_>,
    note: Option<&str>,
    ports: bool,
    out: &mut String,
) {
    let _ = write_port(out, Transport::Udp, udp.source_port(), ports);
    out.push_str(" → ");
    let _ = write_port(out, Transport::Udp, udp.destination_port(), ports);
    // A lying length: tshark's bracketed words, and no payload length under 8.
    if let Some(text) = note {
        let _ = write!(out, " {text}");
    }
    if udp.length() >= 8 {
        let _ = write!(out, " Len={}", udp.length() - 8);
    }
}

/// `IPv6 fragment (off=0 more=y ident=0x00001234 nxt=17)` for a fragment.
fn ipv6_fragment_info(packet: &Packet<'_>, out: &mut String) {
    if !packet.fragment {
        return;
    }
    let fragment = packet.layers.iter().find_map(|l| match &l.header {
        Header::Ipv6Ext { kind, slice } if kind.0 == 44 => Some(*slice),
        _ => None,
    });
    let Some(f) = fragment else { return };
    let (Some(&nxt), Some(word), Some(ident)) =
        (f.first(), be_u16(f, 2), crate::decode::app::be_u32(f, 4))
    else {
        return;
    };
    let _ = write!(
        out,
        "IPv6 fragment (off={} more={} ident=0x{ident:08x} nxt={nxt})",
        word & 0xfff8,
        if word & 1 != 0 { "y" } else { "n" }
    );
}

/// `[TCP Retransmission] 1048 → 1043 [PSH, ACK] Seq=1 Ack=1 Win=8760 Len=648 MSS=1460 …`.
pub fn tcp_info(packet: &Packet<'_>, facts: Option<&TcpFacts>, ports: bool, out: &mut String) {
    let Some(tcp) = packet.tcp() else { return };
    if let Some(facts) = facts {
        for flag in TAG_ORDER.iter().rev() {
            if !facts.flags.contains(*flag) {
                continue;
            }
            // tshark marks a fast or spurious retransmission with that tag only.
            let shadowed = *flag == AnalysisFlag::Retransmission
                && (facts.flags.contains(AnalysisFlag::FastRetransmission)
                    || facts.flags.contains(AnalysisFlag::SpuriousRetransmission));
            if shadowed {
                continue;
            }
            if *flag == AnalysisFlag::DuplicateAck {
                let _ = write!(
                    out,
                    "[TCP Dup ACK {}#{}] ",
                    facts.dup_ack_frame, facts.dup_ack_num
                );
            } else {
                let _ = write!(out, "[{}] ", flag.info_tag());
            }
        }
    }
    let _ = write_port(out, Transport::Tcp, tcp.source_port(), ports);
    out.push_str(" → ");
    let _ = write_port(out, Transport::Tcp, tcp.destination_port(), ports);
    out.push_str(" [");
    write_flag_names(&tcp, out);
    out.push(']');
    let (seq, ack, win) = match facts {
        Some(f) => (f.seq_rel, f.ack_rel, f.window_size),
        None => (
            tcp.sequence_number(),
            tcp.acknowledgment_number(),
            u64::from(tcp.window_size()),
        ),
    };
    // Numbers through itoa: every TCP packet's Info has four or more.
    let mut digits = itoa::Buffer::new();
    out.push_str(" Seq=");
    out.push_str(digits.format(seq));
    if tcp.ack() {
        out.push_str(" Ack=");
        out.push_str(digits.format(ack));
    }
    out.push_str(" Win=");
    out.push_str(digits.format(win));
    if tcp.urg() {
        out.push_str(" Urg=");
        out.push_str(digits.format(tcp.urgent_pointer()));
    }
    out.push_str(" Len=");
    out.push_str(digits.format(packet.tcp_len.unwrap_or(0)));
    // SACK edges are shown relative to the acknowledged direction's first sequence number.
    let ack_base = facts.map_or(0, |f| tcp.acknowledgment_number().wrapping_sub(f.ack_rel));
    let options = tcp
        .slice()
        .get(20..usize::from(tcp.data_offset()) * 4)
        .unwrap_or(&[]);
    for option in TcpOptionsIterator::from_slice(options) {
        let Ok(option) = option else { break };
        match option {
            TcpOptionElement::MaximumSegmentSize(mss) => {
                let _ = write!(out, " MSS={mss}");
            }
            TcpOptionElement::WindowScale(shift) => {
                let _ = write!(out, " WS={}", 1u32 << shift.min(14));
            }
            TcpOptionElement::SelectiveAcknowledgementPermitted => out.push_str(" SACK_PERM"),
            TcpOptionElement::Timestamp(val, ecr) => {
                out.push_str(" TSval=");
                out.push_str(digits.format(val));
                out.push_str(" TSecr=");
                out.push_str(digits.format(ecr));
            }
            TcpOptionElement::SelectiveAcknowledgement(first, rest) => {
                for (l, r) in std::iter::once(first).chain(rest.into_iter().flatten()) {
                    let _ = write!(
                        out,
                        " SLE={} SRE={}",
                        l.wrapping_sub(ack_base),
                        r.wrapping_sub(ack_base)
                    );
                }
            }
            TcpOptionElement::Noop => {}
        }
    }
}

/// `SYN, ACK`: the set flags in tshark's order, `<None>` when none is (the one spelling
/// of the flags: the Info column, the ladders and the packet list use it).
pub fn flag_names(tcp: &etherparse::TcpHeaderSlice<'_>) -> String {
    let mut out = String::new();
    write_flag_names(tcp, &mut out);
    out
}

/// [`flag_names`] appended to `out`.
pub fn write_flag_names(tcp: &etherparse::TcpHeaderSlice<'_>, out: &mut String) {
    let names = [
        (tcp.fin(), "FIN"),
        (tcp.syn(), "SYN"),
        (tcp.rst(), "RST"),
        (tcp.psh(), "PSH"),
        (tcp.ack(), "ACK"),
        (tcp.urg(), "URG"),
        (tcp.ece(), "ECE"),
        (tcp.cwr(), "CWR"),
        (tcp.ns(), "AE"),
    ];
    let mut any = false;
    for (_, name) in names.iter().filter(|(on, _)| *on) {
        if any {
            out.push_str(", ");
        }
        out.push_str(name);
        any = true;
    }
    if !any {
        out.push_str("<None>");
    }
}

fn mac(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn ipv4(b: &[u8]) -> String {
    match <[u8; 4]>::try_from(b) {
        Ok(a) => Ipv4Addr::from(a).to_string(),
        Err(_) => mac(b),
    }
}

/// `Who has 192.168.0.1? Tell 192.168.0.114` / `192.168.0.1 is at 00:13:46:0b:22:ba`.
fn arp_info(s: &[u8], out: &mut String) {
    let (Some(&hlen), Some(&plen)) = (s.get(4), s.get(5)) else {
        return;
    };
    let (h, p) = (usize::from(hlen), usize::from(plen));
    let op = be_u16(s, 6).unwrap_or(0);
    let sha = s.get(8..8 + h).unwrap_or(&[]);
    let spa = s.get(8 + h..8 + h + p).unwrap_or(&[]);
    let tpa = s.get(8 + 2 * h + p..8 + 2 * h + 2 * p).unwrap_or(&[]);
    let _ = match op {
        1 if spa == tpa => write!(out, "Gratuitous ARP for {} (Request)", ipv4(spa)),
        1 => write!(out, "Who has {}? Tell {}", ipv4(tpa), ipv4(spa)),
        2 if spa == tpa => write!(out, "Gratuitous ARP for {} (Reply)", ipv4(spa)),
        2 => write!(out, "{} is at {}", ipv4(spa), mac(sha)),
        other => write!(out, "Unknown ARP opcode 0x{other:04x}"),
    };
}

fn echo_ids(s: &[u8]) -> (u16, u16) {
    let id = be_u16(s, 4).unwrap_or(0);
    let seq = be_u16(s, 6).unwrap_or(0);
    (id, seq)
}

pub fn icmp_info(s: &[u8], ttl: u8, out: &mut String) {
    let (ty, code) = (
        s.first().copied().unwrap_or(0),
        s.get(1).copied().unwrap_or(0),
    );
    let (id, seq) = echo_ids(s);
    let mut echo = |what: &str| {
        let _ = write!(
            out,
            "{what:<20} id=0x{id:04x}, seq={seq}/{}, ttl={ttl}",
            seq.swap_bytes()
        );
    };
    match ty {
        8 => echo("Echo (ping) request"),
        0 => echo("Echo (ping) reply"),
        3 => {
            let why = match code {
                0 => "Network unreachable",
                1 => "Host unreachable",
                2 => "Protocol unreachable",
                3 => "Port unreachable",
                4 => "Fragmentation needed",
                5 => "Source route failed",
                6 => "Destination network unknown",
                7 => "Destination host unknown",
                9 => "Network administratively prohibited",
                10 => "Host administratively prohibited",
                13 => "Communication administratively filtered",
                _ => "Unknown code",
            };
            let _ = write!(out, "Destination unreachable ({why})");
        }
        11 => {
            let why = if code == 0 {
                "Time to live exceeded in transit"
            } else {
                "Fragment reassembly time exceeded"
            };
            let _ = write!(out, "Time-to-live exceeded ({why})");
        }
        5 => out.push_str("Redirect"),
        13 => out.push_str("Timestamp request"),
        14 => out.push_str("Timestamp reply"),
        _ => {
            let _ = write!(out, "Unknown ICMP (obsolete or malformed?)");
        }
    }
}

/// The link-layer address option (type 1 source, 2 target) of an ND message.
fn nd_link_address(options: &[u8], kind: u8) -> Option<String> {
    let mut at = 0usize;
    while let (Some(&t), Some(&len)) = (options.get(at), options.get(at + 1)) {
        let bytes = usize::from(len) * 8;
        if bytes == 0 {
            return None;
        }
        if t == kind {
            return options.get(at + 2..at + 8).map(mac);
        }
        at += bytes;
    }
    None
}

fn icmpv6_info(s: &[u8], hlim: u8, out: &mut String) {
    let ty = s.first().copied().unwrap_or(0);
    let code = s.get(1).copied().unwrap_or(0);
    let target = s
        .get(8..24)
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .map(Ipv6Addr::from);
    let (id, seq) = echo_ids(s);
    match (ty, target) {
        (128, _) => {
            let _ = write!(
                out,
                "Echo (ping) request id=0x{id:04x}, seq={seq}, hop limit={hlim}"
            );
        }
        (129, _) => {
            let _ = write!(
                out,
                "Echo (ping) reply id=0x{id:04x}, seq={seq}, hop limit={hlim}"
            );
        }
        (133, _) => {
            out.push_str("Router Solicitation");
            if let Some(m) = nd_link_address(s.get(8..).unwrap_or(&[]), 1) {
                let _ = write!(out, " from {m}");
            }
        }
        (134, _) => {
            out.push_str("Router Advertisement");
            if let Some(m) = nd_link_address(s.get(16..).unwrap_or(&[]), 1) {
                let _ = write!(out, " from {m}");
            }
        }
        (135, Some(t)) => {
            let _ = write!(out, "Neighbor Solicitation for {t}");
            if let Some(m) = nd_link_address(s.get(24..).unwrap_or(&[]), 1) {
                let _ = write!(out, " from {m}");
            }
        }
        (136, Some(t)) => {
            let _ = write!(out, "Neighbor Advertisement {t}");
            let flags = s.get(4).copied().unwrap_or(0);
            let names: Vec<&str> = [(0x80, "rtr"), (0x40, "sol"), (0x20, "ovr")]
                .iter()
                .filter(|(bit, _)| flags & bit != 0)
                .map(|(_, n)| *n)
                .collect();
            if !names.is_empty() {
                let _ = write!(out, " ({})", names.join(", "));
            }
            if let Some(m) = nd_link_address(s.get(24..).unwrap_or(&[]), 2) {
                let _ = write!(out, " is at {m}");
            }
        }
        (1, _) => {
            let why = match code {
                0 => "no route to destination",
                1 => "Administratively prohibited",
                3 => "Address unreachable",
                4 => "Port unreachable",
                _ => "Unknown code",
            };
            let _ = write!(out, "Destination Unreachable ({why})");
        }
        (2, _) => out.push_str("Packet Too Big"),
        (3, _) => out.push_str("Time Exceeded (hop limit exceeded in transit)"),
        (143, _) => out.push_str("Multicast Listener Report Message v2"),
        (ty, _) => {
            let _ = write!(out, "Unknown ICMPv6 type {ty}");
        }
    }
}

/// tshark's short names for IP protocol numbers (Info of fragments).
pub fn ip_proto_name(p: u8) -> &'static str {
    match p {
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPIP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        89 => "OSPF",
        132 => "SCTP",
        _ => "Unknown",
    }
}

/// The Info text of the innermost layer's note (a length that lies), if it has one.
fn note_info<'p>(packet: &'p Packet<'_>) -> Option<&'p str> {
    let last = packet.layers.len().checked_sub(1)?;
    packet
        .notes
        .iter()
        .find(|note| note.layer == last)
        .and_then(|note| note.info.as_deref())
}

/// What tshark's Info shows for a header it gave up on: the ports, and for a TCP header
/// whose fixed 20 bytes are there, its flags and raw numbers (no analysis ran on it).
fn cut_info(kind: Cut, bytes: &[u8], out: &mut String) {
    let word = |i: usize| be_u16(bytes, i);
    match kind {
        Cut::Ipv4 => {}
        Cut::Udp | Cut::Tcp => {
            let (Some(src), Some(dst)) = (word(0), word(2)) else {
                return;
            };
            let _ = write!(out, "{src} → {dst}");
            if kind == Cut::Udp {
                return;
            }
            // Read the fixed header as if its data offset were 5 (it lies).
            let Some(fixed) = bytes.get(..20) else { return };
            let mut copy = [0u8; 20];
            copy.copy_from_slice(fixed);
            copy[12] = 0x50 | (copy[12] & 0x0f);
            if let Ok(tcp) = etherparse::TcpHeaderSlice::from_slice(&copy) {
                let _ = write!(out, " [{}] Seq={}", flag_names(&tcp), tcp.sequence_number());
                if tcp.ack() {
                    let _ = write!(out, " Ack={}", tcp.acknowledgment_number());
                }
                let _ = write!(out, " Win={}", tcp.window_size());
            }
        }
    }
}

/// tshark's Protocol column name for the 802.3/LLC, bridge, tunnel and cut headers.
pub fn layer_protocol(header: &Header<'_>) -> &'static str {
    match header {
        Header::Llc(_) => "LLC",
        Header::Stp(_) => "STP",
        Header::Lldp(_) => "LLDP",
        Header::Cdp(_) => "CDP",
        Header::Gre(_) => "GRE",
        Header::Vxlan(_) => "VXLAN",
        Header::Geneve(_) => "Geneve",
        Header::Mpls(_) => "MPLS",
        Header::Cut {
            kind: Cut::Ipv4, ..
        } => "IPv4",
        Header::Cut { kind: Cut::Tcp, .. } => "TCP",
        Header::Cut { kind: Cut::Udp, .. } => "UDP",
        other => other.name(),
    }
}
