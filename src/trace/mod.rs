//! `sockeye run -- PROGRAM`: trace a program's socket calls with ptrace and a seccomp-bpf
//! filter (as `strace --seccomp-bpf` does), so only the calls listed in [`syscalls`] stop
//! it and everything else runs at full speed. Each call becomes a
//! [`crate::endpoints::events::SocketEvent`], the vocabulary the built-in endpoints use,
//! so the ladder, `--trace` and the UI show a student's own program exactly as the lab's.
//!
//! Linux on x86_64 and aarch64 only (the syscall table); Linux 5.3+ for
//! PTRACE_GET_SYSCALL_INFO, 5.6+ for the socket addresses (pidfd_getfd; without it
//! addresses come from the call arguments alone). 32-bit programs on a 64-bit kernel are
//! not traced (the filter matches the native architecture only; seccomp kills others).
//!
//! The traced program is hostile input: its memory is read in bounded copies
//! ([`memory`]), and it is killed (PTRACE_O_EXITKILL, and explicitly on every error path)
//! rather than ever left stopped. All `unsafe` lives in [`sys`].

pub mod calls;
pub mod decode;
pub mod memory;
pub mod output;
pub mod sides;
pub mod sockets;
// ptrace and seccomp-bpf: the tracer's system calls, kept beside the tracer that owns their
// protocol; with `crate::sys` and the capture ring, the only modules allowed `unsafe`.
#[allow(unsafe_code)]
pub mod sys;
pub mod syscalls;
pub mod tracer;

pub use tracer::{run, run_with_pipes, Ending, Outcome};

#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error("tracing is supported on Linux x86_64 and aarch64 only")]
    Unsupported,
    #[error("cannot build the seccomp filter: {0}")]
    Filter(String),
    #[error("cannot start the program")]
    Spawn(#[source] std::io::Error),
    #[error("cannot trace the program: {0}")]
    Start(String),
    #[error("ptrace {0}")]
    Ptrace(&'static str, #[source] nix::errno::Errno),
}
