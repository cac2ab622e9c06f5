//! Stopping cleanly on SIGINT, SIGTERM and SIGHUP: one flag that every long-running loop
//! (reader, live capture, servers, the lab, the UI) checks, so files are flushed complete,
//! sockets closed and namespaces removed.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Registers the stop signals to set the returned flag instead of killing the process. A
/// second signal exits at once (status 130): the first one is only seen between frames or
/// steps, and a loop blocked on an idle pipe or a hung cleanup would otherwise ignore the
/// user.
pub fn stop_flag() -> std::io::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        // Registered first, so it sees the flag as the previous signal left it.
        signal_hook::flag::register_conditional_shutdown(signal, 130, Arc::clone(&flag))?;
        signal_hook::flag::register(signal, Arc::clone(&flag))?;
    }
    Ok(flag)
}
