//! Fields of ARP, IPv4 and IPv6. Byte positions come from the layout in `field::layout`.

use std::net::IpAddr;

use etherparse::{ArpPacketSlice, IpNumber, Ipv4HeaderSlice, Ipv6HeaderSlice};

use super::super::checksum::check_ipv4;
use super::{Address, Annotate, FieldList};
use crate::field::layout::{arp as arp_layout, ipv4 as v4, ipv6 as v6, ipv6_ext, ipv6_frag};
use crate::field::{FieldId as F, Value};

pub(super) fn arp<'a>(arp: ArpPacketSlice<'a>, at: usize, out: &mut FieldList<'a>) {
    let bytes = arp.slice();
    out.at(F::Arp, Value::None, at, bytes.len(), 0);
    for layout in arp_layout::FIELDS {
        out.fixed(layout, bytes, at);
    }
    // Ethernet/IPv4 ARP has typed addresses; other sizes are shown as bytes.
    let typed = arp_layout::HW_SIZE.read_uint(bytes) == Some(6)
        && arp_layout::PROTO_SIZE.read_uint(bytes) == Some(4);
    if typed {
        for layout in arp_layout::ether_ipv4::OTHERS {
            out.fixed(layout, bytes, at);
        }
    }
}

pub(super) fn ipv4<'a>(
    ip: Ipv4HeaderSlice<'a>,
    (nth, annotate): (usize, &dyn Annotate<'a>),
    at: usize,
    out: &mut FieldList<'a>,
) {
    let bytes = ip.slice();
    out.at(F::Ip, Value::None, at, bytes.len(), 0);
    for layout in [
        v4::VERSION,
        v4::HDR_LEN,
        v4::DSFIELD,
        v4::DSCP,
        v4::ECN,
        v4::TOTAL_LEN,
        v4::ID,
        v4::FLAGS,
        v4::FLAG_RB,
        v4::FLAG_DF,
        v4::FLAG_MF,
        v4::FRAG_OFFSET,
        v4::TTL,
        v4::PROTO,
        v4::CHECKSUM,
    ] {
        out.fixed(&layout, bytes, at);
    }
    super::transport::checksum_facts(out, F::IpChecksumStatus, || {
        check_ipv4(bytes, ip.header_checksum())
    });
    out.fixed(&v4::SRC, bytes, at);
    let addr = IpAddr::from(ip.source());
    annotate.address(
        Address::Ip {
            nth,
            source: true,
            addr,
        },
        out,
    );
    out.fixed(&v4::DST, bytes, at);
    let addr = IpAddr::from(ip.destination());
    annotate.address(
        Address::Ip {
            nth,
            source: false,
            addr,
        },
        out,
    );
    let options = ip.options();
    if !options.is_empty() {
        out.at(
            F::IpOptions,
            Value::Bytes(options),
            at + v4::OPTIONS,
            options.len(),
            1,
        );
    }
}

pub(super) fn ipv6<'a>(
    ip: Ipv6HeaderSlice<'a>,
    (nth, annotate): (usize, &dyn Annotate<'a>),
    at: usize,
    out: &mut FieldList<'a>,
) {
    let bytes = ip.slice();
    out.at(F::Ipv6, Value::None, at, v6::LEN, 0);
    for layout in v6::FIELDS {
        out.fixed(layout, bytes, at);
        let (source, addr) = match layout.id {
            F::Ipv6Src => (true, ip.source()),
            F::Ipv6Dst => (false, ip.destination()),
            _ => continue,
        };
        let addr = IpAddr::from(addr);
        annotate.address(Address::Ip { nth, source, addr }, out);
    }
}

pub(super) fn ipv6_ext<'a>(kind: IpNumber, slice: &'a [u8], at: usize, out: &mut FieldList<'a>) {
    let proto = match kind {
        IpNumber::IPV6_HEADER_HOP_BY_HOP => F::Ipv6Hopopts,
        IpNumber::IPV6_ROUTE_HEADER => F::Ipv6Routing,
        IpNumber::IPV6_FRAGMENTATION_HEADER => F::Ipv6Fragment,
        _ => F::Ipv6Dstopts,
    };
    out.at(proto, Value::None, at, slice.len(), 1);
    let layouts = if proto == F::Ipv6Fragment {
        ipv6_frag::FIELDS
    } else {
        ipv6_ext::FIELDS
    };
    for layout in layouts {
        out.fixed(layout, slice, at);
    }
}
