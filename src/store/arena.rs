//! The live store's packet bytes: an append-only byte arena cut into segments, so the
//! oldest packets can be evicted a segment at a time (no copying of what stays) when the
//! store reaches its limit. Entries address bytes by a virtual offset that keeps growing;
//! a segment knows the virtual offset of its first byte.

use std::collections::VecDeque;

struct Segment {
    start: u64,
    bytes: Vec<u8>,
}

#[derive(Default)]
pub struct Arena {
    segments: VecDeque<Segment>,
    /// Virtual offset of the next byte appended.
    next: u64,
    /// Bytes held in all segments.
    held: usize,
    /// Capacity of a new segment (a batch larger than this gets a segment of its own).
    segment_size: usize,
}

impl Arena {
    pub fn new(segment_size: usize) -> Arena {
        Arena {
            segment_size: segment_size.max(1),
            ..Arena::default()
        }
    }

    pub fn held(&self) -> usize {
        self.held
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Appends `bytes` contiguously and returns the virtual offset of their first byte.
    pub fn push(&mut self, bytes: &[u8]) -> u64 {
        let fits = self
            .segments
            .back()
            .is_some_and(|s| s.bytes.len() + bytes.len() <= s.bytes.capacity());
        if !fits {
            let v = Vec::with_capacity(self.segment_size.max(bytes.len()));
            self.segments.push_back(Segment {
                start: self.next,
                bytes: v,
            });
        }
        let at = self.next;
        if let Some(last) = self.segments.back_mut() {
            last.bytes.extend_from_slice(bytes);
        }
        self.next += bytes.len() as u64;
        self.held += bytes.len();
        at
    }

    /// Drops the oldest segment; returns the virtual offset just past it (every byte
    /// below it is gone).
    pub fn pop_front(&mut self) -> Option<u64> {
        let seg = self.segments.pop_front()?;
        self.held -= seg.bytes.len();
        Some(seg.start + seg.bytes.len() as u64)
    }

    /// The `len` bytes at virtual offset `at`, if still held.
    pub fn get(&self, at: u64, len: usize) -> Option<&[u8]> {
        let i = self
            .segments
            .partition_point(|s| s.start <= at)
            .checked_sub(1)?;
        let seg = &self.segments[i];
        let from = usize::try_from(at - seg.start).ok()?;
        seg.bytes.get(from..from.checked_add(len)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_evict_oldest_and_addresses_stay_valid() {
        let mut a = Arena::new(8);
        let x = a.push(b"abcdef");
        let y = a.push(b"ghij");
        let z = a.push(b"0123456789ab");
        assert_eq!((x, y, z), (0, 6, 10));
        assert_eq!(a.get(y, 4), Some(&b"ghij"[..]));
        assert_eq!(a.get(z + 10, 2), Some(&b"ab"[..]));
        assert_eq!(a.held(), 22);
        assert_eq!(a.pop_front(), Some(6));
        assert_eq!(a.get(x, 6), None);
        assert_eq!(a.get(y, 4), Some(&b"ghij"[..]));
        assert_eq!(a.held(), 16);
    }
}
