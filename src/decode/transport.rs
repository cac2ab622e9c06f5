//! Transport layers: TCP (options), UDP, ICMPv4, ICMPv6.

use etherparse::err::tcp::HeaderSliceError as TcpError;
use etherparse::{Icmpv4Slice, Icmpv6Slice, IpNumber, TcpHeaderSlice, UdpHeaderSlice};

use super::{Header, Packet, StopReason};

/// Decodes the transport header between `start` and `end` (`end` = end of the IP payload
/// that was captured; `claimed_end` = where the IP lengths say it ends).
pub(super) fn decode_transport(
    packet: &mut Packet<'_>,
    protocol: IpNumber,
    start: usize,
    end: usize,
    claimed_end: usize,
) {
    let bytes = packet.data.get(start..end).unwrap_or(&[]);
    match protocol {
        IpNumber::TCP => match TcpHeaderSlice::from_slice(bytes) {
            Ok(tcp) => {
                let header_len = tcp.slice().len();
                if packet.push(Header::Tcp(tcp), start, header_len) {
                    let payload_start = start + header_len;
                    packet.tcp_len = Some(claimed_end.saturating_sub(payload_start) as u32);
                    packet.payload = Some((payload_start, end.saturating_sub(payload_start)));
                }
            }
            Err(TcpError::Len(err)) => packet.truncated(start, "tcp", err.required_len),
            Err(TcpError::Content(err)) => {
                packet.stop_at(start, "tcp", StopReason::Invalid(err.to_string()))
            }
        },
        IpNumber::UDP => match UdpHeaderSlice::from_slice(bytes) {
            Ok(udp) => {
                let udp_len = usize::from(udp.length());
                if packet.push(Header::Udp(udp), start, 8) {
                    let payload_end = if udp_len >= 8 {
                        (start + udp_len).min(end)
                    } else {
                        end
                    };
                    packet.payload = Some((start + 8, payload_end.saturating_sub(start + 8)));
                    let ip_payload = claimed_end.saturating_sub(start);
                    if udp_len < 8 {
                        packet.stop_at(
                            start,
                            "udp",
                            StopReason::Invalid(format!(
                                "length field {udp_len} is smaller than the 8-byte header"
                            )),
                        );
                    } else if udp_len > ip_payload {
                        // Otherwise the summary would print a payload length the packet
                        // cannot hold (tshark: "Bad length value … > IP payload length").
                        packet.stop_at(
                            start,
                            "udp",
                            StopReason::Invalid(format!(
                                "length field {udp_len} is larger than the {ip_payload}-byte IP payload"
                            )),
                        );
                    }
                }
            }
            Err(err) => packet.truncated(start, "udp", err.required_len),
        },
        IpNumber::ICMP => match Icmpv4Slice::from_slice(bytes) {
            Ok(icmp) => {
                let header_len = icmp.header_len();
                let payload_len = icmp.payload().len();
                if packet.push(Header::Icmpv4(icmp), start, header_len) {
                    packet.payload = Some((start + header_len, payload_len));
                }
            }
            Err(err) => packet.truncated(start, "icmp", err.required_len),
        },
        IpNumber::IPV6_ICMP => match Icmpv6Slice::from_slice(bytes) {
            Ok(icmp) => {
                let header_len = icmp.header_len();
                let payload_len = icmp.payload().len();
                if packet.push(Header::Icmpv6(icmp), start, header_len) {
                    packet.payload = Some((start + header_len, payload_len));
                }
            }
            Err(err) => packet.truncated(start, "icmpv6", err.required_len),
        },
        _ => packet.payload = Some((start, end.saturating_sub(start))),
    }
}
