//! The socket-related system calls `sockeye run` stops on, by number, for the two
//! architectures it supports. Numbers come from libc's `SYS_*` constants so they match the
//! kernel the program runs on; elsewhere the tracer is not built (see [`supported`]).

/// A traced system call, named as the kernel names it (the event says what the program
/// meant: a `sendto` with no address is the C library's `send()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sys {
    Socket,
    Bind,
    Listen,
    Accept,
    Accept4,
    Connect,
    SendTo,
    RecvFrom,
    SendMsg,
    RecvMsg,
    SendMmsg,
    RecvMmsg,
    Read,
    Write,
    Readv,
    Writev,
    Shutdown,
    Close,
    Setsockopt,
    Getsockopt,
    Poll,
    Ppoll,
    Select,
    Pselect6,
    EpollWait,
    EpollPwait,
}

impl Sys {
    /// Calls that act on an existing descriptor (their first argument), as opposed to
    /// `socket()` which makes one and the waits that take a set of them.
    pub fn takes_fd(self) -> bool {
        !matches!(
            self,
            Sys::Socket
                | Sys::Poll
                | Sys::Ppoll
                | Sys::Select
                | Sys::Pselect6
                | Sys::EpollWait
                | Sys::EpollPwait
        )
    }

    /// Calls on any kind of descriptor, reported only when it is a socket.
    pub fn generic_io(self) -> bool {
        matches!(
            self,
            Sys::Read | Sys::Write | Sys::Readv | Sys::Writev | Sys::Close
        )
    }
}

/// Whether this build can trace: the syscall table below exists for this architecture.
pub const fn supported() -> bool {
    cfg!(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))
}

/// `(number, call)` for every traced call on this architecture.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
pub fn table() -> &'static [(i64, Sys)] {
    use libc::*;
    &[
        (SYS_socket, Sys::Socket),
        (SYS_bind, Sys::Bind),
        (SYS_listen, Sys::Listen),
        (SYS_accept, Sys::Accept),
        (SYS_accept4, Sys::Accept4),
        (SYS_connect, Sys::Connect),
        (SYS_sendto, Sys::SendTo),
        (SYS_recvfrom, Sys::RecvFrom),
        (SYS_sendmsg, Sys::SendMsg),
        (SYS_recvmsg, Sys::RecvMsg),
        (SYS_sendmmsg, Sys::SendMmsg),
        (SYS_recvmmsg, Sys::RecvMmsg),
        (SYS_read, Sys::Read),
        (SYS_write, Sys::Write),
        (SYS_readv, Sys::Readv),
        (SYS_writev, Sys::Writev),
        (SYS_shutdown, Sys::Shutdown),
        (SYS_close, Sys::Close),
        (SYS_setsockopt, Sys::Setsockopt),
        (SYS_getsockopt, Sys::Getsockopt),
        (SYS_poll, Sys::Poll),
        (SYS_ppoll, Sys::Ppoll),
        (SYS_select, Sys::Select),
        (SYS_pselect6, Sys::Pselect6),
        (SYS_epoll_wait, Sys::EpollWait),
        (SYS_epoll_pwait, Sys::EpollPwait),
    ]
}

/// aarch64 has no `poll`, `select`, `epoll_wait` (only their `p` forms) and no `send`/`recv`.
#[cfg(all(target_os = "linux", target_arch = "aarch64"))]
pub fn table() -> &'static [(i64, Sys)] {
    use libc::*;
    &[
        (SYS_socket, Sys::Socket),
        (SYS_bind, Sys::Bind),
        (SYS_listen, Sys::Listen),
        (SYS_accept, Sys::Accept),
        (SYS_accept4, Sys::Accept4),
        (SYS_connect, Sys::Connect),
        (SYS_sendto, Sys::SendTo),
        (SYS_recvfrom, Sys::RecvFrom),
        (SYS_sendmsg, Sys::SendMsg),
        (SYS_recvmsg, Sys::RecvMsg),
        (SYS_sendmmsg, Sys::SendMmsg),
        (SYS_recvmmsg, Sys::RecvMmsg),
        (SYS_read, Sys::Read),
        (SYS_write, Sys::Write),
        (SYS_readv, Sys::Readv),
        (SYS_writev, Sys::Writev),
        (SYS_shutdown, Sys::Shutdown),
        (SYS_close, Sys::Close),
        (SYS_setsockopt, Sys::Setsockopt),
        (SYS_getsockopt, Sys::Getsockopt),
        (SYS_ppoll, Sys::Ppoll),
        (SYS_pselect6, Sys::Pselect6),
        (SYS_epoll_pwait, Sys::EpollPwait),
    ]
}

#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
pub fn table() -> &'static [(i64, Sys)] {
    &[]
}

/// The call with number `nr`, if it is one of ours.
pub fn lookup(nr: i64) -> Option<Sys> {
    table().iter().find(|(n, _)| *n == nr).map(|(_, s)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_number_is_distinct_and_found_again() {
        let t = table();
        assert_eq!(supported(), !t.is_empty());
        for (nr, sys) in t {
            assert_eq!(lookup(*nr), Some(*sys));
            assert_eq!(t.iter().filter(|(n, _)| n == nr).count(), 1);
        }
        assert_eq!(lookup(-1), None);
    }
}
