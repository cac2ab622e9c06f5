//! TLS records and the handshake messages sent in clear. `tls-parser` (Rusticata) reads the
//! Client/Server Hello and their extensions; the 5-byte record header is read here because
//! the pipeline must know a record's length before all of it has arrived (reassembly), and
//! the certificate's DER is only walked far enough to name the X.509 attribute and
//! extension layers tshark lists in `frame.protocols` (a full X.509 parser would be a large
//! dependency for a count).

use tls_parser::{TlsExtension, TlsMessage, TlsMessageHandshake};

use super::{be_u16, be_u24, Malformed, Parse, Place, Span};
use crate::decode::FieldList;
use crate::field::{FieldId as F, Value};

/// Largest record TLS allows (2^14 plaintext + 2048 expansion); a longer length is not TLS.
const MAX_RECORD: usize = 16384 + 2048;

#[derive(Debug, Clone, PartialEq)]
pub struct Handshake {
    pub msg_type: u8,
    pub length: u32,
    pub version: Option<u16>,
    pub ciphersuites: Vec<u16>,
    pub server_name: Option<String>,
    pub alpn: Vec<String>,
    /// TLS 1.3: the version the server picked (supported_versions).
    pub selected_version: Option<u16>,
    /// `x509sat`/`x509ce` layers of the certificates, in order.
    pub x509_layers: Vec<&'static str>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub content_type: u8,
    pub version: u16,
    pub length: u16,
    /// Handshake messages in clear (none when encrypted).
    pub handshakes: Vec<Handshake>,
    /// The record follows a ChangeCipherSpec in its direction: its contents are encrypted.
    pub encrypted: bool,
    /// Alert level and description when in clear.
    pub alert: Option<(u8, u8)>,
    pub span: Span,
}

/// The TLS records of one frame (tshark shows every record of a segment in one layer).
#[derive(Debug, Clone, PartialEq)]
pub struct Tls {
    pub records: Vec<Record>,
    pub malformed: Option<Malformed>,
}

/// Per-direction TLS state: has this side sent ChangeCipherSpec yet?
#[derive(Debug, Clone, Copy, Default)]
pub struct Direction {
    pub cipher_active: bool,
}

impl Tls {
    pub fn info(&self, out: &mut String) {
        for record in &self.records {
            record.info(out);
        }
    }

    /// The version the server chose, when this frame carries a Server Hello.
    pub fn negotiated(&self) -> Option<u16> {
        self.records
            .iter()
            .flat_map(|r| &r.handshakes)
            .find(|h| h.msg_type == 2)
            .and_then(|h| h.selected_version.or(h.version))
    }

    pub fn protocols(&self, out: &mut String) {
        out.push_str(":tls");
        for layer in self
            .records
            .iter()
            .flat_map(|r| &r.handshakes)
            .flat_map(|h| &h.x509_layers)
        {
            out.push(':');
            out.push_str(layer);
        }
    }

    pub fn emit<'a>(&'a self, place: Place, out: &mut FieldList<'a>) {
        out.fact(F::Tls, Value::None, 0);
        for r in &self.records {
            let s = r.span.start as usize;
            place.emit(out, F::TlsRecord, Value::None, r.span, 1);
            place.emit(
                out,
                F::TlsRecordContentType,
                Value::U64(r.content_type.into()),
                Span::new(s, 1),
                2,
            );
            place.emit(
                out,
                F::TlsRecordVersion,
                Value::U64(r.version.into()),
                Span::new(s + 1, 2),
                2,
            );
            place.emit(
                out,
                F::TlsRecordLength,
                Value::U64(r.length.into()),
                Span::new(s + 3, 2),
                2,
            );
            for h in &r.handshakes {
                let hs = h.span.start as usize;
                place.emit(out, F::TlsHandshake, Value::None, h.span, 2);
                place.emit(
                    out,
                    F::TlsHandshakeType,
                    Value::U64(h.msg_type.into()),
                    Span::new(hs, 1),
                    3,
                );
                place.emit(
                    out,
                    F::TlsHandshakeLength,
                    Value::U64(h.length.into()),
                    Span::new(hs + 1, 3),
                    3,
                );
                if let Some(v) = h.version {
                    place.emit(
                        out,
                        F::TlsHandshakeVersion,
                        Value::U64(v.into()),
                        Span::new(hs + 4, 2),
                        3,
                    );
                }
                for c in &h.ciphersuites {
                    out.fact(F::TlsHandshakeCiphersuite, Value::U64((*c).into()), 3);
                }
                if let Some(name) = &h.server_name {
                    out.fact(F::TlsHandshakeExtensionsServerName, Value::Text(name), 3);
                }
                for a in &h.alpn {
                    out.fact(F::TlsHandshakeExtensionsAlpnStr, Value::Text(a), 3);
                }
            }
            if r.content_type == 23 {
                place.emit(
                    out,
                    F::TlsAppData,
                    Value::None,
                    Span::new(s + 5, r.length.into()),
                    2,
                );
            }
        }
        place.malformed(out, &self.malformed);
    }
}

impl Record {
    fn info(&self, out: &mut String) {
        let mut push = |text: &str| {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(text);
        };
        match self.content_type {
            20 => push("Change Cipher Spec"),
            21 => match self.alert {
                Some((level, description)) if !self.encrypted => push(&format!(
                    "Alert (Level: {}, Description: {})",
                    match level {
                        1 => "Warning",
                        2 => "Fatal",
                        _ => "Unknown",
                    },
                    alert_name(description)
                )),
                _ => push("Encrypted Alert"),
            },
            22 if self.encrypted || self.handshakes.is_empty() => {
                push("Encrypted Handshake Message")
            }
            22 => {
                for h in &self.handshakes {
                    push(handshake_name(h.msg_type));
                }
            }
            23 => push("Application Data"),
            24 => push("Heartbeat"),
            _ => push("Ignored Unknown Record"),
        }
    }
}

/// The Protocol column for a TLS version: `TLSv1.2`.
pub fn version_name(version: u16) -> &'static str {
    match version {
        0x0300 => "SSLv3",
        0x0301 => "TLSv1",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        0x0304 => "TLSv1.3",
        _ => "TLS",
    }
}

/// Is this the start of a TLS record (content type, version, sane length)?
pub fn looks_like_tls(bytes: &[u8]) -> bool {
    matches!(bytes.first(), Some(20..=24))
        && matches!(bytes.get(1..3), Some([3, 0..=4]))
        && be_u16(bytes, 3).is_some_and(|len| usize::from(len) <= MAX_RECORD)
}

/// Parses the whole records at the start of `bytes`, updating the direction's cipher state.
/// `More` when not even one record is complete; the caller keeps the rest pending.
pub fn parse(bytes: &[u8], dir: &mut Direction) -> Parse<Tls> {
    if bytes.len() < 5 {
        return if bytes.is_empty() || looks_like_tls_prefix(bytes) {
            Parse::More {
                info: None,
                need: None,
            }
        } else {
            Parse::NotMine
        };
    }
    if !looks_like_tls(bytes) {
        return Parse::NotMine;
    }
    let mut records = Vec::new();
    let mut at = 0usize;
    while let Some(len) = be_u16(bytes, at + 3) {
        if !looks_like_tls(bytes.get(at..).unwrap_or(&[])) {
            break;
        }
        let end = at + 5 + usize::from(len);
        let Some(body) = bytes.get(at + 5..end) else {
            break;
        };
        let content_type = bytes.get(at).copied().unwrap_or(0);
        let mut record = Record {
            content_type,
            version: be_u16(bytes, at + 1).unwrap_or(0),
            length: len,
            handshakes: Vec::new(),
            encrypted: dir.cipher_active,
            alert: None,
            span: Span::new(at, end - at),
        };
        match content_type {
            20 => dir.cipher_active = true,
            21 => {
                if let (Some(l), Some(d)) = (body.first(), body.get(1)) {
                    if body.len() == 2 {
                        record.alert = Some((*l, *d));
                    }
                }
            }
            22 if !record.encrypted => record.handshakes = handshakes(body, at + 5),
            _ => {}
        }
        records.push(record);
        at = end;
    }
    if records.is_empty() {
        return Parse::More {
            info: None,
            need: be_u16(bytes, 3).map(|len| 5 + usize::from(len)),
        };
    }
    Parse::Done(
        Tls {
            records,
            malformed: None,
        },
        at,
    )
}

fn looks_like_tls_prefix(bytes: &[u8]) -> bool {
    matches!(bytes.first(), Some(20..=24)) && matches!(bytes.get(1), None | Some(3))
}

/// The handshake messages of one record body in clear. A body that does not parse as
/// handshake messages is an encrypted one (a Finished after ChangeCipherSpec).
fn handshakes(body: &[u8], base: usize) -> Vec<Handshake> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while let (Some(msg_type), Some(length)) = (body.get(at).copied(), be_u24(body, at + 1)) {
        let end = at + 4 + length as usize;
        let Some(whole) = body.get(at..end) else {
            break;
        };
        if !(0..=24).contains(&msg_type) {
            break;
        }
        let mut h = Handshake {
            msg_type,
            length,
            version: None,
            ciphersuites: Vec::new(),
            server_name: None,
            alpn: Vec::new(),
            selected_version: None,
            x509_layers: Vec::new(),
            span: Span::new(base + at, end - at),
        };
        match tls_parser::parse_tls_message_handshake(whole) {
            Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ClientHello(hello)))) => {
                h.version = Some(hello.version.0);
                h.ciphersuites = hello.ciphers.iter().map(|c| c.0).collect();
                extensions(hello.ext, &mut h);
            }
            Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ServerHello(hello)))) => {
                h.version = Some(hello.version.0);
                h.ciphersuites = vec![hello.cipher.0];
                extensions(hello.ext, &mut h);
            }
            _ => {}
        }
        if msg_type == 11 {
            h.x509_layers = certificate_layers(whole.get(4..).unwrap_or(&[]));
        }
        out.push(h);
        at = end;
    }
    if at != body.len() {
        // Not a sequence of handshake messages: encrypted.
        out.clear();
    }
    out
}

fn extensions(ext: Option<&[u8]>, h: &mut Handshake) {
    let Some(ext) = ext else { return };
    let Ok((_, list)) = tls_parser::parse_tls_extensions(ext) else {
        return;
    };
    for e in list {
        match e {
            TlsExtension::SNI(names) => {
                if let Some((_, name)) = names.first() {
                    h.server_name = Some(super::printable(name));
                }
            }
            TlsExtension::ALPN(protocols) => {
                h.alpn = protocols.iter().map(|p| super::printable(p)).collect();
            }
            TlsExtension::SupportedVersions(versions) if h.msg_type == 2 => {
                h.selected_version = versions.first().map(|v| v.0);
            }
            _ => {}
        }
    }
}

/// Walks each DER certificate of a Certificate message and names the layers tshark adds:
/// `x509sat` per name attribute of issuer and subject, `x509ce` per standard extension.
fn certificate_layers(body: &[u8]) -> Vec<&'static str> {
    let mut layers = Vec::new();
    let Some(total) = be_u24(body, 0) else {
        return layers;
    };
    let list = body.get(3..3 + total as usize).unwrap_or(&[]);
    let mut at = 0usize;
    while let Some(len) = be_u24(list, at) {
        let Some(cert) = list.get(at + 3..at + 3 + len as usize) else {
            break;
        };
        cert_layers(cert, &mut layers);
        at += 3 + len as usize;
    }
    layers
}

/// One DER TLV: (tag, contents, bytes used).
fn tlv(bytes: &[u8]) -> Option<(u8, &[u8], usize)> {
    let tag = *bytes.first()?;
    let first = *bytes.get(1)?;
    let (len, header) = if first & 0x80 == 0 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*bytes.get(2 + i)?);
        }
        (len, 2 + n)
    };
    let contents = bytes.get(header..header.checked_add(len)?)?;
    Some((tag, contents, header + len))
}

/// The TLVs inside a constructed value.
fn children(mut bytes: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    while let Some((tag, contents, used)) = tlv(bytes) {
        out.push((tag, contents));
        bytes = bytes.get(used..).unwrap_or(&[]);
    }
    out
}

const OID_AT_PREFIX: &[u8] = &[0x55, 0x04]; // 2.5.4
const OID_CE_PREFIX: &[u8] = &[0x55, 0x1d]; // 2.5.29
const OID_EMAIL: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01];
const OID_DC: &[u8] = &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19];

fn cert_layers(cert: &[u8], layers: &mut Vec<&'static str>) {
    let Some((_, cert_body, _)) = tlv(cert) else {
        return;
    };
    let Some((_, tbs)) = children(cert_body).first().copied() else {
        return;
    };
    let fields = children(tbs);
    // An explicit [0] version shifts the fields by one.
    let skip = usize::from(fields.first().is_some_and(|(tag, _)| *tag == 0xa0));
    let name_at = |i: usize| fields.get(skip + i).map(|(_, c)| *c);
    for name in [name_at(2), name_at(4)].into_iter().flatten() {
        for (_, rdn) in children(name) {
            for (_, attribute) in children(rdn) {
                let oid = children(attribute).first().map(|(_, c)| *c).unwrap_or(&[]);
                if oid.starts_with(OID_AT_PREFIX) || oid == OID_EMAIL || oid == OID_DC {
                    layers.push("x509sat");
                }
            }
        }
    }
    for (tag, contents) in fields.iter().skip(skip + 6) {
        if *tag != 0xa3 {
            continue;
        }
        for (_, list) in children(contents) {
            for (_, extension) in children(list) {
                let oid = children(extension).first().map(|(_, c)| *c).unwrap_or(&[]);
                if oid.starts_with(OID_CE_PREFIX) {
                    layers.push("x509ce");
                }
            }
        }
    }
}

pub fn handshake_name(t: u8) -> &'static str {
    match t {
        0 => "Hello Request",
        1 => "Client Hello",
        2 => "Server Hello",
        3 => "Hello Verify Request",
        4 => "New Session Ticket",
        5 => "End of Early Data",
        8 => "Encrypted Extensions",
        11 => "Certificate",
        12 => "Server Key Exchange",
        13 => "Certificate Request",
        14 => "Server Hello Done",
        15 => "Certificate Verify",
        16 => "Client Key Exchange",
        20 => "Finished",
        21 => "Certificate URL",
        22 => "Certificate Status",
        24 => "Key Update",
        _ => "Unknown Handshake Message",
    }
}

fn alert_name(d: u8) -> &'static str {
    match d {
        0 => "Close Notify",
        10 => "Unexpected Message",
        20 => "Bad Record MAC",
        40 => "Handshake Failure",
        42 => "Bad Certificate",
        45 => "Certificate Expired",
        46 => "Certificate Unknown",
        47 => "Illegal Parameter",
        48 => "Unknown CA",
        50 => "Decode Error",
        51 => "Decrypt Error",
        70 => "Protocol Version",
        80 => "Internal Error",
        90 => "User Canceled",
        112 => "Unrecognized Name",
        _ => "Unknown",
    }
}
