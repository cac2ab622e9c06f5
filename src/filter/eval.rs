//! Evaluating an expression against a packet's fields, with Wireshark 4.0's occurrence
//! semantics (see [`CmpOp`]). Where the fields come from is abstracted by [`FieldSource`]:
//! the emitted field list, or the fast path that reads the decoded headers directly.

use std::cmp::Ordering;

use super::ast::{CmpOp, Expr, Literal, Operand, SetItem};
use crate::field::{FieldId, Value};

/// The occurrences of a field in one packet. Protocol fields (`tcp`, `frame`) occur as
/// `Value::Bytes` of the protocol's bytes, so `contains`, `matches` and slices work on them.
pub trait FieldSource {
    /// Calls `f` on each occurrence of `id` until it returns true; returns whether it did.
    fn any(&self, id: FieldId, f: &mut dyn FnMut(&Value<'_>) -> bool) -> bool;
}

pub fn eval<S: FieldSource + ?Sized>(expr: &Expr, src: &S) -> bool {
    match expr {
        Expr::Or(a, b) => eval(a, src) || eval(b, src),
        Expr::And(a, b) => eval(a, src) && eval(b, src),
        Expr::Not(e) => !eval(e, src),
        Expr::Test(op) => {
            let (_, hit) = scan(src, op, &mut |v| match (op.mask, v) {
                (Some(_), Value::U64(n)) => *n != 0,
                (Some(_), _) => false,
                (None, _) => true,
            });
            hit
        }
        Expr::Compare(op, cmp, lit) => compare(src, op, *cmp, lit),
        Expr::Contains(op, lit) => {
            let needle = match lit {
                Literal::Bytes(b) | Literal::Str(b) => b.as_slice(),
                _ => return false,
            };
            scan(src, op, &mut |v| {
                with_bytes(v, |hay| {
                    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
                })
            })
            .1
        }
        Expr::Matches(op, pattern) => {
            scan(src, op, &mut |v| {
                with_bytes(v, |hay| pattern.regex.is_match(hay))
            })
            .1
        }
        Expr::In(op, items) => {
            scan(src, op, &mut |v| {
                items.iter().any(|item| match item {
                    SetItem::One(lit) => equal(v, lit),
                    SetItem::Range(lo, hi) => {
                        matches!(order(v, lo), Some(Ordering::Greater | Ordering::Equal))
                            && matches!(order(v, hi), Some(Ordering::Less | Ordering::Equal))
                    }
                })
            })
            .1
        }
    }
}

fn compare<S: FieldSource + ?Sized>(src: &S, op: &Operand, cmp: CmpOp, lit: &Literal) -> bool {
    match cmp {
        CmpOp::Eq => scan(src, op, &mut |v| equal(v, lit)).1,
        CmpOp::AnyNe => scan(src, op, &mut |v| !equal(v, lit)).1,
        // "All": the field must occur, and no occurrence may break the rule.
        CmpOp::AllNe => {
            let (seen, hit) = scan(src, op, &mut |v| equal(v, lit));
            seen && !hit
        }
        CmpOp::AllEq => {
            let (seen, hit) = scan(src, op, &mut |v| !equal(v, lit));
            seen && !hit
        }
        CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
            scan(src, op, &mut |v| {
                let Some(o) = order(v, lit) else {
                    return false;
                };
                match cmp {
                    CmpOp::Lt => o == Ordering::Less,
                    CmpOp::Le => o != Ordering::Greater,
                    CmpOp::Gt => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                }
            })
            .1
        }
    }
}

/// Visits the operand's occurrences (slice and mask applied) until `f` is true.
/// Returns (some occurrence existed, `f` returned true).
fn scan<S: FieldSource + ?Sized>(
    src: &S,
    op: &Operand,
    f: &mut dyn FnMut(&Value<'_>) -> bool,
) -> (bool, bool) {
    let mut seen = false;
    let mut visit = |v: &Value<'_>| -> bool {
        if let Some(slice) = op.slice {
            return with_bytes(v, |bytes| match slice.apply(bytes) {
                Some(part) => {
                    seen = true;
                    f(&Value::Bytes(part))
                }
                None => false,
            });
        }
        seen = true;
        match (op.mask, v) {
            (Some(mask), Value::U64(n)) => f(&Value::U64(n & mask)),
            (Some(mask), Value::Bool(b)) => f(&Value::U64(u64::from(*b) & mask)),
            (Some(_), _) => false,
            (None, v) => f(v),
        }
    };
    let hit = op.field.ids().any(|id| src.any(id, &mut visit));
    (seen, hit)
}

/// The value's bytes, as Wireshark slices and searches them.
fn with_bytes(v: &Value<'_>, f: impl FnOnce(&[u8]) -> bool) -> bool {
    match v {
        Value::Bytes(b) => f(b),
        Value::Text(t) => f(t.as_bytes()),
        Value::Mac(m) => f(m),
        Value::Ipv4(a) => f(a),
        Value::Ipv6(a) => f(a),
        _ => false,
    }
}

fn equal(v: &Value<'_>, lit: &Literal) -> bool {
    match (v, lit) {
        (Value::Ipv4(a), Literal::Ipv4(b, prefix)) => {
            let mask = prefix_mask32(*prefix);
            u32::from_be_bytes(*a) & mask == u32::from_be_bytes(*b) & mask
        }
        (Value::Ipv6(a), Literal::Ipv6(b, prefix)) => {
            let mask = prefix_mask128(*prefix);
            u128::from_be_bytes(*a) & mask == u128::from_be_bytes(*b) & mask
        }
        _ => order(v, lit) == Some(Ordering::Equal),
    }
}

fn prefix_mask32(prefix: u8) -> u32 {
    u32::MAX
        .checked_shl(32 - u32::from(prefix.min(32)))
        .unwrap_or(0)
}

fn prefix_mask128(prefix: u8) -> u128 {
    u128::MAX
        .checked_shl(128 - u32::from(prefix.min(128)))
        .unwrap_or(0)
}

/// How the occurrence orders against the literal; `None` when they do not compare.
fn order(v: &Value<'_>, lit: &Literal) -> Option<Ordering> {
    match (v, lit) {
        (Value::U64(a), Literal::Unsigned(b)) => Some(a.cmp(b)),
        (Value::I64(a), Literal::Unsigned(b)) => Some(i128::from(*a).cmp(&i128::from(*b))),
        (Value::Bool(a), Literal::Unsigned(b)) => Some(u64::from(*a).cmp(b)),
        (Value::I64(a), Literal::Signed(b)) => Some(a.cmp(b)),
        (Value::U64(a), Literal::Signed(b)) => Some(i128::from(*a).cmp(&i128::from(*b))),
        (Value::Bool(a), Literal::Bool(b)) => Some(a.cmp(b)),
        (Value::U64(a), Literal::Bool(b)) => Some((*a != 0).cmp(b)),
        (Value::Mac(a), Literal::Mac(b)) => Some(a.cmp(b)),
        (Value::Ipv4(a), Literal::Ipv4(b, _)) => Some(a.cmp(b)),
        (Value::Ipv6(a), Literal::Ipv6(b, _)) => Some(a.cmp(b)),
        (Value::Nanos(a), Literal::Seconds(b)) => Some(a.cmp(b)),
        (v, Literal::Bytes(b) | Literal::Str(b)) => {
            let mut result = None;
            with_bytes(v, |bytes| {
                result = Some(bytes.cmp(b.as_slice()));
                true
            });
            result
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(prefix_mask32(0), 0);
        assert_eq!(prefix_mask32(8), 0xff00_0000);
        assert_eq!(prefix_mask32(32), u32::MAX);
        assert_eq!(prefix_mask128(0), 0);
        assert_eq!(prefix_mask128(128), u128::MAX);
        assert!(equal(
            &Value::Ipv4([10, 1, 2, 3]),
            &Literal::Ipv4([10, 0, 0, 0], 8)
        ));
        assert!(!equal(
            &Value::Ipv4([11, 1, 2, 3]),
            &Literal::Ipv4([10, 0, 0, 0], 8)
        ));
    }
}
