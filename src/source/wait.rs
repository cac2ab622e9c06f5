//! Waiting for a descriptor to become readable, with a timeout.

use std::io;
use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;

/// Whether `fd` has something to read (data, or the writer's end: a read will not block)
/// within `timeout`. A signal interrupting the wait counts as "not yet", so the caller looks
/// at its stop flag.
pub fn readable(fd: &impl AsFd, timeout: Duration) -> io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd: fd.as_fd().as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
    // SAFETY: `pfd` is one valid pollfd for a descriptor the caller keeps open for the
    // duration of the call, and nfds is 1.
    let n = unsafe { libc::poll(&mut pfd, 1, ms) };
    if n < 0 {
        let err = io::Error::last_os_error();
        return if err.kind() == io::ErrorKind::Interrupted {
            Ok(false)
        } else {
            Err(err)
        };
    }
    Ok(n > 0)
}
