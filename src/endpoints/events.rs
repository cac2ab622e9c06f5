//! Socket-call events: what the built-in endpoints did, with the same clock as packet
//! timestamps, so a trace can put `connect()` next to the SYN it caused.

use std::fmt;
use std::net::SocketAddr;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::frame::TimestampNs;

/// Which endpoint made the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Side {
    Client,
    Server,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

/// The socket API call, named as in C so the trace reads like the man pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum SocketCall {
    Socket,
    Bind,
    Listen,
    Accept,
    Connect,
    Send,
    Recv,
    SendTo,
    RecvFrom,
    Shutdown,
    Close,
    Setsockopt,
    /// The calls below come only from traced programs (`sockeye run`).
    SendMsg,
    RecvMsg,
    SendMmsg,
    RecvMmsg,
    /// read/write/readv/writev, reported when the descriptor is a socket.
    Read,
    Write,
    Readv,
    Writev,
    Getsockopt,
    /// poll/ppoll, select/pselect6 and epoll_wait/epoll_pwait, when waiting on sockets.
    Poll,
    Select,
    EpollWait,
}

impl SocketCall {
    pub fn name(self) -> &'static str {
        match self {
            SocketCall::Socket => "socket",
            SocketCall::Bind => "bind",
            SocketCall::Listen => "listen",
            SocketCall::Accept => "accept",
            SocketCall::Connect => "connect",
            SocketCall::Send => "send",
            SocketCall::Recv => "recv",
            SocketCall::SendTo => "sendto",
            SocketCall::RecvFrom => "recvfrom",
            SocketCall::Shutdown => "shutdown",
            SocketCall::Close => "close",
            SocketCall::Setsockopt => "setsockopt",
            SocketCall::SendMsg => "sendmsg",
            SocketCall::RecvMsg => "recvmsg",
            SocketCall::SendMmsg => "sendmmsg",
            SocketCall::RecvMmsg => "recvmmsg",
            SocketCall::Read => "read",
            SocketCall::Write => "write",
            SocketCall::Readv => "readv",
            SocketCall::Writev => "writev",
            SocketCall::Getsockopt => "getsockopt",
            SocketCall::Poll => "poll",
            SocketCall::Select => "select",
            SocketCall::EpollWait => "epoll_wait",
        }
    }

    /// Calls that wait for the network (and so are drawn where they returned, below the
    /// packet that woke them) rather than cause packets (drawn where they were made).
    pub fn waits(self) -> bool {
        matches!(
            self,
            SocketCall::Accept
                | SocketCall::Recv
                | SocketCall::RecvFrom
                | SocketCall::RecvMsg
                | SocketCall::RecvMmsg
                | SocketCall::Read
                | SocketCall::Readv
                | SocketCall::Poll
                | SocketCall::Select
                | SocketCall::EpollWait
        )
    }
}

/// Who made a call of a traced program (`sockeye run`): the process, the thread, its
/// command name, and the first bytes of the data it moved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Traced {
    pub pid: u32,
    pub tid: u32,
    /// `/proc/PID/comm`: "python3".
    pub comm: String,
    /// Up to [`DATA_HEAD`] bytes of what a send wrote or a receive read.
    pub data: Vec<u8>,
}

/// How many bytes of each send/receive a traced call keeps.
pub const DATA_HEAD: usize = 32;

/// How the call returned: success, or the errno the kernel gave (with its text).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CallResult {
    Ok,
    Err { errno: i32, message: String },
}

impl CallResult {
    pub fn from_io<T>(r: &std::io::Result<T>) -> Self {
        match r {
            Ok(_) => CallResult::Ok,
            Err(e) => {
                let errno = e.raw_os_error().unwrap_or(0);
                let text = e.to_string();
                // std appends " (os error N)"; the errno name is shown already.
                let suffix = format!(" (os error {errno})");
                let message = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
                CallResult::Err { errno, message }
            }
        }
    }

    pub fn is_ok(&self) -> bool {
        matches!(self, CallResult::Ok)
    }

    /// The errno, if the call failed.
    pub fn errno(&self) -> Option<i32> {
        match self {
            CallResult::Ok => None,
            CallResult::Err { errno, .. } => Some(*errno),
        }
    }
}

/// One socket call. `ts_ns` is taken just before the call and `ret_ns` just after it returns,
/// both CLOCK_REALTIME ns like capture timestamps: a blocking `connect()` spans the SYN and
/// the SYN-ACK, and the trace can show that.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SocketEvent {
    pub ts_ns: TimestampNs,
    pub ret_ns: TimestampNs,
    pub side: Side,
    pub call: SocketCall,
    /// The file descriptor the call was made on (for `accept`, the listener; the new
    /// connection's fd is in `detail`). Unique among open sockets at that moment.
    pub fd: i32,
    pub local: Option<SocketAddr>,
    pub peer: Option<SocketAddr>,
    /// Bytes moved by send/recv/sendto/recvfrom (`Some(0)` from recv is EOF).
    pub bytes: Option<usize>,
    pub result: CallResult,
    /// Call-specific arguments: "SOCK_STREAM", "SO_LINGER=0", "SHUT_WR", "new fd 7"…
    pub detail: String,
    /// Set for calls of a traced program; `None` for the built-in endpoints (sockeye itself).
    pub traced: Option<Traced>,
}

impl SocketEvent {
    /// A successful `call` on `side` made at `ts_ns` and returned at `ret_ns`, on fd 3 with
    /// no addresses yet: the fixture the unit tests build on (`..` the fields they vary).
    #[cfg(test)]
    pub(crate) fn fixture(side: Side, call: SocketCall, ts_ns: i64, ret_ns: i64) -> Self {
        SocketEvent {
            ts_ns,
            ret_ns,
            side,
            call,
            fd: 3,
            local: None,
            peer: None,
            bytes: None,
            result: CallResult::Ok,
            detail: String::new(),
            traced: None,
        }
    }

    /// Whether this is `call` on `side` that succeeded.
    pub fn is(&self, side: Side, call: SocketCall) -> bool {
        self.side == side && self.call == call
    }
}

/// Current CLOCK_REALTIME in ns since the epoch (what the kernel stamps captured packets
/// with, so events and packets sort on one axis).
pub fn now_ns() -> TimestampNs {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        // A clock before 1970 is a broken machine; 0 keeps ordering total instead of panicking.
        Err(_) => 0,
    }
}

/// `HH:MM:SS.uuuuuu` (UTC), tcpdump's default time column.
pub fn format_time(ts_ns: TimestampNs) -> String {
    let secs = ts_ns.div_euclid(1_000_000_000);
    let micros = ts_ns.rem_euclid(1_000_000_000) / 1_000;
    let day = secs.rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}.{:06}",
        day / 3600,
        (day / 60) % 60,
        day % 60,
        micros
    )
}

/// Short symbolic name for the errnos the scenarios provoke (the UI shows `ECONNREFUSED`,
/// which is what students will search for).
pub fn errno_name(errno: i32) -> &'static str {
    match errno {
        libc::ECONNREFUSED => "ECONNREFUSED",
        libc::ECONNRESET => "ECONNRESET",
        libc::EADDRINUSE => "EADDRINUSE",
        libc::EADDRNOTAVAIL => "EADDRNOTAVAIL",
        libc::EACCES => "EACCES",
        libc::EPERM => "EPERM",
        libc::EPIPE => "EPIPE",
        libc::ETIMEDOUT => "ETIMEDOUT",
        libc::EHOSTUNREACH => "EHOSTUNREACH",
        libc::ENETUNREACH => "ENETUNREACH",
        libc::EAGAIN => "EAGAIN",
        libc::EINPROGRESS => "EINPROGRESS",
        libc::ENOTCONN => "ENOTCONN",
        libc::EINVAL => "EINVAL",
        libc::EINTR => "EINTR",
        libc::EBADF => "EBADF",
        libc::ENOENT => "ENOENT",
        libc::ENOTSOCK => "ENOTSOCK",
        libc::EALREADY => "EALREADY",
        libc::EISCONN => "EISCONN",
        libc::EAFNOSUPPORT => "EAFNOSUPPORT",
        libc::EMFILE => "EMFILE",
        libc::ENOBUFS => "ENOBUFS",
        libc::ECONNABORTED => "ECONNABORTED",
        libc::EMSGSIZE => "EMSGSIZE",
        libc::ENOPROTOOPT => "ENOPROTOOPT",
        _ => "E?",
    }
}

/// `python3[1234]`, or `python3[1234/1240]` for a thread other than the main one.
pub fn task_label(t: &Traced) -> String {
    if t.tid == t.pid {
        format!("{}[{}]", t.comm, t.pid)
    } else {
        format!("{}[{}/{}]", t.comm, t.pid, t.tid)
    }
}

/// The first bytes of a payload as an escaped string (`"GET / HTTP/1.1\r\n"…`), with `…`
/// when `total` bytes moved and fewer are shown.
pub fn data_head(head: &[u8], total: usize) -> String {
    let more = if total > head.len() { "…" } else { "" };
    format!("\"{}\"{more}", head.escape_ascii())
}

fn fmt_addr(a: Option<SocketAddr>) -> String {
    a.map_or_else(|| "-".to_string(), |a| a.to_string())
}

impl SocketEvent {
    /// Whether the call waits for packets (accept, recv…): it is told when it
    /// returned, after the packet that woke it. Other calls cause packets and are told when
    /// they were made, before the packets they sent.
    pub fn waits(&self) -> bool {
        self.call.waits()
    }

    /// Where the call goes on a time line (see [`Self::waits`]), and whether that is its
    /// return.
    pub fn placed_at(&self) -> (TimestampNs, bool) {
        if self.waits() {
            (self.ret_ns, true)
        } else {
            (self.ts_ns, false)
        }
    }

    /// The trace line of the call, timed where [`Self::placed_at`] puts it.
    pub fn placed_line(&self) -> String {
        let (at, _) = self.placed_at();
        let mut line = String::new();
        let _ = self.write_line(&mut line, at);
        line
    }

    fn write_line(&self, f: &mut impl fmt::Write, at: TimestampNs) -> fmt::Result {
        write!(f, "{} {:<6} ", format_time(at), self.side.as_str())?;
        if let Some(t) = &self.traced {
            write!(f, "{} ", task_label(t))?;
        }
        write!(f, "{}() fd {}", self.call.name(), self.fd)?;
        if self.local.is_some() || self.peer.is_some() {
            write!(f, " {} <-> {}", fmt_addr(self.local), fmt_addr(self.peer))?;
        }
        if let Some(n) = self.bytes {
            write!(f, " {n} bytes")?;
            if let Some(t) = self.traced.as_ref().filter(|t| !t.data.is_empty()) {
                write!(f, " {}", data_head(&t.data, n))?;
            }
        }
        match &self.result {
            CallResult::Ok => write!(f, " -> ok")?,
            CallResult::Err { errno, message } => {
                write!(f, " -> {} ({message})", errno_name(*errno))?
            }
        }
        let took_us = (self.ret_ns - self.ts_ns).max(0) / 1_000;
        if self.waits() && at == self.ret_ns && self.ret_ns != self.ts_ns {
            write!(f, " (waited {took_us} us)")?;
        } else {
            write!(f, " ({took_us} us)")?;
        }
        if !self.detail.is_empty() {
            write!(f, " {}", self.detail)?;
        }
        Ok(())
    }
}

impl fmt::Display for SocketEvent {
    /// One trace line: `12:00:00.000123 server accept() fd 3 127.0.0.1:7007 <- 127.0.0.1:40000 -> ok (15 us) new fd 5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_line(f, self.ts_ns)
    }
}

/// Where events go. Implemented for a channel sender (the UI merges events with packets),
/// for a collecting [`EventLog`], and for [`PrintSink`] (the CLI's readable trace).
pub trait EventSink: Send + Sync {
    fn emit(&self, event: SocketEvent);
}

impl EventSink for Sender<SocketEvent> {
    fn emit(&self, event: SocketEvent) {
        // A receiver that went away means nobody wants the trace any more; the endpoint
        // must keep working regardless.
        let _ = self.send(event);
    }
}

/// Keeps every event in memory (scenario reports, tests).
#[derive(Debug, Default)]
pub struct EventLog {
    events: Mutex<Vec<SocketEvent>>,
}

impl EventLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the events so far, sorted by call start time.
    pub fn snapshot(&self) -> Vec<SocketEvent> {
        let mut v = self
            .events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        v.sort_by_key(|e| e.ts_ns);
        v
    }
}

impl EventSink for EventLog {
    fn emit(&self, event: SocketEvent) {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event);
    }
}

/// Prints each event as one line on stdout, as it happens.
#[derive(Debug, Default, Clone, Copy)]
pub struct PrintSink;

impl EventSink for PrintSink {
    fn emit(&self, event: SocketEvent) {
        println!("{event}");
    }
}

/// Discards events (when only the exchange matters).
#[derive(Debug, Default, Clone, Copy)]
pub struct NullSink;

impl EventSink for NullSink {
    fn emit(&self, _event: SocketEvent) {}
}

/// Sends every event to two sinks (a scenario records its own copy and forwards to the
/// caller's sink).
pub struct Tee(pub Arc<dyn EventSink>, pub Arc<dyn EventSink>);

impl EventSink for Tee {
    fn emit(&self, event: SocketEvent) {
        self.0.emit(event.clone());
        self.1.emit(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ts: i64, result: CallResult) -> SocketEvent {
        SocketEvent {
            local: Some("127.0.0.1:7007".parse().unwrap()),
            peer: Some("127.0.0.1:40000".parse().unwrap()),
            result,
            detail: "new fd 5".into(),
            ..SocketEvent::fixture(Side::Server, SocketCall::Accept, ts, ts + 15_000)
        }
    }

    #[test]
    fn time_format_is_utc_time_of_day_with_micros() {
        assert_eq!(format_time(43_200_000_123_456), "12:00:00.000123");
        assert_eq!(
            format_time(86_400_000_000_000 + 61_000_000_000),
            "00:01:01.000000"
        );
    }

    #[test]
    fn display_is_one_readable_line() {
        let ok = ev(43_200_000_123_000, CallResult::Ok).to_string();
        assert_eq!(
            ok,
            "12:00:00.000123 server accept() fd 3 127.0.0.1:7007 <-> 127.0.0.1:40000 -> ok (15 us) new fd 5"
        );
        let err = ev(
            0,
            CallResult::from_io::<()>(&Err(std::io::Error::from_raw_os_error(libc::ECONNREFUSED))),
        );
        assert_eq!(err.result.errno(), Some(libc::ECONNREFUSED));
        assert!(err
            .to_string()
            .contains("-> ECONNREFUSED (Connection refused"));
    }

    #[test]
    fn channel_and_log_sinks_receive_events() {
        let (tx, rx) = std::sync::mpsc::channel();
        let log = Arc::new(EventLog::new());
        let tee = Tee(Arc::new(tx), log.clone());
        tee.emit(ev(2, CallResult::Ok));
        tee.emit(ev(1, CallResult::Ok));
        assert_eq!(rx.try_iter().count(), 2);
        let snap = log.snapshot();
        assert_eq!(snap.iter().map(|e| e.ts_ns).collect::<Vec<_>>(), vec![1, 2]);
    }
}
