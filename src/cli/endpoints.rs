//! The built-in endpoints' and the demo's arguments, and how they become the commands'
//! validated options.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use crate::cmd::demo::{DemoOptions, MAX_ROUNDS};
use crate::cmd::lab::{send_payload, LabJob, LabRun, SendJob};
use crate::endpoints::server::{Mode, ServerConfig};
use crate::endpoints::{parse_target, EndpointError, Transport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Proto {
    Tcp,
    Udp,
}

impl From<Proto> for Transport {
    fn from(p: Proto) -> Self {
        match p {
            Proto::Tcp => Transport::Tcp,
            Proto::Udp => Transport::Udp,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    Echo,
    Discard,
    Chargen,
}

/// `sockeye serve tcp|udp`: a server that prints every socket call it makes.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// tcp or udp.
    #[arg(value_enum)]
    pub proto: Proto,
    /// Address to listen on. Loopback unless you ask for another one.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// Port to listen on (0 = any free port; the trace shows which).
    #[arg(long, default_value_t = 7007)]
    pub port: u16,
    /// echo: send back; discard: read and drop; chargen: send lines of text.
    #[arg(long, value_enum, default_value_t = ModeArg::Echo)]
    pub mode: ModeArg,
    /// TCP: clients served at once (more wait in the backlog).
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_clients: u32,
    /// Stop after SECS seconds (Ctrl-C stops earlier).
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    pub duration: u64,
}

/// `sockeye send tcp|udp HOST:PORT`: a client that prints what it sent and got back.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// tcp or udp.
    #[arg(value_enum)]
    pub proto: Proto,
    /// Where to send: an IP address and port (e.g. 127.0.0.1:7007, [::1]:7007).
    #[arg(value_name = "HOST:PORT")]
    pub target: String,
    /// The text to send.
    #[arg(long, conflicts_with = "bytes")]
    pub message: Option<String>,
    /// Send N bytes of a chargen pattern instead of a message.
    #[arg(long, value_name = "N")]
    pub bytes: Option<usize>,
    /// How many times to send.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub count: u32,
    /// Pause between sends, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub interval: u64,
}

/// `sockeye lab`: the teaching scenarios.
#[derive(Debug, Args)]
pub struct LabArgs {
    #[command(subcommand)]
    pub command: LabCommand,
}

#[derive(Debug, Subcommand)]
pub enum LabCommand {
    /// List the scenarios and what to watch for in each.
    List,
    /// Run one scenario and print its socket calls.
    Run(LabRunArgs),
}

#[derive(Debug, Args)]
pub struct LabRunArgs {
    /// Scenario name (see `sockeye lab list`).
    pub name: String,
    /// Run server and client on two private network namespaces joined by a veth pair
    /// (192.0.2.1 and 192.0.2.2), so captures show MAC addresses and ARP. Needs root.
    #[arg(long)]
    pub netns: bool,
    /// Also capture the packets and print them interleaved with the calls. Needs
    /// CAP_NET_RAW; without it the scenario runs without packets.
    #[arg(long)]
    pub trace: bool,
    /// Save the scenario's packets to FILE (pcapng, or pcap for .pcap). Needs CAP_NET_RAW.
    #[arg(short = 'w', long = "write", value_name = "FILE")]
    pub write: Option<String>,
    /// With --netns: `both` captures in the client's and the server's namespace at once
    /// and draws each segment leaving one and reaching the other, with the one-way delay
    /// (with -w, one pcapng interface per side).
    /// On a terminal the UI opens on that ladder, at the first segment seen at both ends
    /// (q quits; the namespaces are already gone).
    #[arg(long, value_enum, value_name = "WHERE", requires = "netns")]
    pub capture: Option<CaptureWhere>,
    /// With --capture both: print the ladder as text instead of opening the terminal UI
    /// (the default when standard output is not a terminal).
    #[arg(short = 'H', long)]
    pub headless: bool,
}

/// `lab run --capture WHERE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CaptureWhere {
    /// Both ends of the link: the two vantage points.
    Both,
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// Print the socket calls and packets as text instead of opening the terminal UI (the
    /// default when standard output is not a terminal).
    #[arg(long)]
    pub headless: bool,
    /// Rounds of all scenarios (0 = until you quit, at most 400).
    #[arg(long, default_value_t = 0)]
    pub rounds: u32,
    /// Pause between scenarios, in milliseconds.
    #[arg(long, default_value_t = 1500)]
    pub pause_ms: u64,
    /// Run on the host's loopback instead of a private network namespace (needs
    /// CAP_NET_RAW; you will also see other programs' loopback traffic).
    #[arg(long)]
    pub host: bool,
    /// A guided lesson instead of the live demo: seven screens (handshake, data and acks,
    /// teardown, UDP vs TCP, encapsulation, a refused connection, a retransmission) over
    /// captures built into sockeye; ←/→ (or p/n) move, q quits. Needs no privileges.
    #[arg(long)]
    pub lesson: bool,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::Echo => Mode::Echo,
            ModeArg::Discard => Mode::Discard,
            ModeArg::Chargen => Mode::Chargen,
        }
    }
}

impl ServeArgs {
    pub fn config(&self) -> ServerConfig {
        let mut cfg = ServerConfig::new(self.proto.into(), SocketAddr::new(self.bind, self.port));
        cfg.mode = self.mode.into();
        cfg.max_clients = self.max_clients as usize;
        cfg.duration = Duration::from_secs(self.duration);
        cfg
    }
}

impl SendArgs {
    pub fn job(&self) -> Result<SendJob, EndpointError> {
        Ok(SendJob {
            transport: self.proto.into(),
            target: parse_target(&self.target)?,
            payload: send_payload(self.message.as_deref(), self.bytes)?,
            count: self.count,
            interval: Duration::from_millis(self.interval),
        })
    }
}

impl LabArgs {
    /// The UI opens on a terminal unless `-H` asks for printed output.
    pub fn job(self, stdout_is_terminal: bool) -> LabJob {
        match self.command {
            LabCommand::List => LabJob::List,
            LabCommand::Run(r) => LabJob::Run(LabRun {
                name: r.name,
                netns: r.netns,
                trace: r.trace,
                write: r.write,
                both_sides: r.capture == Some(CaptureWhere::Both),
                ui: stdout_is_terminal && !r.headless,
            }),
        }
    }
}

impl DemoArgs {
    pub fn options(&self) -> DemoOptions {
        DemoOptions {
            headless: self.headless,
            rounds: self.rounds.min(MAX_ROUNDS),
            pause: Duration::from_millis(self.pause_ms),
            host: self.host,
            lesson: self.lesson,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::Cli;
    use crate::cmd::lab::LabJob;
    use crate::cmd::Command;

    /// Whether `args` would open the UI, given whether standard output is a terminal.
    fn lab_ui(args: &[&str], terminal: bool) -> bool {
        let cli = Cli::try_parse_from(args).expect("valid flags");
        match cli.into_command(terminal).expect("a command") {
            Command::Lab(LabJob::Run(run)) => run.ui,
            other => panic!("not lab run: {other:?}"),
        }
    }

    #[test]
    fn the_two_vantage_lab_opens_the_ui_on_a_terminal_unless_told_not_to() {
        let both = [
            "sockeye",
            "lab",
            "run",
            "handshake",
            "--netns",
            "--capture",
            "both",
        ];
        assert!(lab_ui(&both, true));
        assert!(!lab_ui(&both, false), "a pipe gets the text ladder");
        for flag in ["-H", "--headless"] {
            let args: Vec<&str> = both.iter().copied().chain([flag]).collect();
            assert!(!lab_ui(&args, true), "{flag}");
        }
    }
}
