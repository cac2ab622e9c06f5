//! The conversations view's rows: the analysis's conversations, counted over the packets
//! the list shows (a filter, the replay position), as the Statistics view counts them.

use super::App;
use crate::analysis::ConvProto;
use crate::store::{Kind, Store};

/// One row of the conversations view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvLine {
    /// Index into [`Store::conversations`].
    pub index: usize,
    pub kind: Kind,
    pub stream: u32,
    pub frames: u64,
    pub bytes: u64,
    pub first_ts: i64,
    pub last_ts: i64,
    /// Every packet of the conversation is counted (its final TCP state applies).
    pub complete: bool,
}

impl App {
    /// The conversations with at least one shown packet, in the analysis's order.
    pub fn conversation_lines(&self, store: &Store) -> Vec<ConvLine> {
        let whole = self.counting_subset().is_none();
        store
            .conversations()
            .iter()
            .enumerate()
            .filter_map(|(index, c)| {
                let kind = match c.proto {
                    ConvProto::Tcp => Kind::Tcp,
                    ConvProto::Udp => Kind::Udp,
                };
                let stream = u32::try_from(c.stream).ok()?;
                let all = super::stats::ConvCount {
                    frames: c.stats.frames(),
                    bytes: c.stats.bytes(),
                    first_ts: c.stats.first_ts_ns,
                    last_ts: c.stats.last_ts_ns,
                };
                let count = if whole {
                    &all
                } else {
                    self.stats.convs.get(&(kind as u8, stream))?
                };
                Some(ConvLine {
                    index,
                    kind,
                    stream,
                    frames: count.frames,
                    bytes: count.bytes,
                    first_ts: count.first_ts,
                    last_ts: count.last_ts,
                    complete: count.frames >= c.stats.frames(),
                })
            })
            .collect()
    }

    /// Whether the list shows less than the whole capture (a filter, or a replay that has
    /// not revealed every packet): views that count say so.
    pub fn counting_subset(&self) -> Option<String> {
        if let Some(f) = &self.filter {
            return Some(format!("filter: {}", f.text));
        }
        (self.visible < self.available).then(|| {
            format!(
                "replay: {} of {} packets",
                super::group(self.visible as u64),
                super::group(self.available as u64)
            )
        })
    }
}
