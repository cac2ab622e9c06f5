//! One line per packet in the style of `tcpdump -n`, written straight into a byte buffer
//! (this is the hot path of `sockeye -r big.pcap`).

use etherparse::{IpNumber, TcpOptionElement, TcpOptionsIterator};

use crate::decode::{tcp_flags, Header, Packet};

mod app_lines;
mod text;
mod wire_lines;

use text::{push_ipv4, push_ipv6, push_mac, push_u64};

/// Relative TCP numbers from the analysis, as tcpdump prints them by default.
#[derive(Debug, Clone, Copy)]
pub struct RelativeSeq {
    pub seq: u32,
    pub ack: u32,
    /// tcpdump prints raw numbers on the first segment of each direction (the SYN).
    pub first_in_direction: bool,
}

/// Appends the summary (everything after the timestamp) for `packet`.
pub fn write_summary(packet: &Packet<'_>, rel: Option<RelativeSeq>, out: &mut Vec<u8>) {
    if packet.layers.is_empty() && !packet.link.is_decoded() {
        out.extend_from_slice(b"[link type ");
        out.extend_from_slice(packet.link.to_string().as_bytes());
        out.extend_from_slice(b" not decoded] length ");
        push_u64(out, u64::from(packet.orig_len));
        return;
    }
    let mut wrote_net = false;
    // A tunnel: tcpdump prints each carrying header, then the innermost IP packet.
    let inner = packet
        .layers
        .iter()
        .rposition(|l| matches!(l.header, Header::Ipv4(_) | Header::Ipv6(_)))
        .unwrap_or(0);
    if inner > 1 {
        let mut text = String::new();
        wire_lines::outer(packet, inner, &mut text);
        out.extend_from_slice(text.as_bytes());
    }
    for layer in packet.layers.iter().skip(inner) {
        match &layer.header {
            Header::Arp(arp) => {
                write_arp(arp.slice(), out);
                write_stop(packet, out);
                return;
            }
            Header::Ipv4(ip) => {
                out.extend_from_slice(b"IP ");
                write_ip_endpoints(
                    packet,
                    |o, port| {
                        push_ipv4(
                            o,
                            if port.0 {
                                ip.source()
                            } else {
                                ip.destination()
                            },
                        )
                    },
                    out,
                );
                wrote_net = true;
                break;
            }
            Header::Ipv6(ip) => {
                out.extend_from_slice(b"IP6 ");
                write_ip_endpoints(
                    packet,
                    |o, port| {
                        push_ipv6(
                            o,
                            if port.0 {
                                ip.source()
                            } else {
                                ip.destination()
                            },
                        )
                    },
                    out,
                );
                wrote_net = true;
                break;
            }
            _ => {}
        }
    }
    if !wrote_net {
        write_link_only(packet, out);
    } else {
        write_transport(packet, rel, out);
    }
    write_stop(packet, out);
}

fn write_stop(packet: &Packet<'_>, out: &mut Vec<u8>) {
    // Length fields that lie, in tshark's words.
    for note in &packet.notes {
        out.extend_from_slice(if note.malformed {
            b" [malformed: "
        } else {
            b" ["
        });
        out.extend_from_slice(note.expert.as_bytes());
        out.push(b']');
    }
    if let Some(stop) = &packet.stop {
        out.extend_from_slice(if stop.is_malformed() {
            b" [malformed: "
        } else {
            b" [not decoded: "
        });
        out.extend_from_slice(stop.to_string().as_bytes());
        out.push(b']');
    }
}

/// Whether an endpoint is the source (`.0 == true`) or destination.
struct Side(bool);

fn write_ip_endpoints(packet: &Packet<'_>, addr: impl Fn(&mut Vec<u8>, Side), out: &mut Vec<u8>) {
    let ports = packet
        .tcp()
        .map(|t| (t.source_port(), t.destination_port()))
        .or_else(|| {
            packet
                .udp()
                .map(|u| (u.source_port(), u.destination_port()))
        });
    addr(out, Side(true));
    if let Some((sport, _)) = ports {
        out.push(b'.');
        push_u64(out, u64::from(sport));
    }
    out.extend_from_slice(b" > ");
    addr(out, Side(false));
    if let Some((_, dport)) = ports {
        out.push(b'.');
        push_u64(out, u64::from(dport));
    }
    out.extend_from_slice(b": ");
}

fn write_transport(packet: &Packet<'_>, rel: Option<RelativeSeq>, out: &mut Vec<u8>) {
    // The innermost one: a VXLAN packet's UDP carries the TCP segment this line is about.
    let transport = packet.layers.iter().rev().find(|l| {
        matches!(
            l.header,
            Header::Tcp(_) | Header::Udp(_) | Header::Icmpv4(_) | Header::Icmpv6(_)
        )
    });
    match transport.map(|l| &l.header) {
        Some(Header::Tcp(tcp)) => {
            let flags = tcp_flags(tcp);
            out.extend_from_slice(b"Flags [");
            for (bit, ch) in [
                (0x02, b'S'),
                (0x01, b'F'),
                (0x08, b'P'),
                (0x04, b'R'),
                (0x20, b'U'),
                (0x40, b'E'),
                (0x80, b'W'),
            ] {
                if flags & bit != 0 {
                    out.push(ch);
                }
            }
            if flags & 0x10 != 0 {
                out.push(b'.');
            }
            if flags & 0x0fff == 0 {
                out.extend_from_slice(b"none");
            }
            out.push(b']');
            let len = packet.tcp_len.unwrap_or(0);
            let (seq, ack) = match rel {
                Some(r) if !r.first_in_direction => (r.seq, r.ack),
                _ => (tcp.sequence_number(), tcp.acknowledgment_number()),
            };
            if len > 0 || flags & 0x07 != 0 {
                out.extend_from_slice(b", seq ");
                push_u64(out, u64::from(seq));
                if len > 0 {
                    out.push(b':');
                    push_u64(out, u64::from(seq.wrapping_add(len)));
                }
            }
            if flags & 0x10 != 0 {
                out.extend_from_slice(b", ack ");
                push_u64(out, u64::from(ack));
            }
            out.extend_from_slice(b", win ");
            push_u64(out, u64::from(tcp.window_size()));
            write_tcp_options(tcp.slice().get(20..).unwrap_or(&[]), out);
            out.extend_from_slice(b", length ");
            push_u64(out, u64::from(len));
            let payload = packet.payload_bytes();
            if !payload.is_empty() {
                let ports = (tcp.source_port(), tcp.destination_port());
                app_lines::tcp(ports, payload, out);
            }
        }
        Some(Header::Udp(udp)) => {
            let ports = (udp.source_port(), udp.destination_port());
            if !app_lines::udp(ports, packet.payload_bytes(), out) {
                out.extend_from_slice(b"UDP, length ");
                push_u64(out, u64::from(udp.length().saturating_sub(8)));
            }
        }
        Some(Header::Icmpv4(icmp)) => {
            out.extend_from_slice(b"ICMP ");
            let [id_hi, id_lo, seq_hi, seq_lo] = icmp.bytes5to8();
            let id_seq = |out: &mut Vec<u8>| {
                out.extend_from_slice(b", id ");
                push_u64(out, u64::from(u16::from_be_bytes([id_hi, id_lo])));
                out.extend_from_slice(b", seq ");
                push_u64(out, u64::from(u16::from_be_bytes([seq_hi, seq_lo])));
            };
            match (icmp.type_u8(), icmp.code_u8()) {
                (8, _) => {
                    out.extend_from_slice(b"echo request");
                    id_seq(out);
                }
                (0, _) => {
                    out.extend_from_slice(b"echo reply");
                    id_seq(out);
                }
                (3, 3) => out.extend_from_slice(b"port unreachable"),
                (3, code) => {
                    out.extend_from_slice(b"destination unreachable, code ");
                    push_u64(out, u64::from(code));
                }
                (11, _) => out.extend_from_slice(b"time exceeded in-transit"),
                (ty, code) => {
                    out.extend_from_slice(b"type ");
                    push_u64(out, u64::from(ty));
                    out.extend_from_slice(b", code ");
                    push_u64(out, u64::from(code));
                }
            }
            out.extend_from_slice(b", length ");
            push_u64(out, icmp.slice().len() as u64);
        }
        Some(Header::Icmpv6(icmp)) => {
            out.extend_from_slice(b"ICMP6, ");
            let name: &[u8] = match icmp.type_u8() {
                1 => b"destination unreachable",
                2 => b"packet too big",
                3 => b"time exceeded in-transit",
                128 => b"echo request",
                129 => b"echo reply",
                133 => b"router solicitation",
                134 => b"router advertisement",
                135 => b"neighbor solicitation",
                136 => b"neighbor advertisement",
                _ => b"type",
            };
            out.extend_from_slice(name);
            if name == b"type" {
                out.push(b' ');
                push_u64(out, u64::from(icmp.type_u8()));
            }
            if matches!(icmp.type_u8(), 135 | 136) {
                if let Some(target) = icmp
                    .payload()
                    .get(..16)
                    .and_then(|s| <[u8; 16]>::try_from(s).ok())
                {
                    out.extend_from_slice(if icmp.type_u8() == 135 {
                        b", who has "
                    } else {
                        b", tgt is "
                    });
                    push_ipv6(out, target);
                }
            }
            out.extend_from_slice(b", length ");
            push_u64(out, icmp.slice().len() as u64);
        }
        _ => {
            // No transport header: a fragment or an IP protocol sockeye does not decode.
            let proto = packet
                .ipv4()
                .map(|ip| ip.protocol())
                .or_else(|| packet.ipv6().map(|ip| ip.next_header()))
                .unwrap_or(IpNumber(255));
            if packet.fragment {
                out.extend_from_slice(b"fragment of ");
            }
            out.extend_from_slice(b"ip-proto-");
            push_u64(out, u64::from(proto.0));
            out.extend_from_slice(b", length ");
            push_u64(out, packet.payload.map_or(0, |(_, len)| len as u64));
        }
    }
}

fn write_tcp_options(options: &[u8], out: &mut Vec<u8>) {
    if options.is_empty() {
        return;
    }
    out.extend_from_slice(b", options [");
    let mut any = false;
    for (i, element) in TcpOptionsIterator::from_slice(options).enumerate() {
        any = true;
        if i > 0 {
            out.push(b',');
        }
        match element {
            Ok(TcpOptionElement::Noop) => out.extend_from_slice(b"nop"),
            Ok(TcpOptionElement::MaximumSegmentSize(mss)) => {
                out.extend_from_slice(b"mss ");
                push_u64(out, u64::from(mss));
            }
            Ok(TcpOptionElement::WindowScale(shift)) => {
                out.extend_from_slice(b"wscale ");
                push_u64(out, u64::from(shift));
            }
            Ok(TcpOptionElement::SelectiveAcknowledgementPermitted) => {
                out.extend_from_slice(b"sackOK")
            }
            Ok(TcpOptionElement::SelectiveAcknowledgement(first, rest)) => {
                out.extend_from_slice(b"sack ");
                let count = 1 + rest.iter().flatten().count();
                push_u64(out, count as u64);
                for (left, right) in std::iter::once(first).chain(rest.iter().flatten().copied()) {
                    out.extend_from_slice(b" {");
                    push_u64(out, u64::from(left));
                    out.push(b':');
                    push_u64(out, u64::from(right));
                    out.push(b'}');
                }
            }
            Ok(TcpOptionElement::Timestamp(tsval, tsecr)) => {
                out.extend_from_slice(b"TS val ");
                push_u64(out, u64::from(tsval));
                out.extend_from_slice(b" ecr ");
                push_u64(out, u64::from(tsecr));
            }
            Err(_) => {
                out.extend_from_slice(b"bad opts");
                break;
            }
        }
    }
    // The iterator stops silently at an end-of-list option; tcpdump names it.
    if ends_with_eol(options) {
        if any {
            out.push(b',');
        }
        out.extend_from_slice(b"eol");
    }
    out.push(b']');
}

/// Whether the option list reaches an end-of-list option (kind 0) by walking the lengths.
fn ends_with_eol(options: &[u8]) -> bool {
    let mut at = 0usize;
    while let Some(&kind) = options.get(at) {
        match kind {
            0 => return true,
            1 => at += 1,
            _ => match options.get(at + 1) {
                Some(&len) if len >= 2 => at += usize::from(len),
                _ => return false,
            },
        }
    }
    false
}

fn write_arp(bytes: &[u8], out: &mut Vec<u8>) {
    let field = |at: usize, len: usize| bytes.get(at..at + len);
    let op = field(6, 2).map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
    let ipv4 = |at| field(at, 4).and_then(|s| <[u8; 4]>::try_from(s).ok());
    let mac = |at| field(at, 6).and_then(|s| <[u8; 6]>::try_from(s).ok());
    out.extend_from_slice(b"ARP, ");
    match (op, ipv4(14), ipv4(24), mac(8)) {
        (1, Some(spa), Some(tpa), _) => {
            out.extend_from_slice(b"Request who-has ");
            push_ipv4(out, tpa);
            out.extend_from_slice(b" tell ");
            push_ipv4(out, spa);
        }
        (2, Some(spa), _, Some(sha)) => {
            out.extend_from_slice(b"Reply ");
            push_ipv4(out, spa);
            out.extend_from_slice(b" is-at ");
            push_mac(out, sha);
        }
        _ => {
            out.extend_from_slice(b"opcode ");
            push_u64(out, u64::from(op));
        }
    }
    out.extend_from_slice(b", length ");
    push_u64(out, bytes.len() as u64);
}

fn write_link_only(packet: &Packet<'_>, out: &mut Vec<u8>) {
    let mut text = String::new();
    if wire_lines::bridge(packet, &mut text) {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    match packet.layers.first().map(|l| &l.header) {
        Some(Header::Ethernet(eth)) => {
            push_mac(out, eth.source());
            out.extend_from_slice(b" > ");
            push_mac(out, eth.destination());
            out.extend_from_slice(b", ethertype 0x");
            let ty = eth.ether_type().0;
            for shift in [12, 8, 4, 0] {
                out.push(b"0123456789abcdef"[usize::from((ty >> shift) & 0xf)]);
            }
        }
        _ => out.extend_from_slice(packet.link.name().as_bytes()),
    }
    out.extend_from_slice(b", length ");
    push_u64(out, u64::from(packet.orig_len));
}
