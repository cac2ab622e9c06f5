//! LLDP and CDP as tshark -V prints them (packet-lldp.c, packet-cdp.c): each TLV a subtree
//! headed by what it says.

use super::picture::picture;
use super::wire::take;
use super::{Layer, Lines};
use crate::field::{FieldId as F, Value};

fn lldp_tlv_name(kind: u64) -> &'static str {
    match kind {
        0 => "End of LLDPDU",
        1 => "Chassis Id",
        2 => "Port Id",
        3 => "Time to Live",
        4 => "Port Description",
        5 => "System Name",
        6 => "System Description",
        7 => "System Capabilities",
        8 => "Management Address",
        127 => "Organization Specific",
        _ => "Unknown",
    }
}

fn lldp_id_subtype(chassis: bool, subtype: u64) -> &'static str {
    let names: [&str; 7] = if chassis {
        [
            "Chassis component",
            "Interface alias",
            "Port component",
            "MAC address",
            "Network address",
            "Interface name",
            "Locally assigned",
        ]
    } else {
        [
            "Interface alias",
            "Port component",
            "MAC address",
            "Network address",
            "Interface name",
            "Agent circuit Id",
            "Locally assigned",
        ]
    };
    subtype
        .checked_sub(1)
        .and_then(|i| names.get(i as usize))
        .copied()
        .unwrap_or("Reserved")
}

/// A field's value as its line shows it (text, address or number).
fn shown(layer: &Layer<'_, '_>, index: usize) -> String {
    layer
        .field(index)
        .map(|f| crate::field::ValueFormatter(f.def(), &f.value).to_string())
        .unwrap_or_default()
}

/// Each TLV as a subtree headed by what it says (`Chassis Subtype = MAC address, Id: …`).
pub(super) fn lldp(packet: &crate::decode::Packet<'_>, layer: &Layer<'_, '_>, out: &mut Lines) {
    out.push(
        0,
        Some(layer.root()),
        "Link Layer Discovery Protocol".into(),
    );
    while let Some((ti, kind)) = take(layer, F::LldpTlvType) {
        let Some((li, len)) = take(layer, F::LldpTlvLen) else {
            break;
        };
        // The value fields of this TLV: those before the next TLV's type.
        let next = layer
            .indices()
            .find(|&i| i > li && layer.field(i).is_some_and(|f| f.id == F::LldpTlvType))
            .unwrap_or(layer.indices().end);
        let values: Vec<usize> = (li + 1..next).filter(|&i| !layer.is_taken(i)).collect();
        let value_of = |id: F| {
            values
                .iter()
                .copied()
                .find(|&i| layer.field(i).is_some_and(|f| f.id == id))
        };
        let heading = match kind {
            0 => "End of LLDPDU".to_string(),
            1 | 2 => {
                let chassis = kind == 1;
                let (sub_id, mac_id, text_id) = if chassis {
                    (F::LldpChassisSubtype, F::LldpChassisIdMac, F::LldpChassisId)
                } else {
                    (F::LldpPortSubtype, F::LldpPortIdMac, F::LldpPortId)
                };
                let subtype = value_of(sub_id)
                    .and_then(|i| layer.field(i))
                    .map_or(0, |f| match f.value {
                        Value::U64(v) => v,
                        _ => 0,
                    });
                let id = value_of(mac_id)
                    .or_else(|| value_of(text_id))
                    .map(|i| shown(layer, i))
                    .unwrap_or_default();
                let what = if chassis { "Chassis" } else { "Port" };
                format!(
                    "{what} Subtype = {}, Id: {id}",
                    lldp_id_subtype(chassis, subtype)
                )
            }
            3 => format!(
                "Time To Live = {} sec",
                value_of(F::LldpTimeToLive)
                    .map(|i| shown(layer, i))
                    .unwrap_or_default()
            ),
            4..=6 => {
                let id =
                    [F::LldpPortDesc, F::LldpSystemName, F::LldpSystemDesc][(kind - 4) as usize];
                let text = value_of(id).map(|i| shown(layer, i)).unwrap_or_default();
                format!("{} = {text}", lldp_tlv_name(kind))
            }
            _ => lldp_tlv_name(kind).to_string(),
        };
        out.push(1, Some(ti), heading);
        let word = (kind << 9) | len;
        out.push(
            2,
            Some(ti),
            format!(
                "{} = TLV Type: {} ({kind})",
                picture(word, 16, 0xfe00),
                lldp_tlv_name(kind)
            ),
        );
        out.push(
            2,
            Some(li),
            format!("{} = TLV Length: {len}", picture(word, 16, 0x01ff)),
        );
        for index in values {
            layer.take_index(index);
            let Some(field) = layer.field(index) else {
                continue;
            };
            let text = match (field.id, field.value) {
                (F::LldpChassisSubtype, Value::U64(v)) => {
                    format!("Chassis Id Subtype: {} ({v})", lldp_id_subtype(true, v))
                }
                (F::LldpPortSubtype, Value::U64(v)) => {
                    format!("Port Id Subtype: {} ({v})", lldp_id_subtype(false, v))
                }
                _ => super::generic(packet, field),
            };
            out.push(2, Some(index), text);
        }
    }
}

fn cdp_tlv_name(kind: u64) -> &'static str {
    match kind {
        1 => "Device ID",
        2 => "Addresses",
        3 => "Port ID",
        4 => "Capabilities",
        5 => "Software version",
        6 => "Platform",
        _ => "Unknown",
    }
}

pub(super) fn cdp(layer: &Layer<'_, '_>, out: &mut Lines) {
    out.push(0, Some(layer.root()), "Cisco Discovery Protocol".into());
    if let Some((i, v)) = take(layer, F::CdpVersion) {
        out.push(1, Some(i), format!("Version: {v}"));
    }
    if let Some((i, v)) = take(layer, F::CdpTtl) {
        out.push(1, Some(i), format!("TTL: {v} seconds"));
    }
    if let Some((i, v)) = take(layer, F::CdpChecksum) {
        let status = take(layer, F::CdpChecksumStatus);
        let verdict = match status {
            Some((_, 1)) => " [correct]",
            Some(_) => " [incorrect]",
            None => "",
        };
        out.push(1, Some(i), format!("Checksum: 0x{v:04x}{verdict}"));
        if let Some((si, s)) = status {
            let word = if s == 1 { "Good" } else { "Bad" };
            out.push(1, Some(si), format!("[Checksum Status: {word}]"));
        }
    }
    while let Some((ti, kind)) = take(layer, F::CdpTlvType) {
        let Some((li, len)) = take(layer, F::CdpTlvLen) else {
            break;
        };
        let value_id = match kind {
            1 => Some(F::CdpDeviceid),
            3 => Some(F::CdpPortid),
            5 => Some(F::CdpSoftwareVersion),
            6 => Some(F::CdpPlatform),
            _ => None,
        };
        let value = value_id.and_then(|id| layer.take(id));
        let text = value.map(|(i, _)| shown(layer, i)).unwrap_or_default();
        let heading = match kind {
            5 => "Software Version".to_string(),
            1 | 3 | 6 => format!("{}: {text}", cdp_tlv_name(kind)),
            _ => cdp_tlv_name(kind).to_string(),
        };
        out.push(1, Some(ti), heading);
        out.push(
            2,
            Some(ti),
            format!("Type: {} (0x{kind:04x})", cdp_tlv_name(kind)),
        );
        out.push(2, Some(li), format!("Length: {len}"));
        if let (Some((i, _)), Some(id)) = (value, value_id) {
            out.push(2, Some(i), format!("{}: {text}", id.def().title));
        }
    }
}
