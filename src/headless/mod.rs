//! The headless reader: frames from any source, printed as tcpdump-like lines, tshark
//! `-T fields` columns, JSON lines, or the `-V` layer tree; optionally saved with `-w`.

mod clock;
mod ek;
mod fields_out;
mod hexdump;
mod json;
mod options;
mod parallel;
mod stats;
mod summary;
mod timefmt;
mod tree;

pub use tree::{tree_lines, write_tree, TreeLine};

pub use options::{
    parse_field_options, FieldColumn, FieldOptions, Occurrence, OptionError as OptionErrorKind,
    OutputMode, ReadConfig,
};
pub use stats::{StatError, StatSpec, Stats};
pub use summary::{write_summary, RelativeSeq};
pub use timefmt::{TimeContext, TimeFormat};

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::decode::{FieldList, Interest};
use crate::dissect::{Dissection, Dissector};
use crate::filter::Filter;
use crate::frame::Frame;
use crate::pcapio::CaptureWriter;
use crate::source::{Next, PacketSource, SourceError, POLL_INTERVAL};

/// How a headless run ended.
#[derive(Debug)]
pub struct Outcome {
    pub frames: u64,
    /// The source failed after `frames` frames (they were all printed).
    pub source_error: Option<SourceError>,
    /// The rendered `-z` statistics (empty when none were asked for).
    pub stats: String,
}

#[derive(Debug, thiserror::Error)]
pub enum HeadlessError {
    // The io::Error is the source: `{:#}` (main) prints it once, after this.
    #[error("writing output failed")]
    Output(#[from] std::io::Error),
    #[error(transparent)]
    Write(#[from] crate::pcapio::WriteError),
}

/// The summary line of a dissected packet (no timestamp), with the analysis's relative
/// sequence numbers as tcpdump prints them.
pub fn write_dissection_summary(d: &Dissection<'_>, line: &mut Vec<u8>) {
    write_summary(&d.packet, relative_seq(d), line);
}

/// What a summary line takes from the TCP analysis.
fn relative_seq(d: &Dissection<'_>) -> Option<RelativeSeq> {
    d.tcp.as_ref().map(|facts| RelativeSeq {
        seq: facts.seq_rel,
        ack: facts.ack_rel,
        // tcpdump prints the raw numbers of each direction's opening segment.
        first_in_direction: d.packet.tcp().is_some_and(|t| t.syn()),
    })
}

/// Prints packets in the configured mode, keeping those that pass its filters.
pub struct Printer {
    config: ReadConfig,
    /// `-Y`: judged after dissection; frames that fail are still dissected (analysed).
    display_filter: Option<Filter>,
    /// `-f`: judged on the raw frame; frames that fail are dropped as if never captured.
    capture_filter: Option<Filter>,
    clock: clock::Clock,
    /// `-t`: the summary lines' time as tshark would show it (tcpdump's time of day
    /// without it), and what the formats need: first, previous and previous shown times.
    time: Option<TimeFormat>,
    times: TimeContext,
    line: Vec<u8>,
    protocols: String,
    header_done: bool,
    /// `-x`: each packet's bytes after it (instead of the summary line, as tshark).
    hex_dump: bool,
    /// Summary lines may be formatted on a second thread (see `parallel`).
    parallel_lines: bool,
    /// `-T json`: packets printed so far (the array's separators depend on it).
    json_packets: u64,
    /// `--no-duplicate-keys`: a repeated field's occurrences as one JSON array.
    json_arrays: bool,
}

impl Printer {
    pub fn new(config: ReadConfig) -> Self {
        Printer {
            config,
            display_filter: None,
            capture_filter: None,
            clock: clock::Clock::default(),
            time: None,
            times: TimeContext::default(),
            line: Vec::with_capacity(512),
            protocols: String::new(),
            header_done: false,
            hex_dump: false,
            parallel_lines: false,
            json_packets: 0,
            json_arrays: false,
        }
    }

    /// Which names the pipeline feeding this printer should resolve (`-N`).
    pub fn resolve(&self) -> crate::names::Resolve {
        self.config.resolve
    }

    pub fn with_json_arrays(mut self, arrays: bool) -> Self {
        self.json_arrays = arrays;
        self
    }

    /// Lets summary lines be formatted on a second thread, a batch of frames at a time: for
    /// a capture file, whose lines nobody waits for one by one.
    pub fn with_parallel_lines(mut self, parallel: bool) -> Self {
        self.parallel_lines = parallel;
        self
    }

    /// Whether this run's lines go to the formatting thread: plain summary lines with
    /// tcpdump's clock (the other time formats keep state from line to line).
    fn lines_in_parallel(&self) -> bool {
        self.parallel_lines
            && self.config.mode == OutputMode::Summary
            && !self.hex_dump
            && self.time.is_none()
    }

    pub fn with_hex_dump(mut self, hex_dump: bool) -> Self {
        self.hex_dump = hex_dump;
        self
    }

    pub fn with_display_filter(mut self, filter: Option<Filter>) -> Self {
        self.display_filter = filter;
        self
    }

    pub fn with_time_format(mut self, time: Option<TimeFormat>) -> Self {
        self.time = time;
        self
    }

    pub fn with_capture_filter(mut self, filter: Option<Filter>) -> Self {
        self.capture_filter = filter;
        self
    }

    /// Whether the capture filter (if any) keeps this frame. Live loops call this on each
    /// captured frame before storing, dissecting or writing it.
    pub fn captures(&self, frame: &Frame<'_>) -> bool {
        self.capture_filter
            .as_ref()
            .is_none_or(|filter| filter.matches_frame(frame))
    }

    /// Whether what is printed or filtered on reads `sockeye.vantage.*` (the tree, JSON
    /// and EK show every field; `-T fields` and `-Y` only those they name).
    pub fn reads_vantage(&self) -> bool {
        let vantage = |id: &crate::field::FieldId| crate::analysis::vantage::FIELDS.contains(id);
        let filtered =
            (self.display_filter.as_ref()).is_some_and(|f| f.fields().iter().any(vantage));
        filtered
            || match &self.config.mode {
                OutputMode::Fields(columns) => {
                    columns.columns.iter().any(|c| c.parts.iter().any(vantage))
                }
                OutputMode::Summary | OutputMode::Quiet => false,
                OutputMode::Json | OutputMode::Ek | OutputMode::Tree => true,
            }
    }

    /// Whether the display filter (if any) shows this dissected frame.
    pub fn shows(&self, d: &Dissection<'_>) -> bool {
        self.display_filter
            .as_ref()
            .is_none_or(|filter| filter.matches(d))
    }

    /// The layers this printer reads from each dissection: its output mode's and its
    /// display filter's. A tcpdump-style line reads the decoded headers and the TCP
    /// analysis only.
    pub fn interest(&self) -> Interest {
        let output = match &self.config.mode {
            OutputMode::Summary if !self.hex_dump => Interest::NONE,
            OutputMode::Quiet => Interest::NONE,
            OutputMode::Fields(columns) => columns.interest,
            // The tree, JSON and -x (its data sources include reassembled PDUs).
            _ => Interest::ALL.union(Interest::COLUMNS),
        };
        let filter = self
            .display_filter
            .as_ref()
            .map_or(Interest::NONE, Filter::interest);
        output.union(filter)
    }

    /// Writes whatever precedes the first packet (the -E header=y line).
    pub fn begin(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        if let OutputMode::Fields(columns) = &self.config.mode {
            if self.config.field_options.header && !self.header_done {
                fields_out::write_header(columns, &self.config.field_options, out)?;
            }
        }
        if self.config.mode == OutputMode::Json && !self.header_done {
            out.write_all(json::OPEN.as_bytes())?;
        }
        self.header_done = true;
        Ok(())
    }

    /// Writes whatever follows the last packet (the end of the JSON array).
    pub fn end(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        if self.config.mode == OutputMode::Json && self.header_done {
            out.write_all(json::close(self.json_packets > 0).as_bytes())?;
        }
        Ok(())
    }

    /// Prints `d` if it passes the display filter; returns whether it did (so `-w` writes
    /// only what is shown, as tshark does).
    pub fn print(&mut self, d: &Dissection<'_>, out: &mut dyn Write) -> std::io::Result<bool> {
        let ts = d.info.ts_ns;
        if self.times.prev_captured.is_none() {
            self.times.first = ts;
        }
        let times = self.times;
        self.times.prev_captured = Some(ts);
        if !self.shows(d) {
            return Ok(false);
        }
        self.times.prev_displayed = Some(ts);
        self.line.clear();
        match &self.config.mode {
            // tshark -x without -V/-P prints the bytes only.
            OutputMode::Summary if self.hex_dump => {}
            OutputMode::Summary => {
                match self.time {
                    Some(format) => self
                        .line
                        .extend_from_slice(format.format(ts, &times).as_bytes()),
                    None => self.clock.write_time(ts, &mut self.line),
                }
                self.line.push(b' ');
                write_dissection_summary(d, &mut self.line);
                self.line.push(b'\n');
            }
            OutputMode::Quiet => return Ok(true),
            OutputMode::Fields(columns) => fields_out::write_packet(
                d,
                columns,
                &self.config.field_options,
                &mut self.protocols,
                &mut self.line,
            ),
            mode => {
                let mut fields = FieldList::new();
                // -T fields may name the packet-list columns; the tree and JSON do not show them.
                let interest = match mode {
                    OutputMode::Fields(_) => Interest::ALL.union(Interest::COLUMNS),
                    _ => Interest::ALL,
                };
                d.emit_fields_only(&mut self.protocols, interest, &mut fields);
                match mode {
                    OutputMode::Ek => {
                        ek::write_packet(&fields, &json_index_date(ts), ts, &mut self.line)
                    }
                    OutputMode::Json => {
                        let date = json_index_date(ts);
                        json::write_packet(
                            &fields,
                            &date,
                            self.json_packets == 0,
                            self.json_arrays,
                            &mut self.line,
                        );
                        self.json_packets += 1;
                    }
                    _ => tree::write_tree(&d.packet, &fields, d.names.as_deref(), &mut self.line),
                }
            }
        }
        if self.hex_dump {
            hexdump::write_hex_dump(d, &mut self.line);
        }
        out.write_all(&self.line)?;
        Ok(true)
    }
}

/// The `_index` date of tshark's JSON: the packet's local calendar day.
fn json_index_date(ts_ns: i64) -> String {
    let tm = crate::sys::broken_down_time(ts_ns.div_euclid(1_000_000_000), true);
    format!(
        "{:04}-{:02}-{:02}",
        i64::from(tm.tm_year) + 1900,
        tm.tm_mon + 1,
        tm.tm_mday
    )
}

/// Reads `source` to the end (or `count` frames, or until `stop` is set), printing each
/// packet and writing it to `writer`. The one headless loop for every source: a file, a
/// pipe and a live interface differ only in how long [`PacketSource::next_within`] waits.
/// A damaged source ends the run after everything before the damage was printed; the
/// error is returned in [`Outcome`] for the caller to report.
pub fn run(
    source: &mut dyn PacketSource,
    printer: &mut Printer,
    stats: Option<Stats>,
    writer: Option<&mut CaptureWriter>,
    count: Option<u64>,
    stop: &AtomicBool,
    out: &mut dyn Write,
) -> Result<Outcome, HeadlessError> {
    let sinks = Sinks { stats, writer, out };
    run_with(Dissector::new(), source, printer, sinks, count, stop)
}

/// Where [`run_with`] sends each packet besides the printer.
pub struct Sinks<'w> {
    pub stats: Option<Stats>,
    pub writer: Option<&'w mut CaptureWriter>,
    pub out: &'w mut dyn Write,
}

/// [`run`] with a dissector of the caller's (live capture's attributes each conversation
/// to its processes; a `-w` file then carries them as packet comments).
pub fn run_with(
    mut dissector: Dissector,
    source: &mut dyn PacketSource,
    printer: &mut Printer,
    sinks: Sinks<'_>,
    count: Option<u64>,
    stop: &AtomicBool,
) -> Result<Outcome, HeadlessError> {
    let Sinks {
        mut stats,
        mut writer,
        out,
    } = sinks;
    // The source's interfaces name the frames (a merge's sources, a pcapng's IDBs).
    dissector = dissector.with_interfaces(source.interfaces());
    // -N: whatever dissector the caller made (live capture's attributes processes) also
    // resolves the names the printer shows.
    dissector.resolve_names(printer.resolve());
    let stats_interest = stats.as_ref().map_or(Interest::NONE, Stats::interest);
    dissector.limit_to(printer.interest().union(stats_interest));
    // Pairing a merge's sightings is for those who read it (statistics may filter on it).
    if !printer.reads_vantage() && stats.is_none() {
        dissector.skip_vantage();
    }
    let mut source_error = None;
    let pumped = std::thread::scope(|scope| -> Result<(), HeadlessError> {
        let mut lines = match printer.lines_in_parallel() {
            true => Some(parallel::ParallelLines::start(scope)?),
            false => None,
        };
        printer.begin(out)?;
        let mut draining = false;
        while count.is_none_or(|limit| dissector.frames() < limit) {
            // A stop request: a source holding frames back (a merge waiting for its slower
            // sources) hands them out first, so nothing it already received is lost.
            if !draining && stop.load(Ordering::Relaxed) {
                if !source.drain() {
                    break;
                }
                draining = true;
            }
            let frame = match source.next_within(POLL_INTERVAL) {
                Ok(Next::Frame(frame)) => frame,
                // An idle live source: show what was printed, look at the stop flag again.
                Ok(Next::Idle) => {
                    out.flush()?;
                    continue;
                }
                Ok(Next::End) => break,
                Err(err) => {
                    source_error = Some(err);
                    break;
                }
            };
            if !printer.captures(&frame) {
                continue;
            }
            dissector.dissect_with(&frame, |dissection| -> Result<(), HeadlessError> {
                let shown = match lines.as_mut() {
                    Some(lines) => {
                        let shown = printer.shows(dissection);
                        if shown {
                            lines.push(&frame, dissection, out)?;
                        }
                        shown
                    }
                    None => printer.print(dissection, out)?,
                };
                if let Some(stats) = stats.as_mut() {
                    stats.observe(dissection);
                }
                if let Some(writer) = writer.as_deref_mut().filter(|_| shown) {
                    // A file's own comment is kept; a live capture writes the owners it found.
                    let comment = (dissection.comment.clone())
                        .or_else(|| dissection.process.as_ref().map(|p| p.comment()));
                    match comment {
                        Some(text) => writer.write_frame_commented(&frame, &text)?,
                        None => writer.write_frame(&frame)?,
                    }
                }
                Ok(())
            })?;
        }
        if let Some(lines) = lines {
            lines.finish(out)?;
        }
        printer.end(out)?;
        Ok(out.flush()?)
    });
    // The capture file is flushed whatever ended the loop (the end, damage, a signal, a
    // failed stdout): every frame handed to the writer is a complete record on disk.
    let flushed = writer.map_or(Ok(()), |writer| writer.flush());
    pumped?;
    flushed?;
    let stats = stats.map_or_else(String::new, |s| s.finish(dissector.analyzer()));
    out.write_all(stats.as_bytes())?;
    out.flush()?;
    Ok(Outcome {
        frames: dissector.frames(),
        source_error,
        stats,
    })
}
