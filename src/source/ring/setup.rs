//! Opening the ring: interface checks, ring geometry, socket options, mapping, binding.

use std::cell::Cell;
use std::io;

use super::block::{SLL2_HEADER_LEN, VLAN_TAG_LEN};
use super::sys::{self, Mapping};
use super::{Cursor, RingSource};
use crate::frame::LinkType;
use crate::source::live::LiveError;

/// libpcap's maximum snap length; 0 on the command line means this too.
pub const MAX_SNAPLEN: u32 = 262_144;

/// How long the kernel keeps a partly filled block before handing it over anyway: the
/// worst-case delay before a packet on a quiet link shows up.
const BLOCK_TIMEOUT_MS: u32 = 100;

#[derive(Debug, Clone)]
pub struct RingConfig {
    /// Interface name, or `any`.
    pub interface: String,
    /// Bytes kept per packet (0 = [`MAX_SNAPLEN`]).
    pub snaplen: u32,
    pub promiscuous: bool,
    /// Total ring size; rounded down to whole blocks, at least two.
    pub ring_mib: u32,
}

/// Block size and count for a snap length, as libpcap sizes them: a block is the smallest
/// power-of-two number of pages holding one maximal packet (with its headers and the
/// reserved room), and the ring is as many blocks as fit in the requested size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub block_size: usize,
    pub block_count: usize,
    pub frame_size: usize,
}

const fn align16(x: usize) -> usize {
    (x + 15) & !15
}

pub fn geometry(snaplen: u32, reserve: usize, ring_mib: u32, page: usize) -> Geometry {
    // tpacket3_hdr (48) + sockaddr_ll (20), then at least 16 bytes for the MAC header.
    let net_offset = align16(libc::TPACKET3_HDRLEN + 16) + reserve;
    let frame_size = align16(net_offset + snaplen as usize);
    // The block descriptor (48 bytes) precedes the first packet.
    let mut block_size = page.max(4096);
    while block_size < frame_size + 48 {
        block_size *= 2;
    }
    let ring_bytes = (ring_mib as usize).saturating_mul(1 << 20);
    let block_count = (ring_bytes / block_size).max(2);
    Geometry {
        block_size,
        block_count,
        frame_size,
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(page).unwrap_or(4096)
}

fn ring_alloc_error(config: &RingConfig, source: io::Error) -> LiveError {
    LiveError::RingAlloc {
        iface: config.interface.clone(),
        mib: config.ring_mib,
        cause: source,
    }
}

pub fn open(config: &RingConfig) -> Result<RingSource, LiveError> {
    let iface = config.interface.as_str();
    let any = iface == "any";
    let (ifindex, hatype) = if any {
        (0, 0)
    } else {
        let info = sys::interface_info(iface)?;
        if !info.up {
            return Err(LiveError::InterfaceDown(iface.to_string()));
        }
        (info.index, info.hatype)
    };
    // `any` mixes link layers, and we only frame Ethernet-like headers ourselves: everything
    // else is read cooked (SOCK_DGRAM) and gets an SLL2 header, as libpcap does.
    let cooked = any || !matches!(hatype, libc::ARPHRD_ETHER | libc::ARPHRD_LOOPBACK);
    let link = if cooked {
        LinkType::LINUX_SLL2
    } else {
        LinkType::ETHERNET
    };
    let snaplen = if config.snaplen == 0 || config.snaplen > MAX_SNAPLEN {
        MAX_SNAPLEN
    } else {
        config.snaplen
    };

    // The kernel refuses rings of 4 GiB or more (block_size * block_nr must fit a u32).
    if u64::from(config.ring_mib) << 20 >= 1 << 32 {
        return Err(LiveError::Unsupported(format!(
            "{iface}: a {} MiB ring exceeds the kernel's 4 GiB limit (use a smaller -B)",
            config.ring_mib
        )));
    }
    let fd = sys::packet_socket(iface, cooked)?;
    let os = |op| move |e| sys::os_err(iface, op, e);

    let version = libc::tpacket_versions::TPACKET_V3 as libc::c_int;
    sys::set_packet_opt(&fd, libc::PACKET_VERSION, &version)
        .map_err(os("setsockopt(PACKET_VERSION=TPACKET_V3)"))?;
    // Room in front of each packet for a re-inserted VLAN tag, and on cooked sockets for the
    // SLL2 header, so neither needs a copy.
    let reserve = VLAN_TAG_LEN + if cooked { SLL2_HEADER_LEN } else { 0 };
    sys::set_packet_opt(&fd, libc::PACKET_RESERVE, &(reserve as libc::c_uint))
        .map_err(os("setsockopt(PACKET_RESERVE)"))?;

    let geo = geometry(snaplen, reserve, config.ring_mib, page_size());
    let too_big = || ring_alloc_error(config, io::Error::from_raw_os_error(libc::ENOMEM));
    let block_nr = u32::try_from(geo.block_count).map_err(|_| too_big())?;
    let block_size = u32::try_from(geo.block_size).map_err(|_| too_big())?;
    let frame_size = u32::try_from(geo.frame_size).map_err(|_| too_big())?;
    let req = libc::tpacket_req3 {
        tp_block_size: block_size,
        tp_block_nr: block_nr,
        tp_frame_size: frame_size,
        tp_frame_nr: (block_size / frame_size)
            .checked_mul(block_nr)
            .ok_or_else(too_big)?,
        tp_retire_blk_tov: BLOCK_TIMEOUT_MS,
        tp_sizeof_priv: 0,
        tp_feature_req_word: 0,
    };
    sys::set_packet_opt(&fd, libc::PACKET_RX_RING, &req).map_err(|e| match e.raw_os_error() {
        Some(libc::ENOMEM | libc::EINVAL) => ring_alloc_error(config, e),
        _ => sys::os_err(iface, "setsockopt(PACKET_RX_RING)", e),
    })?;
    let total = geo
        .block_size
        .checked_mul(geo.block_count)
        .ok_or_else(too_big)?;
    let map = Mapping::new(&fd, total).map_err(|e| ring_alloc_error(config, e))?;

    if snaplen < MAX_SNAPLEN {
        // On cooked sockets the kernel counts from the network header; the SLL2 header we
        // add in front is part of the snap length the user asked for, as in libpcap.
        let kernel_snaplen = if cooked {
            snaplen.saturating_sub(SLL2_HEADER_LEN as u32).max(1)
        } else {
            snaplen
        };
        sys::attach_snaplen_filter(&fd, kernel_snaplen)
            .map_err(os("setsockopt(SO_ATTACH_FILTER snaplen)"))?;
    }
    // Only now does the socket start receiving (it was created with protocol 0).
    sys::bind_all_protocols(&fd, iface, ifindex)?;
    if config.promiscuous && !any {
        // Membership ends with the socket, so the interface leaves promiscuous mode by itself.
        let mreq = libc::packet_mreq {
            mr_ifindex: ifindex,
            mr_type: libc::PACKET_MR_PROMISC as libc::c_ushort,
            mr_alen: 0,
            mr_address: [0; 8],
        };
        sys::set_packet_opt(&fd, libc::PACKET_ADD_MEMBERSHIP, &mreq)
            .map_err(os("setsockopt(PACKET_ADD_MEMBERSHIP promisc)"))?;
    }

    debug_assert_eq!(map.len(), total);
    Ok(RingSource {
        map,
        fd,
        block_size: geo.block_size,
        block_count: geo.block_count,
        iface: iface.to_string(),
        link,
        cooked,
        lo_index: sys::loopback_index(),
        snaplen,
        cursor: Cursor::default(),
        ready: None,
        scratch: Vec::new(),
        delivered: 0,
        kernel_received: Cell::new(0),
        kernel_dropped: Cell::new(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_snaplen_gives_half_mib_blocks() {
        let g = geometry(MAX_SNAPLEN, 4, 32, 4096);
        assert_eq!(g.block_size, 512 * 1024);
        assert_eq!(g.block_count, 64);
        assert!(g.frame_size + 48 <= g.block_size);
        assert_eq!(g.frame_size % 16, 0);
    }

    #[test]
    fn small_ring_still_has_two_blocks() {
        let g = geometry(MAX_SNAPLEN, 24, 0, 4096);
        assert_eq!(g.block_count, 2);
    }

    #[test]
    fn short_snaplen_gives_page_blocks() {
        let g = geometry(96, 4, 1, 4096);
        assert_eq!(g.block_size, 4096);
        assert_eq!(g.block_count, 256);
    }
}
