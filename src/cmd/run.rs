//! `sockeye run [OPTIONS] -- PROGRAM [ARGS…]`: the command edge. Moves into a private
//! network namespace (unless --host), captures on its loopback while the tracer runs the
//! program, then shows calls and packets together: the live UI on a terminal, or printed
//! (`--trace` interleaves them as `lab run --trace` does).

use std::ffi::OsString;
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use anyhow::{bail, Context};

use crate::endpoints::capture::{
    capture_while, packet_lines, ports_of, scenario_frames, write_frames_and_calls, PacketTap,
    TapFrame,
};
use crate::endpoints::events::{EventLog, EventSink, PrintSink, SocketEvent, Tee};
use crate::endpoints::trace::merge_by_start;
use crate::trace::{Ending, Outcome};

/// `sockeye run`, validated by the CLI.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Print calls and packets interleaved when the program ends.
    pub trace: bool,
    /// Print instead of opening the UI (asked for, or stdout is not a terminal).
    pub headless: bool,
    /// Save the program's packets here.
    pub write: Option<String>,
    /// Run in the machine's own network namespace.
    pub host: bool,
    /// The program and its arguments.
    pub program: Vec<OsString>,
    /// `--two-hosts`: a server and a client command in two namespaces joined by veth.
    pub two_hosts: Option<TwoHosts>,
}

/// `--two-hosts --server CMD --client CMD`.
#[derive(Debug, Clone)]
pub struct TwoHosts {
    pub server: String,
    pub client: String,
}

/// The traced program of `--two-hosts`: a shell that starts the server, waits (bounded)
/// until something listens or is bound in its namespace, runs the client in the client's
/// namespace, then waits for the server. The commands and the namespace path are the
/// shell's arguments, never spliced into its script, so no quoting can break out.
const TWO_HOSTS_SCRIPT: &str = r#"eval "$1" &
i=0
until grep -q ' 0A ' /proc/net/tcp /proc/net/tcp6 2>/dev/null || [ "$(cat /proc/net/udp /proc/net/udp6 2>/dev/null | wc -l)" -gt 2 ] || [ $i -ge 250 ]; do sleep 0.02; i=$((i+1)); done
nsenter --net="$3" sh -c "$2"
wait"#;

pub fn run(args: &RunOptions) -> anyhow::Result<ExitCode> {
    die_with_parent()?;
    if !args.host && std::env::var_os(super::demo::INSIDE_ENV).is_none() {
        return super::demo::reexec_in_private_netns("sockeye run", "sockeye run --host");
    }
    if args.headless {
        run_headless(args)
    } else {
        run_ui(args)
    }
}

/// A `sockeye run` outliving whoever started it (a closed ssh session, a killed script)
/// would trace, capture and hold its program for nobody: it asks for SIGTERM when its
/// parent exits, which stops the run as Ctrl-C does (the program killed, what was recorded
/// kept). Inside the private namespace the parent to watch is the one the command was
/// started from, passed through the re-execution (which execs, so keeps the process).
fn die_with_parent() -> anyhow::Result<()> {
    let parent = std::env::var(super::demo::INSIDE_ENV)
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or_else(std::os::unix::process::parent_id);
    crate::sys::die_with_parent(libc::SIGTERM, parent)
        .context("sockeye run stops when the process that started it is gone")
}

/// The program as a command, without the variable that marks sockeye's own namespace.
/// `client_ns`: with --two-hosts, the path of the client's namespace.
fn command(args: &RunOptions, client_ns: Option<&str>) -> anyhow::Result<Command> {
    if let (Some(two), Some(ns)) = (&args.two_hosts, client_ns) {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", TWO_HOSTS_SCRIPT, "sh", &two.server, &two.client, ns])
            .env_remove(super::demo::INSIDE_ENV)
            // Where the client finds the server (the examples read it).
            .env(
                "SOCKEYE_SERVER_IP",
                crate::endpoints::netns::SERVER_IP.to_string(),
            );
        return Ok(cmd);
    }
    let Some((program, rest)) = args.program.split_first() else {
        bail!("give the program to run after --, e.g. sockeye run -- python3 server.py");
    };
    let mut cmd = Command::new(program);
    cmd.args(rest).env_remove(super::demo::INSIDE_ENV);
    Ok(cmd)
}

fn describe(args: &RunOptions) -> String {
    if let Some(two) = &args.two_hosts {
        return format!("server '{}' and client '{}'", two.server, two.client);
    }
    let words: Vec<String> = args
        .program
        .iter()
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    words.join(" ")
}

fn run_headless(args: &RunOptions) -> anyhow::Result<ExitCode> {
    let stop = crate::signals::stop_flag().context("installing the signal handlers")?;
    // Lives until the run ends: the client's namespace is held by its descriptor.
    let pair = match &args.two_hosts {
        Some(_) => Some(crate::endpoints::netns::VethPair::create()?),
        None => None,
    };
    let ns_path = pair.as_ref().map(|p| p.client_ns_path());
    let cmd = command(args, ns_path.as_deref())?;
    let interface = if pair.is_some() {
        crate::endpoints::netns::VETH
    } else {
        "lo"
    };
    // Packets are only printed with --trace and only saved with -w; without either, no
    // capture (a bulk transfer would otherwise be held in memory for nothing).
    let wants_packets = args.trace || args.write.is_some();
    let tap = match PacketTap::open(interface) {
        _ if !wants_packets => None,
        Ok(t) => Some(t),
        Err(e) if args.write.is_some() => return Err(e.into()),
        Err(e) => {
            eprintln!("sockeye: tracing without packets: {e}");
            None
        }
    };
    let log = Arc::new(EventLog::new());
    let sink: Arc<dyn EventSink> = if args.trace && tap.is_some() {
        log.clone()
    } else {
        Arc::new(Tee(log.clone(), Arc::new(PrintSink)))
    };
    let (outcome, frames) = match tap {
        Some(tap) => capture_while(tap, Duration::from_millis(100), || {
            crate::trace::run(cmd, sink, stop)
        }),
        None => (crate::trace::run(cmd, sink, stop), Vec::new()),
    };
    let outcome = outcome?;
    let mut events = log.snapshot();
    crate::trace::sides::settle(&mut events);
    let frames = program_frames(args, &frames, &events);
    if args.trace {
        for line in merge_by_start(&events, &packet_lines(&frames)) {
            println!("{}", line.text);
        }
    }
    report(&describe(args), &outcome);
    if let Some(path) = &args.write {
        let n = write_frames_and_calls(path, &frames, &events)?;
        eprintln!(
            "sockeye: wrote {n} packets and {} socket calls to {path}",
            events.len()
        );
    }
    Ok(exit_code(&outcome))
}

/// In a private namespace every packet on lo is the program's; on the host only those on
/// the ports its sockets used.
fn program_frames<'a>(
    args: &RunOptions,
    frames: &'a [TapFrame],
    events: &[SocketEvent],
) -> Vec<&'a TapFrame> {
    if !args.host {
        return frames.iter().collect();
    }
    let ports = ports_of(events);
    scenario_frames(frames, &ports)
}

/// How the program ended, and anything else worth a line, on stderr (stdout carries the
/// trace and the program's own output).
fn report(what: &str, outcome: &Outcome) {
    match &outcome.ending {
        Ending::Exited(code) => eprintln!(
            "sockeye: {what} exited with status {code} ({} socket calls, {} filtered stops)",
            outcome.events, outcome.stops
        ),
        Ending::Killed(sig) => eprintln!(
            "sockeye: {what} was killed by {sig} ({} socket calls recorded)",
            outcome.events
        ),
    }
    for note in &outcome.notes {
        eprintln!("sockeye: {note}");
    }
}

/// The program's exit status, as a shell reports it (128 + signal for a killed one).
fn exit_code(outcome: &Outcome) -> ExitCode {
    match outcome.ending {
        Ending::Exited(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Ending::Killed(_) => ExitCode::from(137),
    }
}

/// The live UI on lo with the program's calls on the ladder. The program's output goes to
/// a log file (the terminal belongs to the UI); its path is printed when the UI closes.
fn run_ui(args: &RunOptions) -> anyhow::Result<ExitCode> {
    let opts = crate::capture::CaptureOptions {
        interface: "lo".to_string(),
        count: None,
        write: None,
        snaplen: crate::pcapio::DEFAULT_SNAPLEN,
        promiscuous: false,
        backend: crate::source::Backend::Ring,
        buffer_mib: 32,
        store_limit_mib: 0,
    };
    // Opened (and privileges dropped) before the tracer thread exists; the socket table
    // too, so the UI names each conversation's processes. The program's own calls name
    // its sockets first: they are known before its packets reach the pipeline, even for
    // a connection closed within a millisecond.
    let calls = crate::endpoints::call_owners::SharedCallOwners::default();
    let (source, table) = crate::capture::open_source_attributed(&opts)?;
    let owners =
        crate::capture::owners::share(Box::new(crate::endpoints::call_owners::CallsThenTable {
            calls: calls.clone(),
            fallback: table,
        }));
    let log_path = std::env::temp_dir().join(format!("sockeye-run-{}.log", std::process::id()));
    let log = std::fs::File::create(&log_path)
        .with_context(|| format!("creating {}", log_path.display()))?;
    let log = Arc::new(std::sync::Mutex::new(log));
    let mut cmd = command(args, None)?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let (tx, rx) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let tracer_stop = stop.clone();
    // The pipes are handed over by the tracer thread once the program exists; each pump
    // ends when the program and its children have closed its pipe.
    let output = crate::trace::output::ProgramOutput::default();
    let (pumps_tx, pumps_rx) = mpsc::channel();
    let tracer = std::thread::Builder::new()
        .name("tracer".into())
        .spawn(move || {
            let sink = crate::endpoints::call_owners::Learning {
                owners: calls,
                next: Arc::new(tx),
            };
            crate::trace::run_with_pipes(cmd, Arc::new(sink), tracer_stop, move |out, err| {
                let _ = pumps_tx.send((out, err));
            })
        })
        .context("starting the tracer thread")?;
    let pumps: Vec<_> = match pumps_rx.recv() {
        Ok((out, err)) => [
            out.map(|p| output.pump(p, log.clone())),
            err.map(|p| output.pump(p, log.clone())),
        ]
        .into_iter()
        .flatten()
        .flatten()
        .collect(),
        Err(_) => Vec::new(),
    };
    let title = format!("run: {}", describe(args));
    let ui = super::ui::run_traced(source, &title, rx, output, Some(owners));
    // Quitting the UI ends the program: nothing traced outlives sockeye.
    stop.store(true, Ordering::SeqCst);
    let outcome = tracer
        .join()
        .map_err(|_| anyhow::anyhow!("the tracer thread panicked"))??;
    for pump in pumps {
        let _ = pump.join();
    }
    ui?;
    report(&describe(args), &outcome);
    eprintln!("sockeye: the program's output is in {}", log_path.display());
    Ok(exit_code(&outcome))
}
