//! `sockeye -r FILE` / `sockeye read FILE`: validate the flags, open the file, run the
//! headless printer, report damage with its byte offset and exit 2.

use std::io::{self, BufWriter};
use std::process::ExitCode;

use anyhow::bail;

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

pub fn read_capture(path: &str, io: &IoArgs) -> anyhow::Result<ExitCode> {
    if let Some(kind) = io.export {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        crate::teach::export::run(path, kind, io.packet, io.mermaid, &mut out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let specs = io
        .stats
        .iter()
        .map(|spec| StatSpec::parse(spec))
        .collect::<Result<Vec<_>, _>>()?;
    let mut config = read_config(io)?;
    if io.quiet {
        config.mode = OutputMode::Quiet;
    }
    let stats = (!specs.is_empty()).then(|| Stats::new(&specs));
    // Filters are checked before the file is opened: a typo fails fast, with a caret.
    let display_filter = compile_filter("-Y", io.display_filter.as_deref())?;
    let capture_filter = compile_filter("-f", io.capture_filter.as_deref())?;
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
    let mut printer = Printer::new(config)
        .with_display_filter(display_filter)
        .with_capture_filter(capture_filter)
        .with_time_format(io.time_format);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(256 * 1024, stdout.lock());
    let outcome = headless::run(
        &mut source,
        &mut printer,
        stats,
        writer.as_mut(),
        io.count,
        &stop,
        &mut out,
    )?;
    if let Some(err) = outcome.source_error {
        eprintln!(
            "sockeye: {path}: {err} ({} packets read before it)",
            outcome.frames
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// `sockeye -i IFACE`: live capture, each packet printed by the same printer as `-r`
/// (summary lines, `-T fields`, `-T json`, `-V`), with analysis on.
pub fn capture_live(
    opts: &crate::capture::CaptureOptions,
    io: &IoArgs,
) -> anyhow::Result<ExitCode> {
    let capture_filter = compile_filter("-f", io.capture_filter.as_deref())?;
    let mut printer = Printer::new(read_config(io)?)
        .with_display_filter(compile_filter("-Y", io.display_filter.as_deref())?)
        .with_time_format(io.time_format);
    let mut dissector = crate::dissect::Dissector::new();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    printer.begin(&mut out)?;
    let mut sink = |frame: &crate::frame::Frame<'_>| -> anyhow::Result<()> {
        printer.print(&dissector.dissect(frame), &mut out)?;
        Ok(())
    };
    let keep = |frame: &crate::frame::Frame<'_>| {
        capture_filter
            .as_ref()
            .is_none_or(|f| f.matches_frame(frame))
    };
    crate::capture::run(opts, &keep, &mut sink)
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
