//! DHCP / BOOTP (RFC 2131/2132) on UDP 67/68.
//!
//! Hand-written rather than `dhcproto`: dhcproto decodes a whole message or fails (a
//! truncated capture shows nothing) and gives no byte offsets for the hex pane; it also
//! pulls in a DNS library for one name type. The BOOTP header is a fixed 236-byte layout
//! and options are type-length-value, both simple to check by hand.

use std::fmt::Write;

use super::{be_u16, be_u32, printable, Malformed, Place, Span};
use crate::decode::FieldList;
use crate::field::{FieldId as F, Value};

const FIXED: usize = 236;
const COOKIE: [u8; 4] = [99, 130, 83, 99];

#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    U8(u8),
    U32(u32),
    Ip([u8; 4]),
    Ips(Vec<[u8; 4]>),
    Text(String),
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DhcpOption {
    pub code: u8,
    pub value: OptionValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dhcp {
    pub op: u8,
    pub htype: u8,
    pub hlen: u8,
    pub hops: u8,
    pub xid: u32,
    pub secs: u16,
    pub flags: u16,
    pub ciaddr: [u8; 4],
    pub yiaddr: [u8; 4],
    pub siaddr: [u8; 4],
    pub giaddr: [u8; 4],
    pub chaddr: [u8; 6],
    pub sname: String,
    pub file: String,
    pub cookie: bool,
    pub options: Vec<DhcpOption>,
    pub malformed: Option<Malformed>,
}

impl Dhcp {
    pub fn message_type(&self) -> Option<u8> {
        self.options.iter().find_map(|o| match (o.code, &o.value) {
            (53, OptionValue::U8(t)) => Some(*t),
            _ => None,
        })
    }

    /// `DHCP Request  - Transaction ID 0x81bcc90f`.
    pub fn info(&self, out: &mut String) {
        match self.message_type() {
            Some(t) => {
                let _ = write!(
                    out,
                    "DHCP {:<8} - Transaction ID 0x{:x}",
                    type_name(t),
                    self.xid
                );
            }
            None => {
                let what = if self.op == 1 {
                    "Boot Request"
                } else {
                    "Boot Reply"
                };
                let _ = write!(out, "{what} - Transaction ID 0x{:x}", self.xid);
            }
        }
    }

    pub fn emit<'a>(&'a self, place: Place, out: &mut FieldList<'a>) {
        out.fact(F::Dhcp, Value::None, 0);
        let at = |s, l| Span::new(s, l);
        place.emit(out, F::DhcpType, Value::U64(self.op.into()), at(0, 1), 1);
        place.emit(
            out,
            F::DhcpHwType,
            Value::U64(self.htype.into()),
            at(1, 1),
            1,
        );
        place.emit(out, F::DhcpHwLen, Value::U64(self.hlen.into()), at(2, 1), 1);
        place.emit(out, F::DhcpHops, Value::U64(self.hops.into()), at(3, 1), 1);
        place.emit(out, F::DhcpId, Value::U64(self.xid.into()), at(4, 4), 1);
        place.emit(out, F::DhcpSecs, Value::U64(self.secs.into()), at(8, 2), 1);
        place.emit(
            out,
            F::DhcpFlagsBc,
            Value::Bool(self.flags & 0x8000 != 0),
            at(10, 2),
            2,
        );
        place.emit(out, F::DhcpIpClient, Value::Ipv4(self.ciaddr), at(12, 4), 1);
        place.emit(out, F::DhcpIpYour, Value::Ipv4(self.yiaddr), at(16, 4), 1);
        place.emit(out, F::DhcpIpServer, Value::Ipv4(self.siaddr), at(20, 4), 1);
        place.emit(out, F::DhcpIpRelay, Value::Ipv4(self.giaddr), at(24, 4), 1);
        if self.htype == 1 && self.hlen == 6 {
            place.emit(out, F::DhcpHwMacAddr, Value::Mac(self.chaddr), at(28, 6), 1);
        }
        if !self.sname.is_empty() {
            place.emit(out, F::DhcpServer, Value::Text(&self.sname), at(44, 64), 1);
        }
        if !self.file.is_empty() {
            place.emit(out, F::DhcpFile, Value::Text(&self.file), at(108, 128), 1);
        }
        if self.cookie {
            place.emit(out, F::DhcpCookie, Value::Ipv4(COOKIE), at(FIXED, 4), 1);
        }
        for o in &self.options {
            place.emit(out, F::DhcpOption, Value::U64(o.code.into()), o.span, 1);
            let value_span = Span::new(o.span.start as usize + 2, o.span.len as usize - 2);
            let id = match o.code {
                53 => F::DhcpOptionDhcp,
                50 => F::DhcpOptionRequestedIpAddress,
                12 => F::DhcpOptionHostname,
                54 => F::DhcpOptionDhcpServerId,
                51 => F::DhcpOptionIpAddressLeaseTime,
                1 => F::DhcpOptionSubnetMask,
                3 => F::DhcpOptionRouter,
                6 => F::DhcpOptionDomainNameServer,
                15 => F::DhcpOptionDomainName,
                _ => continue,
            };
            match &o.value {
                OptionValue::U8(v) => place.emit(out, id, Value::U64((*v).into()), value_span, 2),
                OptionValue::U32(v) => place.emit(out, id, Value::U64((*v).into()), value_span, 2),
                OptionValue::Ip(a) => place.emit(out, id, Value::Ipv4(*a), value_span, 2),
                OptionValue::Ips(list) => {
                    for a in list {
                        place.emit(out, id, Value::Ipv4(*a), value_span, 2);
                    }
                }
                OptionValue::Text(t) => place.emit(out, id, Value::Text(t), value_span, 2),
                OptionValue::Other => {}
            }
        }
        place.malformed(out, &self.malformed);
    }
}

fn ip(bytes: &[u8], at: usize) -> Option<[u8; 4]> {
    bytes.get(at..at + 4)?.try_into().ok()
}

fn cstring(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    printable(bytes.get(..end).unwrap_or(&[]))
}

/// Parses a DHCP/BOOTP message; `None` when shorter than the fixed header's first words.
pub fn parse(bytes: &[u8]) -> Option<Dhcp> {
    let mut dhcp = Dhcp {
        op: *bytes.first()?,
        htype: *bytes.get(1)?,
        hlen: *bytes.get(2)?,
        hops: *bytes.get(3)?,
        xid: be_u32(bytes, 4)?,
        secs: be_u16(bytes, 8).unwrap_or(0),
        flags: be_u16(bytes, 10).unwrap_or(0),
        ciaddr: ip(bytes, 12).unwrap_or_default(),
        yiaddr: ip(bytes, 16).unwrap_or_default(),
        siaddr: ip(bytes, 20).unwrap_or_default(),
        giaddr: ip(bytes, 24).unwrap_or_default(),
        chaddr: bytes
            .get(28..34)
            .and_then(|b| b.try_into().ok())
            .unwrap_or_default(),
        sname: bytes.get(44..108).map(cstring).unwrap_or_default(),
        file: bytes.get(108..FIXED).map(cstring).unwrap_or_default(),
        cookie: false,
        options: Vec::new(),
        malformed: None,
    };
    if bytes.len() < FIXED {
        dhcp.malformed = Some(Malformed::new(
            bytes.len(),
            format!(
                "DHCP header needs {FIXED} bytes but only {} were captured",
                bytes.len()
            ),
        ));
        return Some(dhcp);
    }
    if bytes.get(FIXED..FIXED + 4) != Some(&COOKIE[..]) {
        return Some(dhcp);
    }
    dhcp.cookie = true;
    let mut at = FIXED + 4;
    while let Some(&code) = bytes.get(at) {
        match code {
            0 => {
                at += 1;
                continue;
            }
            255 => break,
            _ => {}
        }
        let Some(&len) = bytes.get(at + 1) else {
            dhcp.malformed = Some(Malformed::new(at, "DHCP option length is missing"));
            break;
        };
        let len = usize::from(len);
        let Some(value) = bytes.get(at + 2..at + 2 + len) else {
            dhcp.malformed = Some(Malformed::new(
                at,
                format!("DHCP option {code} runs past the end"),
            ));
            break;
        };
        let parsed = match (code, len) {
            (53, 1) => OptionValue::U8(*value.first().unwrap_or(&0)),
            (51, 4) => OptionValue::U32(be_u32(value, 0).unwrap_or(0)),
            (50 | 54 | 1, 4) => OptionValue::Ip(ip(value, 0).unwrap_or_default()),
            (3 | 6, n) if n % 4 == 0 => {
                OptionValue::Ips(value.chunks_exact(4).filter_map(|c| ip(c, 0)).collect())
            }
            (12 | 15, _) => OptionValue::Text(cstring(value)),
            _ => OptionValue::Other,
        };
        dhcp.options.push(DhcpOption {
            code,
            value: parsed,
            span: Span::new(at, 2 + len),
        });
        at += 2 + len;
    }
    Some(dhcp)
}

fn type_name(t: u8) -> String {
    let name = match t {
        1 => "Discover",
        2 => "Offer",
        3 => "Request",
        4 => "Decline",
        5 => "ACK",
        6 => "NAK",
        7 => "Release",
        8 => "Inform",
        9 => "Force Renew",
        10 => "Lease query",
        11 => "Lease Unassigned",
        12 => "Lease Unknown",
        13 => "Lease Active",
        other => return format!("Unknown Message Type ({other})"),
    };
    name.to_string()
}
