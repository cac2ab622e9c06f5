//! The canonical conversation key: both directions of a 5-tuple map to the same key, and
//! each packet learns which side of the key it travels from.

use std::net::IpAddr;

/// Endpoint = address + port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    pub addr: IpAddr,
    pub port: u16,
}

impl std::fmt::Display for Endpoint {
    /// `addr:port`, IPv6 in brackets (as tshark's follow header prints it).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.addr {
            IpAddr::V4(a) => write!(f, "{a}:{}", self.port),
            IpAddr::V6(a) => write!(f, "[{a}]:{}", self.port),
        }
    }
}

/// Canonical key: the smaller endpoint first, so A→B and B→A hash alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConvKey {
    pub lo: Endpoint,
    pub hi: Endpoint,
}

/// Which side of a [`ConvKey`] a packet was sent from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySide {
    Lo,
    Hi,
}

impl KeySide {
    pub fn index(self) -> usize {
        match self {
            KeySide::Lo => 0,
            KeySide::Hi => 1,
        }
    }

    /// This side's element of a per-side pair `[lo, hi]`.
    pub fn of<T>(self, pair: &[T; 2]) -> &T {
        let [lo, hi] = pair;
        match self {
            KeySide::Lo => lo,
            KeySide::Hi => hi,
        }
    }

    /// This side's element of a per-side pair `[lo, hi]`, mutably.
    pub fn of_mut<T>(self, pair: &mut [T; 2]) -> &mut T {
        let [lo, hi] = pair;
        match self {
            KeySide::Lo => lo,
            KeySide::Hi => hi,
        }
    }
}

impl ConvKey {
    /// Key for a packet from `src` to `dst`, and the side `src` sits on.
    pub fn new(src: Endpoint, dst: Endpoint) -> (ConvKey, KeySide) {
        if src <= dst {
            (ConvKey { lo: src, hi: dst }, KeySide::Lo)
        } else {
            (ConvKey { lo: dst, hi: src }, KeySide::Hi)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_directions_share_a_key() {
        let a = Endpoint {
            addr: "10.0.0.2".parse().unwrap(),
            port: 80,
        };
        let b = Endpoint {
            addr: "10.0.0.1".parse().unwrap(),
            port: 4000,
        };
        let (k1, s1) = ConvKey::new(a, b);
        let (k2, s2) = ConvKey::new(b, a);
        assert_eq!(k1, k2);
        assert_ne!(s1, s2);
    }
}
