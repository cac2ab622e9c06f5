//! `sockeye demo`: the built-in endpoints run the teaching scenarios in a loop while sockeye
//! watches them — in a private network namespace when possible, so it needs no sudo where
//! unprivileged user namespaces are allowed, and sees nothing but its own traffic.

use std::io::IsTerminal;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use super::lab::{lab, LabJob, LabRun};
use crate::capture::{open_source, CaptureOptions};
use crate::endpoints::events::EventSink;
use crate::endpoints::scenarios::{self, ScenarioConfig, SCENARIOS};
use crate::source::Backend;
use anyhow::{bail, Context};

/// Set in a re-executed `sockeye demo` or `sockeye run` once it runs inside its own network
/// namespace, to the pid of the process that started sockeye.
pub(crate) const INSIDE_ENV: &str = "SOCKEYE_DEMO_NETNS";
/// Without --rounds the loop still ends: an hour of scenarios at most.
pub const MAX_ROUNDS: u32 = 400;

/// `sockeye demo`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Text instead of the terminal UI.
    pub headless: bool,
    /// Rounds of all scenarios (0 = until quit, at most [`MAX_ROUNDS`]).
    pub rounds: u32,
    pub pause: Duration,
    /// On the host's loopback instead of a private network namespace.
    pub host: bool,
    /// The guided lesson instead of the live demo.
    pub lesson: bool,
}

/// Runs the demo, first moving into a private network namespace unless asked not to.
pub fn run(args: &DemoOptions) -> anyhow::Result<ExitCode> {
    if args.lesson {
        if !std::io::stdout().is_terminal() {
            bail!("the lesson is interactive: run `sockeye demo --lesson` in a terminal");
        }
        crate::tui::lesson::run(crate::tui::ui::theme::Theme::no_color_env())?;
        return Ok(ExitCode::SUCCESS);
    }
    if !args.host && std::env::var_os(INSIDE_ENV).is_none() {
        return reexec_in_private_netns("the demo", "sockeye demo --host");
    }
    let rounds = if args.rounds == 0 {
        MAX_ROUNDS
    } else {
        args.rounds.min(MAX_ROUNDS)
    };
    let pause = args.pause;
    if args.headless || !std::io::stdout().is_terminal() {
        return run_headless(rounds, pause);
    }
    run_ui(rounds, pause)
}

/// The terminal UI on `lo`, with the scenarios' socket calls beside their packets.
fn run_ui(rounds: u32, pause: Duration) -> anyhow::Result<ExitCode> {
    let opts = CaptureOptions {
        interface: "lo".to_string(),
        count: None,
        write: None,
        snaplen: crate::pcapio::DEFAULT_SNAPLEN,
        promiscuous: false,
        backend: Backend::Ring,
        buffer_mib: 32,
        store_limit_mib: 0,
    };
    // Opened (and privileges dropped) before the scenario thread exists.
    let source = open_source(&opts)?;
    let (events, received) = mpsc::channel();
    let sink: Arc<dyn EventSink> = Arc::new(events);
    let note = Arc::new(std::sync::Mutex::new(String::new()));
    let shown = Arc::clone(&note);
    std::thread::Builder::new()
        .name("demo-scenarios".into())
        .spawn(move || {
            let cfg = ScenarioConfig::default();
            for _ in 0..rounds {
                for scenario in SCENARIOS {
                    if let Ok(mut n) = shown.lock() {
                        *n = format!("{}: watch for {}", scenario.name, scenario.watch);
                    }
                    // A failed scenario (a port race, a timeout) is shown by its events;
                    // the loop goes on with the next one.
                    let _ = scenarios::run(scenario.name, &cfg, Arc::clone(&sink));
                    std::thread::sleep(pause);
                }
            }
        })
        .context("starting the scenario thread")?;
    super::ui::run_with(
        source,
        "demo: built-in endpoints on lo",
        Some(received),
        Some(note),
    )
}

/// Re-runs this command under `unshare` with loopback up: as root a new network namespace
/// is enough; otherwise a user namespace maps us to root inside it, which grants
/// CAP_NET_RAW there (and only there).
/// `what` and `host_command` name the command in the message when no namespace can be made.
pub(crate) fn reexec_in_private_netns(what: &str, host_command: &str) -> anyhow::Result<ExitCode> {
    let exe = std::env::current_exe().context("finding the sockeye executable")?;
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let root = crate::sys::is_root();
    let mut attempts: Vec<&[&str]> = vec![&["--user", "--map-root-user", "--net"]];
    if root {
        attempts.insert(0, &["--net"]);
    }
    let mut why = String::new();
    for flags in attempts {
        let probe = Command::new("unshare").args(flags).args(["true"]).output();
        match probe {
            Ok(out) if out.status.success() => {
                let err = Command::new("unshare")
                    .args(flags)
                    .args(["sh", "-c", "ip link set lo up && exec \"$0\" \"$@\""])
                    .arg(&exe)
                    .args(&args)
                    // The value is the pid that started us: `sockeye run` watches it
                    // (its parent is the same process after these execs).
                    .env(INSIDE_ENV, std::os::unix::process::parent_id().to_string())
                    .exec();
                bail!("cannot start {what} in a private network namespace: {err}");
            }
            Ok(out) => why = String::from_utf8_lossy(&out.stderr).trim().to_string(),
            Err(err) => why = format!("unshare: {err}"),
        }
    }
    bail!(
        "{what} needs a private network namespace and could not create one ({why}); \
         run it as root, allow unprivileged user namespaces \
         (sysctl kernel.unprivileged_userns_clone=1), or use `{host_command}` with \
         CAP_NET_RAW"
    )
}

/// Every scenario in turn, each traced (socket calls interleaved with the packets they
/// caused), `rounds` times.
fn run_headless(rounds: u32, pause: Duration) -> anyhow::Result<ExitCode> {
    for round in 1..=rounds {
        for scenario in SCENARIOS {
            println!("=== round {round}: {} ===", scenario.name);
            lab(LabJob::Run(LabRun {
                name: scenario.name.to_string(),
                netns: false,
                trace: true,
                write: None,
                both_sides: false,
                ui: false,
            }))?;
            println!();
            std::thread::sleep(pause);
        }
    }
    Ok(ExitCode::SUCCESS)
}
