//! Application protocols above TCP and UDP: DNS (with mDNS and LLMNR), HTTP/1.x, TLS, DHCP,
//! DHCPv6, SMTP (with the message's IMF headers), FTP (and FTP-DATA) and IMAP.
//!
//! Each parser takes the bytes of one PDU and returns an owned message (the pipeline keeps it
//! on the frame's Dissection, so nothing here borrows the frame) that knows its Wireshark
//! fields, its Info-column text and its `frame.protocols` names. Parsers never panic and
//! never trust a length: a damaged PDU yields the fields that were present and says where
//! decoding stopped ([`Malformed`]). Offsets inside a message are relative to the PDU's first
//! byte; [`Place`] turns them into frame ranges when the PDU lies in this frame.

pub mod dhcp;
pub mod dhcpv6;
pub mod dns;
pub mod ftp;
pub mod http;
pub mod imap;
pub mod media;
pub mod smtp;
pub mod tls;

use crate::field::{FieldId, Value};

use super::FieldList;

/// What a parser made of the bytes at the start of a stream's data.
#[derive(Debug, Clone, PartialEq)]
pub enum Parse<T> {
    /// A whole message, and how many bytes it used.
    Done(T, usize),
    /// The message continues in later segments. `info` is the Info text tshark has already
    /// written by then (HTTP writes the start line before it knows the body is incomplete);
    /// `need` is the message's whole length when its header says it, so the segments in
    /// between are kept without parsing the message again each time.
    More {
        info: Option<String>,
        need: Option<usize>,
    },
    /// Not this protocol.
    NotMine,
}

/// A byte range inside one PDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    pub fn new(start: usize, len: usize) -> Span {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            len: u32::try_from(len).unwrap_or(u32::MAX),
        }
    }
}

/// Where decoding of an application PDU stopped, in words (tshark's `_ws.malformed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// Offset inside the PDU.
    pub offset: usize,
    pub why: String,
}

impl Malformed {
    pub fn new(offset: usize, why: impl Into<String>) -> Malformed {
        Malformed {
            offset,
            why: why.into(),
        }
    }
}

/// Where a PDU's bytes sit: in this frame from `base` (fields get byte ranges), or
/// reassembled from several segments (fields are facts without ranges, as their bytes are
/// not all in this frame).
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub base: Option<usize>,
}

impl Place {
    pub fn emit<'a>(
        self,
        out: &mut FieldList<'a>,
        id: FieldId,
        value: Value<'a>,
        span: Span,
        depth: u8,
    ) {
        match self.base {
            Some(base) => out.at(
                id,
                value,
                base.saturating_add(span.start as usize),
                span.len as usize,
                depth,
            ),
            None => out.fact(id, value, depth),
        }
    }

    /// The `_ws.malformed` marker with the sentence saying where decoding stopped.
    pub fn malformed<'a>(self, out: &mut FieldList<'a>, malformed: &'a Option<Malformed>) {
        if let Some(m) = malformed {
            out.fact(FieldId::WsMalformed, Value::Text(&m.why), 0);
        }
    }
}

/// Big-endian reads that say so instead of panicking when the bytes run out.
pub fn be_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
}

pub(crate) fn be_u24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(3)?)?;
    Some(u32::from_be_bytes([0, *b.first()?, *b.get(1)?, *b.get(2)?]))
}

pub fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([
        *b.first()?,
        *b.get(1)?,
        *b.get(2)?,
        *b.get(3)?,
    ]))
}

/// Splits text into lines ending in LF (CR LF or bare LF), as tshark's line finder does:
/// (line without its end, offset of the line, offset after the line end). A last line with
/// no end is returned with `complete == false`.
pub(crate) fn lines(bytes: &[u8]) -> impl Iterator<Item = Line<'_>> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let rest = bytes.get(at..).filter(|r| !r.is_empty())?;
        let start = at;
        match rest.iter().position(|b| *b == b'\n') {
            Some(nl) => {
                let mut text = rest.get(..nl).unwrap_or(&[]);
                if let Some(stripped) = text.strip_suffix(b"\r") {
                    text = stripped;
                }
                at = start + nl + 1;
                Some(Line {
                    text,
                    start,
                    end: at,
                    complete: true,
                })
            }
            None => {
                at = bytes.len();
                Some(Line {
                    text: rest,
                    start,
                    end: at,
                    complete: false,
                })
            }
        }
    })
}

/// One line of a text protocol.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'b> {
    pub text: &'b [u8],
    pub start: usize,
    pub end: usize,
    pub complete: bool,
}

/// Bytes as text the way tshark's `format_text` shows them: printable ASCII kept, anything
/// else escaped, so hostile bytes cannot reach a terminal as control sequences.
pub fn printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            0x20..=0x7e => out.push(char::from(b)),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            other => out.push_str(&format!("\\{other:03o}")),
        }
    }
    out
}

#[cfg(test)]
mod tests;
