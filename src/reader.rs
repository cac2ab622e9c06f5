//! `sockeye -r FILE` / `sockeye read FILE`: validate the flags, open the file, run the
//! headless printer, report damage with its byte offset and exit 2.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::bail;

use std::sync::atomic::AtomicBool;

use crate::capture::CaptureOptions;
use crate::cli::{IoArgs, OutputFormat};
use crate::filter::Filter;
use crate::headless::{self, OutputMode, Printer, ReadConfig, StatSpec, Stats};
use crate::pcapio::CaptureWriter;
use crate::source::{FileSource, PacketSource, SourceError};

/// Builds the printer configuration from the tshark-style flags.
pub fn read_config(io: &IoArgs) -> anyhow::Result<ReadConfig> {
    if !io.fields.is_empty() && io.format != Some(OutputFormat::Fields) {
        bail!(headless::OptionErrorKind::FieldsWithoutFormat);
    }
    let mut config = match (io.format, io.verbose) {
        (Some(OutputFormat::Fields), _) => ReadConfig::fields(&io.fields, &io.field_options)?,
        (Some(OutputFormat::Json), _) => ReadConfig {
            mode: OutputMode::Json,
            ..ReadConfig::summary()
        },
        (_, true) => ReadConfig {
            mode: OutputMode::Tree,
            ..ReadConfig::summary()
        },
        (Some(OutputFormat::Text), false) => ReadConfig::summary(),
        // Like tshark: writing a file prints nothing unless an output format is asked for.
        (None, false) if io.write.is_some() => ReadConfig {
            mode: OutputMode::Quiet,
            ..ReadConfig::summary()
        },
        (None, false) => ReadConfig::summary(),
    };
    if config.mode != OutputMode::Summary
        && !io.field_options.is_empty()
        && io.format != Some(OutputFormat::Fields)
    {
        config.field_options = headless::parse_field_options(&io.field_options)?;
    }
    Ok(config)
}

/// Parses a `-Y`/`-f` filter; the error names the flag and shows the caret line.
pub fn compile_filter(flag: &str, text: Option<&str>) -> anyhow::Result<Option<Filter>> {
    text.map(|text| Filter::parse(text).map_err(|err| anyhow::anyhow!("{flag}: {err}")))
        .transpose()
}

/// Everything the headless loop needs from the flags, checked before any input is opened:
/// a typo in a filter or a `-z` spec fails fast, with a caret.
struct Plan {
    config: ReadConfig,
    stats: Option<Stats>,
    display_filter: Option<Filter>,
    capture_filter: Option<Filter>,
}

impl Plan {
    fn from_io(io: &IoArgs) -> anyhow::Result<Plan> {
        let specs = io
            .stats
            .iter()
            .map(|spec| StatSpec::parse(spec))
            .collect::<Result<Vec<_>, _>>()?;
        let mut config = read_config(io)?;
        if io.quiet {
            config.mode = OutputMode::Quiet;
        }
        Ok(Plan {
            config,
            stats: (!specs.is_empty()).then(|| Stats::new(&specs)),
            display_filter: compile_filter("-Y", io.display_filter.as_deref())?,
            capture_filter: compile_filter("-f", io.capture_filter.as_deref())?,
        })
    }

    /// Runs the one headless loop over `source`.
    fn run(
        self,
        source: &mut dyn PacketSource,
        writer: Option<&mut CaptureWriter>,
        count: Option<u64>,
        stop: &AtomicBool,
        line_buffered: bool,
    ) -> anyhow::Result<headless::Outcome> {
        let mut printer = Printer::new(self.config)
            .with_display_filter(self.display_filter)
            .with_capture_filter(self.capture_filter);
        let stdout = io::stdout();
        // A file is read as fast as it can be printed: block-buffered. A live capture on a
        // terminal shows each line as it comes (as tcpdump); the loop also flushes whenever
        // the source is idle.
        let mut out: Box<dyn Write> = if line_buffered {
            Box::new(io::LineWriter::new(stdout.lock()))
        } else {
            Box::new(BufWriter::with_capacity(256 * 1024, stdout.lock()))
        };
        Ok(headless::run(
            source,
            &mut printer,
            self.stats,
            writer,
            count,
            stop,
            &mut out,
        )?)
    }
}

pub fn read_capture(path: &str, io: &IoArgs) -> anyhow::Result<ExitCode> {
    if let Some(kind) = io.export {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        crate::teach::export::run(path, kind, io.packet, io.mermaid, &mut out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let plan = Plan::from_io(io)?;
    // Before the -w file exists: a signal that arrived between creating it and installing the
    // handlers would kill us with the file header still in the write buffer (an empty file).
    let stop = crate::capture::stop_flag()?;
    // Open errors already name the file; a damaged header does not, and the user may have
    // given several -r runs in a script.
    let mut source = FileSource::open(path).map_err(|err| match err {
        SourceError::Open { .. } => anyhow::Error::new(err),
        damaged => anyhow::anyhow!("{path}: {damaged}"),
    })?;
    if io.write.as_deref().is_some_and(|out| out != "-") {
        keep_running_on_broken_pipe();
    }
    let mut writer = match &io.write {
        Some(out) => Some(CaptureWriter::create(out, io.snaplen, source.link_type())?),
        None => None,
    };
    let outcome = plan.run(&mut source, writer.as_mut(), io.count, &stop, false)?;
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
pub fn capture_live(opts: &CaptureOptions, io: &IoArgs) -> anyhow::Result<ExitCode> {
    let plan = Plan::from_io(io)?;
    let mut source = crate::capture::open_source(opts)?;
    let stop = crate::capture::stop_flag()?;
    // Only now, with every privilege dropped, is the -w file created.
    let mut writer = match &opts.write {
        Some(path) => Some(CaptureWriter::create(
            path,
            source.snaplen(),
            source.link_type(),
        )?),
        None => None,
    };
    crate::capture::announce(source.as_ref(), opts.backend);
    let terminal = io::IsTerminal::is_terminal(&io::stdout());
    let outcome = plan.run(
        source.as_mut(),
        writer.as_mut(),
        opts.count,
        &stop,
        terminal,
    );
    crate::capture::report_counts(source.as_ref(), outcome.as_ref().ok().map(|o| o.frames));
    let outcome = outcome?;
    if let Some(err) = outcome.source_error {
        anyhow::bail!("{}: {err}", opts.interface);
    }
    Ok(ExitCode::SUCCESS)
}

/// `sockeye -r X -w OUT -V | head` must still finish OUT: with the default SIGPIPE the kernel
/// would kill us mid-run with frames in the write buffer. Ignored, a closed stdout becomes an
/// EPIPE error that ends the run through the normal path, which flushes the capture file.
fn keep_running_on_broken_pipe() {
    // SAFETY: changing a signal disposition has no preconditions; no other thread is
    // handling SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}
