//! What a capture source delivers: raw bytes plus capture metadata, nothing decoded yet.

use std::fmt;

/// A pcap LINKTYPE_* value. Kept as the raw number so unknown link types survive a
/// read/write round trip untouched; the named constants are the ones sockeye decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback / null: a 4-byte host-order address family, then IP.
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    /// Raw IP as OpenBSD numbers it (DLT_RAW = 12 on some systems is mapped to 101 in files).
    pub const RAW: LinkType = LinkType(101);
    pub const IEEE802_11: LinkType = LinkType(105);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// The libpcap name (as `tcpdump -L` / `capinfos` show it).
    pub fn name(self) -> &'static str {
        match self {
            Self::NULL => "NULL",
            Self::ETHERNET => "EN10MB",
            Self::RAW => "RAW",
            Self::IEEE802_11 => "IEEE802_11",
            Self::LINUX_SLL => "LINUX_SLL",
            Self::IPV4 => "IPV4",
            Self::IPV6 => "IPV6",
            Self::LINUX_SLL2 => "LINUX_SLL2",
            _ => "UNKNOWN",
        }
    }

    /// Whether sockeye has a decoder for this link layer.
    pub fn is_decoded(self) -> bool {
        matches!(
            self,
            Self::NULL
                | Self::ETHERNET
                | Self::RAW
                | Self::LINUX_SLL
                | Self::IPV4
                | Self::IPV6
                | Self::LINUX_SLL2
        )
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.0)
    }
}

/// Which way the packet went, as the kernel (or the pcapng `epb_flags`) reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    Inbound,
    Outbound,
    #[default]
    Unknown,
}

/// Timestamp in nanoseconds since the Unix epoch.
pub type TimestampNs = i64;

/// One captured frame, borrowing its bytes from the source (a read buffer, an mmap'd ring
/// block). Valid until the source is asked for the next frame; call `to_owned` to keep it.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    pub ts_ns: TimestampNs,
    pub data: &'a [u8],
    /// Length on the wire; `data.len()` may be shorter when the snap length cut it.
    pub orig_len: u32,
    pub link: LinkType,
    pub interface: u32,
    pub direction: Direction,
}

impl Frame<'_> {
    pub fn to_owned(&self) -> OwnedFrame {
        OwnedFrame {
            ts_ns: self.ts_ns,
            data: self.data.to_vec(),
            orig_len: self.orig_len,
            link: self.link,
            interface: self.interface,
            direction: self.direction,
        }
    }

    pub fn cap_len(&self) -> usize {
        self.data.len()
    }
}

/// A frame that owns its bytes (for stores, channels between threads, tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedFrame {
    pub ts_ns: TimestampNs,
    pub data: Vec<u8>,
    pub orig_len: u32,
    pub link: LinkType,
    pub interface: u32,
    pub direction: Direction,
}

impl OwnedFrame {
    /// An Ethernet frame captured whole, for tests and generators.
    pub fn ethernet(ts_ns: TimestampNs, data: Vec<u8>) -> Self {
        let orig_len = u32::try_from(data.len()).unwrap_or(u32::MAX);
        OwnedFrame {
            ts_ns,
            data,
            orig_len,
            link: LinkType::ETHERNET,
            interface: 0,
            direction: Direction::Unknown,
        }
    }

    pub fn as_frame(&self) -> Frame<'_> {
        Frame {
            ts_ns: self.ts_ns,
            data: &self.data,
            orig_len: self.orig_len,
            link: self.link,
            interface: self.interface,
            direction: self.direction,
        }
    }
}
