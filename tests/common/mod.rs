//! Test-side packet extraction: etherparse slices each Ethernet frame into the minimal
//! inputs the analysis engine takes (the real decoder lives elsewhere).
#![allow(dead_code)]

pub mod fuzz;
pub mod synth;

use std::net::IpAddr;

use etherparse::{LaxNetSlice, LaxSlicedPacket, TcpOptionElement, TransportSlice};
use sockeye::analysis::{TcpSegment, UdpDatagram};

/// An owned TCP segment (the engine's input borrows; tests keep frames around).
#[derive(Debug, Clone)]
pub struct OwnedTcp {
    pub frame: u64,
    pub ts_ns: i64,
    pub frame_len: u32,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: u16,
    pub window: u16,
    pub payload: Vec<u8>,
    pub payload_len: u32,
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    pub sack_blocks: Vec<(u32, u32)>,
    pub mss: Option<u16>,
}

impl OwnedTcp {
    pub fn segment(&self) -> TcpSegment<'_> {
        TcpSegment {
            frame: self.frame,
            ts_ns: self.ts_ns,
            frame_len: self.frame_len,
            src: self.src,
            dst: self.dst,
            src_port: self.src_port,
            dst_port: self.dst_port,
            seq: self.seq,
            ack: self.ack,
            flags: self.flags,
            window: self.window,
            payload: &self.payload,
            payload_len: self.payload_len,
            window_scale: self.window_scale,
            sack_permitted: self.sack_permitted,
            sack_blocks: &self.sack_blocks,
            mss: self.mss,
        }
    }
}

#[derive(Debug, Clone)]
pub struct OwnedUdp {
    pub frame: u64,
    pub ts_ns: i64,
    pub frame_len: u32,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub src_port: u16,
    pub dst_port: u16,
    pub payload: Vec<u8>,
}

impl OwnedUdp {
    pub fn datagram(&self) -> UdpDatagram<'_> {
        UdpDatagram {
            frame: self.frame,
            ts_ns: self.ts_ns,
            frame_len: self.frame_len,
            src: self.src,
            dst: self.dst,
            src_port: self.src_port,
            dst_port: self.dst_port,
            payload: &self.payload,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Transport {
    Tcp(OwnedTcp),
    Udp(OwnedUdp),
    Other,
}

/// Slices one Ethernet frame. IP fragments carry no transport header here.
pub fn extract(frame: u64, ts_ns: i64, frame_len: u32, data: &[u8]) -> Transport {
    let Ok(p) = LaxSlicedPacket::from_ethernet(data) else {
        return Transport::Other;
    };
    let (src, dst, ip_payload_len, fragmented) = match &p.net {
        Some(LaxNetSlice::Ipv4(ip)) => {
            let h = ip.header();
            let len = usize::from(h.total_len()).saturating_sub(usize::from(h.ihl()) * 4);
            (
                IpAddr::V4(h.source_addr()),
                IpAddr::V4(h.destination_addr()),
                len,
                ip.payload().fragmented,
            )
        }
        Some(LaxNetSlice::Ipv6(ip)) => {
            let h = ip.header();
            let pl = ip.payload();
            // Extension headers sit between the fixed header and the transport header.
            let ext = usize::from(h.payload_length()).saturating_sub(pl.payload.len());
            let len = usize::from(h.payload_length()).saturating_sub(ext);
            (
                IpAddr::V6(h.source_addr()),
                IpAddr::V6(h.destination_addr()),
                len,
                pl.fragmented,
            )
        }
        _ => return Transport::Other,
    };
    if fragmented {
        return Transport::Other;
    }
    match &p.transport {
        Some(TransportSlice::Tcp(t)) => {
            let mut window_scale = None;
            let mut sack_permitted = false;
            let mut sack_blocks = Vec::new();
            let mut mss = None;
            for opt in t.options_iterator().flatten() {
                match opt {
                    TcpOptionElement::WindowScale(s) => window_scale = Some(s),
                    TcpOptionElement::SelectiveAcknowledgementPermitted => sack_permitted = true,
                    TcpOptionElement::SelectiveAcknowledgement(first, rest) => {
                        sack_blocks.push(first);
                        sack_blocks.extend(rest.iter().flatten());
                    }
                    TcpOptionElement::MaximumSegmentSize(m) => mss = Some(m),
                    _ => {}
                }
            }
            let hdr = t.header_slice();
            let flags = (u16::from(hdr[12] & 0x0f) << 8) | u16::from(hdr[13]);
            let payload_len = ip_payload_len.saturating_sub(hdr.len());
            Transport::Tcp(OwnedTcp {
                frame,
                ts_ns,
                frame_len,
                src,
                dst,
                src_port: t.source_port(),
                dst_port: t.destination_port(),
                seq: t.sequence_number(),
                ack: t.acknowledgment_number(),
                flags,
                window: t.window_size(),
                payload: t.payload().to_vec(),
                payload_len: u32::try_from(payload_len).unwrap_or(u32::MAX),
                window_scale,
                sack_permitted,
                sack_blocks,
                mss,
            })
        }
        Some(TransportSlice::Udp(u)) => Transport::Udp(OwnedUdp {
            frame,
            ts_ns,
            frame_len,
            src,
            dst,
            src_port: u.source_port(),
            dst_port: u.destination_port(),
            payload: u.payload().to_vec(),
        }),
        _ => Transport::Other,
    }
}

/// Reads every frame of a capture file: (frame number, timestamp, length, bytes).
pub fn read_capture(path: &str) -> Vec<(u64, i64, u32, Vec<u8>)> {
    use sockeye::source::{FileSource, PacketSource};
    let mut src = FileSource::open(path).expect("open capture");
    let mut out = Vec::new();
    let mut n = 0;
    while let Some(f) = src.next_frame().expect("read frame") {
        n += 1;
        out.push((n, f.ts_ns, f.orig_len, f.data.to_vec()));
    }
    out
}
