//! sockeye: a terminal packet inspector.
//!
//! Data flows one way: sources yield [`frame::Frame`]s, `decode` turns them into packets
//! whose fields carry Wireshark names (the one table in `field`), analysis adds conversation
//! facts, and the headless printers / UI read the result.

pub mod analysis;
pub mod app;
pub mod capture;
pub mod cli;
pub mod decode;
pub mod demo;
pub mod dissect;
pub mod endpoints;
pub mod field;
pub mod filter;
pub mod frame;
pub mod gen;
pub mod headless;
pub mod interfaces;
pub mod lesson;
pub mod live_ui;
pub mod pcapio;
pub mod privileges;
pub mod reader;
pub mod signals;
pub mod source;
pub mod store;
pub mod teach;
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
        Some(Command::Demo(a)) => demo::run(&a),
        None if cli.io.list_interfaces => {
            print!("{}", interfaces::format_list(&interfaces::list()));
            Ok(ExitCode::SUCCESS)
        }
        None => {
            if let Some(path) = &cli.bench_draw {
                print!("{}", tui::bench::run(path)?);
                return Ok(ExitCode::SUCCESS);
            }
            let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
            let ui = cli.wants_ui(terminal);
            match (&cli.io.read, capture::CaptureOptions::from_io(&cli.io)) {
                (Some(path), _) if ui => {
                    ui::run_replay(
                        path,
                        ui::ReplayOptions {
                            no_color: ui::theme::Theme::no_color_env(),
                            time_format: cli.io.time_format,
                        },
                    )?;
                    Ok(ExitCode::SUCCESS)
                }
                (Some(path), _) => reader::read_capture(path, &cli.io),
                (None, Some(opts)) if ui => live_ui::run(&opts, None, cli.io.time_format),
                (None, Some(opts)) => reader::capture_live(&opts, &cli.io),
                (None, None) if ui => match default_interface() {
                    Some(name) => {
                        let io = cli::IoArgs {
                            interface: Some(name),
                            ..cli.io.clone()
                        };
                        match capture::CaptureOptions::from_io(&io) {
                            Some(opts) => live_ui::run(&opts, None, cli.io.time_format),
                            None => bail!("cannot capture on the default interface"),
                        }
                    }
                    None => bail!(
                        "no interface is up with an address to capture on; give -i INTERFACE \
                         (see `sockeye -D`), open a capture with -r FILE, or try `sockeye demo`"
                    ),
                },
                (None, None) => bail!(
                    "nothing to do: give -r FILE to read a capture or -i INTERFACE to capture (see `sockeye --help`)"
                ),
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
