//! What live sources share: the timeout-aware read used by capture loops, and the typed
//! errors of opening an interface.

use std::io;
use std::time::Duration;

use super::{PacketSource, SourceError};
use crate::frame::Frame;

/// How long one wait for packets lasts before a capture loop checks its stop flag again.
pub const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// A source fed by a network interface. It never ends by itself, so besides the blocking
/// [`PacketSource::next_frame`] it offers a bounded wait: capture loops call
/// [`LiveSource::poll_frame`] with a short timeout and check their stop flag (signals,
/// `-c`, the UI's quit) between calls.
pub trait LiveSource: PacketSource {
    /// Waits at most `timeout` for the next frame. `Ok(None)` means "nothing arrived yet,
    /// ask again" — unlike `next_frame`, where `Ok(None)` is the end of a file. A signal
    /// interrupting the wait also yields `Ok(None)`, so the caller sees its stop flag.
    fn poll_frame(&mut self, timeout: Duration) -> Result<Option<Frame<'_>>, SourceError>;

    /// The interface name the source was opened on (`any` included).
    fn interface_name(&self) -> &str;

    /// The snap length the kernel applies (after the source's own clamping).
    fn snaplen(&self) -> u32;
}

/// Why a live capture could not start or had to stop. Each prints as one line.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("{0}: no such interface (see `sockeye -D`)")]
    NoSuchInterface(String),
    #[error("{0}: that interface is not up")]
    InterfaceDown(String),
    #[error("{0}: interface name too long")]
    BadName(String),
    #[error("{iface}: permission denied opening a raw socket (CAP_NET_RAW is needed)")]
    Permission { iface: String },
    // The OS error is part of the message rather than a `source()` link: the binary prints
    // the whole chain, and a cause in the middle of the one line reads better.
    #[error("{iface}: cannot allocate a {mib} MiB capture ring: {cause} (try a smaller -B)")]
    RingAlloc {
        iface: String,
        mib: u32,
        cause: io::Error,
    },
    #[error("{iface}: {op} failed: {cause}")]
    Os {
        iface: String,
        op: &'static str,
        cause: io::Error,
    },
    #[error("{iface}: the kernel handed back a malformed ring block ({what})")]
    Malformed { iface: String, what: String },
    #[error("{0}")]
    Unsupported(String),
}
