//! `sockeye run [OPTIONS] -- PROGRAM [ARGS…]`: its flags, validated into the command's options.

use std::ffi::OsString;

use clap::Args;

use crate::cmd::run::RunOptions;

#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Print the calls and the packets interleaved by time when the program ends, instead
    /// of opening the terminal UI.
    #[arg(long)]
    pub trace: bool,
    /// Never open the terminal UI: print each call as it returns (the default when standard
    /// output is not a terminal).
    #[arg(short = 'H', long)]
    pub headless: bool,
    /// Save the program's packets and socket calls to FILE.pcapng (`sockeye -r FILE.pcapng`
    /// shows the same ladder; tshark reads the packets as usual).
    #[arg(short = 'w', long = "write", value_name = "FILE")]
    pub write: Option<String>,
    /// Run in this machine's own network namespace instead of a private one (the capture
    /// on lo needs CAP_NET_RAW, and other programs' loopback traffic is left out by port).
    #[arg(long)]
    pub host: bool,
    /// The program and its arguments, after `--`.
    #[arg(required = true, trailing_var_arg = true, value_name = "PROGRAM")]
    pub program: Vec<OsString>,
}

impl RunArgs {
    /// The UI opens on a terminal unless a flag asks for printed output.
    pub fn options(self, stdout_is_terminal: bool) -> anyhow::Result<RunOptions> {
        if self.write.as_deref() == Some("-") {
            anyhow::bail!("run -w needs a file name: standard output carries the program's output");
        }
        if let Some(path) = self.write.as_deref().filter(|p| !p.ends_with(".pcapng")) {
            anyhow::bail!(
                "run -w {path}: the socket calls are saved beside the packets in a pcapng \
                 file: name it .pcapng"
            );
        }
        Ok(RunOptions {
            headless: self.trace || self.headless || self.write.is_some() || !stdout_is_terminal,
            trace: self.trace,
            write: self.write,
            host: self.host,
            program: self.program,
        })
    }
}
