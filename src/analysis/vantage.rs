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
//! and at most [`MAX_WAITING`] sightings wait at once (a capture whose sources never see
//! the same segments pairs nothing and must not grow without end, nor slow down).

use std::collections::VecDeque;
use std::net::IpAddr;

use super::hash::FxHashMap;
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
/// The most sightings waiting at once: 100 ms of a 300k packets/s link, and small enough
/// for the table to stay in cache (on a capture whose segments never pair, every lookup
/// would otherwise miss it: merging was 35% slower with 200,000).
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

/// The sightings of one key still waiting, oldest first. Almost every key is seen once per
/// vantage point, so one sighting is kept inline (no allocation per segment).
#[derive(Debug)]
enum Waiting {
    One(Sighting),
    Many(VecDeque<Sighting>),
}

/// Identical copies of one segment kept waiting at most (a flood of identical segments
/// must not make each lookup a long scan); beyond it the oldest is dropped.
const MAX_COPIES: usize = 8;

/// Pairs sightings of the same segment on different interfaces, in capture order.
#[derive(Debug, Default)]
pub struct VantageMatcher {
    waiting: FxHashMap<SegmentKey, Waiting>,
    /// Every waiting sighting's key, oldest first (for expiry).
    order: VecDeque<(i64, SegmentKey)>,
    count: usize,
}

impl VantageMatcher {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `seen`; when an earlier sighting of `key` on another interface is waiting,
    /// pairs with the oldest one and returns it (this sighting is the arrival).
    pub fn observe(&mut self, key: SegmentKey, seen: Sighting) -> Option<Pair> {
        self.expire(seen.ts_ns);
        let pair = |departure: Sighting| Pair {
            departure,
            delay_ns: seen.ts_ns.saturating_sub(departure.ts_ns),
        };
        match self.waiting.get_mut(&key) {
            None => {
                self.waiting.insert(key, Waiting::One(seen));
            }
            Some(Waiting::One(first)) if first.interface != seen.interface => {
                let departure = *first;
                self.waiting.remove(&key);
                self.count = self.count.saturating_sub(1);
                return Some(pair(departure));
            }
            Some(slot @ Waiting::One(_)) => {
                let Waiting::One(first) = *slot else {
                    return None;
                };
                *slot = Waiting::Many(VecDeque::from([first, seen]));
            }
            Some(Waiting::Many(queue)) => {
                if let Some(at) = queue.iter().position(|s| s.interface != seen.interface) {
                    let departure = queue.remove(at)?;
                    self.count = self.count.saturating_sub(1);
                    if queue.is_empty() {
                        self.waiting.remove(&key);
                    }
                    return Some(pair(departure));
                }
                if queue.len() >= MAX_COPIES {
                    queue.pop_front();
                    self.count = self.count.saturating_sub(1);
                }
                queue.push_back(seen);
            }
        }
        self.order.push_back((seen.ts_ns, key));
        self.count += 1;
        None
    }

    /// Sightings still waiting for their pair.
    pub fn waiting(&self) -> usize {
        self.count
    }

    /// Drops sightings older than the window, and the oldest beyond the cap.
    fn expire(&mut self, now: i64) {
        while let Some(&(ts, key)) = self.order.front() {
            let too_old = now.saturating_sub(ts) > PAIR_WINDOW;
            if !too_old && self.count < MAX_WAITING {
                break;
            }
            self.order.pop_front();
            // The key's oldest sighting is this one unless it was paired (or dropped)
            // already: then the key's queue starts later, or is gone.
            let emptied = match self.waiting.get_mut(&key) {
                Some(Waiting::One(first)) if first.ts_ns <= ts => true,
                Some(Waiting::Many(queue)) => {
                    if queue.front().is_some_and(|s| s.ts_ns <= ts) {
                        queue.pop_front();
                        self.count = self.count.saturating_sub(1);
                    }
                    queue.is_empty()
                }
                _ => false,
            };
            if emptied {
                if matches!(self.waiting.get(&key), Some(Waiting::One(_))) {
                    self.count = self.count.saturating_sub(1);
                }
                self.waiting.remove(&key);
            }
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
}
