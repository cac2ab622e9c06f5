//! Linux live capture through an AF_PACKET socket with a TPACKET_V3 memory-mapped RX ring,
//! the way libpcap does it: the kernel fills whole blocks of packets, we read them in place
//! and hand each block back when done. No system call per packet, so a loopback flood that a
//! recvfrom-per-packet reader loses a third of is captured completely.
//!
//! Framing: Ethernet and loopback interfaces give LINKTYPE_ETHERNET (Linux `lo` carries a
//! zero-MAC Ethernet header). `any`, and any interface whose hardware type we do not frame
//! natively, use a SOCK_DGRAM socket (the kernel strips the varied link headers) and get a
//! LINKTYPE_LINUX_SLL2 header built from `sockaddr_ll`, written into room reserved in front of
//! each packet (PACKET_RESERVE), exactly as libpcap does — so frames stay zero-copy.

mod block;
mod setup;
pub mod syn_watch;
mod sys;

use std::cell::Cell;
use std::ops::Range;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use block::{BlockError, SLL_LEN, SLL_OFFSET};
pub use setup::RingConfig;

use super::live::{LiveError, LiveSource};
use super::{Next, PacketSource, SourceError, SourceStats};
use crate::frame::{Direction, Frame, LinkType};

/// Where the reader stands in the ring.
#[derive(Debug, Default)]
struct Cursor {
    block: usize,
    /// The current block is ours (TP_STATUS_USER) and must be handed back when done.
    held: bool,
    next_pkt: usize,
    remaining: u32,
}

/// The frame the last successful `advance` found.
#[derive(Debug, Clone)]
struct Ready {
    ts_ns: i64,
    block: usize,
    range: Range<usize>,
    /// Bytes live in `scratch` instead of the ring (no reserved room: never expected).
    in_scratch: bool,
    orig_len: u32,
    direction: Direction,
}

pub struct RingSource {
    // Field order is drop order: unmap the ring before closing its socket.
    map: sys::Mapping,
    fd: OwnedFd,
    block_size: usize,
    block_count: usize,
    iface: String,
    link: LinkType,
    cooked: bool,
    lo_index: Option<i32>,
    snaplen: u32,
    cursor: Cursor,
    ready: Option<Ready>,
    scratch: Vec<u8>,
    delivered: u64,
    /// The kernel resets PACKET_STATISTICS on every read, so we keep running totals.
    kernel_received: Cell<u64>,
    kernel_dropped: Cell<u64>,
}

/// Fails with one clear error when `name` does not exist or is down (`any` always passes).
/// Needs no privilege, so it runs before the capability check.
pub fn check_interface(name: &str) -> Result<(), LiveError> {
    if name == "any" {
        return Ok(());
    }
    if sys::interface_info(name)?.up {
        Ok(())
    } else {
        Err(LiveError::InterfaceDown(name.to_string()))
    }
}

impl RingSource {
    /// Opens the interface (`any` for all). Needs CAP_NET_RAW; see `crate::privileges`.
    pub fn open(config: &RingConfig) -> Result<RingSource, LiveError> {
        setup::open(config)
    }

    fn status_word(&self, index: usize) -> Option<&AtomicU32> {
        if index >= self.block_count {
            return None;
        }
        let offset = index * self.block_size + block::BLOCK_STATUS_OFFSET;
        // SAFETY: index < block_count, so the word lies inside the mapping (block_count *
        // block_size bytes); blocks are page aligned so the u32 at +8 is 4-byte aligned. The
        // kernel writes this word concurrently, which is why it is only touched atomically.
        // The reference cannot outlive the mapping: it borrows `self`.
        Some(unsafe { AtomicU32::from_ptr(self.map.as_ptr().add(offset).cast::<u32>()) })
    }

    /// The bytes of a block we hold. Only called while `cursor.held` (or for `ready`, which
    /// refers to the held block): the kernel does not write a block in TP_STATUS_USER.
    fn block(&self, index: usize) -> &[u8] {
        if index >= self.block_count {
            return &[];
        }
        // SAFETY: the range [index*block_size, +block_size) is inside the mapping; the block
        // belongs to user space until we store TP_STATUS_KERNEL, and nothing else in this
        // process writes it while this shared borrow of `self` lives.
        unsafe {
            std::slice::from_raw_parts(
                self.map.as_ptr().add(index * self.block_size),
                self.block_size,
            )
        }
    }

    fn block_mut(&mut self, index: usize) -> &mut [u8] {
        if index >= self.block_count {
            return &mut [];
        }
        // SAFETY: as in `block`; `&mut self` makes this the only borrow of the mapping.
        unsafe {
            std::slice::from_raw_parts_mut(
                self.map.as_ptr().add(index * self.block_size),
                self.block_size,
            )
        }
    }

    fn malformed(&self, e: BlockError) -> SourceError {
        SourceError::from(LiveError::Malformed {
            iface: self.iface.clone(),
            what: e.to_string(),
        })
    }

    /// Hands the current block back to the kernel and moves to the next one.
    fn release_block(&mut self) {
        if let Some(status) = self.status_word(self.cursor.block) {
            // Release: our reads of the block happen before the kernel may refill it.
            status.store(libc::TP_STATUS_KERNEL, Ordering::Release);
        }
        self.cursor.held = false;
        self.cursor.remaining = 0;
        self.cursor.block = (self.cursor.block + 1) % self.block_count.max(1);
    }

    /// Moves to the next deliverable packet, waiting at most once for `timeout`.
    /// Returns false when nothing arrived (timeout or signal).
    fn advance(&mut self, timeout: Duration) -> Result<bool, SourceError> {
        self.ready = None;
        let mut waited = false;
        loop {
            if self.cursor.held {
                if self.cursor.remaining == 0 {
                    self.release_block();
                    continue;
                }
                match self.take_packet() {
                    Ok(true) => return Ok(true),
                    Ok(false) => continue,
                    Err(e) => {
                        // Give the block back so a retry does not trip on it again.
                        self.release_block();
                        return Err(e);
                    }
                }
            }
            let owned = self
                .status_word(self.cursor.block)
                .is_some_and(|s| s.load(Ordering::Acquire) & libc::TP_STATUS_USER != 0);
            if owned {
                let header = block::parse_block_header(self.block(self.cursor.block))
                    .map_err(|e| self.malformed(e))?;
                self.cursor.held = true;
                self.cursor.remaining = header.num_pkts;
                self.cursor.next_pkt = header.first_pkt;
                continue;
            }
            if waited {
                return Ok(false);
            }
            let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
            sys::wait_readable(&self.fd, ms)
                .map_err(|source| SourceError::from(sys::os_err(&self.iface, "poll", source)))?;
            waited = true;
        }
    }

    /// Consumes one packet of the held block; true if it is to be delivered.
    fn take_packet(&mut self) -> Result<bool, SourceError> {
        let index = self.cursor.block;
        let at = self.cursor.next_pkt;
        let pkt = block::parse_packet(self.block(index), at).map_err(|e| self.malformed(e))?;
        self.cursor.remaining -= 1;
        self.cursor.next_pkt = at.saturating_add(pkt.next);
        if block::is_loopback_duplicate(&pkt.link, self.lo_index) {
            return Ok(false);
        }
        // Bytes before this may be overwritten: everything after the packet's sockaddr_ll up
        // to tp_mac is padding plus the room PACKET_RESERVE set aside.
        let floor = at + SLL_OFFSET + SLL_LEN;
        let (range, in_scratch, extra) = if self.cooked {
            let header = block::sll2_header(&pkt.link);
            match block::prepend_in_place(self.block_mut(index), &pkt.data, floor, &header) {
                Some(r) => (r, false, header.len()),
                None => {
                    self.fill_scratch(index, &pkt.data, &header, 0);
                    (0..0, true, header.len())
                }
            }
        } else if let Some(tag) = block::stripped_vlan_tag(&pkt) {
            match block::insert_vlan_in_place(self.block_mut(index), &pkt.data, floor, &tag) {
                Some(r) => (r, false, tag.len()),
                None => {
                    self.fill_scratch(index, &pkt.data, &tag, 12);
                    (0..0, true, tag.len())
                }
            }
        } else {
            (pkt.data.clone(), false, 0)
        };
        self.ready = Some(Ready {
            ts_ns: pkt.ts_ns,
            block: index,
            range,
            in_scratch,
            orig_len: pkt.wire_len.saturating_add(extra as u32),
            direction: block::direction(pkt.link.pkttype),
        });
        self.delivered += 1;
        Ok(true)
    }

    /// The copying fallback of the in-place edits: `insert` goes in after `at` data bytes.
    fn fill_scratch(&mut self, index: usize, data: &Range<usize>, insert: &[u8], at: usize) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let bytes = self.block(index).get(data.clone()).unwrap_or(&[]);
        let (head, tail) = bytes.split_at(at.min(bytes.len()));
        scratch.extend_from_slice(head);
        scratch.extend_from_slice(insert);
        scratch.extend_from_slice(tail);
        self.scratch = scratch;
    }

    fn ready_frame(&self) -> Option<Frame<'_>> {
        let ready = self.ready.as_ref()?;
        let data = if ready.in_scratch {
            &self.scratch[..]
        } else {
            self.block(ready.block)
                .get(ready.range.clone())
                .unwrap_or(&[])
        };
        Some(Frame {
            ts_ns: ready.ts_ns,
            data,
            orig_len: ready.orig_len.max(data.len() as u32),
            link: self.link,
            interface: 0,
            direction: ready.direction,
        })
    }

    fn refresh_kernel_stats(&self) {
        if let Ok((packets, drops)) = sys::read_stats(&self.fd) {
            self.kernel_received
                .set(self.kernel_received.get() + u64::from(packets));
            self.kernel_dropped
                .set(self.kernel_dropped.get() + u64::from(drops));
        }
    }
}

impl PacketSource for RingSource {
    /// Blocks until a frame arrives; a live ring never returns `Ok(None)`. Loops that must
    /// notice a stop request use [`LiveSource::poll_frame`] instead.
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, SourceError> {
        while !self.advance(Duration::from_secs(1))? {}
        Ok(self.ready_frame())
    }

    fn next_within(&mut self, timeout: Duration) -> Result<Next<'_>, SourceError> {
        Ok(self.poll_frame(timeout)?.map_or(Next::Idle, Next::Frame))
    }

    fn link_type(&self) -> LinkType {
        self.link
    }

    /// Reading the kernel counters resets them; the totals are kept here.
    fn interfaces(&self) -> crate::frame::InterfaceTable {
        crate::frame::InterfaceTable::of(vec![crate::frame::InterfaceDesc::new(
            Some(&self.iface),
            self.link_type(),
            self.snaplen,
            9,
        )])
    }

    fn stats(&self) -> SourceStats {
        self.refresh_kernel_stats();
        SourceStats {
            delivered: self.delivered,
            kernel_received: Some(self.kernel_received.get()),
            kernel_dropped: Some(self.kernel_dropped.get()),
            waiting: false,
        }
    }
}

impl LiveSource for RingSource {
    fn poll_frame(&mut self, timeout: Duration) -> Result<Option<Frame<'_>>, SourceError> {
        if self.advance(timeout)? {
            Ok(self.ready_frame())
        } else {
            Ok(None)
        }
    }

    fn interface_name(&self) -> &str {
        &self.iface
    }

    fn snaplen(&self) -> u32 {
        self.snaplen
    }
}
