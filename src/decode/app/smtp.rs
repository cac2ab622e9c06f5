//! SMTP (RFC 5321) commands and replies, and the message (RFC 5322, IMF) sent after DATA.
//!
//! Parsed in the project: SMTP is CRLF-terminated lines of `VERB parameter` or
//! `NNN[-| ]text`, a few dozen lines of code; a crate would still leave the session state
//! (DATA mode, STARTTLS) to the pipeline, which is where tshark keeps it too.

use std::fmt::Write;

use super::{lines, media, printable, Place, Span};
use crate::decode::FieldList;
use crate::field::{FieldId as F, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub command: String,
    pub parameter: Option<String>,
    pub line: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// None on the continuation lines of a multi-line reply after the first.
    pub code: Option<u16>,
    pub parameter: String,
    /// What the Info column shows for this line.
    pub shown: String,
    pub span: Span,
}

/// The SMTP part of one frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Smtp {
    Commands(Vec<Command>),
    Replies(Vec<Reply>),
    /// Part of the message after DATA, before the final `.` line.
    DataFragment {
        len: usize,
        span: Span,
    },
    /// The `.` line ended the message (any message bytes in this frame come first).
    DataEnd {
        len: usize,
        span: Span,
    },
}

impl Smtp {
    pub fn info(&self, out: &mut String) {
        match self {
            Smtp::Commands(commands) => {
                out.push_str("C: ");
                let shown: Vec<&str> = commands.iter().map(|c| c.line.as_str()).collect();
                out.push_str(&shown.join(" | "));
            }
            Smtp::Replies(replies) => {
                out.push_str("S: ");
                let shown: Vec<&str> = replies.iter().map(|r| r.shown.as_str()).collect();
                out.push_str(&shown.join(" | "));
            }
            Smtp::DataFragment { len, .. } => {
                let _ = write!(out, "C: DATA fragment, {len} bytes");
            }
            Smtp::DataEnd { .. } => out.push_str("C: ."),
        }
    }

    /// The command of a one-command frame (for session state).
    pub fn commands(&self) -> &[Command] {
        match self {
            Smtp::Commands(c) => c,
            _ => &[],
        }
    }

    pub fn reply_codes(&self) -> impl Iterator<Item = u16> + '_ {
        let replies: &[Reply] = match self {
            Smtp::Replies(r) => r,
            _ => &[],
        };
        replies.iter().filter_map(|r| r.code)
    }

    pub fn emit<'a>(&'a self, place: Place, out: &mut FieldList<'a>) {
        out.fact(F::Smtp, Value::None, 0);
        match self {
            Smtp::Commands(commands) => {
                for c in commands {
                    out.fact(F::SmtpReq, Value::Bool(true), 1);
                    place.emit(out, F::SmtpReqCommand, Value::Text(&c.command), c.span, 2);
                    if let Some(p) = &c.parameter {
                        place.emit(out, F::SmtpReqParameter, Value::Text(p), c.span, 2);
                    }
                }
            }
            Smtp::Replies(replies) => {
                for r in replies {
                    out.fact(F::SmtpRsp, Value::Bool(true), 1);
                    if let Some(code) = r.code {
                        place.emit(out, F::SmtpResponseCode, Value::U64(code.into()), r.span, 2);
                    }
                    place.emit(
                        out,
                        F::SmtpRspParameter,
                        Value::Text(&r.parameter),
                        r.span,
                        2,
                    );
                }
            }
            Smtp::DataFragment { len, span } | Smtp::DataEnd { len, span } => {
                if *len > 0 {
                    place.emit(out, F::SmtpDataFragment, Value::None, *span, 1);
                }
            }
        }
    }
}

/// Client lines: every complete line is a command (pipelining sends several at once).
pub fn parse_commands(bytes: &[u8]) -> Vec<Command> {
    lines(bytes)
        .filter(|l| l.complete)
        .map(|l| {
            let text = printable(l.text);
            // tshark takes the first four characters as the command (every SMTP verb but
            // STARTTLS has four) and what follows the fifth as the parameter.
            let command = text.get(..4).unwrap_or(&text).to_string();
            let parameter = text.get(5..).filter(|p| !p.is_empty()).map(str::to_string);
            Command {
                command,
                parameter,
                line: text,
                span: Span::new(l.start, l.end - l.start),
            }
        })
        .collect()
}

/// Server lines: `250-first`, `250-more`, `250 last` is one reply; tshark shows the
/// continuation lines without their code and gives the code once per reply.
pub fn parse_replies(bytes: &[u8]) -> Vec<Reply> {
    let mut replies = Vec::new();
    let mut continuing = false;
    for l in lines(bytes).filter(|l| l.complete) {
        let text = printable(l.text);
        let code = text.get(..3).and_then(|c| c.parse::<u16>().ok());
        let parameter = text.get(4..).unwrap_or("").to_string();
        let shown = if continuing {
            parameter.clone()
        } else {
            text.clone()
        };
        replies.push(Reply {
            code: if continuing { None } else { code },
            parameter,
            shown,
            span: Span::new(l.start, l.end - l.start),
        });
        continuing = text.as_bytes().get(3) == Some(&b'-');
    }
    replies
}

/// Where the message ends: the offset of the `.` line (CRLF . CRLF, or `.` CRLF at the very
/// start) in `bytes`, and the offset after it.
pub fn data_end(bytes: &[u8], at_line_start: bool) -> Option<(usize, usize)> {
    if at_line_start && bytes.starts_with(b".\r\n") {
        return Some((0, 3));
    }
    bytes
        .windows(5)
        .position(|w| w == b"\r\n.\r\n")
        .map(|p| (p + 2, p + 5))
}

/// The Internet Message Format headers of a message and what its body is.
#[derive(Debug, Clone, PartialEq)]
pub struct Imf {
    pub headers: Vec<(String, String)>,
    pub body_kind: Option<(&'static str, String)>,
    pub len: usize,
}

impl Imf {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `from: Chris Sanders <sanders@skynet.local>, subject: Help!,  (text/plain)`.
    pub fn info(&self, out: &mut String) {
        for (name, value) in &self.headers {
            let lower = name.to_ascii_lowercase();
            if lower == "from" || lower == "subject" {
                let _ = write!(out, "{lower}: {value}, ");
            }
        }
        if let Some((_, suffix)) = &self.body_kind {
            out.push_str(suffix);
        }
    }

    pub fn protocols(&self, out: &mut String) {
        out.push_str(":imf");
        if let Some((name, _)) = &self.body_kind {
            out.push(':');
            out.push_str(name);
        }
    }

    pub fn emit<'a>(&'a self, out: &mut FieldList<'a>) {
        out.fact(F::Imf, Value::None, 0);
        for (name, value) in &self.headers {
            let id = match name.to_ascii_lowercase().as_str() {
                "from" => F::ImfFrom,
                "to" => F::ImfTo,
                "subject" => F::ImfSubject,
                "date" => F::ImfDate,
                "message-id" => F::ImfMessageId,
                _ => continue,
            };
            out.fact(id, Value::Text(value), 1);
        }
        if let Some(("data-text-lines", _)) = &self.body_kind {
            out.fact(F::DataTextLines, Value::None, 0);
        }
    }
}

/// Reads the header block of a message (folded lines joined) and names its body.
pub fn parse_imf(message: &[u8]) -> Imf {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut body_at = message.len();
    for l in lines(message) {
        if l.text.is_empty() {
            body_at = l.end;
            break;
        }
        let text = printable(l.text);
        if l.text.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            if let Some((_, value)) = headers.last_mut() {
                value.push_str(&text);
            }
            continue;
        }
        if let Some((name, value)) = text.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let body = message.get(body_at..).unwrap_or(&[]);
    let content_type = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone());
    let body_kind = match content_type {
        Some(ct) => Some(media::body(&ct, body)),
        None if !body.is_empty() => Some(("data-text-lines", String::new())),
        None => None,
    };
    Imf {
        headers,
        body_kind,
        len: message.len(),
    }
}
