//! Port names as tshark prints them with `-N t`: `http(80)`, `slm-api(1606)`, or the bare
//! number when the port has no name.
//!
//! The data is Wireshark's whole `services` file (IANA's registry: 5,948 TCP and 5,556 UDP
//! names), packed by `tools/ports_table.py` into `data/services.deflate` (raw deflate of one
//! line per named port, `PORT<TAB>tcp name<TAB>udp name`; 142 KB of text, 55 KB packed —
//! the binary's growth). Source: Debian's wireshark-common 4.0.17-0+deb12u3 (Wireshark
//! v4.0.17), the table the tshark the differential tests were recorded with uses. It is
//! unpacked on the first lookup only (about a millisecond), so a run that resolves no
//! ports pays nothing.

use std::fmt::{self, Write};
use std::sync::OnceLock;

static PACKED: &[u8] = include_bytes!("data/services.deflate");

/// The transport a port number belongs to (names differ between TCP and UDP).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
}

/// The unpacked table: the text, and per named port its TCP and UDP names as ranges of it.
struct Table {
    text: String,
    /// Sorted by port, for binary search.
    ports: Vec<(u16, Span, Span)>,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    len: u8,
}

impl Table {
    fn parse(text: String) -> Table {
        let mut ports = Vec::with_capacity(6_200);
        let mut at = 0usize;
        for line in text.split_inclusive('\n') {
            let start = at;
            at += line.len();
            let mut cols = line.trim_end_matches('\n').split('\t');
            let (Some(port), Some(tcp), Some(udp)) = (cols.next(), cols.next(), cols.next()) else {
                continue;
            };
            let Ok(port) = port.parse::<u16>() else {
                continue;
            };
            let span = |offset: usize, name: &str| Span {
                start: u32::try_from(offset).unwrap_or(u32::MAX),
                len: u8::try_from(name.len()).unwrap_or(0),
            };
            let tcp_at = start + line.find('\t').unwrap_or(0) + 1;
            let udp_at = tcp_at + tcp.len() + 1;
            ports.push((port, span(tcp_at, tcp), span(udp_at, udp)));
        }
        // The generator writes the lines in port order; sorting again costs nothing and
        // keeps the binary search right whatever the file holds.
        ports.sort_by_key(|(port, _, _)| *port);
        Table { text, ports }
    }

    fn name(&'static self, transport: Transport, port: u16) -> Option<&'static str> {
        let index = self
            .ports
            .binary_search_by_key(&port, |(p, _, _)| *p)
            .ok()?;
        let (_, tcp, udp) = self.ports.get(index)?;
        let span = match transport {
            Transport::Tcp => tcp,
            Transport::Udp => udp,
        };
        let start = span.start as usize;
        self.text
            .get(start..start + usize::from(span.len))
            .filter(|name| !name.is_empty())
    }
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table::parse(super::unpack(PACKED)))
}

/// The service name of `port`, if Wireshark's table has one.
pub fn port_name(transport: Transport, port: u16) -> Option<&'static str> {
    table().name(transport, port)
}

/// Writes `name(port)` when `resolve` and the port has a name, else the number.
pub fn write_port(
    out: &mut impl Write,
    transport: Transport,
    port: u16,
    resolve: bool,
) -> fmt::Result {
    // Looked up only when asked: the Info column of every TCP/UDP packet comes here.
    match resolve.then(|| port_name(transport, port)).flatten() {
        Some(name) => write!(out, "{name}({port})"),
        None => write!(out, "{port}"),
    }
}

/// A port field's value as tshark's details tree shows it with `-N t`: `http (80)`, and
/// `40001 (40001)` for a port without a name; the bare number without resolution.
pub fn port_display(transport: Transport, port: u16, resolve: bool) -> String {
    if !resolve {
        return port.to_string();
    }
    match port_name(transport, port) {
        Some(name) => format!("{name} ({port})"),
        None => format!("{port} ({port})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_well_known_and_registered_ports() {
        assert_eq!(port_name(Transport::Tcp, 80), Some("http"));
        assert_eq!(port_name(Transport::Udp, 53), Some("domain"));
        assert_eq!(port_name(Transport::Tcp, 1606), Some("slm-api"));
        // Past the well-known range, and from a range line (x11 6000-6063/tcp/udp).
        assert_eq!(port_name(Transport::Tcp, 6063), Some("x11"));
        assert_eq!(port_name(Transport::Udp, 6000), Some("x11"));
        assert_eq!(port_name(Transport::Tcp, 61_999), None);
        // Named for one transport only, or differently for each.
        assert_eq!(port_name(Transport::Tcp, 143), Some("imap"));
        assert_eq!(port_name(Transport::Udp, 143), None);
        assert_eq!(port_name(Transport::Tcp, 513), Some("login"));
        assert_eq!(port_name(Transport::Udp, 513), Some("who"));
        let mut s = String::new();
        write_port(&mut s, Transport::Tcp, 443, true).unwrap_or(());
        s.push(' ');
        write_port(&mut s, Transport::Tcp, 443, false).unwrap_or(());
        assert_eq!(s, "https(443) 443");
        assert_eq!(port_display(Transport::Udp, 40001, true), "40001 (40001)");
        assert_eq!(port_display(Transport::Tcp, 80, true), "http (80)");
        assert_eq!(port_display(Transport::Tcp, 80, false), "80");
    }

    #[test]
    fn the_whole_registry_is_there_and_sorted() {
        let table = table();
        assert!(table.ports.len() > 6_000, "{}", table.ports.len());
        assert!(table
            .ports
            .windows(2)
            .all(|w| matches!(w, [a, b] if a.0 < b.0)));
    }
}
