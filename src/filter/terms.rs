//! The small pieces of a test, shared by the parser: operator words, literals typed for
//! their operand (with the error that names the field), slices and regex patterns.

use super::ast::{CmpOp, FieldRef, Kind, Literal, Operand, Pattern, Slice};
use super::error::{ErrorKind, FilterError};
use super::lexer::{Tok, Token};
use super::literal::{convert, Raw};

pub(super) fn cmp_op(tok: &Tok) -> Option<CmpOp> {
    Some(match tok {
        Tok::Punct("==") => CmpOp::Eq,
        Tok::Punct("!=") => CmpOp::AllNe,
        Tok::Punct("===") => CmpOp::AllEq,
        Tok::Punct("~=") | Tok::Punct("!==") => CmpOp::AnyNe,
        Tok::Punct("<") => CmpOp::Lt,
        Tok::Punct("<=") => CmpOp::Le,
        Tok::Punct(">") => CmpOp::Gt,
        Tok::Punct(">=") => CmpOp::Ge,
        Tok::Word(w) => match w.as_str() {
            "eq" | "any_eq" => CmpOp::Eq,
            "ne" | "all_ne" => CmpOp::AllNe,
            "all_eq" => CmpOp::AllEq,
            "any_ne" => CmpOp::AnyNe,
            "lt" => CmpOp::Lt,
            "le" => CmpOp::Le,
            "gt" => CmpOp::Gt,
            "ge" => CmpOp::Ge,
            _ => return None,
        },
        _ => return None,
    })
}

pub(super) fn is(tok: &Tok, punct: &str, word: &str) -> bool {
    match tok {
        Tok::Punct(p) => *p == punct,
        Tok::Word(w) => w == word,
        Tok::Str(_) => false,
    }
}

pub(super) fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => format!("'{w}'"),
        Tok::Str(_) => "a string".to_string(),
        Tok::Punct(p) => format!("'{p}'"),
    }
}

/// Edit distance at most 2, for suggesting the virtual names.
pub(super) fn close(a: &str, b: &str) -> bool {
    a.len().abs_diff(b.len()) <= 2 && a.split('.').next() == b.split('.').next()
}

pub(super) fn literal(
    token: &Token,
    operand: &Operand,
    after: &str,
) -> Result<Literal, FilterError> {
    let kind = operand.kind();
    let raw = match &token.tok {
        Tok::Word(w) => Raw::Word(w),
        Tok::Str(s) => Raw::Str(s),
        Tok::Punct(_) => {
            return Err(FilterError::new(
                ErrorKind::ExpectedValue {
                    after: after.to_string(),
                },
                token.column,
                token.width,
            ))
        }
    };
    match convert(raw, kind) {
        Some(Literal::Bytes(b)) if b.is_empty() => Err(bad_value(token, operand)),
        Some(literal) => Ok(literal),
        None => Err(bad_value(token, operand)),
    }
}

pub(super) fn bad_value(token: &Token, operand: &Operand) -> FilterError {
    let kind = operand.kind();
    let text = match &token.tok {
        Tok::Word(w) => format!("'{w}'"),
        Tok::Str(s) => format!("\"{}\"", String::from_utf8_lossy(s)),
        Tok::Punct(p) => p.to_string(),
    };
    if let Tok::Word(w) = &token.tok {
        if kind != Kind::Text && FieldRef::from_name(w).is_some() && w.contains('.') {
            return FilterError::new(
                ErrorKind::FieldAsValue { field: w.clone() },
                token.column,
                token.width,
            );
        }
    }
    FilterError::new(
        ErrorKind::BadValue {
            text,
            wanted: kind.describe(),
            field: operand.field.name(),
        },
        token.column,
        token.width,
    )
}

/// `i`, `i:len`, `i-j` (inclusive), `:len`, `i:`.
pub(super) fn parse_slice(text: &str) -> Option<Slice> {
    let num = |s: &str| -> Option<i32> { s.parse().ok() };
    if let Some((a, b)) = text.split_once(':') {
        let start = if a.is_empty() { 0 } else { num(a)? };
        let len = if b.is_empty() {
            if a.is_empty() {
                return None;
            }
            None
        } else {
            Some(u32::try_from(num(b)?).ok()?)
        };
        return Some(Slice { start, len });
    }
    // `i-j`: split at a '-' that is not a leading minus sign.
    if let Some(idx) = text.get(1..).and_then(|rest| rest.find('-')).map(|i| i + 1) {
        let (a, b) = (num(&text[..idx])?, num(&text[idx + 1..])?);
        if a < 0 || b < a {
            return None;
        }
        return Some(Slice {
            start: a,
            len: Some(u32::try_from(b - a + 1).ok()?),
        });
    }
    Some(Slice {
        start: num(text)?,
        len: Some(1),
    })
}

/// Wireshark's `matches` is case-insensitive by default (PCRE2 with CASELESS); `(?-i)`
/// inside the pattern turns that off, which the regex crate understands too.
pub fn compile_pattern(source: &[u8]) -> Result<Pattern, String> {
    let text = std::str::from_utf8(source).map_err(|_| "the pattern is not UTF-8".to_string())?;
    // Byte semantics first (`.` is one byte, as tshark matches `tcp.flags.str`); a pattern
    // with non-ASCII classes like `[é]` needs Unicode mode, so fall back to it.
    let build = |unicode: bool| {
        regex::bytes::RegexBuilder::new(text)
            .case_insensitive(true)
            .unicode(unicode)
            .size_limit(1 << 20)
            .build()
    };
    let regex = build(false).or_else(|_| build(true)).map_err(|e| {
        e.to_string()
            .lines()
            .last()
            .unwrap_or("invalid")
            .trim()
            .to_string()
    })?;
    Ok(Pattern {
        source: source.to_vec(),
        regex,
    })
}
