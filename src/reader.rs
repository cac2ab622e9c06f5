//! `sockeye -r FILE` / `sockeye read FILE`: validate the flags, open the file, run the
//! headless printer, report damage with its byte offset and exit 2.

use std::io::{self, BufWriter};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::{bail, Context};

use crate::cli::{IoArgs, OutputFormat};
use crate::filter::Filter;
use crate::headless::{self, OutputMode, Printer, ReadConfig};
use crate::pcapio::CaptureWriter;
use crate::source::{FileSource, PacketSource};

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
/// `-w` file is flushed complete.
pub fn stop_flag() -> anyhow::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register(signal, Arc::clone(&flag))
            .context("installing signal handler")?;
    }
    Ok(flag)
}

/// Parses a `-Y`/`-f` filter; the error names the flag and shows the caret line.
pub fn compile_filter(flag: &str, text: Option<&str>) -> anyhow::Result<Option<Filter>> {
    text.map(|text| Filter::parse(text).map_err(|err| anyhow::anyhow!("{flag}: {err}")))
        .transpose()
}

pub fn read_capture(path: &str, io: &IoArgs) -> anyhow::Result<ExitCode> {
    if !io.stats.is_empty() {
        bail!("-z statistics are not available yet in this build");
    }
    let config = read_config(io)?;
    // Filters are checked before the file is opened: a typo fails fast, with a caret.
    let display_filter = compile_filter("-Y", io.display_filter.as_deref())?;
    let capture_filter = compile_filter("-f", io.capture_filter.as_deref())?;
    let mut source = FileSource::open(path)?;
    let mut writer = match &io.write {
        Some(out) => Some(CaptureWriter::create(out, io.snaplen, source.link_type())?),
        None => None,
    };
    let stop = stop_flag()?;
    let mut printer = Printer::new(config)
        .with_display_filter(display_filter)
        .with_capture_filter(capture_filter);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(256 * 1024, stdout.lock());
    let outcome = headless::run(
        &mut source,
        &mut printer,
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
