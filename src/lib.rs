//! sockeye: a terminal packet inspector.
//!
//! Data flows one way: sources yield [`frame::Frame`]s, `decode` turns them into packets
//! whose fields carry Wireshark names (the one table in `field`), analysis adds conversation
//! facts, and the headless printers / UI read the result.

pub mod capture;
pub mod cli;
pub mod frame;
pub mod interfaces;
pub mod pcapio;
pub mod privileges;
pub mod source;

use std::process::ExitCode;

use anyhow::bail;

use cli::{Cli, Command};

/// Runs one invocation of the command line. Errors are user-facing: one line, exit code 2.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::Fields) => bail!("field table not built yet"),
        Some(Command::Read { file, io }) => bail!("reader not built yet: {file} {io:?}"),
        None if cli.io.list_interfaces => {
            print!("{}", interfaces::format_list(&interfaces::list()));
            Ok(ExitCode::SUCCESS)
        }
        None => match capture::CaptureOptions::from_io(&cli.io) {
            Some(opts) => capture::run(&opts, None),
            None => bail!("nothing to do: try `sockeye --help`"),
        },
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
