//! The system calls sockeye makes outside the capture ring, each behind a safe function.
//!
//! Apart from the ring (`source/ring`, which owns the shared mapping it reads), this is the
//! one module allowed to say `unsafe`: the crate root denies `unsafe_code` everywhere else,
//! so a new system call has to come here and argue its safety once, next to the call.
//! libc is used directly where no well-kept crate already wraps the call (socket2, memmap2,
//! signal-hook and caps cover the rest).

use std::fs::File;
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::Duration;

/// Whether the effective user is root.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Gives SIGPIPE its default action back (Rust starts with it ignored), so a command-line
/// tool writing into a closed pipe dies quietly as tools conventionally do.
pub fn default_sigpipe() {
    // SAFETY: setting a signal disposition to SIG_DFL has no preconditions; it is done once
    // at startup before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Ignores SIGPIPE, so a write into a closed pipe becomes an EPIPE error the caller handles.
pub fn ignore_sigpipe() {
    // SAFETY: changing a signal disposition has no preconditions; no other thread is
    // handling SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

/// Becomes user `uid`, group `gid`, with no supplementary groups — in that order, since
/// each step needs the privilege the next one removes.
pub fn switch_user(uid: u32, gid: u32) -> io::Result<()> {
    let check = |rc: libc::c_int| {
        if rc == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    };
    // SAFETY: setgroups with a zero count never reads the (null) list.
    check(unsafe { libc::setgroups(0, std::ptr::null()) })?;
    // SAFETY: plain id-changing system calls; glibc applies them to every thread.
    check(unsafe { libc::setgid(gid) })?;
    // SAFETY: as above.
    check(unsafe { libc::setuid(uid) })
}

/// Asks the kernel to send `signal` to this process when its parent exits, then checks the
/// parent `expected` is still there (it may have exited just before the request, which the
/// kernel would then never report). Err(NotFound) when it is already gone.
///
/// The setting survives exec (not of set-uid programs), so it also holds across the
/// `unshare` re-execution that moves sockeye into its private namespace.
pub fn die_with_parent(signal: libc::c_int, expected: u32) -> io::Result<()> {
    let signal = libc::c_ulong::try_from(signal).map_err(io::Error::other)?;
    // SAFETY: PR_SET_PDEATHSIG takes a signal number and no pointers.
    let rc = unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, signal, 0, 0, 0) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    if std::os::unix::process::parent_id() != expected {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("the parent process {expected} has exited"),
        ));
    }
    Ok(())
}

/// Hours, minutes and seconds of the Unix time `sec` in the local time zone; `None` when
/// the C library cannot convert it.
pub fn local_time_of_day(sec: i64) -> Option<(i64, i64, i64)> {
    let t = libc::time_t::try_from(sec).ok()?;
    // SAFETY: `tm` is a plain C struct for which all-zero bytes are a valid value, and
    // localtime_r only writes into the struct we pass; both pointers are valid for the call.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return None;
        }
        tm
    };
    Some((
        i64::from(tm.tm_hour),
        i64::from(tm.tm_min),
        i64::from(tm.tm_sec),
    ))
}

/// The calendar fields of `sec`, in the local zone or UTC (libc knows the zone; the
/// standard library has no calendar). An out-of-range time gives 1970-01-01 00:00:00.
pub fn broken_down_time(sec: i64, local: bool) -> libc::tm {
    let t = sec as libc::time_t;
    // SAFETY: `tm` is a plain C struct for which all-zero bytes are a valid value, and
    // localtime_r/gmtime_r only write into the struct we pass; both pointers are valid.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        let ok = if local {
            !libc::localtime_r(&t, &mut tm).is_null()
        } else {
            !libc::gmtime_r(&t, &mut tm).is_null()
        };
        if !ok {
            tm = std::mem::zeroed();
            tm.tm_year = 70;
            tm.tm_mday = 1;
        }
        tm
    }
}

/// Whether descriptor `fd` has hung up (POLLHUP, POLLERR or POLLNVAL) within
/// `timeout_ms`; poll(2) reports those whatever is asked, so no event is requested.
pub fn hung_up(fd: i32, timeout_ms: i32) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd for the duration of the call.
    let n = unsafe { libc::poll(&mut p, 1, timeout_ms) };
    n > 0 && p.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

/// CPU time consumed by the calling thread (time spent preempted does not count).
pub fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant Linux knows.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec.clamp(0, 999_999_999)).unwrap_or(0),
    )
}

/// Maps `file` read-only.
///
/// A file truncated by another process while mapped makes later reads fault — the usual
/// caveat of every mmap-based capture reader (Wireshark's included); callers bounds-check
/// every offset against the map's length.
pub fn map_read_only(file: &File) -> io::Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to this process; see the caveat above.
    unsafe { memmap2::Mmap::map(file) }
}

/// Moves the calling thread into the network namespace open as `ns`.
pub fn enter_net_namespace(ns: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: `ns` is an open namespace file descriptor for the duration of the call;
    // setns only changes this thread's network namespace.
    let rc = unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Moves the calling thread into a new, empty network namespace (it needs CAP_SYS_ADMIN in
/// its user namespace: root, or the private namespace `sockeye run` re-executes into).
pub fn new_net_namespace() -> io::Result<()> {
    // SAFETY: unshare takes flags only; CLONE_NEWNET changes this thread's namespace alone.
    let rc = unsafe { libc::unshare(libc::CLONE_NEWNET) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Whether `fd` is readable (data, or the writer's end) within `timeout`; a signal
/// interrupting the wait counts as "not yet".
pub fn wait_readable(fd: BorrowedFd<'_>, timeout: Duration) -> io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
    // SAFETY: `pfd` is one valid pollfd for a descriptor borrowed for the duration of the
    // call, and nfds is 1.
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

/// Views an initialised buffer as possibly-uninitialised, which is what socket2's
/// `recv_from` takes.
pub fn as_uninit(buf: &mut [u8]) -> &mut [MaybeUninit<u8>] {
    // SAFETY: MaybeUninit<u8> has the same layout as u8, and the kernel (the only writer
    // through this view) only stores initialised bytes, so `buf` stays initialised.
    unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_cpu_time_advances_with_work() {
        let before = thread_cpu_time();
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        assert!(thread_cpu_time() > before, "{x}");
    }

    #[test]
    fn local_time_of_day_is_a_time_of_day() {
        let (h, m, s) = local_time_of_day(1_700_000_000).expect("convertible");
        assert!((0..24).contains(&h) && (0..60).contains(&m) && (0..61).contains(&s));
        // Time zones shift by whole quarter hours at most, never the seconds.
        assert_eq!(s, 1_700_000_000 % 60);
    }
}
