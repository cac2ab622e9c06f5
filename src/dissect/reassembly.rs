//! TCP reassembly for application PDUs, as tshark does it by default: the bytes of a PDU
//! that did not fit in one segment wait here until the segment that completes it arrives;
//! that frame gets the whole PDU, the earlier ones say `[TCP segment of a reassembled PDU]`.
//!
//! Streaming and bounded. Only the incomplete tail of each direction is held (never whole
//! streams), a PDU larger than [`MAX_PDU`] is given up (its segments then show as data),
//! and all directions together hold at most [`MAX_TOTAL`]: a capture with thousands of
//! stalled connections must not grow memory without end. tshark has no such bound; PDUs
//! over 2 MiB (large downloads) are where sockeye stops agreeing with it.

/// Largest PDU reassembled.
pub const MAX_PDU: usize = 2 * 1024 * 1024;
/// Most bytes held for incomplete PDUs across all streams.
pub const MAX_TOTAL: usize = 64 * 1024 * 1024;

/// One segment's payload and its raw sequence number.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    pub seq: u32,
    pub bytes: &'a [u8],
}

/// Bytes held across all reassemblers.
#[derive(Debug, Default)]
pub struct Budget {
    held: usize,
}

impl Budget {
    pub fn held(&self) -> usize {
        self.held
    }
}

/// One direction of one TCP stream.
#[derive(Debug, Default)]
pub struct Reassembler {
    pending: Vec<u8>,
    /// The sequence number that continues `pending`.
    next_seq: Option<u32>,
    /// The pending PDU's whole length, when its header said it.
    need: Option<usize>,
}

impl Reassembler {
    /// Adds a segment in sequence. Returns the bytes to parse (an incomplete PDU's earlier
    /// bytes, then this segment's) and how many came from earlier segments. A segment that
    /// does not continue the pending bytes (a gap or an overlap) starts afresh.
    pub fn push(&mut self, segment: Segment<'_>, budget: &mut Budget) -> (Vec<u8>, usize) {
        let continues = !self.pending.is_empty() && self.next_seq == Some(segment.seq);
        if !continues {
            self.need = None;
        }
        budget.held = budget.held.saturating_sub(self.pending.len());
        let mut data = std::mem::take(&mut self.pending);
        if !continues {
            data.clear();
        }
        let carried = data.len();
        data.extend_from_slice(segment.bytes);
        self.next_seq = Some(segment.seq.wrapping_add(segment.bytes.len() as u32));
        (data, carried)
    }

    /// Keeps `data[from..]`, the start of a PDU that needs more segments, if the bounds
    /// allow; `need` is its whole length when known. Moves the buffer (no copy of what was
    /// already held: a PDU of n segments costs O(n), not O(n²)).
    pub fn keep(
        &mut self,
        mut data: Vec<u8>,
        from: usize,
        need: Option<usize>,
        budget: &mut Budget,
    ) {
        budget.held = budget.held.saturating_sub(self.pending.len());
        self.pending.clear();
        data.drain(..from.min(data.len()));
        let fits = data.len() <= MAX_PDU
            && need.is_none_or(|n| n <= MAX_PDU)
            && budget.held + data.len() <= MAX_TOTAL;
        if fits {
            budget.held += data.len();
            self.pending = data;
            self.need = need;
        } else {
            self.need = None;
        }
    }

    /// Gives up the pending bytes (the stream is gone) and returns them to the budget.
    pub fn release(&mut self, budget: &mut Budget) {
        budget.held = budget.held.saturating_sub(self.pending.len());
        self.pending = Vec::new();
        self.next_seq = None;
        self.need = None;
    }

    /// Whether `data` (the pending bytes and a new segment) is still short of the pending
    /// PDU's known length: no need to parse it again yet.
    pub fn still_short(&self, data: &[u8], carried: usize) -> bool {
        carried > 0 && self.need.is_some_and(|need| data.len() < need)
    }

    /// The pending PDU's whole length, when known.
    pub fn need(&self) -> Option<usize> {
        self.need
    }

    /// Bytes waiting for the rest of their PDU.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continues_in_sequence_and_restarts_on_gaps() {
        let mut budget = Budget::default();
        let mut r = Reassembler::default();
        let (data, carried) = r.push(
            Segment {
                seq: 100,
                bytes: b"abc",
            },
            &mut budget,
        );
        assert_eq!((data.as_slice(), carried), (&b"abc"[..], 0));
        r.keep(b"abc".to_vec(), 1, None, &mut budget);
        assert_eq!(budget.held(), 2);
        let (data, carried) = r.push(
            Segment {
                seq: 103,
                bytes: b"de",
            },
            &mut budget,
        );
        assert_eq!((data.as_slice(), carried), (&b"bcde"[..], 2));
        assert_eq!(budget.held(), 0);
        r.keep(data, 0, Some(10), &mut budget);
        assert!(r.still_short(b"bcdefgh", 4));
        // A gap: the pending bytes are dropped, not glued to unrelated data.
        let (data, carried) = r.push(
            Segment {
                seq: 900,
                bytes: b"x",
            },
            &mut budget,
        );
        assert_eq!((data.as_slice(), carried), (&b"x"[..], 0));
        assert_eq!(budget.held(), 0);
    }

    #[test]
    fn release_returns_the_bytes_to_the_budget() {
        let mut budget = Budget::default();
        let mut r = Reassembler::default();
        r.keep(b"abcdef".to_vec(), 2, Some(10), &mut budget);
        assert_eq!(budget.held(), 4);
        r.release(&mut budget);
        assert_eq!((budget.held(), r.pending(), r.need()), (0, 0, None));
    }

    #[test]
    fn bounded_per_pdu_and_in_total() {
        let mut budget = Budget::default();
        let mut r = Reassembler::default();
        r.keep(vec![0u8; MAX_PDU + 1], 0, None, &mut budget);
        assert_eq!(r.pending(), 0);
        let mut many: Vec<Reassembler> = (0..(MAX_TOTAL / MAX_PDU) + 2)
            .map(|_| Reassembler::default())
            .collect();
        let chunk = vec![0u8; MAX_PDU];
        for r in &mut many {
            r.keep(chunk.clone(), 0, None, &mut budget);
        }
        assert!(budget.held() <= MAX_TOTAL);
        assert_eq!(many.iter().filter(|r| r.pending() == 0).count(), 2);
    }
}
