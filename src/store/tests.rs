//! The store: file index round trips, live drop accounting, entry size.

use super::*;

/// A source that never blocks: with a one-slot channel most frames are dropped, and
/// every one is either stored or counted.
struct Flood(crate::frame::OwnedFrame, u64);

impl crate::source::PacketSource for Flood {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, crate::source::SourceError> {
        if self.1 == 0 {
            return Ok(None);
        }
        self.1 -= 1;
        Ok(Some(self.0.as_frame()))
    }
    fn link_type(&self) -> LinkType {
        LinkType::ETHERNET
    }
    fn stats(&self) -> crate::source::SourceStats {
        Default::default()
    }
}

#[test]
fn live_drops_are_counted() {
    let frame = crate::frame::OwnedFrame::ethernet(1, vec![0; 60]);
    let live = spawn_live(Box::new(Flood(frame, 20_000)), 1).unwrap();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !lock(&live.store).done && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let stored = lock(&live.store).len() as u64;
    let dropped = live
        .channel_dropped
        .load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(stored + dropped, 20_000);
    assert!(stored > 0);
}

#[test]
fn entry_is_compact() {
    assert!(std::mem::size_of::<Entry>() <= 56);
}

#[test]
fn file_index_round_trips_bytes() {
    let shared = spawn_file_indexer("captures/textbook/tcp_handshake.pcapng")
        .unwrap()
        .wait();
    let store = lock(&shared);
    assert!(store.done);
    assert!(store.len() >= 3);
    let d = store.dissect(0).unwrap();
    assert!(d.packet.tcp().unwrap().syn());
    assert_eq!(d.tcp.as_ref().unwrap().seq_rel, 0);
    let mut s = StreamPackets::default();
    s.refresh(&store, Kind::Tcp, 0, 2);
    assert_eq!(s.get(Kind::Tcp, 0), Some(&[0u32, 1][..]));
    s.refresh(&store, Kind::Tcp, 0, 3);
    assert_eq!(s.packets, [0, 1, 2]);
    assert_eq!(s.get(Kind::Tcp, 1), None);
    assert_eq!(store.first_of_stream(Kind::Tcp, 0), Some(0));
}
