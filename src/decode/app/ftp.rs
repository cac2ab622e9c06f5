//! FTP (RFC 959) control lines and the data connections they announce (PORT, PASV, EPRT,
//! EPSV). Parsed in the project: requests are `VERB arg` lines and replies `NNN text`, and
//! the announced endpoints are a handful of comma- or bar-separated numbers.

use std::net::{IpAddr, Ipv4Addr};

use super::{lines, printable, Place, Span};
use crate::decode::FieldList;
use crate::field::{FieldId as F, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct FtpLine {
    pub request: bool,
    pub command_or_code: String,
    pub arg: Option<String>,
    pub line: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ftp {
    pub lines: Vec<FtpLine>,
}

impl Ftp {
    pub fn is_request(&self) -> bool {
        self.lines.first().is_some_and(|l| l.request)
    }

    /// `Request: USER anonymous` / `Response: 220 Welcome`: the first line.
    pub fn info(&self, out: &mut String) {
        if let Some(first) = self.lines.first() {
            out.push_str(if first.request {
                "Request: "
            } else {
                "Response: "
            });
            out.push_str(&first.line);
        }
    }

    pub fn emit<'a>(&'a self, place: Place, out: &mut FieldList<'a>) {
        out.fact(F::Ftp, Value::None, 0);
        // tshark splits the first line into fields; later lines of a reply are text.
        for l in self.lines.iter().take(1) {
            if l.request {
                out.fact(F::FtpRequest, Value::Bool(true), 1);
                place.emit(
                    out,
                    F::FtpRequestCommand,
                    Value::Text(&l.command_or_code),
                    l.span,
                    2,
                );
                if let Some(arg) = &l.arg {
                    place.emit(out, F::FtpRequestArg, Value::Text(arg), l.span, 2);
                }
            } else {
                out.fact(F::FtpResponse, Value::Bool(true), 1);
                if let Ok(code) = l.command_or_code.parse::<u64>() {
                    place.emit(out, F::FtpResponseCode, Value::U64(code), l.span, 2);
                }
                if let Some(arg) = &l.arg {
                    place.emit(out, F::FtpResponseArg, Value::Text(arg), l.span, 2);
                }
            }
        }
    }

    /// The data endpoint a PORT/EPRT request or a 227/229 reply announces. `peer` is the
    /// address the line came from (EPSV names only a port on it).
    pub fn data_endpoint(&self, peer: IpAddr) -> Option<(IpAddr, u16)> {
        for l in &self.lines {
            let arg = l.arg.as_deref().unwrap_or("");
            let found = match (l.request, l.command_or_code.to_ascii_uppercase().as_str()) {
                (true, "PORT") => six_numbers(arg),
                (false, "227") => {
                    let inner = arg.split('(').nth(1).and_then(|s| s.split(')').next());
                    six_numbers(inner.unwrap_or(arg))
                }
                (true, "EPRT") => {
                    let parts: Vec<&str> = arg.split('|').collect();
                    match (parts.get(2), parts.get(3)) {
                        (Some(a), Some(p)) => a.parse().ok().zip(p.parse().ok()),
                        _ => None,
                    }
                }
                (false, "229") => arg
                    .split("|||")
                    .nth(1)
                    .and_then(|s| s.split('|').next())
                    .and_then(|p| p.parse().ok())
                    .map(|p| (peer, p)),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }
}

/// `h1,h2,h3,h4,p1,p2` → address and port.
fn six_numbers(text: &str) -> Option<(IpAddr, u16)> {
    let n: Vec<u8> = text
        .trim()
        .split(',')
        .map(|p| p.trim().parse::<u8>())
        .collect::<Result<_, _>>()
        .ok()?;
    match n.as_slice() {
        [a, b, c, d, p1, p2] => Some((
            IpAddr::V4(Ipv4Addr::new(*a, *b, *c, *d)),
            u16::from(*p1) << 8 | u16::from(*p2),
        )),
        _ => None,
    }
}

/// The complete lines of a control-connection segment.
pub fn parse(bytes: &[u8], request: bool) -> Option<Ftp> {
    let parsed: Vec<FtpLine> = lines(bytes)
        .filter(|l| l.complete)
        .map(|l| {
            let text = printable(l.text);
            let (head, arg) = if request {
                match text.split_once(' ') {
                    Some((c, a)) => (c.to_string(), Some(a.to_string())),
                    None => (text.clone(), None),
                }
            } else {
                let code = text.get(..3).unwrap_or("").to_string();
                (code, text.get(4..).map(str::to_string))
            };
            FtpLine {
                request,
                command_or_code: head,
                arg,
                line: text,
                span: Span::new(l.start, l.end - l.start),
            }
        })
        .collect();
    if parsed.is_empty() {
        return None;
    }
    Some(Ftp { lines: parsed })
}
