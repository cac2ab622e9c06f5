//! What the tracer knows about each traced process's sockets, by descriptor: the family and
//! type from `socket()`, which side of a conversation it is on, and its two addresses as
//! the kernel reports them. Threads share one table (they share descriptors); a forked
//! child starts with a copy of its parent's.

use std::collections::HashMap;
use std::net::SocketAddr;

use nix::unistd::Pid;

use crate::endpoints::events::Side;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SockState {
    pub family: i32,
    pub sotype: i32,
    /// Server once it listened, was accepted or bound a fixed UDP port; client otherwise.
    pub side: Side,
    pub local: Option<SocketAddr>,
    pub peer: Option<SocketAddr>,
}

impl SockState {
    pub fn new(family: i32, sotype: i32) -> Self {
        SockState {
            family,
            sotype,
            side: Side::Client,
            local: None,
            peer: None,
        }
    }

    pub fn is_stream(&self) -> bool {
        self.sotype & 0xf == libc::SOCK_STREAM
    }
}

/// One process's open sockets.
pub type FdTable = HashMap<i32, SockState>;

/// The addresses the kernel has for `pid`'s socket `fd`, read through a borrowed copy of
/// the descriptor (the program's own view, after any implicit bind); `None` where a copy
/// cannot be made (an old kernel, a process that already exited).
pub fn kernel_view(pid: Pid, fd: i32) -> Option<KernelView> {
    let owned = super::sys::borrow_fd(pid, fd).ok()?;
    let sock = socket2::SockRef::from(&owned);
    let local = sock.local_addr().ok();
    Some(KernelView {
        family: local
            .as_ref()
            .map_or(libc::AF_UNSPEC, |a| i32::from(a.family())),
        sotype: sock.r#type().map_or(0, i32::from),
        local: local.and_then(|a| a.as_socket()),
        peer: sock.peer_addr().ok().and_then(|a| a.as_socket()),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelView {
    pub family: i32,
    pub sotype: i32,
    pub local: Option<SocketAddr>,
    pub peer: Option<SocketAddr>,
}

/// Whether `pid`'s descriptor `fd` is a socket (`/proc/PID/fd/N` links to `socket:[inode]`),
/// for descriptors the tracer did not see being made (inherited, duplicated).
pub fn is_socket(pid: Pid, fd: i32) -> bool {
    std::fs::read_link(format!("/proc/{pid}/fd/{fd}"))
        .is_ok_and(|l| l.to_string_lossy().starts_with("socket:["))
}

/// The state of a socket found already open: what the kernel says about it.
pub fn adopt(pid: Pid, fd: i32) -> SockState {
    match kernel_view(pid, fd) {
        Some(v) => SockState {
            family: v.family,
            sotype: v.sotype,
            side: Side::Client,
            local: v.local,
            peer: v.peer,
        },
        None => SockState::new(libc::AF_UNSPEC, 0),
    }
}
