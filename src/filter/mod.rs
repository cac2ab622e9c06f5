//! Display filters in Wireshark's language, answering as `tshark -Y` does.
//!
//! `Filter::parse` turns the text into a typed [`Expr`] (errors carry a column and a hint)
//! and works out which fields the filter reads. Evaluation then takes the cheapest road:
//! when every field read is one the [`fast`] path knows, it reads the decoded headers
//! directly; otherwise it emits only the layers those fields live in ([`Interest`]) and
//! scans that list. The same filter serves `-Y` (after dissection) and `-f` (a capture
//! filter evaluated on each frame before it is kept; see [`Filter::matches_frame`]).

pub mod ast;
pub mod build;
mod error;
mod eval;
mod fast;
mod lexer;
mod literal;
mod parser;
mod print;
mod source;
mod terms;

pub use ast::{CmpOp, Expr, FieldRef, Kind, Literal, Operand, Pattern, SetItem, Slice, Virtual};
pub use error::{ErrorKind, FilterError, FilterSyntaxError};
pub use eval::FieldSource;
pub use source::ListSource;

use std::fmt;
use std::str::FromStr;

use crate::decode::{self, FieldList, FrameInfo, Interest, Packet};
use crate::dissect::Dissection;
use crate::field::FieldId;
use crate::frame::Frame;

/// Parses `text` into an expression (no compilation); see [`Filter::parse`].
pub fn parse(text: &str) -> Result<Expr, FilterError> {
    parser::parse(text)
}

/// What the user said about one frame (UI state the pipeline never sees).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FrameMarks {
    pub marked: bool,
    pub ignored: bool,
}

/// A compiled display filter.
#[derive(Debug, Clone)]
pub struct Filter {
    expr: Expr,
    text: String,
    fields: Vec<FieldId>,
    interest: Interest,
    /// Every field read has a fast getter.
    fast: bool,
}

impl PartialEq for Filter {
    fn eq(&self, other: &Self) -> bool {
        self.expr == other.expr
    }
}

impl Filter {
    pub fn parse(text: &str) -> Result<Filter, FilterSyntaxError> {
        let expr = parser::parse(text).map_err(|error| FilterSyntaxError {
            filter: text.to_string(),
            error,
        })?;
        Ok(Filter::from_expr(expr, text))
    }

    pub fn from_expr(expr: Expr, text: &str) -> Filter {
        let mut fields = Vec::new();
        expr.fields(&mut fields);
        let interest = fields
            .iter()
            .fold(Interest::NONE, |acc, id| acc.union(Interest::of_field(*id)));
        let fast = fields.iter().all(|id| fast::supported(*id));
        Filter {
            expr,
            text: text.to_string(),
            fields,
            interest,
            fast,
        }
    }

    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// The text the filter was parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The table fields the filter reads (virtual fields expanded).
    pub fn fields(&self) -> &[FieldId] {
        &self.fields
    }

    /// The layers whose fields the filter reads.
    pub fn interest(&self) -> Interest {
        self.interest
    }

    /// Whether evaluation avoids emitting the field list.
    pub fn is_fast(&self) -> bool {
        self.fast
    }

    /// Does the dissected frame pass? Analysis facts, when the dissection has them, are
    /// visible to the filter (apply it after dissection).
    pub fn matches(&self, d: &Dissection<'_>) -> bool {
        self.matches_marked(d, FrameMarks::default())
    }

    /// [`Filter::matches`] with the user's marks on this frame: `frame.marked` and
    /// `frame.ignored` occur in every frame, as in Wireshark, true where the UI says so.
    pub fn matches_marked(&self, d: &Dissection<'_>, marks: FrameMarks) -> bool {
        // The fast path reads the frame's own headers: not a reassembled datagram's, nor
        // the headers an ICMP error quotes.
        if self.fast && d.reassembled.is_none() && d.app.quoted_at.is_none() {
            return eval::eval(
                &self.expr,
                &fast::Fast {
                    packet: &d.packet,
                    info: &d.info,
                },
            );
        }
        let mut scratch = String::new();
        // One allocation per packet on this path; a TCP packet has ~40 fields.
        let mut fields = FieldList::with_capacity(64);
        d.emit_fields_only(&mut scratch, self.interest, &mut fields);
        for (id, on) in [
            (FieldId::FrameMarked, marks.marked),
            (FieldId::FrameIgnored, marks.ignored),
        ] {
            if self.fields.contains(&id) {
                fields.fact(id, crate::field::Value::Bool(on), 1);
            }
        }
        self.matches_fields(&fields, d.packet.data, d.packet.net_end)
    }

    /// Does a packet with these fields pass? `data` is the frame (protocol fields such as
    /// `frame contains "x"` read it); `net_end` is where the IP packet ends, if known.
    pub fn matches_fields(
        &self,
        fields: &FieldList<'_>,
        data: &[u8],
        net_end: Option<usize>,
    ) -> bool {
        eval::eval(
            &self.expr,
            &ListSource {
                fields,
                data,
                net_end,
            },
        )
    }

    /// The capture-filter entry point: decodes `frame` on its own (no conversation state,
    /// so analysis fields are absent, `frame.number` is 0 and relative times are 0) and
    /// evaluates. Meant to run on every captured frame before it is stored or printed.
    pub fn matches_frame(&self, frame: &Frame<'_>) -> bool {
        let packet = decode::decode(frame);
        let info = FrameInfo {
            number: 0,
            ts_ns: frame.ts_ns,
            relative_ns: 0,
            delta_ns: 0,
            interface: frame.interface,
            // A frame judged alone has no source table: -f cannot name interfaces.
            interface_name: None,
            direction: frame.direction,
        };
        self.matches_packet(&packet, &info)
    }

    /// Evaluates on a decoded packet without reassembly or analysis.
    pub fn matches_packet(&self, packet: &Packet<'_>, info: &FrameInfo) -> bool {
        if self.fast {
            return eval::eval(&self.expr, &fast::Fast { packet, info });
        }
        let mut scratch = String::new();
        if self.interest.contains(Interest::FRAME) {
            decode::protocols(packet, &mut scratch);
        }
        let mut fields = FieldList::with_capacity(64);
        decode::emit_only(packet, info, &scratch, &(), self.interest, &mut fields);
        self.matches_fields(&fields, packet.data, packet.net_end)
    }
}

/// The canonical text (see [`print`]), which parses back to the same expression.
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)
    }
}

impl FromStr for Filter {
    type Err = FilterSyntaxError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Filter::parse(text)
    }
}

#[cfg(test)]
mod tests;
