//! The two-vantage ladder model: one TCP connection captured at both ends of a link (a
//! merge of the client side's and the server side's captures), drawn as a propagation-
//! delay diagram. Each capture is a time axis of its own — the client's vantage point on
//! the left, the server's on the right — and each segment is one sloped arrow from the
//! row where it left one side to the row where it reached the other, labelled with the
//! one-way delay between them.
//!
//! Which copy departed and which arrived is the pipeline's pairing (`sockeye.vantage.*`,
//! kept in the store's facts): this model only places what the dissections say, it never
//! matches segments itself.

use std::net::SocketAddr;

use crate::analysis::vantage::Pair;
use crate::analysis::{AnalysisFlags, Role};
use crate::endpoints::events::SocketEvent;
use crate::store::{Kind, Store, StreamPackets};
use crate::teach::ladder::{LabelState, Stage};

/// Sightings after the rows shown that are looked at for the arrivals of the rows'
/// departures (a lookup each, no decoding): far more than the segments one side has in
/// flight on a lab link, so a departure whose arrival is not among them was not seen
/// arriving.
const LOOKAHEAD: usize = 512;

/// One sighting of a segment: a row of the ladder, on the time axis of the side that saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SightingRow {
    /// Packet index (0-based) in the capture.
    pub index: usize,
    pub rel_ns: i64,
    /// Seen by the left (client side) vantage point; else by the right one.
    pub left: bool,
    /// Neither a paired departure nor a paired arrival: seen at one vantage point only.
    pub alone: bool,
}

/// A socket call of the built-in endpoints (or a traced program) on the connection, on the
/// lifeline of the side that made it: `connect()` on the client's before its SYN leaves,
/// `accept() returned` on the server's after the handshake's last ACK arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow {
    /// Where it goes on the time axis (see [`crate::endpoints::events::SocketEvent::placed_at`]).
    pub rel_ns: i64,
    /// Made on the left (client) side.
    pub left: bool,
    pub text: String,
}

/// One segment crossing the link: from the row it left on to the row it arrived on. Rows
/// count from the first row shown and may lie outside them (the arrow is cut at the edge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossing {
    pub from_row: isize,
    pub to_row: isize,
    /// Left (client side) to right.
    pub rightwards: bool,
    /// Packet indices of the departing and the arriving copy.
    pub departure: usize,
    pub arrival: usize,
    pub departed_ns: i64,
    pub arrived_ns: i64,
    /// `sockeye.vantage.delay`: arrival time minus departure time.
    pub delay_ns: i64,
    /// `[SYN] Seq=0 Len=0`, as every ladder writes it.
    pub label: String,
    pub stage: Option<Stage>,
    /// The departing copy's analysis verdicts.
    pub flags: AnalysisFlags,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VantageLadder {
    pub stream: u32,
    /// The connection's ends (`SocketAddr` text).
    pub client: String,
    pub server: String,
    /// The two vantage points (`frame.interface_name`, else `#id`).
    pub left_name: String,
    pub right_name: String,
    /// Sightings of the connection visible so far.
    pub total: usize,
    /// Position of `rows[0]` among them.
    pub first: usize,
    pub rows: Vec<SightingRow>,
    /// Crossings with an end among the rows shown, or passing them, by departure.
    pub crossings: Vec<Crossing>,
    /// The socket calls made on the connection while the rows shown happened (the first
    /// rows also take the calls before them), in placement order.
    pub calls: Vec<CallRow>,
}

impl VantageLadder {
    /// The crossing packet `index` took part in, as its departure or its arrival.
    pub fn crossing_of(&self, index: usize) -> Option<&Crossing> {
        self.crossings
            .iter()
            .find(|c| c.departure == index || c.arrival == index)
    }
}

impl super::App {
    /// Opens on the two-vantage ladder at the first segment seen at both ends of the link,
    /// once the store has paired it: its departing copy selected, as a teacher would pick
    /// it (`lab run --capture both`). A capture without any pair says so when indexed.
    /// Returns whether the screen changed.
    pub(super) fn open_first_crossing(&mut self) -> bool {
        if !self.opening_crossing {
            return false;
        }
        let store = std::sync::Arc::clone(&self.store);
        let store = crate::store::lock(&store);
        match store.first_crossing() {
            Some(departure) if departure < self.visible => {
                self.opening_crossing = false;
                self.selected = departure;
                self.follow_tail = false;
                self.view = super::View::Ladder;
                true
            }
            None if store.done => {
                self.opening_crossing = false;
                self.message = Some("no segment was seen at both vantage points".into());
                true
            }
            _ => false,
        }
    }
}

/// The two-vantage ladder of the TCP connection of packet `selected` (`height` rows around
/// it, only packets below `visible`), when the pipeline paired sightings of that connection
/// near those rows; `None` for a connection seen from one vantage point (the one-capture
/// ladder draws it). The socket calls among `events` made on the connection take rows of
/// their own, within the same `height`.
pub fn build(
    store: &Store,
    stream: &StreamPackets,
    selected: usize,
    visible: usize,
    height: usize,
    events: &[SocketEvent],
) -> Option<VantageLadder> {
    let e = store.entry(selected).filter(|e| e.kind == Kind::Tcp)?;
    let all = stream.get(e.kind, e.stream)?;
    let all = &all[..all.partition_point(|&i| (i as usize) < visible)];
    let pos = all.partition_point(|&i| (i as usize) < selected);
    let window = |rows: usize| {
        let first = pos
            .saturating_sub(rows / 2)
            .min(all.len().saturating_sub(rows));
        (first, (first + rows).min(all.len()))
    };
    let (mut first, mut end) = window(height);
    let ahead = (end + LOOKAHEAD).min(all.len());
    // Any pair near the rows shown tells which interface is which side.
    let nearby = all.get(first..ahead).unwrap_or_default().iter().chain(
        all.get(..first)
            .unwrap_or_default()
            .iter()
            .rev()
            .take(LOOKAHEAD),
    );
    let (probe, pair) = nearby
        .filter_map(|&i| Some((i as usize, store.vantage(i as usize)?)))
        .next()?;

    let (client, server) = ends(store, all)?;
    let start = store.first_ts();
    // One sighting fewer while the calls among them would not fit beside them (a window
    // that shrinks may shed calls with its sightings, so one at a time).
    let mut calls = calls_within(store, all, (first, end), (&client, &server), events);
    while end - first + calls.len() > height && end - first > 1 {
        (first, end) = window(end - first - 1);
        calls = calls_within(store, all, (first, end), (&client, &server), events);
    }
    let calls = calls
        .into_iter()
        .map(|n| CallRow {
            rel_ns: n.at_ns - start,
            left: n.client_side,
            text: n.text,
        })
        .collect();
    let sender = |i: usize| -> Option<String> {
        let d = store.dissect(i)?;
        let (src, _) = crate::dissect::ip_addresses(&d.packet)?;
        Some(SocketAddr::new(src, d.packet.tcp()?.source_port()).to_string())
    };
    let arrival_iface = u32::from(store.entry(probe)?.interface);
    let from_client = sender(probe)? == client;
    let (left_iface, right_iface) = if from_client {
        (pair.departure.interface, arrival_iface)
    } else {
        (arrival_iface, pair.departure.interface)
    };
    let row_of = |i: usize| -> Option<isize> {
        let at = all.binary_search(&u32::try_from(i).ok()?).ok()?;
        Some(at as isize - first as isize)
    };

    // Arrivals among the rows shown and after them; their departures anywhere before.
    let mut pairs: Vec<(usize, Pair)> = all
        .get(first..ahead)
        .unwrap_or_default()
        .iter()
        .filter_map(|&i| Some((i as usize, store.vantage(i as usize)?)))
        .collect();
    pairs.retain(|(arrival, pair)| {
        let departure = pair.departure.frame.saturating_sub(1) as usize;
        let shown = |i: usize| row_of(i).is_some_and(|r| r < (end - first) as isize);
        shown(departure) || shown(*arrival)
    });
    pairs.sort_by_key(|(_, pair)| pair.departure.frame);

    let mut words = LabelState::default();
    let mut crossings = Vec::with_capacity(pairs.len());
    for (arrival, pair) in pairs {
        let departure = pair.departure.frame.saturating_sub(1) as usize;
        let (Some(from_row), Some(to_row)) = (row_of(departure), row_of(arrival)) else {
            continue;
        };
        // The departing copy says what was sent (an evicted one: the arriving copy, the
        // same segment).
        let Some(d) = store.dissect(departure).or_else(|| store.dissect(arrival)) else {
            continue;
        };
        let Some(tcp) = d.packet.tcp() else { continue };
        let rightwards = pair.departure.interface == left_iface;
        let w = words.tcp(&d, &tcp, rightwards);
        crossings.push(Crossing {
            from_row,
            to_row,
            rightwards,
            departure,
            arrival,
            departed_ns: pair.departure.ts_ns - start,
            arrived_ns: pair.departure.ts_ns.saturating_add(pair.delay_ns) - start,
            delay_ns: pair.delay_ns,
            label: w.label,
            stage: w.stage,
            flags: d.tcp.as_ref().map_or(AnalysisFlags::EMPTY, |f| f.flags),
        });
    }

    let rows = all
        .get(first..end)
        .unwrap_or_default()
        .iter()
        .filter_map(|&i| {
            let i = i as usize;
            let entry = store.entry(i)?;
            let iface = u32::from(entry.interface);
            Some(SightingRow {
                index: i,
                rel_ns: entry.ts_ns - start,
                // A third vantage point (not this link's) goes with the right side.
                left: iface == left_iface,
                alone: !crossings.iter().any(|c| c.departure == i || c.arrival == i),
            })
        })
        .collect();
    Some(VantageLadder {
        stream: e.stream,
        client,
        server,
        left_name: store.interface_label(left_iface),
        right_name: store.interface_label(right_iface),
        total: all.len(),
        first,
        rows,
        crossings,
        calls,
    })
}

/// The calls on the connection `ends` placed while sightings `first..end` of `all`
/// happened; the first sightings also take the calls before them, the last the calls after.
fn calls_within(
    store: &Store,
    all: &[u32],
    (first, end): (usize, usize),
    (client, server): (&str, &str),
    events: &[SocketEvent],
) -> Vec<crate::teach::calls::CallNote> {
    if events.is_empty() {
        return Vec::new();
    }
    let ts = |at: usize| -> Option<i64> { Some(store.entry(*all.get(at)? as usize)?.ts_ns) };
    let from = match first {
        0 => i64::MIN,
        _ => ts(first).unwrap_or(i64::MIN),
    };
    let until = match end >= all.len() {
        true => i64::MAX,
        false => ts(end.saturating_sub(1)).unwrap_or(i64::MAX),
    };
    crate::teach::calls::call_notes(client, server, events, from, until)
}

/// The connection's client and server: the first sender unless it is known to be the
/// server (as the one-capture ladder decides).
fn ends(store: &Store, all: &[u32]) -> Option<(String, String)> {
    let d0 = store.dissect(*all.first()? as usize)?;
    let (a, b) = crate::dissect::ip_addresses(&d0.packet)?;
    let tcp = d0.packet.tcp()?;
    let (sa, sb) = (
        SocketAddr::new(a, tcp.source_port()).to_string(),
        SocketAddr::new(b, tcp.destination_port()).to_string(),
    );
    let server_first = d0.tcp.as_ref().is_some_and(|f| f.role == Role::Server);
    Some(if server_first { (sb, sa) } else { (sa, sb) })
}

/// A one-way delay as people say it: `41.2 µs`, `3.105 ms`, `1.250000 s`; negative when
/// the two captures' clocks disagree by more than the delay.
pub fn delay_text(ns: i64) -> String {
    let abs = ns.unsigned_abs();
    let sign = if ns < 0 { "-" } else { "" };
    if abs < 1_000_000 {
        format!("{sign}{:.1} µs", abs as f64 / 1e3)
    } else if abs < 1_000_000_000 {
        format!("{sign}{:.3} ms", abs as f64 / 1e6)
    } else {
        format!("{sign}{:.6} s", abs as f64 / 1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::delay_text;

    #[test]
    fn delays_read_in_the_unit_that_fits() {
        assert_eq!(delay_text(41_200), "41.2 µs");
        assert_eq!(delay_text(999), "1.0 µs");
        assert_eq!(delay_text(3_105_000), "3.105 ms");
        assert_eq!(delay_text(1_250_000_000), "1.250000 s");
        assert_eq!(delay_text(-3_000), "-3.0 µs");
    }
}
