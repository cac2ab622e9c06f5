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

use crate::frame::{Direction, Frame, LinkType};

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
    },
    PcapNg {
        writer: PcapNgWriter<BufWriter<Box<dyn Write + Send>>>,
        /// (link type, interface id given by the capture) → pcapng interface index.
        interfaces: Vec<(LinkType, u32)>,
        snaplen: u32,
    },
}

/// A capture file being written. Frames are buffered; call [`CaptureWriter::flush`] on stop
/// (the headless capture and the UI do so on every exit path, signals included).
pub struct CaptureWriter {
    inner: Inner,
    written: u64,
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
        Self::new(out, format, snaplen, link)
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
            },
            written: 0,
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
            CaptureFormat::Pcap => {
                let header = PcapHeader {
                    snaplen,
                    datalink: DataLink::from(link.0),
                    ts_resolution: TsResolution::NanoSecond,
                    endianness: Endianness::native(),
                    ..PcapHeader::default()
                };
                let mut writer = out;
                header
                    .write_to(&mut writer)
                    .map_err(|e| WriteError::Write(e.to_string()))?;
                Inner::Pcap {
                    writer,
                    link,
                    snaplen,
                }
            }
            CaptureFormat::PcapNg => Inner::PcapNg {
                writer: PcapNgWriter::with_endianness(out, Endianness::native())
                    .map_err(|e| WriteError::Write(e.to_string()))?,
                interfaces: Vec::new(),
                snaplen,
            },
        };
        Ok(CaptureWriter { inner, written: 0 })
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
            } => {
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
            } => {
                let key = (frame.link, frame.interface);
                let interface_id = match interfaces.iter().position(|k| *k == key) {
                    Some(id) => id,
                    None => {
                        let idb = InterfaceDescriptionBlock {
                            linktype: DataLink::from(frame.link.0),
                            snaplen: *snaplen,
                            options: vec![InterfaceDescriptionOption::IfTsResol(9)],
                        };
                        writer
                            .write_block(&Block::InterfaceDescription(idb))
                            .map_err(|e| WriteError::Write(e.to_string()))?;
                        interfaces.push(key);
                        interfaces.len() - 1
                    }
                };
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
        Ok(())
    }

    /// Pushes buffered frames to the file. Everything written before a successful flush is
    /// a valid, complete capture file.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        let result = match &mut self.inner {
            Inner::Pcap { writer, .. } => writer.flush(),
            Inner::PcapNg { writer, .. } => writer.get_mut().flush(),
        };
        result.map_err(|e| WriteError::Write(e.to_string()))
    }
}
