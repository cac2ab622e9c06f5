//! The numbers and addresses of a tcpdump line, written straight into the line's bytes
//! (a line holds a dozen of them: this is the hot path of `sockeye -r big.pcap`).

use std::net::Ipv6Addr;

/// Decimal digits pushed one by one: a line holds a dozen short numbers, and handing
/// each to `memcpy` (as `extend_from_slice` does) cost more than the digits.
pub(super) fn push_u64(out: &mut Vec<u8>, v: u64) {
    let mut buf = itoa::Buffer::new();
    for digit in buf.format(v).bytes() {
        out.push(digit);
    }
}

fn push_u8(out: &mut Vec<u8>, v: u8) {
    if v >= 100 {
        out.push(b'0' + v / 100);
    }
    if v >= 10 {
        out.push(b'0' + v / 10 % 10);
    }
    out.push(b'0' + v % 10);
}

pub(super) fn push_ipv4(out: &mut Vec<u8>, a: [u8; 4]) {
    for (i, byte) in a.iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        push_u8(out, *byte);
    }
}

/// The text `Ipv6Addr`'s `Display` gives (RFC 5952: lower-case hex, the first longest run
/// of two or more zero groups as `::`, `::ffff:a.b.c.d` for a mapped IPv4 address),
/// written without the formatting machinery, which cost 5% of a summary run.
pub(super) fn push_ipv6(out: &mut Vec<u8>, a: [u8; 16]) {
    let addr = Ipv6Addr::from(a);
    if let Some(v4) = addr.to_ipv4_mapped().filter(|_| !addr.is_loopback()) {
        out.extend_from_slice(b"::ffff:");
        push_ipv4(out, v4.octets());
        return;
    }
    let groups = addr.segments();
    // The first longest run of zero groups, when it is at least two long.
    let (mut best, mut run) = ((0usize, 0usize), (0usize, 0usize));
    for (i, group) in groups.iter().enumerate() {
        if *group == 0 {
            if run.1 == 0 {
                run.0 = i;
            }
            run.1 += 1;
            if run.1 > best.1 {
                best = run;
            }
        } else {
            run.1 = 0;
        }
    }
    let push_groups = |out: &mut Vec<u8>, groups: &[u16]| {
        for (i, group) in groups.iter().enumerate() {
            if i > 0 {
                out.push(b':');
            }
            push_hex_group(out, *group);
        }
    };
    if best.1 > 1 {
        push_groups(out, groups.get(..best.0).unwrap_or(&[]));
        out.extend_from_slice(b"::");
        push_groups(out, groups.get(best.0 + best.1..).unwrap_or(&[]));
    } else {
        push_groups(out, &groups);
    }
}

fn push_hex_group(out: &mut Vec<u8>, group: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut started = false;
    for shift in [12u16, 8, 4, 0] {
        let digit = usize::from((group >> shift) & 0xf);
        if digit != 0 || started || shift == 0 {
            started = true;
            out.push(HEX[digit]);
        }
    }
}

pub(super) fn push_mac(out: &mut Vec<u8>, m: [u8; 6]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, byte) in m.iter().enumerate() {
        if i > 0 {
            out.push(b':');
        }
        out.push(HEX[usize::from(byte >> 4)]);
        out.push(HEX[usize::from(byte & 0xf)]);
    }
}

#[cfg(test)]
mod ipv6_text_tests {
    use super::*;

    /// Every shape of zero run (none, one group, ties, leading, trailing, all) and a
    /// sweep of pseudo-random addresses with zero groups sprinkled in: the same text
    /// as `Display`.
    #[test]
    fn ipv6_text_is_displays() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut cases: Vec<[u16; 8]> = vec![
            [0; 8],
            [0, 0, 0, 0, 0, 0, 0, 1],
            [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304],
            [0, 0, 0, 0, 0, 0, 0x0102, 0x0304],
            [1, 0, 2, 0, 3, 0, 4, 0],
            [1, 0, 0, 2, 0, 0, 3, 4],
            [0x2001, 0xdb8, 0, 0, 0, 0, 0xa00, 0xef],
            [0xfe80, 0, 0, 0, 0, 0, 0, 0],
        ];
        for n in 0..20_000u64 {
            // Mostly zero groups in half the addresses, mostly non-zero in the other half.
            let bits = next();
            let mut groups = [0u16; 8];
            for (i, group) in groups.iter_mut().enumerate() {
                let two_bits = (bits >> (i * 2)) & 3;
                let nonzero = if n % 2 == 0 {
                    two_bits == 0
                } else {
                    two_bits != 0
                };
                *group = if nonzero {
                    (next() as u16) >> (next() % 16)
                } else {
                    0
                };
            }
            cases.push(groups);
        }
        for groups in cases {
            let addr = Ipv6Addr::from(groups);
            let mut out = Vec::new();
            push_ipv6(&mut out, addr.octets());
            assert_eq!(
                String::from_utf8_lossy(&out),
                addr.to_string(),
                "{groups:x?}"
            );
        }
    }
}

#[cfg(test)]
mod decimal_tests {
    use super::*;

    #[test]
    fn decimals_are_to_strings() {
        let mut values = vec![
            0,
            9,
            10,
            99,
            100,
            255,
            256,
            65_535,
            u64::from(u32::MAX),
            u64::MAX,
        ];
        values.extend((0..64).map(|shift| (1u64 << shift) - 1));
        values.extend((0..19).map(|exp| 10u64.pow(exp)));
        for v in values {
            let mut out = Vec::new();
            push_u64(&mut out, v);
            assert_eq!(String::from_utf8_lossy(&out), v.to_string());
        }
        for v in 0..=u8::MAX {
            let mut out = Vec::new();
            push_u8(&mut out, v);
            assert_eq!(String::from_utf8_lossy(&out), v.to_string());
        }
    }
}
