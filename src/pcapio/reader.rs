//! Streaming capture reader over any `Read` (a file, a pipe, stdin).
//!
//! Record framing and field parsing come from `pcap-file` (`PcapHeader`, `RawPcapPacket`,
//! `PcapNgParser`). We do not use its `PcapReader`/`PcapNgReader` because they (a) reject
//! classic-pcap records whose original length exceeds the snap length, which every capture
//! taken with `-s` has, (b) ignore pcapng `if_tsresol`, and (c) cannot say at which byte
//! offset a file is damaged. The buffering here is what gives us all three.

use std::io::{self, Read};

use pcap_file::pcap::{PcapHeader, RawPcapPacket};
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketOption;
use pcap_file::pcapng::blocks::section_header::SectionHeaderOption;
use pcap_file::pcapng::{Block, PcapNgParser};
use pcap_file::{Endianness, PcapError, TsResolution};

use super::interface::{direction_from_flags, interface_from, units_to_ns, Interface};
use super::ReadError;
use crate::frame::{Direction, Frame, InterfaceDesc, InterfaceTable, LinkType};

/// Largest record or block we accept. libpcap caps records at 256 KiB (or the snap length);
/// we allow 16 MiB so that odd-but-legal files still read, while a record that claims 4 GiB
/// is reported instead of allocated.
pub const MAX_RECORD_LEN: usize = 16 * 1024 * 1024;
const READ_CHUNK: usize = 256 * 1024;
const PCAPNG_SHB_TYPE: u32 = 0x0A0D_0D0A;

enum Format {
    Pcap {
        header: PcapHeader,
    },
    PcapNg {
        parser: PcapNgParser,
        interfaces: Vec<Interface>,
        endianness: Endianness,
    },
}

/// Where the next record's bytes are inside `buf`, plus its metadata.
#[derive(Debug)]
struct RecordMeta {
    start: usize,
    len: usize,
    ts_ns: i64,
    orig_len: u32,
    link: LinkType,
    interface: u32,
    direction: Direction,
}

pub struct CaptureReader<R> {
    input: R,
    buf: Vec<u8>,
    /// Valid bytes run from `start` to `end` in `buf`; the byte at `start` is at file
    /// offset `offset`.
    start: usize,
    end: usize,
    offset: u64,
    eof: bool,
    /// The file header was read: from now on an input that has nothing yet is reported as
    /// [`ReadError::Idle`] instead of waited for.
    header_read: bool,
    format: Format,
    /// Every interface described so far (a classic pcap file has one).
    interfaces: InterfaceTable,
    /// Where each pcapng record's packet comment goes, once someone asked for them.
    comments: Option<super::CommentSlot>,
    /// The comments of the pcapng section headers read so far.
    section_notes: Vec<String>,
}

/// A record found by [`CaptureReader::advance`]; its bytes stay in the reader until the
/// next call.
#[derive(Debug)]
pub struct Record {
    meta: RecordMeta,
    data_offset: u64,
}

impl<R: Read> CaptureReader<R> {
    /// Reads the file header (or pcapng section header) and is then ready for frames.
    pub fn new(input: R) -> Result<Self, ReadError> {
        Self::with_interfaces(input, InterfaceTable::new())
    }

    /// [`CaptureReader::new`], describing the interfaces into `table` (shared with whoever
    /// reads them).
    pub fn with_interfaces(input: R, table: InterfaceTable) -> Result<Self, ReadError> {
        let mut reader = CaptureReader {
            input,
            buf: vec![0; READ_CHUNK],
            start: 0,
            end: 0,
            offset: 0,
            eof: false,
            header_read: false,
            format: Format::Pcap {
                header: PcapHeader::default(),
            },
            interfaces: table,
            comments: None,
            section_notes: Vec::new(),
        };
        reader.read_file_header()?;
        reader.header_read = true;
        Ok(reader)
    }

    /// From now on, each record's packet comment (pcapng `opt_comment`; none for pcap) is
    /// left in the returned slot as the record is read.
    pub fn share_comments(&mut self) -> super::CommentSlot {
        self.comments.get_or_insert_with(Default::default).clone()
    }

    /// The comments of the section headers read so far (the first one's once the reader
    /// is created): `sockeye run -w` keeps the program's socket calls there.
    pub fn section_notes(&self) -> &[String] {
        &self.section_notes
    }

    /// File offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The interfaces described so far, shared: it grows as the file describes more.
    pub fn interfaces(&self) -> InterfaceTable {
        self.interfaces.clone()
    }

    /// Link type of the first interface.
    pub fn link_type(&self) -> LinkType {
        match &self.format {
            Format::Pcap { header } => LinkType(u32::from(header.datalink)),
            Format::PcapNg { interfaces, .. } => interfaces
                .first()
                .map_or(LinkType::ETHERNET, |iface| iface.link),
        }
    }

    /// The next frame, or `Ok(None)` at a clean end of file.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, ReadError> {
        Ok(self.next_record()?.map(|(_, frame)| frame))
    }

    /// The next frame with the file offset of its first captured byte, so an index can
    /// keep a few numbers per packet and read the bytes back from a memory-mapped file.
    pub fn next_record(&mut self) -> Result<Option<(u64, Frame<'_>)>, ReadError> {
        Ok(self.advance()?.map(|record| self.record(&record)))
    }

    /// Moves to the next record without lending its bytes ([`CaptureReader::record`] does),
    /// so a caller can retry [`ReadError::Idle`] in a loop. `Ok(None)` at a clean end.
    pub fn advance(&mut self) -> Result<Option<Record>, ReadError> {
        let meta = loop {
            let step = match self.format {
                Format::Pcap { .. } => self.next_pcap_record()?,
                Format::PcapNg { .. } => self.next_pcapng_record()?,
            };
            match step {
                Step::Record(meta) => break meta,
                Step::Skipped => continue,
                Step::NeedMore => {
                    if !self.fill()? {
                        if self.start == self.end {
                            return Ok(None);
                        }
                        return Err(ReadError::Truncated {
                            what: format!(
                                "{} bytes of an incomplete record",
                                self.end - self.start
                            ),
                            offset: self.offset,
                        });
                    }
                }
            }
        };
        // `buf[start]` is at file offset `offset`, and the record was consumed already, so
        // its data lies `start - meta.start` bytes before that.
        let data_offset = self
            .offset
            .saturating_sub(self.start.saturating_sub(meta.start) as u64);
        Ok(Some(Record { meta, data_offset }))
    }

    /// The frame of the record [`CaptureReader::advance`] just returned, and the file offset
    /// of its captured bytes.
    pub fn record(&self, record: &Record) -> (u64, Frame<'_>) {
        let meta = &record.meta;
        let data = self
            .buf
            .get(meta.start..meta.start.saturating_add(meta.len))
            .unwrap_or(&[]);
        (
            record.data_offset,
            Frame {
                ts_ns: meta.ts_ns,
                data,
                orig_len: meta.orig_len,
                link: meta.link,
                interface: meta.interface,
                direction: meta.direction,
            },
        )
    }

    fn window(&self) -> &[u8] {
        self.buf.get(self.start..self.end).unwrap_or(&[])
    }

    fn consume(&mut self, len: usize) {
        self.start += len;
        self.offset += len as u64;
    }

    /// Reads more input, keeping unread bytes. Returns false at end of input.
    fn fill(&mut self) -> Result<bool, ReadError> {
        if self.eof {
            return Ok(false);
        }
        // Move the unread tail to the front, growing the buffer when a single record needs
        // more room than it has (bounded by MAX_RECORD_LEN through the length checks).
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        if self.buf.len() - self.end < READ_CHUNK / 2 {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            // `end` never passes the buffer's length; were it to, an empty slice reads as
            // the end of input instead of a panic.
            let free = self.buf.get_mut(self.end..).unwrap_or_default();
            match self.input.read(free) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                // A pipe with nothing to read yet: the caller may come back (the header is
                // always waited for, so a reader never exists without one).
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    if self.header_read {
                        return Err(ReadError::Idle);
                    }
                    continue;
                }
                Err(source) => {
                    return Err(ReadError::Io {
                        offset: self.offset + (self.end - self.start) as u64,
                        source,
                    })
                }
            }
        }
    }

    /// Makes sure at least `n` bytes are buffered; false when the input ends first.
    fn ensure(&mut self, n: usize) -> Result<bool, ReadError> {
        while self.end - self.start < n {
            if !self.fill()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn read_file_header(&mut self) -> Result<(), ReadError> {
        if !self.ensure(4)? {
            return Err(self.malformed(format!(
                "not a capture file: only {} bytes long",
                self.end - self.start
            )));
        }
        let magic = u32::from_be_bytes(first4(self.window()));
        match magic {
            0xA1B2_C3D4 | 0xD4C3_B2A1 | 0xA1B2_3C4D | 0x4D3C_B2A1 => self.read_pcap_header(),
            PCAPNG_SHB_TYPE => self.read_pcapng_header(),
            _ => Err(self.malformed(format!(
                "not a pcap or pcapng file (magic number 0x{magic:08x})"
            ))),
        }
    }

    fn read_pcap_header(&mut self) -> Result<(), ReadError> {
        if !self.ensure(24)? {
            return Err(ReadError::Truncated {
                what: "pcap file header shorter than 24 bytes".into(),
                offset: self.offset,
            });
        }
        let (rest, header) = PcapHeader::from_slice(self.window())
            .map_err(|err| self.malformed(format!("bad pcap file header: {err}")))?;
        let used = self.window().len() - rest.len();
        self.consume(used);
        let tsresol = match header.ts_resolution {
            TsResolution::MicroSecond => 6,
            TsResolution::NanoSecond => 9,
        };
        self.interfaces.push(InterfaceDesc::new(
            None,
            LinkType(u32::from(header.datalink)),
            header.snaplen,
            tsresol,
        ));
        self.format = Format::Pcap { header };
        Ok(())
    }

    fn read_pcapng_header(&mut self) -> Result<(), ReadError> {
        let len = self.peek_shb_len()?;
        let (rest, parser) = PcapNgParser::new(self.window().get(..len).unwrap_or(&[]))
            .map_err(|err| self.malformed(format!("bad pcapng section header: {err}")))?;
        let endianness = parser.section().endianness;
        let notes: Vec<String> = (parser.section().options.iter())
            .filter_map(|option| match option {
                SectionHeaderOption::Comment(text) => Some(text.to_string()),
                _ => None,
            })
            .collect();
        let used = len - rest.len();
        self.consume(used);
        self.format = Format::PcapNg {
            parser,
            interfaces: Vec::new(),
            endianness,
        };
        self.section_notes.extend(notes);
        Ok(())
    }

    /// Total length of the section header block at the read position, fully buffered.
    fn peek_shb_len(&mut self) -> Result<usize, ReadError> {
        if !self.ensure(12)? {
            return Err(ReadError::Truncated {
                what: "pcapng section header shorter than 12 bytes".into(),
                offset: self.offset,
            });
        }
        let window = self.window();
        let big = match read_u32(window, 8, true) {
            0x1A2B_3C4D => true,
            0x4D3C_2B1A => false,
            magic => {
                return Err(self.malformed(format!(
                    "pcapng section header has a bad byte-order magic 0x{magic:08x}"
                )))
            }
        };
        let len = read_u32(window, 4, big) as usize;
        self.check_block_len(len)?;
        if !self.ensure(len)? {
            return Err(self.truncated_block(len));
        }
        Ok(len)
    }

    fn check_block_len(&self, len: usize) -> Result<(), ReadError> {
        if len < 12 || len % 4 != 0 || len > MAX_RECORD_LEN {
            return Err(self.malformed(format!(
                "pcapng block length {len} is invalid (must be a multiple of 4, 12..{MAX_RECORD_LEN})"
            )));
        }
        Ok(())
    }

    fn truncated_block(&self, len: usize) -> ReadError {
        ReadError::Truncated {
            what: format!(
                "block of {len} bytes, only {} present",
                self.end - self.start
            ),
            offset: self.offset,
        }
    }

    fn malformed(&self, what: String) -> ReadError {
        ReadError::Malformed {
            what,
            offset: self.offset,
        }
    }

    fn next_pcap_record(&mut self) -> Result<Step, ReadError> {
        let Format::Pcap { header } = &self.format else {
            return Ok(Step::NeedMore);
        };
        let window = self.window();
        if window.len() < 16 {
            return Ok(Step::NeedMore);
        }
        let big = header.endianness == Endianness::Big;
        let incl_len = read_u32(window, 8, big) as usize;
        if incl_len > MAX_RECORD_LEN {
            return Err(self.malformed(format!(
                "pcap record claims {incl_len} captured bytes (limit {MAX_RECORD_LEN})"
            )));
        }
        if window.len() < 16 + incl_len {
            return Ok(Step::NeedMore);
        }
        let parsed = if big {
            RawPcapPacket::from_slice::<byteorder_be::BE>(window)
        } else {
            RawPcapPacket::from_slice::<byteorder_be::LE>(window)
        };
        let raw = match parsed {
            Ok((_, raw)) => raw,
            Err(PcapError::IncompleteBuffer) => return Ok(Step::NeedMore),
            Err(err) => return Err(self.malformed(format!("bad pcap record: {err}"))),
        };
        let frac_ns = match header.ts_resolution {
            TsResolution::MicroSecond => i64::from(raw.ts_frac) * 1_000,
            TsResolution::NanoSecond => i64::from(raw.ts_frac),
        };
        let meta = RecordMeta {
            start: self.start + 16,
            len: incl_len,
            ts_ns: i64::from(raw.ts_sec) * 1_000_000_000 + frac_ns,
            orig_len: raw.orig_len,
            link: LinkType(u32::from(header.datalink)),
            interface: 0,
            direction: Direction::Unknown,
        };
        self.consume(16 + incl_len);
        Ok(Step::Record(meta))
    }

    fn next_pcapng_record(&mut self) -> Result<Step, ReadError> {
        let Format::PcapNg { endianness, .. } = &self.format else {
            return Ok(Step::NeedMore);
        };
        let window = self.window();
        if window.len() < 12 {
            return Ok(Step::NeedMore);
        }
        let big = *endianness == Endianness::Big;
        if read_u32(window, 0, big) == PCAPNG_SHB_TYPE {
            // A new section: its own byte order and its own interfaces.
            self.read_pcapng_header()?;
            return Ok(Step::Skipped);
        }
        let len = read_u32(window, 4, big) as usize;
        self.check_block_len(len)?;
        if window.len() < len {
            return Ok(Step::NeedMore);
        }
        let block_start = self.start;
        let Format::PcapNg {
            parser, interfaces, ..
        } = &mut self.format
        else {
            return Ok(Step::NeedMore);
        };
        let block_bytes = self.buf.get(block_start..block_start + len).unwrap_or(&[]);
        let block = match parser.next_block(block_bytes) {
            Ok((_, block)) => block,
            Err(PcapError::IncompleteBuffer) => {
                let err = self.malformed(format!("pcapng block of {len} bytes is inconsistent"));
                return Err(err);
            }
            Err(err) => {
                let err = self.malformed(format!("bad pcapng block: {err}"));
                return Err(err);
            }
        };
        let step = match block {
            Block::InterfaceDescription(idb) => {
                let (iface, desc) = interface_from(&idb);
                let id = self.interfaces.push(desc);
                interfaces.push(Interface { id, ..iface });
                Step::Skipped
            }
            Block::EnhancedPacket(epb) => {
                let Some(iface) = interfaces.get(epb.interface_id as usize) else {
                    let id = epb.interface_id;
                    return Err(self.malformed(format!(
                        "packet refers to interface {id}, which was never described"
                    )));
                };
                let direction = epb
                    .options
                    .iter()
                    .find_map(|opt| match opt {
                        EnhancedPacketOption::Flags(flags) => Some(direction_from_flags(*flags)),
                        _ => None,
                    })
                    .unwrap_or_default();
                if let Some(slot) = &self.comments {
                    let comment = epb.options.iter().find_map(|opt| match opt {
                        EnhancedPacketOption::Comment(text) => Some(text.to_string()),
                        _ => None,
                    });
                    slot.put(comment);
                }
                let data_offset = subslice_offset(block_bytes, &epb.data);
                Step::Record(RecordMeta {
                    start: block_start + data_offset,
                    len: epb.data.len(),
                    ts_ns: units_to_ns(epb.timestamp.as_nanos(), iface.units_per_sec),
                    orig_len: epb.original_len,
                    link: iface.link,
                    interface: iface.id,
                    direction,
                })
            }
            Block::SimplePacket(spb) => {
                let Some(iface) = interfaces.first() else {
                    return Err(self
                        .malformed("simple packet block before any interface description".into()));
                };
                // SPB data runs to the end of the block, padding included; the captured
                // length is the original length capped by the interface snap length.
                let snap = if iface.snaplen == 0 {
                    u32::MAX
                } else {
                    iface.snaplen
                };
                let cap = spb.original_len.min(snap) as usize;
                let data_offset = subslice_offset(block_bytes, &spb.data);
                Step::Record(RecordMeta {
                    start: block_start + data_offset,
                    len: cap.min(spb.data.len()),
                    ts_ns: 0,
                    orig_len: spb.original_len,
                    link: iface.link,
                    interface: iface.id,
                    direction: Direction::Unknown,
                })
            }
            // Name resolution, statistics, journal, obsolete packet and unknown blocks carry
            // nothing a frame needs.
            _ => Step::Skipped,
        };
        self.consume(len);
        Ok(step)
    }
}

enum Step {
    Record(RecordMeta),
    Skipped,
    NeedMore,
}

/// byteorder_slice's marker types under short names.
mod byteorder_be {
    pub type BE = byteorder_slice::BigEndian;
    pub type LE = byteorder_slice::LittleEndian;
}

fn first4(bytes: &[u8]) -> [u8; 4] {
    let mut out = [0; 4];
    for (dst, src) in out.iter_mut().zip(bytes) {
        *dst = *src;
    }
    out
}

fn read_u32(bytes: &[u8], at: usize, big: bool) -> u32 {
    let word = first4(bytes.get(at..).unwrap_or(&[]));
    if big {
        u32::from_be_bytes(word)
    } else {
        u32::from_le_bytes(word)
    }
}

/// Offset of `inner` inside `outer` when it borrows from it (pcap-file returns borrowed
/// data for unmodified blocks); 0 otherwise.
fn subslice_offset(outer: &[u8], inner: &[u8]) -> usize {
    let outer_start = outer.as_ptr() as usize;
    let inner_start = inner.as_ptr() as usize;
    if inner_start >= outer_start && inner_start + inner.len() <= outer_start + outer.len() {
        inner_start - outer_start
    } else {
        0
    }
}
