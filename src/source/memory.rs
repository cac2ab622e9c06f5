//! An in-memory source: tests, generators and the UI's replay of already-loaded frames.

use super::{PacketSource, SourceError, SourceStats};
use crate::frame::{Frame, LinkType, OwnedFrame};

pub struct MemorySource {
    frames: Vec<OwnedFrame>,
    next: usize,
}

impl MemorySource {
    pub fn new(frames: Vec<OwnedFrame>) -> Self {
        MemorySource { frames, next: 0 }
    }
}

impl PacketSource for MemorySource {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, SourceError> {
        let frame = self.frames.get(self.next);
        if frame.is_some() {
            self.next += 1;
        }
        Ok(frame.map(OwnedFrame::as_frame))
    }

    fn link_type(&self) -> LinkType {
        self.frames
            .first()
            .map_or(LinkType::ETHERNET, |frame| frame.link)
    }

    fn stats(&self) -> SourceStats {
        SourceStats {
            delivered: self.next as u64,
            ..SourceStats::default()
        }
    }
}
