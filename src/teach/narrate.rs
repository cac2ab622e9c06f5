//! One or two plain sentences about what a packet is and what its numbers mean: its place in
//! the conversation, the seq/ack arithmetic with the real numbers, and why any analysis
//! flag was set.

use std::fmt::Write as _;

use crate::analysis::tcp_flags::{ACK, FIN, RST, SYN};
use crate::analysis::{ConnState, Role};
use crate::decode::{tcp_flags, Header};
use crate::dissect::Dissection;

fn role(r: Role) -> &'static str {
    match r {
        Role::Client => "the client",
        Role::Server => "the server",
        Role::Unknown => "this side",
    }
}

fn ms(ns: i64) -> String {
    format!("{:.3} ms", ns as f64 / 1e6)
}

/// The narration for `d`.
pub fn narrate(d: &Dissection<'_>) -> String {
    let mut out = String::new();
    if let (Some(facts), Some(tcp)) = (&d.tcp, d.packet.tcp()) {
        let flags = tcp_flags(&tcp);
        let len = d.packet.tcp_len.unwrap_or(0);
        let endpoint = crate::dissect::ip_addresses(&d.packet)
            .map(|(src, _)| format!("{src}:{}", tcp.source_port()))
            .unwrap_or_default();
        let who = match facts.role {
            Role::Unknown => endpoint.as_str(),
            other => role(other),
        };
        let (syn, ack, fin, rst) = (
            flags & SYN != 0,
            flags & ACK != 0,
            flags & FIN != 0,
            flags & RST != 0,
        );
        let hs = &facts.handshake;
        if syn && !ack {
            let _ = write!(
                out,
                "1st step of the handshake: {who} asks to open a connection to port {} and picks its initial sequence number (ISN {}, shown as relative seq 0); the SYN itself uses up one sequence number, so its next seq is 1.",
                tcp.destination_port(),
                tcp.sequence_number()
            );
        } else if syn && ack {
            let _ = write!(
                out,
                "2nd step of the handshake: the server acknowledges the client's ISN+1 (ack {}) and sends its own ISN ({}, relative 0).",
                facts.ack_rel,
                tcp.sequence_number()
            );
        } else if rst {
            if facts.state == ConnState::Refused {
                let _ = write!(out, "Connection refused: nothing listens on port {}, so the server's TCP answers the SYN with a reset (RST): connect() fails with ECONNREFUSED.", tcp.source_port());
            } else {
                let _ = write!(out, "Reset: {who} aborts the connection (RST); no FIN handshake follows and any unread data is discarded.");
            }
        } else if hs.ack_frame == Some(d.info.number) {
            let _ = write!(
                out,
                "3rd step of the handshake: the client acknowledges the server's ISN+1 (ack {}); the connection is now ESTABLISHED",
                facts.ack_rel
            );
            match hs.rtt_ns {
                Some(rtt) => {
                    let _ = write!(out, " (handshake round trip {}).", ms(rtt));
                }
                None => out.push('.'),
            }
        } else if fin {
            let _ = write!(
                out,
                "{} closes its direction (FIN): it will send no more data. The FIN uses up one sequence number: seq {} + 1 = next seq {}.",
                capitalise(who),
                facts.seq_rel,
                facts.nxtseq_rel
            );
        } else if len > 0 {
            let _ = write!(
                out,
                "Data from {who}: seq {} + len {len} = next seq {}; the receiver confirms it with ACK {}.",
                facts.seq_rel, facts.nxtseq_rel, facts.nxtseq_rel
            );
        } else if ack {
            let _ = write!(
                out,
                "Acknowledgement from {who}: ack {} says every byte before relative {} has arrived",
                facts.ack_rel, facts.ack_rel
            );
            match (facts.acks_frame, facts.ack_rtt_ns) {
                (Some(frame), Some(rtt)) => {
                    let _ = write!(out, " (it confirms frame {frame}, {} later).", ms(rtt));
                }
                _ => out.push('.'),
            }
        }
        for (flag, reason) in &facts.reasons {
            let _ = write!(out, " [{}] {}.", flag.info_tag(), capitalise(reason));
        }
        return out.trim().to_string();
    }
    if let (Some(facts), Some(udp)) = (&d.udp, d.packet.udp()) {
        let _ = write!(
            out,
            "UDP datagram of conversation {}: {} bytes from port {} to port {}, sent as one message with no handshake, no sequence numbers and no acknowledgement — if it is lost, UDP does not resend it.",
            facts.stream,
            udp.length().saturating_sub(8),
            udp.source_port(),
            udp.destination_port()
        );
        return out;
    }
    for layer in &d.packet.layers {
        match &layer.header {
            Header::Arp(arp) => {
                let bytes = arp.slice();
                let ip = |at: usize| {
                    bytes
                        .get(at..at + 4)
                        .and_then(|s| <[u8; 4]>::try_from(s).ok())
                        .map_or_else(String::new, |a| std::net::Ipv4Addr::from(a).to_string())
                };
                let op = bytes.get(7).copied().unwrap_or(0);
                return if op == 1 {
                    format!("ARP request, broadcast to every host on the link: who has {}? Tell {} (the sender needs the MAC address before it can send IP packets there).", ip(24), ip(14))
                } else {
                    format!(
                        "ARP reply: {} answers that it has {}; the asker caches this MAC address.",
                        ip(14),
                        ip(14)
                    )
                };
            }
            Header::Icmpv4(icmp) => {
                return match (icmp.type_u8(), icmp.code_u8()) {
                    (8, _) => "ICMP echo request (ping): asks the destination to send the same data back.".to_string(),
                    (0, _) => "ICMP echo reply: the answer to a ping, carrying the same identifier, sequence number and data.".to_string(),
                    (3, 3) => "ICMP port unreachable: the datagram reached the host, but no socket was bound to its destination port; a connected UDP socket sees ECONNREFUSED.".to_string(),
                    (t, c) => format!("ICMP type {t} code {c}."),
                };
            }
            Header::Icmpv6(icmp) => {
                return match icmp.type_u8() {
                    135 => "ICMPv6 neighbor solicitation: IPv6's ARP — who has this IPv6 address? (sent to a solicited-node multicast address).".to_string(),
                    136 => "ICMPv6 neighbor advertisement: the answer, giving the link-layer address for the target.".to_string(),
                    128 => "ICMPv6 echo request (ping6).".to_string(),
                    129 => "ICMPv6 echo reply (ping6 answer).".to_string(),
                    t => format!("ICMPv6 type {t}."),
                };
            }
            _ => {}
        }
    }
    if d.packet.fragment {
        return "An IP fragment: the datagram was too big for the link, so IP split it; the transport header is in the first fragment and the receiver reassembles them.".to_string();
    }
    match &d.packet.stop {
        Some(stop) => format!("Decoding stopped: {stop}."),
        None => format!("A {} packet.", d.packet.top_protocol()),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}
