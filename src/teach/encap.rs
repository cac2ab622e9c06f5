//! Nested boxes Ethernet ⊃ IP ⊃ transport ⊃ payload, each with its byte offset and length
//! and *how* that length is known, followed by the frame's bytes tagged by layer.

use std::fmt::Write as _;

use crate::decode::{Header, Packet};
use crate::dissect::app::Message;
use crate::dissect::Dissection;
use crate::field::FieldId;

/// One level of the nesting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncapLayer {
    pub name: String,
    pub start: usize,
    /// Header bytes.
    pub header_len: usize,
    /// How the header length is known.
    pub how: String,
    /// One line of the most telling values.
    pub detail: String,
    /// Tag letter used under the hex bytes.
    pub tag: char,
    /// The box's byte range and length are not written (a quiz asks for the length).
    pub hide_len: bool,
}

fn ipv4_str(a: [u8; 4]) -> String {
    std::net::Ipv4Addr::from(a).to_string()
}

/// The layers of `packet` with their lengths and how each is known.
pub fn layers(packet: &Packet<'_>) -> Vec<EncapLayer> {
    layers_hiding(packet, &[])
}

/// What a quiz question hides: `??` in place of the value (the mask the details tree and
/// the diagrams use).
const HIDDEN: &str = "??";

/// [`layers`] with the values of the `hidden` fields written as `??`, wherever a box
/// would give them away (an open quiz question asks for them): IPv4's total length and
/// IPv6's payload length, the TCP header's length (its byte range too) and its
/// acknowledgement number.
pub fn layers_hiding(packet: &Packet<'_>, hidden: &[FieldId]) -> Vec<EncapLayer> {
    let hides = |id: FieldId| hidden.contains(&id);
    let shown = |id: FieldId, value: String| {
        if hides(id) {
            HIDDEN.to_string()
        } else {
            value
        }
    };
    let mut out = Vec::new();
    for layer in &packet.layers {
        let (name, how, detail, tag) = match &layer.header {
            Header::Ethernet(eth) => (
                "Ethernet II".to_string(),
                "fixed 14-byte header".to_string(),
                format!(
                    "{} → {}, type 0x{:04x}",
                    mac(eth.source()),
                    mac(eth.destination()),
                    eth.ether_type().0
                ),
                'E',
            ),
            Header::Vlan(v) => (
                "802.1Q VLAN tag".to_string(),
                "fixed 4 bytes".to_string(),
                format!(
                    "VLAN {}, inner type 0x{:04x}",
                    v.vlan_identifier().value(),
                    v.ether_type().0
                ),
                'V',
            ),
            Header::Sll(_) | Header::Sll2(_) => (
                "Linux cooked capture".to_string(),
                format!("fixed {} bytes", layer.len),
                String::new(),
                'L',
            ),
            Header::Null { family } => (
                "BSD loopback".to_string(),
                "fixed 4 bytes".to_string(),
                format!("family {family}"),
                'L',
            ),
            Header::Arp(_) => (
                "ARP".to_string(),
                "8 bytes + 2 × (hardware size + protocol size)".to_string(),
                String::new(),
                'A',
            ),
            Header::Ipv4(ip) => (
                "IPv4".to_string(),
                format!("IHL {} × 4 = {} bytes", ip.ihl(), layer.len),
                format!(
                    "{} → {}, total length {} (header + everything inside), TTL {}, protocol {}",
                    ipv4_str(ip.source()),
                    ipv4_str(ip.destination()),
                    shown(FieldId::IpLen, ip.total_len().to_string()),
                    ip.ttl(),
                    ip.protocol().0
                ),
                'I',
            ),
            Header::Ipv6(ip) => (
                "IPv6".to_string(),
                "fixed 40 bytes".to_string(),
                format!(
                    "{} → {}, payload length {}, next header {}",
                    ip.source_addr(),
                    ip.destination_addr(),
                    shown(FieldId::Ipv6Plen, ip.payload_length().to_string()),
                    ip.next_header().0
                ),
                'I',
            ),
            Header::Ipv6Ext { slice, .. } => (
                "IPv6 extension header".to_string(),
                format!("{} bytes (length field)", slice.len()),
                String::new(),
                'X',
            ),
            Header::Tcp(tcp) => (
                "TCP".to_string(),
                format!(
                    "data offset {} × 4 = {} bytes",
                    tcp.data_offset(),
                    shown(FieldId::TcpHdrLen, layer.len.to_string())
                ),
                format!(
                    "port {} → {}, seq {}, ack {}",
                    tcp.source_port(),
                    tcp.destination_port(),
                    tcp.sequence_number(),
                    shown(FieldId::TcpAckRaw, tcp.acknowledgment_number().to_string())
                ),
                'T',
            ),
            Header::Udp(udp) => (
                "UDP".to_string(),
                "fixed 8 bytes".to_string(),
                format!(
                    "port {} → {}, length field {} (header + data)",
                    udp.source_port(),
                    udp.destination_port(),
                    udp.length()
                ),
                'U',
            ),
            Header::Icmpv4(icmp) => (
                "ICMP".to_string(),
                format!("{} bytes for this type", layer.len),
                format!("type {}, code {}", icmp.type_u8(), icmp.code_u8()),
                'C',
            ),
            Header::Icmpv6(icmp) => (
                "ICMPv6".to_string(),
                format!("{} bytes for this type", layer.len),
                format!("type {}, code {}", icmp.type_u8(), icmp.code_u8()),
                'C',
            ),
            // LLC, the bridge protocols and tunnel headers: a box named as tshark's
            // frame.protocols names it; a tunnel's inner packet nests as its own boxes.
            other => (
                other.name().to_uppercase(),
                format!("{} bytes as decoded", layer.len),
                String::new(),
                'W',
            ),
        };
        out.push(EncapLayer {
            name,
            start: layer.offset,
            header_len: layer.len,
            how,
            detail,
            tag,
            hide_len: matches!(layer.header, Header::Tcp(_)) && hides(FieldId::TcpHdrLen),
        });
    }
    if let Some((start, len)) = packet.payload {
        let how = payload_how(packet, len, &shown);
        out.push(EncapLayer {
            name: "Payload".to_string(),
            start,
            header_len: len,
            how,
            detail: preview(packet.payload_bytes()),
            tag: 'P',
            hide_len: false,
        });
    }
    out
}

fn payload_how(
    packet: &Packet<'_>,
    len: usize,
    shown: &dyn Fn(FieldId, String) -> String,
) -> String {
    if packet.fragment {
        return format!(
            "an IP fragment: {len} bytes of a bigger datagram, reassembled when all fragments arrive"
        );
    }
    let last = packet.layers.last().map(|l| &l.header);
    match last {
        Some(Header::Tcp(_)) => {
            let ip_hl = packet.layers.iter().find_map(|l| match l.header {
                Header::Ipv4(_) | Header::Ipv6(_) => Some(l.len),
                _ => None,
            });
            let tcp_hl = packet.layers.last().map_or(0, |l| l.len);
            match (packet.ipv4(), ip_hl) {
                (Some(ip), Some(hl)) => format!(
                    "IP total length {} − IP header {hl} − TCP header {} = {} bytes",
                    shown(FieldId::IpLen, ip.total_len().to_string()),
                    shown(FieldId::TcpHdrLen, tcp_hl.to_string()),
                    packet.tcp_len.unwrap_or(0)
                ),
                _ => format!(
                    "IP payload length − TCP header {} = {len} bytes",
                    shown(FieldId::TcpHdrLen, tcp_hl.to_string())
                ),
            }
        }
        Some(Header::Udp(udp)) => format!("UDP length {} − 8 = {len} bytes", udp.length()),
        _ => format!("the rest of the packet: {len} bytes"),
    }
}

fn mac(m: [u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn preview(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "(no data)".to_string();
    }
    let text: String = bytes
        .iter()
        .take(32)
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                char::from(b)
            } else {
                '.'
            }
        })
        .collect();
    let more = if bytes.len() > 32 { "…" } else { "" };
    format!("\"{text}{more}\"")
}

/// The layers of a dissected packet: as [`layers`], with the application message the
/// pipeline decoded as the innermost box (Ethernet ⊃ IPv4 ⊃ UDP ⊃ DNS; HTTP inside TCP;
/// TLS records) in place of an anonymous payload.
pub fn layers_of(d: &Dissection<'_>) -> Vec<EncapLayer> {
    layers_of_hiding(d, &[])
}

/// [`layers_of`] with the `hidden` fields' values as `??` (see [`layers_hiding`]).
pub fn layers_of_hiding(d: &Dissection<'_>, hidden: &[FieldId]) -> Vec<EncapLayer> {
    let mut out = layers_hiding(&d.packet, hidden);
    let Some(last) = d.app.messages.last() else {
        return out;
    };
    let Some(payload) = out.last_mut().filter(|l| l.tag == 'P') else {
        return out;
    };
    let (protocol, info) = d.columns();
    let what = match &last.message {
        Message::Dns(_) => "Domain Name System message".to_string(),
        Message::Http(h) if h.is_request() => "HTTP request".to_string(),
        Message::Http(_) => "HTTP response".to_string(),
        Message::Tls(t) => format!("TLS record{}", if t.records.len() == 1 { "" } else { "s" }),
        _ => format!("{protocol} message"),
    };
    let count = d.app.messages.len();
    payload.name = protocol.to_string();
    payload.detail = if count > 1 {
        format!("{count} messages: {}", info.trim_end())
    } else {
        format!("{what}: {}", info.trim_end())
    };
    if let Some(pdu) = &d.app.pdu {
        // The message began in earlier segments: this frame completed it.
        payload.how = format!(
            "{}; completes a {}-byte message begun in earlier segments",
            payload.how,
            pdu.len()
        );
    }
    payload.tag = 'A';
    out
}

/// The encapsulation view of a dissected packet, the application layer innermost.
pub fn encapsulation_of(d: &Dissection<'_>, width: usize) -> String {
    render(&d.packet, &layers_of(d), width)
}

/// [`encapsulation_of`] with the `hidden` fields' values as `??`: what the encapsulation
/// view shows while a quiz question asks for one of them.
pub fn encapsulation_hiding(d: &Dissection<'_>, width: usize, hidden: &[FieldId]) -> String {
    render(&d.packet, &layers_of_hiding(d, hidden), width)
}

/// The encapsulation view as text, `width` columns wide (at least 60).
pub fn encapsulation(packet: &Packet<'_>, width: usize) -> String {
    render(packet, &layers(packet), width)
}

fn render(packet: &Packet<'_>, layers: &[EncapLayer], width: usize) -> String {
    let width = width.max(60);
    let mut out = String::new();
    let depth = layers.len();
    // A box at depth i has i rails on each side (2 columns each) and its own two borders:
    // everything fits in `width`, so an inner box never draws over an outer border.
    for (i, layer) in layers.iter().enumerate() {
        let indent = "│ ".repeat(i);
        let inner = width.saturating_sub(4 * i + 1);
        let title = if layer.header_len == 0 {
            format!("┌ {} — empty ({}) ", layer.name, layer.how)
        } else if layer.hide_len {
            format!(
                "┌ {} — bytes {}–{HIDDEN} ({HIDDEN} bytes: {}) ",
                layer.name, layer.start, layer.how
            )
        } else {
            format!(
                "┌ {} — bytes {}–{} ({} bytes: {}) ",
                layer.name,
                layer.start,
                layer.start + layer.header_len - 1,
                layer.header_len,
                layer.how
            )
        };
        let _ = writeln!(
            out,
            "{indent}{}┐{}",
            pad(&title, inner, '─'),
            " │".repeat(i)
        );
        if !layer.detail.is_empty() {
            let _ = writeln!(
                out,
                "{indent}{}│{}",
                pad(&format!("│ {}", layer.detail), inner, ' '),
                " │".repeat(i)
            );
        }
    }
    for i in (0..depth).rev() {
        let indent = "│ ".repeat(i);
        let inner = width.saturating_sub(4 * i + 1);
        let _ = writeln!(
            out,
            "{indent}└{}┘{}",
            "─".repeat(inner.saturating_sub(1)),
            " │".repeat(i)
        );
    }
    if let Some(stop) = &packet.stop {
        let _ = writeln!(out, "decoding stopped: {stop}");
    }
    out.push('\n');
    out.push_str(&tagged_hex(packet, layers));
    out
}

/// Pads or cuts `text` to `width` characters with `fill`.
fn pad(text: &str, width: usize, fill: char) -> String {
    let count = text.chars().count();
    if count >= width {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        let mut s = text.to_string();
        s.extend(std::iter::repeat_n(fill, width - count));
        s
    }
}

/// Hex rows of 16 bytes with a line of layer tags under each (E = Ethernet, I = IP, …).
pub fn tagged_hex(packet: &Packet<'_>, layers: &[EncapLayer]) -> String {
    let tag_of = |offset: usize| {
        layers
            .iter()
            .rev()
            .find(|l| offset >= l.start && offset < l.start + l.header_len.max(1))
            .map_or('·', |l| l.tag)
    };
    let mut out = String::new();
    for (row, chunk) in packet.data.chunks(16).enumerate() {
        let base = row * 16;
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let tags: Vec<String> = (0..chunk.len())
            .map(|i| format!("{0}{0}", tag_of(base + i)))
            .collect();
        let _ = writeln!(out, "{base:04x}  {}", hex.join(" "));
        let _ = writeln!(out, "      {}", tags.join(" "));
    }
    let legend: Vec<String> = layers
        .iter()
        .map(|l| format!("{} {}", l.tag, l.name))
        .collect();
    let _ = writeln!(out, "tags: {}", legend.join(", "));
    out
}
