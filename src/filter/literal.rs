//! Converting what the user wrote into a value of the field's type, the way Wireshark's
//! `fvalue_from_literal` does: numbers in decimal, `0x` hex or leading-zero octal; MACs and
//! byte strings with `:`, `-` or `.` separators or none; addresses with an optional prefix.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::ast::{Kind, Literal};

/// A value as it appeared in the filter.
#[derive(Debug, Clone, Copy)]
pub enum Raw<'t> {
    Word(&'t str),
    Str(&'t [u8]),
}

/// Converts `raw` to `kind`, or returns `None` (the caller knows the column and field).
pub fn convert(raw: Raw<'_>, kind: Kind) -> Option<Literal> {
    match (kind, raw) {
        (Kind::Text | Kind::Bytes | Kind::Protocol, Raw::Str(s)) => Some(Literal::Str(s.to_vec())),
        (_, Raw::Str(_)) => None,
        (Kind::Unsigned, Raw::Word(w)) => unsigned(w).map(Literal::Unsigned),
        (Kind::Signed, Raw::Word(w)) => signed(w).map(Literal::Signed),
        (Kind::Bool, Raw::Word(w)) => boolean(w).map(Literal::Bool),
        (Kind::Mac, Raw::Word(w)) => bytes(w)
            .and_then(|b| <[u8; 6]>::try_from(b.as_slice()).ok())
            .map(Literal::Mac),
        (Kind::Ipv4, Raw::Word(w)) => {
            let (addr, prefix) = with_prefix(w, 32)?;
            let addr: Ipv4Addr = addr.parse().ok()?;
            Some(Literal::Ipv4(addr.octets(), prefix))
        }
        (Kind::Ipv6, Raw::Word(w)) => {
            let (addr, prefix) = with_prefix(w, 128)?;
            let addr: Ipv6Addr = addr.parse().ok()?;
            Some(Literal::Ipv6(addr.octets(), prefix))
        }
        (Kind::Seconds, Raw::Word(w)) => seconds(w).map(Literal::Seconds),
        (Kind::Bytes | Kind::Protocol, Raw::Word(w)) => bytes(w).map(Literal::Bytes),
        // Wireshark accepts an unquoted word for a string field.
        (Kind::Text, Raw::Word(w)) => Some(Literal::Str(w.as_bytes().to_vec())),
    }
}

/// Decimal, `0x` hex, `0b` binary or leading-zero octal (C's `strtoul(…, 0)`).
pub fn unsigned(word: &str) -> Option<u64> {
    let lower = word.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        u64::from_str_radix(hex, 16).ok()
    } else if let Some(bin) = lower.strip_prefix("0b") {
        u64::from_str_radix(bin, 2).ok()
    } else if lower.len() > 1 && lower.starts_with('0') {
        u64::from_str_radix(&lower[1..], 8).ok()
    } else if lower.starts_with('+') {
        None
    } else {
        lower.parse().ok()
    }
}

/// An optional `-`, then what [`unsigned`] reads.
pub fn signed(word: &str) -> Option<i64> {
    match word.strip_prefix('-') {
        Some(magnitude) => 0i64.checked_sub_unsigned(unsigned(magnitude)?),
        None => i64::try_from(unsigned(word)?).ok(),
    }
}

fn boolean(word: &str) -> Option<bool> {
    match word {
        "True" | "true" | "TRUE" => Some(true),
        "False" | "false" | "FALSE" => Some(false),
        // Wireshark: any integer, nonzero is true.
        _ => unsigned(word).map(|v| v != 0),
    }
}

fn with_prefix(word: &str, max: u8) -> Option<(&str, u8)> {
    match word.split_once('/') {
        None => Some((word, max)),
        Some((addr, bits)) => {
            let bits: u8 = bits.parse().ok()?;
            (bits <= max).then_some((addr, bits))
        }
    }
}

/// `aa:bb:cc`, `aa-bb-cc`, `aa.bb.cc`, `aabbcc`, and Cisco's `aabb.ccdd.eeff`.
pub fn bytes(word: &str) -> Option<Vec<u8>> {
    let groups: Vec<&str> = word.split([':', '-', '.']).collect();
    let mut out = Vec::new();
    if groups.len() == 1 {
        if word.is_empty() || word.len() % 2 != 0 {
            return None;
        }
        for pair in word.as_bytes().chunks(2) {
            out.push(u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?);
        }
        return Some(out);
    }
    // One separator kind only, as Wireshark requires.
    let seps: Vec<char> = word.chars().filter(|c| !c.is_ascii_hexdigit()).collect();
    if seps.windows(2).any(|w| w[0] != w[1]) {
        return None;
    }
    for group in groups {
        if !group.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        match group.len() {
            1 | 2 => out.push(u8::from_str_radix(group, 16).ok()?),
            4 if seps.first() == Some(&'.') => {
                out.push(u8::from_str_radix(&group[..2], 16).ok()?);
                out.push(u8::from_str_radix(&group[2..], 16).ok()?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Seconds with up to nine decimals, e.g. `0.5`, `-1.25`, `979489081.289`.
pub fn seconds(word: &str) -> Option<i64> {
    let (negative, body) = match word.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, word),
    };
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    if whole.is_empty() && frac.is_empty()
        || frac.len() > 9
        || !whole
            .chars()
            .chain(frac.chars())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac_ns: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().ok()?
    };
    let ns = whole.checked_mul(1_000_000_000)?.checked_add(frac_ns)?;
    Some(if negative { -ns } else { ns })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(unsigned("60"), Some(60));
        assert_eq!(unsigned("0x3c"), Some(60));
        assert_eq!(unsigned("074"), Some(60));
        assert_eq!(unsigned("0"), Some(0));
        assert_eq!(unsigned("08"), None);
        assert_eq!(unsigned("-1"), None);
        assert_eq!(unsigned("99999999999999999999999"), None);
    }

    #[test]
    fn byte_strings() {
        assert_eq!(bytes("00:16:35"), Some(vec![0, 0x16, 0x35]));
        assert_eq!(bytes("00-16-35"), Some(vec![0, 0x16, 0x35]));
        assert_eq!(bytes("001635"), Some(vec![0, 0x16, 0x35]));
        assert_eq!(bytes("0016.3503.e4f1").map(|b| b.len()), Some(6));
        assert_eq!(bytes("0:1:2"), Some(vec![0, 1, 2]));
        assert_eq!(bytes("00:16-35"), None);
        assert_eq!(bytes("abc"), None);
        assert_eq!(bytes(""), None);
        assert_eq!(bytes(":"), None);
    }

    #[test]
    fn addresses_and_times() {
        assert_eq!(
            convert(Raw::Word("10.0.0.0/8"), Kind::Ipv4),
            Some(Literal::Ipv4([10, 0, 0, 0], 8))
        );
        assert_eq!(convert(Raw::Word("10.0.0.0/33"), Kind::Ipv4), None);
        assert!(convert(Raw::Word("::1/128"), Kind::Ipv6).is_some());
        assert_eq!(seconds("0.5"), Some(500_000_000));
        assert_eq!(seconds("-1.25"), Some(-1_250_000_000));
        assert_eq!(seconds("."), None);
        assert_eq!(seconds("1.0000000001"), None);
    }
}
