//! Ethernet, Linux cooked capture, 802.1Q and ARP as tshark -V prints them.

use super::picture::picture;
use super::{bit_picture, generic, named, Layer, Lines};
use crate::decode::Packet;
use crate::field::{names, FieldId as F, Value};

fn mac(value: &Value<'_>) -> String {
    match *value {
        Value::Mac(m) => format!(
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        ),
        _ => String::new(),
    }
}

/// `Type: IPv4 (0x0800)`.
pub(super) fn ether_type(value: u64) -> String {
    named(names::ether_type(value), format_args!("0x{value:04x}"))
}

pub(super) fn ethernet(packet: &Packet<'_>, layer: &Layer<'_, '_>, out: &mut Lines) {
    let root = layer.root();
    // With vendor names on, every address shows as `D-Link_21:99:4c (00:05:5d:21:99:4c)`;
    // the name fields (and the OUI facts beside them) are not lines of their own.
    let shown = |id: F| match layer.peek(id).map(|f| f.value) {
        Some(Value::Mac(m)) => layer.naming.mac(m),
        _ => String::new(),
    };
    let (dst, src) = (shown(F::EthDst), shown(F::EthSrc));
    layer.hide(&[
        F::EthDstResolved,
        F::EthDstOui,
        F::EthDstOuiResolved,
        F::EthSrcResolved,
        F::EthSrcOui,
        F::EthSrcOuiResolved,
    ]);
    // An 802.3 frame's type field is a length; tshark titles it so (with tshark's trailing space).
    let title = if layer.peek(F::EthLen).is_some() {
        "IEEE 802.3 Ethernet ".to_string()
    } else {
        format!("Ethernet II, Src: {src}, Dst: {dst}")
    };
    out.push(0, Some(root), title);
    for (id, title, text) in [
        (F::EthDst, "Destination", &dst),
        (F::EthSrc, "Source", &src),
    ] {
        let Some((i, f)) = layer.take(id) else {
            continue;
        };
        let Value::Mac(m) = f.value else {
            continue;
        };
        out.push(1, Some(i), format!("{title}: {text}"));
        out.push(2, Some(i), format!("Address: {text}"));
        // The two low bits of the first octet, drawn over the first three octets.
        let word = u64::from(m[0]) << 16 | u64::from(m[1]) << 8 | u64::from(m[2]);
        let lg = if m[0] & 2 != 0 {
            "Locally administered address (this is NOT the factory default)"
        } else {
            "Globally unique address (factory default)"
        };
        let ig = if m[0] & 1 != 0 {
            "Group address (multicast/broadcast)"
        } else {
            "Individual address (unicast)"
        };
        out.push(
            2,
            Some(i),
            format!("{} = LG bit: {lg}", picture(word, 24, 0x02_0000)),
        );
        out.push(
            2,
            Some(i),
            format!("{} = IG bit: {ig}", picture(word, 24, 0x01_0000)),
        );
    }
    if let Some((i, f)) = layer.take(F::EthType) {
        let value = value_u64(&f.value);
        out.push(1, Some(i), format!("Type: {}", ether_type(value)));
    }
    if let Some((i, f)) = layer.take(F::EthLen) {
        out.push(1, Some(i), format!("Length: {}", value_u64(&f.value)));
    }
    if let Some((i, f)) = layer.take(F::EthPadding) {
        // tshark shows at most 36 bytes of a byte string, then an ellipsis.
        let text = match f.value {
            Value::Bytes(bytes) if bytes.len() > 36 => {
                let hex: String = bytes.iter().take(36).map(|b| format!("{b:02x}")).collect();
                format!("Padding: {hex}…")
            }
            _ => generic(packet, f),
        };
        out.push(1, Some(i), text);
    }
}

pub(super) fn sll(layer: &Layer<'_, '_>, out: &mut Lines) {
    let root = layer.root();
    let v2 = layer.peek(F::SllIfIndex).is_some();
    out.push(
        0,
        Some(root),
        format!("Linux cooked capture v{}", if v2 { 2 } else { 1 }),
    );
    if let Some((i, f)) = layer.take(F::SllPktType) {
        let v = value_u64(&f.value);
        out.push(
            1,
            Some(i),
            format!("Packet type: {}", named(names::sll_pkttype(v), v)),
        );
    }
    if let Some((i, f)) = layer.take(F::SllHaType) {
        let v = value_u64(&f.value);
        out.push(
            1,
            Some(i),
            format!("Link-layer address type: {}", named(names::arphrd(v), v)),
        );
    }
    if let Some((i, f)) = layer.take(F::SllHaLen) {
        out.push(
            1,
            Some(i),
            format!("Link-layer address length: {}", value_u64(&f.value)),
        );
    }
    if let Some((i, f)) = layer.take(F::SllSrcEth) {
        out.push(1, Some(i), format!("Source: {}", mac(&f.value)));
    }
    if let Some((i, f)) = layer.take(F::SllIfIndex) {
        out.push(
            1,
            Some(i),
            format!("Interface index: {}", value_u64(&f.value)),
        );
    }
    if let Some((i, f)) = layer.take(F::SllEtype) {
        out.push(
            1,
            Some(i),
            format!("Protocol: {}", ether_type(value_u64(&f.value))),
        );
    }
}

pub(super) fn vlan(packet: &Packet<'_>, layer: &Layer<'_, '_>, out: &mut Lines) {
    let root = layer.root();
    let pri = layer.u64(F::VlanPriority).unwrap_or(0);
    let dei = layer.u64(F::VlanDei).unwrap_or(0);
    let id = layer.u64(F::VlanId).unwrap_or(0);
    out.push(
        0,
        Some(root),
        format!("802.1Q Virtual LAN, PRI: {pri}, DEI: {dei}, ID: {id}"),
    );
    let picture_of = |f: &crate::field::Field<'_>| {
        f.range
            .and_then(|r| bit_picture(packet.data, &r))
            .unwrap_or_default()
    };
    if let Some((i, f)) = layer.take(F::VlanPriority) {
        let name = match pri {
            0 => Some("Best Effort (default)"),
            1 => Some("Background"),
            2 => Some("Excellent Effort"),
            3 => Some("Critical Applications"),
            4 => Some("Video, < 100ms latency and jitter"),
            5 => Some("Voice, < 10ms latency and jitter"),
            6 => Some("Internetwork Control"),
            7 => Some("Network Control"),
            _ => None,
        };
        out.push(
            1,
            Some(i),
            format!("{} = Priority: {}", picture_of(f), named(name, pri)),
        );
    }
    if let Some((i, f)) = layer.take(F::VlanDei) {
        let text = if dei != 0 { "Eligible" } else { "Ineligible" };
        out.push(1, Some(i), format!("{} = DEI: {text}", picture_of(f)));
    }
    if let Some((i, f)) = layer.take(F::VlanId) {
        out.push(1, Some(i), format!("{} = ID: {id}", picture_of(f)));
    }
    if let Some((i, f)) = layer.take(F::VlanEtype) {
        out.push(
            1,
            Some(i),
            format!("Type: {}", ether_type(value_u64(&f.value))),
        );
    }
}

pub(super) fn arp(layer: &Layer<'_, '_>, out: &mut Lines) {
    let root = layer.root();
    let opcode = layer.u64(F::ArpOpcode).unwrap_or(0);
    match names::arp_opcode(opcode) {
        Some(name) => out.push(
            0,
            Some(root),
            format!("Address Resolution Protocol ({name})"),
        ),
        None => out.push(0, Some(root), "Address Resolution Protocol".into()),
    }
    if let Some((i, f)) = layer.take(F::ArpHwType) {
        let v = value_u64(&f.value);
        out.push(
            1,
            Some(i),
            format!("Hardware type: {}", named(names::arp_hw_type(v), v)),
        );
    }
    if let Some((i, f)) = layer.take(F::ArpProtoType) {
        out.push(
            1,
            Some(i),
            format!("Protocol type: {}", ether_type(value_u64(&f.value))),
        );
    }
    for (id, title) in [
        (F::ArpHwSize, "Hardware size"),
        (F::ArpProtoSize, "Protocol size"),
    ] {
        if let Some((i, f)) = layer.take(id) {
            out.push(1, Some(i), format!("{title}: {}", value_u64(&f.value)));
        }
    }
    if let Some((i, _)) = layer.take(F::ArpOpcode) {
        out.push(
            1,
            Some(i),
            format!("Opcode: {}", named(names::arp_opcode(opcode), opcode)),
        );
    }
    for id in [
        F::ArpSrcHwMac,
        F::ArpSrcProtoIpv4,
        F::ArpDstHwMac,
        F::ArpDstProtoIpv4,
    ] {
        if let Some((i, f)) = layer.take(id) {
            let value = layer
                .naming
                .value(&f.value)
                .unwrap_or_else(|| crate::field::ValueFormatter(f.def(), &f.value).to_string());
            out.push(1, Some(i), format!("{}: {value}", f.def().title));
        }
    }
}

pub(super) fn value_u64(value: &Value<'_>) -> u64 {
    match *value {
        Value::U64(v) => v,
        Value::Bool(b) => u64::from(b),
        _ => 0,
    }
}
