//! MAC addresses as Wireshark names them: `HonHaiPr_6e:8b:24` (the vendor's short name and
//! the bytes the vendor assigned), `Broadcast`, `IPv4mcast_7f:ff:fa`, `IPv6mcast_ff:00:10:00`,
//! and the vendor's long name for `eth.*.oui_resolved`.
//!
//! The data is Wireshark's own `manuf` and `wka` files, packed by `tools/names_tables.py`
//! into `data/manuf.deflate` (raw deflate of one sorted line per entry; 52,633 entries,
//! 1.7 MB of text, 543 KB packed — the binary's growth). Source: Debian's wireshark-common
//! 4.0.17-0+deb12u3 (Wireshark v4.0.17, IEEE registries of 2024-08-25), the same tables the
//! tshark the differential tests were recorded with uses. It is unpacked on first use only,
//! so a run without `-N m` pays nothing.
//!
//! The lookup order is Wireshark 4.0's `eth_addr_resolve`: an exact address; then ranges
//! longer than 24 bits, longest first; then the 24-bit vendor prefix (also with the multicast
//! bit cleared); then ranges shorter than 24 bits; else the plain address. A range's name is
//! followed by the address bytes it does not fix, the partly fixed byte masked.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

static PACKED: &[u8] = include_bytes!("data/manuf.deflate");

/// The unpacked table: names are ranges into `text`.
struct Table {
    text: String,
    exact: HashMap<u64, Name>,
    /// 24-bit vendor prefixes: short and long name.
    vendors: HashMap<u32, (Name, Name)>,
    /// Ranges of other lengths, keyed by their first address (the bits past the range
    /// zero) and not by their length: Wireshark's table is keyed so, which is why an
    /// address whose bits past a /36 range are zero up to the next byte is named as if the
    /// range were /40 (`Fen_d1`, not `Fen_00:d1`), and `01:00:5e:00:00:fb` is
    /// `IPv4mcast_fb`.
    ranges: HashMap<u64, Name>,
}

#[derive(Debug, Clone, Copy)]
struct Name {
    start: u32,
    len: u16,
}

impl Table {
    fn get(&self, name: Name) -> &str {
        let start = name.start as usize;
        self.text
            .get(start..start + usize::from(name.len))
            .unwrap_or("")
    }

    fn parse(text: String) -> Table {
        let mut table = Table {
            text: String::new(),
            exact: HashMap::new(),
            vendors: HashMap::new(),
            ranges: HashMap::new(),
        };
        let mut at = 0usize;
        for line in text.split_inclusive('\n') {
            let start = at;
            at += line.len();
            let mut cols = line.trim_end_matches('\n').split('\t');
            let (Some(key), Some(short)) = (cols.next(), cols.next()) else {
                continue;
            };
            let long = cols.next().unwrap_or("");
            let (digits, bits) = match key.split_once('/') {
                Some((d, b)) => (d, b.parse::<u8>().ok()),
                None => (key, u8::try_from(key.len() * 4).ok()),
            };
            let (Some(bits), Ok(value)) = (bits, u64::from_str_radix(digits, 16)) else {
                continue;
            };
            let Some(prefix) = value.checked_shl(48u32.saturating_sub(digits.len() as u32 * 4))
            else {
                continue;
            };
            // Offsets of the names inside this line, then inside the whole text.
            let short_at = start + key.len() + 1;
            let name = |offset: usize, len: usize| Name {
                start: offset as u32,
                len: len as u16,
            };
            let short_name = name(short_at, short.len());
            match bits {
                48 => {
                    table.exact.insert(prefix, short_name);
                }
                24 => {
                    let mut long_name = name(short_at + short.len() + 1, long.len());
                    let key = (prefix >> 24) as u32;
                    // A later short name (wka's) keeps the vendor's long name.
                    if let (0, Some((_, earlier))) = (long.len(), table.vendors.get(&key)) {
                        long_name = *earlier;
                    }
                    table.vendors.insert(key, (short_name, long_name));
                }
                1..=47 => {
                    table.ranges.insert(prefix & mask(bits), short_name);
                }
                _ => {}
            }
        }
        table.text = text;
        table
    }
}

/// The first `bits` bits of a 48-bit address.
fn mask(bits: u8) -> u64 {
    let bits = u32::from(bits.min(48));
    (((1u64 << bits) - 1) << (48 - bits)) & 0xffff_ffff_ffff
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table::parse(super::unpack(PACKED)))
}

fn as_u64(mac: [u8; 6]) -> u64 {
    mac.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

/// `HonHaiPr_6e:8b:24`, `Broadcast`, or the plain address when nothing names it.
pub fn mac_name(mac: [u8; 6]) -> String {
    let table = table();
    let addr = as_u64(mac);
    if let Some(name) = table.exact.get(&addr) {
        return table.get(*name).to_string();
    }
    let range = |bits: u8| {
        table
            .ranges
            .get(&(addr & mask(bits)))
            .map(|n| table.get(*n))
    };
    // Ranges longer than a vendor prefix: the bytes after the fixed ones follow the name,
    // the partly fixed byte with its fixed bits cleared (Wireshark's `addr[i] & (0xFF >>
    // mask)`).
    for whole in [5usize, 4, 3] {
        for extra in (0..8u8).rev() {
            let bits = whole as u8 * 8 + extra;
            if let Some(name) = range(bits) {
                return named(name, &mac, whole, extra);
            }
        }
    }
    let oui = (addr >> 24) as u32;
    let vendor = table
        .vendors
        .get(&oui)
        .or_else(|| table.vendors.get(&(oui & 0xfe_ffff)));
    if let Some((short, _)) = vendor {
        return named(table.get(*short), &mac, 3, 0);
    }
    for whole in [2usize, 1] {
        for extra in (0..8u8).rev() {
            let bits = whole as u8 * 8 + extra;
            if let Some(name) = range(bits) {
                return named(name, &mac, whole, extra);
            }
        }
    }
    plain(&mac)
}

/// `name_` then the bytes from `whole` on, the first of them with its top `extra` bits
/// cleared.
fn named(name: &str, mac: &[u8; 6], whole: usize, extra: u8) -> String {
    let mut out = String::with_capacity(name.len() + 18);
    out.push_str(name);
    out.push('_');
    for (i, byte) in mac.iter().enumerate().skip(whole) {
        if i > whole {
            out.push(':');
        }
        let shown = if i == whole {
            byte & (0xff >> extra)
        } else {
            *byte
        };
        let _ = write!(out, "{shown:02x}");
    }
    out
}

/// The address in colon-separated hex (`00:05:5d:21:99:4c`).
pub fn plain(mac: &[u8; 6]) -> String {
    let mut out = String::with_capacity(17);
    for (i, byte) in mac.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// The vendor's long name (`Hon Hai Precision Ind. Co.,Ltd.`) for a 24-bit prefix, as
/// tshark's `eth.*.oui_resolved`.
/// Only an exact 24-bit entry of the manufacturer list counts (no multicast fallback,
/// unlike the address names; well-known 24-bit ranges have no long name), as tshark.
pub fn vendor_long_name(oui: u32) -> Option<&'static str> {
    let table = table();
    let (_, long) = table.vendors.get(&oui)?;
    Some(table.get(*long)).filter(|name| !name.is_empty())
}

/// The 24-bit vendor prefix of an address (`eth.*.oui`).
pub fn oui(mac: [u8; 6]) -> u32 {
    (as_u64(mac) >> 24) as u32
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn names_as_wireshark_prints_them() {
        assert_eq!(
            mac_name([0x00, 0x16, 0xce, 0x6e, 0x8b, 0x24]),
            "HonHaiPr_6e:8b:24"
        );
        assert_eq!(mac_name([0xff; 6]), "Broadcast");
        assert_eq!(
            mac_name([0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa]),
            "IPv4mcast_7f:ff:fa"
        );
        assert_eq!(
            mac_name([0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb]),
            "IPv4mcast_fb"
        );
        assert_eq!(
            mac_name([0x33, 0x33, 0xff, 0x00, 0x10, 0x00]),
            "IPv6mcast_ff:00:10:00"
        );
        assert_eq!(
            vendor_long_name(0x0016ce),
            Some("Hon Hai Precision Ind. Co.,Ltd.")
        );
        assert_eq!(vendor_long_name(0xffffff), None);
    }
}
