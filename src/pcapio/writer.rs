//! Writing captures as classic pcap (nanosecond) or pcapng, chosen by file extension.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket};
use pcap_file::pcapng::blocks::enhanced_packet::{EnhancedPacketBlock, EnhancedPacketOption};
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::pcapng::blocks::section_header::{SectionHeaderBlock, SectionHeaderOption};
use pcap_file::pcapng::{Block, PcapNgWriter};
use pcap_file::{DataLink, Endianness, TsResolution};

use crate::frame::{Direction, Frame, InterfaceDesc, InterfaceTable, LinkType};

#[cfg(target_endian = "little")]
type NativeEndian = byteorder_slice::LittleEndian;
#[cfg(target_endian = "big")]
type NativeEndian = byteorder_slice::BigEndian;

/// The snap length written into headers: libpcap's default maximum.
pub const DEFAULT_SNAPLEN: u32 = 262_144;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFormat {
    Pcap,
    PcapNg,
}

impl CaptureFormat {
    /// `.pcap` / `.cap` / `.dmp` → classic pcap, anything else (`.pcapng`, `-`, no
    /// extension) → pcapng, which holds several link types and directions.
    pub fn from_path(path: &str) -> Self {
        let ext = Path::new(path)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("pcap" | "cap" | "dmp") => CaptureFormat::Pcap,
            _ => CaptureFormat::PcapNg,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    // The io::Error is the source: `{:#}` prints it once, after this.
    #[error("cannot create {path}")]
    Create {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("writing the capture failed: {0}")]
    Write(String),
    #[error("a classic pcap file holds one link type ({first}); this frame is {other}: write a .pcapng file instead")]
    MixedLinkTypes { first: LinkType, other: LinkType },
    #[error("{0}: the socket calls are saved in a pcapng file's section header: name it .pcapng")]
    NotesNeedPcapng(String),
}

enum Inner {
    /// `PcapWriter` cannot flush its inner writer, so we keep the writer and call the
    /// crate's header/record serialisers on it ourselves.
    Pcap {
        writer: BufWriter<Box<dyn Write + Send>>,
        link: LinkType,
        snaplen: u32,
        /// The file header names one link type: it is written with the first frame (whose
        /// link type it takes: a remote producer's is not known before its first bytes),
        /// or on flush when no frame came.
        header_written: bool,
    },
    PcapNg {
        writer: PcapNgWriter<BufWriter<Box<dyn Write + Send>>>,
        /// (link type, interface id given by the capture) → pcapng interface index, and
        /// that interface's `if_tsresol` (how its timestamps are written).
        interfaces: Vec<((LinkType, u32), u8)>,
        snaplen: u32,
        /// What the source says about its interfaces: each gets an IDB with its own name,
        /// snap length and time resolution (a merged capture keeps its sources apart).
        described: Option<InterfaceTable>,
    },
}

/// A capture file being written. Frames are buffered; call [`CaptureWriter::flush`] on stop
/// (the headless capture and the UI do so on every exit path, signals included).
pub struct CaptureWriter {
    inner: Inner,
    written: u64,
    /// Flush after every frame (as tcpdump -U): standard output is usually a pipe to a
    /// reader that wants each packet as it comes (`sockeye -i eth0 -w - | …`, a remote
    /// producer for another sockeye).
    packet_buffered: bool,
}

impl CaptureWriter {
    /// Creates `path` (or writes to stdout for `-`); format by extension. `link` is the
    /// link type of the frames to come (a classic pcap header names exactly one).
    pub fn create(path: &str, snaplen: u32, link: LinkType) -> Result<Self, WriteError> {
        let out: Box<dyn Write + Send> = if path == "-" {
            Box::new(io::stdout())
        } else {
            Box::new(File::create(path).map_err(|source| WriteError::Create {
                path: path.to_string(),
                source,
            })?)
        };
        let format = if path == "-" {
            CaptureFormat::Pcap
        } else {
            CaptureFormat::from_path(path)
        };
        let mut writer = Self::new(out, format, snaplen, link)?;
        writer.packet_buffered = path == "-";
        Ok(writer)
    }

    /// [`Self::create`] with `notes` as comments of the pcapng section header (one option
    /// each; every pcapng reader, tshark included, accepts or skips them). A pcap file has
    /// no place for them: `Err(NotesNeedPcapng)` before anything is created. (pcapng names
    /// each packet's link type in its interface block, so none is needed here.)
    pub fn create_with_notes(
        path: &str,
        snaplen: u32,
        notes: Vec<String>,
    ) -> Result<Self, WriteError> {
        if path == "-" || CaptureFormat::from_path(path) != CaptureFormat::PcapNg {
            return Err(WriteError::NotesNeedPcapng(path.to_string()));
        }
        let out = File::create(path).map_err(|source| WriteError::Create {
            path: path.to_string(),
            source,
        })?;
        let section = SectionHeaderBlock {
            endianness: Endianness::native(),
            options: notes
                .into_iter()
                .map(|n| SectionHeaderOption::Comment(Cow::Owned(n)))
                .collect(),
            ..Default::default()
        };
        let writer = PcapNgWriter::with_section_header(
            BufWriter::with_capacity(256 * 1024, Box::new(out) as Box<dyn Write + Send>),
            section,
        )
        .map_err(|e| WriteError::Write(e.to_string()))?;
        Ok(CaptureWriter {
            inner: Inner::PcapNg {
                writer,
                interfaces: Vec::new(),
                snaplen: if snaplen == 0 {
                    DEFAULT_SNAPLEN
                } else {
                    snaplen
                },
                described: None,
            },
            written: 0,
            packet_buffered: false,
        })
    }

    pub fn new(
        out: Box<dyn Write + Send>,
        format: CaptureFormat,
        snaplen: u32,
        link: LinkType,
    ) -> Result<Self, WriteError> {
        let out = BufWriter::with_capacity(256 * 1024, out);
        let snaplen = if snaplen == 0 {
            DEFAULT_SNAPLEN
        } else {
            snaplen
        };
        let inner = match format {
            CaptureFormat::Pcap => Inner::Pcap {
                writer: out,
                link,
                snaplen,
                header_written: false,
            },
            CaptureFormat::PcapNg => Inner::PcapNg {
                writer: PcapNgWriter::with_endianness(out, Endianness::native())
                    .map_err(|e| WriteError::Write(e.to_string()))?,
                interfaces: Vec::new(),
                snaplen,
                described: None,
            },
        };
        Ok(CaptureWriter {
            inner,
            written: 0,
            packet_buffered: false,
        })
    }

    /// pcapng: describe each interface as `table` does (name, link type, snap length,
    /// `if_tsresol`) instead of one nanosecond IDB per link type and id. Classic pcap has no
    /// room for any of it.
    pub fn with_interfaces(mut self, table: InterfaceTable) -> Self {
        if let Inner::PcapNg { described, .. } = &mut self.inner {
            *described = Some(table);
        }
        self
    }

    pub fn written(&self) -> u64 {
        self.written
    }

    pub fn write_frame(&mut self, frame: &Frame<'_>) -> Result<(), WriteError> {
        self.write(frame, None)
    }

    /// [`Self::write_frame`] with a packet comment (pcapng's `opt_comment`, which tshark
    /// shows as `frame.comment`); a pcap file has no place for it and drops it.
    pub fn write_frame_commented(
        &mut self,
        frame: &Frame<'_>,
        comment: &str,
    ) -> Result<(), WriteError> {
        self.write(frame, Some(comment))
    }

    fn write(&mut self, frame: &Frame<'_>, comment: Option<&str>) -> Result<(), WriteError> {
        let timestamp = Duration::from_nanos(u64::try_from(frame.ts_ns).unwrap_or(0));
        match &mut self.inner {
            Inner::Pcap {
                writer,
                link,
                snaplen,
                header_written,
            } => {
                if !*header_written {
                    *link = frame.link;
                    write_pcap_header(writer, *link, *snaplen)?;
                    *header_written = true;
                }
                if *link != frame.link {
                    return Err(WriteError::MixedLinkTypes {
                        first: *link,
                        other: frame.link,
                    });
                }
                // PcapPacket::write_to insists incl_len <= snaplen; the header's snap length
                // is at least what we were asked to capture, so only hostile input trips it.
                let data = frame.data.get(..*snaplen as usize).unwrap_or(frame.data);
                let packet = PcapPacket {
                    timestamp,
                    orig_len: frame.orig_len.max(data.len() as u32),
                    data: Cow::Borrowed(data),
                };
                packet
                    .write_to::<_, NativeEndian>(writer, TsResolution::NanoSecond, *snaplen)
                    .map_err(|e| WriteError::Write(e.to_string()))?;
            }
            Inner::PcapNg {
                writer,
                interfaces,
                snaplen,
                described,
            } => {
                let key = (frame.link, frame.interface);
                let (interface_id, tsresol) = match interfaces.iter().position(|k| k.0 == key) {
                    Some(id) => (id, interfaces.get(id).map_or(9, |k| k.1)),
                    None => {
                        // The source's own description when it matches the frame; else
                        // an unnamed nanosecond interface of the frame's link type.
                        let desc = described
                            .as_ref()
                            .and_then(|t| t.get(frame.interface))
                            .filter(|d| d.link == frame.link)
                            .unwrap_or_else(|| InterfaceDesc::new(None, frame.link, *snaplen, 9));
                        let idb = idb_of(&desc);
                        writer
                            .write_block(&Block::InterfaceDescription(idb))
                            .map_err(|e| WriteError::Write(e.to_string()))?;
                        interfaces.push((key, desc.tsresol));
                        (interfaces.len() - 1, desc.tsresol)
                    }
                };
                let timestamp = Duration::from_nanos(ns_to_units(frame.ts_ns, tsresol));
                let mut options = Vec::new();
                match frame.direction {
                    Direction::Inbound => options.push(EnhancedPacketOption::Flags(1)),
                    Direction::Outbound => options.push(EnhancedPacketOption::Flags(2)),
                    Direction::Unknown => {}
                }
                if let Some(text) = comment {
                    options.push(EnhancedPacketOption::Comment(Cow::Borrowed(text)));
                }
                let epb = EnhancedPacketBlock {
                    interface_id: interface_id as u32,
                    timestamp,
                    original_len: frame.orig_len.max(frame.data.len() as u32),
                    data: Cow::Borrowed(frame.data),
                    options,
                };
                writer
                    .write_block(&Block::EnhancedPacket(epb))
                    .map_err(|e| WriteError::Write(e.to_string()))?;
            }
        }
        self.written += 1;
        if self.packet_buffered {
            self.flush()?;
        }
        Ok(())
    }

    /// Pushes buffered frames to the file. Everything written before a successful flush is
    /// a valid, complete capture file.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        let result = match &mut self.inner {
            Inner::Pcap {
                writer,
                link,
                snaplen,
                header_written,
            } => {
                if !*header_written {
                    write_pcap_header(writer, *link, *snaplen)?;
                    *header_written = true;
                }
                writer.flush()
            }
            Inner::PcapNg { writer, .. } => writer.get_mut().flush(),
        };
        result.map_err(|e| WriteError::Write(e.to_string()))
    }
}

fn write_pcap_header(
    writer: &mut impl Write,
    link: LinkType,
    snaplen: u32,
) -> Result<(), WriteError> {
    let header = PcapHeader {
        snaplen,
        datalink: DataLink::from(link.0),
        ts_resolution: TsResolution::NanoSecond,
        endianness: Endianness::native(),
        ..PcapHeader::default()
    };
    header
        .write_to(writer)
        .map_err(|e| WriteError::Write(e.to_string()))?;
    Ok(())
}

/// The IDB of one interface; options as the source had them (mergecap keeps them too).
fn idb_of(desc: &InterfaceDesc) -> InterfaceDescriptionBlock<'static> {
    let mut options = Vec::new();
    if let Some(name) = &desc.name {
        options.push(InterfaceDescriptionOption::IfName(Cow::Owned(
            name.to_string(),
        )));
    }
    // 6 (microseconds) is pcapng's default and goes unsaid, as libpcap and mergecap write it.
    if desc.tsresol != 6 {
        options.push(InterfaceDescriptionOption::IfTsResol(desc.tsresol));
    }
    InterfaceDescriptionBlock {
        linktype: DataLink::from(desc.link.0),
        snaplen: desc.snaplen,
        options,
    }
}

/// A timestamp in the units `if_tsresol` names (pcap-file writes the raw count it is given
/// as nanoseconds). Before 1970 is written as 0, as everywhere else in this writer.
fn ns_to_units(ts_ns: i64, tsresol: u8) -> u64 {
    let ns = u128::try_from(ts_ns).unwrap_or(0);
    let exp = u32::from(tsresol & 0x7f);
    let units = if tsresol & 0x80 == 0 {
        if exp <= 9 {
            ns / 10u128.pow(9 - exp)
        } else {
            ns.saturating_mul(10u128.saturating_pow(exp.min(30) - 9))
        }
    } else {
        ns.saturating_mul(1u128 << exp.min(63)) / 1_000_000_000
    };
    u64::try_from(units).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_the_interfaces_units() {
        assert_eq!(ns_to_units(1_500_000_123, 9), 1_500_000_123);
        assert_eq!(ns_to_units(1_500_000_123, 6), 1_500_000);
        assert_eq!(ns_to_units(1_500_000_123, 0x80 | 10), 1536);
        assert_eq!(ns_to_units(-5, 9), 0);
    }
}
