//! The fast path: the fields people filter on most, read straight from the decoded headers
//! without emitting the packet's field list (which costs ~3× the unfiltered read). Each
//! getter must give exactly the occurrences `decode::emit` gives; a test checks that over
//! the textbook captures. Anything not listed here goes through the field list.

use super::eval::FieldSource;
use super::source::protocol_bytes;
use crate::decode::{FrameInfo, Header, Packet};
use crate::field::{FieldId as F, Value};

/// Whether [`Fast`] can produce `id` without emitting.
pub fn supported(id: F) -> bool {
    matches!(
        id,
        F::Frame
            | F::FrameNumber
            | F::FrameLen
            | F::FrameCapLen
            | F::FrameTimeEpoch
            | F::FrameTimeRelative
            | F::FrameTimeDelta
            | F::FrameInterfaceId
            | F::Null
            | F::Sll
            | F::Eth
            | F::EthSrc
            | F::EthDst
            | F::EthType
            | F::Vlan
            | F::VlanId
            | F::Arp
            | F::Ip
            | F::IpSrc
            | F::IpDst
            | F::IpProto
            | F::IpTtl
            | F::IpLen
            | F::IpId
            | F::IpFlagsDf
            | F::IpFlagsMf
            | F::IpFragOffset
            | F::Ipv6
            | F::Ipv6Src
            | F::Ipv6Dst
            | F::Ipv6Nxt
            | F::Ipv6Hlim
            | F::Ipv6Plen
            | F::Tcp
            | F::TcpSrcport
            | F::TcpDstport
            | F::TcpLen
            | F::TcpSeqRaw
            | F::TcpAckRaw
            | F::TcpHdrLen
            | F::TcpFlags
            | F::TcpFlagsSyn
            | F::TcpFlagsAck
            | F::TcpFlagsFin
            | F::TcpFlagsReset
            | F::TcpFlagsPush
            | F::TcpFlagsUrg
            | F::TcpWindowSizeValue
            | F::Udp
            | F::UdpSrcport
            | F::UdpDstport
            | F::UdpLength
            | F::Icmp
            | F::IcmpType
            | F::IcmpCode
            | F::Icmpv6
            | F::Icmpv6Type
            | F::Icmpv6Code
    )
}

/// Occurrences read from a decoded packet (no reassembled datagram: that goes the slow way).
pub struct Fast<'p, 'a> {
    pub packet: &'p Packet<'a>,
    pub info: &'p FrameInfo,
}

fn u(v: impl Into<u64>) -> Value<'static> {
    Value::U64(v.into())
}

impl Fast<'_, '_> {
    /// Runs `f` on the value `get` extracts from each layer it applies to.
    fn layers(
        &self,
        get: impl Fn(&Header<'_>, usize) -> Option<Value<'static>>,
        f: &mut dyn FnMut(&Value<'_>) -> bool,
    ) -> bool {
        self.packet
            .layers
            .iter()
            .filter_map(|layer| get(&layer.header, layer.offset))
            .any(|v| f(&v))
    }

    fn protocol(&self, is: fn(&Header<'_>) -> bool, f: &mut dyn FnMut(&Value<'_>) -> bool) -> bool {
        let data = self.packet.data;
        self.packet
            .layers
            .iter()
            .filter(|layer| is(&layer.header))
            .any(|layer| {
                let link = matches!(
                    layer.header,
                    Header::Null { .. }
                        | Header::Sll(_)
                        | Header::Sll2(_)
                        | Header::Ethernet(_)
                        | Header::Vlan(_)
                );
                f(&Value::Bytes(protocol_bytes(
                    link,
                    data,
                    layer.offset,
                    self.packet.net_end,
                )))
            })
    }
}

impl FieldSource for Fast<'_, '_> {
    fn any(&self, id: F, f: &mut dyn FnMut(&Value<'_>) -> bool) -> bool {
        use Header as H;
        let p = self.packet;
        let info = self.info;
        match id {
            F::Frame => f(&Value::Bytes(p.data)),
            F::FrameNumber => f(&u(info.number)),
            F::FrameLen => f(&u(p.orig_len)),
            F::FrameCapLen => f(&u(p.data.len() as u64)),
            F::FrameTimeEpoch => f(&Value::Nanos(info.ts_ns)),
            F::FrameTimeRelative => f(&Value::Nanos(info.relative_ns)),
            F::FrameTimeDelta => f(&Value::Nanos(info.delta_ns)),
            F::FrameInterfaceId => f(&u(info.interface)),
            F::Null => self.protocol(|h| matches!(h, H::Null { .. }), f),
            F::Sll => self.protocol(|h| matches!(h, H::Sll(_) | H::Sll2(_)), f),
            F::Eth => self.protocol(|h| matches!(h, H::Ethernet(_)), f),
            F::Vlan => self.protocol(|h| matches!(h, H::Vlan(_)), f),
            F::Arp => self.protocol(|h| matches!(h, H::Arp(_)), f),
            F::Ip => self.protocol(|h| matches!(h, H::Ipv4(_)), f),
            F::Ipv6 => self.protocol(|h| matches!(h, H::Ipv6(_)), f),
            F::Tcp => self.protocol(|h| matches!(h, H::Tcp(_)), f),
            F::Udp => self.protocol(|h| matches!(h, H::Udp(_)), f),
            F::Icmp => self.protocol(|h| matches!(h, H::Icmpv4(_)), f),
            F::Icmpv6 => self.protocol(|h| matches!(h, H::Icmpv6(_)), f),
            F::TcpLen => self.layers(
                |h, _| matches!(h, H::Tcp(_)).then(|| u(p.tcp_len.unwrap_or(0))),
                f,
            ),
            _ => self.layers(|h, _| header_value(id, h), f),
        }
    }
}

/// The value of a fixed header field of `h`, if `h` is the header that carries `id`.
fn header_value(id: F, h: &Header<'_>) -> Option<Value<'static>> {
    use Header as H;
    Some(match (id, h) {
        (F::EthSrc, H::Ethernet(e)) => Value::Mac(e.source()),
        (F::EthDst, H::Ethernet(e)) => Value::Mac(e.destination()),
        (F::EthType, H::Ethernet(e)) => u(e.ether_type().0),
        (F::VlanId, H::Vlan(v)) => u(v.vlan_identifier().value()),
        (F::IpSrc, H::Ipv4(ip)) => Value::Ipv4(ip.source()),
        (F::IpDst, H::Ipv4(ip)) => Value::Ipv4(ip.destination()),
        (F::IpProto, H::Ipv4(ip)) => u(ip.protocol().0),
        (F::IpTtl, H::Ipv4(ip)) => u(ip.ttl()),
        (F::IpLen, H::Ipv4(ip)) => u(ip.total_len()),
        (F::IpId, H::Ipv4(ip)) => u(ip.identification()),
        (F::IpFlagsDf, H::Ipv4(ip)) => Value::Bool(ip.dont_fragment()),
        (F::IpFlagsMf, H::Ipv4(ip)) => Value::Bool(ip.more_fragments()),
        (F::IpFragOffset, H::Ipv4(ip)) => u(ip.fragments_offset().value()),
        (F::Ipv6Src, H::Ipv6(ip)) => Value::Ipv6(ip.source()),
        (F::Ipv6Dst, H::Ipv6(ip)) => Value::Ipv6(ip.destination()),
        (F::Ipv6Nxt, H::Ipv6(ip)) => u(ip.next_header().0),
        (F::Ipv6Hlim, H::Ipv6(ip)) => u(ip.hop_limit()),
        (F::Ipv6Plen, H::Ipv6(ip)) => u(ip.payload_length()),
        (F::TcpSrcport, H::Tcp(t)) => u(t.source_port()),
        (F::TcpDstport, H::Tcp(t)) => u(t.destination_port()),
        (F::TcpSeqRaw, H::Tcp(t)) => u(t.sequence_number()),
        (F::TcpAckRaw, H::Tcp(t)) => u(t.acknowledgment_number()),
        (F::TcpHdrLen, H::Tcp(t)) => u(t.slice().len() as u64),
        (F::TcpFlags, H::Tcp(t)) => u(crate::decode::tcp_flags(t)),
        (F::TcpFlagsSyn, H::Tcp(t)) => Value::Bool(t.syn()),
        (F::TcpFlagsAck, H::Tcp(t)) => Value::Bool(t.ack()),
        (F::TcpFlagsFin, H::Tcp(t)) => Value::Bool(t.fin()),
        (F::TcpFlagsReset, H::Tcp(t)) => Value::Bool(t.rst()),
        (F::TcpFlagsPush, H::Tcp(t)) => Value::Bool(t.psh()),
        (F::TcpFlagsUrg, H::Tcp(t)) => Value::Bool(t.urg()),
        (F::TcpWindowSizeValue, H::Tcp(t)) => u(t.window_size()),
        (F::UdpSrcport, H::Udp(x)) => u(x.source_port()),
        (F::UdpDstport, H::Udp(x)) => u(x.destination_port()),
        (F::UdpLength, H::Udp(x)) => u(x.length()),
        (F::IcmpType, H::Icmpv4(i)) => u(i.type_u8()),
        (F::IcmpCode, H::Icmpv4(i)) => u(i.code_u8()),
        (F::Icmpv6Type, H::Icmpv6(i)) => u(i.type_u8()),
        (F::Icmpv6Code, H::Icmpv6(i)) => u(i.code_u8()),
        _ => return None,
    })
}
