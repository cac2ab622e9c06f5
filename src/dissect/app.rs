//! The application stage of the pipeline: after decode and analysis, each frame's payload
//! goes to its application protocol (by port, by an FTP announcement, or after STARTTLS),
//! through TCP reassembly as tshark does it by default, and the frame gets tshark's
//! Protocol and Info columns and `frame.protocols`. Everything here is computed once per
//! packet, in capture order (one pass, as tshark without `-2`: request/response links point
//! backward only), and kept owned on the frame's [`AppFacts`].

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use etherparse::defrag::IpDefragPayloadVec;

use super::columns;
use super::reassembly::{Budget, Reassembler, Segment};
use crate::analysis::{AnalysisFlag, TcpFacts, UdpFacts};
use crate::decode::app::{dhcp, dhcpv6, dns, ftp, http, imap, smtp, tls, Parse, Place};
use crate::decode::{self, FieldList, FrameInfo, Header, Packet};
use crate::field::{FieldId as F, Value};

/// Request/response and FTP tables hold at most this many entries; past it the oldest half
/// is forgotten. A capture of endless unanswered queries must not grow memory forever, and
/// a real exchange completes long before 65536 others start.
const MAX_PENDING_LINKS: usize = 65_536;
/// TCP streams with application state kept at once (same reasoning).
const MAX_STREAMS: usize = 65_536;
/// SMTP message bytes kept to read its IMF headers; the headers come first.
const MAX_MAIL: usize = 256 * 1024;

/// One application message on a frame, and where its bytes are.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub message: Message,
    /// Frame offset of the message's first byte when all of it is in this frame; `None`
    /// when it was reassembled from several segments.
    pub base: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Dns(dns::Dns),
    Http(http::Http),
    Tls(tls::Tls),
    Dhcp(dhcp::Dhcp),
    Dhcpv6(dhcpv6::Dhcpv6),
    Smtp(smtp::Smtp),
    /// The end of an SMTP DATA: the `.` line and the message it completed.
    SmtpMessage(smtp::Smtp, smtp::Imf),
    Ftp(ftp::Ftp),
    FtpData(FtpData),
    Imap(imap::Imap),
}

/// A segment of an FTP data connection, with what its control connection said about it.
#[derive(Debug, Clone, PartialEq)]
pub struct FtpData {
    pub len: usize,
    /// How the connection was set up: `PASV`, `EPASV`, `PORT`, `EPRT`.
    pub mode: &'static str,
    /// The transfer command it serves (`LIST`, `RETR a.txt`), if seen.
    pub command: Option<String>,
    /// Text (a listing, a text file): tshark shows it as lines.
    pub text: bool,
}

impl Message {
    fn column(&self, tls_version: Option<u16>) -> Cow<'static, str> {
        match self {
            Message::Dns(d) => d.column().into(),
            Message::Http(h) => match &h.body_kind {
                Some(("json", _)) => "HTTP/JSON".into(),
                _ => "HTTP".into(),
            },
            Message::Tls(t) => {
                let record = t.records.first().map_or(0, |r| r.version);
                tls::version_name(tls_version.unwrap_or(record)).into()
            }
            Message::Dhcp(_) => "DHCP".into(),
            Message::Dhcpv6(_) => "DHCPv6".into(),
            Message::Smtp(_) => "SMTP".into(),
            Message::SmtpMessage(..) => "SMTP/IMF".into(),
            Message::Ftp(_) => "FTP".into(),
            Message::FtpData(_) => "FTP-DATA".into(),
            Message::Imap(_) => "IMAP".into(),
        }
    }

    fn info(&self, out: &mut String) {
        match self {
            Message::Dns(d) => d.info(out),
            Message::Http(h) => h.info(out),
            Message::Tls(t) => t.info(out),
            Message::Dhcp(d) => d.info(out),
            Message::Dhcpv6(d) => d.info(out),
            Message::Smtp(s) => s.info(out),
            Message::SmtpMessage(_, imf) => imf.info(out),
            Message::Ftp(f) => f.info(out),
            Message::FtpData(d) => {
                out.push_str(&format!("FTP Data: {} bytes ({})", d.len, d.mode));
                if let Some(command) = &d.command {
                    out.push_str(&format!(" ({command})"));
                }
            }
            Message::Imap(i) => i.info(out),
        }
    }

    fn protocols(&self, out: &mut String) {
        match self {
            Message::Dns(d) => {
                out.push(':');
                out.push_str(d.protocol_name());
            }
            Message::Http(h) => h.protocols(out),
            Message::Tls(t) => t.protocols(out),
            Message::Dhcp(_) => out.push_str(":dhcp"),
            Message::Dhcpv6(_) => out.push_str(":dhcpv6"),
            Message::Smtp(s) => {
                out.push_str(":smtp");
                if matches!(s, smtp::Smtp::DataFragment { len, .. } if *len > 0) {
                    out.push_str(":data-text-lines");
                }
            }
            Message::SmtpMessage(_, imf) => {
                out.push_str(":smtp");
                imf.protocols(out);
            }
            Message::Ftp(_) => out.push_str(":ftp"),
            Message::FtpData(d) => {
                out.push_str(":ftp-data");
                if d.text {
                    out.push_str(":data-text-lines");
                }
            }
            Message::Imap(_) => out.push_str(":imap"),
        }
    }

    fn emit<'a>(&'a self, place: Place, out: &mut FieldList<'a>) {
        match self {
            Message::Dns(d) => d.emit(place, out),
            Message::Http(h) => h.emit(place, out),
            Message::Tls(t) => t.emit(place, out),
            Message::Dhcp(d) => d.emit(place, out),
            Message::Dhcpv6(d) => d.emit(place, out),
            Message::Smtp(s) => s.emit(place, out),
            Message::SmtpMessage(s, imf) => {
                s.emit(place, out);
                imf.emit(out);
            }
            Message::Ftp(f) => f.emit(place, out),
            Message::FtpData(_) => out.fact(F::FtpData, Value::None, 0),
            Message::Imap(i) => i.emit(place, out),
        }
    }
}

/// What the application stage found out about one frame. Owned, so the UI store can keep
/// it per packet; `pdu` holds a reassembled PDU's bytes on the frame that completed it only.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppFacts {
    /// `_ws.col.Protocol`.
    pub protocol: Cow<'static, str>,
    /// `_ws.col.Info`.
    pub info: String,
    /// `frame.protocols`.
    pub protocols: String,
    pub messages: Vec<Placed>,
    /// The bytes of a PDU reassembled from several segments, completed by this frame.
    pub pdu: Option<Box<[u8]>>,
    /// `icmp.resp_to` / `icmpv6.resp_to`: the request this echo reply answers.
    pub icmp_resp_to: Option<u64>,
    pub icmpv6_resp_to: Option<u64>,
    /// Frame offset of the datagram an ICMP error quotes (its headers are decoded too).
    pub quoted_at: Option<usize>,
    /// Payload no dissector took (tshark's `data` layer): frame offset and length.
    pub data: Option<(usize, usize)>,
    /// `data` is an offset in the reassembled datagram, not in the frame.
    pub data_in_datagram: bool,
    /// Port-80 bytes tshark's HTTP took without finding a message (an `http` layer with
    /// only data in it).
    pub http_opaque: bool,
}

impl AppFacts {
    /// The columns and application-layer fields, after the frame's own layers.
    pub fn emit<'a>(&'a self, out: &mut FieldList<'a>) {
        if self.http_opaque {
            out.fact(F::Http, Value::None, 0);
        }
        if let Some(frame) = self.icmp_resp_to {
            out.fact(F::IcmpRespTo, Value::U64(frame), 1);
        }
        if let Some(frame) = self.icmpv6_resp_to {
            out.fact(F::Icmpv6RespTo, Value::U64(frame), 1);
        }
        if let Some(pdu) = &self.pdu {
            out.fact(F::TcpReassembledLength, Value::U64(pdu.len() as u64), 1);
        }
        for placed in &self.messages {
            placed.message.emit(Place { base: placed.base }, out);
        }
    }

    /// The headers an ICMP error quotes, as layers of their own (read by the network and
    /// transport fields: `icmp && udp.dstport == 53`).
    pub fn emit_quoted<'a>(&self, packet: &Packet<'a>, info: &FrameInfo, out: &mut FieldList<'a>) {
        if let Some(at) = self.quoted_at {
            let quoted = decode::decode(&quoted_frame(packet.data.get(at..).unwrap_or(&[])));
            decode::emit_quoted(&quoted, info, at, out);
        }
    }

    /// The `data` layer of payload no dissector took.
    /// `datagram`: the reassembled IP payload, when this frame completed one.
    pub fn emit_data<'a>(
        &self,
        packet: &Packet<'a>,
        datagram: Option<&'a [u8]>,
        out: &mut FieldList<'a>,
    ) {
        let Some((start, len)) = self.data else {
            return;
        };
        let source = if self.data_in_datagram {
            datagram.unwrap_or(&[])
        } else {
            packet.data
        };
        let Some(bytes) = source
            .get(start..start.saturating_add(len))
            .filter(|b| !b.is_empty())
        else {
            return;
        };
        if self.data_in_datagram {
            out.fact(F::Data, Value::None, 0);
            out.fact(F::DataData, Value::Bytes(bytes), 1);
        } else {
            out.at(F::Data, Value::None, start, len, 0);
            out.at(F::DataData, Value::Bytes(bytes), start, len, 1);
        }
        out.fact(F::DataLen, Value::U64(len as u64), 1);
    }

    /// `_ws.col.Protocol` and `_ws.col.Info` as fields.
    pub fn emit_columns<'a>(&'a self, out: &mut FieldList<'a>) {
        out.fact(F::WsColProtocol, Value::Text(&self.protocol), 0);
        out.fact(F::WsColInfo, Value::Text(&self.info), 0);
    }

    /// The facts of a frame seen on its own (no earlier frames: no reassembly, no links),
    /// for a consumer that re-decodes one stored packet.
    pub fn standalone(
        packet: &Packet<'_>,
        frame: u64,
        tcp: Option<&TcpFacts>,
        udp: Option<&UdpFacts>,
        reassembled: Option<&IpDefragPayloadVec>,
    ) -> AppFacts {
        AppTracker::default().observe(packet, frame, tcp, udp, reassembled)
    }

    /// Roughly the heap bytes these facts hold (for a store's memory limit).
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<AppFacts>()
            + self.info.len()
            + self.protocols.len()
            + self.pdu.as_ref().map_or(0, |p| p.len())
            + self.messages.len() * 512
    }

    /// The DNS message of this frame, if any (for tcpdump-style lines).
    pub fn dns(&self) -> Option<&dns::Dns> {
        self.messages.iter().find_map(|p| match &p.message {
            Message::Dns(d) => Some(d),
            _ => None,
        })
    }
}

/// Which application protocol a conversation speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proto {
    Dns,
    Http,
    Tls,
    Smtp,
    Ftp,
    FtpData,
    Imap,
}

fn tcp_port_protocol(port: u16) -> Option<Proto> {
    Some(match port {
        53 => Proto::Dns,
        80 | 3128 | 8000 | 8008 | 8080 | 8088 => Proto::Http,
        443 | 465 | 636 | 853 | 993 | 995 | 8443 => Proto::Tls,
        25 | 587 => Proto::Smtp,
        21 => Proto::Ftp,
        143 => Proto::Imap,
        _ => return None,
    })
}

#[derive(Debug, Default)]
struct SmtpSession {
    /// The server answered DATA with 354: the client now sends the message.
    data_mode: bool,
    mail: Vec<u8>,
    starttls_asked: bool,
}

#[derive(Debug)]
struct TcpStream {
    proto: Option<Proto>,
    /// The server's port (the one that named the protocol).
    server_port: u16,
    reassembler: [Reassembler; 2],
    tls: [tls::Direction; 2],
    tls_version: Option<u16>,
    http_requests: VecDeque<u64>,
    smtp: SmtpSession,
    imap_starttls_tag: Option<String>,
    /// STARTTLS succeeded: TLS from the next segment on.
    switch_to_tls: bool,
    /// An HTTP message was seen: later undecodable data is its continuation.
    http_seen: bool,
    /// FTP control: how the last data connection was set up and the last transfer command.
    ftp_mode: &'static str,
    ftp_command: Option<String>,
    /// FTP data: the control connection that announced this one.
    ftp_control: Option<u64>,
}

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
}

/// Bounds a map by forgetting everything when it is full (simple and O(1) amortised; the
/// links lost are those of exchanges that never completed).
fn bound<K, V>(map: &mut HashMap<K, V>, cap: usize) {
    if map.len() >= cap {
        map.clear();
    }
}

impl AppTracker {
    /// Computes the application facts of one frame (after its analysis).
    pub fn observe(
        &mut self,
        packet: &Packet<'_>,
        frame: u64,
        tcp: Option<&TcpFacts>,
        udp: Option<&UdpFacts>,
        reassembled: Option<&IpDefragPayloadVec>,
    ) -> AppFacts {
        let (protocol, info) = columns::base(packet, tcp);
        let mut facts = AppFacts {
            protocol: protocol.into(),
            info,
            ..AppFacts::default()
        };
        layer_protocols(packet, &mut facts.protocols);
        if let Some(whole) = reassembled {
            let inner = decode::decode_ip_payload(whole.ip_number, &whole.payload);
            self.reassembled_datagram(packet, &inner, frame, &mut facts);
            return facts;
        }
        if packet.fragment {
            facts.protocols.push_str(":data");
            facts.data = packet.payload;
            return facts;
        }
        self.transport(packet, frame, tcp, udp, &mut facts);
        facts
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
                facts.info = format!(
                    "{} → {} Len={}",
                    udp.source_port(),
                    udp.destination_port(),
                    udp.length().saturating_sub(8)
                );
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
                TcpStream {
                    proto,
                    server_port,
                    reassembler: Default::default(),
                    tls: Default::default(),
                    tls_version: None,
                    http_requests: VecDeque::new(),
                    smtp: SmtpSession::default(),
                    imap_starttls_tag: None,
                    switch_to_tls: false,
                    http_seen: false,
                    ftp_mode: "PASV",
                    ftp_command: None,
                    ftp_control,
                },
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
                Parse::More { info } => {
                    if whole {
                        stream.reassembler[from_server].keep(rest, &mut self.budget);
                    }
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
            let printable = data.first().is_some_and(|b| (0x20..=0x7e).contains(b));
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
        if matches!(
            layer.header,
            Header::Ethernet(_) | Header::Vlan(_) | Header::Sll(_) | Header::Sll2(_)
        ) {
            out.push_str(":ethertype");
        }
    }
}

/// The quoted datagram of an ICMP error as a raw-IP frame of its own.
fn quoted_frame(bytes: &[u8]) -> crate::frame::Frame<'_> {
    crate::frame::Frame {
        ts_ns: 0,
        data: bytes,
        orig_len: bytes.len() as u32,
        link: crate::frame::LinkType::RAW,
        interface: 0,
        direction: crate::frame::Direction::Unknown,
    }
}

fn is_echo(body: &[u8], v6: bool) -> bool {
    matches!(
        (body.first(), v6),
        (Some(0 | 8), false) | (Some(128 | 129), true)
    )
}

impl TcpStream {
    /// One PDU of this stream's protocol from the start of `rest`.
    fn parse(
        &mut self,
        proto: Proto,
        from_server: bool,
        rest: &[u8],
        frame: u64,
        peer: Option<IpAddr>,
        announced: &mut Vec<(IpAddr, u16)>,
    ) -> Parse<Message> {
        let dir = usize::from(from_server);
        match proto {
            Proto::Dns => {
                let Some(len) = decode::app::be_u16(rest, 0) else {
                    return Parse::More { info: None };
                };
                let total = 2 + usize::from(len);
                match rest.get(..total) {
                    Some(pdu) => match dns::parse(pdu, dns::Flavor::Dns, true) {
                        Some(d) => Parse::Done(Message::Dns(d), total),
                        None => Parse::NotMine,
                    },
                    None => Parse::More { info: None },
                }
            }
            Proto::Http => match http::parse(rest) {
                Parse::Done(mut h, used) => {
                    if h.is_request() {
                        if self.http_requests.len() >= MAX_PENDING_LINKS {
                            self.http_requests.clear();
                        }
                        // tshark keeps one request per frame: pipelined requests sharing a
                        // segment leave the later responses unmatched.
                        if self.http_requests.back() != Some(&frame) {
                            self.http_requests.push_back(frame);
                        }
                    } else {
                        h.request_in = self.http_requests.pop_front();
                    }
                    Parse::Done(Message::Http(h), used)
                }
                Parse::More { info } => Parse::More { info },
                Parse::NotMine => Parse::NotMine,
            },
            Proto::Tls => match tls::parse(rest, &mut self.tls[dir]) {
                Parse::Done(t, used) => {
                    if let Some(v) = t.negotiated() {
                        self.tls_version = Some(v);
                    }
                    Parse::Done(Message::Tls(t), used)
                }
                Parse::More { info } => Parse::More { info },
                Parse::NotMine => Parse::NotMine,
            },
            Proto::Smtp => self.smtp(from_server, rest),
            Proto::Imap => {
                let Some(end) = complete_lines(rest) else {
                    return Parse::More { info: None };
                };
                let Some(i) = imap::parse(rest.get(..end).unwrap_or(&[]), !from_server) else {
                    return Parse::NotMine;
                };
                if let Some(tag) = i.starttls_tag() {
                    self.imap_starttls_tag = Some(tag.to_string());
                }
                if let Some(tag) = &self.imap_starttls_tag {
                    if from_server && i.ok_for(tag) {
                        self.switch_to_tls = true;
                    }
                }
                Parse::Done(Message::Imap(i), end)
            }
            Proto::Ftp => {
                let Some(end) = complete_lines(rest) else {
                    return Parse::More { info: None };
                };
                let Some(f) = ftp::parse(rest.get(..end).unwrap_or(&[]), !from_server) else {
                    return Parse::NotMine;
                };
                if let Some(peer) = peer {
                    if let Some(endpoint) = f.data_endpoint(peer) {
                        announced.push(endpoint);
                    }
                }
                for line in f.lines.iter().filter(|l| l.request) {
                    let verb = line.command_or_code.to_ascii_uppercase();
                    match verb.as_str() {
                        "PASV" => self.ftp_mode = "PASV",
                        "EPSV" => self.ftp_mode = "EPASV",
                        "PORT" => self.ftp_mode = "PORT",
                        "EPRT" => self.ftp_mode = "EPRT",
                        "LIST" | "NLST" | "MLSD" | "RETR" | "STOR" | "APPE" | "STOU" => {
                            self.ftp_command = Some(line.line.clone());
                        }
                        _ => {}
                    }
                }
                Parse::Done(Message::Ftp(f), end)
            }
            // Built by the tracker, which can read the control connection.
            Proto::FtpData => Parse::NotMine,
        }
    }

    fn smtp(&mut self, from_server: bool, rest: &[u8]) -> Parse<Message> {
        if !from_server && self.smtp.data_mode {
            let at_line_start = self.smtp.mail.is_empty() || self.smtp.mail.ends_with(b"\n");
            return match smtp::data_end(rest, at_line_start) {
                Some((dot, after)) => {
                    let body = rest.get(..dot).unwrap_or(&[]);
                    self.keep_mail(body);
                    let imf = smtp::parse_imf(&self.smtp.mail);
                    self.smtp.mail.clear();
                    self.smtp.data_mode = false;
                    let end = smtp::Smtp::DataEnd {
                        len: body.len(),
                        span: decode::app::Span::new(0, dot),
                    };
                    // tshark reads nothing after the end of the message in that segment.
                    let _ = after;
                    Parse::Done(Message::SmtpMessage(end, imf), rest.len())
                }
                None => {
                    self.keep_mail(rest);
                    let fragment = smtp::Smtp::DataFragment {
                        len: rest.len(),
                        span: decode::app::Span::new(0, rest.len()),
                    };
                    Parse::Done(Message::Smtp(fragment), rest.len())
                }
            };
        }
        let Some(end) = complete_lines(rest) else {
            return Parse::More { info: None };
        };
        let lines = rest.get(..end).unwrap_or(&[]);
        let message = if from_server {
            let replies = smtp::parse_replies(lines);
            let s = smtp::Smtp::Replies(replies);
            for code in s.reply_codes().collect::<Vec<_>>() {
                match code {
                    354 => self.smtp.data_mode = true,
                    220 if self.smtp.starttls_asked => self.switch_to_tls = true,
                    _ => {}
                }
            }
            s
        } else {
            let commands = smtp::parse_commands(lines);
            if commands
                .iter()
                .any(|c| c.line.trim().eq_ignore_ascii_case("STARTTLS"))
            {
                self.smtp.starttls_asked = true;
            }
            smtp::Smtp::Commands(commands)
        };
        Parse::Done(Message::Smtp(message), end)
    }

    fn keep_mail(&mut self, bytes: &[u8]) {
        let room = MAX_MAIL.saturating_sub(self.smtp.mail.len());
        self.smtp
            .mail
            .extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or(&[]));
    }
}

/// Length of the complete lines at the start of `bytes` (through the last LF), if any.
fn complete_lines(bytes: &[u8]) -> Option<usize> {
    bytes.iter().rposition(|b| *b == b'\n').map(|p| p + 1)
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
