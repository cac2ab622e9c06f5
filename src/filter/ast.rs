//! The typed expression a display filter parses into.
//!
//! Literals are typed while parsing, against the field they are compared with (an IPv4
//! literal for `ip.src`, bytes for `eth.src[0:3]`), because that is the only moment the
//! literal's column is known for a good error message. The tree therefore never holds a
//! value its field cannot be compared with, and evaluation needs no conversions.

use std::fmt;

use crate::field::{Display, FieldId};

/// A whole filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `tcp`, `tcp.analysis.flags`, `tcp.flags & 0x02`: the field is present (and, with a
    /// mask, some occurrence has a masked bit set).
    Test(Operand),
    /// `ip.src == 10.0.0.1`: see [`CmpOp`] for how occurrences are quantified.
    Compare(Operand, CmpOp, Literal),
    /// `frame contains "GET"`: some occurrence's bytes contain the literal's.
    Contains(Operand, Literal),
    /// `http.host matches "goo+gle"`: case-insensitive regex over some occurrence.
    Matches(Operand, Pattern),
    /// `tcp.port in {80, 443, 8000..8080}`: some occurrence is in the set.
    In(Operand, Vec<SetItem>),
}

/// The left side of a test: a field, optionally sliced or masked.
#[derive(Debug, Clone, PartialEq)]
pub struct Operand {
    pub field: FieldRef,
    /// `eth.src[0:3]`: compare bytes of the field's value.
    pub slice: Option<Slice>,
    /// `tcp.flags & 0x12`: bitwise AND with an unsigned integer field.
    pub mask: Option<u64>,
}

impl Operand {
    pub fn field(field: FieldRef) -> Self {
        Operand {
            field,
            slice: None,
            mask: None,
        }
    }

    /// What kind of literal this operand compares against.
    pub fn kind(&self) -> Kind {
        if self.slice.is_some() {
            Kind::Bytes
        } else if self.mask.is_some() {
            Kind::Unsigned
        } else {
            self.field.kind()
        }
    }
}

/// A field name: one of the table's, or a Wireshark "either side" alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldRef {
    Real(FieldId),
    Virtual(Virtual),
}

/// Wireshark's fields that match either the source or the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Virtual {
    IpAddr,
    Ipv6Addr,
    EthAddr,
    TcpPort,
    UdpPort,
    EthAddrResolved,
    EthAddrOui,
    EthAddrOuiResolved,
    IpHost,
    Ipv6Host,
}

impl Virtual {
    pub const ALL: [Virtual; 10] = [
        Virtual::IpAddr,
        Virtual::Ipv6Addr,
        Virtual::EthAddr,
        Virtual::TcpPort,
        Virtual::UdpPort,
        Virtual::EthAddrResolved,
        Virtual::EthAddrOui,
        Virtual::EthAddrOuiResolved,
        Virtual::IpHost,
        Virtual::Ipv6Host,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Virtual::IpAddr => "ip.addr",
            Virtual::Ipv6Addr => "ipv6.addr",
            Virtual::EthAddr => "eth.addr",
            Virtual::TcpPort => "tcp.port",
            Virtual::UdpPort => "udp.port",
            Virtual::EthAddrResolved => "eth.addr_resolved",
            Virtual::EthAddrOui => "eth.addr.oui",
            Virtual::EthAddrOuiResolved => "eth.addr.oui_resolved",
            Virtual::IpHost => "ip.host",
            Virtual::Ipv6Host => "ipv6.host",
        }
    }

    /// The real fields whose occurrences together are this field's occurrences.
    pub fn parts(self) -> &'static [FieldId] {
        match self {
            Virtual::IpAddr => &[FieldId::IpSrc, FieldId::IpDst],
            Virtual::Ipv6Addr => &[FieldId::Ipv6Src, FieldId::Ipv6Dst],
            Virtual::EthAddr => &[FieldId::EthSrc, FieldId::EthDst],
            Virtual::TcpPort => &[FieldId::TcpSrcport, FieldId::TcpDstport],
            Virtual::UdpPort => &[FieldId::UdpSrcport, FieldId::UdpDstport],
            Virtual::EthAddrResolved => &[FieldId::EthDstResolved, FieldId::EthSrcResolved],
            Virtual::EthAddrOui => &[FieldId::EthDstOui, FieldId::EthSrcOui],
            Virtual::EthAddrOuiResolved => {
                &[FieldId::EthDstOuiResolved, FieldId::EthSrcOuiResolved]
            }
            Virtual::IpHost => &[FieldId::IpSrcHost, FieldId::IpDstHost],
            Virtual::Ipv6Host => &[FieldId::Ipv6SrcHost, FieldId::Ipv6DstHost],
        }
    }
}

impl FieldRef {
    pub fn from_name(name: &str) -> Option<FieldRef> {
        if let Some(v) = Virtual::ALL.iter().find(|v| v.name() == name) {
            return Some(FieldRef::Virtual(*v));
        }
        FieldId::from_name(name).map(FieldRef::Real)
    }

    pub fn name(self) -> &'static str {
        match self {
            FieldRef::Real(id) => id.name(),
            FieldRef::Virtual(v) => v.name(),
        }
    }

    /// The table fields read to evaluate this one.
    pub fn ids(self) -> impl Iterator<Item = FieldId> {
        let (one, parts): (Option<FieldId>, &'static [FieldId]) = match self {
            FieldRef::Real(id) => (Some(id), &[]),
            FieldRef::Virtual(v) => (None, v.parts()),
        };
        one.into_iter().chain(parts.iter().copied())
    }

    pub fn display(self) -> Display {
        match self {
            FieldRef::Real(id) => id.def().display,
            FieldRef::Virtual(v) => v
                .parts()
                .first()
                .map_or(Display::Protocol, |id| id.def().display),
        }
    }

    pub fn kind(self) -> Kind {
        match self.display() {
            Display::Protocol => Kind::Protocol,
            Display::Dec | Display::Hex(_) => Kind::Unsigned,
            Display::Int => Kind::Signed,
            Display::Bool => Kind::Bool,
            Display::Mac => Kind::Mac,
            Display::Ipv4 => Kind::Ipv4,
            Display::Ipv6 => Kind::Ipv6,
            Display::Epoch | Display::Seconds => Kind::Seconds,
            Display::Bytes => Kind::Bytes,
            Display::Text => Kind::Text,
        }
    }

    /// Wireshark refuses to slice integers and booleans ("cannot be sliced").
    pub fn sliceable(self) -> bool {
        !matches!(
            self.kind(),
            Kind::Unsigned | Kind::Signed | Kind::Bool | Kind::Seconds
        )
    }
}

/// The value type a field compares as (from its display in the one table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Protocol,
    Unsigned,
    Signed,
    Bool,
    Mac,
    Ipv4,
    Ipv6,
    Seconds,
    Bytes,
    Text,
}

impl Kind {
    /// How the error messages name it.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Protocol => "a protocol",
            Kind::Unsigned => "an unsigned integer",
            Kind::Signed => "an integer",
            Kind::Bool => "a boolean (1/0, True/False)",
            Kind::Mac => "a MAC address (aa:bb:cc:dd:ee:ff)",
            Kind::Ipv4 => "an IPv4 address (10.0.0.1 or 10.0.0.0/8)",
            Kind::Ipv6 => "an IPv6 address (2001:db8::1 or 2001:db8::/32)",
            Kind::Seconds => "a time in seconds (0.25)",
            Kind::Bytes => "bytes (aa:bb:cc, aabbcc or \"text\")",
            Kind::Text => "a quoted string (\"text\")",
        }
    }
}

/// `[start:len]`; a negative start counts from the end; no length = to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    pub start: i32,
    pub len: Option<u32>,
}

impl Slice {
    /// The bytes this slice selects, or `None` when it reaches outside `bytes`
    /// (Wireshark then has no value, so the comparison is false).
    pub fn apply(self, bytes: &[u8]) -> Option<&[u8]> {
        let total = bytes.len() as i64;
        let start = if self.start < 0 {
            total + i64::from(self.start)
        } else {
            i64::from(self.start)
        };
        if start < 0 || start > total {
            return None;
        }
        let end = match self.len {
            Some(len) => start + i64::from(len),
            None => total,
        };
        if end > total {
            return None;
        }
        bytes.get(start as usize..end as usize)
    }
}

/// Comparison operators. Wireshark 4.0 quantifies over a field's occurrences: `==` and the
/// ordering operators are true if ANY occurrence satisfies them, `!=` is true if ALL
/// occurrences differ (so `ip.addr != 10.0.0.1` drops every packet to or from 10.0.0.1),
/// `~=`/`!==` is "any differs", `===` "all equal". A field that is absent makes every
/// comparison false, so `!=` is not the same as `!(a == b)` on packets without the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    AllNe,
    AllEq,
    AnyNe,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub const ALL: [CmpOp; 8] = [
        CmpOp::Eq,
        CmpOp::AllNe,
        CmpOp::AllEq,
        CmpOp::AnyNe,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ];

    /// The canonical (symbolic) spelling.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::AllNe => "!=",
            CmpOp::AllEq => "===",
            CmpOp::AnyNe => "~=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    pub fn is_ordering(self) -> bool {
        matches!(self, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge)
    }
}

/// A literal, already converted to the type of the field it is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Unsigned(u64),
    Signed(i64),
    Bool(bool),
    Mac([u8; 6]),
    /// An address with a prefix length (32 = a single host).
    Ipv4([u8; 4], u8),
    Ipv6([u8; 16], u8),
    /// Nanoseconds.
    Seconds(i64),
    Bytes(Vec<u8>),
    /// A quoted string (bytes, since `\xff` escapes need not be UTF-8).
    Str(Vec<u8>),
}

/// One member of an `in { … }` set.
#[derive(Debug, Clone, PartialEq)]
pub enum SetItem {
    One(Literal),
    /// Inclusive range `low..high`.
    Range(Literal, Literal),
}

/// A `matches` regular expression: the source as written plus its compiled form.
/// Equality is on the source, so trees compare as the user wrote them.
#[derive(Clone)]
pub struct Pattern {
    pub source: Vec<u8>,
    pub regex: regex::bytes::Regex,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", String::from_utf8_lossy(&self.source))
    }
}

impl Expr {
    /// Every table field the expression reads, each once.
    pub fn fields(&self, out: &mut Vec<FieldId>) {
        let mut add = |op: &Operand| {
            for id in op.field.ids() {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        };
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => {
                a.fields(out);
                b.fields(out);
            }
            Expr::Not(e) => e.fields(out),
            Expr::Test(op)
            | Expr::Compare(op, _, _)
            | Expr::Contains(op, _)
            | Expr::Matches(op, _)
            | Expr::In(op, _) => add(op),
        }
    }
}
