//! RFC-style diagrams of the application headers a class meets first, filled with the
//! packet's values: the DNS header as RFC 1035 §4.1.1 draws it (16 bits a row: ID, QR,
//! Opcode, AA, TC, RD, RA, Z, RCODE and the four counts) and a TLS record header (RFC 8446
//! §5.1: content type, version, length) with the handshake header inside it (§4: type,
//! length). Built from the application stage's decoded messages, so a message reassembled
//! from several segments is drawn too.

use crate::decode::app::{dns::Dns, tls};
use crate::decode::FieldList;
use crate::dissect::app::Message;
use crate::dissect::Dissection;
use crate::field::FieldId as F;

use super::diagram::{Cell, Diagram};

/// One header field of the drawing: its label, the value shown and its width in bits.
struct Part {
    label: &'static str,
    value: String,
    bits: usize,
    /// The field it draws (for the highlight), when the packet's field list has it.
    field: Option<F>,
}

fn part(label: &'static str, value: impl ToString, bits: usize, field: Option<F>) -> Part {
    Part {
        label,
        value: value.to_string(),
        bits,
        field,
    }
}

/// Lays `parts` out in rows of `row_bits`, a field that crosses a row end continuing on
/// the next (drawn with `…`, as the network-layer diagrams do).
fn grid(parts: &[Part], row_bits: usize, fields: &FieldList<'_>) -> Vec<Vec<Cell>> {
    let index = |id: Option<F>| id.and_then(|id| fields.iter().position(|f| f.id == id));
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut row: Vec<Cell> = Vec::new();
    let mut used = 0usize;
    for p in parts {
        let mut left = p.bits;
        let mut first = true;
        while left > 0 {
            let take = left.min(row_bits - used);
            row.push(Cell {
                bits: take,
                label: if first {
                    p.label.to_string()
                } else {
                    String::new()
                },
                value: if first {
                    p.value.clone()
                } else {
                    String::new()
                },
                field: index(p.field),
                continued: !first,
            });
            first = false;
            left -= take;
            used += take;
            if used == row_bits {
                rows.push(std::mem::take(&mut row));
                used = 0;
            }
        }
    }
    if !row.is_empty() {
        rows.push(row);
    }
    rows
}

fn bit(flags: u16, mask: u16) -> u16 {
    u16::from(flags & mask != 0)
}

/// The DNS header of `dns` (RFC 1035 §4.1.1), with what each set value means.
pub fn dns_header(dns: &Dns, fields: &FieldList<'_>) -> Diagram {
    let f = dns.flags;
    let [qd, an, ns, ar] = dns.counts;
    let parts = [
        part("ID", format!("0x{:04x}", dns.id), 16, Some(F::DnsId)),
        part("QR", bit(f, 0x8000), 1, Some(F::DnsFlagsResponse)),
        part("Opcode", dns.opcode(), 4, Some(F::DnsFlagsOpcode)),
        part("AA", bit(f, 0x0400), 1, Some(F::DnsFlagsAuthoritative)),
        part("TC", bit(f, 0x0200), 1, Some(F::DnsFlagsTruncated)),
        part("RD", bit(f, 0x0100), 1, Some(F::DnsFlagsRecdesired)),
        part("RA", bit(f, 0x0080), 1, Some(F::DnsFlagsRecavail)),
        part("Z", (f >> 4) & 7, 3, None),
        part("RCODE", dns.rcode(), 4, Some(F::DnsFlagsRcode)),
        part("QDCOUNT", qd, 16, Some(F::DnsCountQueries)),
        part("ANCOUNT", an, 16, Some(F::DnsCountAnswers)),
        part("NSCOUNT", ns, 16, Some(F::DnsCountAuthRr)),
        part("ARCOUNT", ar, 16, Some(F::DnsCountAddRr)),
    ];
    let opcode = match dns.opcode() {
        0 => "a standard query",
        1 => "an inverse query",
        2 => "a server status request",
        4 => "a notify",
        5 => "an update",
        _ => "an unknown operation",
    };
    let rcode = match dns.rcode() {
        0 => "no error",
        1 => "format error",
        2 => "server failure",
        3 => "no such name (NXDOMAIN)",
        4 => "not implemented",
        5 => "refused",
        _ => "another error",
    };
    let yes_no = |mask: u16| if f & mask != 0 { "yes" } else { "no" };
    let legend = vec![
        format!(
            "QR {} = {}; Opcode {} = {opcode}; RCODE {} = {rcode}",
            bit(f, 0x8000),
            if dns.is_response() {
                "a response"
            } else {
                "a query"
            },
            dns.opcode(),
            dns.rcode()
        ),
        format!(
            "AA authoritative answer: {}; TC truncated: {}; RD recursion desired: {}; RA recursion available: {}; Z reserved",
            yes_no(0x0400),
            yes_no(0x0200),
            yes_no(0x0100),
            yes_no(0x0080)
        ),
        format!(
            "{qd} question{}, {an} answer{}, {ns} authority and {ar} additional record{} follow the 12-byte header",
            plural(qd),
            plural(an),
            plural(ar)
        ),
    ];
    Diagram {
        title: "DNS header (RFC 1035 §4.1.1)".to_string(),
        rows: grid(&parts, 16, fields),
        legend,
    }
}

fn plural(n: u16) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn content_type_name(t: u8) -> &'static str {
    match t {
        20 => "Change Cipher Spec",
        21 => "Alert",
        22 => "Handshake",
        23 => "Application Data",
        24 => "Heartbeat",
        _ => "unknown",
    }
}

/// The header of a TLS record and, for a handshake record, of its first message.
pub fn tls_record(record: &tls::Record, fields: &FieldList<'_>) -> Diagram {
    let mut parts = vec![
        part(
            "Content Type",
            record.content_type,
            8,
            Some(F::TlsRecordContentType),
        ),
        part(
            "Version",
            format!("0x{:04x}", record.version),
            16,
            Some(F::TlsRecordVersion),
        ),
        part("Length", record.length, 16, Some(F::TlsRecordLength)),
    ];
    let mut legend = vec![format!(
        "Content Type {} = {}; Version 0x{:04x} = {} (the record layer's, not necessarily the one negotiated); Length = {} bytes of record data follow",
        record.content_type,
        content_type_name(record.content_type),
        record.version,
        tls::version_name(record.version),
        record.length
    )];
    let mut title = "TLS record header (RFC 8446 §5.1)".to_string();
    if let Some(h) = record.handshakes.first() {
        parts.push(part("Msg Type", h.msg_type, 8, Some(F::TlsHandshakeType)));
        parts.push(part("Length", h.length, 24, Some(F::TlsHandshakeLength)));
        legend.push(format!(
            "Msg Type {} = {}; its Length = {} bytes of handshake message follow",
            h.msg_type,
            tls::handshake_name(h.msg_type),
            h.length
        ));
        title.push_str(" and handshake header (§4)");
    }
    if record.encrypted {
        legend.push("The record's data is encrypted: only this header is readable.".to_string());
    }
    Diagram {
        title,
        rows: grid(&parts, 32, fields),
        legend,
    }
}

/// The application-layer diagrams of `d`: the first DNS header, the first TLS records'
/// headers (at most three, as a frame may carry a dozen).
pub fn app_diagrams(d: &Dissection<'_>, fields: &FieldList<'_>) -> Vec<Diagram> {
    let mut out = Vec::new();
    for placed in &d.app.messages {
        match &placed.message {
            Message::Dns(dns) if out.is_empty() => out.push(dns_header(dns, fields)),
            Message::Tls(t) => {
                for record in t.records.iter().take(3usize.saturating_sub(out.len())) {
                    out.push(tls_record(record, fields));
                }
            }
            _ => {}
        }
    }
    out
}
