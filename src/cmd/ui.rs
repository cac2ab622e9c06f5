//! The terminal UI commands: a capture file (`sockeye -r FILE` on a terminal) and live
//! capture (`sockeye -i IFACE`, and `sockeye demo`), which opens the capture source (and
//! drops every privilege right after) before handing it to the UI.

use std::process::ExitCode;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

use crate::capture::CaptureOptions;
use crate::endpoints::events::SocketEvent;
use crate::filter::Filter;
use crate::source::{RemoteOptions, RemoteSource, RemoteSpec};
use crate::tui::{self, ui};

/// The command-line filters of a UI session, how it shows time, and its preferences.
#[derive(Debug, Default, Clone)]
pub struct UiFilters {
    /// `-Y`: applied when the UI opens, shown in the filter bar.
    pub display: Option<Filter>,
    /// `-f`: what it rejects is never captured (or loaded).
    pub capture: Option<Filter>,
    /// `-t`: the Time column's format.
    pub time_format: Option<crate::headless::TimeFormat>,
    /// `--anonymize`: the UI shows an anonymised copy of the capture.
    pub anonymize: bool,
    /// The preferences file (`--profile`), loaded; `None` where there is no config
    /// directory.
    pub prefs: Option<crate::prefs::Loaded>,
}

/// The UI over a capture file or a pipe, with the command line's filters.
pub fn replay(path: &str, follow: bool, filters: UiFilters) -> anyhow::Result<ExitCode> {
    let private = match filters.anonymize {
        true => Some(super::privacy::anonymized_copy(path)?),
        false => None,
    };
    let shown = private.as_ref().map(|p| p.path());
    tui::run_replay(
        shown.as_deref().unwrap_or(path),
        tui::ReplayOptions {
            no_color: ui::theme::Theme::no_color_env(),
            display_filter: filters.display,
            capture_filter: filters.capture,
            time_format: filters.time_format,
            follow,
            prefs: filters.prefs,
            ..Default::default()
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The UI over a remote producer's capture (`-i ssh://…`), as over a live interface.
pub fn remote(
    spec: &RemoteSpec,
    remote: &RemoteOptions,
    mut filters: UiFilters,
) -> anyhow::Result<ExitCode> {
    let source = RemoteSource::open(spec, remote)?;
    let title = source.label().to_string();
    let store = crate::store::LiveConfig {
        capture_filter: filters.capture.take(),
        ..Default::default()
    };
    run_with_config(Box::new(source), &title, store, filters)
}

/// Runs the live UI on `opts.interface` with the command line's filters.
///
/// The source is opened before any thread exists: dropping capabilities only covers the
/// threads alive at that moment.
pub fn run(opts: &CaptureOptions, mut filters: UiFilters) -> anyhow::Result<ExitCode> {
    let (source, owners) = crate::capture::open_source_attributed(opts)?;
    let store = crate::store::LiveConfig {
        store_limit: opts.store_limit(),
        record: opts.write.clone(),
        capture_filter: filters.capture.take(),
        owners: owners.map(crate::capture::owners::share),
        ..Default::default()
    };
    run_with_config(source, &opts.interface, store, filters)
}

/// The UI over an already opened source; `note` is a footer line the caller keeps
/// current (the demo names the running scenario and what to watch for).
pub fn run_with(
    source: Box<dyn crate::source::LiveSource + Send>,
    title: &str,
    events: Option<Receiver<SocketEvent>>,
    note: Option<Arc<Mutex<String>>>,
) -> anyhow::Result<ExitCode> {
    tui::run_live(
        source,
        events,
        tui::LiveOptions {
            title: title.to_string(),
            no_color: ui::theme::Theme::no_color_env(),
            note,
            ..Default::default()
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `sockeye run`'s UI: [`run_with`] with the traced program's output under the ladder.
pub fn run_traced(
    source: Box<dyn crate::source::LiveSource + Send>,
    title: &str,
    events: Receiver<SocketEvent>,
    output: crate::trace::output::ProgramOutput,
    owners: Option<crate::dissect::process::SharedLookup>,
) -> anyhow::Result<ExitCode> {
    tui::run_live(
        source,
        Some(events),
        tui::LiveOptions {
            title: title.to_string(),
            no_color: ui::theme::Theme::no_color_env(),
            program_output: Some(output),
            store: crate::store::LiveConfig {
                owners,
                ..Default::default()
            },
            ..Default::default()
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// [`run_with`] with a store limit, an optional `-w` recording and the command line's
/// filters and preferences.
pub(super) fn run_with_config(
    source: Box<dyn crate::source::PacketSource + Send>,
    title: &str,
    store: crate::store::LiveConfig,
    filters: UiFilters,
) -> anyhow::Result<ExitCode> {
    // Privacy mode live: every frame is rewritten before the store (and a -w recording)
    // sees it.
    let source = if filters.anonymize {
        crate::store::anonymized_live(source, &store)?
    } else {
        source
    };
    tui::run_live(
        source,
        None,
        tui::LiveOptions {
            title: title.to_string(),
            no_color: ui::theme::Theme::no_color_env(),
            open_interface: None,
            store,
            display_filter: filters.display,
            time_format: filters.time_format,
            note: None,
            prefs: filters.prefs,
            program_output: None,
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
