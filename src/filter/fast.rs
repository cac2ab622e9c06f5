//! The fast path: frame facts and every fixed header field, read straight from the decoded
//! headers where `field::layout` puts them, without emitting the packet's field list (which
//! costs ~3× the unfiltered read). It must give exactly the occurrences `decode::emit`
//! gives; a test checks that over the textbook captures. Anything else (options, analysis
//! facts, checksum verdicts) goes through the field list.

use super::eval::FieldSource;
use super::source::protocol_bytes;
use crate::decode::{Cut, FrameInfo, Header, Packet};
use crate::field::{layout, FieldId as F, Value};

/// Whether [`Fast`] can produce `id` without emitting: frame facts, protocol markers,
/// `tcp.len`, and every fixed header field the layout declares.
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
            | F::Vlan
            | F::Arp
            | F::Ip
            | F::Ipv6
            | F::Tcp
            | F::Udp
            | F::Icmp
            | F::Icmpv6
            | F::TcpLen
    ) || layout::is_fixed(id)
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
    /// Runs `f` on `id`'s value in each layer whose layout declares it.
    fn fixed(&self, id: F, f: &mut dyn FnMut(&Value<'_>) -> bool) -> bool {
        self.packet.layers.iter().any(|layer| {
            layer
                .header
                .layout()
                .iter()
                .find(|l| l.id == id)
                .and_then(|l| l.value(layer.header.bytes()))
                .is_some_and(|v| f(&v))
        })
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
            // A header cut short by a lying length is still its protocol.
            F::Ip => self.protocol(
                |h| {
                    matches!(
                        h,
                        H::Ipv4(_)
                            | H::Cut {
                                kind: Cut::Ipv4,
                                ..
                            }
                    )
                },
                f,
            ),
            F::Ipv6 => self.protocol(|h| matches!(h, H::Ipv6(_)), f),
            F::Tcp => self.protocol(
                |h| matches!(h, H::Tcp(_) | H::Cut { kind: Cut::Tcp, .. }),
                f,
            ),
            F::Udp => self.protocol(
                |h| matches!(h, H::Udp(_) | H::Cut { kind: Cut::Udp, .. }),
                f,
            ),
            F::Icmp => self.protocol(|h| matches!(h, H::Icmpv4(_)), f),
            F::Icmpv6 => self.protocol(|h| matches!(h, H::Icmpv6(_)), f),
            F::TcpLen => p
                .layers
                .iter()
                .filter(|layer| matches!(layer.header, H::Tcp(_)))
                .any(|_| f(&u(p.tcp_len.unwrap_or(0)))),
            _ => self.fixed(id, f),
        }
    }
}
