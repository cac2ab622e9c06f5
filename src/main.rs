//! The `sockeye` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    sockeye::restore_default_sigpipe();
    let cli = sockeye::cli::Cli::parse();
    match sockeye::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("sockeye: {err:#}");
            ExitCode::from(2)
        }
    }
}
