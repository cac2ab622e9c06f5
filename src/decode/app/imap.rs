//! IMAP (RFC 9051) lines: `tag COMMAND args` from the client, `tag|* STATUS text` from the
//! server. Parsed in the project: the line grammar tshark shows is three words; literals
//! (`{n}`) are carried as text lines like tshark does.

use super::{lines, printable, Place, Span};
use crate::decode::FieldList;
use crate::field::{FieldId as F, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct ImapLine {
    pub line: String,
    pub tag: String,
    /// Command (request) or status (response).
    pub word: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Imap {
    pub request: bool,
    pub lines: Vec<ImapLine>,
}

impl Imap {
    /// `Request: 1 STARTTLS` / `Response: * OK …`: the first line.
    pub fn info(&self, out: &mut String) {
        out.push_str(if self.request {
            "Request: "
        } else {
            "Response: "
        });
        if let Some(first) = self.lines.first() {
            out.push_str(&first.line);
        }
    }

    pub fn emit<'a>(&'a self, place: Place, out: &mut FieldList<'a>) {
        out.fact(F::Imap, Value::None, 0);
        out.fact(F::ImapIsrequest, Value::Bool(self.request), 1);
        for l in &self.lines {
            place.emit(out, F::ImapLine, Value::Text(&l.line), l.span, 1);
            let (tag, word) = if self.request {
                (F::ImapRequestTag, F::ImapRequestCommand)
            } else {
                (F::ImapResponseTag, F::ImapResponseStatus)
            };
            place.emit(out, tag, Value::Text(&l.tag), l.span, 2);
            if !l.word.is_empty() {
                place.emit(out, word, Value::Text(&l.word), l.span, 2);
            }
        }
    }

    /// A tagged `OK` answering this tag (STARTTLS's go-ahead).
    pub fn ok_for(&self, tag: &str) -> bool {
        self.lines
            .iter()
            .any(|l| l.tag == tag && l.word.eq_ignore_ascii_case("OK"))
    }

    /// The tag of a STARTTLS request in this frame.
    pub fn starttls_tag(&self) -> Option<&str> {
        self.lines
            .iter()
            .find(|l| self.request && l.word.eq_ignore_ascii_case("STARTTLS"))
            .map(|l| l.tag.as_str())
    }
}

pub fn parse(bytes: &[u8], request: bool) -> Option<Imap> {
    let parsed: Vec<ImapLine> = lines(bytes)
        .filter(|l| l.complete)
        .map(|l| {
            let text = printable(l.text);
            let mut words = text.split(' ');
            let tag = words.next().unwrap_or("").to_string();
            let word = words.next().unwrap_or("").to_string();
            ImapLine {
                line: text,
                tag,
                word,
                span: Span::new(l.start, l.end - l.start),
            }
        })
        .collect();
    if parsed.is_empty() {
        return None;
    }
    Some(Imap {
        request,
        lines: parsed,
    })
}
