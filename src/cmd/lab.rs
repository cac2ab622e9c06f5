//! `sockeye serve`, `sockeye send` and `sockeye lab`: the built-in endpoints' commands.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use crate::endpoints::capture::{
    capture_while, packet_lines, ports_of, scenario_frames, write_frames, write_frames_and_calls,
    PacketTap,
};
use crate::endpoints::client::{self, pattern_payload, ClientConfig, MAX_PAYLOAD};
use crate::endpoints::events::{EventLog, EventSink, PrintSink};
use crate::endpoints::netns::{self, Lab};
use crate::endpoints::scenarios::{self, ScenarioConfig, SCENARIOS};
use crate::endpoints::server::{self, ServerConfig};
use crate::endpoints::trace::merge;
use crate::endpoints::traced::Transport;
use crate::endpoints::EndpointError;
use crate::pcapio::CaptureFormat;

/// `sockeye lab …`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabJob {
    List,
    Run(LabRun),
}

/// `sockeye lab run NAME [--netns] [--trace] [-w FILE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabRun {
    pub name: String,
    pub netns: bool,
    pub trace: bool,
    pub write: Option<String>,
    /// `--capture both`: capture in both namespaces and draw the two-vantage ladder.
    pub both_sides: bool,
    /// With `--capture both`: open the terminal UI on the ladder (standard output is a
    /// terminal and no `-H`) rather than print it.
    pub ui: bool,
}

/// `sockeye send …`, validated.
#[derive(Debug, Clone)]
pub struct SendJob {
    pub transport: Transport,
    pub target: SocketAddr,
    pub payload: Vec<u8>,
    pub count: u32,
    pub interval: Duration,
}

/// SIGINT/SIGTERM/SIGHUP set the returned flag instead of killing the process, so servers
/// close their sockets and the lab removes its namespaces.
fn stop_flag() -> Result<Arc<AtomicBool>, EndpointError> {
    crate::signals::stop_flag()
        .map_err(|e| EndpointError::Failed(format!("cannot install signal handler: {e}")))
}

/// `sockeye serve`: runs the server until its duration ends or a signal arrives.
pub fn serve(cfg: ServerConfig) -> Result<ExitCode, EndpointError> {
    if !cfg.bind.ip().is_loopback() {
        eprintln!(
            "sockeye: note: listening on {}, which other machines may reach (you asked for it with --bind)",
            cfg.bind.ip()
        );
    }
    let (transport, mode, secs) = (cfg.transport, cfg.mode, cfg.duration.as_secs());
    let stop = stop_flag()?;
    let handle = server::start(cfg, Arc::new(PrintSink), stop)?;
    eprintln!(
        "sockeye: serving {transport} {mode} on {} for up to {secs} s (Ctrl-C to stop)",
        handle.local
    );
    handle.wait();
    Ok(ExitCode::SUCCESS)
}

/// `sockeye send`: sends, prints what came back.
pub fn send(job: SendJob) -> Result<ExitCode, EndpointError> {
    let mut cfg = ClientConfig::new(job.transport, job.target, job.payload);
    cfg.count = job.count;
    cfg.interval = job.interval;
    client::run(&cfg, Arc::new(PrintSink), &|line| println!("# {line}"))?;
    Ok(ExitCode::SUCCESS)
}

/// The payload `sockeye send` sends: N pattern bytes, a message, or a greeting.
pub fn send_payload(message: Option<&str>, bytes: Option<usize>) -> Result<Vec<u8>, EndpointError> {
    match (message, bytes) {
        (_, Some(n)) if n > MAX_PAYLOAD => Err(EndpointError::Failed(format!(
            "--bytes {n} is more than the {MAX_PAYLOAD} this client sends"
        ))),
        (_, Some(n)) => Ok(pattern_payload(n)),
        (Some(m), None) => Ok(m.as_bytes().to_vec()),
        (None, None) => Ok(b"hello from sockeye\n".to_vec()),
    }
}

/// `sockeye lab list|run`.
pub fn lab(job: LabJob) -> Result<ExitCode, EndpointError> {
    match job {
        LabJob::List => {
            for s in SCENARIOS {
                println!("{:<11} {} — watch for: {}", s.name, s.summary, s.watch);
            }
            Ok(ExitCode::SUCCESS)
        }
        LabJob::Run(r) => lab_run(r),
    }
}

fn lab_run(r: LabRun) -> Result<ExitCode, EndpointError> {
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
    if let (true, Some(l)) = (r.both_sides, &lab) {
        let sides = super::lab_both::capture(info.name, &cfg, l)?;
        // The namespaces go before anything is shown: the UI may stay open for long.
        drop(lab);
        return super::lab_both::show(info.name, sides, r.write.as_deref(), r.ui, &cfg.stop);
    }
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
    let ports = ports_of(&events);
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
        // A pcapng file keeps the endpoints' socket calls beside the packets, so a replay
        // (and an exported ladder) draws them as the live run did; pcap has no place.
        let n = if CaptureFormat::from_path(path) == CaptureFormat::PcapNg {
            write_frames_and_calls(path, &frames, &events)?
        } else {
            write_frames(path, &frames)?
        };
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
