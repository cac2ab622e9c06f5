//! One or two plain sentences about what a packet is and what its numbers mean: its place in
//! the conversation, the seq/ack arithmetic with the real numbers, why any analysis flag was
//! set, and what became of it. Every sentence is a fact of the capture: what later packets
//! did is looked up in the stream's [`StreamTimeline`]; where the capture does not show it
//! the narration says it is absent rather than what "would" happen.

use std::fmt::Write as _;

use crate::analysis::tcp_flags::{ACK, FIN, RST, SYN};
use crate::analysis::{ConnState, Role};
use crate::decode::{tcp_flags, Header};
use crate::dissect::Dissection;

use super::timeline::{Segment, StreamTimeline};
use super::Exchanges;
use crate::decode::app::dns::RData;
use crate::decode::app::http::Start;
use crate::dissect::app::Message;

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

fn secs(ns: i64) -> String {
    format!("{:.3} s", ns as f64 / 1e9)
}

/// The narration for `d`; `stream` (its TCP stream's timeline) lets it say what later
/// packets did with it.
pub fn narrate(d: &Dissection<'_>, stream: Option<&StreamTimeline>) -> String {
    narrate_with(d, stream, None)
}

/// The narration for `d`, with the application layer's exchanges (`exchanges`: which
/// frame answers which DNS query or HTTP request, and when) to say what answered it.
pub fn narrate_with(
    d: &Dissection<'_>,
    stream: Option<&StreamTimeline>,
    exchanges: Option<&Exchanges>,
) -> String {
    let mut text = transport(d, stream);
    let app = application(d, exchanges);
    if !app.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&app);
    }
    text
}

/// What the application message of `d` says, and which frame answered it.
fn application(d: &Dissection<'_>, exchanges: Option<&Exchanges>) -> String {
    let mut out = String::new();
    let frame = d.info.number;
    let ips = crate::dissect::ip_addresses(&d.packet);
    let after = |other: u64, out: &mut String| {
        if let Some(ts) = exchanges.and_then(|e| e.ts_ns(other)) {
            // In parentheses: a time right after a frame number would read as a list of
            // frames ("frame 1, 29.678 ms").
            let _ = write!(out, " ({} ", ms((d.info.ts_ns - ts).abs()));
            out.push_str(if ts <= d.info.ts_ns {
                "after it)"
            } else {
                "later)"
            });
        }
    };
    let Some(placed) = d.app.messages.first() else {
        return out;
    };
    match &placed.message {
        Message::Dns(dns) if !dns.is_response() => {
            let asked: Vec<String> = dns
                .questions
                .iter()
                .map(|q| format!("the {} record of {}", dns_type(q.qtype), q.name))
                .collect();
            let _ = write!(
                out,
                "Port {}: {} asks {} for {} (query ID 0x{:04x}).",
                match dns.flavor {
                    crate::decode::app::dns::Flavor::Dns => "53 is DNS",
                    crate::decode::app::dns::Flavor::Mdns => "5353 is multicast DNS",
                    crate::decode::app::dns::Flavor::Llmnr => "5355 is LLMNR",
                },
                ips.map_or_else(|| "the client".to_string(), |(s, _)| s.to_string()),
                ips.map_or_else(|| "the server".to_string(), |(_, t)| t.to_string()),
                if asked.is_empty() {
                    "nothing (no question)".to_string()
                } else {
                    asked.join(" and ")
                },
                dns.id
            );
            match (exchanges, exchanges.and_then(|e| e.answer_to(frame))) {
                (Some(_), Some(answer)) => {
                    let _ = write!(out, " Frame {answer} answers it");
                    after(answer, &mut out);
                    out.push('.');
                }
                (Some(_), None) => out.push_str(" No answer to it appears in the capture."),
                _ => {}
            }
        }
        Message::Dns(dns) => {
            let answers: Vec<String> = dns
                .records
                .iter()
                .filter(|(section, _)| *section == crate::decode::app::dns::Section::Answer)
                .filter_map(|(_, r)| {
                    let value = match &r.data {
                        RData::A(a) => std::net::Ipv4Addr::from(*a).to_string(),
                        RData::Aaaa(a) => std::net::Ipv6Addr::from(*a).to_string(),
                        RData::Cname(n) | RData::Ptr(n) | RData::Ns(n) => n.clone(),
                        RData::Mx(_, n) => n.clone(),
                        _ => return None,
                    };
                    Some(format!("{} {} {value}", r.name, dns_type(r.rtype)))
                })
                .collect();
            let _ = write!(out, "DNS response (ID 0x{:04x})", dns.id);
            if let Some(query) = dns.response_to {
                let _ = write!(out, " to the query in frame {query}");
                after(query, &mut out);
            }
            out.push_str(": ");
            match dns.rcode() {
                0 if answers.is_empty() => out.push_str("no error, but no answer records."),
                0 => {
                    let _ = write!(out, "the answer is {}.", answers.join(", "));
                }
                3 => out.push_str("no such name (NXDOMAIN): the name does not exist."),
                code => {
                    let _ = write!(out, "the server reports error {code}.");
                }
            }
        }
        Message::Http(http) => {
            let count = d.app.messages.len();
            let whole = if d.app.pdu.is_some() {
                " (reassembled: it began in earlier segments of this stream)"
            } else {
                ""
            };
            match &http.start {
                Start::Request { method, uri, .. } => {
                    let _ = write!(out, "It carries an HTTP request{whole}: {method} {uri}");
                    if let Some(host) = http.header("Host") {
                        let _ = write!(out, " on {host}");
                    }
                    out.push('.');
                    match (exchanges, exchanges.and_then(|e| e.answer_to(frame))) {
                        (Some(_), Some(answer)) => {
                            let _ = write!(out, " Frame {answer} completes the response");
                            after(answer, &mut out);
                            out.push('.');
                        }
                        (Some(_), None) => {
                            out.push_str(" No response to it appears in the capture.")
                        }
                        _ => {}
                    }
                }
                Start::Response { code, phrase, .. } => {
                    let _ = write!(
                        out,
                        "It completes an HTTP response{whole}: status {code} {phrase}"
                    );
                    if let Some(kind) = http.header("Content-Type") {
                        let _ = write!(out, " ({kind})");
                    }
                    match http.request_in {
                        Some(request) => {
                            let _ = write!(out, ", the answer to the request in frame {request}");
                            after(request, &mut out);
                            out.push('.');
                        }
                        None => out.push('.'),
                    }
                }
            }
            if count > 1 {
                let _ = write!(out, " The segment holds {count} HTTP messages.");
            }
        }
        _ => {}
    }
    out
}

/// A DNS record type as people say it (`A`, `AAAA`, `MX`), else its number.
fn dns_type(t: u16) -> String {
    match t {
        1 => "A".into(),
        2 => "NS".into(),
        5 => "CNAME".into(),
        6 => "SOA".into(),
        12 => "PTR".into(),
        15 => "MX".into(),
        16 => "TXT".into(),
        28 => "AAAA".into(),
        33 => "SRV".into(),
        255 => "ANY".into(),
        other => format!("type-{other}"),
    }
}

/// The narration of the transport layer (and below) of `d`.
fn transport(d: &Dissection<'_>, stream: Option<&StreamTimeline>) -> String {
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
            acknowledged(&mut out, d, stream, "this FIN");
        } else if len > 0 {
            let _ = write!(
                out,
                "Data from {who}: seq {} + len {len} = next seq {}.",
                facts.seq_rel, facts.nxtseq_rel
            );
            acknowledged(&mut out, d, stream, "these bytes");
        } else if ack {
            let _ = write!(
                out,
                "Acknowledgement from {who}: ack {} says every byte before relative {} has arrived",
                facts.ack_rel, facts.ack_rel
            );
            match (facts.acks_frame, facts.ack_rtt_ns) {
                (Some(frame), Some(rtt)) => {
                    let _ = write!(
                        out,
                        " (it confirms frame {frame}, sent {} before).",
                        ms(rtt)
                    );
                }
                _ => out.push('.'),
            }
        }
        for (flag, reason) in &facts.reasons {
            let _ = write!(out, " [{}] {}.", flag.info_tag(), capitalise(reason));
        }
        if let Some(stream) = stream {
            backoff(&mut out, d, stream);
            zero_window(&mut out, d, stream);
            teardown(&mut out, d, stream);
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

/// Which later frame acknowledged `what` (`d`'s sequence space), or that none in the
/// capture did.
fn acknowledged(out: &mut String, d: &Dissection<'_>, stream: Option<&StreamTimeline>, what: &str) {
    let Some(stream) = stream else {
        return;
    };
    match stream.acked_by(d.info.number) {
        Some(ack) => {
            let _ = write!(
                out,
                " Frame {} acknowledges up to {} ({} later).",
                ack.frame,
                ack.ack,
                ms(ack.ts_ns - d.info.ts_ns)
            );
        }
        None => {
            let _ = write!(out, " No acknowledgement of {what} appears in the capture.");
        }
    }
}

/// For a retransmission: how long each transmission of the segment waited, and whether the
/// waits grew as the retransmission timer's exponential backoff makes them (each double
/// the one before).
fn backoff(out: &mut String, d: &Dissection<'_>, stream: &StreamTimeline) {
    let sent = stream.transmissions(d.info.number);
    if sent.len() < 2 {
        return;
    }
    let frames: Vec<String> = sent.iter().map(|s| s.frame.to_string()).collect();
    let gaps: Vec<i64> = sent.windows(2).map(|w| w[1].ts_ns - w[0].ts_ns).collect();
    let gap_text: Vec<String> = gaps.iter().map(|g| secs(*g)).collect();
    let _ = write!(
        out,
        " This is transmission {} of seq {} (frames {}); the waits between them: {}.",
        sent.len(),
        d.tcp.as_ref().map_or(0, |f| f.seq_rel),
        frames.join(", "),
        gap_text.join(" → ")
    );
    let ratios: Vec<f64> = gaps
        .windows(2)
        .filter(|w| w[0] > 0)
        .map(|w| w[1] as f64 / w[0] as f64)
        .collect();
    if ratios.is_empty() {
        return;
    }
    let shown: Vec<String> = ratios.iter().map(|r| format!("×{r:.1}")).collect();
    let _ = write!(
        out,
        " Each wait against the one before: {}",
        shown.join(", ")
    );
    // The backoff shows as a run of doublings up to this transmission (the first wait can
    // differ: it is the initial timeout, not a doubled one).
    let doubled = ratios
        .iter()
        .rev()
        .take_while(|r| (1.6..=2.6).contains(*r))
        .count();
    if doubled >= 2 {
        let from = ratios.len() - doubled + 1;
        let _ = write!(
            out,
            "; from wait {from} on, each is about twice the one before: the retransmission timer's exponential backoff."
        );
    } else {
        out.push('.');
    }
}

/// For a zero window: when it opened again (and the probes meanwhile), or that it did not
/// within the capture.
fn zero_window(out: &mut String, d: &Dissection<'_>, stream: &StreamTimeline) {
    let Some(facts) = &d.tcp else { return };
    if !facts
        .flags
        .contains(crate::analysis::AnalysisFlag::ZeroWindow)
    {
        return;
    }
    let (reopen, probes) = stream.window_reopens(d.info.number);
    match reopen {
        Some(r) => {
            let _ = write!(
                out,
                " The window stays closed until frame {} ({} later, window {}).",
                r.frame,
                secs(r.ts_ns - d.info.ts_ns),
                r.window
            );
        }
        None => {
            let _ = write!(out, " The window does not open again within the capture.");
        }
    }
    if !probes.is_empty() {
        let frames: Vec<String> = probes.iter().map(|p| p.frame.to_string()).collect();
        let _ = write!(
            out,
            " The sender probes it {} time{} meanwhile (frames {})",
            probes.len(),
            if probes.len() == 1 { "" } else { "s" },
            frames.join(", ")
        );
        let gaps: Vec<String> = probes
            .windows(2)
            .map(|w| secs(w[1].ts_ns - w[0].ts_ns))
            .collect();
        if gaps.is_empty() {
            out.push('.');
        } else {
            let _ = write!(out, ", {} apart.", gaps.join(", then "));
        }
    }
}

/// On the ACK that completes a teardown (it acknowledges the second FIN): how long the
/// close took from the first FIN.
fn teardown(out: &mut String, d: &Dissection<'_>, stream: &StreamTimeline) {
    let Some(first_fin) = stream.first_fin() else {
        return;
    };
    let fins: Vec<&Segment> = stream.segments.iter().filter(|s| s.fin).collect();
    let both = fins.iter().any(|f| f.from_first) && fins.iter().any(|f| !f.from_first);
    let Some(last_fin) = fins.iter().rev().find(|f| f.frame < d.info.number) else {
        return;
    };
    let closes = both
        && stream
            .acked_by(last_fin.frame)
            .is_some_and(|a| a.frame == d.info.number)
        && fins.iter().filter(|f| f.frame < d.info.number).count() >= 2;
    if closes {
        let _ = write!(
            out,
            " It acknowledges the last FIN (frame {}): the connection is closed, {} after the first FIN (frame {}).",
            last_fin.frame,
            ms(d.info.ts_ns - first_fin.ts_ns),
            first_fin.frame
        );
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}
