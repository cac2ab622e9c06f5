//! Waiting for a descriptor to become readable, with a timeout.

use std::io;
use std::os::fd::AsFd;
use std::time::Duration;

/// Whether `fd` has something to read (data, or the writer's end: a read will not block)
/// within `timeout`. A signal interrupting the wait counts as "not yet", so the caller looks
/// at its stop flag.
pub fn readable(fd: &impl AsFd, timeout: Duration) -> io::Result<bool> {
    crate::sys::wait_readable(fd.as_fd(), timeout)
}
