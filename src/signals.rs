//! Stopping cleanly on SIGINT, SIGTERM and SIGHUP: one flag that every long-running loop
//! (reader, live capture, servers, the lab, the UI) checks, so files are flushed complete,
//! sockets closed and namespaces removed.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Registers the stop signals to set the returned flag instead of killing the process. A
/// second SIGINT or SIGTERM exits at once (status 130): the first one is only seen between frames or
/// steps, and a loop blocked on an idle pipe or a hung cleanup would otherwise ignore the
/// user.
pub fn stop_flag() -> std::io::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // Registered first, so it sees the flag as the previous signal left it.
        signal_hook::flag::register_conditional_shutdown(signal, 130, Arc::clone(&flag))?;
        signal_hook::flag::register(signal, Arc::clone(&flag))?;
    }
    // A hang-up comes twice when a terminal closes (from the kernel to the foreground
    // group and again from the shell to its jobs), and nobody is left to be impatient:
    // it only asks to stop, so a `-w` file is always finished.
    signal_hook::flag::register(signal_hook::consts::SIGHUP, Arc::clone(&flag))?;
    Ok(flag)
}
