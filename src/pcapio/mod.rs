//! pcap / pcapng reading and writing. The file formats are parsed by the `pcap-file` crate;
//! this module adds what it leaves out: streaming from any `Read` (stdin included) with exact
//! byte offsets in error messages, pcapng `if_tsresol`, sane limits on hostile record lengths,
//! and tolerance for records libpcap accepts (orig_len > snaplen).
// Capture files are hostile: no access here may panic on them.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod interface;
mod reader;
mod writer;

pub use reader::{CaptureReader, Record};
pub use writer::{CaptureFormat, CaptureWriter, WriteError, DEFAULT_SNAPLEN};

/// The packet comment of the record just read, handed from the reader to whoever
/// dissects it (the frame itself carries bytes and capture metadata only). Cheap when
/// no record has a comment: one relaxed load per packet.
#[derive(Debug, Clone, Default)]
pub struct CommentSlot(std::sync::Arc<CommentCell>);

#[derive(Debug, Default)]
struct CommentCell {
    set: std::sync::atomic::AtomicBool,
    text: std::sync::Mutex<Option<String>>,
}

impl CommentSlot {
    /// Leaves the current record's comment (or none).
    pub fn put(&self, comment: Option<String>) {
        use std::sync::atomic::Ordering;
        if comment.is_none() && !self.0.set.load(Ordering::Relaxed) {
            return;
        }
        let mut text = self.0.text.lock().unwrap_or_else(|e| e.into_inner());
        self.0.set.store(comment.is_some(), Ordering::Relaxed);
        *text = comment;
    }

    /// The current record's comment, taken.
    pub fn take(&self) -> Option<String> {
        use std::sync::atomic::Ordering;
        if !self.0.set.load(Ordering::Relaxed) {
            return None;
        }
        self.0.set.store(false, Ordering::Relaxed);
        self.0.text.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Why a capture file could not be read further. Each prints as one line naming the byte
/// offset, so a damaged file's problem can be found with a hex viewer.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{what} at byte offset {offset}")]
    Malformed { what: String, offset: u64 },
    #[error("capture ends in the middle of a record at byte offset {offset} ({what})")]
    Truncated { what: String, offset: u64 },
    #[error("read error at byte offset {offset}: {source}")]
    Io {
        offset: u64,
        #[source]
        source: std::io::Error,
    },
    /// The input (a pipe, a file being followed) has nothing more yet; the reader is
    /// unchanged and may be asked again.
    #[error("no input yet")]
    Idle,
}
