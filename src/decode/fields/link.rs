//! Fields of the link layers. Byte positions come from the layout in `field::layout`.

use etherparse::{Ethernet2HeaderSlice, SingleVlanHeaderSlice};

use super::super::Packet;
use super::{Address, Annotate, FieldList};
use crate::field::layout::{
    eth, eth_dot3, null as null_layout, sll as sll1, sll2 as sll_v2, vlan as tag,
};
use crate::field::{FieldId as F, Value};

pub(super) fn null(family: u32, at: usize, out: &mut FieldList<'_>) {
    out.at(F::Null, Value::None, at, null_layout::LEN, 0);
    out.placed(&null_layout::FAMILY, Value::U64(u64::from(family)), at);
}

/// Linux cooked v1.
pub(super) fn sll<'a>(bytes: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    out.at(F::Sll, Value::None, at, bytes.len(), 0);
    out.fixed(&sll1::PKTTYPE, bytes, at);
    out.fixed(&sll1::HATYPE, bytes, at);
    out.fixed(&sll1::HALEN, bytes, at);
    if sll1::HALEN.read_uint(bytes) == Some(6) {
        out.fixed(&sll1::SRC_ETH, bytes, at);
    }
    out.fixed(&sll1::ETYPE, bytes, at);
}

/// Linux cooked v2, what `tcpdump -i any` writes.
pub(super) fn sll2<'a>(bytes: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    out.at(F::Sll, Value::None, at, bytes.len(), 0);
    out.fixed(&sll_v2::ETYPE, bytes, at);
    out.fixed(&sll_v2::IFINDEX, bytes, at);
    out.fixed(&sll_v2::HATYPE, bytes, at);
    out.fixed(&sll_v2::PKTTYPE, bytes, at);
    out.fixed(&sll_v2::HALEN, bytes, at);
    if sll_v2::HALEN.read_uint(bytes) == Some(6) {
        out.fixed(&sll_v2::SRC_ETH, bytes, at);
    }
}

pub(super) fn ethernet<'a>(
    eth: Ethernet2HeaderSlice<'a>,
    packet: &Packet<'a>,
    (nth, annotate): (usize, &dyn Annotate<'a>),
    at: usize,
    out: &mut FieldList<'a>,
) {
    let bytes = eth.slice();
    out.at(F::Eth, Value::None, at, eth::LEN, 0);
    out.fixed(&eth::DST, bytes, at);
    let (dst, src) = (eth.destination(), eth.source());
    annotate.address(
        Address::Eth {
            nth,
            source: false,
            mac: dst,
        },
        out,
    );
    out.fixed(&eth::SRC, bytes, at);
    annotate.address(
        Address::Eth {
            nth,
            source: true,
            mac: src,
        },
        out,
    );
    if super::super::llc::is_length(eth.ether_type().0) {
        out.fixed(&eth_dot3::LENGTH, bytes, at);
    } else {
        out.fixed(&eth::TYPE, bytes, at);
    }
    // Bytes after the network packet are padding up to the 60-byte Ethernet minimum; they
    // belong to the frame's own Ethernet header, not to one inside a tunnel.
    let outermost = packet.layers.first().is_some_and(|l| l.offset == at);
    if let Some(end) = packet.net_end.filter(|_| outermost) {
        if let Some(padding) = packet.data.get(end..).filter(|p| !p.is_empty()) {
            out.at(F::EthPadding, Value::Bytes(padding), end, padding.len(), 1);
        }
    }
}

pub(super) fn vlan<'a>(vlan: SingleVlanHeaderSlice<'a>, at: usize, out: &mut FieldList<'a>) {
    let bytes = vlan.slice();
    out.at(F::Vlan, Value::None, at, tag::LEN, 0);
    for layout in tag::FIELDS {
        out.fixed(layout, bytes, at);
    }
}
