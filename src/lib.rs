//! sockeye: a terminal packet inspector.
//!
//! The layers stack one way; a module only uses the modules below it (a test in
//! `tests/integration/architecture.rs` checks that no two top-level modules reach each
//! other, directly or round a loop):
//!
//! ```text
//! cli                       every clap type; validates flags into the commands' options
//! cmd                       one function per command (read, capture, UI, demo, lab, …)
//! tui (app, ui, lesson)     the terminal program: run loop; state and geometry (app,
//!                           app/layout) that never import drawing (ui); lessons
//! headless                  printers: tcpdump-style lines, -T fields/json, -V, -z
//! stats                     expert info and IO intervals, for -z and the UI alike
//! store · filter · teach    packet index for the UI, display filter, teaching views
//! dissect                   the pipeline: frame → decode → reassembly → analysis → Dissection
//! names                     name resolution: MAC vendors, port names, hosts from captured DNS
//! analysis · decode · field conversations and TCP facts; layers; the one field table
//! endpoints · capture       built-in endpoints; opening live capture (privileges dropped)
//! trace                     `sockeye run`'s tracer: a program's socket calls as SocketEvents
//! source · pcapio · frame   where frames come from: files, pipes, rings; pcap/pcapng
//! sys                       system calls behind safe functions
//! ```
//!
//! Data flows the same way: sources yield [`frame::Frame`]s, `decode` turns them into
//! packets whose fields carry Wireshark names (the one table in `field`), analysis adds
//! conversation facts, and every consumer — the headless printers, the display filter, the
//! UI's store and the teaching views — reads that one [`dissect::Dissection`].
//!
//! `unsafe` lives in two places only: the capture ring (`source/ring`, which reads the
//! kernel's shared mapping) and `sys` (every other system call, behind safe functions).
//! Everywhere else it is denied, so a new `unsafe` block fails the build.
#![deny(unsafe_code)]

pub mod analysis;
pub mod capture;
pub mod cli;
pub mod cmd;
pub mod decode;
pub mod dissect;
pub mod endpoints;
pub mod field;
pub mod filter;
pub mod frame;
pub mod gen;
pub mod headless;
pub mod interfaces;
pub mod names;
pub mod pcapio;
pub mod prefs;
pub mod privileges;
pub mod signals;
pub mod source;
pub mod stats;
pub mod store;
#[allow(unsafe_code)]
pub mod sys;
pub mod teach;
pub mod trace;
pub mod tui;

use std::process::ExitCode;

use cli::Cli;

/// Runs one invocation of the command line. Errors are user-facing: one line, exit code 2.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
    cmd::run(cli.into_command(terminal)?)
}

/// Rust ignores SIGPIPE, which turns `sockeye -r big.pcap | head` into an error message.
/// Command-line tools conventionally die quietly instead.
pub fn restore_default_sigpipe() {
    sys::default_sigpipe();
}
