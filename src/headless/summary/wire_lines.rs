//! The parts of a tcpdump -n line for tunnels and bridge protocols: what tcpdump prints for
//! each outer header before the inner packet (`IP 192.0.2.1 > 192.0.2.2: GREv0, key=0x2a,
//! seq 101, length 60: IP …`, `MPLS (label 24, tc 5, [S], ttl 63) IP …`) and the one-line
//! STP and LLDP summaries (print-gre.c, print-vxlan.c, print-geneve.c, print-mpls.c,
//! print-stp.c, print-lldp.c in tcpdump 4.99).

use std::fmt::Write as _;

use crate::decode::{lldp_tlvs, Header, Layer, Packet};

/// Writes the headers that carry the innermost IP packet (layer `inner`), outermost first.
pub fn outer(packet: &Packet<'_>, inner: usize, out: &mut String) {
    let layers = packet.layers.get(..inner).unwrap_or(&[]);
    for (index, layer) in layers.iter().enumerate() {
        let next = layers.get(index + 1).map(|l| &l.header);
        let ports = match next {
            Some(Header::Udp(udp)) => Some((udp.source_port(), udp.destination_port())),
            _ => None,
        };
        match &layer.header {
            Header::Ipv4(ip) => {
                let (src, dst) = (ip.source_addr(), ip.destination_addr());
                endpoints("IP", &src, &dst, ports, out);
            }
            Header::Ipv6(ip) => {
                let (src, dst) = (ip.source_addr(), ip.destination_addr());
                endpoints("IP6", &src, &dst, ports, out);
            }
            Header::Gre(bytes) => gre(packet, layers, index, layer, bytes, out),
            Header::Vxlan(bytes) => {
                let flags = bytes.first().copied().unwrap_or(0);
                let vni = be24(bytes, 4);
                let i = if flags & 0x08 != 0 { "I" } else { "." };
                let _ = writeln!(out, "VXLAN, flags [{i}] (0x{flags:02x}), vni {vni}");
            }
            Header::Geneve(bytes) => {
                let (first, flags) = (byte(bytes, 0), byte(bytes, 1));
                let mut names = Vec::new();
                if flags & 0x80 != 0 {
                    names.push("O");
                }
                if flags & 0x40 != 0 {
                    names.push("C");
                }
                let names = if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                };
                let _ = write!(out, "Geneve, Flags [{names}], vni 0x{:x}", be24(bytes, 4));
                let options = usize::from(first & 0x3f) * 4;
                if options > 0 {
                    let _ = write!(out, ", options [{options} bytes]");
                }
                out.push_str(": ");
            }
            Header::Mpls(bytes) => {
                out.push_str("MPLS");
                for entry in bytes.chunks_exact(4) {
                    let word = u32::from_be_bytes([
                        byte(entry, 0),
                        byte(entry, 1),
                        byte(entry, 2),
                        byte(entry, 3),
                    ]);
                    let _ = write!(out, " (label {}, tc {}", word >> 12, (word >> 9) & 7);
                    if word & 0x100 != 0 {
                        out.push_str(", [S]");
                    }
                    let _ = write!(out, ", ttl {})", word & 0xff);
                }
                out.push(' ');
            }
            _ => {}
        }
    }
}

fn endpoints(
    kind: &str,
    src: &dyn std::fmt::Display,
    dst: &dyn std::fmt::Display,
    ports: Option<(u16, u16)>,
    out: &mut String,
) {
    let _ = match ports {
        Some((sport, dport)) => write!(out, "{kind} {src}.{sport} > {dst}.{dport}: "),
        None => write!(out, "{kind} {src} > {dst}: "),
    };
}

/// `GREv0, key=0x2a, seq 101, length 60: `; the length runs to the carrying IP packet's
/// end.
fn gre(
    packet: &Packet<'_>,
    layers: &[Layer<'_>],
    index: usize,
    layer: &Layer<'_>,
    bytes: &[u8],
    out: &mut String,
) {
    let flags = u16::from_be_bytes([byte(bytes, 0), byte(bytes, 1)]);
    let _ = write!(out, "GREv{}, ", flags & 7);
    let mut at = 4;
    if flags & 0x8000 != 0 {
        at += 4;
    }
    if flags & 0x2000 != 0 {
        let _ = write!(out, "key=0x{:x}, ", be32(bytes, at));
        at += 4;
    }
    if flags & 0x1000 != 0 {
        let _ = write!(out, "seq {}, ", be32(bytes, at));
    }
    let ip_end = layers
        .get(..index)
        .and_then(|before| {
            before.iter().rev().find_map(|l| match &l.header {
                Header::Ipv4(ip) => Some(l.offset + usize::from(ip.total_len())),
                Header::Ipv6(ip) => Some(l.offset + 40 + usize::from(ip.payload_length())),
                _ => None,
            })
        })
        .unwrap_or(packet.data.len());
    let _ = write!(out, "length {}: ", ip_end.saturating_sub(layer.offset));
}

/// The STP or LLDP line, if the packet is one (false otherwise).
pub fn bridge(packet: &Packet<'_>, out: &mut String) -> bool {
    match packet.layers.last().map(|l| &l.header) {
        Some(Header::Stp(bpdu)) => stp(bpdu, out),
        Some(Header::Lldp(lldpdu)) => {
            let _ = write!(out, "LLDP, length {}", lldpdu.len());
            for tlv in lldp_tlvs(lldpdu) {
                if tlv.kind == 5 {
                    let _ = write!(out, ": {}", crate::decode::app::printable(tlv.value));
                }
            }
        }
        Some(Header::Cdp(message)) => {
            // tcpdump also dumps the TLVs it does not name in hex, on lines of their own;
            // this line keeps its first and last parts.
            let _ = write!(out, "CDPv{}, ttl: {}s", byte(message, 0), byte(message, 1));
            for (_, kind, value) in crate::decode::cdp_tlvs(message) {
                if kind == 1 {
                    let id = crate::decode::app::printable(value);
                    let _ = write!(out, ", Device-ID '{id}'");
                }
            }
            let _ = write!(out, ", length {}", message.len());
        }
        _ => return false,
    }
    true
}

/// `STP 802.1d, Config, Flags [none], bridge-id 8000.00:1c:0e:87:85:00.8004, length 35`.
fn stp(bpdu: &[u8], out: &mut String) {
    let (version, kind, flags) = (byte(bpdu, 2), byte(bpdu, 3), byte(bpdu, 4));
    let standard = match version {
        0 => "802.1d",
        2 => "802.1w",
        3 => "802.1s",
        _ => "unknown version",
    };
    let _ = write!(out, "STP {standard}");
    let kind = match kind {
        0x80 => {
            out.push_str(", Topology Change");
            return;
        }
        0x00 => "Config",
        0x02 if version == 2 => "Rapid STP",
        0x02 => "Multi STP",
        _ => "Unknown",
    };
    let names: Vec<&str> = [
        (0x01, "Topology change"),
        (0x02, "Proposal"),
        (0x10, "Learn"),
        (0x20, "Forward"),
        (0x40, "Agreement"),
        (0x80, "Topology change ACK"),
    ]
    .iter()
    .filter(|(bit, _)| flags & bit != 0)
    .map(|(_, name)| *name)
    .collect();
    let names = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    };
    let mac: Vec<String> = bpdu
        .get(19..25)
        .unwrap_or(&[])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let _ = write!(
        out,
        ", {kind}, Flags [{names}], bridge-id {:04x}.{}.{:04x}, length {}",
        u16::from_be_bytes([byte(bpdu, 17), byte(bpdu, 18)]),
        mac.join(":"),
        u16::from_be_bytes([byte(bpdu, 25), byte(bpdu, 26)]),
        bpdu.len()
    );
}

fn byte(bytes: &[u8], at: usize) -> u8 {
    bytes.get(at).copied().unwrap_or(0)
}

fn be24(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([0, byte(bytes, at), byte(bytes, at + 1), byte(bytes, at + 2)])
}

fn be32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([
        byte(bytes, at),
        byte(bytes, at + 1),
        byte(bytes, at + 2),
        byte(bytes, at + 3),
    ])
}
