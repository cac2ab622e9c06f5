//! Live capture in the terminal UI (`sockeye -i IFACE` on a terminal, and `sockeye demo`):
//! open the capture source (which drops every privilege right after), then hand it to the UI.

use std::process::ExitCode;
use std::sync::mpsc::Receiver;

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
) -> anyhow::Result<ExitCode> {
    let source = open_source(opts)?;
    run_with(source, &opts.interface, events)
}

/// The UI over an already opened source.
pub fn run_with(
    source: Box<dyn crate::source::LiveSource + Send>,
    title: &str,
    events: Option<Receiver<SocketEvent>>,
) -> anyhow::Result<ExitCode> {
    ui::run_live(
        source,
        events,
        ui::LiveOptions {
            title: title.to_string(),
            no_color: ui::theme::Theme::no_color_env(),
            open_interface: None,
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
