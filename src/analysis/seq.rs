//! TCP sequence numbers live on a 32-bit circle: `a` comes "before" `b` when the signed
//! distance from `a` to `b` is positive (RFC 793 §3.3, Wireshark's `LT_SEQ`/`GT_SEQ`). Plain
//! `u32` comparisons break at the 2^32 wrap, so every comparison goes through this type.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, Sub};

/// A wrapping 32-bit TCP sequence (or acknowledgement) number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SeqNum(pub u32);

impl SeqNum {
    /// Signed distance `self - other` on the circle (what `(gint32)(x - y)` computes in C).
    pub fn distance(self, other: SeqNum) -> i32 {
        self.0.wrapping_sub(other.0) as i32
    }

    /// `self` comes strictly before `other` (Wireshark `LT_SEQ`).
    pub fn before(self, other: SeqNum) -> bool {
        self.distance(other) < 0
    }

    /// `self` comes strictly after `other` (Wireshark `GT_SEQ`).
    pub fn after(self, other: SeqNum) -> bool {
        self.distance(other) > 0
    }

    /// `self` is before or equal to `other` (Wireshark `LE_SEQ`).
    pub fn before_eq(self, other: SeqNum) -> bool {
        self.distance(other) <= 0
    }

    pub fn raw(self) -> u32 {
        self.0
    }
}

/// Ordering by signed distance. Not transitive over the whole circle (no ordering of a
/// circle can be), but correct for any two numbers less than 2^31 apart, which is all TCP
/// ever compares.
impl PartialOrd for SeqNum {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.distance(*other).cmp(&0))
    }
}

impl Add<u32> for SeqNum {
    type Output = SeqNum;
    fn add(self, rhs: u32) -> SeqNum {
        SeqNum(self.0.wrapping_add(rhs))
    }
}

impl Sub<u32> for SeqNum {
    type Output = SeqNum;
    fn sub(self, rhs: u32) -> SeqNum {
        SeqNum(self.0.wrapping_sub(rhs))
    }
}

/// Unsigned distance going forward from `rhs` to `self` (relative sequence numbers).
impl Sub<SeqNum> for SeqNum {
    type Output = u32;
    fn sub(self, rhs: SeqNum) -> u32 {
        self.0.wrapping_sub(rhs.0)
    }
}

impl fmt::Display for SeqNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordering_across_the_wrap() {
        let near_top = SeqNum(u32::MAX - 10);
        let wrapped = near_top + 20;
        assert_eq!(wrapped, SeqNum(9));
        assert!(near_top.before(wrapped));
        assert!(wrapped.after(near_top));
        assert!(near_top < wrapped);
        assert_eq!(wrapped - near_top, 20);
        assert!(wrapped.before_eq(wrapped));
        assert!(!wrapped.before(wrapped));
        assert_eq!(SeqNum(0) - 1, SeqNum(u32::MAX));
    }

    #[test]
    fn half_circle_is_after() {
        // 2^31 apart: the signed distance is i32::MIN, i.e. "before"; matches C's cast.
        assert!(SeqNum(0).after(SeqNum(1 << 31)) == ((0u32.wrapping_sub(1 << 31) as i32) > 0));
    }
}
