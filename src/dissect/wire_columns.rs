//! tshark's Info column for the bridge protocols (STP, LLDP, CDP), word for word as
//! Wireshark 4.0's dissectors write it (packet-stp.c, packet-lldp.c, packet-cdp.c).

use std::fmt::Write;

use crate::decode::{cdp_tlvs, lldp_tlvs};

/// `Conf. TC + Root = 32768/0/00:1c:0e:87:78:00  Cost = 4  Port = 0x8004`, or
/// `Topology Change Notification`.
pub fn stp_info(bpdu: &[u8], out: &mut String) {
    let byte = |i: usize| bpdu.get(i).copied().unwrap_or(0);
    let word = |i: usize| u16::from_be_bytes([byte(i), byte(i + 1)]);
    let kind = match byte(3) {
        0x80 => {
            out.push_str("Topology Change Notification");
            return;
        }
        0x00 => "Conf.",
        0x02 if byte(2) >= 3 => "MST.",
        0x02 => "RST.",
        _ => "Unknown BPDU type",
    };
    let tc = if byte(4) & 0x01 != 0 { "TC + " } else { "" };
    let root = word(5);
    let cost = u32::from_be_bytes([byte(13), byte(14), byte(15), byte(16)]);
    let _ = write!(
        out,
        "{kind} {tc}Root = {}/{}/{}  Cost = {cost}  Port = 0x{:04x}",
        root & 0xf000,
        root & 0x0fff,
        mac(bpdu.get(7..13).unwrap_or(&[])),
        word(25)
    );
}

/// `MA/00:1c:0e:87:85:00 IN/Gi0/4 120 SysN=access-sw1 SysD=… ` (each part ends in a
/// space, as tshark appends them).
pub fn lldp_info(lldpdu: &[u8], out: &mut String) {
    for tlv in lldp_tlvs(lldpdu) {
        match (tlv.kind, tlv.value) {
            (1 | 2, [subtype, id @ ..]) => {
                let chassis = tlv.kind == 1;
                let code = id_type(chassis, *subtype);
                let is_mac = (chassis && *subtype == 4) || (!chassis && *subtype == 3);
                let is_bytes = (chassis && *subtype == 3) || (!chassis && *subtype == 2);
                let text = if is_mac {
                    mac(id)
                } else if is_bytes {
                    id.iter().map(|b| format!("{b:02x}")).collect()
                } else if code == "Rs" {
                    "Reserved".to_string()
                } else {
                    printable(id)
                };
                let _ = write!(out, "{code}/{text} ");
            }
            (3, [hi, lo]) => {
                let _ = write!(out, "{} ", u16::from_be_bytes([*hi, *lo]));
            }
            (5, value) => {
                let _ = write!(out, "SysN={} ", printable(value));
            }
            (6, value) => {
                let _ = write!(out, "SysD={} ", printable(value));
            }
            _ => {}
        }
    }
}

/// The two-letter id type tshark prints before a chassis or port id.
fn id_type(chassis: bool, subtype: u8) -> &'static str {
    match (chassis, subtype) {
        (true, 1) => "CC",
        (true, 2) => "IA",
        (true, 3) => "PC",
        (true, 4) => "MA",
        (true, 5) => "NA",
        (true, 6) => "IN",
        (true, 7) => "LA",
        (false, 1) => "IA",
        (false, 2) => "PC",
        (false, 3) => "MA",
        (false, 4) => "NA",
        (false, 5) => "IN",
        (false, 6) => "AC",
        (false, 7) => "LA",
        _ => "Rs",
    }
}

/// `Device ID: access-sw1  Port ID: GigabitEthernet0/4  `.
pub fn cdp_info(message: &[u8], out: &mut String) {
    for (_, kind, value) in cdp_tlvs(message) {
        match kind {
            1 => {
                let _ = write!(out, "Device ID: {}  ", printable(value));
            }
            3 => {
                let _ = write!(out, "Port ID: {}  ", printable(value));
            }
            _ => {}
        }
    }
}

fn mac(bytes: &[u8]) -> String {
    let mut text = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            text.push(':');
        }
        let _ = write!(text, "{b:02x}");
    }
    text
}

/// A string up to its first NUL, with bytes a terminal must not see escaped (what
/// Wireshark's format_text does for column text).
fn printable(bytes: &[u8]) -> String {
    let bytes = bytes.split(|b| *b == 0).next().unwrap_or(bytes);
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| if c.is_control() { '.' } else { c })
        .collect()
}
