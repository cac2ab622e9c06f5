//! Wireshark's bit pictures: `.... ..1. = Syn: Set` shows which bits of a word hold a field.

use crate::field::ByteRange;

/// The picture of the masked bits of the 1-4 byte big-endian word `range` covers.
pub(crate) fn bit_picture(data: &[u8], range: &ByteRange) -> Option<String> {
    let word = word(data, range.start as usize, range.len as usize)?;
    Some(picture(word, range.len as usize * 8, u64::from(range.mask)))
}

/// The big-endian word of `len` (1-8) bytes at `start`.
pub(crate) fn word(data: &[u8], start: usize, len: usize) -> Option<u64> {
    let bytes = data.get(start..start.checked_add(len)?)?;
    if bytes.is_empty() || bytes.len() > 8 {
        return None;
    }
    Some(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

/// The low `bits` bits of `word`, most significant first, `.` outside `mask`, a space
/// every four bits.
pub(crate) fn picture(word: u64, bits: usize, mask: u64) -> String {
    let mut out = String::with_capacity(bits + bits / 4);
    for i in (0..bits.min(64)).rev() {
        let bit = 1u64 << i;
        out.push(if mask & bit == 0 {
            '.'
        } else if word & bit != 0 {
            '1'
        } else {
            '0'
        });
        if i % 4 == 0 && i != 0 {
            out.push(' ');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_as_wireshark_draws_them() {
        assert_eq!(picture(0x45, 8, 0xf0), "0100 ....");
        assert_eq!(picture(0x002, 12, 0x002), ".... .... ..1.");
        assert_eq!(picture(0x4000, 16, 0x1fff), "...0 0000 0000 0000");
        assert_eq!(
            bit_picture(&[0x45], &ByteRange::bits(0, 1, 0x0f)).unwrap(),
            ".... 0101"
        );
        assert_eq!(bit_picture(&[0x45], &ByteRange::bits(0, 2, 0x0f)), None);
    }
}
