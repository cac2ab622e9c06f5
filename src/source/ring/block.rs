//! Parsing TPACKET_V3 ring blocks. Pure functions over a block's bytes (no pointers), so
//! every offset the kernel gives is checked once here and the unit tests can feed
//! hand-made blocks. Layouts are `linux/if_packet.h`; the tests pin them to libc's structs.

use std::ops::Range;

use crate::frame::Direction;

/// `tpacket_block_desc` → `tpacket_hdr_v1` fields (after the 8-byte version/priv prefix).
pub const BLOCK_STATUS_OFFSET: usize = 8;
const BLOCK_NUM_PKTS: usize = 12;
const BLOCK_FIRST_PKT: usize = 16;
const BLOCK_LEN: usize = 20;

/// `tpacket3_hdr` field offsets.
const PKT_NEXT: usize = 0;
const PKT_SEC: usize = 4;
const PKT_NSEC: usize = 8;
const PKT_SNAPLEN: usize = 12;
const PKT_LEN: usize = 16;
const PKT_STATUS: usize = 20;
const PKT_MAC: usize = 24;
const PKT_VLAN_TCI: usize = 32;
const PKT_VLAN_TPID: usize = 36;
/// `sockaddr_ll` sits at TPACKET_ALIGN(sizeof(tpacket3_hdr)) after the packet header.
pub const SLL_OFFSET: usize = 48;
pub const SLL_LEN: usize = 20;

/// Length of the LINKTYPE_LINUX_SLL2 header built for `any`.
pub const SLL2_HEADER_LEN: usize = 20;
/// Bytes of one 802.1Q tag re-inserted when the kernel stripped it.
pub const VLAN_TAG_LEN: usize = 4;
const ETH_P_8021Q: u16 = 0x8100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockHeader {
    pub num_pkts: u32,
    pub first_pkt: usize,
    pub len: usize,
}

/// The link-layer address the kernel reports with each packet (`sockaddr_ll`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkAddr {
    /// EtherType, kept in network byte order as the kernel gives it.
    pub protocol_be: [u8; 2],
    pub ifindex: i32,
    pub hatype: u16,
    pub pkttype: u8,
    pub halen: u8,
    pub addr: [u8; 8],
}

/// One packet's header, checked against its block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketHeader {
    /// Offset of the next packet from this one (0 for the last).
    pub next: usize,
    pub ts_ns: i64,
    /// Original length on the wire (tp_len).
    pub wire_len: u32,
    /// Captured bytes inside the block (tp_mac .. tp_mac + tp_snaplen).
    pub data: Range<usize>,
    pub status: u32,
    pub vlan_tci: u16,
    pub vlan_tpid: u16,
    pub link: LinkAddr,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} (offset {offset}, block length {block_len})")]
pub struct BlockError {
    pub what: &'static str,
    pub offset: usize,
    pub block_len: usize,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn err(what: &'static str, offset: usize, block: &[u8]) -> BlockError {
    BlockError {
        what,
        offset,
        block_len: block.len(),
    }
}

pub fn parse_block_header(block: &[u8]) -> Result<BlockHeader, BlockError> {
    let field = |at| u32_at(block, at).ok_or_else(|| err("block header cut short", at, block));
    let header = BlockHeader {
        num_pkts: field(BLOCK_NUM_PKTS)?,
        first_pkt: field(BLOCK_FIRST_PKT)? as usize,
        len: field(BLOCK_LEN)? as usize,
    };
    if header.len > block.len() {
        return Err(err("blk_len beyond the block", header.len, block));
    }
    if header.num_pkts > 0 && header.first_pkt >= header.len {
        return Err(err("first packet beyond blk_len", header.first_pkt, block));
    }
    Ok(header)
}

/// Parses the packet header at `at`; `data` is guaranteed to lie inside `block`.
pub fn parse_packet(block: &[u8], at: usize) -> Result<PacketHeader, BlockError> {
    let short = || err("packet header cut short", at, block);
    // The whole fixed part (header + sockaddr_ll) must fit; after this check the additions
    // below cannot overflow.
    if at
        .checked_add(SLL_OFFSET + SLL_LEN)
        .is_none_or(|end| end > block.len())
    {
        return Err(short());
    }
    let word = |off: usize| u32_at(block, at + off).ok_or_else(short);
    let half = |off: usize| u16_at(block, at + off).ok_or_else(short);
    let sll = at + SLL_OFFSET;
    // A fixed-size array, destructured below: no index can be out of range.
    let s: &[u8; SLL_LEN] = block
        .get(sll..sll + SLL_LEN)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(short)?;
    // sockaddr_ll: family(2) protocol(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8).
    let [_, _, p0, p1, i0, i1, i2, i3, h0, h1, pkttype, halen, a0, a1, a2, a3, a4, a5, a6, a7] = *s;
    let link = LinkAddr {
        protocol_be: [p0, p1],
        ifindex: i32::from_ne_bytes([i0, i1, i2, i3]),
        hatype: u16::from_ne_bytes([h0, h1]),
        pkttype,
        halen,
        addr: [a0, a1, a2, a3, a4, a5, a6, a7],
    };
    let mac = half(PKT_MAC)? as usize;
    let snaplen = word(PKT_SNAPLEN)? as usize;
    let start = at + mac;
    if mac < SLL_OFFSET + SLL_LEN {
        return Err(err("tp_mac overlaps the packet header", start, block));
    }
    let end = start
        .checked_add(snaplen)
        .filter(|end| *end <= block.len())
        .ok_or_else(|| err("tp_snaplen runs past the block", start, block))?;
    let sec = i64::from(word(PKT_SEC)?);
    let nsec = i64::from(word(PKT_NSEC)?);
    Ok(PacketHeader {
        next: word(PKT_NEXT)? as usize,
        ts_ns: sec * 1_000_000_000 + nsec,
        wire_len: word(PKT_LEN)?,
        data: start..end,
        status: word(PKT_STATUS)?,
        vlan_tci: word(PKT_VLAN_TCI)? as u16,
        vlan_tpid: half(PKT_VLAN_TPID)?,
        link,
    })
}

/// Direction from `sll_pkttype`: the kernel tags our own transmissions PACKET_OUTGOING.
pub fn direction(pkttype: u8) -> Direction {
    match pkttype {
        libc::PACKET_OUTGOING => Direction::Outbound,
        libc::PACKET_HOST
        | libc::PACKET_BROADCAST
        | libc::PACKET_MULTICAST
        | libc::PACKET_OTHERHOST => Direction::Inbound,
        _ => Direction::Unknown,
    }
}

/// libpcap's rule: on loopback every packet passes the tap twice (sent, then received);
/// drop the outgoing copy so `lo` shows each packet once.
pub fn is_loopback_duplicate(link: &LinkAddr, lo_index: Option<i32>) -> bool {
    link.pkttype == libc::PACKET_OUTGOING && Some(link.ifindex) == lo_index
}

/// The LINKTYPE_LINUX_SLL2 header libpcap builds from `sockaddr_ll` on `any`.
pub fn sll2_header(link: &LinkAddr) -> [u8; SLL2_HEADER_LEN] {
    let mut h = [0u8; SLL2_HEADER_LEN];
    // protocol(2) reserved(2, zero) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8).
    let fields: [&[u8]; 7] = [
        &link.protocol_be,
        &[0, 0],
        &(link.ifindex as u32).to_be_bytes(),
        &link.hatype.to_be_bytes(),
        &[link.pkttype, link.halen],
        &link.addr,
        &[],
    ];
    for (dst, src) in h.iter_mut().zip(fields.iter().flat_map(|f| f.iter())) {
        *dst = *src;
    }
    h
}

/// The 802.1Q tag the kernel stripped into the header (VLAN acceleration), if any. As in
/// libpcap, a TPID is only trusted when the kernel says it is valid.
pub fn stripped_vlan_tag(pkt: &PacketHeader) -> Option<[u8; VLAN_TAG_LEN]> {
    let valid = pkt.vlan_tci != 0 || pkt.status & libc::TP_STATUS_VLAN_VALID != 0;
    if !valid {
        return None;
    }
    let tpid = if pkt.vlan_tpid != 0 && pkt.status & libc::TP_STATUS_VLAN_TPID_VALID != 0 {
        pkt.vlan_tpid
    } else {
        ETH_P_8021Q
    };
    let mut tag = [0u8; VLAN_TAG_LEN];
    tag[0..2].copy_from_slice(&tpid.to_be_bytes());
    tag[2..4].copy_from_slice(&pkt.vlan_tci.to_be_bytes());
    Some(tag)
}

/// Puts `prefix` in front of `block[data]`, in place when the reserved room before the
/// packet allows (we set PACKET_RESERVE so it always should), returning the new range.
/// `floor` is the first byte we may overwrite (just past the packet's `sockaddr_ll`).
pub fn prepend_in_place(
    block: &mut [u8],
    data: &Range<usize>,
    floor: usize,
    prefix: &[u8],
) -> Option<Range<usize>> {
    let start = data
        .start
        .checked_sub(prefix.len())
        .filter(|s| *s >= floor)?;
    block.get_mut(start..data.start)?.copy_from_slice(prefix);
    Some(start..data.end)
}

/// Re-inserts a VLAN tag after the two MAC addresses of an Ethernet frame, in place:
/// the 12 address bytes move 4 bytes back into the reserved room and the tag fills the gap.
pub fn insert_vlan_in_place(
    block: &mut [u8],
    data: &Range<usize>,
    floor: usize,
    tag: &[u8; VLAN_TAG_LEN],
) -> Option<Range<usize>> {
    const MACS: usize = 12;
    if data.len() < MACS {
        return None;
    }
    let start = data
        .start
        .checked_sub(VLAN_TAG_LEN)
        .filter(|s| *s >= floor)?;
    block.get(start..data.end)?;
    block.copy_within(data.start..data.start + MACS, start);
    block
        .get_mut(start + MACS..start + MACS + VLAN_TAG_LEN)?
        .copy_from_slice(tag);
    Some(start..data.end)
}

#[cfg(test)]
#[path = "block_tests.rs"]
mod tests;
