//! A minimal packet tap for `lab run --trace` and the tests: one AF_PACKET SOCK_RAW socket,
//! `recvfrom` with a timeout, a one-line summary per frame.
//!
//! This is deliberately small and *not* the live source the inspector uses: the main path is
//! `crate::source::ring` (TPACKET_V3, written separately). [`PacketTap`] exists so the
//! endpoints can be traced before that lands; [`capture_while`] is the single place to swap
//! in the ring source (see the note there). It only ever listens on one named interface of
//! the namespace it was opened in.

use std::collections::HashSet;
use std::ffi::CString;
use std::io;
use std::mem;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use etherparse::{NetSlice, SlicedPacket, TransportSlice};

use super::events::now_ns;
use super::EndpointError;
use crate::frame::TimestampNs;
use crate::frame::{Direction, Frame, LinkType};
use crate::pcapio::CaptureWriter;

/// Bytes kept of each frame: a whole loopback GSO super-packet plus headers.
pub const SNAPLEN: u32 = 65_536 + 256;
/// Hard cap on frames kept by one capture, so a busy interface cannot grow memory unbounded.
pub const MAX_FRAMES: usize = 100_000;

/// setsockopt(SOL_SOCKET, `name`, `val`).
fn set_opt<T>(fd: &OwnedFd, name: libc::c_int, val: &T, what: &str) -> Result<(), EndpointError> {
    // SAFETY: `val` points to a live T and the length passed is exactly its size.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            name,
            (val as *const T).cast(),
            mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        let e = io::Error::last_os_error();
        return Err(EndpointError::Failed(format!("{what}: {e}")));
    }
    Ok(())
}

/// A raw packet socket bound to one interface.
pub struct PacketTap {
    fd: OwnedFd,
    /// On `lo` every frame is seen twice: the outgoing copy and the incoming (host) one. We
    /// keep the outgoing copy: the kernel stamps it at transmit time, whereas the incoming
    /// copy of a TCP segment still carries TCP's monotonic departure time and ends up stamped
    /// only when we read it.
    loopback: bool,
}

/// One captured frame: kernel timestamp and the Ethernet bytes.
#[derive(Debug, Clone)]
pub struct TapFrame {
    pub ts_ns: TimestampNs,
    pub outgoing: bool,
    /// Length on the wire (`data` is cut at [`SNAPLEN`]).
    pub orig_len: u32,
    pub data: Vec<u8>,
}

impl PacketTap {
    /// Opens a tap on `interface` in the calling thread's network namespace. Needs
    /// CAP_NET_RAW; without it the error says so in one line.
    pub fn open(interface: &str) -> Result<PacketTap, EndpointError> {
        let proto = (libc::ETH_P_ALL as u16).to_be();
        // SAFETY: plain socket(2) call; the result is checked before use.
        let raw = unsafe {
            libc::socket(
                libc::AF_PACKET,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                i32::from(proto),
            )
        };
        if raw < 0 {
            let e = io::Error::last_os_error();
            return Err(match e.raw_os_error() {
                Some(libc::EPERM) | Some(libc::EACCES) => EndpointError::Permission(
                    "packet capture needs CAP_NET_RAW (run as root, or setcap cap_net_raw+ep)"
                        .into(),
                ),
                _ => EndpointError::Failed(format!("packet socket: {e}")),
            });
        }
        // SAFETY: `raw` is a freshly created, valid descriptor that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let name = CString::new(interface)
            .map_err(|_| EndpointError::Failed(format!("bad interface name {interface:?}")))?;
        // SAFETY: `name` is a valid NUL-terminated string for the duration of the call.
        let ifindex = unsafe { libc::if_nametoindex(name.as_ptr()) };
        if ifindex == 0 {
            return Err(EndpointError::Failed(format!("no interface {interface:?}")));
        }
        // SAFETY: sockaddr_ll is plain old data; all-zero is a valid value.
        let mut sll: libc::sockaddr_ll = unsafe { mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = proto;
        sll.sll_ifindex = i32::try_from(ifindex).unwrap_or(0);
        // SAFETY: `sll` is a valid sockaddr_ll and the length passed matches its size.
        let rc = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                (&sll as *const libc::sockaddr_ll).cast(),
                mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if rc < 0 {
            let e = io::Error::last_os_error();
            return Err(EndpointError::Failed(format!("bind to {interface}: {e}")));
        }
        let tv = libc::timeval {
            tv_sec: 0,
            tv_usec: 20_000,
        };
        set_opt(&fd, libc::SO_RCVTIMEO, &tv, "SO_RCVTIMEO")?;
        // Makes the kernel stamp frames (CLOCK_REALTIME) as it queues them to us and hand the
        // stamp over as a control message; without it we would only know when we read them.
        set_opt(&fd, libc::SO_TIMESTAMPNS, &1i32, "SO_TIMESTAMPNS")?;
        Ok(PacketTap {
            fd,
            loopback: interface == "lo",
        })
    }

    /// The next frame, or `Ok(None)` after the 20 ms receive timeout.
    pub fn next_frame(&self, buf: &mut [u8]) -> io::Result<Option<TapFrame>> {
        // Bounded: each pass either returns or skips one duplicate loopback copy, and the
        // receive timeout ends the wait when nothing arrives.
        loop {
            // SAFETY: all-zero is a valid sockaddr_ll; the kernel fills it in.
            let mut sll: libc::sockaddr_ll = unsafe { mem::zeroed() };
            // u64 elements keep the control buffer aligned for cmsghdr.
            let mut control = [0u64; 16];
            let mut iov = libc::iovec {
                iov_base: buf.as_mut_ptr().cast(),
                iov_len: buf.len(),
            };
            // SAFETY: all-zero is a valid msghdr; the pointers are filled in below.
            let mut msg: libc::msghdr = unsafe { mem::zeroed() };
            msg.msg_name = (&mut sll as *mut libc::sockaddr_ll).cast();
            msg.msg_namelen = mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
            msg.msg_iov = &mut iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control.as_mut_ptr().cast();
            msg.msg_controllen = mem::size_of_val(&control);
            // SAFETY: every pointer in `msg` refers to a live, writable buffer of the
            // stated length (`buf`, `sll`, `control`) for the duration of the call.
            let n = unsafe { libc::recvmsg(self.fd.as_raw_fd(), &mut msg, libc::MSG_TRUNC) };
            if n < 0 {
                let e = io::Error::last_os_error();
                return match e.kind() {
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(None),
                    _ => Err(e),
                };
            }
            let outgoing = sll.sll_pkttype == libc::PACKET_OUTGOING;
            if self.loopback && !outgoing {
                continue;
            }
            let ts_ns = rx_timestamp(&msg).unwrap_or_else(now_ns);
            // MSG_TRUNC makes `n` the frame's real length; keep what fit in the buffer.
            let kept = usize::try_from(n).unwrap_or(0).min(buf.len());
            let data = buf.get(..kept).unwrap_or_default().to_vec();
            return Ok(Some(TapFrame {
                ts_ns,
                outgoing,
                orig_len: u32::try_from(n).unwrap_or(u32::MAX),
                data,
            }));
        }
    }
}

/// The SCM_TIMESTAMPNS control message: when the kernel queued the frame for us.
fn rx_timestamp(msg: &libc::msghdr) -> Option<TimestampNs> {
    // SAFETY: `msg` was filled by a successful recvmsg, so the CMSG_* walk stays within
    // msg_control/msg_controllen, and an SCM_TIMESTAMPNS payload is one timespec (read
    // unaligned since CMSG_DATA gives no alignment promise for it).
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_TIMESTAMPNS {
                let ts: libc::timespec = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast());
                return Some(ts.tv_sec * 1_000_000_000 + ts.tv_nsec);
            }
            c = libc::CMSG_NXTHDR(msg, c);
        }
    }
    None
}

/// Captures on `interface` while `body` runs, plus `linger` afterwards for the last
/// packets (the final ACK). Returns the body's result and the packet lines.
///
/// WIRING NOTE for the live source: once `crate::source::ring` exists, replace the
/// `PacketTap` loop below with the ring source and a real decoder summary; the signature
/// (`(ts_ns, summary)` pairs) is what [`super::trace::merge`] consumes.
pub fn capture_while<T>(
    tap: PacketTap,
    linger: Duration,
    body: impl FnOnce() -> T,
) -> (T, Vec<TapFrame>) {
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = vec![0u8; SNAPLEN as usize];
        let mut frames = Vec::new();
        let mut stop_at: Option<Instant> = None;
        // Bounded: ends `linger` after the body finished, or at MAX_FRAMES, or on an error.
        while frames.len() < MAX_FRAMES {
            if stop_at.is_none() && stop2.load(Ordering::SeqCst) {
                stop_at = Some(Instant::now() + linger);
            }
            if stop_at.is_some_and(|t| Instant::now() >= t) {
                break;
            }
            match tap.next_frame(&mut buf) {
                Ok(Some(f)) => frames.push(f),
                Ok(None) => {}
                Err(_) => break,
            }
        }
        frames
    });
    /// Stops the reader even if `body` panics, so the thread cannot outlive its purpose.
    struct StopOnDrop(Arc<AtomicBool>);
    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let guard = StopOnDrop(stop);
    let out = body();
    drop(guard);
    let frames = reader.join().unwrap_or_default();
    (out, frames)
}

/// The frames that belong to a scenario: TCP/UDP with one of `ports` on either side, plus
/// ARP and ICMP (few, and the lab's point). On a shared `lo` this drops everybody else's
/// loopback traffic.
pub fn scenario_frames<'a>(frames: &'a [TapFrame], ports: &HashSet<u16>) -> Vec<&'a TapFrame> {
    frames.iter().filter(|f| belongs(&f.data, ports)).collect()
}

/// `(ts_ns, summary)` lines, what [`super::trace::merge`] takes: the decoder's summary
/// with the analysis's relative sequence numbers, as `sockeye -r` prints them.
pub fn packet_lines(frames: &[&TapFrame]) -> Vec<(TimestampNs, String)> {
    let mut dissector = crate::dissect::Dissector::new();
    frames
        .iter()
        .map(|f| {
            let frame = Frame {
                ts_ns: f.ts_ns,
                data: &f.data,
                orig_len: f.orig_len,
                link: LinkType::ETHERNET,
                interface: 0,
                direction: Direction::Unknown,
            };
            let mut line = Vec::new();
            crate::headless::write_dissection_summary(&dissector.dissect(&frame), &mut line);
            (f.ts_ns, String::from_utf8_lossy(&line).into_owned())
        })
        .collect()
}

/// Saves frames as a capture file (format by extension, see [`CaptureWriter::create`]).
pub fn write_frames(path: &str, frames: &[&TapFrame]) -> Result<u64, EndpointError> {
    let fail = |e: &dyn std::fmt::Display| EndpointError::Failed(e.to_string());
    let mut w = CaptureWriter::create(path, SNAPLEN, LinkType::ETHERNET).map_err(|e| fail(&e))?;
    for f in frames {
        let frame = Frame {
            ts_ns: f.ts_ns,
            data: &f.data,
            orig_len: f.orig_len,
            link: LinkType::ETHERNET,
            interface: 0,
            direction: if f.outgoing {
                Direction::Outbound
            } else {
                Direction::Inbound
            },
        };
        w.write_frame(&frame).map_err(|e| fail(&e))?;
    }
    w.flush().map_err(|e| fail(&e))?;
    Ok(w.written())
}

fn belongs(frame: &[u8], ports: &HashSet<u16>) -> bool {
    let Ok(p) = SlicedPacket::from_ethernet(frame) else {
        return false;
    };
    match (&p.net, &p.transport) {
        (Some(NetSlice::Arp(_)), _) => true,
        (_, Some(TransportSlice::Tcp(t))) => {
            ports.contains(&t.source_port()) || ports.contains(&t.destination_port())
        }
        (_, Some(TransportSlice::Udp(u))) => {
            ports.contains(&u.source_port()) || ports.contains(&u.destination_port())
        }
        (_, Some(TransportSlice::Icmpv4(_))) | (_, Some(TransportSlice::Icmpv6(_))) => true,
        _ => false,
    }
}

/// The decoder's tcpdump-like summary of an Ethernet frame (the same line `sockeye -r`
/// prints, without the time); never panics on malformed input.
pub fn summarize(frame: &[u8]) -> String {
    let frame = Frame {
        ts_ns: 0,
        data: frame,
        orig_len: frame.len() as u32,
        link: LinkType::ETHERNET,
        interface: 0,
        direction: Direction::Unknown,
    };
    let mut line = Vec::new();
    crate::headless::write_summary(&crate::decode::decode(&frame), None, &mut line);
    String::from_utf8_lossy(&line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_never_panic_on_truncations() {
        let mut frame = Vec::new();
        etherparse::PacketBuilder::ethernet2([1; 6], [2; 6])
            .ipv4([127, 0, 0, 1], [127, 0, 0, 2], 64)
            .tcp(40000, 7007, 1, 1000)
            .syn()
            .write(&mut frame, &[])
            .unwrap();
        let s = summarize(&frame);
        assert!(
            s.contains("IP 127.0.0.1.40000 > 127.0.0.2.7007: Flags [S], seq 1"),
            "{s}"
        );
        for cut in 0..frame.len() {
            let _ = summarize(frame.get(..cut).unwrap());
        }
    }
}
