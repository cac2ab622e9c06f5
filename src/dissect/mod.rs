//! The per-frame pipeline shared by the headless reader, live capture and the UI:
//! frame → decode → (analysis) → everything a printer or the UI needs about that packet.

mod annotate;
pub mod anonymize;
pub mod app;
pub mod columns;
pub mod crypto_pan;
mod defrag;
pub mod process;
pub mod reassembly;
mod wire_columns;

pub use annotate::{ip_addresses, tcp_segment, udp_datagram, Facts, SackBlocks};

use etherparse::defrag::IpDefragPayloadVec;

use crate::analysis::{Analyzer, TcpFacts, UdpFacts};
use crate::decode::{self, FieldList, FrameInfo, Interest, Packet};
use crate::field::{FieldId, FieldId as F, Value};
use crate::frame::Frame;
use crate::names::{FrameNames, Names, Resolve};

/// Streaming state across frames: numbering and relative times (and, with analysis, the
/// conversation tables). Memory is per conversation, never per packet.
#[derive(Debug, Default)]
pub struct Dissector {
    number: u64,
    first_ts: Option<i64>,
    prev_ts: Option<i64>,
    defrag: defrag::Defragmenter,
    analyzer: Analyzer,
    sack: SackBlocks,
    app: app::AppTracker,
    /// Name resolution, when asked for (`-N`).
    names: Option<Names>,
    /// The source's interfaces, for `frame.interface_name`.
    interfaces: crate::frame::InterfaceTable,
    /// Names looked up so far, by interface id (the table only grows).
    interface_names: Vec<Option<std::sync::Arc<str>>>,
    /// Pairs a segment's sightings on two interfaces; on once there are two.
    vantage: Option<crate::analysis::vantage::VantageMatcher>,
    /// Nobody reads `sockeye.vantage.*`: sightings are not paired (see `skip_vantage`).
    vantage_unread: bool,
    /// Live capture only: who owns each conversation's local sockets.
    owners: Option<process::Attribution>,
    /// Capture files: the packet comment of the record being dissected.
    comments: Option<crate::pcapio::CommentSlot>,
}

/// One frame, dissected.
#[derive(Debug, Clone)]
pub struct Dissection<'a> {
    pub packet: Packet<'a>,
    pub info: FrameInfo,
    /// The whole IP payload when this frame completed a fragmented datagram.
    pub reassembled: Option<IpDefragPayloadVec>,
    /// TCP analysis: stream, relative numbers, flags with reasons.
    pub tcp: Option<TcpFacts>,
    /// UDP analysis: stream.
    pub udp: Option<UdpFacts>,
    /// The application layer, the Protocol/Info columns and `frame.protocols`.
    pub app: app::AppFacts,
    /// Resolved names (`-N`): MAC vendors, learned host names, the resolved Source and
    /// Destination columns. `None` when resolution is off.
    pub names: Option<Box<FrameNames>>,
    /// In a capture from two vantage points: this TCP segment's departure, seen earlier on
    /// the other interface.
    pub vantage: Option<crate::analysis::vantage::Pair>,
    /// The processes owning the conversation's sockets (live capture with attribution,
    /// or read back from the packet comment a capture file carries).
    pub process: Option<process::ProcessFacts>,
    /// `frame.comment`: the capture file's packet comment.
    pub comment: Option<String>,
}

impl<'a> Dissection<'a> {
    /// `frame` before any stage ran: the slot [`Dissector`] fills where it lies.
    #[inline(always)]
    fn undissected(frame: &Frame<'a>) -> Self {
        Dissection {
            packet: Packet::undecoded(frame),
            info: FrameInfo::default(),
            reassembled: None,
            tcp: None,
            udp: None,
            app: app::AppFacts::default(),
            names: None,
            vantage: None,
            process: None,
            comment: None,
        }
    }

    /// Every field of this packet (reassembled transport included) into `out`, in tree
    /// order. `scratch` holds the `frame.protocols` text the fields borrow.
    pub fn emit_fields<'s>(&'s self, scratch: &'s mut String, out: &mut FieldList<'s>) {
        self.emit_fields_only(scratch, Interest::ALL, out);
    }

    /// The fields of the layers in `interest` only (what a display filter reads); see
    /// [`Interest`]. The reassembled datagram, when there is one, is always emitted whole.
    pub fn emit_fields_only<'s>(
        &'s self,
        scratch: &'s mut String,
        interest: Interest,
        out: &mut FieldList<'s>,
    ) {
        // frame.protocols was built by the pipeline's application stage.
        scratch.clear();
        let protocols: &'s str = &self.app.protocols;
        let facts = self.facts();
        decode::emit_only(&self.packet, &self.info, protocols, &facts, interest, out);
        if interest.contains(Interest::PROBLEMS) {
            // What tshark says about length fields that lie (texts owned by the packet).
            for note in &self.packet.notes {
                out.fact(
                    crate::field::FieldId::WsExpertMessage,
                    crate::field::Value::Text(&note.expert),
                    1,
                );
            }
        }
        if let Some(whole) = &self.reassembled {
            let inner = decode::decode_ip_payload(whole.ip_number, &whole.payload);
            decode::emit_reassembled(&inner, &self.info, &(), out);
        }
        // Rare (ICMP errors only), and read by every layer's fields.
        self.app.emit_quoted(&self.packet, &self.info, out);
        if interest.contains(Interest::DATA) {
            let datagram = self.reassembled.as_ref().map(|r| r.payload.as_slice());
            self.app.emit_data(&self.packet, datagram, out);
        }
        if interest.contains(Interest::APP) {
            self.app.emit(out);
        }
        if interest.contains(Interest::COLUMNS) {
            self.app.emit_columns(out);
            self.emit_names(out);
        }
        if let Some(pair) = self.vantage.filter(|_| interest.contains(Interest::TCP)) {
            use crate::field::{FieldId, Value};
            out.fact(FieldId::SockeyeVantageDelay, Value::Nanos(pair.delay_ns), 0);
            out.fact(
                FieldId::SockeyeVantageDeparture,
                Value::U64(pair.departure.frame),
                0,
            );
            out.fact(
                FieldId::SockeyeVantageDepartureInterface,
                Value::U64(u64::from(pair.departure.interface)),
                0,
            );
        }
        if interest.contains(Interest::FRAME_FACTS) {
            if let Some(comment) = &self.comment {
                out.fact(FieldId::FrameComment, Value::Text(comment), 0);
            }
            if let Some(process) = &self.process {
                process.emit(out);
            }
        }
    }

    /// `_ws.col.Source`/`Destination`: resolved with `-N`, the plain addresses of the
    /// outermost IP header (else the Ethernet header) without. The resolved-name fields of
    /// each address (`eth.src_resolved`, `ip.src_host`) sit in their own layers (see
    /// `Facts`' `address`).
    fn emit_names<'s>(&'s self, out: &mut FieldList<'s>) {
        if !out.wants_any(&[F::WsColSource, F::WsColDestination]) {
            return;
        }
        if let Some(n) = self.names.as_deref() {
            out.fact(F::WsColSource, Value::Text(&n.source), 0);
            out.fact(F::WsColDestination, Value::Text(&n.destination), 0);
            return;
        }
        let mut link: Option<(Value<'s>, Value<'s>)> = None;
        for layer in &self.packet.layers {
            let (src, dst) = match &layer.header {
                crate::decode::Header::Ipv4(ip) => {
                    (Value::Ipv4(ip.source()), Value::Ipv4(ip.destination()))
                }
                crate::decode::Header::Ipv6(ip) => {
                    (Value::Ipv6(ip.source()), Value::Ipv6(ip.destination()))
                }
                crate::decode::Header::Ethernet(eth) => {
                    link.get_or_insert((Value::Mac(eth.source()), Value::Mac(eth.destination())));
                    continue;
                }
                _ => continue,
            };
            link = Some((src, dst));
            break;
        }
        if let Some((src, dst)) = link {
            out.fact(F::WsColSource, src, 0);
            out.fact(F::WsColDestination, dst, 0);
        }
    }

    /// tshark's Protocol and Info columns for this packet (what the packet list shows).
    pub fn columns(&self) -> (&str, &str) {
        (&self.app.protocol, &self.app.info)
    }

    /// The analysis facts, for the field tree.
    pub fn facts(&self) -> Facts<'_> {
        Facts {
            tcp: self.tcp.as_ref(),
            udp: self.udp.as_ref(),
            syn: self.packet.tcp().is_some_and(|t| t.syn()),
            tcp_len: self.packet.tcp_len.unwrap_or(0),
            fin: self.packet.tcp().is_some_and(|t| t.fin()),
            names: self.names.as_deref(),
        }
    }
}

impl Dissector {
    pub fn new() -> Self {
        Self::default()
    }

    /// A dissector that resolves names as `resolve` asks (nothing when it asks nothing).
    pub fn with_names(resolve: Resolve) -> Self {
        let mut dissector = Self::default();
        dissector.resolve_names(resolve);
        dissector
    }

    /// Resolves names as `resolve` asks from the next frame on (`-N`).
    pub fn resolve_names(&mut self, resolve: Resolve) {
        self.app.port_names = resolve.transport;
        self.names = resolve.any().then(|| Names::new(resolve));
    }

    /// Computes from now on only what consumers reading the layers in `interest` can see
    /// (a tcpdump-style line reads no application layer; see [`app::AppTracker::limit_to`]).
    /// Call after [`Dissector::resolve_names`] and before the first frame. Host names are
    /// learned from DNS answers, so resolving them keeps the application layer.
    pub fn limit_to(&mut self, interest: Interest) {
        let learns_hosts = self.names.as_ref().is_some_and(|n| n.resolve.dns);
        let interest = if learns_hosts {
            interest.union(Interest::APP)
        } else {
            interest
        };
        self.app.limit_to(interest);
    }

    /// The names learned so far (host names from the capture's DNS answers).
    pub fn names(&self) -> Option<&Names> {
        self.names.as_ref()
    }

    /// Names frames by the interfaces `table` describes (a merged capture's sources).
    pub fn with_interfaces(mut self, table: crate::frame::InterfaceTable) -> Self {
        self.interfaces = table;
        self.interface_names.clear();
        self
    }

    /// The name of interface `id`, looked up in the table once per id.
    fn interface_name(&mut self, id: u32) -> Option<std::sync::Arc<str>> {
        if id as usize >= self.interface_names.len()
            && self.interfaces.len() > self.interface_names.len()
        {
            self.interface_names = self
                .interfaces
                .snapshot()
                .into_iter()
                .map(|desc| desc.name)
                .collect();
            if self.interface_names.len() > 1 && self.vantage.is_none() && !self.vantage_unread {
                self.vantage = Some(crate::analysis::vantage::VantageMatcher::new());
            }
        }
        self.interface_names.get(id as usize).cloned().flatten()
    }

    /// Leaves a merge's sightings unpaired: for consumers that read no
    /// `sockeye.vantage.*` field (pairing is most of what a merge costs on top of reading).
    pub fn skip_vantage(&mut self) {
        self.vantage_unread = true;
        self.vantage = None;
    }

    /// A dissector that attributes each new TCP/UDP conversation to the processes owning
    /// its sockets, through `lookup` (called once per conversation).
    pub fn with_owners(lookup: Box<dyn process::OwnerLookup>) -> Self {
        Dissector {
            owners: Some(process::Attribution::new(lookup)),
            ..Self::default()
        }
    }

    /// Frames reach this dissector anonymised: owners are looked up by the addresses
    /// `originals` says they were rewritten from (see [`anonymize::Deanonymized`]).
    pub fn look_up_owners_behind(&mut self, originals: anonymize::Originals) {
        if let Some(owners) = &mut self.owners {
            owners.wrap_lookup(|inner| Box::new(anonymize::Deanonymized { inner, originals }));
        }
    }

    /// The conversation tables built so far.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// A dissector that reads each record's packet comment from `slot` (a capture file's
    /// reader fills it): `frame.comment`, and the process owners sockeye wrote there.
    pub fn with_comments(slot: crate::pcapio::CommentSlot) -> Self {
        Dissector {
            comments: Some(slot),
            ..Self::default()
        }
    }

    /// Number of frames dissected so far.
    pub fn frames(&self) -> u64 {
        self.number
    }

    /// Dissects the next frame (call in capture order).
    pub fn dissect<'a>(&mut self, frame: &Frame<'a>) -> Dissection<'a> {
        let mut d = Dissection::undissected(frame);
        self.fill(frame, &mut d);
        d
    }

    /// Dissects the next frame and hands it to `use_it`: the per-frame loops' way.
    ///
    /// A Dissection is about 1.4 kB (the packet's layers are inline). Returned by value it
    /// is copied whole on every frame — the compiler does not build a returned value in
    /// the caller's place once its address has been lent out — which was a tenth of the
    /// summary path's reading thread. Here it is built once, in this frame, and lent.
    #[inline]
    pub fn dissect_with<'a, R>(
        &mut self,
        frame: &Frame<'a>,
        use_it: impl FnOnce(&Dissection<'a>) -> R,
    ) -> R {
        let mut d = Dissection::undissected(frame);
        self.fill(frame, &mut d);
        use_it(&d)
    }

    /// Every stage, in order, on `d` (made from `frame` by [`Self::dissect`]).
    fn fill<'a>(&mut self, frame: &Frame<'a>, d: &mut Dissection<'a>) {
        self.number += 1;
        let first = *self.first_ts.get_or_insert(frame.ts_ns);
        let prev = self.prev_ts.replace(frame.ts_ns).unwrap_or(frame.ts_ns);
        d.info = FrameInfo {
            number: self.number,
            ts_ns: frame.ts_ns,
            relative_ns: frame.ts_ns - first,
            delta_ns: frame.ts_ns - prev,
            interface: frame.interface,
            interface_name: self.interface_name(frame.interface),
            direction: frame.direction,
        };
        decode::decode_in_place(&mut d.packet);
        let packet = &d.packet;
        if packet.fragment {
            d.reassembled = self.defrag.push(packet, frame.ts_ns);
        }
        let number = d.info.number;
        if let Some(segment) = tcp_segment(packet, number, frame.ts_ns, &mut self.sack) {
            self.analyzer.tcp_into(&segment, &mut d.tcp);
        }
        d.vantage = match (self.vantage.as_mut(), d.tcp.as_ref()) {
            (Some(matcher), Some(_)) => vantage_key(packet).and_then(|key| {
                matcher.observe(
                    key,
                    crate::analysis::vantage::Sighting {
                        frame: number,
                        ts_ns: frame.ts_ns,
                        interface: frame.interface,
                    },
                )
            }),
            _ => None,
        };
        d.udp = udp_datagram(packet, number, frame.ts_ns).map(|u| self.analyzer.udp(&u));
        let process = match (&mut self.owners, &d.tcp, &d.udp) {
            (Some(owners), Some(t), _) => process_facts(owners, packet, true, t.stream),
            (Some(owners), None, Some(u)) => process_facts(owners, packet, false, u.stream),
            _ => None,
        };
        d.comment = self.comments.as_ref().and_then(|slot| slot.take());
        d.process = process.or_else(|| {
            let comment = d.comment.as_deref()?;
            process::from_comment(comment, process::source_end(packet))
        });
        self.app.observe_into(
            packet,
            number,
            d.tcp.as_ref(),
            d.udp.as_ref(),
            d.reassembled.as_ref(),
            &mut d.app,
        );
        d.names = self.names.as_mut().map(|names| {
            // The frame's own DNS answers name hosts from here on; tshark reads them before
            // it fills the Source/Destination columns and draws the tree, after the IP
            // fields (which `frame_names` looks up as of the frames before).
            let mut carried = Vec::new();
            if names.resolve.dns {
                for placed in &d.app.messages {
                    if let app::Message::Dns(dns) = &placed.message {
                        names.hosts.learn(dns, number);
                        carried.extend(crate::names::HostTable::addresses(dns));
                    }
                }
            }
            Box::new(names.frame_names(packet, number, &carried))
        });
    }
}

/// What identifies a TCP segment at both ends of a link (see `analysis::vantage`).
fn vantage_key(packet: &Packet<'_>) -> Option<crate::analysis::vantage::SegmentKey> {
    let tcp = packet.tcp()?;
    let (src, dst) = ip_addresses(packet)?;
    let ip_id = packet.layers.iter().find_map(|layer| match &layer.header {
        decode::Header::Ipv4(ip) => Some(ip.identification()),
        _ => None,
    });
    Some(crate::analysis::vantage::SegmentKey {
        src,
        dst,
        src_port: tcp.source_port(),
        dst_port: tcp.destination_port(),
        seq: tcp.sequence_number(),
        ack: tcp.acknowledgment_number(),
        len: packet.tcp_len.unwrap_or(0),
        flags: decode::tcp_flags(&tcp),
        ip_id,
    })
}

/// The packet's conversation owners, from its addresses and ports.
fn process_facts(
    owners: &mut process::Attribution,
    packet: &Packet<'_>,
    tcp: bool,
    stream: u64,
) -> Option<process::ProcessFacts> {
    let (src, dst) = ip_addresses(packet)?;
    let (sport, dport) = match (packet.tcp(), packet.udp()) {
        (Some(t), _) if tcp => (t.source_port(), t.destination_port()),
        (_, Some(u)) if !tcp => (u.source_port(), u.destination_port()),
        _ => return None,
    };
    Some(owners.facts(
        tcp,
        stream,
        std::net::SocketAddr::new(src, sport),
        std::net::SocketAddr::new(dst, dport),
    ))
}
