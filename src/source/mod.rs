//! Capture sources: everything that yields frames sits behind [`PacketSource`], so the
//! headless reader, the analysis and the UI never care whether bytes come from a file, a
//! live ring or memory.
// Packet bytes and capture files are hostile: no access here may panic on them.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod file;
pub mod live;
mod memory;
pub mod merge;
pub mod pnet_source;
pub mod remote;
// The ring reads the kernel's shared mapping: the one place besides `crate::sys` where
// `unsafe` is allowed.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub mod ring;
mod wait;

pub use file::{FileSource, OpenOptions, Step as FileStep};
pub use live::{LiveError, LiveSource, POLL_INTERVAL};
pub use memory::MemorySource;
pub use merge::{MergeInput, MergedSource};
pub use pnet_source::PnetSource;
pub use remote::{is_remote, RemoteOptions, RemoteSource, RemoteSpec};
#[cfg(target_os = "linux")]
pub use ring::{RingConfig, RingSource};

use std::time::Duration;

use crate::frame::{Frame, InterfaceDesc, InterfaceTable, LinkType};

/// Why a source stopped or could not start. Carries enough to print one clear line.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: {source}")]
    Open {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The capture file or stream is damaged (the message names the byte offset).
    #[error(transparent)]
    Capture(#[from] crate::pcapio::ReadError),
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

/// Packet counters a source can report (live sources fill in the kernel's view).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SourceStats {
    /// Frames handed out by this source.
    pub delivered: u64,
    /// Frames the kernel received for this socket (live only).
    pub kernel_received: Option<u64>,
    /// Frames the kernel dropped because the ring/buffer was full (live only).
    pub kernel_dropped: Option<u64>,
    /// The source has not started yet (a remote producer whose capture header has not
    /// come): the UI says what it is waiting for.
    pub waiting: bool,
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

    /// Asked to stop: from now on hand out only the frames already received, without
    /// waiting, then end. `false` (the default) when the source holds nothing back, so the
    /// caller simply stops reading.
    fn drain(&mut self) -> bool {
        false
    }

    /// The interfaces `Frame::interface` numbers (a pcapng file's IDBs, a live interface,
    /// the sources of a merge). Shared: a file may describe more as it is read. Sources
    /// with one unnamed interface keep this default.
    fn interfaces(&self) -> InterfaceTable {
        InterfaceTable::of(vec![InterfaceDesc::new(None, self.link_type(), 0, 9)])
    }
}
