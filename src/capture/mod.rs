//! Headless live capture, tcpdump-style: `sockeye -i IFACE [-c N] [-w FILE] [-s SNAPLEN]
//! [-p] [--backend ring|pnet] [-B MiB]`.
//!
//! Order matters: check the interface (no privilege needed), check CAP_NET_RAW, open the
//! socket, drop every privilege, and only then create the `-w` file — so a refused or
//! failed start never leaves a half-written capture behind. SIGINT/SIGTERM/SIGHUP only set
//! a flag; the headless loop (the same one that reads files, `crate::headless::run`) sees
//! it within one poll timeout, flushes the file and prints the counters tcpdump prints.

use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::Context;

use crate::privileges;
use crate::source::{Backend, LiveError, LiveSource, PnetSource};

pub mod early;
pub mod owners;

/// Validated live-capture options, taken from the shared tcpdump-style flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureOptions {
    pub interface: String,
    pub count: Option<u64>,
    pub write: Option<String>,
    pub snaplen: u32,
    pub promiscuous: bool,
    pub backend: Backend,
    pub buffer_mib: u32,
    /// Memory limit of the live UI's packet store, in MiB (0 = the default).
    pub store_limit_mib: u32,
}

impl CaptureOptions {
    /// The live UI's store limit in bytes.
    pub fn store_limit(&self) -> usize {
        match self.store_limit_mib {
            0 => crate::store::DEFAULT_STORE_LIMIT,
            mib => mib as usize * 1024 * 1024,
        }
    }
}

/// Checks, opens and de-privileges: everything before the first packet.
pub fn open_source(opts: &CaptureOptions) -> anyhow::Result<Box<dyn LiveSource + Send>> {
    let source = open_interface(opts)?;
    drop_privileges()?;
    Ok(source)
}

/// A lookup of conversations' owning processes, handed to the pipeline.
pub type OwnerLookupBox = Box<dyn crate::dissect::process::OwnerLookup>;

/// [`open_source`] with the lookup that names each conversation's processes: the socket
/// table, asked as each connection's SYN goes by (see [`early`]) and again when the
/// pipeline reaches it. `None`, with a line on stderr, where sock_diag is unavailable.
pub fn open_source_attributed(
    opts: &CaptureOptions,
) -> anyhow::Result<(Box<dyn LiveSource + Send>, Option<OwnerLookupBox>)> {
    let table = owners::SocketOwners::open();
    let source = open_interface(opts)?;
    // Needs the capture's privilege, like the capture socket.
    let watch = match &table {
        Ok(_) => early::EarlyWatch::open(&opts.interface),
        Err(_) => None,
    };
    drop_privileges()?;
    let lookup: Option<OwnerLookupBox> = match (table, watch) {
        (Ok(table), Some(watch)) => match watch.start(table) {
            Ok(early) => Some(Box::new(early)),
            Err(e) => {
                eprintln!("sockeye: processes looked up when packets arrive only ({e})");
                owners::SocketOwners::open()
                    .ok()
                    .map(|t| Box::new(t) as OwnerLookupBox)
            }
        },
        (Ok(table), None) => Some(Box::new(table)),
        (Err(e), _) => {
            eprintln!("sockeye: no process attribution (sock_diag: {e})");
            None
        }
    };
    Ok((source, lookup))
}

/// Every privilege dropped, once all the sockets that need one are open (several `-i`
/// interfaces are opened first, then this runs once).
pub fn drop_privileges() -> anyhow::Result<()> {
    let report = privileges::drop_privileges()?;
    if let Some(note) = report.note {
        eprintln!("sockeye: {note}");
    }
    Ok(())
}

/// Checks and opens `opts.interface`, keeping the privileges (see [`drop_privileges`]).
pub fn open_interface(opts: &CaptureOptions) -> anyhow::Result<Box<dyn LiveSource + Send>> {
    let iface = opts.interface.as_str();
    let source: Box<dyn LiveSource + Send> = match opts.backend {
        #[cfg(target_os = "linux")]
        Backend::Ring => {
            crate::source::ring::check_interface(iface)?;
            privileges::ensure_capture_capability(iface)?;
            Box::new(crate::source::RingSource::open(
                &crate::source::RingConfig {
                    interface: opts.interface.clone(),
                    snaplen: opts.snaplen,
                    promiscuous: opts.promiscuous,
                    ring_mib: opts.buffer_mib,
                },
            )?)
        }
        #[cfg(not(target_os = "linux"))]
        Backend::Ring => {
            return Err(LiveError::Unsupported(
                "the ring backend is Linux-only; use --backend pnet".to_string(),
            )
            .into())
        }
        Backend::Pnet => {
            if iface != "any" {
                let found = crate::source::pnet_source::find(iface)?;
                if !found.is_up() {
                    return Err(LiveError::InterfaceDown(iface.to_string()).into());
                }
            }
            privileges::ensure_capture_capability(iface)?;
            Box::new(PnetSource::open(iface, opts.snaplen, opts.promiscuous)?)
        }
    };
    Ok(source)
}

/// The process-wide stop flag (see [`crate::signals::stop_flag`]).
pub fn stop_flag() -> anyhow::Result<Arc<AtomicBool>> {
    crate::signals::stop_flag().context("installing signal handlers")
}

/// tcpdump's opening line, on stderr.
pub fn announce(source: &dyn LiveSource, backend: Backend) {
    eprintln!(
        "sockeye: listening on {}, link-type {}, snapshot length {} bytes ({} backend)",
        source.interface_name(),
        source.link_type(),
        source.snaplen(),
        match backend {
            Backend::Ring => "ring",
            Backend::Pnet => "pnet",
        }
    );
}

/// tcpdump's three closing lines, on stderr.
pub fn report_counts(source: &dyn LiveSource, captured: Option<u64>) {
    let stats = source.stats();
    let captured = captured.unwrap_or(stats.delivered);
    let mut err = std::io::stderr().lock();
    let s = |n: u64| if n == 1 { "" } else { "s" };
    let _ = writeln!(err, "{captured} packet{} captured", s(captured));
    match (stats.kernel_received, stats.kernel_dropped) {
        (Some(received), Some(dropped)) => {
            let _ = writeln!(err, "{received} packet{} received by filter", s(received));
            let _ = writeln!(err, "{dropped} packet{} dropped by kernel", s(dropped));
        }
        _ => {
            let _ = writeln!(err, "(no kernel counters with this backend)");
        }
    }
}

#[cfg(test)]
mod tests;
