//! sockeye: a terminal packet inspector.
//!
//! Data flows one way: sources yield [`frame::Frame`]s, `decode` turns them into packets
//! whose fields carry Wireshark names (the one table in `field`), analysis adds conversation
//! facts, and the headless printers / UI read the result.

pub mod analysis;
pub mod app;
pub mod cli;
pub mod decode;
pub mod dissect;
pub mod endpoints;
pub mod field;
pub mod frame;
pub mod gen;
pub mod headless;
pub mod pcapio;
pub mod reader;
pub mod source;
pub mod store;
pub mod tui;
pub mod ui;

use std::process::ExitCode;

use anyhow::bail;

use cli::{Cli, Command};

/// Runs one invocation of the command line. Errors are user-facing: one line, exit code 2.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::Fields) => {
            print_field_table();
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Read { file, io }) => reader::read_capture(&file, &io),
        Some(Command::Serve(a)) => Ok(endpoints::cli::serve(a)?),
        Some(Command::Send(a)) => Ok(endpoints::cli::send(a)?),
        Some(Command::Lab(a)) => Ok(endpoints::cli::lab(a)?),
        None => {
            if let Some(path) = &cli.bench_draw {
                print!("{}", tui::bench::run(path)?);
                return Ok(ExitCode::SUCCESS);
            }
            let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
            match &cli.io.read {
                Some(path) if cli.wants_ui(terminal) => {
                    ui::run_replay(
                        path,
                        ui::ReplayOptions {
                            no_color: ui::theme::Theme::no_color_env(),
                        },
                    )?;
                    Ok(ExitCode::SUCCESS)
                }
                Some(path) => reader::read_capture(path, &cli.io),
                None if cli.wants_ui(terminal) => bail!(
                    "live capture is not available in this build yet{}; open a saved capture \
                     with `sockeye -r FILE` (see `sockeye --help`)",
                    default_interface().map_or(String::new(), |name| format!(
                        " (the UI would capture on {name})"
                    ))
                ),
                None => {
                    bail!("nothing to do: give -r FILE to read a capture (see `sockeye --help`)")
                }
            }
        }
    }
}

/// The interface a bare `sockeye` would capture on: the first one that is up, not
/// loopback, and has an address (what tcpdump picks, roughly).
pub fn default_interface() -> Option<String> {
    pnet::datalink::interfaces()
        .into_iter()
        .find(|i| i.is_up() && !i.is_loopback() && !i.ips.is_empty())
        .map(|i| i.name)
}

/// `sockeye fields`: the one field table, as `tshark -G fields` would list it.
fn print_field_table() {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for def in field::FIELDS {
        let kind = match def.display {
            field::Display::Protocol => "protocol/flag".to_string(),
            other => format!("{other:?}").to_lowercase(),
        };
        let _ = writeln!(out, "{:<36} {:<14} {}", def.name, kind, def.title);
    }
}

/// Rust ignores SIGPIPE, which turns `sockeye -r big.pcap | head` into an error message.
/// Command-line tools conventionally die quietly instead.
pub fn restore_default_sigpipe() {
    // SAFETY: setting a signal disposition to SIG_DFL has no preconditions; it is done once
    // at startup before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
