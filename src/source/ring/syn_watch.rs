//! A second, tiny packet socket that sees each TCP connection's SYN the moment it is on the
//! wire, for process attribution: the ring hands packets over a block at a time (up to its
//! 100 ms block timer later), by which time a connection that lasted a millisecond has no
//! socket left to name its process. This socket wakes only for SYNs (a kernel filter
//! drops everything else), so it costs one wakeup per new connection, never per packet.

use std::os::fd::{AsRawFd, OwnedFd};
use std::time::Duration;

use super::sys;
use crate::source::live::LiveError;

/// Bytes kept of each SYN: the largest IPv4 header (60) and TCP's fixed 20 are all that is
/// read.
const SNAP: u32 = 96;

/// Classic BPF over the network header (a SOCK_DGRAM packet socket has no link header):
/// accept IPv4 first fragments and IPv6 packets whose TCP header has SYN set. IPv6
/// extension headers are not walked: such SYNs are left to the ordinary lookup.
fn program() -> Vec<libc::sock_filter> {
    const LDB: u16 = (libc::BPF_LD | libc::BPF_B | libc::BPF_ABS) as u16;
    const LDH: u16 = (libc::BPF_LD | libc::BPF_H | libc::BPF_ABS) as u16;
    const LDB_X: u16 = (libc::BPF_LD | libc::BPF_B | libc::BPF_IND) as u16;
    const MSH: u16 = (libc::BPF_LDX | libc::BPF_B | libc::BPF_MSH) as u16;
    const RSH: u16 = (libc::BPF_ALU | libc::BPF_RSH | libc::BPF_K) as u16;
    const JEQ: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
    const JSET: u16 = (libc::BPF_JMP | libc::BPF_JSET | libc::BPF_K) as u16;
    const JA: u16 = (libc::BPF_JMP | libc::BPF_JA) as u16;
    const RET: u16 = (libc::BPF_RET | libc::BPF_K) as u16;
    let op = |code, jt, jf, k| libc::sock_filter { code, jt, jf, k };
    vec![
        /* 0 */ op(LDB, 0, 0, 0),
        /* 1 */ op(RSH, 0, 0, 4),
        /* 2 */ op(JEQ, 0, 7, 4), // IPv4, else 10
        /* 3 */ op(LDB, 0, 0, 9),
        /* 4 */ op(JEQ, 0, 11, 6), // TCP, else drop
        /* 5 */ op(LDH, 0, 0, 6),
        /* 6 */ op(JSET, 9, 0, 0x1fff), // a later fragment: drop
        /* 7 */ op(MSH, 0, 0, 0), // X = IPv4 header length
        /* 8 */ op(LDB_X, 0, 0, 13), // TCP flags
        /* 9 */ op(JA, 0, 0, 4), // to the SYN test
        /* 10 */ op(JEQ, 0, 5, 6), // A is still the version: IPv6, else drop
        /* 11 */ op(LDB, 0, 0, 6),
        /* 12 */ op(JEQ, 0, 3, 6), // next header TCP, else drop
        /* 13 */ op(LDB, 0, 0, 53), // TCP flags after the fixed 40-byte header
        /* 14 */ op(JSET, 0, 1, 0x02), // SYN
        /* 15 */ op(RET, 0, 0, SNAP),
        /* 16 */ op(RET, 0, 0, 0),
    ]
}

/// The socket, open on `iface` (`any`: every interface). Needs CAP_NET_RAW, as the capture
/// does: open it before privileges are dropped.
pub struct SynWatch {
    fd: OwnedFd,
}

impl SynWatch {
    pub fn open(iface: &str) -> Result<SynWatch, LiveError> {
        let index = if iface == "any" {
            0
        } else {
            sys::interface_info(iface)?.index
        };
        let fd = sys::packet_socket(iface, true)?;
        // Filtered before it is bound: no frame gets in unfiltered.
        sys::attach_filter(&fd, &program())
            .map_err(|e| sys::os_err(iface, "SO_ATTACH_FILTER", e))?;
        sys::bind_all_protocols(&fd, iface, index)?;
        Ok(SynWatch { fd })
    }

    /// The next SYN's network-layer bytes (at most [`SNAP`]) into `buf`, or `None` when
    /// none came within `timeout`.
    pub fn next<'b>(&self, buf: &'b mut [u8], timeout: Duration) -> Option<&'b [u8]> {
        let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
        match sys::wait_readable(&self.fd, ms) {
            Ok(sys::Readiness::Readable) => {}
            _ => return None,
        }
        let n = sys::recv_nonblocking(self.fd.as_raw_fd(), buf).ok()?;
        buf.get(..n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The filter as the kernel runs it, interpreted here on hand-made headers.
    fn run(program: &[libc::sock_filter], pkt: &[u8]) -> u32 {
        let (mut a, mut x, mut pc) = (0u32, 0u32, 0usize);
        let byte = |at: usize| u32::from(pkt.get(at).copied().unwrap_or(0));
        loop {
            let i = program[pc];
            let k = i.k as usize;
            pc += 1;
            match i.code as u32 {
                c if c == libc::BPF_LD | libc::BPF_B | libc::BPF_ABS => a = byte(k),
                c if c == libc::BPF_LD | libc::BPF_H | libc::BPF_ABS => {
                    a = (byte(k) << 8) | byte(k + 1)
                }
                c if c == libc::BPF_LD | libc::BPF_B | libc::BPF_IND => a = byte(x as usize + k),
                c if c == libc::BPF_LDX | libc::BPF_B | libc::BPF_MSH => x = 4 * (byte(k) & 0xf),
                c if c == libc::BPF_ALU | libc::BPF_RSH | libc::BPF_K => a >>= i.k,
                c if c == libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K => {
                    pc += usize::from(if a == i.k { i.jt } else { i.jf })
                }
                c if c == libc::BPF_JMP | libc::BPF_JSET | libc::BPF_K => {
                    pc += usize::from(if a & i.k != 0 { i.jt } else { i.jf })
                }
                c if c == libc::BPF_JMP | libc::BPF_JA => pc += k,
                c if c == libc::BPF_RET | libc::BPF_K => return i.k,
                other => panic!("unexpected op {other:#x}"),
            }
        }
    }

    fn segment(v6: bool, flags: u8, options: usize) -> Vec<u8> {
        let mut p = if v6 {
            let mut h = vec![0x60, 0, 0, 0, 0, 20, 6, 64];
            h.extend([0u8; 32]);
            h
        } else {
            let ihl = 5 + options / 4;
            let mut h = vec![0x40 | ihl as u8, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0];
            h.extend([127, 0, 0, 1, 127, 0, 0, 1]);
            h.extend(vec![1u8; options]);
            h
        };
        let mut tcp = vec![0u8; 20];
        tcp[12] = 0x50;
        tcp[13] = flags;
        p.extend(tcp);
        p
    }

    #[test]
    fn only_syns_pass() {
        let prog = program();
        for v6 in [false, true] {
            assert_eq!(run(&prog, &segment(v6, 0x02, 0)), SNAP, "SYN v6={v6}");
            assert_eq!(run(&prog, &segment(v6, 0x12, 0)), SNAP, "SYN-ACK v6={v6}");
            assert_eq!(run(&prog, &segment(v6, 0x10, 0)), 0, "ACK v6={v6}");
            assert_eq!(run(&prog, &segment(v6, 0x18, 0)), 0, "data v6={v6}");
        }
        // IP options move the TCP header; the filter follows IHL.
        assert_eq!(run(&prog, &segment(false, 0x02, 8)), SNAP);
        assert_eq!(run(&prog, &segment(false, 0x10, 8)), 0);
        // UDP, a later fragment, and junk are dropped.
        let mut udp = segment(false, 0x02, 0);
        udp[9] = 17;
        assert_eq!(run(&prog, &udp), 0);
        let mut frag = segment(false, 0x02, 0);
        frag[7] = 8;
        assert_eq!(run(&prog, &frag), 0);
        assert_eq!(run(&prog, &[0xff; 4]), 0);
    }
}
