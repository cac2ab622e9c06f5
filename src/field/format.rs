//! Printing values exactly as tshark prints them in `-T fields` (`0x0800`, `1`/`0`,
//! `979489081.289000000`, compressed IPv6), with no allocation on the hot path.

use std::fmt;
use std::net::Ipv6Addr;

use super::{Display, FieldDef, Value};

/// Writes `value` as tshark's -T fields would.
pub fn write_value(out: &mut impl fmt::Write, def: &FieldDef, value: &Value<'_>) -> fmt::Result {
    match (*value, def.display) {
        (Value::None, Display::Protocol) => out.write_str(def.name),
        (Value::None, _) => Ok(()),
        (Value::U64(v), Display::Hex(width)) => {
            write!(out, "0x{:0width$x}", v, width = width as usize)
        }
        (Value::U64(v), Display::Bool) => out.write_str(if v != 0 { "1" } else { "0" }),
        // Numbers and addresses through itoa: `-T fields` writes millions of them, and the
        // formatting machinery was a fifth of a row's cost.
        (Value::U64(v), _) => out.write_str(itoa::Buffer::new().format(v)),
        (Value::I64(v), _) => out.write_str(itoa::Buffer::new().format(v)),
        (Value::Bool(b), _) => out.write_str(if b { "1" } else { "0" }),
        (Value::Mac(m), _) => write!(
            out,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        ),
        (Value::Ipv4(a), _) => {
            let mut digits = itoa::Buffer::new();
            for (i, octet) in a.iter().enumerate() {
                if i > 0 {
                    out.write_char('.')?;
                }
                out.write_str(digits.format(*octet))?;
            }
            Ok(())
        }
        (Value::Ipv6(a), _) => write!(out, "{}", Ipv6Addr::from(a)),
        (Value::Bytes(bytes), Display::Text) => out.write_str(&String::from_utf8_lossy(bytes)),
        (Value::Bytes(bytes), _) => {
            for byte in bytes {
                write!(out, "{byte:02x}")?;
            }
            Ok(())
        }
        (Value::Text(text), _) => out.write_str(text),
        (Value::Nanos(ns), _) => write_seconds(out, ns),
    }
}

/// `seconds.nnnnnnnnn`, negative durations included.
fn write_seconds(out: &mut impl fmt::Write, ns: i64) -> fmt::Result {
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    write!(
        out,
        "{sign}{}.{:09}",
        abs / 1_000_000_000,
        abs % 1_000_000_000
    )
}

/// `Display` adapter: `format!("{}", ValueFormatter(def, &value))`.
pub struct ValueFormatter<'d, 'v>(pub &'d FieldDef, pub &'d Value<'v>);

impl fmt::Display for ValueFormatter<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value(f, self.0, self.1)
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use crate::field::FieldId;

    fn show(id: FieldId, value: Value<'_>) -> String {
        ValueFormatter(id.def(), &value).to_string()
    }

    #[test]
    fn tshark_formats() {
        assert_eq!(show(FieldId::EthType, Value::U64(0x800)), "0x0800");
        assert_eq!(show(FieldId::TcpFlags, Value::U64(0x12)), "0x0012");
        assert_eq!(show(FieldId::IpFlags, Value::U64(2)), "0x02");
        assert_eq!(show(FieldId::IpFlagsDf, Value::Bool(true)), "1");
        assert_eq!(
            show(
                FieldId::FrameTimeEpoch,
                Value::Nanos(979_489_081_289_000_000)
            ),
            "979489081.289000000"
        );
        assert_eq!(
            show(
                FieldId::EthSrc,
                Value::Mac([0, 0x21, 0x6a, 0x5b, 0x7d, 0x4a])
            ),
            "00:21:6a:5b:7d:4a"
        );
        let v6: [u8; 16] = "2001:db8:1:2::1003".parse::<Ipv6Addr>().unwrap().octets();
        assert_eq!(
            show(FieldId::Ipv6Src, Value::Ipv6(v6)),
            "2001:db8:1:2::1003"
        );
        assert_eq!(
            show(FieldId::FrameTimeDelta, Value::Nanos(-1_500_000_000)),
            "-1.500000000"
        );
    }
}
