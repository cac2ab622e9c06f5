//! The application stage of the pipeline: after decode and analysis, each frame's payload
//! goes to its application protocol (by port, by an FTP announcement, or after STARTTLS),
//! through TCP reassembly as tshark does it by default, and the frame gets tshark's
//! Protocol and Info columns and `frame.protocols`. Everything here is computed once per
//! packet, in capture order (one pass, as tshark without `-2`: request/response links point
//! backward only), and kept owned on the frame's [`AppFacts`].

mod facts;
mod skip;
use skip::Skip;
mod stream;

pub use facts::{AppFacts, FtpData, Message, Placed};

use std::collections::HashMap;
use std::net::IpAddr;

use etherparse::defrag::IpDefragPayloadVec;

use super::columns;
use super::reassembly::{Budget, Segment};
use crate::analysis::{AnalysisFlag, ConnState, TcpFacts, UdpFacts};
use crate::decode::app::{dhcp, dhcpv6, dns, Parse};
use crate::decode::{self, Header, Packet};
use facts::quoted_frame;
use stream::{tcp_port_protocol, Proto, TcpStream};

/// Request/response and FTP tables hold at most this many entries; past it the oldest half
/// is forgotten. A capture of endless unanswered queries must not grow memory forever, and
/// a real exchange completes long before 65536 others start.
const MAX_PENDING_LINKS: usize = 65_536;
/// TCP streams with application state kept at once (same reasoning).
const MAX_STREAMS: usize = 65_536;

/// The application stage's memory across frames.
#[derive(Debug, Default)]
pub struct AppTracker {
    streams: HashMap<u64, TcpStream>,
    /// DNS queries by (transport, stream, id) → frame.
    dns_queries: HashMap<(bool, u64, u16), u64>,
    /// Echo requests by (requester, responder, id, seq) → frame.
    echo_requests: HashMap<(IpAddr, IpAddr, u16, u16, bool), u64>,
    /// Endpoints an FTP control connection announced for data → its TCP stream.
    ftp_data: HashMap<(IpAddr, u16), u64>,
    /// Bytes held by all streams' incomplete PDUs.
    budget: Budget,
    /// Name the ports in the Info column (`-N t`).
    pub(super) port_names: bool,
    /// What the run's consumers will never read, so it is not computed (see
    /// [`AppTracker::limit_to`]). Nothing is skipped by default.
    skip: Skip,
}

/// Bounds a map by forgetting everything when it is full (simple and O(1) amortised; the
/// links lost are those of exchanges that never completed).
fn bound<K, V>(map: &mut HashMap<K, V>, cap: usize) {
    if map.len() >= cap {
        map.clear();
    }
}

impl AppTracker {
    /// Takes in one frame (call in capture order) and fills `facts`, a fresh default where
    /// the dissection keeps them: filled in place, not returned, which spares a copy.
    pub fn observe_into(
        &mut self,
        packet: &Packet<'_>,
        frame: u64,
        tcp: Option<&TcpFacts>,
        udp: Option<&UdpFacts>,
        reassembled: Option<&IpDefragPayloadVec>,
        facts: &mut AppFacts,
    ) {
        if !self.skip.columns {
            let (protocol, info) = columns::base(packet, tcp, self.port_names);
            facts.protocol = protocol.into();
            facts.info = info;
        }
        if !self.skip.protocols {
            layer_protocols(packet, &mut facts.protocols);
        }
        self.layers(packet, frame, tcp, udp, reassembled, facts);
        if self.skip.protocols {
            // What the stages appended is a tail without its head: nobody reads it.
            facts.protocols.clear();
        }
    }

    fn layers(
        &mut self,
        packet: &Packet<'_>,
        frame: u64,
        tcp: Option<&TcpFacts>,
        udp: Option<&UdpFacts>,
        reassembled: Option<&IpDefragPayloadVec>,
        facts: &mut AppFacts,
    ) {
        if let Some(whole) = reassembled {
            let inner = decode::decode_ip_payload(whole.ip_number, &whole.payload);
            self.reassembled_datagram(packet, &inner, frame, facts);
            return;
        }
        if packet.fragment {
            facts.protocols.push_str(":data");
            facts.data = packet.payload;
            return;
        }
        self.transport(packet, frame, tcp, udp, facts);
    }

    fn transport(
        &mut self,
        packet: &Packet<'_>,
        frame: u64,
        tcp: Option<&TcpFacts>,
        udp: Option<&UdpFacts>,
        facts: &mut AppFacts,
    ) {
        match packet.layers.last().map(|l| &l.header) {
            Some(Header::Tcp(_) | Header::Udp(_)) if self.skip.payloads => {}
            Some(Header::Tcp(_)) => {
                if let Some(tcp) = tcp {
                    self.tcp(packet, frame, tcp, facts);
                }
            }
            Some(Header::Udp(_)) => self.udp(packet, frame, udp.map(|u| u.stream), true, facts),
            Some(Header::Icmpv4(_) | Header::Icmpv6(_)) => self.icmp(packet, frame, facts),
            _ => {
                if !packet.payload_bytes().is_empty() {
                    facts.protocols.push_str(":data");
                }
            }
        }
    }

    /// The frame that completed a fragmented datagram shows the datagram's transport.
    fn reassembled_datagram(
        &mut self,
        outer: &Packet<'_>,
        inner: &Packet<'_>,
        frame: u64,
        facts: &mut AppFacts,
    ) {
        for layer in &inner.layers {
            facts.protocols.push(':');
            facts.protocols.push_str(layer.header.name());
        }
        let ttl = outer.ipv4().map(|ip| ip.ttl());
        match inner.layers.last().map(|l| &l.header) {
            Some(Header::Icmpv4(icmp)) => {
                facts.protocol = "ICMP".into();
                facts.info.clear();
                columns::icmp_info(icmp.slice(), ttl.unwrap_or(0), &mut facts.info);
                let ips = super::ip_addresses(outer);
                self.echo_link(icmp.slice(), ips, false, frame, facts);
                if icmp.slice().len() > 8 && is_echo(icmp.slice(), false) {
                    facts.protocols.push_str(":data");
                }
            }
            Some(Header::Udp(udp)) => {
                facts.protocol = "UDP".into();
                facts.info.clear();
                columns::udp_info(udp, None, self.port_names, &mut facts.info);
                // A fragmented DNS or DHCP message: decoded from the datagram's bytes.
                self.udp(inner, frame, None, false, facts);
                if facts.data.is_some() {
                    facts.data_in_datagram = true;
                }
            }
            _ => {
                if !inner.payload_bytes().is_empty() {
                    facts.protocols.push_str(":data");
                }
            }
        }
    }

    fn icmp(&mut self, packet: &Packet<'_>, frame: u64, facts: &mut AppFacts) {
        let (body, v6) = match packet.layers.last().map(|l| &l.header) {
            Some(Header::Icmpv4(icmp)) => (icmp.slice(), false),
            Some(Header::Icmpv6(icmp)) => (icmp.slice(), true),
            _ => return,
        };
        let ips = super::ip_addresses(packet);
        self.echo_link(body, ips, v6, frame, facts);
        let ty = body.first().copied().unwrap_or(0);
        if is_echo(body, v6) {
            if body.len() > 8 {
                facts.protocols.push_str(":data");
            }
        } else if (!v6 && matches!(ty, 3 | 4 | 5 | 11 | 12)) || (v6 && (1..=4).contains(&ty)) {
            // An error quotes the offending datagram's IP header and first bytes.
            let quoted = decode::decode(&quoted_frame(body.get(8..).unwrap_or(&[])));
            facts.quoted_at = packet.layers.last().map(|l| l.offset + 8);
            for layer in &quoted.layers {
                facts.protocols.push(':');
                facts.protocols.push_str(layer.header.name());
            }
        }
    }

    /// Links an echo reply to its request (backward only, as one pass can).
    fn echo_link(
        &mut self,
        body: &[u8],
        ips: Option<(IpAddr, IpAddr)>,
        v6: bool,
        frame: u64,
        facts: &mut AppFacts,
    ) {
        let (Some((src, dst)), Some(ty)) = (ips, body.first().copied()) else {
            return;
        };
        let id = decode::app::be_u16(body, 4).unwrap_or(0);
        let seq = decode::app::be_u16(body, 6).unwrap_or(0);
        let (request, reply) = if v6 { (128, 129) } else { (8, 0) };
        if ty == request {
            bound(&mut self.echo_requests, MAX_PENDING_LINKS);
            self.echo_requests.insert((src, dst, id, seq, v6), frame);
        } else if ty == reply {
            if let Some(req) = self.echo_requests.get(&(dst, src, id, seq, v6)).copied() {
                facts.info.push_str(&format!(" (request in {req})"));
                if v6 {
                    facts.icmpv6_resp_to = Some(req);
                } else {
                    facts.icmp_resp_to = Some(req);
                }
            }
        }
    }

    /// `in_frame`: the packet is the frame itself (not a reassembled datagram), so its
    /// offsets are frame offsets.
    fn udp(
        &mut self,
        packet: &Packet<'_>,
        frame: u64,
        stream: Option<u64>,
        in_frame: bool,
        facts: &mut AppFacts,
    ) {
        let Some(udp) = packet.udp() else { return };
        let payload = packet.payload_bytes();
        let base = packet.payload.map(|(start, _)| start).filter(|_| in_frame);
        if payload.is_empty() {
            return;
        }
        let (sport, dport) = (udp.source_port(), udp.destination_port());
        let either = |p: u16| sport == p || dport == p;
        let message = if either(53) || either(5353) || either(5355) {
            let flavor = if either(5353) {
                dns::Flavor::Mdns
            } else if either(5355) {
                dns::Flavor::Llmnr
            } else {
                dns::Flavor::Dns
            };
            dns::parse(payload, flavor, false).map(|mut d| {
                self.dns_link(&mut d, false, stream.unwrap_or(0), frame);
                Message::Dns(d)
            })
        } else if either(67) || either(68) {
            dhcp::parse(payload).map(Message::Dhcp)
        } else if either(546) || either(547) {
            dhcpv6::parse(payload).map(Message::Dhcpv6)
        } else {
            None
        };
        match message {
            Some(message) => self.show(vec![Placed { message, base }], None, facts),
            None => {
                facts.protocols.push_str(":data");
                facts.data = packet.payload;
            }
        }
    }

    fn dns_link(&mut self, d: &mut dns::Dns, over_tcp: bool, stream: u64, frame: u64) {
        let key = (over_tcp, stream, d.id);
        if d.is_response() {
            d.response_to = self.dns_queries.get(&key).copied();
        } else {
            bound(&mut self.dns_queries, MAX_PENDING_LINKS);
            self.dns_queries.insert(key, frame);
        }
    }

    /// Sets the columns and protocols from the messages decoded in this frame, and keeps
    /// them.
    fn show(&mut self, messages: Vec<Placed>, tls_version: Option<u16>, facts: &mut AppFacts) {
        let Some(last) = messages.last() else { return };
        facts.protocol = last.message.column(tls_version);
        facts.info.clear();
        let mut previous = String::new();
        for placed in &messages {
            // Several PDUs in one frame: HTTP writes each start line after the last (its
            // own fence), TLS appends record names with ", ", the others (DNS over TCP)
            // rewrite the column, so the last one shows.
            match placed.message {
                Message::Http(_) => {}
                Message::Tls(_) if !facts.info.is_empty() => facts.info.push_str(", "),
                _ => facts.info.clear(),
            }
            placed.message.info(&mut facts.info);
            let mut names = String::new();
            placed.message.protocols(&mut names);
            // A protocol repeated by the next PDU is listed once.
            if names != previous {
                facts.protocols.push_str(&names);
            }
            previous = names;
        }
        facts.messages.extend(messages);
    }

    fn tcp(&mut self, packet: &Packet<'_>, frame: u64, facts_tcp: &TcpFacts, facts: &mut AppFacts) {
        self.tcp_payload(packet, frame, facts_tcp, facts);
        // Once both sides have closed (or one reset), the connection carries no more
        // application data: its state goes, so memory follows the connections still open
        // rather than every one the capture ever held. An FTP control connection stays: a
        // data connection it announced may still read how it was set up.
        if matches!(facts_tcp.state, ConnState::Closed | ConnState::Reset { .. }) {
            self.forget(facts_tcp.stream);
        }
    }

    /// Drops a closed stream's application state (and the bytes it held for reassembly).
    fn forget(&mut self, stream: u64) {
        if self
            .streams
            .get(&stream)
            .is_some_and(|s| s.proto == Some(Proto::Ftp))
        {
            return;
        }
        if let Some(mut gone) = self.streams.remove(&stream) {
            for direction in &mut gone.reassembler {
                direction.release(&mut self.budget);
            }
        }
    }

    fn tcp_payload(
        &mut self,
        packet: &Packet<'_>,
        frame: u64,
        facts_tcp: &TcpFacts,
        facts: &mut AppFacts,
    ) {
        let Some(tcp) = packet.tcp() else { return };
        let payload = packet.payload_bytes();
        if payload.is_empty() {
            return;
        }
        let Some((payload_at, _)) = packet.payload else {
            return;
        };
        // tshark hands retransmitted and out-of-order data to no application dissector
        // (they would see bytes twice or out of order).
        let skip = [
            AnalysisFlag::Retransmission,
            AnalysisFlag::OutOfOrder,
            AnalysisFlag::SpuriousRetransmission,
            AnalysisFlag::FastRetransmission,
        ];
        if skip.iter().any(|f| facts_tcp.flags.contains(*f)) {
            return;
        }
        let ips = super::ip_addresses(packet);
        let (sport, dport) = (tcp.source_port(), tcp.destination_port());
        if !self.streams.contains_key(&facts_tcp.stream) {
            if self.streams.len() >= MAX_STREAMS {
                self.streams.clear();
            }
            let (proto, server_port, ftp_control) = self.stream_protocol(sport, dport, ips);
            self.streams.insert(
                facts_tcp.stream,
                TcpStream::new(proto, server_port, ftp_control),
            );
        }
        let control = self
            .streams
            .get(&facts_tcp.stream)
            .and_then(|s| s.ftp_control)
            .and_then(|c| self.streams.get(&c))
            .map(|c| (c.ftp_mode, c.ftp_command.clone()));
        let Some(stream) = self.streams.get_mut(&facts_tcp.stream) else {
            return;
        };
        if stream.switch_to_tls {
            stream.proto = Some(Proto::Tls);
            stream.switch_to_tls = false;
        }
        let Some(proto) = stream.proto else {
            facts.protocols.push_str(":data");
            facts.data = packet.payload;
            return;
        };
        // A segment cut by the snap length cannot be reassembled: decode what is there.
        let whole = packet
            .tcp_len
            .is_some_and(|len| len as usize == payload.len());
        let from_server = usize::from(sport == stream.server_port);
        let segment = Segment {
            seq: tcp.sequence_number(),
            bytes: payload,
        };
        let (data, carried) = if whole {
            stream.reassembler[from_server].push(segment, &mut self.budget)
        } else {
            (payload.to_vec(), 0)
        };
        let mut placed = Vec::new();
        let mut first_more: Option<Option<String>> = None;
        let mut not_mine = false;
        let mut offset = 0usize;
        let mut announced = Vec::new();
        let mut dns_messages = Vec::new();
        // (where the incomplete PDU starts in `data`, its whole length if known)
        let mut keep_from: Option<(usize, Option<usize>)> = None;
        if whole && stream.reassembler[from_server].still_short(&data, carried) {
            // A middle segment of a PDU whose length is known: no parse until it is whole.
            keep_from = Some((0, None));
            first_more = Some(None);
            offset = data.len();
        }
        while let Some(rest) = data.get(offset..).filter(|r| !r.is_empty()) {
            let peer = ips.map(|(src, _)| src);
            let parsed = if proto == Proto::FtpData {
                let (mode, command) = control.clone().unwrap_or(("PASV", None));
                let data = FtpData {
                    len: rest.len(),
                    mode,
                    command,
                    text: rest
                        .iter()
                        .all(|b| matches!(b, 0x20..=0x7e | b'\r' | b'\n' | b'\t')),
                };
                Parse::Done(Message::FtpData(data), rest.len())
            } else {
                stream.parse(proto, from_server == 1, rest, frame, peer, &mut announced)
            };
            match parsed {
                Parse::Done(message, used) => {
                    let used = used.clamp(1, rest.len());
                    let base = offset.checked_sub(carried).map(|o| payload_at + o);
                    if base.is_none() {
                        facts.pdu = data.get(offset..offset + used).map(Box::from);
                    }
                    if let Message::Dns(_) = &message {
                        dns_messages.push(placed.len());
                    }
                    placed.push(Placed { message, base });
                    offset += used;
                }
                Parse::More { info, need } => {
                    keep_from = Some((offset, need));
                    if placed.is_empty() {
                        first_more = Some(if carried == 0 { info } else { None });
                    }
                    break;
                }
                Parse::NotMine => {
                    not_mine = placed.is_empty();
                    break;
                }
            }
        }
        let first_byte = data.first().copied();
        match keep_from {
            Some((from, need)) if whole => {
                // `still_short` keeps the need it already knew.
                let need = need.or(stream.reassembler[from_server].need());
                stream.reassembler[from_server].keep(data, from, need, &mut self.budget);
            }
            _ => {}
        }
        let tls_version = stream.tls_version;
        if placed.iter().any(|p| matches!(p.message, Message::Http(_))) {
            stream.http_seen = true;
        }
        let http_seen = stream.http_seen;
        for endpoint in announced {
            bound(&mut self.ftp_data, MAX_PENDING_LINKS);
            self.ftp_data.insert(endpoint, facts_tcp.stream);
        }
        for index in dns_messages {
            if let Some(Placed {
                message: Message::Dns(d),
                ..
            }) = placed.get_mut(index)
            {
                self.dns_link(d, true, facts_tcp.stream, frame);
            }
        }
        if !placed.is_empty() {
            self.show(placed, tls_version, facts);
        } else if let Some(info) = first_more {
            facts.protocol = "TCP".into();
            if let Some(info) = info {
                facts.info = info;
            }
            facts.info.push_str(" [TCP segment of a reassembled PDU]");
        } else if not_mine && proto == Proto::Http {
            // tshark's HTTP takes any port-80 data. Text that is no request or response
            // becomes headers-less body data; binary data is a "Continuation" once the
            // conversation has spoken HTTP, and is left alone before that.
            let printable = first_byte.is_some_and(|b| (0x20..=0x7e).contains(&b));
            if http_seen {
                facts.protocol = "HTTP".into();
                facts.info = "Continuation".into();
            }
            if printable || http_seen {
                facts.protocols.push_str(":http:data");
                facts.http_opaque = true;
                facts.data = packet.payload;
            }
        } else if not_mine {
            facts.protocols.push_str(":data");
            facts.data = packet.payload;
        }
    }

    /// The protocol of a new TCP conversation: an FTP-announced data endpoint, else the
    /// lower well-known port first (as tshark tries ports).
    fn stream_protocol(
        &self,
        sport: u16,
        dport: u16,
        ips: Option<(IpAddr, IpAddr)>,
    ) -> (Option<Proto>, u16, Option<u64>) {
        if let Some((src, dst)) = ips {
            if let Some(control) = self.ftp_data.get(&(dst, dport)) {
                return (Some(Proto::FtpData), dport, Some(*control));
            }
            if let Some(control) = self.ftp_data.get(&(src, sport)) {
                return (Some(Proto::FtpData), sport, Some(*control));
            }
        }
        let (low, high) = if sport <= dport {
            (sport, dport)
        } else {
            (dport, sport)
        };
        match (tcp_port_protocol(low), tcp_port_protocol(high)) {
            (Some(p), _) => (Some(p), low, None),
            (None, Some(p)) => (Some(p), high, None),
            (None, None) => (None, 0, None),
        }
    }
}

/// `frame.protocols` up to the innermost decoded header, as tshark names the layers
/// (`eth:ethertype:ipv6:ipv6.fraghdr:udp`).
fn layer_protocols(packet: &Packet<'_>, out: &mut String) {
    out.clear();
    for layer in &packet.layers {
        let name = match &layer.header {
            Header::Ipv6Ext { kind, .. } => match kind.0 {
                0 => "ipv6.hopopts",
                43 => "ipv6.routing",
                44 => "ipv6.fraghdr",
                60 => "ipv6.dstopts",
                _ => continue,
            },
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
}

fn is_echo(body: &[u8], v6: bool) -> bool {
    matches!(
        (body.first(), v6),
        (Some(0 | 8), false) | (Some(128 | 129), true)
    )
}

#[cfg(test)]
mod tests;
