//! `sockeye -r FILE` / `sockeye read FILE`: validate the flags, open the file, run the
//! headless printer, report damage with its byte offset and exit 2.

use std::io::{self, BufWriter};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::{bail, Context};

use crate::cli::{IoArgs, OutputFormat};
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

/// Registers SIGINT/SIGTERM/SIGHUP to set the returned flag, so loops stop cleanly and the
/// `-w` file is flushed complete. A second signal exits at once (status 130): the first one
/// is only seen between frames, and a reader blocked on an idle pipe (`-r -`) would otherwise
/// ignore the user.
pub fn stop_flag() -> anyhow::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        // Registered first, so it sees the flag as the previous signal left it.
        signal_hook::flag::register_conditional_shutdown(signal, 130, Arc::clone(&flag))
            .context("installing signal handler")?;
        signal_hook::flag::register(signal, Arc::clone(&flag))
            .context("installing signal handler")?;
    }
    Ok(flag)
}

pub fn read_capture(path: &str, io: &IoArgs) -> anyhow::Result<ExitCode> {
    if io.display_filter.is_some() {
        bail!("-Y display filters are not available yet in this build");
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
    // Before the -w file exists: a signal that arrived between creating it and installing the
    // handlers would kill us with the file header still in the write buffer (an empty file).
    let stop = stop_flag()?;
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
    let mut printer = Printer::new(config);
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
