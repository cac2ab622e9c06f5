//! The packet list's columns, Wireshark style: No., Time, Source, Destination, Protocol,
//! Length, Info. Built from a [`Dissection`] alone, so the same text feeds the list, the
//! text search and any predicate that replaces it.

use std::fmt::Write as _;

use crate::decode::{Header, Packet};
use crate::dissect::{ip_addresses, Dissection};

/// One row of the packet list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    pub number: u64,
    /// Seconds since the first packet, 6 decimals.
    pub time: String,
    pub source: String,
    pub destination: String,
    pub protocol: String,
    pub length: u32,
    pub info: String,
}

impl Row {
    /// Everything the text search looks at, in column order.
    pub fn text(&self) -> String {
        format!(
            "{} {} {} {} {} {} {}",
            self.number,
            self.time,
            self.source,
            self.destination,
            self.protocol,
            self.length,
            self.info
        )
    }
}

/// The Process column's cell: the owners the pipeline found for the packet's conversation
/// (the same facts `-T fields -e sockeye.process` prints), empty where there are none to
/// find (no TCP/UDP, or a session without attribution).
pub fn process(d: &Dissection<'_>) -> String {
    d.process
        .as_ref()
        .map_or_else(String::new, crate::dissect::process::ProcessFacts::column)
}

/// Builds the row of one packet.
pub fn row(d: &Dissection<'_>) -> Row {
    let p = &d.packet;
    let rel = d.info.relative_ns;
    let time = format!(
        "{}{}.{:06}",
        if rel < 0 { "-" } else { "" },
        rel.unsigned_abs() / 1_000_000_000,
        (rel.unsigned_abs() % 1_000_000_000) / 1_000
    );
    let (source, destination) = addresses(p);
    // The Protocol and Info columns as tshark writes them, computed once by the pipeline;
    // a packet it has no text for gets the pipeline's transport-layer columns.
    let (column_protocol, column_info) = d.columns();
    let (protocol, info) = if column_protocol.is_empty() || column_info.is_empty() {
        let (protocol, info) = crate::dissect::columns::base(p, d.tcp.as_ref(), false);
        (protocol.to_string(), info)
    } else {
        (column_protocol.to_string(), column_info.to_string())
    };
    Row {
        number: d.info.number,
        time,
        source,
        destination,
        protocol,
        length: p.orig_len,
        info,
    }
}

/// The row with names resolved, as the `R` toggle shows it (tshark's `-N mtd`): Source and
/// Destination by learned host name or MAC vendor, and the ports of a plain TCP/UDP Info
/// by service name (`http(80)`).
pub fn row_resolved(d: &Dissection<'_>, hosts: &crate::names::HostTable) -> Row {
    let mut row = row(d);
    let (source, destination) = crate::names::address_columns(
        crate::names::Resolve::ALL,
        hosts,
        &d.packet,
        d.info.number,
        true,
    );
    row.source = source;
    row.destination = destination;
    // Only an Info the transport layer wrote alone is rewritten: application text and
    // reassembly notes stay as the pipeline made them.
    let (_, plain) = crate::dissect::columns::base(&d.packet, d.tcp.as_ref(), false);
    if row.info == plain {
        row.info = crate::dissect::columns::base(&d.packet, d.tcp.as_ref(), true).1;
    }
    row
}

fn mac(m: &[u8]) -> String {
    let mut s = String::with_capacity(17);
    for (i, b) in m.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

pub fn addresses(p: &Packet<'_>) -> (String, String) {
    if let Some((s, d)) = ip_addresses(p) {
        return (s.to_string(), d.to_string());
    }
    for layer in &p.layers {
        if let Header::Ethernet(eth) = &layer.header {
            return (mac(&eth.source()), mac(&eth.destination()));
        }
    }
    (String::new(), String::new())
}
