//! The headless commands: `sockeye -r FILE` / `sockeye read FILE` and `sockeye -i IFACE`
//! without the UI, both through the one headless loop; damage is reported with its byte
//! offset and exit code 2.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use std::sync::atomic::AtomicBool;

use crate::capture::CaptureOptions;
use crate::dissect::Dissector;
use crate::filter::Filter;
use crate::headless::{self, Printer, ReadConfig, StatSpec, Stats};
use crate::pcapio::CaptureWriter;
use crate::source::{
    FileSource, OpenOptions, PacketSource, RemoteOptions, RemoteSource, RemoteSpec, SourceError,
};
use crate::teach::export::ExportKind;

/// A validated headless run: everything the loop needs, checked before any input is
/// opened (a typo in a filter or a `-z` spec fails fast, with a caret).
#[derive(Debug)]
pub struct Plan {
    pub config: ReadConfig,
    pub stats: Vec<StatSpec>,
    pub display_filter: Option<Filter>,
    pub capture_filter: Option<Filter>,
    /// `-c`: stop after this many frames (those the capture filter kept).
    pub count: Option<u64>,
    /// `-w`: also write what is shown to this capture file.
    pub write: Option<String>,
    /// Snap length recorded in a `-w` file written from a capture file.
    pub snaplen: u32,
    /// `-t`: the summary lines' time as tshark shows it (tcpdump's time of day without).
    pub time_format: Option<crate::headless::TimeFormat>,
    /// `-l`: write each line as soon as it is decoded.
    pub line_buffered: bool,
    /// `--follow`: wait at the end of the file for more.
    pub follow: bool,
    /// `--anonymize`: every frame rewritten before it is decoded, printed or written.
    pub anonymize: bool,
    /// `-x`: a hex dump of each packet.
    pub hex_dump: bool,
    /// `--no-duplicate-keys`: `-T json` writes a repeated field as one array.
    pub json_arrays: bool,
}

impl Plan {
    /// Runs the one headless loop over `source`.
    fn run(
        self,
        source: &mut dyn PacketSource,
        writer: Option<&mut CaptureWriter>,
        stop: &AtomicBool,
        line_buffered: bool,
    ) -> anyhow::Result<headless::Outcome> {
        let delivery = Delivery::new(line_buffered, false);
        self.run_with(Dissector::new(), source, writer, stop, delivery)
    }

    /// [`Self::run`] with the caller's dissector (live capture attributes processes).
    fn run_with(
        self,
        dissector: Dissector,
        source: &mut dyn PacketSource,
        writer: Option<&mut CaptureWriter>,
        stop: &AtomicBool,
        delivery: Delivery,
    ) -> anyhow::Result<headless::Outcome> {
        let mut private;
        let source: &mut dyn PacketSource = if self.anonymize {
            let anonymizer = crate::dissect::anonymize::Anonymizer::random()?;
            private = crate::dissect::anonymize::AnonymizedSource::new(
                &mut *source as &mut dyn PacketSource,
                anonymizer,
            );
            &mut private
        } else {
            source
        };
        let stats = (!self.stats.is_empty()).then(|| Stats::new(&self.stats));
        let mut printer = Printer::new(self.config)
            .with_display_filter(self.display_filter)
            .with_capture_filter(self.capture_filter)
            .with_time_format(self.time_format)
            .with_hex_dump(self.hex_dump)
            .with_json_arrays(self.json_arrays)
            .with_parallel_lines(delivery == Delivery::Batches);
        let stdout = io::stdout();
        // A file is read as fast as it can be printed: block-buffered. A live capture on a
        // terminal shows each line as it comes (as tcpdump); the loop also flushes whenever
        // the source is idle.
        let mut out: Box<dyn Write> = if delivery == Delivery::Lines {
            Box::new(io::LineWriter::new(stdout.lock()))
        } else {
            Box::new(BufWriter::with_capacity(256 * 1024, stdout.lock()))
        };
        let sinks = headless::Sinks {
            stats,
            writer,
            out: &mut out,
        };
        Ok(headless::run_with(
            dissector,
            source,
            &mut printer,
            sinks,
            self.count,
            stop,
        )?)
    }
}

/// How output lines reach stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delivery {
    /// Each line as its packet arrives (a live source on a terminal, `-l`).
    Lines,
    /// Block-buffered.
    Blocks,
    /// Block-buffered, and summary lines may be formatted a batch at a time on a second
    /// thread: a capture file that is complete, whose lines nobody waits for one by one.
    Batches,
}

impl Delivery {
    fn new(line_buffered: bool, complete_file: bool) -> Self {
        match (line_buffered, complete_file) {
            (true, _) => Delivery::Lines,
            (false, false) => Delivery::Blocks,
            (false, true) => Delivery::Batches,
        }
    }
}

/// `sockeye -r FILE --export KIND --packet N`: one teaching view as text.
pub fn export(
    path: &str,
    kind: ExportKind,
    packet: u64,
    mermaid: bool,
) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    crate::teach::export::run(path, kind, packet, mermaid, &mut out)?;
    Ok(ExitCode::SUCCESS)
}

/// `--export KIND --format md`: the view in a fenced block, then the narration.
pub fn export_md(path: &str, kind: ExportKind, packet: u64) -> anyhow::Result<ExitCode> {
    let mut view = Vec::new();
    if kind != ExportKind::Narrate {
        crate::teach::export::run(path, kind, packet, false, &mut view)?;
    }
    let mut narration = Vec::new();
    crate::teach::export::run(path, ExportKind::Narrate, packet, false, &mut narration)?;
    let view = String::from_utf8_lossy(&view);
    let mut out = io::stdout().lock();
    writeln!(out, "## Packet {packet}\n")?;
    if !view.trim().is_empty() {
        writeln!(out, "```text\n{}\n```\n", view.trim_end())?;
    }
    write!(out, "{}", String::from_utf8_lossy(&narration))?;
    Ok(ExitCode::SUCCESS)
}

/// `sockeye -r FILE` / `sockeye read FILE`, headless.
pub fn read_capture(path: &str, plan: Plan) -> anyhow::Result<ExitCode> {
    // Before the -w file exists: a signal that arrived between creating it and installing the
    // handlers would kill us with the file header still in the write buffer (an empty file).
    let stop = crate::capture::stop_flag()?;
    // Open errors already name the file; a damaged header does not, and the user may have
    // given several -r runs in a script.
    let open = OpenOptions {
        follow: plan.follow,
    };
    let mut source = FileSource::open_with(path, open).map_err(|err| match err {
        SourceError::Open { .. } => anyhow::Error::new(err),
        damaged => anyhow::anyhow!("{path}: {damaged}"),
    })?;
    if plan.write.as_deref().is_some_and(|out| out != "-") {
        keep_running_on_broken_pipe();
    }
    let mut writer = match &plan.write {
        Some(out) => Some(
            CaptureWriter::create(out, plan.snaplen, source.link_type())?
                .with_interfaces(source.interfaces()),
        ),
        None => None,
    };
    // Packets that arrive over time are shown as they come on a terminal (as tcpdump).
    let line_buffered =
        plan.line_buffered || (source.is_streaming() && io::IsTerminal::is_terminal(&io::stdout()));
    // Packet comments become `frame.comment`, and the process owners sockeye wrote there.
    let dissector = Dissector::with_comments(source.comments());
    let delivery = Delivery::new(line_buffered, !source.is_streaming());
    let outcome = plan.run_with(dissector, &mut source, writer.as_mut(), &stop, delivery)?;
    if let Some(err) = outcome.source_error {
        eprintln!(
            "sockeye: {path}: {err} ({} packets read before it)",
            outcome.frames
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// `sockeye -i IFACE`: live capture through the same headless loop as `-r` (summary lines,
/// `-T fields`, `-T json`, `-V`, `-q`, `-z`, `-Y`, `-f`, `-c` and `-w` together), with
/// tcpdump's opening line and closing counters on stderr.
pub fn capture_live(opts: &CaptureOptions, plan: Plan) -> anyhow::Result<ExitCode> {
    // Opened before privileges are dropped; without it packets simply carry no owners.
    let dissector = match crate::capture::owners::SocketOwners::open() {
        Ok(owners) => Dissector::with_owners(Box::new(owners)),
        Err(e) => {
            eprintln!("sockeye: no process attribution (sock_diag: {e})");
            Dissector::new()
        }
    };
    let mut source = crate::capture::open_source(opts)?;
    let stop = crate::capture::stop_flag()?;
    // Only now, with every privilege dropped, is the -w file created.
    let mut writer = match &plan.write {
        Some(path) => Some(
            CaptureWriter::create(path, source.snaplen(), source.link_type())?
                .with_interfaces(source.interfaces()),
        ),
        None => None,
    };
    crate::capture::announce(source.as_ref(), opts.backend);
    let line_buffered = plan.line_buffered || io::IsTerminal::is_terminal(&io::stdout());
    let outcome = plan.run_with(
        dissector,
        source.as_mut(),
        writer.as_mut(),
        &stop,
        Delivery::new(line_buffered, false),
    );
    crate::capture::report_counts(source.as_ref(), outcome.as_ref().ok().map(|o| o.frames));
    let outcome = outcome?;
    if let Some(err) = outcome.source_error {
        anyhow::bail!("{}: {err}", opts.interface);
    }
    Ok(ExitCode::SUCCESS)
}

/// `sockeye -i ssh://…` (or `k8s://`, `cmd://`): a remote producer's capture through the
/// same headless loop; the producer's failure (unreachable host, no permission, no tcpdump)
/// is one line naming it, exit 2.
pub fn capture_remote(
    spec: &RemoteSpec,
    remote: &RemoteOptions,
    plan: Plan,
) -> anyhow::Result<ExitCode> {
    let stop = crate::capture::stop_flag()?;
    let mut source = match RemoteSource::open(spec, remote) {
        Ok(source) => source,
        Err(err) => {
            eprintln!("sockeye: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    // A producer that never sends its capture header (a stalled ssh) is waited for, and a
    // signal ends the wait at once.
    let slow = |label: &str| eprintln!("sockeye: waiting for {label} to start its capture…");
    match source.wait_open(&stop, slow) {
        Ok(true) => {}
        Ok(false) => return Ok(ExitCode::SUCCESS),
        Err(err) => {
            eprintln!("sockeye: {err}");
            return Ok(ExitCode::from(2));
        }
    }
    let mut writer = match &plan.write {
        Some(path) => Some(
            CaptureWriter::create(path, plan.snaplen, source.link_type())?
                .with_interfaces(source.interfaces()),
        ),
        None => None,
    };
    eprintln!("sockeye: reading from {}", source.label());
    let line_buffered = plan.line_buffered || io::IsTerminal::is_terminal(&io::stdout());
    let outcome = plan.run(&mut source, writer.as_mut(), &stop, line_buffered)?;
    if let Some(err) = outcome.source_error {
        eprintln!("sockeye: {err} ({} packets read before it)", outcome.frames);
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// `sockeye -r X -w OUT -V | head` must still finish OUT: with the default SIGPIPE the kernel
/// would kill us mid-run with frames in the write buffer. Ignored, a closed stdout becomes an
/// EPIPE error that ends the run through the normal path, which flushes the capture file.
fn keep_running_on_broken_pipe() {
    crate::sys::ignore_sigpipe();
}
