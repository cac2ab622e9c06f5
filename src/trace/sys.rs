//! Every `unsafe` the tracer needs, in one place: the system calls nix does not wrap
//! (PTRACE_GET_SYSCALL_INFO, pidfd_open/pidfd_getfd) and the code that runs in the child
//! between fork and exec. Everything else in `trace` is safe Rust over these.

use std::io;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::Command;

use nix::unistd::Pid;
use seccompiler::BpfProgram;

/// What PTRACE_GET_SYSCALL_INFO says about a stopped thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyscallInfo {
    /// Stopped by the seccomp filter, before the call runs.
    Seccomp { nr: i64, args: [u64; 6] },
    /// Stopped as the call returns: the value, or the errno when `is_error`.
    Exit { rval: i64, is_error: bool },
    /// Any other stop (syscall entry is never asked for: seccomp replaces it).
    Other,
}

/// The kernel's `struct ptrace_syscall_info` (linux/ptrace.h), laid out here rather than
/// taken from libc, whose copy exists only for glibc targets. The union is read as words:
/// entry/seccomp = nr, args[6], ret_data; exit = rval, is_error.
#[repr(C)]
#[derive(Default)]
struct RawSyscallInfo {
    op: u8,
    _reserved: u8,
    _flags: u16,
    _arch: u32,
    _instruction_pointer: u64,
    _stack_pointer: u64,
    data: [u64; 8],
}

const PTRACE_GET_SYSCALL_INFO: libc::c_uint = 0x420e;
const OP_EXIT: u8 = 2;
const OP_SECCOMP: u8 = 3;

/// PTRACE_GET_SYSCALL_INFO (Linux 5.3+): the call's number and arguments, or its result,
/// without per-architecture register layouts.
pub fn syscall_info(tid: Pid) -> io::Result<SyscallInfo> {
    let mut raw = RawSyscallInfo::default();
    // SAFETY: the kernel writes at most `size_of::<RawSyscallInfo>()` bytes (the size we
    // pass) into `raw`, which lives for the whole call; `tid` is a tracee stopped by us.
    let n = unsafe {
        libc::ptrace(
            PTRACE_GET_SYSCALL_INFO as _,
            tid.as_raw(),
            std::mem::size_of::<RawSyscallInfo>(),
            &mut raw as *mut RawSyscallInfo,
        )
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let d = raw.data;
    Ok(match raw.op {
        OP_SECCOMP => SyscallInfo::Seccomp {
            nr: d[0] as i64,
            args: [d[1], d[2], d[3], d[4], d[5], d[6]],
        },
        // `is_error` is a u8 right after the s64; both supported targets are little-endian.
        OP_EXIT => SyscallInfo::Exit {
            rval: d[0] as i64,
            is_error: d[1] & 0xff != 0,
        },
        _ => SyscallInfo::Other,
    })
}

/// Makes `cmd`'s child ask to be traced by us and install `filter` just before exec, so
/// the first thing we see is the exec stop and from then on only the filtered calls stop.
///
/// The child also dies with the thread that starts it (PR_SET_PDEATHSIG): if the tracer
/// is killed before it attached, the program must not run on untraced and unowned. Its own
/// children are covered by PTRACE_O_EXITKILL once tracing runs.
pub fn trace_on_exec(cmd: &mut Command, filter: BpfProgram) {
    let tracer = std::process::id();
    // SAFETY: the closure runs in the forked child before exec, where only async-signal-safe
    // work is allowed: it makes plain system calls (prctl, getppid, ptrace, then prctl +
    // seccomp inside `apply_filter`, which does not allocate) on data built before the fork;
    // the errors it builds from raw errnos do not allocate either.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            ) != 0
            {
                return Err(io::Error::last_os_error());
            }
            // The tracer died between fork and prctl: nobody would ever trace or reap us.
            if libc::getppid() as u32 != tracer {
                return Err(io::Error::from_raw_os_error(libc::ESRCH));
            }
            nix::sys::ptrace::traceme().map_err(io::Error::from)?;
            seccompiler::apply_filter(&filter).map_err(|e| io::Error::other(e.to_string()))
        });
    }
}

/// A copy of process `pid`'s descriptor `fd` in this process (pidfd_getfd, Linux 5.6+), so
/// the tracer can ask the kernel for the socket's addresses. Dropping it closes our copy
/// only; the program's socket is untouched.
pub fn borrow_fd(pid: Pid, fd: i32) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid.as_raw(), 0) };
    if pidfd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `pidfd` was just returned to us by the kernel and is owned by nobody else.
    let pidfd = unsafe { OwnedFd::from_raw_fd(pidfd as i32) };
    let raw = std::os::fd::AsRawFd::as_raw_fd(&pidfd);
    // SAFETY: pidfd_getfd takes descriptors and flags and returns a new descriptor or -1.
    let copy = unsafe { libc::syscall(libc::SYS_pidfd_getfd, raw, fd, 0) };
    if copy < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel just installed `copy` in our table; this is its only owner.
    Ok(unsafe { OwnedFd::from_raw_fd(copy as i32) })
}
