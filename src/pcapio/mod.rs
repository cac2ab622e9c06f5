//! pcap / pcapng reading and writing. The file formats are parsed by the `pcap-file` crate;
//! this module adds what it leaves out: streaming from any `Read` (stdin included) with exact
//! byte offsets in error messages, pcapng `if_tsresol`, sane limits on hostile record lengths,
//! and tolerance for records libpcap accepts (orig_len > snaplen).

mod reader;
mod writer;

pub use reader::{CaptureReader, Record};
pub use writer::{CaptureFormat, CaptureWriter, WriteError, DEFAULT_SNAPLEN};

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
