//! Live capture in the terminal UI (`sockeye -i IFACE` on a terminal, and `sockeye demo`):
//! open the capture source (which drops every privilege right after), then hand it to the UI.

use std::process::ExitCode;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

use crate::capture::{open_source, CaptureOptions};
use crate::endpoints::events::SocketEvent;
use crate::ui;

/// Runs the live UI on `opts.interface`; `events` are the built-in endpoints' socket calls
/// (the demo), shown beside the packets they caused.
///
/// The source is opened before any thread exists: dropping capabilities only covers the
/// threads alive at that moment.
pub fn run(
    opts: &CaptureOptions,
    events: Option<Receiver<SocketEvent>>,
    time_format: Option<crate::headless::TimeFormat>,
) -> anyhow::Result<ExitCode> {
    let source = open_source(opts)?;
    let store = crate::store::LiveConfig {
        store_limit: opts.store_limit(),
        record: opts.write.clone(),
        ..Default::default()
    };
    run_with_config(source, &opts.interface, events, store, time_format)
}

/// The UI over an already opened source; `note` is a footer line the caller keeps
/// current (the demo names the running scenario and what to watch for).
pub fn run_with(
    source: Box<dyn crate::source::LiveSource + Send>,
    title: &str,
    events: Option<Receiver<SocketEvent>>,
    note: Option<Arc<Mutex<String>>>,
) -> anyhow::Result<ExitCode> {
    ui::run_live(
        source,
        events,
        ui::LiveOptions {
            title: title.to_string(),
            no_color: ui::theme::Theme::no_color_env(),
            note,
            ..Default::default()
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// [`run_with`] with a store limit and an optional `-w` recording.
fn run_with_config(
    source: Box<dyn crate::source::LiveSource + Send>,
    title: &str,
    events: Option<Receiver<SocketEvent>>,
    store: crate::store::LiveConfig,
    time_format: Option<crate::headless::TimeFormat>,
) -> anyhow::Result<ExitCode> {
    ui::run_live(
        source,
        events,
        ui::LiveOptions {
            title: title.to_string(),
            no_color: ui::theme::Theme::no_color_env(),
            open_interface: None,
            store,
            time_format,
            note: None,
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
