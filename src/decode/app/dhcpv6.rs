//! DHCPv6 (RFC 8415) on UDP 546/547: message type, transaction id and the option list.
//! Hand-written for the same reasons as DHCP (lax decoding, byte offsets): the fixed part
//! is 4 bytes and options are code-length-value.

use std::fmt::Write;

use super::{be_u16, be_u24, Malformed, Place, Span};
use crate::decode::FieldList;
use crate::field::{FieldId as F, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Dhcpv6 {
    pub msgtype: u8,
    pub xid: u32,
    /// (code, length, span) of each option.
    pub options: Vec<(u16, u16, Span)>,
    /// The Client Identifier option's bytes, shown in Info.
    pub client_id: Option<Vec<u8>>,
    pub malformed: Option<Malformed>,
}

impl Dhcpv6 {
    /// `Solicit XID: 0x2b5e2c CID: 000100011c39cf8808002782ff71 ` (tshark ends each part
    /// with a space).
    pub fn info(&self, out: &mut String) {
        let _ = write!(out, "{} XID: 0x{:x} ", type_name(self.msgtype), self.xid);
        if let Some(cid) = &self.client_id {
            out.push_str("CID: ");
            for b in cid {
                let _ = write!(out, "{b:02x}");
            }
            out.push(' ');
        }
    }

    pub fn emit<'a>(&'a self, place: Place, out: &mut FieldList<'a>) {
        out.fact(F::Dhcpv6, Value::None, 0);
        place.emit(
            out,
            F::Dhcpv6Msgtype,
            Value::U64(self.msgtype.into()),
            Span::new(0, 1),
            1,
        );
        place.emit(
            out,
            F::Dhcpv6Xid,
            Value::U64(self.xid.into()),
            Span::new(1, 3),
            1,
        );
        for (code, len, span) in &self.options {
            place.emit(
                out,
                F::Dhcpv6OptionType,
                Value::U64((*code).into()),
                *span,
                1,
            );
            place.emit(
                out,
                F::Dhcpv6OptionLength,
                Value::U64((*len).into()),
                *span,
                2,
            );
        }
        place.malformed(out, &self.malformed);
    }
}

pub fn parse(bytes: &[u8]) -> Option<Dhcpv6> {
    let mut msg = Dhcpv6 {
        msgtype: *bytes.first()?,
        xid: be_u24(bytes, 1)?,
        options: Vec::new(),
        client_id: None,
        malformed: None,
    };
    // Relay messages (12, 13) have a different layout: their fields stop at the type.
    if matches!(msg.msgtype, 12 | 13) {
        return Some(msg);
    }
    let mut at = 4usize;
    while at < bytes.len() {
        let (Some(code), Some(len)) = (be_u16(bytes, at), be_u16(bytes, at + 2)) else {
            msg.malformed = Some(Malformed::new(at, "DHCPv6 option header is truncated"));
            break;
        };
        let end = at + 4 + usize::from(len);
        let Some(value) = bytes.get(at + 4..end) else {
            msg.malformed = Some(Malformed::new(
                at,
                format!("DHCPv6 option {code} runs past the end"),
            ));
            break;
        };
        if code == 1 {
            msg.client_id = Some(value.to_vec());
        }
        msg.options.push((code, len, Span::new(at, end - at)));
        at = end;
    }
    Some(msg)
}

fn type_name(t: u8) -> String {
    let name = match t {
        1 => "Solicit",
        2 => "Advertise",
        3 => "Request",
        4 => "Confirm",
        5 => "Renew",
        6 => "Rebind",
        7 => "Reply",
        8 => "Release",
        9 => "Decline",
        10 => "Reconfigure",
        11 => "Information-request",
        12 => "Relay-forw",
        13 => "Relay-reply",
        other => return format!("Unknown ({other})"),
    };
    name.to_string()
}
