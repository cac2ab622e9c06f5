//! Turning the tshark-style flags into the headless loop's validated plan.

use anyhow::bail;

use super::{IoArgs, OutputFormat};
use crate::cmd::read::Plan;
use crate::filter::Filter;
use crate::headless::{self, OutputMode, ReadConfig, StatSpec};

/// Everything a headless run needs, checked before any input is opened: a typo in a filter
/// or a `-z` spec fails fast, with a caret.
pub fn plan(io: &IoArgs) -> anyhow::Result<Plan> {
    let stats = io
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
        stats,
        display_filter: compile_filter("-Y", io.display_filter.as_deref())?,
        capture_filter: compile_filter("-f", io.capture_filter.as_deref())?,
        count: io.count,
        write: io.write.clone(),
        snaplen: io.snaplen,
        time_format: io.time_format,
        line_buffered: io.line_buffered,
        follow: io.follow,
        anonymize: io.anonymize,
        hex_dump: io.hex_dump,
        json_arrays: io.no_duplicate_keys,
    })
}

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
        (Some(OutputFormat::Ek), _) => ReadConfig {
            mode: OutputMode::Ek,
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
    if let Some(letters) = &io.resolve {
        config.resolve = crate::names::Resolve::parse(letters)?;
    }
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
