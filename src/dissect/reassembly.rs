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
}

impl Reassembler {
    /// Adds a segment in sequence. Returns the bytes to parse (an incomplete PDU's earlier
    /// bytes, then this segment's) and how many came from earlier segments. A segment that
    /// does not continue the pending bytes (a gap or an overlap) starts afresh.
    pub fn push(&mut self, segment: Segment<'_>, budget: &mut Budget) -> (Vec<u8>, usize) {
        let continues = !self.pending.is_empty() && self.next_seq == Some(segment.seq);
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

    /// Keeps `rest`, the start of a PDU that needs more segments, if the bounds allow.
    pub fn keep(&mut self, rest: &[u8], budget: &mut Budget) {
        budget.held = budget.held.saturating_sub(self.pending.len());
        self.pending.clear();
        if rest.len() <= MAX_PDU && budget.held + rest.len() <= MAX_TOTAL {
            self.pending.extend_from_slice(rest);
            budget.held += rest.len();
        }
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
        r.keep(b"bc", &mut budget);
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
        r.keep(b"bcde", &mut budget);
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
    fn bounded_per_pdu_and_in_total() {
        let mut budget = Budget::default();
        let mut r = Reassembler::default();
        r.keep(&vec![0u8; MAX_PDU + 1], &mut budget);
        assert_eq!(r.pending(), 0);
        let mut many: Vec<Reassembler> = (0..(MAX_TOTAL / MAX_PDU) + 2)
            .map(|_| Reassembler::default())
            .collect();
        let chunk = vec![0u8; MAX_PDU];
        for r in &mut many {
            r.keep(&chunk, &mut budget);
        }
        assert!(budget.held() <= MAX_TOTAL);
        assert_eq!(many.iter().filter(|r| r.pending() == 0).count(), 2);
    }
}
