//! `sockeye serve`, `sockeye send` and `sockeye lab`: clap arguments and what they run.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::capture::{capture_while, packet_lines, scenario_frames, write_frames, PacketTap};
use super::client::{self, pattern_payload, ClientConfig, MAX_PAYLOAD};
use super::events::{EventLog, EventSink, PrintSink};
use super::netns::{self, Lab};
use super::scenarios::{self, ScenarioConfig, SCENARIOS};
use super::server::{self, Mode, ServerConfig};
use super::trace::merge;
use super::traced::Transport;
use super::{parse_target, EndpointError};

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
}

/// SIGINT/SIGTERM/SIGHUP set the returned flag instead of killing the process, so servers
/// close their sockets and the lab removes its namespaces.
fn stop_flag() -> Result<Arc<AtomicBool>, EndpointError> {
    crate::signals::stop_flag()
        .map_err(|e| EndpointError::Failed(format!("cannot install signal handler: {e}")))
}

pub fn serve(a: ServeArgs) -> Result<ExitCode, EndpointError> {
    let mut cfg = ServerConfig::new(a.proto.into(), SocketAddr::new(a.bind, a.port));
    cfg.mode = match a.mode {
        ModeArg::Echo => Mode::Echo,
        ModeArg::Discard => Mode::Discard,
        ModeArg::Chargen => Mode::Chargen,
    };
    cfg.max_clients = a.max_clients as usize;
    cfg.duration = Duration::from_secs(a.duration);
    if !a.bind.is_loopback() {
        eprintln!(
            "sockeye: note: listening on {}, which other machines may reach (you asked for it with --bind)",
            a.bind
        );
    }
    let stop = stop_flag()?;
    let handle = server::start(cfg, Arc::new(PrintSink), stop)?;
    // The names the command line takes (`tcp echo`), not Rust's `Tcp Echo`.
    let name = |v: Option<clap::builder::PossibleValue>| {
        v.map_or_else(String::new, |v| v.get_name().to_string())
    };
    eprintln!(
        "sockeye: serving {} {} on {} for up to {} s (Ctrl-C to stop)",
        name(clap::ValueEnum::to_possible_value(&a.proto)).to_uppercase(),
        name(clap::ValueEnum::to_possible_value(&a.mode)),
        handle.local,
        a.duration
    );
    handle.wait();
    Ok(ExitCode::SUCCESS)
}

pub fn send(a: SendArgs) -> Result<ExitCode, EndpointError> {
    let target = parse_target(&a.target)?;
    let payload = match (&a.message, a.bytes) {
        (_, Some(n)) if n > MAX_PAYLOAD => {
            return Err(EndpointError::Failed(format!(
                "--bytes {n} is more than the {MAX_PAYLOAD} this client sends"
            )))
        }
        (_, Some(n)) => pattern_payload(n),
        (Some(m), None) => m.clone().into_bytes(),
        (None, None) => b"hello from sockeye\n".to_vec(),
    };
    let mut cfg = ClientConfig::new(a.proto.into(), target, payload);
    cfg.count = a.count;
    cfg.interval = Duration::from_millis(a.interval);
    client::run(&cfg, Arc::new(PrintSink), &|line| println!("# {line}"))?;
    Ok(ExitCode::SUCCESS)
}

pub fn lab(a: LabArgs) -> Result<ExitCode, EndpointError> {
    match a.command {
        LabCommand::List => {
            for s in SCENARIOS {
                println!("{:<11} {} — watch for: {}", s.name, s.summary, s.watch);
            }
            Ok(ExitCode::SUCCESS)
        }
        LabCommand::Run(r) => lab_run(r),
    }
}

fn lab_run(r: LabRunArgs) -> Result<ExitCode, EndpointError> {
    let info =
        scenarios::info(&r.name).ok_or_else(|| EndpointError::UnknownScenario(r.name.clone()))?;
    if r.write.as_deref() == Some("-") {
        return Err(EndpointError::Failed(
            "lab run -w needs a file name: standard output carries the trace".into(),
        ));
    }
    let mut cfg = ScenarioConfig {
        stop: stop_flag()?,
        ..ScenarioConfig::default()
    };
    // Declared before anything that may fail so its Drop removes the namespaces on every
    // path out of this function, including a panic.
    let lab = if r.netns { Some(Lab::create()?) } else { None };
    if let Some(l) = &lab {
        cfg.server_ip = netns::SERVER_IP;
        cfg.netns = Some((l.server_ns.clone(), l.client_ns.clone()));
        println!(
            "lab: server in netns {} ({}), client in netns {} ({}), joined by {}",
            l.server_ns,
            netns::SERVER_IP,
            l.client_ns,
            netns::CLIENT_IP,
            netns::VETH
        );
    }
    println!("scenario {}: {}", info.name, info.summary);
    println!("watch for: {}", info.watch);
    let tap = match (r.trace, &r.write) {
        // The user asked for a file: no capture rights is an error, not a degraded run.
        (_, Some(_)) => Some(tap_for(lab.as_ref())?),
        (true, None) => tap_for(lab.as_ref())
            .map_err(|e| eprintln!("sockeye: running without packets: {e}"))
            .ok(),
        (false, None) => None,
    };
    // The calls are printed at the end, in time order (with --trace merged with the
    // packets): printed live, as each returned, they came out of order — a call is told
    // when it was made but known only when it returns, and the two sides (two namespaces
    // with --netns) return in their own order.
    let log = Arc::new(EventLog::new());
    let sink: Arc<dyn EventSink> = log.clone();
    let (report, frames) = match tap {
        Some(tap) => capture_while(tap, Duration::from_millis(100), || {
            scenarios::run(info.name, &cfg, sink)
        }),
        None => (scenarios::run(info.name, &cfg, sink), Vec::new()),
    };
    let events = log.snapshot();
    let ports: HashSet<u16> = events
        .iter()
        .flat_map(|e| [e.local, e.peer])
        .flatten()
        .map(|a| a.port())
        .filter(|p| *p != 0)
        .collect();
    let frames = scenario_frames(&frames, &ports);
    let packets = if r.trace {
        packet_lines(&frames)
    } else {
        Vec::new()
    };
    for line in merge(&events, &packets) {
        println!("{}", line.text);
    }
    // A scenario that failed still shows the calls it made before the error.
    let report = report?;
    for n in &report.notes {
        println!("note: {n}");
    }
    if let Some(path) = &r.write {
        let n = write_frames(path, &frames)?;
        println!("wrote {n} packets to {path}");
    }
    drop(lab);
    Ok(ExitCode::SUCCESS)
}

/// Opens the packet tap where the scenario's packets pass: `lo` here, or the server's veth
/// in the lab (which sees both directions once, with real MAC addresses).
fn tap_for(lab: Option<&Lab>) -> Result<PacketTap, EndpointError> {
    match lab {
        None => PacketTap::open("lo"),
        Some(l) => netns::run_in(Some(&l.server_ns), || PacketTap::open(netns::VETH)),
    }
}
