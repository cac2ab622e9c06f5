//! What a capture source delivers: raw bytes plus capture metadata, nothing decoded yet.

use std::fmt;
use std::sync::{Arc, RwLock};

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

/// What a capture says about one interface, as a pcapng Interface Description Block holds
/// it: each source of a merged capture keeps its own, so a `-w` file written from several
/// sources tells them apart as tshark does (`frame.interface_id`, `frame.interface_name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceDesc {
    /// `if_name` (an interface such as `eth0`, or the label of a remote source); `None`
    /// when the capture names none (tshark then says `unknown`).
    pub name: Option<Arc<str>>,
    pub link: LinkType,
    /// 0 when the capture sets none.
    pub snaplen: u32,
    /// `if_tsresol` as written in pcapng: 6 = microseconds (the default), 9 = nanoseconds.
    pub tsresol: u8,
}

impl InterfaceDesc {
    pub fn new(name: Option<&str>, link: LinkType, snaplen: u32, tsresol: u8) -> Self {
        InterfaceDesc {
            name: name.map(Arc::from),
            link,
            snaplen,
            tsresol,
        }
    }
}

/// The interfaces a source has described so far, indexed by `Frame::interface`. Shared
/// (a cheap clone) between the source that learns them — a pcapng file may describe a new
/// interface in the middle — and whoever reads frames (the dissector names them, the
/// writer copies them). Entries are only ever appended, so an id once seen keeps its
/// description.
#[derive(Debug, Clone, Default)]
pub struct InterfaceTable(Arc<RwLock<Vec<InterfaceDesc>>>);

impl InterfaceTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// A table holding exactly these interfaces.
    pub fn of(interfaces: Vec<InterfaceDesc>) -> Self {
        InterfaceTable(Arc::new(RwLock::new(interfaces)))
    }

    /// Appends `desc` and returns its id.
    pub fn push(&self, desc: InterfaceDesc) -> u32 {
        let mut table = self
            .0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        table.push(desc);
        u32::try_from(table.len() - 1).unwrap_or(u32::MAX)
    }

    pub fn get(&self, id: u32) -> Option<InterfaceDesc> {
        let table = self
            .0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        table.get(id as usize).cloned()
    }

    pub fn len(&self) -> usize {
        self.0
            .read()
            .map_or_else(|p| p.into_inner().len(), |t| t.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every interface described so far.
    pub fn snapshot(&self) -> Vec<InterfaceDesc> {
        let table = self
            .0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        table.clone()
    }
}
