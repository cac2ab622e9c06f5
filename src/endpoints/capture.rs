//! Packet capture for `lab run --trace` / `-w`: the live ring source on one interface of the
//! scenario's namespace while the scenario runs, then the decoder's summary line per frame.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use etherparse::{NetSlice, SlicedPacket, TransportSlice};

use super::EndpointError;
use crate::frame::TimestampNs;
use crate::frame::{Direction, Frame, InterfaceTable, LinkType, OwnedFrame};
use crate::pcapio::{CaptureFormat, CaptureWriter};
use crate::source::{LiveSource, RingConfig, RingSource};

/// Bytes kept of each frame: a whole loopback GSO super-packet plus headers.
pub const SNAPLEN: u32 = 65_536 + 256;
/// Hard cap on frames kept by one capture, so a busy interface cannot grow memory unbounded.
pub const MAX_FRAMES: usize = 100_000;

/// One captured frame, owned (the trace keeps them until the scenario ends).
#[derive(Debug, Clone)]
pub struct TapFrame {
    pub ts_ns: TimestampNs,
    pub outgoing: bool,
    /// Length on the wire.
    pub orig_len: u32,
    pub data: Vec<u8>,
}

/// The trace's packet source: the same TPACKET_V3 ring `sockeye -i` uses (kernel
/// timestamps, each loopback packet once), opened on one interface of the namespace the
/// caller is in. Unlike `sockeye -i` it keeps its privileges: the lab still has to delete
/// its namespaces afterwards.
pub struct PacketTap {
    ring: RingSource,
}

impl PacketTap {
    pub fn open(interface: &str) -> Result<PacketTap, EndpointError> {
        let config = RingConfig {
            interface: interface.to_string(),
            snaplen: SNAPLEN,
            promiscuous: false,
            ring_mib: 8,
        };
        let ring = RingSource::open(&config).map_err(|err| {
            EndpointError::Failed(format!("cannot capture on {interface}: {err}"))
        })?;
        Ok(PacketTap { ring })
    }

    /// The next frame, or `Ok(None)` after a short poll timeout.
    pub fn next_frame(&mut self) -> Result<Option<TapFrame>, EndpointError> {
        let frame = self
            .ring
            .poll_frame(Duration::from_millis(20))
            .map_err(|err| EndpointError::Failed(err.to_string()))?;
        Ok(frame.map(|f| TapFrame {
            ts_ns: f.ts_ns,
            outgoing: f.direction == Direction::Outbound,
            orig_len: f.orig_len,
            data: f.data.to_vec(),
        }))
    }
}

/// Captures on `interface` while `body` runs, plus `linger` afterwards for the last
/// packets (the final ACK). Returns the body's result and the packet lines.
///
/// Frames are summarised afterwards by [`packet_lines`] into the `(ts_ns, summary)` pairs
/// [`super::trace::merge`] consumes.
pub fn capture_while<T>(
    mut tap: PacketTap,
    linger: Duration,
    body: impl FnOnce() -> T,
) -> (T, Vec<TapFrame>) {
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let reader = std::thread::spawn(move || {
        let mut frames = Vec::new();
        let mut stop_at: Option<Instant> = None;
        // Bounded: ends `linger` after the body finished, or at MAX_FRAMES, or on an error.
        while frames.len() < MAX_FRAMES {
            if stop_at.is_none() && stop2.load(Ordering::SeqCst) {
                stop_at = Some(Instant::now() + linger);
            }
            if stop_at.is_some_and(|t| Instant::now() >= t) {
                break;
            }
            match tap.next_frame() {
                Ok(Some(f)) => frames.push(f),
                Ok(None) => {}
                Err(_) => break,
            }
        }
        frames
    });
    /// Stops the reader even if `body` panics, so the thread cannot outlive its purpose.
    struct StopOnDrop(Arc<AtomicBool>);
    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let guard = StopOnDrop(stop);
    let out = body();
    drop(guard);
    let frames = reader.join().unwrap_or_default();
    (out, frames)
}

/// The ports the socket calls `events` name (bound, connected or peers'): what tells a
/// scenario's or a traced program's packets from the rest on a shared link.
pub fn ports_of(events: &[crate::endpoints::events::SocketEvent]) -> HashSet<u16> {
    events
        .iter()
        .flat_map(|e| [e.local, e.peer])
        .flatten()
        .map(|a| a.port())
        .filter(|p| *p != 0)
        .collect()
}

/// The frames that belong to a scenario: TCP/UDP with one of `ports` on either side, plus
/// ARP and ICMP (few, and the lab's point). On a shared `lo` this drops everybody else's
/// loopback traffic.
pub fn scenario_frames<'a>(frames: &'a [TapFrame], ports: &HashSet<u16>) -> Vec<&'a TapFrame> {
    frames.iter().filter(|f| belongs(&f.data, ports)).collect()
}

/// `(ts_ns, summary)` lines, what [`super::trace::merge`] takes: the decoder's summary
/// with the analysis's relative sequence numbers, as `sockeye -r` prints them.
pub fn packet_lines(frames: &[&TapFrame]) -> Vec<(TimestampNs, String)> {
    let mut dissector = crate::dissect::Dissector::new();
    frames
        .iter()
        .map(|f| {
            let frame = Frame {
                ts_ns: f.ts_ns,
                data: &f.data,
                orig_len: f.orig_len,
                link: LinkType::ETHERNET,
                interface: 0,
                direction: Direction::Unknown,
            };
            let mut line = Vec::new();
            crate::headless::write_dissection_summary(&dissector.dissect(&frame), &mut line);
            (f.ts_ns, String::from_utf8_lossy(&line).into_owned())
        })
        .collect()
}

/// Saves frames as a capture file (format by extension, see [`CaptureWriter::create`]).
pub fn write_frames(path: &str, frames: &[&TapFrame]) -> Result<u64, EndpointError> {
    let w = CaptureWriter::create(path, SNAPLEN, LinkType::ETHERNET)
        .map_err(|e| EndpointError::Failed(e.to_string()))?;
    write_into(w, frames.iter().map(|f| tap_frame(f)), None)
}

/// Saves frames and the socket calls beside them in a pcapng file (see
/// [`super::saved`] for where the calls go and why). Calls a traced program made name the
/// process owning each conversation's sockets: every packet carries them as its comment,
/// as `sockeye -i -w` writes them, computed by the same pipeline stage.
pub fn write_frames_and_calls(
    path: &str,
    frames: &[&TapFrame],
    calls: &[super::events::SocketEvent],
) -> Result<u64, EndpointError> {
    let notes = calls.iter().filter_map(super::saved::to_note).collect();
    let w = CaptureWriter::create_with_notes(path, SNAPLEN, notes)
        .map_err(|e| EndpointError::Failed(e.to_string()))?;
    write_into(w, frames.iter().map(|f| tap_frame(f)), owners_of(calls))
}

/// Saves the frames of several capture interfaces, each described as `interfaces` says
/// (pcapng: one interface block each, named), with the socket calls beside them as
/// [`write_frames_and_calls`] keeps them; a pcap file keeps only the packets.
pub fn write_sides(
    path: &str,
    frames: &[OwnedFrame],
    interfaces: InterfaceTable,
    calls: &[super::events::SocketEvent],
) -> Result<u64, EndpointError> {
    let fail = |e: crate::pcapio::WriteError| EndpointError::Failed(e.to_string());
    let frames = frames.iter().map(OwnedFrame::as_frame);
    if CaptureFormat::from_path(path) != CaptureFormat::PcapNg {
        let w = CaptureWriter::create(path, SNAPLEN, LinkType::ETHERNET).map_err(fail)?;
        return write_into(w, frames, None);
    }
    let notes = calls.iter().filter_map(super::saved::to_note).collect();
    let w = CaptureWriter::create_with_notes(path, SNAPLEN, notes)
        .map_err(fail)?
        .with_interfaces(interfaces.clone());
    let owners = owners_of(calls).map(|d| d.with_interfaces(interfaces));
    write_into(w, frames, owners)
}

/// The pipeline stage that names each packet's owning process from the calls, when any
/// call names one.
fn owners_of(calls: &[super::events::SocketEvent]) -> Option<crate::dissect::Dissector> {
    let owners = super::call_owners::CallOwners::from_events(calls);
    (!owners.is_empty()).then(|| crate::dissect::Dissector::with_owners(Box::new(owners)))
}

/// A tapped frame as the one capture interface of a file (0) sees it.
fn tap_frame(f: &TapFrame) -> Frame<'_> {
    Frame {
        ts_ns: f.ts_ns,
        data: &f.data,
        orig_len: f.orig_len,
        link: LinkType::ETHERNET,
        interface: 0,
        direction: if f.outgoing {
            Direction::Outbound
        } else {
            Direction::Inbound
        },
    }
}

fn write_into<'a>(
    mut w: CaptureWriter,
    frames: impl Iterator<Item = Frame<'a>>,
    mut owners: Option<crate::dissect::Dissector>,
) -> Result<u64, EndpointError> {
    let fail = |e: &dyn std::fmt::Display| EndpointError::Failed(e.to_string());
    for frame in frames {
        let comment = owners
            .as_mut()
            .and_then(|d| d.dissect(&frame).process.map(|p| p.comment()));
        match comment {
            Some(text) => w.write_frame_commented(&frame, &text),
            None => w.write_frame(&frame),
        }
        .map_err(|e| fail(&e))?;
    }
    w.flush().map_err(|e| fail(&e))?;
    Ok(w.written())
}

fn belongs(frame: &[u8], ports: &HashSet<u16>) -> bool {
    let Ok(p) = SlicedPacket::from_ethernet(frame) else {
        return false;
    };
    match (&p.net, &p.transport) {
        (Some(NetSlice::Arp(_)), _) => true,
        (_, Some(TransportSlice::Tcp(t))) => {
            ports.contains(&t.source_port()) || ports.contains(&t.destination_port())
        }
        (_, Some(TransportSlice::Udp(u))) => {
            ports.contains(&u.source_port()) || ports.contains(&u.destination_port())
        }
        (_, Some(TransportSlice::Icmpv4(_))) | (_, Some(TransportSlice::Icmpv6(_))) => true,
        _ => false,
    }
}

/// The decoder's tcpdump-like summary of an Ethernet frame (the same line `sockeye -r`
/// prints, without the time); never panics on malformed input.
pub fn summarize(frame: &[u8]) -> String {
    let frame = Frame {
        ts_ns: 0,
        data: frame,
        orig_len: frame.len() as u32,
        link: LinkType::ETHERNET,
        interface: 0,
        direction: Direction::Unknown,
    };
    let mut line = Vec::new();
    crate::headless::write_summary(&crate::decode::decode(&frame), None, &mut line);
    String::from_utf8_lossy(&line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_never_panic_on_truncations() {
        let mut frame = Vec::new();
        etherparse::PacketBuilder::ethernet2([1; 6], [2; 6])
            .ipv4([127, 0, 0, 1], [127, 0, 0, 2], 64)
            .tcp(40000, 7007, 1, 1000)
            .syn()
            .write(&mut frame, &[])
            .unwrap();
        let s = summarize(&frame);
        assert!(
            s.contains("IP 127.0.0.1.40000 > 127.0.0.2.7007: Flags [S], seq 1"),
            "{s}"
        );
        for cut in 0..frame.len() {
            let _ = summarize(frame.get(..cut).unwrap());
        }
    }
}
