//! DNS messages (RFC 1035), also carried by mDNS (5353) and LLMNR (5355), and over TCP with
//! a 2-byte length prefix.
//!
//! Hand-written rather than `simple-dns`/`hickory-proto`: those parse a whole message or
//! fail, and give no byte offsets. An inspector must show the records that were present in a
//! truncated message, place every field in the hex pane, and say where decoding stopped;
//! a DNS header plus name decompression is small enough to check by hand.

use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::{be_u16, be_u32, Malformed, Place, Span};
use crate::decode::FieldList;
use crate::field::{FieldId as F, Value};

/// Longest name (RFC 1035: 255 octets) and most compression jumps followed; a loop of
/// pointers is hostile input and must end.
const MAX_NAME: usize = 255;
const MAX_JUMPS: usize = 64;
/// Records kept per message: a 64 KiB message cannot hold more than this many 11-byte
/// records, and keeping a bound makes memory per packet predictable.
const MAX_RECORDS: usize = 6000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Dns,
    Mdns,
    Llmnr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub name: String,
    pub name_span: Span,
    pub qtype: u16,
    pub class: u16,
    /// mDNS: the top bit of the class asks for a unicast response ("QU").
    pub unicast: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RData {
    A([u8; 4]),
    Aaaa([u8; 16]),
    Cname(String),
    Ptr(String),
    Ns(String),
    Mx(u16, String),
    Soa(String, String),
    Txt(String),
    /// OPT pseudo-record: its class is the UDP payload size.
    Opt,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub name: String,
    pub rtype: u16,
    pub class: u16,
    pub ttl: u32,
    pub rdlen: u16,
    pub data: RData,
    pub span: Span,
    pub data_span: Span,
}

/// One DNS message.
#[derive(Debug, Clone, PartialEq)]
pub struct Dns {
    pub flavor: Flavor,
    /// Over TCP: the length prefix.
    pub tcp_length: Option<u16>,
    pub id: u16,
    pub flags: u16,
    pub counts: [u16; 4],
    pub questions: Vec<Question>,
    /// Answers, authority and additional records, with the section each belongs to.
    pub records: Vec<(Section, Record)>,
    /// Request/response link (one pass: only the response points back at its query).
    pub response_to: Option<u64>,
    pub malformed: Option<Malformed>,
    /// Offset of the header in the PDU (2 over TCP).
    header_at: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Answer,
    Authority,
    Additional,
}

impl Dns {
    pub fn is_response(&self) -> bool {
        self.flags & 0x8000 != 0
    }

    pub fn opcode(&self) -> u16 {
        (self.flags >> 11) & 0xf
    }

    pub fn rcode(&self) -> u16 {
        self.flags & 0xf
    }

    pub fn protocol_name(&self) -> &'static str {
        match self.flavor {
            Flavor::Dns => "dns",
            Flavor::Mdns => "mdns",
            Flavor::Llmnr => "llmnr",
        }
    }

    pub fn column(&self) -> &'static str {
        match self.flavor {
            Flavor::Dns => "DNS",
            Flavor::Mdns => "MDNS",
            Flavor::Llmnr => "LLMNR",
        }
    }

    /// tshark's Info text: `Standard query response 0x180f A wireshark.org A 128.121.50.122`.
    pub fn info(&self, out: &mut String) {
        let opcode = match self.opcode() {
            0 => "Standard query".to_string(),
            1 => "Inverse query".to_string(),
            2 => "Server status request".to_string(),
            4 => "Zone change notification".to_string(),
            5 => "Dynamic update".to_string(),
            other => format!("Unknown operation ({other})"),
        };
        let _ = write!(
            out,
            "{opcode}{} 0x{:04x}",
            if self.is_response() { " response" } else { "" },
            self.id
        );
        if self.is_response() && self.rcode() != 0 {
            let _ = write!(out, " {}", rcode_name(self.rcode()));
        }
        for q in &self.questions {
            let _ = write!(out, " {} {}", type_name(q.qtype), q.name);
            if self.flavor == Flavor::Mdns {
                out.push_str(if q.unicast {
                    ", \"QU\" question"
                } else {
                    ", \"QM\" question"
                });
            }
        }
        if !self.is_response() {
            return;
        }
        for (_, r) in &self.records {
            let _ = write!(out, " {}", type_name(r.rtype));
            match &r.data {
                RData::A(a) => {
                    let _ = write!(out, " {}", Ipv4Addr::from(*a));
                }
                RData::Aaaa(a) => {
                    let _ = write!(out, " {}", Ipv6Addr::from(*a));
                }
                RData::Cname(n) | RData::Ptr(n) | RData::Ns(n) | RData::Soa(n, _) => {
                    let _ = write!(out, " {n}");
                }
                RData::Mx(pref, n) => {
                    let _ = write!(out, " {pref} {n}");
                }
                RData::Txt(_) | RData::Opt | RData::Other => {}
            }
        }
    }

    pub fn emit<'a>(&'a self, place: Place, out: &mut FieldList<'a>) {
        let h = self.header_at;
        let proto = match self.flavor {
            Flavor::Dns => F::Dns,
            Flavor::Mdns => F::Mdns,
            Flavor::Llmnr => F::Llmnr,
        };
        out.fact(proto, Value::None, 0);
        if let Some(len) = self.tcp_length {
            place.emit(
                out,
                F::DnsLength,
                Value::U64(len.into()),
                Span::new(0, 2),
                1,
            );
        }
        if let Some(to) = self.response_to {
            out.fact(F::DnsResponseTo, Value::U64(to), 1);
        }
        place.emit(
            out,
            F::DnsId,
            Value::U64(self.id.into()),
            Span::new(h, 2),
            1,
        );
        let flags_span = Span::new(h + 2, 2);
        place.emit(
            out,
            F::DnsFlags,
            Value::U64(self.flags.into()),
            flags_span,
            1,
        );
        let bit = |mask: u16| Value::Bool(self.flags & mask != 0);
        place.emit(out, F::DnsFlagsResponse, bit(0x8000), flags_span, 2);
        place.emit(
            out,
            F::DnsFlagsOpcode,
            Value::U64(self.opcode().into()),
            flags_span,
            2,
        );
        if self.is_response() {
            place.emit(out, F::DnsFlagsAuthoritative, bit(0x0400), flags_span, 2);
        }
        place.emit(out, F::DnsFlagsTruncated, bit(0x0200), flags_span, 2);
        place.emit(out, F::DnsFlagsRecdesired, bit(0x0100), flags_span, 2);
        if self.is_response() {
            place.emit(out, F::DnsFlagsRecavail, bit(0x0080), flags_span, 2);
            place.emit(
                out,
                F::DnsFlagsRcode,
                Value::U64(self.rcode().into()),
                flags_span,
                2,
            );
        }
        let count_ids = [
            F::DnsCountQueries,
            F::DnsCountAnswers,
            F::DnsCountAuthRr,
            F::DnsCountAddRr,
        ];
        for (i, (id, count)) in count_ids.iter().zip(self.counts).enumerate() {
            place.emit(
                out,
                *id,
                Value::U64(count.into()),
                Span::new(h + 4 + 2 * i, 2),
                1,
            );
        }
        for q in &self.questions {
            place.emit(out, F::DnsQryName, Value::Text(&q.name), q.name_span, 2);
            let after = (q.name_span.start + q.name_span.len) as usize;
            place.emit(
                out,
                F::DnsQryType,
                Value::U64(q.qtype.into()),
                Span::new(after, 2),
                2,
            );
            place.emit(
                out,
                F::DnsQryClass,
                Value::U64(q.class.into()),
                Span::new(after + 2, 2),
                2,
            );
        }
        for (_, r) in &self.records {
            self.emit_record(r, place, out);
        }
        place.malformed(out, &self.malformed);
    }

    fn emit_record<'a>(&'a self, r: &'a Record, place: Place, out: &mut FieldList<'a>) {
        let s = r.span.start as usize;
        let d = r.data_span;
        let name_len = (r.data_span.start as usize).saturating_sub(s + 10);
        place.emit(
            out,
            F::DnsRespName,
            Value::Text(&r.name),
            Span::new(s, name_len),
            2,
        );
        let t = s + name_len;
        place.emit(
            out,
            F::DnsRespType,
            Value::U64(r.rtype.into()),
            Span::new(t, 2),
            2,
        );
        if r.data != RData::Opt {
            place.emit(
                out,
                F::DnsRespClass,
                Value::U64(r.class.into()),
                Span::new(t + 2, 2),
                2,
            );
            place.emit(
                out,
                F::DnsRespTtl,
                Value::U64(r.ttl.into()),
                Span::new(t + 4, 4),
                2,
            );
        }
        place.emit(
            out,
            F::DnsRespLen,
            Value::U64(r.rdlen.into()),
            Span::new(t + 8, 2),
            2,
        );
        match &r.data {
            RData::A(a) => place.emit(out, F::DnsA, Value::Ipv4(*a), d, 2),
            RData::Aaaa(a) => place.emit(out, F::DnsAaaa, Value::Ipv6(*a), d, 2),
            RData::Cname(n) => place.emit(out, F::DnsCname, Value::Text(n), d, 2),
            RData::Ptr(n) => place.emit(out, F::DnsPtrDomainName, Value::Text(n), d, 2),
            RData::Ns(n) => place.emit(out, F::DnsNs, Value::Text(n), d, 2),
            RData::Mx(pref, n) => {
                place.emit(out, F::DnsMxPreference, Value::U64((*pref).into()), d, 2);
                place.emit(out, F::DnsMxMailExchange, Value::Text(n), d, 2);
            }
            RData::Soa(m, r) => {
                place.emit(out, F::DnsSoaMname, Value::Text(m), d, 2);
                place.emit(out, F::DnsSoaRname, Value::Text(r), d, 2);
            }
            RData::Txt(t) => place.emit(out, F::DnsTxt, Value::Text(t), d, 2),
            RData::Opt | RData::Other => {}
        }
    }
}

/// Parses one DNS message. `tcp` says whether a 2-byte length prefix comes first.
/// Returns `None` only when not even the 12-byte header is present.
pub fn parse(bytes: &[u8], flavor: Flavor, tcp: bool) -> Option<Dns> {
    let (tcp_length, h) = if tcp {
        (Some(be_u16(bytes, 0)?), 2)
    } else {
        (None, 0)
    };
    let msg = bytes.get(h..)?;
    let mut dns = Dns {
        flavor,
        tcp_length,
        id: be_u16(msg, 0)?,
        flags: be_u16(msg, 2)?,
        counts: [
            be_u16(msg, 4)?,
            be_u16(msg, 6)?,
            be_u16(msg, 8)?,
            be_u16(msg, 10)?,
        ],
        questions: Vec::new(),
        records: Vec::new(),
        response_to: None,
        malformed: None,
        header_at: h,
    };
    let mut at = 12usize;
    for _ in 0..dns.counts[0] {
        let Some((name, after)) = read_name(msg, at) else {
            dns.malformed = Some(Malformed::new(
                h + at,
                "DNS question name runs past the end",
            ));
            return Some(dns);
        };
        let (Some(qtype), Some(class)) = (be_u16(msg, after), be_u16(msg, after + 2)) else {
            dns.malformed = Some(Malformed::new(h + after, "DNS question is truncated"));
            return Some(dns);
        };
        dns.questions.push(Question {
            name,
            name_span: Span::new(h + at, after - at),
            qtype,
            class: class & 0x7fff,
            unicast: class & 0x8000 != 0,
            span: Span::new(h + at, after + 4 - at),
        });
        at = after + 4;
    }
    let sections = [
        (Section::Answer, dns.counts[1]),
        (Section::Authority, dns.counts[2]),
        (Section::Additional, dns.counts[3]),
    ];
    for (section, count) in sections {
        for _ in 0..count {
            if dns.records.len() >= MAX_RECORDS {
                dns.malformed = Some(Malformed::new(h + at, "too many DNS records"));
                return Some(dns);
            }
            match read_record(msg, at) {
                Ok((mut record, after)) => {
                    record.span = Span::new(h + at, after - at);
                    record.data_span.start += h as u32;
                    dns.records.push((section, record));
                    at = after;
                }
                Err(why) => {
                    dns.malformed = Some(Malformed::new(h + at, why));
                    return Some(dns);
                }
            }
        }
    }
    Some(dns)
}

fn read_record(msg: &[u8], at: usize) -> Result<(Record, usize), &'static str> {
    let (name, after) = read_name(msg, at).ok_or("DNS record name runs past the end")?;
    let fixed = (|| {
        Some((
            be_u16(msg, after)?,
            be_u16(msg, after + 2)?,
            be_u32(msg, after + 4)?,
            be_u16(msg, after + 8)?,
        ))
    })();
    let (rtype, class, ttl, rdlen) = fixed.ok_or("DNS record header is truncated")?;
    let data_at = after + 10;
    let end = data_at + usize::from(rdlen);
    let rdata = msg
        .get(data_at..end)
        .ok_or("DNS record data runs past the end")?;
    let name_at = |off: usize| read_name(msg, data_at + off).map(|(n, _)| n);
    let data = match (rtype, rdlen) {
        (1, 4) => RData::A(rdata.try_into().map_err(|_| "bad A record")?),
        (28, 16) => RData::Aaaa(rdata.try_into().map_err(|_| "bad AAAA record")?),
        (5, _) => RData::Cname(name_at(0).ok_or("bad CNAME")?),
        (12, _) => RData::Ptr(name_at(0).ok_or("bad PTR")?),
        (2, _) => RData::Ns(name_at(0).ok_or("bad NS")?),
        (15, _) => RData::Mx(
            be_u16(rdata, 0).ok_or("bad MX")?,
            name_at(2).ok_or("bad MX")?,
        ),
        (6, _) => {
            let (m, after_m) = read_name(msg, data_at).ok_or("bad SOA")?;
            let (r, _) = read_name(msg, after_m).ok_or("bad SOA")?;
            RData::Soa(m, r)
        }
        (16, _) => {
            let len = usize::from(*rdata.first().unwrap_or(&0));
            RData::Txt(super::printable(rdata.get(1..1 + len).unwrap_or(&[])))
        }
        (41, _) => RData::Opt,
        _ => RData::Other,
    };
    Ok((
        Record {
            name,
            rtype,
            class,
            ttl,
            rdlen,
            data,
            span: Span::default(),
            data_span: Span::new(data_at, usize::from(rdlen)),
        },
        end,
    ))
}

/// Reads a (possibly compressed) name at `at`; returns it and the offset after it in the
/// message (after the first pointer, when compressed). The root name is `<Root>`.
pub fn read_name(msg: &[u8], at: usize) -> Option<(String, usize)> {
    let mut name = String::new();
    let mut pos = at;
    let mut after = None;
    let mut jumps = 0;
    loop {
        let len = *msg.get(pos)?;
        match len & 0xc0 {
            0xc0 => {
                let target = usize::from(be_u16(msg, pos)? & 0x3fff);
                after.get_or_insert(pos + 2);
                jumps += 1;
                if jumps > MAX_JUMPS {
                    return None;
                }
                pos = target;
            }
            0x00 if len == 0 => {
                let end = after.unwrap_or(pos + 1);
                if name.is_empty() {
                    name.push_str("<Root>");
                }
                return Some((name, end));
            }
            0x00 => {
                let label = msg.get(pos + 1..pos + 1 + usize::from(len))?;
                if !name.is_empty() {
                    name.push('.');
                }
                for &b in label {
                    match b {
                        0x21..=0x7e => name.push(char::from(b)),
                        _ => {
                            let _ = write!(name, "\\{b:03o}");
                        }
                    }
                }
                if name.len() > MAX_NAME * 4 {
                    return None;
                }
                pos += 1 + usize::from(len);
            }
            // Extended label types (0x40, 0x80) are obsolete: stop.
            _ => return None,
        }
    }
}

pub fn type_name(t: u16) -> String {
    let name = match t {
        1 => "A",
        2 => "NS",
        5 => "CNAME",
        6 => "SOA",
        12 => "PTR",
        13 => "HINFO",
        15 => "MX",
        16 => "TXT",
        28 => "AAAA",
        33 => "SRV",
        35 => "NAPTR",
        41 => "OPT",
        43 => "DS",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        50 => "NSEC3",
        51 => "NSEC3PARAM",
        52 => "TLSA",
        64 => "SVCB",
        65 => "HTTPS",
        99 => "SPF",
        252 => "AXFR",
        255 => "ANY",
        257 => "CAA",
        other => return format!("Unknown ({other})"),
    };
    name.to_string()
}

fn rcode_name(rcode: u16) -> &'static str {
    match rcode {
        1 => "Format error",
        2 => "Server failure",
        3 => "No such name",
        4 => "Not implemented",
        5 => "Refused",
        6 => "Name exists",
        7 => "RRset exists",
        8 => "RRset does not exist",
        9 => "Not authoritative",
        10 => "Name out of zone",
        _ => "Unknown error",
    }
}
