//! The canonical text of a filter: symbolic operators, decimal numbers, `aa:bb:cc` bytes,
//! minimal parentheses. `parse(&e.to_string()) == e` for every tree the parser can build
//! (a proptest checks it), so the UI can show and store filters in one spelling.

use std::fmt;
use std::net::Ipv6Addr;

use super::ast::{Expr, Literal, Operand, SetItem, Slice};

/// Binding strength: `||` < `&&` < `!` < a test.
fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::Or(..) => 1,
        Expr::And(..) => 2,
        Expr::Not(..) => 3,
        _ => 4,
    }
}

fn child(f: &mut fmt::Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if precedence(e) < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Left-associative: the right operand needs parentheses at equal precedence.
            Expr::Or(a, b) => {
                child(f, a, 1)?;
                f.write_str(" || ")?;
                child(f, b, 2)
            }
            Expr::And(a, b) => {
                child(f, a, 2)?;
                f.write_str(" && ")?;
                child(f, b, 3)
            }
            Expr::Not(e) => {
                f.write_str("!")?;
                child(f, e, 3)
            }
            Expr::Test(op) => write!(f, "{op}"),
            Expr::Compare(op, cmp, lit) => write!(f, "{op} {} {lit}", cmp.symbol()),
            Expr::Contains(op, lit) => write!(f, "{op} contains {lit}"),
            Expr::Matches(op, pattern) => {
                write!(f, "{op} matches ")?;
                write_str_literal(f, &pattern.source)
            }
            Expr::In(op, items) => {
                write!(f, "{op} in {{")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match item {
                        SetItem::One(v) => write!(f, "{v}")?,
                        // Quoted ends take spaces: `""..00` would lex as `""` then `..00`.
                        SetItem::Range(a @ Literal::Str(_), b)
                        | SetItem::Range(a, b @ Literal::Str(_)) => write!(f, "{a} .. {b}")?,
                        SetItem::Range(a, b) => write!(f, "{a}..{b}")?,
                    }
                }
                f.write_str("}")
            }
        }
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field.name())?;
        if let Some(slice) = self.slice {
            write!(f, "{slice}")?;
        }
        if let Some(mask) = self.mask {
            write!(f, " & 0x{mask:x}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Slice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.len {
            Some(len) => write!(f, "[{}:{len}]", self.start),
            None => write!(f, "[{}:]", self.start),
        }
    }
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            f.write_str(":")?;
        }
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

/// A quoted string; anything outside printable ASCII is escaped so the text is one line.
fn write_str_literal(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    f.write_str("\"")?;
    for &b in bytes {
        match b {
            b'"' => f.write_str("\\\"")?,
            b'\\' => f.write_str("\\\\")?,
            b'\n' => f.write_str("\\n")?,
            b'\t' => f.write_str("\\t")?,
            b'\r' => f.write_str("\\r")?,
            0x20..=0x7e => write!(f, "{}", b as char)?,
            _ => write!(f, "\\x{b:02x}")?,
        }
    }
    f.write_str("\"")
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Unsigned(v) => write!(f, "{v}"),
            Literal::Signed(v) => write!(f, "{v}"),
            Literal::Bool(b) => f.write_str(if *b { "1" } else { "0" }),
            Literal::Mac(m) => write_hex(f, m),
            Literal::Ipv4(a, prefix) => {
                write!(f, "{}.{}.{}.{}", a[0], a[1], a[2], a[3])?;
                if *prefix != 32 {
                    write!(f, "/{prefix}")?;
                }
                Ok(())
            }
            Literal::Ipv6(a, prefix) => {
                write!(f, "{}", Ipv6Addr::from(*a))?;
                if *prefix != 128 {
                    write!(f, "/{prefix}")?;
                }
                Ok(())
            }
            Literal::Seconds(ns) => {
                let sign = if *ns < 0 { "-" } else { "" };
                let abs = ns.unsigned_abs();
                write!(
                    f,
                    "{sign}{}.{:09}",
                    abs / 1_000_000_000,
                    abs % 1_000_000_000
                )
            }
            Literal::Bytes(b) => write_hex(f, b),
            Literal::Str(s) => write_str_literal(f, s),
        }
    }
}
