//! Capture sources: everything that yields frames sits behind [`PacketSource`], so the
//! headless reader, the analysis and the UI never care whether bytes come from a file, a
//! live ring or memory.

mod file;
pub mod live;
mod memory;
pub mod pnet_source;
#[cfg(target_os = "linux")]
pub mod ring;

pub use file::FileSource;
pub use live::{LiveError, LiveSource, POLL_INTERVAL};
pub use memory::MemorySource;
pub use pnet_source::PnetSource;
#[cfg(target_os = "linux")]
pub use ring::{RingConfig, RingSource};

use std::time::Duration;

use crate::frame::{Frame, LinkType};

/// Why a source stopped or could not start. Carries enough to print one clear line.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: {source}")]
    Open {
        path: String,
        #[source]
        source: std::io::Error,
    },
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
    #[error("{0}")]
    Live(String),
    #[error(transparent)]
    LiveCapture(#[from] LiveError),
}

/// Which live capture mechanism to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// A TPACKET_V3 ring on an AF_PACKET socket (Linux; what libpcap uses).
    #[default]
    Ring,
    /// pnet's portable datalink channel.
    Pnet,
}

/// What one bounded wait for a frame gave.
#[derive(Debug)]
pub enum Next<'a> {
    Frame(Frame<'a>),
    /// Nothing arrived within the wait; ask again.
    Idle,
    /// The source has ended (end of file).
    End,
}

impl From<crate::pcapio::ReadError> for SourceError {
    fn from(err: crate::pcapio::ReadError) -> Self {
        use crate::pcapio::ReadError;
        match err {
            ReadError::Malformed { what, offset } => SourceError::Malformed { what, offset },
            ReadError::Truncated { what, offset } => SourceError::Truncated { what, offset },
            ReadError::Io { offset, source } => SourceError::Io { offset, source },
        }
    }
}

/// Packet counters a source can report (live sources fill in the kernel's view).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SourceStats {
    /// Frames handed out by this source.
    pub delivered: u64,
    /// Frames the kernel received for this socket (live only).
    pub kernel_received: Option<u64>,
    /// Frames the kernel dropped because the ring/buffer was full (live only).
    pub kernel_dropped: Option<u64>,
}

/// A stream of frames. `next_frame` lends the frame until the next call, which lets file
/// and ring sources hand out bytes without copying them.
pub trait PacketSource {
    /// The next frame, `Ok(None)` at a clean end, `Err` when the input is damaged (frames
    /// already returned stay valid; callers print them and then the error).
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, SourceError>;

    /// The next frame, waiting at most about `timeout` for it, so one loop serves every
    /// source and still notices a stop request (a signal, `-c`, the UI's quit) on an idle
    /// interface. Sources that never wait (files, memory) keep this default.
    fn next_within(&mut self, timeout: Duration) -> Result<Next<'_>, SourceError> {
        let _ = timeout;
        Ok(self.next_frame()?.map_or(Next::End, Next::Frame))
    }

    /// The link type of the first interface (sources with several interfaces give each
    /// frame its own `Frame::link`).
    fn link_type(&self) -> LinkType;

    fn stats(&self) -> SourceStats;
}
