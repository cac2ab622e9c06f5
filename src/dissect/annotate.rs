//! The bridge between decode and analysis: the analysis inputs taken from a decoded packet,
//! and the analysis facts emitted back as Wireshark fields inside the TCP/UDP subtrees.

use std::net::IpAddr;

use arrayvec::ArrayVec;
use etherparse::{TcpOptionElement, TcpOptionsIterator};

use crate::analysis::{ConnState, TcpFacts, TcpSegment, UdpDatagram, UdpFacts, WindowScale};
use crate::decode::{tcp_flags, Address, Annotate, FieldList, Header, Packet};
use crate::field::{FieldId as F, Value};
use crate::names::{oui, FrameNames};

/// The addresses of the innermost IP header (a tunnel's inner packet is the conversation).
pub fn ip_addresses(packet: &Packet<'_>) -> Option<(IpAddr, IpAddr)> {
    match packet.ip_before(packet.layers.len())?.1 {
        Header::Ipv4(ip) => Some((ip.source_addr().into(), ip.destination_addr().into())),
        Header::Ipv6(ip) => Some((ip.source_addr().into(), ip.destination_addr().into())),
        _ => None,
    }
}

/// The addresses of the IP header that carries the innermost layer `pick` matches (a
/// VXLAN packet's UDP is the outer one, its TCP the inner one).
fn carrier_addresses(
    packet: &Packet<'_>,
    pick: impl Fn(&Header<'_>) -> bool,
) -> Option<(IpAddr, IpAddr)> {
    let index = packet.layers.iter().rposition(|l| pick(&l.header))?;
    match packet.ip_before(index)?.1 {
        Header::Ipv4(ip) => Some((ip.source_addr().into(), ip.destination_addr().into())),
        Header::Ipv6(ip) => Some((ip.source_addr().into(), ip.destination_addr().into())),
        _ => None,
    }
}

/// SACK blocks of one segment (at most 4 fit in the options).
pub type SackBlocks = ArrayVec<(u32, u32), 4>;

/// Fills `sack` and returns the analysis input for the packet's TCP segment, if any.
pub fn tcp_segment<'p>(
    packet: &Packet<'p>,
    frame: u64,
    ts_ns: i64,
    sack: &'p mut SackBlocks,
) -> Option<TcpSegment<'p>> {
    let tcp = packet.tcp()?;
    let (src, dst) = carrier_addresses(packet, |h| matches!(h, Header::Tcp(_)))?;
    let mut window_scale = None;
    let mut sack_permitted = false;
    let mut mss = None;
    sack.clear();
    let options = tcp.slice().get(20..).unwrap_or(&[]);
    for element in TcpOptionsIterator::from_slice(options).flatten() {
        match element {
            TcpOptionElement::WindowScale(shift) => window_scale = Some(shift),
            TcpOptionElement::SelectiveAcknowledgementPermitted => sack_permitted = true,
            TcpOptionElement::MaximumSegmentSize(v) => mss = Some(v),
            TcpOptionElement::SelectiveAcknowledgement(first, rest) => {
                for block in std::iter::once(first).chain(rest.into_iter().flatten()) {
                    let _ = sack.try_push(block);
                }
            }
            _ => {}
        }
    }
    Some(TcpSegment {
        frame,
        ts_ns,
        frame_len: packet.orig_len,
        src,
        dst,
        src_port: tcp.source_port(),
        dst_port: tcp.destination_port(),
        seq: tcp.sequence_number(),
        ack: tcp.acknowledgment_number(),
        flags: tcp_flags(&tcp),
        window: tcp.window_size(),
        payload: packet.payload_bytes(),
        payload_len: packet.tcp_len.unwrap_or(0),
        window_scale,
        sack_permitted,
        sack_blocks: sack,
        mss,
    })
}

/// The analysis input for the packet's UDP datagram, if any.
pub fn udp_datagram<'p>(packet: &Packet<'p>, frame: u64, ts_ns: i64) -> Option<UdpDatagram<'p>> {
    let udp = packet.udp()?;
    let (src, dst) = carrier_addresses(packet, |h| matches!(h, Header::Udp(_)))?;
    // A tunnel's UDP (VXLAN, Geneve) carries the whole inner frame, not the innermost
    // payload.
    let payload = match packet.layers.last() {
        Some(last) if !matches!(last.header, Header::Udp(_)) => packet
            .layers
            .iter()
            .rfind(|l| matches!(l.header, Header::Udp(_)))
            .and_then(|l| {
                let start = l.offset + l.len;
                let end = (l.offset + usize::from(udp.length())).min(packet.data.len());
                packet.data.get(start..end)
            })
            .unwrap_or(&[]),
        _ => packet.payload_bytes(),
    };
    Some(UdpDatagram {
        frame,
        ts_ns,
        frame_len: packet.orig_len,
        src,
        dst,
        src_port: udp.source_port(),
        dst_port: udp.destination_port(),
        payload,
    })
}

/// Analysis facts of one packet, ready to be emitted into its field tree.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts<'f> {
    pub tcp: Option<&'f TcpFacts>,
    pub udp: Option<&'f UdpFacts>,
    /// The TCP segment is a SYN: its window is never scaled, and tshark shows no scaling
    /// factor on it.
    pub syn: bool,
    /// TCP payload bytes: tshark analyses every segment that carries data (bytes in
    /// flight), so its SEQ/ACK analysis subtree is always there.
    pub tcp_len: u32,
    /// The segment carries FIN: it either starts or completes the close.
    pub fin: bool,
    /// The names the pipeline resolved for this frame (`-N`, or the UI's `R`).
    pub names: Option<&'f FrameNames>,
}

impl<'a> Annotate<'a> for Facts<'a> {
    /// tshark's resolved-name fields of an address: the vendor name of a MAC
    /// (`eth.dst_resolved`, with `eth.dst.oui` and the vendor's long name) inside its
    /// subtree, and the learned host name of an IP address (`ip.src_host`) beside it.
    /// Without resolution they hold the plain address, as tshark's do.
    fn address(&self, address: Address, out: &mut FieldList<'a>) {
        match address {
            Address::Eth { nth, source, mac } => {
                let [resolved_id, oui_id, vendor_id] = if source {
                    [F::EthSrcResolved, F::EthSrcOui, F::EthSrcOuiResolved]
                } else {
                    [F::EthDstResolved, F::EthDstOui, F::EthDstOuiResolved]
                };
                let named =
                    self.names
                        .and_then(|n| n.eth.get(nth))
                        .map(|(dst, src)| if source { src } else { dst });
                let resolved = named.map_or(Value::Mac(mac), |name| Value::Text(name));
                out.fact(resolved_id, resolved, 2);
                out.fact(oui_id, Value::U64(u64::from(oui::oui(mac))), 2);
                // The vendor's long name costs the vendor table's unpacking (a pause on the
                // UI's first tree): only when vendors are resolved anyway, or this field
                // was asked for by name. tshark fills it without names too.
                let vendors = self.names.is_some_and(|n| n.resolve.mac);
                if vendors || out.asks(vendor_id) {
                    if let Some(vendor) = oui::vendor_long_name(oui::oui(mac)) {
                        out.fact(vendor_id, Value::Text(vendor), 2);
                    }
                }
            }
            Address::Ip { nth, source, addr } => {
                let id = match (addr, source) {
                    (IpAddr::V4(_), true) => F::IpSrcHost,
                    (IpAddr::V4(_), false) => F::IpDstHost,
                    (IpAddr::V6(_), true) => F::Ipv6SrcHost,
                    (IpAddr::V6(_), false) => F::Ipv6DstHost,
                };
                let host = self
                    .names
                    .and_then(|n| n.hosts.get(nth))
                    .and_then(|(src, dst)| if source { src } else { dst }.as_deref());
                let value = match (host, addr) {
                    (Some(name), _) => Value::Text(name),
                    (None, IpAddr::V4(a)) => Value::Ipv4(a.octets()),
                    (None, IpAddr::V6(a)) => Value::Ipv6(a.octets()),
                };
                out.fact(id, value, 1);
            }
        }
    }

    fn tcp(&self, out: &mut FieldList<'a>) {
        let Some(facts) = self.tcp else {
            return;
        };
        out.fact(F::TcpStream, Value::U64(facts.stream), 1);
        out.fact(F::TcpCompleteness, Value::U64(facts.completeness.into()), 1);
        // The first FIN of a stream initiates the close; a FIN after the other side's
        // undergoes it.
        if self.fin {
            match facts.state {
                ConnState::HalfClosed { .. } => out.fact(F::TcpConnectionFinActive, Value::None, 3),
                ConnState::Closing | ConnState::Closed => {
                    out.fact(F::TcpConnectionFinPassive, Value::None, 3)
                }
                _ => {}
            }
        }
        out.fact(F::TcpSeq, Value::U64(facts.seq_rel.into()), 1);
        out.fact(F::TcpNxtseq, Value::U64(facts.nxtseq_rel.into()), 1);
        out.fact(F::TcpAck, Value::U64(facts.ack_rel.into()), 1);
        out.fact(F::TcpWindowSize, Value::U64(facts.window_size), 1);
        if self.syn {
            return;
        }
        // tshark's values: the factor, -1 when no handshake told it (unknown), -2 when the
        // handshake showed scaling is not used.
        let factor = match facts.window_scale {
            WindowScale::Shift(shift) => Value::U64(1u64 << shift.min(14)),
            WindowScale::Unknown => Value::I64(-1),
            WindowScale::NotUsed => Value::I64(-2),
        };
        out.fact(F::TcpWindowSizeScalefactor, factor, 1);
    }

    fn tcp_end(&self, out: &mut FieldList<'a>) {
        let Some(facts) = self.tcp else {
            return;
        };
        out.fact(F::TcpTimeRelative, Value::Nanos(facts.stream_rel_ns), 2);
        out.fact(F::TcpTimeDelta, Value::Nanos(facts.stream_delta_ns), 2);
        let has_ack_info = facts.acks_frame.is_some();
        if facts.flags.is_empty() && !has_ack_info && facts.dup_ack_num == 0 && self.tcp_len == 0 {
            return;
        }
        out.fact(F::TcpAnalysis, Value::None, 1);
        if let Some(frame) = facts.acks_frame {
            out.fact(F::TcpAnalysisAcksFrame, Value::U64(frame), 2);
        }
        if let Some(rtt) = facts.ack_rtt_ns {
            out.fact(F::TcpAnalysisAckRtt, Value::Nanos(rtt), 2);
        }
        // The handshake's round trip, once the handshake is complete.
        if let Some(irtt) = facts.handshake.rtt_ns {
            out.fact(F::TcpAnalysisInitialRtt, Value::Nanos(irtt), 2);
        }
        if !facts.flags.is_empty() {
            out.fact(F::TcpAnalysisFlags, Value::None, 2);
            for flag in facts.flags.iter() {
                out.fact(flag.field(), Value::None, 3);
            }
            if facts.dup_ack_num > 0 {
                out.fact(
                    F::TcpAnalysisDuplicateAckNum,
                    Value::U64(facts.dup_ack_num.into()),
                    3,
                );
                out.fact(
                    F::TcpAnalysisDuplicateAckFrame,
                    Value::U64(facts.dup_ack_frame),
                    3,
                );
            }
            for (_, reason) in &facts.reasons {
                out.fact(F::TcpAnalysisReason, Value::Text(reason), 3);
            }
        }
    }

    fn udp(&self, out: &mut FieldList<'a>) {
        if let Some(facts) = self.udp {
            out.fact(F::UdpStream, Value::U64(facts.stream), 1);
        }
    }
}
