//! One traced call, from the seccomp stop (arguments, input addresses) to the exit stop
//! (result, output addresses, the data's first bytes), turned into a [`SocketEvent`] in
//! the endpoints' vocabulary so the ladder and `--trace` show it unchanged.

use nix::unistd::Pid;

use super::decode::{self, Addr};
use super::memory::{self, word};
use super::sockets::{self, FdTable, SockState};
use super::syscalls::Sys;
use crate::endpoints::events::{
    now_ns, CallResult, Side, SocketCall, SocketEvent, Traced, DATA_HEAD,
};

/// Bytes of a `struct sockaddr_storage`: no address is longer.
const SOCKADDR_MAX: usize = 128;
/// `struct msghdr` and `struct mmsghdr` on 64-bit Linux.
const MSGHDR_LEN: usize = 56;
const MMSGHDR_LEN: u64 = 64;
/// At most this many descriptors of a poll/select are looked at.
const MAX_WAIT_FDS: usize = 64;

/// A call seen at its seccomp stop and followed to its return.
#[derive(Debug, Clone)]
pub struct Pending {
    pub sys: Sys,
    pub args: [u64; 6],
    pub ts_ns: i64,
    /// The address the program passed (bind, connect, sendto).
    addr: Option<Addr>,
    /// The socket descriptors a poll/select waits on.
    waits_on: Vec<i32>,
}

/// Who made the call: the process (thread group), the thread and its command name.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub pid: Pid,
    pub tid: Pid,
    pub comm: &'a str,
}

fn arg_fd(a: u64) -> i32 {
    a as i32
}

/// At the seccomp stop: `Some` to follow the call to its return, `None` to let it run
/// untraced (a read of a file, a poll on pipes).
pub fn enter(
    who: Caller<'_>,
    sys: Sys,
    args: [u64; 6],
    table: &mut FdTable,
    ts_ns: i64,
) -> Option<Pending> {
    let mut p = Pending {
        sys,
        args,
        ts_ns,
        addr: None,
        waits_on: Vec::new(),
    };
    if sys.takes_fd() {
        let fd = arg_fd(args[0]);
        if let std::collections::hash_map::Entry::Vacant(slot) = table.entry(fd) {
            if sockets::is_socket(who.pid, fd) {
                slot.insert(sockets::adopt(who.pid, fd));
            } else if sys.generic_io() {
                return None;
            }
        }
    }
    match sys {
        Sys::Bind | Sys::Connect => {
            p.addr = Some(read_addr(who.tid, args[1], args[2] as usize));
        }
        Sys::SendTo if args[4] != 0 => {
            p.addr = Some(read_addr(who.tid, args[4], args[5] as usize));
        }
        Sys::Poll | Sys::Ppoll => {
            p.waits_on = poll_fds(who.tid, args[0], args[1] as usize)
                .into_iter()
                .map(|(fd, _)| fd)
                .filter(|fd| table.contains_key(fd))
                .collect();
            if p.waits_on.is_empty() {
                return None;
            }
        }
        Sys::Select | Sys::Pselect6 => {
            let nfds = (args[0] as usize).min(MAX_WAIT_FDS * 16);
            let mut fds: Vec<i32> = [args[1], args[2]]
                .iter()
                .flat_map(|&set| fd_set(who.tid, set, nfds))
                .filter(|fd| table.contains_key(fd))
                .collect();
            fds.sort_unstable();
            fds.dedup();
            if fds.is_empty() {
                return None;
            }
            p.waits_on = fds;
        }
        Sys::EpollWait | Sys::EpollPwait if table.is_empty() => return None,
        _ => {}
    }
    Some(p)
}

fn read_addr(tid: Pid, ptr: u64, len: usize) -> Addr {
    decode::sockaddr(&memory::read(tid, ptr, len.min(SOCKADDR_MAX)))
}

/// An output address: the kernel wrote `*len_ptr` bytes at `ptr`.
fn read_out_addr(tid: Pid, ptr: u64, len_ptr: u64) -> Option<Addr> {
    if ptr == 0 || len_ptr == 0 {
        return None;
    }
    let len = memory::read_u32(tid, len_ptr)? as usize;
    Some(read_addr(tid, ptr, len))
}

/// `(fd, revents)` of a `struct pollfd` array.
fn poll_fds(tid: Pid, ptr: u64, n: usize) -> Vec<(i32, i16)> {
    let n = n.min(MAX_WAIT_FDS);
    let mut out = Vec::new();
    // Read in chunks: the memory module caps one read.
    for i in 0..n {
        let b = memory::read(tid, ptr.wrapping_add(8 * i as u64), 8);
        let (Some(fd), Some(rev)) = (b.get(0..4), b.get(6..8)) else {
            break;
        };
        let fd = i32::from_ne_bytes([fd[0], fd[1], fd[2], fd[3]]);
        out.push((fd, i16::from_ne_bytes([rev[0], rev[1]])));
    }
    out
}

/// The descriptors set in an `fd_set` bitmap of `nfds` bits.
fn fd_set(tid: Pid, ptr: u64, nfds: usize) -> Vec<i32> {
    if ptr == 0 {
        return Vec::new();
    }
    let bytes = memory::read(tid, ptr, nfds.div_ceil(8));
    (0..nfds)
        .filter(|&i| bytes.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0))
        .map(|i| i as i32)
        .collect()
}

/// The first bytes at `ptr` of a transfer of `n` bytes.
fn head(tid: Pid, ptr: u64, n: usize) -> Vec<u8> {
    memory::read(tid, ptr, n.min(DATA_HEAD))
}

/// `(base, len)` of the first iovec of an array.
fn first_iov(tid: Pid, iov: u64, count: u64) -> Option<(u64, u64)> {
    if count == 0 {
        return None;
    }
    let b = memory::read(tid, iov, 16);
    Some((word(&b, 0)?, word(&b, 8)?))
}

/// A `struct msghdr`'s address (name, namelen) and first iovec.
fn msghdr(tid: Pid, ptr: u64) -> (Option<Addr>, Option<(u64, u64)>) {
    let b = memory::read(tid, ptr, MSGHDR_LEN);
    let name = word(&b, 0).unwrap_or(0);
    let namelen = word(&b, 8).unwrap_or(0) & 0xffff_ffff;
    let addr = (name != 0 && namelen > 0).then(|| read_addr(tid, name, namelen as usize));
    let iov = match (word(&b, 16), word(&b, 24)) {
        (Some(iov), Some(n)) => first_iov(tid, iov, n),
        _ => None,
    };
    (addr, iov)
}

/// At the exit stop: the event for `p`, which returned `rval` (a negated errno when
/// `is_error`), with `table` updated (a new socket, a closed one, addresses learnt).
pub fn exit(
    who: Caller<'_>,
    p: Pending,
    rval: i64,
    is_error: bool,
    table: &mut FdTable,
) -> Option<SocketEvent> {
    // ERESTARTSYS and friends: a signal interrupted the call and the kernel restarts it,
    // which stops at the filter again; the restarted call is the one reported.
    if is_error && (512..=516).contains(&-rval) {
        return None;
    }
    let ok = !is_error;
    let ret_ns = now_ns();
    let a = p.args;
    let fd = arg_fd(a[0]);
    let n = if ok { usize::try_from(rval).ok() } else { None };
    let mut data = Vec::new();
    let mut detail = String::new();
    let mut call = SocketCall::Socket;
    let mut peer_override = None;
    let mut local_override = None;
    let mut bytes = None;
    let mut event_fd = fd;
    match p.sys {
        Sys::Socket => {
            let (family, sotype) = (a[0] as i32, a[1] as i32);
            detail = format!(
                "{}, {}",
                decode::family_name(family),
                decode::type_name(sotype)
            );
            event_fd = if ok { rval as i32 } else { -1 };
            if ok {
                table.insert(event_fd, SockState::new(family, sotype));
            }
        }
        Sys::Bind => {
            call = SocketCall::Bind;
            let addr = p.addr.clone().unwrap_or(Addr::Other("?".into()));
            detail = format!("to {addr}");
            if ok {
                let local = sockets::kernel_view(who.pid, fd).and_then(|v| v.local);
                if let Some(s) = table.get_mut(&fd) {
                    s.local = local.or(addr.ip());
                    // Binding a chosen port is how servers start (clients let the kernel pick).
                    if addr.ip().is_some_and(|a| a.port() != 0) {
                        s.side = Side::Server;
                    }
                }
                if let (Some(asked), Some(got)) = (addr.ip(), local) {
                    if asked.port() == 0 {
                        detail.push_str(&format!(" (the kernel picked port {})", got.port()));
                    }
                }
            }
        }
        Sys::Listen => {
            call = SocketCall::Listen;
            detail = format!("backlog {}", a[1] as i32);
            if let Some(s) = table.get_mut(&fd).filter(|_| ok) {
                s.side = Side::Server;
            }
        }
        Sys::Accept | Sys::Accept4 => {
            call = SocketCall::Accept;
            let from = read_out_addr(who.tid, a[1], a[2]);
            if ok {
                let new_fd = rval as i32;
                let mut state = table
                    .get(&fd)
                    .cloned()
                    .unwrap_or_else(|| SockState::new(libc::AF_UNSPEC, libc::SOCK_STREAM));
                let view = sockets::kernel_view(who.pid, new_fd);
                state.side = Side::Server;
                state.local = view.as_ref().and_then(|v| v.local).or(state.local);
                state.peer = view
                    .as_ref()
                    .and_then(|v| v.peer)
                    .or(from.as_ref().and_then(Addr::ip));
                local_override = state.local;
                peer_override = state.peer;
                table.insert(new_fd, state);
                detail = format!("new fd {new_fd}");
                if let Some(Addr::Unix(path)) = &from {
                    detail.push_str(&format!(" from unix:{path}"));
                }
            }
            if p.sys == Sys::Accept4 && a[3] != 0 {
                detail.push_str(&format!(
                    " ({})",
                    decode::type_name(a[3] as i32).trim_start_matches("type 0|")
                ));
            }
        }
        Sys::Connect => {
            call = SocketCall::Connect;
            let addr = p.addr.clone().unwrap_or(Addr::Other("?".into()));
            detail = format!("to {addr}");
            let in_progress = is_error && -rval == i64::from(libc::EINPROGRESS);
            let view = (ok || in_progress)
                .then(|| sockets::kernel_view(who.pid, fd))
                .flatten();
            if let Some(s) = table.get_mut(&fd) {
                if s.side != Side::Server {
                    s.side = Side::Client;
                }
                s.peer = addr.ip().or(s.peer);
                if let Some(v) = view {
                    s.local = v.local.or(s.local);
                }
            }
            peer_override = addr.ip();
        }
        Sys::SendTo => {
            call = if a[4] == 0 {
                SocketCall::Send
            } else {
                SocketCall::SendTo
            };
            bytes = n;
            data = n.map_or_else(Vec::new, |n| head(who.tid, a[1], n));
            detail = decode::msg_flags(a[3] as i32);
            if let Some(addr) = p.addr.as_ref() {
                peer_override = addr.ip();
                if addr.ip().is_none() {
                    detail = format!("to {addr} {detail}").trim_end().to_string();
                }
            }
            learn_implicit_bind(who.pid, fd, table);
        }
        Sys::RecvFrom => {
            call = if a[4] == 0 {
                SocketCall::Recv
            } else {
                SocketCall::RecvFrom
            };
            bytes = n;
            data = n.map_or_else(Vec::new, |n| head(who.tid, a[1], n));
            detail = decode::msg_flags(a[3] as i32);
            if ok {
                peer_override = read_out_addr(who.tid, a[4], a[5]).and_then(|x| x.ip());
            }
            if n == Some(0) && table.get(&fd).is_some_and(SockState::is_stream) {
                detail = "EOF".into();
            }
        }
        Sys::SendMsg | Sys::RecvMsg => {
            call = if p.sys == Sys::SendMsg {
                SocketCall::SendMsg
            } else {
                SocketCall::RecvMsg
            };
            bytes = n;
            let (addr, iov) = msghdr(who.tid, a[1]);
            if let (Some(n), Some((base, len))) = (n, iov) {
                data = head(who.tid, base, n.min(len as usize));
            }
            peer_override = addr.and_then(|x| x.ip());
            detail = decode::msg_flags(a[2] as i32);
            if p.sys == Sys::SendMsg {
                learn_implicit_bind(who.pid, fd, table);
            }
        }
        Sys::SendMmsg | Sys::RecvMmsg => {
            call = if p.sys == Sys::SendMmsg {
                SocketCall::SendMmsg
            } else {
                SocketCall::RecvMmsg
            };
            if let Some(count) = n {
                let shown = count.min(16) as u64;
                let total: usize = (0..shown)
                    .filter_map(|i| memory::read_u32(who.tid, a[1] + i * MMSGHDR_LEN + 56))
                    .map(|l| l as usize)
                    .sum();
                bytes = Some(total);
                let (addr, iov) = msghdr(who.tid, a[1]);
                if let Some((base, len)) = iov {
                    data = head(who.tid, base, total.min(len as usize));
                }
                peer_override = addr.and_then(|x| x.ip());
                detail = format!("{count} messages");
            }
        }
        Sys::Read | Sys::Write => {
            call = if p.sys == Sys::Read {
                SocketCall::Read
            } else {
                SocketCall::Write
            };
            bytes = n;
            data = n.map_or_else(Vec::new, |n| head(who.tid, a[1], n));
            if p.sys == Sys::Read && n == Some(0) {
                detail = "EOF".into();
            }
        }
        Sys::Readv | Sys::Writev => {
            call = if p.sys == Sys::Readv {
                SocketCall::Readv
            } else {
                SocketCall::Writev
            };
            bytes = n;
            if let (Some(n), Some((base, len))) = (n, first_iov(who.tid, a[1], a[2])) {
                data = head(who.tid, base, n.min(len as usize));
            }
            detail = format!("{} iovecs", a[2]);
        }
        Sys::Shutdown => {
            call = SocketCall::Shutdown;
            detail = decode::shutdown_how(a[1] as i32);
        }
        Sys::Close => {
            call = SocketCall::Close;
            // The event still names the socket's addresses: take them before forgetting it.
            let gone = table.remove(&fd);
            let side = gone.as_ref().map_or(Side::Client, |s| s.side);
            return Some(event(
                who,
                &p,
                ret_ns,
                call,
                fd,
                side,
                gone.as_ref().and_then(|s| s.local),
                gone.as_ref().and_then(|s| s.peer),
                None,
                result(rval, is_error),
                String::new(),
                Vec::new(),
            ));
        }
        Sys::Setsockopt | Sys::Getsockopt => {
            let (level, name) = (a[1] as i32, a[2] as i32);
            let opt = decode::sockopt_name(level, name);
            if p.sys == Sys::Setsockopt {
                call = SocketCall::Setsockopt;
                let value = memory::read(who.tid, a[3], (a[4] as usize).min(64));
                detail = format!("{opt}={}", decode::sockopt_value(level, name, &value));
            } else {
                call = SocketCall::Getsockopt;
                detail = opt.clone();
                if ok {
                    if let Some(len) = memory::read_u32(who.tid, a[4]) {
                        let value = memory::read(who.tid, a[3], (len as usize).min(64));
                        detail = format!("{opt} -> {}", decode::sockopt_value(level, name, &value));
                    }
                }
            }
        }
        Sys::Poll | Sys::Ppoll => {
            call = SocketCall::Poll;
            event_fd = p.waits_on.first().copied().unwrap_or(-1);
            let ready: Vec<String> = poll_fds(who.tid, a[0], a[1] as usize)
                .into_iter()
                .filter(|(fd, rev)| *rev != 0 && p.waits_on.contains(fd))
                .map(|(fd, rev)| format!("{fd} {}", poll_events(rev)))
                .collect();
            detail = format!("on {}", list(&p.waits_on));
            if !ready.is_empty() {
                detail.push_str(&format!(", ready: {}", ready.join(", ")));
            } else if ok && rval == 0 {
                detail.push_str(", timed out");
            }
        }
        Sys::Select | Sys::Pselect6 => {
            call = SocketCall::Select;
            event_fd = p.waits_on.first().copied().unwrap_or(-1);
            detail = format!("on {}", list(&p.waits_on));
            if ok {
                detail.push_str(&format!(", {rval} ready"));
            }
        }
        Sys::EpollWait | Sys::EpollPwait => {
            call = SocketCall::EpollWait;
            if ok {
                detail = format!("{rval} ready");
            }
        }
    }
    let state = table.get(&event_fd).or(table.get(&fd)).cloned();
    let side = state.as_ref().map_or(Side::Client, |s| s.side);
    let local = local_override.or(state.as_ref().and_then(|s| s.local));
    let peer = peer_override.or(state.as_ref().and_then(|s| s.peer));
    Some(event(
        who,
        &p,
        ret_ns,
        call,
        event_fd,
        side,
        local,
        peer,
        bytes,
        result(rval, is_error),
        detail,
        data,
    ))
}

/// An unbound UDP socket gets its port on the first send: learn it then.
fn learn_implicit_bind(pid: Pid, fd: i32, table: &mut FdTable) {
    if let Some(s) = table.get_mut(&fd) {
        if s.local.is_none_or(|l| l.port() == 0) {
            if let Some(local) = sockets::kernel_view(pid, fd).and_then(|v| v.local) {
                s.local = Some(local);
            }
        }
    }
}

fn list(fds: &[i32]) -> String {
    let v: Vec<String> = fds.iter().map(i32::to_string).collect();
    format!("fds {}", v.join(","))
}

fn poll_events(rev: i16) -> String {
    let names = [
        (libc::POLLIN, "POLLIN"),
        (libc::POLLOUT, "POLLOUT"),
        (libc::POLLERR, "POLLERR"),
        (libc::POLLHUP, "POLLHUP"),
        (libc::POLLRDHUP, "POLLRDHUP"),
        (libc::POLLNVAL, "POLLNVAL"),
    ];
    let v: Vec<&str> = names
        .iter()
        .filter(|(bit, _)| rev & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    v.join("|")
}

fn result(rval: i64, is_error: bool) -> CallResult {
    if !is_error {
        return CallResult::Ok;
    }
    let errno = i32::try_from(-rval).unwrap_or(0);
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    let suffix = format!(" (os error {errno})");
    CallResult::Err {
        errno,
        message: text.strip_suffix(&suffix).unwrap_or(&text).to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
fn event(
    who: Caller<'_>,
    p: &Pending,
    ret_ns: i64,
    call: SocketCall,
    fd: i32,
    side: Side,
    local: Option<std::net::SocketAddr>,
    peer: Option<std::net::SocketAddr>,
    bytes: Option<usize>,
    result: CallResult,
    detail: String,
    data: Vec<u8>,
) -> SocketEvent {
    SocketEvent {
        ts_ns: p.ts_ns,
        ret_ns,
        side,
        call,
        fd,
        local,
        peer,
        bytes,
        result,
        detail,
        traced: Some(Traced {
            pid: who.pid.as_raw() as u32,
            tid: who.tid.as_raw() as u32,
            comm: who.comm.to_string(),
            data,
        }),
    }
}
