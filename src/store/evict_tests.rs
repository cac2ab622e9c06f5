//! The bounded live store: the oldest packets are evicted (not the newest dropped), the
//! indices of those kept do not move, and memory stays under the limit.

use super::*;
use crate::frame::OwnedFrame;

/// A source of `n` numbered 100-byte frames.
struct Numbered(u32, u32, OwnedFrame);

impl crate::source::PacketSource for Numbered {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, crate::source::SourceError> {
        if self.0 == self.1 {
            return Ok(None);
        }
        let mut data = vec![0u8; 100];
        data[96..].copy_from_slice(&self.0.to_be_bytes());
        self.2 = OwnedFrame::ethernet(i64::from(self.0), data);
        self.0 += 1;
        Ok(Some(self.2.as_frame()))
    }
    fn link_type(&self) -> LinkType {
        LinkType::ETHERNET
    }
    fn stats(&self) -> crate::source::SourceStats {
        Default::default()
    }
}

#[test]
fn full_store_evicts_the_oldest() {
    let limit = 4 * 1024 * 1024;
    let source = Numbered(0, 60_000, OwnedFrame::ethernet(0, Vec::new()));
    let live = spawn_live_with(
        Box::new(source),
        LiveConfig {
            // Large enough that the channel drops nothing.
            channel: 60_000,
            store_limit: limit,
            record: None,
            capture_filter: None,
            owners: None,
        },
    )
    .unwrap();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !lock(&live.store).done && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let store = lock(&live.store);
    assert_eq!(store.len(), 60_000, "every packet counted");
    assert_eq!(store.store_dropped, 0, "nothing dropped");
    let first = store.first_kept();
    assert!(first > 0, "the oldest were evicted");
    assert!(store.frame(first - 1).is_none());
    // Held: bytes + entries under the limit.
    let held = store.entries().len() * (100 + ENTRY_BYTES);
    assert!(held <= limit, "{held} > {limit}");
    // Indices are absolute: packet i still carries its own number, and the newest is kept.
    for i in [first, 59_999] {
        let f = store.frame(i).unwrap();
        assert_eq!(
            u32::from_be_bytes(f.data[96..100].try_into().unwrap()),
            i as u32
        );
        assert_eq!(store.dissect(i).unwrap().info.number, i as u64 + 1);
    }
}
