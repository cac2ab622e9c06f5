//! Crypto-PAn (Xu, Fan, Ammar, Moon, 2002): prefix-preserving address anonymisation. Two
//! addresses that share their first n bits are mapped to two that share their first n
//! bits, so a /24 stays one /24 and subnets stay recognisable, yet no address can be read
//! back without the key. Hand-written over the `aes` crate because no maintained Crypto-PAn
//! crate is available here; the reference implementation's published sample is the test.

use aes::cipher::{generic_array::GenericArray, BlockEncrypt, KeyInit};
use aes::Aes128;

pub struct CryptoPan {
    cipher: Aes128,
    /// The encrypted second half of the key: the bits after the prefix come from here.
    pad: [u8; 16],
}

impl CryptoPan {
    /// A 32-byte key: the AES key, then the pad's seed.
    pub fn new(key: &[u8; 32]) -> Self {
        let (aes_key, seed) = key.split_at(16);
        let cipher = Aes128::new(GenericArray::from_slice(aes_key));
        let mut pad = GenericArray::clone_from_slice(seed);
        cipher.encrypt_block(&mut pad);
        let mut out = [0u8; 16];
        out.copy_from_slice(&pad);
        CryptoPan { cipher, pad: out }
    }

    /// The first bit of AES(first `bits` bits of `addr`, then the pad's bits).
    fn bit(&self, addr: &[u8], bits: usize) -> bool {
        let mut block = self.pad;
        for (i, (b, a)) in block.iter_mut().zip(addr).enumerate() {
            let keep = bits.saturating_sub(i * 8).min(8);
            // The first `keep` bits of this byte are the address's, the rest the pad's.
            let mask: u8 = if keep == 8 { 0xff } else { !(0xffu8 >> keep) };
            *b = (*a & mask) | (*b & !mask);
        }
        let mut block = GenericArray::from(block);
        self.cipher.encrypt_block(&mut block);
        block[0] & 0x80 != 0
    }

    /// `addr` (4 or 16 bytes, network order) anonymised in place.
    pub fn anonymize(&self, addr: &mut [u8]) {
        let total = addr.len() * 8;
        let flips: Vec<bool> = (0..total).map(|pos| self.bit(addr, pos)).collect();
        for (pos, flip) in flips.into_iter().enumerate() {
            if flip {
                if let Some(b) = addr.get_mut(pos / 8) {
                    *b ^= 0x80 >> (pos % 8);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    /// The key and sample of the reference implementation's sample trace
    /// (sample_trace_raw.dat → sample_trace_sanitized.dat).
    const KEY: [u8; 32] = [
        21, 34, 23, 141, 51, 164, 207, 128, 19, 10, 91, 22, 73, 144, 125, 16, 216, 152, 143, 131,
        121, 121, 101, 39, 98, 87, 76, 45, 42, 132, 34, 2,
    ];
    const SAMPLE: [(&str, &str); 8] = [
        ("128.11.68.132", "135.242.180.132"),
        ("129.118.74.4", "134.136.186.123"),
        ("130.132.252.244", "133.68.164.234"),
        ("141.223.7.43", "141.167.8.160"),
        ("141.233.145.108", "141.129.237.235"),
        ("152.163.225.39", "151.140.114.167"),
        ("156.29.3.236", "147.225.12.42"),
        ("192.102.249.13", "252.138.62.131"),
    ];

    #[test]
    fn reference_sample() {
        let pan = CryptoPan::new(&KEY);
        for (raw, sanitized) in SAMPLE {
            let mut a = raw.parse::<Ipv4Addr>().unwrap().octets();
            pan.anonymize(&mut a);
            assert_eq!(Ipv4Addr::from(a).to_string(), sanitized, "{raw}");
        }
    }

    #[test]
    fn prefixes_are_preserved() {
        let pan = CryptoPan::new(&KEY);
        let mut a = [10, 1, 2, 3];
        let mut b = [10, 1, 2, 200];
        let mut c = [10, 1, 3, 3];
        pan.anonymize(&mut a);
        pan.anonymize(&mut b);
        pan.anonymize(&mut c);
        assert_eq!(a[..3], b[..3], "same /24");
        assert_ne!(a[..3], c[..3]);
        assert_eq!(a[..2], c[..2], "same /16");
        let mut v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        let orig = v6;
        pan.anonymize(&mut v6);
        assert_ne!(v6, orig);
    }
}
