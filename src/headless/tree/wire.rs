//! LLC, spanning tree, GRE, VXLAN and MPLS as tshark -V prints them (packet-llc.c,
//! packet-stp.c, packet-gre.c, packet-vxlan.c, packet-mpls.c); LLDP and CDP are in
//! `discovery.rs`. Sub-fields tshark shows but
//! sockeye keeps no field for (the SAP bits, the rapid-STP flag bits, GRE's reserved bits)
//! are drawn from their parent field's value, on its bytes.

use super::picture::picture;
use super::{Layer, Lines};
use crate::field::{FieldId as F, Value};

/// The value of field `id` and its index, taking it.
pub(super) fn take(layer: &Layer<'_, '_>, id: F) -> Option<(usize, u64)> {
    let (index, field) = layer.take(id)?;
    let value = match field.value {
        Value::U64(v) => v,
        Value::Bool(b) => u64::from(b),
        _ => return None,
    };
    Some((index, value))
}

fn mac(layer: &Layer<'_, '_>, id: F) -> Option<(usize, String)> {
    let (index, field) = layer.take(id)?;
    let Value::Mac(m) = field.value else {
        return None;
    };
    let text = m
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":");
    Some((index, text))
}

fn sap_name(sap: u64) -> Option<&'static str> {
    Some(match sap & 0xfe {
        0x00 => "NULL LSAP",
        0x06 => "TCP/IP",
        0x42 => "Spanning Tree BPDU",
        0xaa => "SNAP",
        0xe0 => "NetWare",
        0xf0 => "NetBIOS",
        0xfe => "ISO Network Layer (OSLAN 1)",
        _ => return None,
    })
}

pub(super) fn llc(layer: &Layer<'_, '_>, out: &mut Lines) {
    out.push(0, Some(layer.root()), "Logical-Link Control".into());
    for (id, title, low_bit) in [
        (F::LlcDsap, "DSAP", ("IG Bit", "Individual", "Group")),
        (F::LlcSsap, "SSAP", ("CR Bit", "Command", "Response")),
    ] {
        let Some((i, v)) = take(layer, id) else {
            continue;
        };
        let name = sap_name(v);
        let shown = name.map_or_else(|| format!("0x{v:02x}"), |n| format!("{n} (0x{v:02x})"));
        out.push(1, Some(i), format!("{title}: {shown}"));
        let sap = name.map_or_else(|| format!("0x{:02x}", v >> 1), str::to_string);
        out.push(2, Some(i), format!("{} = SAP: {sap}", picture(v, 8, 0xfe)));
        let (bit, clear, set) = low_bit;
        let which = if v & 1 == 0 { clear } else { set };
        out.push(
            2,
            Some(i),
            format!("{} = {bit}: {which}", picture(v, 8, 0x01)),
        );
    }
    if let Some((i, v)) = take(layer, F::LlcControl) {
        if v == 0x03 {
            out.push(1, Some(i), "Control field: U, func=UI (0x03)".into());
            out.push(
                2,
                Some(i),
                format!(
                    "{} = Command: Unnumbered Information (0x00)",
                    picture(v, 8, 0xec)
                ),
            );
            out.push(
                2,
                Some(i),
                format!(
                    "{} = Frame type: Unnumbered frame (0x3)",
                    picture(v, 8, 0x03)
                ),
            );
        } else {
            out.push(1, Some(i), format!("Control field: 0x{v:04x}"));
        }
    }
    if let Some((i, v)) = take(layer, F::LlcOui) {
        let name = if v == 0x0c {
            " (Cisco Systems, Inc)"
        } else {
            ""
        };
        out.push(
            1,
            Some(i),
            format!(
                "Organization Code: {:02x}:{:02x}:{:02x}{name}",
                v >> 16,
                (v >> 8) & 0xff,
                v & 0xff
            ),
        );
    }
    if let Some((i, v)) = take(layer, F::LlcCiscoPid) {
        let name = if v == 0x2000 { "CDP (0x2000)" } else { "" };
        let shown = if name.is_empty() {
            format!("0x{v:04x}")
        } else {
            name.to_string()
        };
        out.push(1, Some(i), format!("PID: {shown}"));
    }
}

pub(super) fn stp(layer: &Layer<'_, '_>, out: &mut Lines) {
    out.push(0, Some(layer.root()), "Spanning Tree Protocol".into());
    if let Some((i, v)) = take(layer, F::StpProtocol) {
        let name = if v == 0 {
            "Spanning Tree Protocol "
        } else {
            ""
        };
        out.push(
            1,
            Some(i),
            format!("Protocol Identifier: {name}(0x{v:04x})"),
        );
    }
    let version = layer.u64(F::StpVersion).unwrap_or(0);
    if let Some((i, v)) = take(layer, F::StpVersion) {
        let name = match v {
            0 => "Spanning Tree",
            2 => "Rapid Spanning Tree",
            3 => "Multiple Spanning Tree",
            _ => "Unknown",
        };
        out.push(
            1,
            Some(i),
            format!("Protocol Version Identifier: {name} ({v})"),
        );
    }
    if let Some((i, v)) = take(layer, F::StpType) {
        let name = match v {
            0x00 => "Configuration",
            0x02 => "Rapid/Multiple Spanning Tree",
            0x80 => "Topology Change Notification",
            _ => "Unknown",
        };
        out.push(1, Some(i), format!("BPDU Type: {name} (0x{v:02x})"));
    }
    if let Some((i, flags)) = take(layer, F::StpFlags) {
        stp_flags(layer, i, flags, version >= 2, out);
    }
    for (prio, ext, hw, title, prefix) in [
        (
            F::StpRootPrio,
            F::StpRootExt,
            F::StpRootHw,
            "Root Identifier",
            "Root Bridge",
        ),
        (
            F::StpBridgePrio,
            F::StpBridgeExt,
            F::StpBridgeHw,
            "Bridge Identifier",
            "Bridge",
        ),
    ] {
        let (Some((pi, p)), Some((ei, e)), Some((hi, h))) =
            (take(layer, prio), take(layer, ext), mac(layer, hw))
        else {
            continue;
        };
        out.push(1, None, format!("{title}: {p} / {e} / {h}"));
        out.push(2, Some(pi), format!("{prefix} Priority: {p}"));
        out.push(2, Some(ei), format!("{prefix} System ID Extension: {e}"));
        out.push(2, Some(hi), format!("{prefix} System ID: {h}"));
        if prio == F::StpRootPrio {
            if let Some((i, cost)) = take(layer, F::StpRootCost) {
                out.push(1, Some(i), format!("Root Path Cost: {cost}"));
            }
        }
    }
    for (id, title) in [
        (F::StpPort, "Port identifier"),
        (F::StpMsgAge, "Message Age"),
        (F::StpMaxAge, "Max Age"),
        (F::StpHello, "Hello Time"),
        (F::StpForward, "Forward Delay"),
        (F::StpVersion1Length, "Version 1 Length"),
    ] {
        if let Some((i, v)) = take(layer, id) {
            let shown = if id == F::StpPort {
                format!("0x{v:04x}")
            } else {
                v.to_string()
            };
            out.push(1, Some(i), format!("{title}: {shown}"));
        }
    }
}

/// `BPDU flags: 0x3c, Forwarding, Learning, Port Role: Designated` and its bits.
fn stp_flags(layer: &Layer<'_, '_>, i: usize, flags: u64, rapid: bool, out: &mut Lines) {
    let yes = |bit: u64| if flags & bit != 0 { "Yes" } else { "No" };
    let role = (flags >> 2) & 3;
    let role_name = ["Unknown", "Alternate or Backup", "Root", "Designated"]
        .get(role as usize)
        .copied()
        .unwrap_or("Unknown");
    let mut summary = format!("BPDU flags: 0x{flags:02x}");
    let mut names: Vec<String> = Vec::new();
    if flags & 0x80 != 0 {
        names.push("Topology Change Acknowledgment".into());
    }
    if rapid {
        if flags & 0x40 != 0 {
            names.push("Agreement".into());
        }
        if flags & 0x20 != 0 {
            names.push("Forwarding".into());
        }
        if flags & 0x10 != 0 {
            names.push("Learning".into());
        }
        if role != 0 {
            names.push(format!("Port Role: {role_name}"));
        }
        if flags & 0x02 != 0 {
            names.push("Proposal".into());
        }
    }
    if flags & 0x01 != 0 {
        names.push("Topology Change".into());
    }
    for name in names {
        summary.push_str(", ");
        summary.push_str(&name);
    }
    out.push(1, Some(i), summary);
    let bit = |mask: u64, title: &str, value: &str| {
        format!("{} = {title}: {value}", picture(flags, 8, mask))
    };
    let tcack = layer.take(F::StpFlagsTcack).map(|(index, _)| index);
    let tc = layer.take(F::StpFlagsTc).map(|(index, _)| index);
    out.push(
        2,
        tcack,
        bit(0x80, "Topology Change Acknowledgment", yes(0x80)),
    );
    if rapid {
        out.push(2, Some(i), bit(0x40, "Agreement", yes(0x40)));
        out.push(2, Some(i), bit(0x20, "Forwarding", yes(0x20)));
        out.push(2, Some(i), bit(0x10, "Learning", yes(0x10)));
        out.push(
            2,
            Some(i),
            bit(0x0c, "Port Role", &format!("{role_name} ({role})")),
        );
        out.push(2, Some(i), bit(0x02, "Proposal", yes(0x02)));
    }
    out.push(2, tc, bit(0x01, "Topology Change", yes(0x01)));
}

fn gre_proto_name(proto: u64) -> Option<&'static str> {
    Some(match proto {
        0x0800 => "IP",
        0x86dd => "IPv6",
        0x6558 => "Transparent Ethernet bridging",
        0x8847 => "MPLS label switched packet",
        0x880b => "PPP",
        _ => return None,
    })
}

pub(super) fn gre(layer: &Layer<'_, '_>, out: &mut Lines) {
    let proto = layer.u64(F::GreProto).unwrap_or(0);
    let title = match gre_proto_name(proto) {
        Some(name) => format!("Generic Routing Encapsulation ({name})"),
        None => "Generic Routing Encapsulation".to_string(),
    };
    out.push(0, Some(layer.root()), title);
    if let Some((i, flags)) = take(layer, F::GreFlagsAndVersion) {
        out.push(1, Some(i), format!("Flags and Version: 0x{flags:04x}"));
        let yes = |bit: u64| if flags & bit != 0 { "Yes" } else { "No" };
        let pic = |mask: u64| picture(flags, 16, mask);
        for (id, mask, title) in [
            (F::GreFlagsChecksum, 0x8000, "Checksum Bit"),
            (F::GreFlagsRouting, 0x4000, "Routing Bit"),
            (F::GreFlagsKey, 0x2000, "Key Bit"),
            (F::GreFlagsSequenceNumber, 0x1000, "Sequence Number Bit"),
        ] {
            let index = layer.take(id).map(|(index, _)| index);
            out.push(2, index, format!("{} = {title}: {}", pic(mask), yes(mask)));
        }
        out.push(
            2,
            Some(i),
            format!("{} = Strict Source Route Bit: {}", pic(0x0800), yes(0x0800)),
        );
        out.push(
            2,
            Some(i),
            format!("{} = Recursion control: {}", pic(0x0700), (flags >> 8) & 7),
        );
        out.push(
            2,
            Some(i),
            format!(
                "{} = Flags (Reserved): {}",
                pic(0x00f8),
                (flags >> 3) & 0x1f
            ),
        );
        let version = layer.take(F::GreFlagsVersion).map(|(index, _)| index);
        let name = if flags & 7 == 0 { "GRE (0)" } else { "" };
        let shown = if name.is_empty() {
            (flags & 7).to_string()
        } else {
            name.to_string()
        };
        out.push(2, version, format!("{} = Version: {shown}", pic(0x0007)));
    }
    if let Some((i, v)) = take(layer, F::GreProto) {
        let shown = match gre_proto_name(v) {
            Some(name) => format!("{name} (0x{v:04x})"),
            None => format!("0x{v:04x}"),
        };
        out.push(1, Some(i), format!("Protocol Type: {shown}"));
    }
    if let Some((i, v)) = take(layer, F::GreKey) {
        out.push(1, Some(i), format!("Key: 0x{v:08x}"));
    }
    if let Some((i, v)) = take(layer, F::GreSequenceNumber) {
        out.push(1, Some(i), format!("Sequence Number: {v}"));
    }
}

pub(super) fn vxlan(layer: &Layer<'_, '_>, out: &mut Lines) {
    out.push(
        0,
        Some(layer.root()),
        "Virtual eXtensible Local Area Network".into(),
    );
    if let Some((i, flags)) = take(layer, F::VxlanFlags) {
        let vni = if flags & 0x0800 != 0 {
            ", VXLAN Network ID (VNI)"
        } else {
            ""
        };
        out.push(1, Some(i), format!("Flags: 0x{flags:04x}{vni}"));
        let pic = |mask: u64| picture(flags, 16, mask);
        let truth = |bit: u64| if flags & bit != 0 { "True" } else { "False" };
        let gbp = if flags & 0x8000 != 0 {
            "Defined"
        } else {
            "Not defined"
        };
        out.push(
            2,
            Some(i),
            format!("{} = GBP Extension: {gbp}", pic(0x8000)),
        );
        for (mask, title) in [
            (0x0800, "VXLAN Network ID (VNI)"),
            (0x0040, "Don't Learn"),
            (0x0008, "Policy Applied"),
        ] {
            out.push(
                2,
                Some(i),
                format!("{} = {title}: {}", pic(mask), truth(mask)),
            );
        }
        out.push(
            2,
            Some(i),
            format!("{} = Reserved(R): 0x{:04x}", pic(0x77b7), flags & 0x77b7),
        );
    }
    if let Some((i, v)) = take(layer, F::VxlanGbp) {
        out.push(1, Some(i), format!("Group Policy ID: {v}"));
    }
    if let Some((i, v)) = take(layer, F::VxlanVni) {
        out.push(1, Some(i), format!("VXLAN Network Identifier (VNI): {v}"));
        out.push(1, Some(i), "Reserved: 0".into());
    }
}

/// One protocol line per label stack entry, as tshark draws the stack.
pub(super) fn mpls(layer: &Layer<'_, '_>, out: &mut Lines) {
    let root = layer.root();
    while let (Some((li, label)), Some((ei, exp)), Some((bi, bottom)), Some((ti, ttl))) = (
        take(layer, F::MplsLabel),
        take(layer, F::MplsExp),
        take(layer, F::MplsBottom),
        take(layer, F::MplsTtl),
    ) {
        let word = (label << 12) | (exp << 9) | (bottom << 8) | ttl;
        let pic = |mask: u64| picture(word, 32, mask);
        out.push(
            0,
            Some(root),
            format!(
                "MultiProtocol Label Switching Header, Label: {label}, Exp: {exp}, S: {bottom}, \
                 TTL: {ttl}"
            ),
        );
        out.push(
            1,
            Some(li),
            format!("{} = MPLS Label: {label} (0x{label:05x})", pic(0xffff_f000)),
        );
        out.push(
            1,
            Some(ei),
            format!("{} = MPLS Experimental Bits: {exp}", pic(0x0e00)),
        );
        out.push(
            1,
            Some(bi),
            format!("{} = MPLS Bottom Of Label Stack: {bottom}", pic(0x0100)),
        );
        out.push(1, Some(ti), format!("{} = MPLS TTL: {ttl}", pic(0x00ff)));
    }
}
