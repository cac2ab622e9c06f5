//! Fields of the link layers.

use etherparse::{Ethernet2HeaderSlice, SingleVlanHeaderSlice};

use super::super::link::{be16, be32};
use super::super::Packet;
use super::FieldList;
use crate::field::{FieldId as F, Value};

pub(super) fn null(family: u32, at: usize, out: &mut FieldList<'_>) {
    out.at(F::Null, Value::None, at, 4, 0);
    out.at(F::NullFamily, Value::U64(u64::from(family)), at, 4, 1);
}

fn mac_at(bytes: &[u8], at: usize) -> Option<[u8; 6]> {
    bytes.get(at..at + 6).and_then(|s| s.try_into().ok())
}

/// Linux cooked v1: pkttype(2) hatype(2) halen(2) addr(8) protocol(2).
pub(super) fn sll<'a>(bytes: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    out.at(F::Sll, Value::None, at, bytes.len(), 0);
    out.at(F::SllPktType, Value::U64(be16(bytes, 0).into()), at, 2, 1);
    out.at(
        F::SllHaType,
        Value::U64(be16(bytes, 2).into()),
        at + 2,
        2,
        1,
    );
    let halen = be16(bytes, 4);
    out.at(F::SllHaLen, Value::U64(halen.into()), at + 4, 2, 1);
    if halen == 6 {
        if let Some(mac) = mac_at(bytes, 6) {
            out.at(F::SllSrcEth, Value::Mac(mac), at + 6, 6, 1);
        }
    }
    out.at(
        F::SllEtype,
        Value::U64(be16(bytes, 14).into()),
        at + 14,
        2,
        1,
    );
}

/// Linux cooked v2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8).
pub(super) fn sll2<'a>(bytes: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    out.at(F::Sll, Value::None, at, bytes.len(), 0);
    out.at(F::SllEtype, Value::U64(be16(bytes, 0).into()), at, 2, 1);
    out.at(
        F::SllIfIndex,
        Value::U64(be32(bytes, 4).into()),
        at + 4,
        4,
        1,
    );
    out.at(
        F::SllHaType,
        Value::U64(be16(bytes, 8).into()),
        at + 8,
        2,
        1,
    );
    let pkttype = bytes.get(10).copied().unwrap_or(0);
    out.at(F::SllPktType, Value::U64(pkttype.into()), at + 10, 1, 1);
    let halen = bytes.get(11).copied().unwrap_or(0);
    out.at(F::SllHaLen, Value::U64(halen.into()), at + 11, 1, 1);
    if halen == 6 {
        if let Some(mac) = mac_at(bytes, 12) {
            out.at(F::SllSrcEth, Value::Mac(mac), at + 12, 6, 1);
        }
    }
}

pub(super) fn ethernet<'a>(
    eth: Ethernet2HeaderSlice<'a>,
    packet: &Packet<'a>,
    at: usize,
    out: &mut FieldList<'a>,
) {
    out.at(F::Eth, Value::None, at, 14, 0);
    out.at(F::EthDst, Value::Mac(eth.destination()), at, 6, 1);
    out.at(F::EthSrc, Value::Mac(eth.source()), at + 6, 6, 1);
    out.at(
        F::EthType,
        Value::U64(eth.ether_type().0.into()),
        at + 12,
        2,
        1,
    );
    // Bytes after the network packet are padding up to the 60-byte Ethernet minimum.
    if let Some(end) = packet.net_end {
        if let Some(padding) = packet.data.get(end..).filter(|p| !p.is_empty()) {
            out.at(F::EthPadding, Value::Bytes(padding), end, padding.len(), 1);
        }
    }
}

pub(super) fn vlan(vlan: SingleVlanHeaderSlice<'_>, at: usize, out: &mut FieldList<'_>) {
    out.at(F::Vlan, Value::None, at, 4, 0);
    out.bits(
        F::VlanPriority,
        Value::U64(vlan.priority_code_point().value().into()),
        at,
        2,
        0xe000,
    );
    out.bits(
        F::VlanDei,
        Value::Bool(vlan.drop_eligible_indicator()),
        at,
        2,
        0x1000,
    );
    out.bits(
        F::VlanId,
        Value::U64(vlan.vlan_identifier().value().into()),
        at,
        2,
        0x0fff,
    );
    out.at(
        F::VlanEtype,
        Value::U64(vlan.ether_type().0.into()),
        at + 2,
        2,
        1,
    );
}
