//! `sockeye run [OPTIONS] -- PROGRAM [ARGS…]`: its flags, validated into the command's options.

use std::ffi::OsString;

use clap::Args;

use crate::cmd::run::{RunOptions, TwoHosts};

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
    /// Two hosts: the server command in one private network namespace and the client
    /// command in another, joined by a veth pair (server 192.0.2.1, client 192.0.2.2);
    /// the capture is on the server's veth0. Give --server and --client instead of PROGRAM.
    #[arg(long, requires_all = ["server", "client"], conflicts_with = "host")]
    pub two_hosts: bool,
    /// With --two-hosts: the server's shell command, e.g. 'python3 server.py'.
    #[arg(long, value_name = "CMD", requires = "two_hosts")]
    pub server: Option<String>,
    /// With --two-hosts: the client's shell command (started once the server listens).
    #[arg(long, value_name = "CMD", requires = "two_hosts")]
    pub client: Option<String>,
    /// The program and its arguments, after `--`.
    #[arg(
        required_unless_present = "two_hosts",
        conflicts_with = "two_hosts",
        trailing_var_arg = true,
        value_name = "PROGRAM"
    )]
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
        let two_hosts = match (self.two_hosts, self.server, self.client) {
            (true, Some(server), Some(client)) => Some(TwoHosts { server, client }),
            _ => None,
        };
        Ok(RunOptions {
            // The client enters its namespace with the privilege the live UI drops.
            headless: self.trace
                || self.headless
                || self.write.is_some()
                || !stdout_is_terminal
                || two_hosts.is_some(),
            two_hosts,
            trace: self.trace,
            write: self.write,
            host: self.host,
            program: self.program,
        })
    }
}
