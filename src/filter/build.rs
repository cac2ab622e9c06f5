//! Filters written from what the user points at (Wireshark's Apply/Prepare as Filter): a
//! field of the details tree, a byte range of the frame, a conversation. The text is built
//! from the one field table and the filter's own literal printer, so whatever is written
//! here parses back and selects the packet it came from (a test walks every field of every
//! packet of the textbook captures to hold that).

use super::ast::{CmpOp, Expr, FieldRef, Kind, Literal, Operand, Slice};
use crate::field::{Display, Field, FieldId, Value, ValueFormatter};

/// `ip.src == 172.16.16.128`, `tcp.flags == 0x0012`, `http.host == "example.com"`, or the
/// bare name (`tcp`, `tcp.analysis.retransmission`) where the value is presence only or
/// is not something the field's type can be compared with.
pub fn field_expr(field: &Field<'_>) -> String {
    let def = field.def();
    let operand = Operand::field(FieldRef::Real(field.id));
    // Wireshark writes hex-displayed integers in hex (`tcp.flags == 0x0012`); the parser
    // reads `0x` numbers, so the table's own printing is the literal.
    if let (Display::Hex(_), Value::U64(_)) = (def.display, field.value) {
        return format!("{} == {}", def.name, ValueFormatter(def, &field.value));
    }
    match literal(field.id, &field.value) {
        Some(lit) => Expr::Compare(operand, CmpOp::Eq, lit).to_string(),
        None => Expr::Test(operand).to_string(),
    }
}

/// The value as a literal of the field's type, when the two fit.
fn literal(id: FieldId, value: &Value<'_>) -> Option<Literal> {
    Some(match (FieldRef::Real(id).kind(), *value) {
        (Kind::Unsigned, Value::U64(v)) => Literal::Unsigned(v),
        (Kind::Unsigned, Value::Bool(b)) => Literal::Unsigned(u64::from(b)),
        (Kind::Unsigned, Value::I64(v)) => Literal::Unsigned(u64::try_from(v).ok()?),
        (Kind::Signed, Value::I64(v)) => Literal::Signed(v),
        (Kind::Signed, Value::U64(v)) => Literal::Signed(i64::try_from(v).ok()?),
        (Kind::Bool, Value::Bool(b)) => Literal::Bool(b),
        (Kind::Bool, Value::U64(v)) => Literal::Bool(v != 0),
        (Kind::Mac, Value::Mac(m)) => Literal::Mac(m),
        (Kind::Ipv4, Value::Ipv4(a)) => Literal::Ipv4(a, 32),
        (Kind::Ipv6, Value::Ipv6(a)) => Literal::Ipv6(a, 128),
        (Kind::Seconds, Value::Nanos(ns)) => Literal::Seconds(ns),
        (Kind::Bytes, Value::Bytes(b)) if !b.is_empty() => Literal::Bytes(b.to_vec()),
        (Kind::Bytes | Kind::Text, Value::Text(t)) => Literal::Str(t.as_bytes().to_vec()),
        (Kind::Text, Value::Bytes(b)) => Literal::Str(b.to_vec()),
        _ => return None,
    })
}

/// `frame[34:2] == 06:46`: the bytes at `start..start+len` of `frame`, as they are.
/// `None` when the range is empty or outside the frame.
pub fn bytes_expr(frame: &[u8], start: usize, len: usize) -> Option<String> {
    let bytes = frame.get(start..start.checked_add(len)?)?;
    if bytes.is_empty() {
        return None;
    }
    let operand = Operand {
        field: FieldRef::Real(FieldId::Frame),
        slice: Some(Slice {
            start: i32::try_from(start).ok()?,
            len: Some(u32::try_from(len).ok()?),
        }),
        mask: None,
    };
    Some(Expr::Compare(operand, CmpOp::Eq, Literal::Bytes(bytes.to_vec())).to_string())
}

/// How a selected expression joins the filter already in force (Wireshark's "…and
/// Selected", "…or Selected", "…and not Selected", "Not Selected").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    Selected,
    NotSelected,
    AndSelected,
    OrSelected,
    AndNotSelected,
}

impl Combine {
    /// The filter text: `current` (the filter in force, if any) joined with `selected`,
    /// each side in parentheses as Wireshark writes it.
    pub fn apply(self, current: Option<&str>, selected: &str) -> String {
        let current = current.map(str::trim).filter(|c| !c.is_empty());
        match (self, current) {
            (Combine::Selected, _) | (Combine::AndSelected | Combine::OrSelected, None) => {
                selected.to_string()
            }
            (Combine::NotSelected, _) | (Combine::AndNotSelected, None) => {
                format!("!({selected})")
            }
            (Combine::AndSelected, Some(c)) => format!("({c}) && ({selected})"),
            (Combine::OrSelected, Some(c)) => format!("({c}) || ({selected})"),
            (Combine::AndNotSelected, Some(c)) => format!("({c}) && !({selected})"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::filter::Filter;

    fn field(id: FieldId, value: Value<'_>) -> Field<'_> {
        Field {
            id,
            value,
            range: None,
            depth: 1,
        }
    }

    #[test]
    fn values_as_wireshark_writes_them() {
        let f = field(FieldId::IpSrc, Value::Ipv4([172, 16, 16, 128]));
        assert_eq!(field_expr(&f), "ip.src == 172.16.16.128");
        let f = field(FieldId::TcpFlags, Value::U64(0x12));
        assert_eq!(field_expr(&f), "tcp.flags == 0x0012");
        let f = field(FieldId::TcpSrcport, Value::U64(80));
        assert_eq!(field_expr(&f), "tcp.srcport == 80");
        let f = field(FieldId::Tcp, Value::None);
        assert_eq!(field_expr(&f), "tcp");
        let f = field(FieldId::FrameProtocols, Value::Text("eth:\"x\""));
        assert_eq!(field_expr(&f), "frame.protocols == \"eth:\\\"x\\\"\"");
        for text in [
            "ip.src == 172.16.16.128",
            "tcp.flags == 0x0012",
            "frame.protocols == \"eth:\\\"x\\\"\"",
        ] {
            assert!(Filter::parse(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn byte_ranges() {
        let frame = [0u8; 34]
            .iter()
            .copied()
            .chain([0x06, 0x46])
            .collect::<Vec<_>>();
        assert_eq!(
            bytes_expr(&frame, 34, 2).as_deref(),
            Some("frame[34:2] == 06:46")
        );
        assert_eq!(bytes_expr(&frame, 35, 2), None);
        assert_eq!(bytes_expr(&frame, 3, 0), None);
        assert_eq!(bytes_expr(&frame, usize::MAX, 2), None);
    }

    #[test]
    fn combinations() {
        let s = "tcp.port == 80";
        assert_eq!(Combine::Selected.apply(Some("udp"), s), s);
        assert_eq!(Combine::AndSelected.apply(None, s), s);
        assert_eq!(
            Combine::AndSelected.apply(Some("ip"), s),
            "(ip) && (tcp.port == 80)"
        );
        assert_eq!(
            Combine::OrSelected.apply(Some("ip"), s),
            "(ip) || (tcp.port == 80)"
        );
        assert_eq!(
            Combine::AndNotSelected.apply(Some("ip"), s),
            "(ip) && !(tcp.port == 80)"
        );
        assert_eq!(Combine::NotSelected.apply(None, s), "!(tcp.port == 80)");
        for c in [
            Combine::Selected,
            Combine::NotSelected,
            Combine::AndSelected,
            Combine::OrSelected,
            Combine::AndNotSelected,
        ] {
            let text = c.apply(Some("ip.src == 1.2.3.4 || arp"), s);
            assert!(Filter::parse(&text).is_ok(), "{text}");
        }
    }
}
