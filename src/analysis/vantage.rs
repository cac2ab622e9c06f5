//! Two vantage points on one TCP connection: a merged capture of the client's side and the
//! server's side sees every segment twice — leaving one host, arriving at the other. This
//! pairs the two sightings, so the arriving copy can say when the segment left and how long
//! it took (`sockeye.vantage.delay`, the one-way delay).
//!
//! What identifies a segment: the 5-tuple, the raw sequence and acknowledgment numbers,
//! the TCP payload length, the flags and (IPv4) the IP ID. Assumed: no NAT between the two
//! vantage points (addresses and ports are the same at both), and one clock for both
//! captures (true for namespaces on one host; across machines the delay is only as good as
//! their clock sync, and a negative delay shows the skew).
//!
//! Duplicates: a retransmission usually differs in its IP ID (Linux counts per socket);
//! where copies are identical (IPv6, an IP ID of 0), the k-th sighting on the receiving
//! side is paired with the k-th unpaired sighting on the other side, oldest first — so a
//! copy lost on the way leaves an unpaired departure rather than shifting every pair.
//!
//! Memory is bounded: a sighting waits for its pair at most [`PAIR_WINDOW`] of capture time
//! and while fewer than [`MAX_WAITING`] TCP sightings came after it (a capture whose
//! sources never see the same segments pairs nothing and must not grow without end, nor
//! slow down).

use std::collections::VecDeque;
use std::net::IpAddr;

use crate::field::FieldId;

/// The fields the pairing produces: a consumer that reads none of them (a `-T fields`
/// without them, summary lines, `-q`) need not pay for it.
pub const FIELDS: [FieldId; 3] = [
    FieldId::SockeyeVantageDelay,
    FieldId::SockeyeVantageDeparture,
    FieldId::SockeyeVantageDepartureInterface,
];

/// How long (capture time) a sighting waits for its pair: far above a one-way delay.
pub const PAIR_WINDOW: i64 = 2_000_000_000;
/// The most TCP sightings a sighting waits behind: 100 ms of a 300k packets/s link, and
/// small enough for the tables to stay in cache (on a capture whose segments never pair,
/// every lookup would otherwise miss it: merging was 35% slower with 200,000).
pub const MAX_WAITING: usize = 32_768;

/// What identifies one TCP segment at both vantage points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SegmentKey {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub len: u32,
    pub flags: u16,
    /// IPv4 identification; `None` for IPv6.
    pub ip_id: Option<u16>,
}

/// One sighting of a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sighting {
    pub frame: u64,
    pub ts_ns: i64,
    /// The interface (vantage point) it was captured on.
    pub interface: u32,
}

/// A segment's arrival paired with its departure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub departure: Sighting,
    /// Arrival time minus departure time.
    pub delay_ns: i64,
}

/// Identical copies of one segment kept waiting at most (a flood of identical segments
/// must not make each lookup a long scan); beyond it the oldest is dropped.
const MAX_COPIES: usize = 8;

/// Buckets of the index: twice the most sightings waiting, a power of two.
const BUCKETS: usize = 2 * MAX_WAITING;
/// "No sighting" in the index and the chains.
const END: u32 = u32::MAX;
/// Links hold a sighting's sequence number modulo this (never [`END`]); the ring's
/// sightings span far less, so a link is unambiguous.
const LINK_MASK: u64 = 0x7FFF_FFFF;

/// One waiting sighting, in the order they were seen.
#[derive(Debug, Clone, Copy)]
struct Slot {
    key: SegmentKey,
    bucket: u32,
    seen: Sighting,
    /// The next (younger) waiting sighting in the same bucket, or [`END`].
    next: u32,
    /// Still waiting (not paired, not dropped).
    alive: bool,
}

/// Pairs sightings of the same segment on different interfaces, in capture order.
///
/// Hand-written rather than a map from key to a queue of sightings: every TCP packet of a
/// merge goes through here (most of them, in a merge of unrelated captures, never pair),
/// so the structure is one ring of sightings in capture order — which is also the expiry
/// order — and a direct-mapped index (256 KiB, cache-resident) from each bucket of key
/// hashes to its oldest waiting sighting; the sightings of one bucket (copies of one
/// segment, or other keys) are chained oldest first through the ring and told apart by
/// their whole key. A packet costs one hash of its key, an index read and write, and no
/// allocation; a hostile capture that fills one bucket makes lookups longer, never wrong.
#[derive(Debug, Default)]
pub struct VantageMatcher {
    /// Sightings, oldest first; `slots[0]` has sequence number `base`.
    slots: VecDeque<Slot>,
    base: u64,
    /// The oldest waiting sighting of each bucket (a link), allocated on first use.
    heads: Vec<u32>,
    count: usize,
    /// log2 of the bucket count; 0 = the usual [`BUCKETS`] (tests use a few, so that
    /// chains mix keys).
    bucket_bits: u32,
}

/// The bucket of `key` among `1 << bits`: the top bits of its FxHash over the key's words.
fn bucket(key: &SegmentKey, bits: u32) -> u32 {
    use std::hash::Hasher as _;
    let mut h = super::hash::FxHasher::default();
    let mut addr = |a: IpAddr| match a {
        IpAddr::V4(v4) => h.write_u64(u64::from(u32::from(v4))),
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            h.write_u64(bits as u64 ^ 1);
            h.write_u64((bits >> 64) as u64);
        }
    };
    addr(key.src);
    addr(key.dst);
    h.write_u64(u64::from(key.src_port) << 48 | u64::from(key.dst_port) << 32 | u64::from(key.seq));
    h.write_u64(u64::from(key.ack) << 32 | u64::from(key.len));
    h.write_u64(u64::from(key.flags) << 32 | key.ip_id.map_or(1 << 16, u64::from));
    (h.finish() >> (64 - bits)) as u32
}

impl VantageMatcher {
    pub fn new() -> Self {
        Self::default()
    }

    fn link(seq: u64) -> u32 {
        (seq & LINK_MASK) as u32
    }

    /// The ring position `link` names, if it names a sighting still in the ring.
    fn position(&self, link: u32) -> Option<usize> {
        if link == END {
            return None;
        }
        let offset = u64::from(link).wrapping_sub(self.base) & LINK_MASK;
        usize::try_from(offset)
            .ok()
            .filter(|&at| at < self.slots.len())
    }

    fn head(&self, bucket: u32) -> u32 {
        self.heads.get(bucket as usize).copied().unwrap_or(END)
    }

    fn set_head(&mut self, bucket: u32, link: u32) {
        if let Some(head) = self.heads.get_mut(bucket as usize) {
            *head = link;
        }
    }

    /// Takes the sighting at ring position `at` out of its bucket's chain (`prev` is the
    /// position of the one before it, if any).
    fn unlink(&mut self, prev: Option<usize>, at: usize) {
        let Some(slot) = self.slots.get_mut(at) else {
            return;
        };
        slot.alive = false;
        let (next, bucket) = (slot.next, slot.bucket);
        self.count = self.count.saturating_sub(1);
        match prev.and_then(|p| self.slots.get_mut(p)) {
            Some(before) => before.next = next,
            None => self.set_head(bucket, next),
        }
    }

    /// Records `seen`; when an earlier sighting of `key` on another interface is waiting,
    /// pairs with the oldest one and returns it (this sighting is the arrival).
    pub fn observe(&mut self, key: SegmentKey, seen: Sighting) -> Option<Pair> {
        if self.heads.is_empty() {
            if self.bucket_bits == 0 {
                self.bucket_bits = BUCKETS.trailing_zeros();
            }
            self.heads = vec![END; 1 << self.bucket_bits];
        }
        self.expire(seen.ts_ns);
        let bucket = bucket(&key, self.bucket_bits);
        // Walk the bucket's chain, oldest first.
        let mut prev = None;
        let mut cursor = self.position(self.head(bucket));
        let mut copies = 0;
        let mut oldest_copy = None;
        while let Some(at) = cursor {
            let Some(slot) = self.slots.get(at).copied() else {
                break;
            };
            if slot.key == key {
                if slot.seen.interface != seen.interface {
                    self.unlink(prev, at);
                    return Some(Pair {
                        departure: slot.seen,
                        delay_ns: seen.ts_ns.saturating_sub(slot.seen.ts_ns),
                    });
                }
                copies += 1;
                oldest_copy.get_or_insert((prev, at));
            }
            prev = Some(at);
            cursor = self.position(slot.next);
        }
        let mut tail = prev;
        if copies >= MAX_COPIES {
            if let Some((before, oldest)) = oldest_copy {
                self.unlink(before, oldest);
                if tail == Some(oldest) {
                    tail = before;
                }
            }
        }
        let link = Self::link(self.base + self.slots.len() as u64);
        self.slots.push_back(Slot {
            key,
            bucket,
            seen,
            next: END,
            alive: true,
        });
        match tail.and_then(|t| self.slots.get_mut(t)) {
            Some(last) => last.next = link,
            None => self.set_head(bucket, link),
        }
        self.count += 1;
        None
    }

    /// Sightings still waiting for their pair.
    pub fn waiting(&self) -> usize {
        self.count
    }

    /// Drops paired sightings from the front of the ring, and the oldest waiting ones
    /// beyond the window or the cap. The oldest waiting sighting is the first of its
    /// bucket's chain (chains run oldest first), so it leaves the index from its head.
    fn expire(&mut self, now: i64) {
        while let Some(front) = self.slots.front().copied() {
            let too_old = now.saturating_sub(front.seen.ts_ns) > PAIR_WINDOW;
            if front.alive && !too_old && self.slots.len() < MAX_WAITING {
                break;
            }
            if front.alive {
                self.unlink(None, 0);
            }
            self.slots.pop_front();
            self.base += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seq: u32, ip_id: Option<u16>) -> SegmentKey {
        SegmentKey {
            src: IpAddr::from([10, 0, 0, 1]),
            dst: IpAddr::from([10, 0, 0, 2]),
            src_port: 40000,
            dst_port: 80,
            seq,
            ack: 1,
            len: 100,
            flags: 0x18,
            ip_id,
        }
    }

    fn seen(frame: u64, ts_ns: i64, interface: u32) -> Sighting {
        Sighting {
            frame,
            ts_ns,
            interface,
        }
    }

    #[test]
    fn the_second_sighting_on_another_interface_pairs() {
        let mut m = VantageMatcher::new();
        assert_eq!(m.observe(key(1, Some(7)), seen(1, 1_000, 0)), None);
        let pair = m.observe(key(1, Some(7)), seen(2, 1_250, 1)).unwrap();
        assert_eq!(pair.departure.frame, 1);
        assert_eq!(pair.delay_ns, 250);
        assert_eq!(m.waiting(), 0);
    }

    #[test]
    fn the_same_interface_never_pairs_with_itself() {
        let mut m = VantageMatcher::new();
        assert_eq!(m.observe(key(1, None), seen(1, 1_000, 0)), None);
        assert_eq!(m.observe(key(1, None), seen(2, 1_100, 0)), None);
        assert_eq!(m.waiting(), 2);
    }

    #[test]
    fn identical_copies_pair_oldest_first() {
        // A retransmission identical to the original (IPv6: no IP ID): both copies arrive.
        let mut m = VantageMatcher::new();
        m.observe(key(1, None), seen(1, 1_000, 0));
        m.observe(key(1, None), seen(2, 5_000, 0));
        assert_eq!(
            m.observe(key(1, None), seen(3, 1_300, 1))
                .unwrap()
                .departure
                .frame,
            1
        );
        assert_eq!(
            m.observe(key(1, None), seen(4, 5_200, 1)).unwrap().delay_ns,
            200
        );
    }

    #[test]
    fn a_retransmission_with_a_new_ip_id_is_its_own_segment() {
        let mut m = VantageMatcher::new();
        m.observe(key(1, Some(7)), seen(1, 1_000, 0));
        m.observe(key(1, Some(8)), seen(2, 9_000, 0));
        let pair = m.observe(key(1, Some(8)), seen(3, 9_100, 1)).unwrap();
        assert_eq!(pair.departure.frame, 2);
        assert_eq!(m.waiting(), 1, "the lost original still waits");
    }

    #[test]
    fn a_flood_of_identical_copies_keeps_only_the_latest() {
        let mut m = VantageMatcher::new();
        for i in 0..1000 {
            m.observe(key(1, None), seen(i, i as i64, 0));
        }
        assert_eq!(m.waiting(), MAX_COPIES);
        let pair = m.observe(key(1, None), seen(2000, 5_000, 1)).unwrap();
        assert_eq!(pair.departure.frame, 1000 - MAX_COPIES as u64);
    }

    #[test]
    fn old_sightings_expire() {
        let mut m = VantageMatcher::new();
        m.observe(key(1, Some(1)), seen(1, 0, 0));
        assert_eq!(
            m.observe(key(1, Some(1)), seen(2, PAIR_WINDOW + 1, 1)),
            None
        );
        assert_eq!(m.waiting(), 1);
    }

    #[test]
    fn a_sighting_waits_behind_at_most_the_cap() {
        let mut m = VantageMatcher::new();
        m.observe(key(1, Some(1)), seen(0, 0, 0));
        for i in 1..MAX_WAITING as u64 {
            m.observe(key(2, Some(i as u16)), seen(i, 1, 0));
        }
        assert_eq!(m.waiting(), MAX_WAITING);
        assert_eq!(m.observe(key(1, Some(1)), seen(1 << 20, 2, 1)), None);
        assert_eq!(m.waiting(), MAX_WAITING);
    }

    /// The matcher against the plainest model of its rules (a list scanned front to back)
    /// on long pseudo-random runs with few distinct keys, three interfaces, copies,
    /// expiry by time and by the cap: every answer and the waiting count agree.
    #[test]
    fn agrees_with_a_list_scanned_in_order() {
        struct Model {
            ring: VecDeque<(SegmentKey, Sighting, bool)>,
        }
        impl Model {
            fn observe(&mut self, key: SegmentKey, seen: Sighting, cap: usize) -> Option<Pair> {
                while let Some(&(_, front, alive)) = self.ring.front() {
                    let too_old = seen.ts_ns - front.ts_ns > PAIR_WINDOW;
                    if alive && !too_old && self.ring.len() < cap {
                        break;
                    }
                    self.ring.pop_front();
                }
                let found = self
                    .ring
                    .iter_mut()
                    .find(|(k, s, alive)| *alive && *k == key && s.interface != seen.interface);
                if let Some((_, departure, alive)) = found {
                    *alive = false;
                    return Some(Pair {
                        departure: *departure,
                        delay_ns: seen.ts_ns - departure.ts_ns,
                    });
                }
                let same = |(k, s, alive): &&mut (SegmentKey, Sighting, bool)| {
                    *alive && *k == key && s.interface == seen.interface
                };
                if self.ring.iter_mut().filter(same).count() >= MAX_COPIES {
                    if let Some(oldest) = self.ring.iter_mut().find(same) {
                        oldest.2 = false;
                    }
                }
                self.ring.push_back((key, seen, true));
                None
            }
            fn waiting(&self) -> usize {
                self.ring.iter().filter(|e| e.2).count()
            }
        }
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        // The usual index, and one of two buckets where every chain mixes keys.
        let mut matcher = VantageMatcher::new();
        let mut crowded = VantageMatcher {
            bucket_bits: 1,
            ..VantageMatcher::new()
        };
        let mut model = Model {
            ring: VecDeque::new(),
        };
        let mut ts = 0i64;
        for frame in 0..10_000u64 {
            // Mostly small steps; now and then a jump past the window.
            ts += if next(200) == 0 {
                PAIR_WINDOW
            } else {
                next(40_000) as i64
            };
            let ip_id = match next(3) {
                0 => None,
                n => Some(n as u16),
            };
            let k = key(next(40) as u32, ip_id);
            let seen = seen(frame, ts, next(3) as u32);
            let want = model.observe(k, seen, MAX_WAITING);
            assert_eq!(matcher.observe(k, seen), want, "frame {frame}");
            assert_eq!(crowded.observe(k, seen), want, "frame {frame}, two buckets");
            assert_eq!(matcher.waiting(), model.waiting(), "frame {frame}");
            assert_eq!(crowded.waiting(), model.waiting(), "frame {frame}");
        }
    }
}
