//! The portable live backend (`--backend pnet`): pnet's datalink channel, one `recvfrom`
//! per packet.
//!
//! Known limits, all inherent to reading a plain packet socket this way (use the default
//! `ring` backend on Linux when they matter):
//! - on `lo` every packet is delivered twice (the kernel's outgoing and incoming copies)
//!   and pnet does not report `sll_pkttype`, so the copies cannot be told apart or dropped
//!   and `Frame::direction` is always `Unknown`;
//! - timestamps are taken in user space when the packet is read, not by the kernel;
//! - no kernel drop counters; under a flood it loses packets the ring keeps;
//! - a frame longer than the read buffer is cut silently, so the buffer is sized for the
//!   largest loopback frame (64 KiB MTU + header) and then some.

use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pnet::datalink::{self, Channel, DataLinkReceiver, NetworkInterface};

use super::live::{LiveError, LiveSource};
use super::{Next, PacketSource, SourceError, SourceStats};
use crate::frame::{Direction, Frame, LinkType};

/// Large enough for a 65536-byte loopback MTU plus headers, GRO-merged frames included.
const READ_BUFFER: usize = 256 * 1024;
/// pnet takes the read timeout at channel creation; capture loops poll with about this.
const READ_TIMEOUT: Duration = Duration::from_millis(100);

pub struct PnetSource {
    rx: Box<dyn DataLinkReceiver>,
    iface: String,
    snaplen: u32,
    delivered: u64,
    last: Option<(i64, u32, usize)>,
    buf: Vec<u8>,
}

impl PnetSource {
    pub fn open(interface: &str, snaplen: u32, promiscuous: bool) -> Result<Self, LiveError> {
        if interface == "any" {
            return Err(LiveError::Unsupported(
                "the pnet backend cannot capture on `any`; use --backend ring".to_string(),
            ));
        }
        let iface = find(interface)?;
        if !iface.is_up() {
            return Err(LiveError::InterfaceDown(interface.to_string()));
        }
        let config = datalink::Config {
            read_buffer_size: READ_BUFFER,
            read_timeout: Some(READ_TIMEOUT),
            promiscuous,
            ..datalink::Config::default()
        };
        let rx = match datalink::channel(&iface, config) {
            Ok(Channel::Ethernet(_tx, rx)) => rx,
            Ok(_) => {
                return Err(LiveError::Unsupported(format!(
                    "{interface}: pnet offers no Ethernet channel here"
                )))
            }
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                return Err(LiveError::Permission {
                    iface: interface.to_string(),
                })
            }
            Err(source) => {
                return Err(LiveError::Os {
                    iface: interface.to_string(),
                    op: "opening a pnet datalink channel",
                    cause: source,
                })
            }
        };
        Ok(PnetSource {
            rx,
            iface: interface.to_string(),
            snaplen: if snaplen == 0 { 262_144 } else { snaplen },
            delivered: 0,
            last: None,
            buf: Vec::new(),
        })
    }

    /// Reads one packet into `buf` (pnet lends its buffer only until the next read, and we
    /// must apply the snap length); false on timeout or signal.
    fn read_one(&mut self) -> Result<bool, SourceError> {
        match self.rx.next() {
            Ok(bytes) => {
                let ts_ns = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
                let keep = bytes.len().min(self.snaplen as usize);
                self.buf.clear();
                self.buf
                    .extend_from_slice(bytes.get(..keep).unwrap_or(bytes));
                let wire = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
                self.last = Some((ts_ns, wire, keep));
                self.delivered += 1;
                Ok(true)
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut
                        | io::ErrorKind::WouldBlock
                        | io::ErrorKind::Interrupted
                ) =>
            {
                Ok(false)
            }
            Err(source) => Err(SourceError::from(LiveError::Os {
                iface: self.iface.clone(),
                op: "recvfrom",
                cause: source,
            })),
        }
    }

    fn frame(&self) -> Option<Frame<'_>> {
        let (ts_ns, orig_len, _) = self.last?;
        Some(Frame {
            ts_ns,
            data: &self.buf,
            orig_len,
            link: LinkType::ETHERNET,
            interface: 0,
            direction: Direction::Unknown,
        })
    }
}

/// The pnet interface named `name`.
pub fn find(name: &str) -> Result<NetworkInterface, LiveError> {
    datalink::interfaces()
        .into_iter()
        .find(|i| i.name == name)
        .ok_or_else(|| LiveError::NoSuchInterface(name.to_string()))
}

impl PacketSource for PnetSource {
    /// Blocks until a frame arrives; never `Ok(None)`.
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, SourceError> {
        while !self.read_one()? {}
        Ok(self.frame())
    }

    fn next_within(&mut self, timeout: Duration) -> Result<Next<'_>, SourceError> {
        Ok(self.poll_frame(timeout)?.map_or(Next::Idle, Next::Frame))
    }

    fn link_type(&self) -> LinkType {
        LinkType::ETHERNET
    }

    fn interfaces(&self) -> crate::frame::InterfaceTable {
        crate::frame::InterfaceTable::of(vec![crate::frame::InterfaceDesc::new(
            Some(&self.iface),
            self.link_type(),
            self.snaplen,
            9,
        )])
    }

    fn stats(&self) -> SourceStats {
        SourceStats {
            delivered: self.delivered,
            ..SourceStats::default()
        }
    }
}

impl LiveSource for PnetSource {
    /// The wait is pnet's fixed read timeout (about 100 ms), whatever `timeout` says.
    fn poll_frame(&mut self, _timeout: Duration) -> Result<Option<Frame<'_>>, SourceError> {
        if self.read_one()? {
            Ok(self.frame())
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
