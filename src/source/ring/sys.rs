//! The system calls behind the ring: interface lookups by ioctl, the AF_PACKET socket and
//! its options, and the shared mapping. Each wrapper turns errno into a typed error.

use std::ffi::CString;
use std::io;
use std::mem;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use crate::source::live::LiveError;

/// What the capture needs to know about an interface before opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterfaceInfo {
    pub index: i32,
    /// ARPHRD_* hardware type: decides raw Ethernet framing vs cooked SLL2.
    pub hatype: u16,
    pub up: bool,
}

/// An unprivileged socket to run interface ioctls on. Lookups go through the kernel of the
/// current network namespace (sysfs may show another namespace's interfaces).
fn ioctl_socket(iface: &str) -> Result<OwnedFd, LiveError> {
    // SAFETY: plain socket(2) call; the returned descriptor is checked before use.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(os(iface, "socket(AF_INET)"));
    }
    // SAFETY: fd is a fresh, valid descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn ifreq_for(iface: &str) -> Result<libc::ifreq, LiveError> {
    let bytes = iface.as_bytes();
    if bytes.is_empty() || bytes.len() >= libc::IFNAMSIZ || bytes.contains(&0) {
        return Err(LiveError::BadName(iface.to_string()));
    }
    // SAFETY: ifreq is plain old data (name array + union of integers/sockaddrs); all-zero
    // is a valid value.
    let mut ifr: libc::ifreq = unsafe { mem::zeroed() };
    for (dst, src) in ifr.ifr_name.iter_mut().zip(bytes) {
        *dst = *src as libc::c_char;
    }
    Ok(ifr)
}

/// Looks up index, hardware type and up flag of `iface`.
pub fn interface_info(iface: &str) -> Result<InterfaceInfo, LiveError> {
    let sock = ioctl_socket(iface)?;
    let fd = sock.as_raw_fd();
    let mut ifr = ifreq_for(iface)?;
    // SAFETY: ifr is a valid, NUL-terminated ifreq the kernel fills in; fd is open.
    if unsafe { libc::ioctl(fd, libc::SIOCGIFINDEX as _, &mut ifr) } < 0 {
        let err = io::Error::last_os_error();
        return Err(match err.raw_os_error() {
            Some(libc::ENODEV) => LiveError::NoSuchInterface(iface.to_string()),
            _ => os_err(iface, "ioctl(SIOCGIFINDEX)", err),
        });
    }
    // SAFETY: SIOCGIFINDEX wrote the ifindex member of the union.
    let index = unsafe { ifr.ifr_ifru.ifru_ifindex };

    let mut ifr = ifreq_for(iface)?;
    // SAFETY: as above; SIOCGIFFLAGS fills ifru_flags.
    if unsafe { libc::ioctl(fd, libc::SIOCGIFFLAGS as _, &mut ifr) } < 0 {
        return Err(os(iface, "ioctl(SIOCGIFFLAGS)"));
    }
    // SAFETY: SIOCGIFFLAGS wrote the flags member of the union.
    let flags = unsafe { ifr.ifr_ifru.ifru_flags };

    let mut ifr = ifreq_for(iface)?;
    // SAFETY: as above; SIOCGIFHWADDR fills ifru_hwaddr (sa_family = ARPHRD_*).
    if unsafe { libc::ioctl(fd, libc::SIOCGIFHWADDR as _, &mut ifr) } < 0 {
        return Err(os(iface, "ioctl(SIOCGIFHWADDR)"));
    }
    // SAFETY: SIOCGIFHWADDR wrote the hwaddr member of the union.
    let hatype = unsafe { ifr.ifr_ifru.ifru_hwaddr.sa_family };

    Ok(InterfaceInfo {
        index,
        hatype,
        up: flags & libc::IFF_UP as libc::c_short != 0,
    })
}

/// The loopback interface's index, for libpcap's rule of skipping its outgoing copies
/// (on `any` too). `None` when the namespace has no `lo`.
pub fn loopback_index() -> Option<i32> {
    let name = CString::new("lo").ok()?;
    // SAFETY: name is a valid NUL-terminated string.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    i32::try_from(index).ok().filter(|i| *i > 0)
}

/// An AF_PACKET socket with protocol 0: it receives nothing until `bind` names
/// ETH_P_ALL, so no frame from another interface slips in while the ring is set up.
pub fn packet_socket(iface: &str, cooked: bool) -> Result<OwnedFd, LiveError> {
    let kind = if cooked {
        libc::SOCK_DGRAM
    } else {
        libc::SOCK_RAW
    };
    // SAFETY: plain socket(2) call; the result is checked.
    let fd = unsafe { libc::socket(libc::AF_PACKET, kind | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        let err = io::Error::last_os_error();
        return Err(match err.raw_os_error() {
            Some(libc::EPERM | libc::EACCES) => LiveError::Permission {
                iface: iface.to_string(),
            },
            _ => os_err(iface, "socket(AF_PACKET)", err),
        });
    }
    // SAFETY: fd is a fresh, valid descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// setsockopt(SOL_PACKET, opt, value).
pub fn set_packet_opt<T>(fd: &OwnedFd, opt: libc::c_int, value: &T) -> io::Result<()> {
    // SAFETY: value points to a live T of the size passed; the kernel only reads it.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_PACKET,
            opt,
            (value as *const T).cast(),
            mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Attaches the one-instruction classic BPF program `ret #snaplen`: the kernel copies at
/// most that many bytes into the ring. This is how libpcap applies the snap length — the
/// ring itself only caps frames at its block geometry.
pub fn attach_snaplen_filter(fd: &OwnedFd, snaplen: u32) -> io::Result<()> {
    let program = [libc::sock_filter {
        code: (libc::BPF_RET | libc::BPF_K) as u16,
        jt: 0,
        jf: 0,
        k: snaplen,
    }];
    attach_filter(fd, &program)
}

/// Attaches a classic BPF program (SO_ATTACH_FILTER); the kernel copies it.
pub fn attach_filter(fd: &OwnedFd, program: &[libc::sock_filter]) -> io::Result<()> {
    let len = u16::try_from(program.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "filter too long"))?;
    let fprog = libc::sock_fprog {
        len,
        // The kernel only reads the program; the cast to *mut is what the C type demands.
        filter: program.as_ptr().cast_mut(),
    };
    // SAFETY: fprog points at `len` live instructions for the duration of the call.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_ATTACH_FILTER,
            (&fprog as *const libc::sock_fprog).cast(),
            mem::size_of::<libc::sock_fprog>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// One datagram into `buf` without blocking; its length (cut to `buf`).
pub fn recv_nonblocking(fd: libc::c_int, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: buf is a writable buffer of buf.len() bytes for the duration of the call.
    let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) };
    usize::try_from(n).map_err(|_| io::Error::last_os_error())
}

/// Binds the socket to `ifindex` (0 = every interface) for all protocols.
pub fn bind_all_protocols(fd: &OwnedFd, iface: &str, ifindex: i32) -> Result<(), LiveError> {
    // SAFETY: sockaddr_ll is plain old data; all-zero is valid.
    let mut addr: libc::sockaddr_ll = unsafe { mem::zeroed() };
    addr.sll_family = libc::AF_PACKET as u16;
    addr.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
    addr.sll_ifindex = ifindex;
    // SAFETY: addr is a valid sockaddr_ll and the length matches it.
    let rc = unsafe {
        libc::bind(
            fd.as_raw_fd(),
            (&addr as *const libc::sockaddr_ll).cast(),
            mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        let err = io::Error::last_os_error();
        return Err(match err.raw_os_error() {
            Some(libc::ENETDOWN) => LiveError::InterfaceDown(iface.to_string()),
            Some(libc::ENODEV) => LiveError::NoSuchInterface(iface.to_string()),
            _ => os_err(iface, "bind", err),
        });
    }
    Ok(())
}

/// Reads (and thereby resets) the kernel's counters: (packets, drops) since the last read.
pub fn read_stats(fd: &OwnedFd) -> io::Result<(u32, u32)> {
    // SAFETY: tpacket_stats_v3 is plain old data; all-zero is valid.
    let mut stats: libc::tpacket_stats_v3 = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::tpacket_stats_v3>() as libc::socklen_t;
    // SAFETY: stats/len describe a writable buffer of the right size.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::SOL_PACKET,
            libc::PACKET_STATISTICS,
            (&mut stats as *mut libc::tpacket_stats_v3).cast(),
            &mut len,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((stats.tp_packets, stats.tp_drops))
}

/// What one wait on the socket found.
pub enum Readiness {
    Readable,
    /// Timed out or interrupted by a signal: the caller re-checks its stop flag.
    Idle,
}

pub fn wait_readable(fd: &OwnedFd, timeout_ms: libc::c_int) -> io::Result<Readiness> {
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: pfd is one valid pollfd and the count says 1.
    let rc = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
    if rc < 0 {
        let err = io::Error::last_os_error();
        return match err.kind() {
            io::ErrorKind::Interrupted => Ok(Readiness::Idle),
            _ => Err(err),
        };
    }
    if rc == 0 {
        return Ok(Readiness::Idle);
    }
    if pfd.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0 {
        return Err(socket_error(fd));
    }
    Ok(Readiness::Readable)
}

/// The pending socket error (ENETDOWN when the interface went away), read with SO_ERROR.
fn socket_error(fd: &OwnedFd) -> io::Error {
    let mut value: libc::c_int = 0;
    let mut len = mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: value/len describe a writable c_int.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_ERROR,
            (&mut value as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    if rc == 0 && value != 0 {
        io::Error::from_raw_os_error(value)
    } else {
        io::Error::other("capture socket reported an error or hang-up")
    }
}

/// A shared, read-write mapping of the RX ring; unmapped on drop. memmap2's raw map owns
/// the mmap/munmap pair (and is Send); the ring reads it through raw pointers because the
/// kernel writes into it concurrently, which no `&[u8]` may see.
pub struct Mapping(memmap2::MmapRaw);

impl Mapping {
    pub fn new(fd: &OwnedFd, len: usize) -> io::Result<Mapping> {
        // The kernel checks len against the ring it allocated.
        memmap2::MmapOptions::new()
            .len(len)
            .map_raw(fd)
            .map(Mapping)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn as_ptr(&self) -> *mut u8 {
        self.0.as_mut_ptr()
    }
}

fn os(iface: &str, op: &'static str) -> LiveError {
    os_err(iface, op, io::Error::last_os_error())
}

pub fn os_err(iface: &str, op: &'static str, source: io::Error) -> LiveError {
    LiveError::Os {
        iface: iface.to_string(),
        op,
        cause: source,
    }
}
