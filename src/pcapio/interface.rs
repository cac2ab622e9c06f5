//! What a pcapng Interface Description Block and a packet block's flags tell the reader:
//! link type, snap length, timestamp resolution (`if_tsresol`), name, direction.

use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};

use crate::frame::{Direction, InterfaceDesc, LinkType};

/// One interface of a pcapng section (classic pcap has exactly one).
#[derive(Debug, Clone)]
pub(super) struct Interface {
    pub(super) link: LinkType,
    pub(super) snaplen: u32,
    /// Timestamp units per second: 10^6 by default, set by `if_tsresol`.
    pub(super) units_per_sec: u64,
    /// Its id in the reader's [`InterfaceTable`], which numbers the interfaces of every
    /// section one after the other (a packet block's id is only unique in its section).
    pub(super) id: u32,
}

/// The reader's view of an IDB (id still to be given) and its description for the table.
pub(super) fn interface_from(idb: &InterfaceDescriptionBlock<'_>) -> (Interface, InterfaceDesc) {
    let tsresol = idb.options.iter().find_map(|opt| match opt {
        InterfaceDescriptionOption::IfTsResol(v) => Some(*v),
        _ => None,
    });
    let name = idb.options.iter().find_map(|opt| match opt {
        InterfaceDescriptionOption::IfName(name) => Some(name.as_ref()),
        _ => None,
    });
    let link = LinkType(u32::from(idb.linktype));
    let iface = Interface {
        link,
        snaplen: idb.snaplen,
        units_per_sec: tsresol.map_or(1_000_000, units_per_sec),
        id: 0,
    };
    // A hostile name cannot flood a line or a terminal: cut, without control characters.
    let name: Option<String> =
        name.map(|n| n.chars().filter(|c| !c.is_control()).take(64).collect());
    let desc = InterfaceDesc::new(name.as_deref(), link, idb.snaplen, tsresol.unwrap_or(6));
    (iface, desc)
}

/// `if_tsresol`: high bit clear = 10^-n seconds, set = 2^-n seconds. Absurd exponents are
/// clamped rather than trusted (u64 holds 10^19 and 2^63).
pub(super) fn units_per_sec(tsresol: u8) -> u64 {
    let exp = u32::from(tsresol & 0x7f);
    if tsresol & 0x80 == 0 {
        10u64.saturating_pow(exp.min(19))
    } else {
        1u64 << exp.min(63)
    }
}

pub(super) fn units_to_ns(units: u128, units_per_sec: u64) -> i64 {
    let per_sec = u128::from(units_per_sec.max(1));
    let secs = units / per_sec;
    let frac = units % per_sec;
    let ns = secs * 1_000_000_000 + frac * 1_000_000_000 / per_sec;
    i64::try_from(ns).unwrap_or(i64::MAX)
}

pub(super) fn direction_from_flags(flags: u32) -> Direction {
    match flags & 0b11 {
        0b01 => Direction::Inbound,
        0b10 => Direction::Outbound,
        _ => Direction::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsresol_decimal_and_binary() {
        assert_eq!(units_per_sec(6), 1_000_000);
        assert_eq!(units_per_sec(9), 1_000_000_000);
        assert_eq!(units_per_sec(0x80 | 10), 1024);
        assert_eq!(units_to_ns(1_500_000, 1_000_000), 1_500_000_000);
        assert_eq!(units_to_ns(1536, 1024), 1_500_000_000);
    }

    #[test]
    fn epb_flags_direction() {
        assert_eq!(direction_from_flags(1), Direction::Inbound);
        assert_eq!(direction_from_flags(2), Direction::Outbound);
        assert_eq!(direction_from_flags(0), Direction::Unknown);
    }
}
