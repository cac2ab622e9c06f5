//! Reading the traced program's memory. Its pointers are whatever it passed to the kernel,
//! garbage included: every read is bounded and a bad address yields fewer bytes, never a
//! panic or a fault in sockeye.

use std::io::IoSliceMut;

use nix::sys::uio::{process_vm_readv, RemoteIoVec};
use nix::unistd::Pid;

/// The most bytes one argument read copies (addresses are at most 128, data heads 32).
pub const MAX_READ: usize = 256;

/// Up to `len` (at most [`MAX_READ`]) bytes at `addr` in `pid`: fewer when the range is
/// not all mapped, none for a null or unreadable pointer.
pub fn read(pid: Pid, addr: u64, len: usize) -> Vec<u8> {
    let len = len.min(MAX_READ);
    if addr == 0 || len == 0 {
        return Vec::new();
    }
    let mut buf = vec![0u8; len];
    let remote = [RemoteIoVec {
        base: addr as usize,
        len,
    }];
    let n = process_vm_readv(pid, &mut [IoSliceMut::new(&mut buf)], &remote).unwrap_or(0);
    buf.truncate(n);
    buf
}

/// A native-endian u32 at `addr` (a `socklen_t`, an `int` option value).
pub fn read_u32(pid: Pid, addr: u64) -> Option<u32> {
    let b = read(pid, addr, 4);
    Some(u32::from_ne_bytes(b.get(..4)?.try_into().ok()?))
}

/// A native-endian u64 at `offset` in `bytes` (a pointer or size inside a read struct).
pub fn word(bytes: &[u8], offset: usize) -> Option<u64> {
    Some(u64::from_ne_bytes(
        bytes.get(offset..offset + 8)?.try_into().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_memory_and_survives_garbage_pointers() {
        let me = Pid::this();
        let data = *b"hello, tracer";
        let addr = data.as_ptr() as u64;
        assert_eq!(read(me, addr, data.len()), data.to_vec());
        assert_eq!(read(me, addr, 5), b"hello".to_vec());
        assert!(read(me, 0, 10).is_empty());
        assert!(read(me, 8, 10).is_empty());
        assert!(read(me, u64::MAX - 3, 10).is_empty());
        assert_eq!(
            read(me, addr, 100_000).len().min(MAX_READ),
            read(me, addr, 100_000).len()
        );
        assert_eq!(word(&[1, 0, 0, 0, 0, 0, 0, 0, 9], 0), Some(1));
        assert_eq!(word(&[1, 2, 3], 0), None);
    }
}
