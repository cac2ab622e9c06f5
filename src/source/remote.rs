//! Packets from another machine: a thin producer writing pcap to its standard output
//! (`ssh host tcpdump -U -w -`, `kubectl exec POD -- tcpdump -U -w -`, or any command),
//! read as an ordinary [`FileSource`] over the pipe, so decode, analysis, filters, the UI
//! and `-w` work unchanged.
//!
//! Everything that ends up on a command line is hostile: host, user, pod, container and
//! interface names are checked against what those names can be (no leading `-`, which
//! ssh or kubectl would take for an option), and the command ssh hands to the remote shell
//! is built from shell-quoted words, so a name can never become shell syntax there. No
//! local shell is involved except for `cmd://`, whose text the user wrote as a command.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::file::Step;
use super::{FileSource, Next, PacketSource, SourceError, SourceStats, POLL_INTERVAL};
use crate::frame::{Frame, InterfaceTable, LinkType};

/// Lines of the producer's standard error kept for the error message.
const STDERR_LINES: usize = 20;

/// Where a remote capture comes from, parsed from `-i ssh://…`, `-i k8s://…`, `-i cmd://…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteSpec {
    Ssh {
        user: Option<String>,
        host: String,
        port: Option<u16>,
        iface: String,
    },
    Kube {
        namespace: Option<String>,
        pod: String,
        container: Option<String>,
        iface: String,
    },
    /// Any command writing pcap or pcapng on its standard output, run by `sh -c`.
    Command(String),
}

/// How to run the producer: which programs, and what to run on the remote side.
#[derive(Debug, Clone, Default)]
pub struct RemoteOptions {
    /// The ssh program (`SOCKEYE_SSH` or `--ssh-command`; default `ssh`).
    pub ssh: Option<String>,
    /// The kubectl program (`SOCKEYE_KUBECTL` or `--kubectl-command`; default `kubectl`).
    pub kubectl: Option<String>,
    /// Replaces `tcpdump -U -w - -i IFACE [FILTER]` on the remote side; `{iface}` and
    /// `{filter}` are replaced by the (quoted) interface and filter.
    pub remote_command: Option<String>,
    /// A tcpdump (BPF) capture filter applied on the remote side, so only wanted packets
    /// cross the network.
    pub remote_filter: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SpecError {
    #[error("{0}: expected ssh://[user@]host[:port]/IFACE, k8s://[namespace/]pod[/container][/IFACE] or cmd://COMMAND")]
    Shape(String),
    #[error("{what} {value:?} is not allowed: {why}")]
    Name {
        what: &'static str,
        value: String,
        why: &'static str,
    },
}

/// Whether `-i` names a remote source rather than a local interface.
pub fn is_remote(spec: &str) -> bool {
    ["ssh://", "k8s://", "cmd://"]
        .iter()
        .any(|p| spec.starts_with(p))
}

/// A name that goes on a command line: not empty, no leading `-` (an option to ssh or
/// kubectl), only the characters such names use.
fn checked(what: &'static str, value: &str, extra: &str) -> Result<String, SpecError> {
    let bad = |why| SpecError::Name {
        what,
        value: value.to_string(),
        why,
    };
    if value.is_empty() {
        return Err(bad("it is empty"));
    }
    if value.starts_with('-') {
        return Err(bad("it starts with '-', which would be read as an option"));
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c) || extra.contains(c))
    {
        return Err(bad("only letters, digits and . _ - are allowed"));
    }
    Ok(value.to_string())
}

impl RemoteSpec {
    pub fn parse(spec: &str) -> Result<RemoteSpec, SpecError> {
        let shape = || SpecError::Shape(spec.to_string());
        if let Some(command) = spec.strip_prefix("cmd://") {
            if command.trim().is_empty() {
                return Err(shape());
            }
            return Ok(RemoteSpec::Command(command.to_string()));
        }
        if let Some(rest) = spec.strip_prefix("ssh://") {
            let (authority, iface) = rest.split_once('/').ok_or_else(shape)?;
            let (user, hostport) = match authority.rsplit_once('@') {
                Some((u, h)) => (Some(checked("user", u, "")?), h),
                None => (None, authority),
            };
            // [v6]:port, v6 alone in brackets, host:port or host.
            let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
                let (addr, after) = v6.split_once(']').ok_or_else(shape)?;
                let port = after.strip_prefix(':');
                (checked("host", addr, ":")?, port)
            } else {
                match hostport.split_once(':') {
                    Some((h, p)) => (checked("host", h, "")?, Some(p)),
                    None => (checked("host", hostport, "")?, None),
                }
            };
            let port = port
                .map(|p| p.parse::<u16>().map_err(|_| shape()))
                .transpose()?;
            return Ok(RemoteSpec::Ssh {
                user,
                host,
                port,
                iface: checked("interface", iface, ":@")?,
            });
        }
        if let Some(rest) = spec.strip_prefix("k8s://") {
            let parts: Vec<&str> = rest.split('/').collect();
            let name = |what, v: &str| checked(what, v, "");
            let (namespace, pod, container, iface) = match parts.as_slice() {
                [pod] => (None, name("pod", pod)?, None, "any".to_string()),
                [ns, pod] => (
                    Some(name("namespace", ns)?),
                    name("pod", pod)?,
                    None,
                    "any".into(),
                ),
                [ns, pod, c] => (
                    Some(name("namespace", ns)?),
                    name("pod", pod)?,
                    Some(name("container", c)?),
                    "any".into(),
                ),
                [ns, pod, c, i] => (
                    Some(name("namespace", ns)?),
                    name("pod", pod)?,
                    Some(name("container", c)?),
                    checked("interface", i, ":@")?,
                ),
                _ => return Err(shape()),
            };
            return Ok(RemoteSpec::Kube {
                namespace,
                pod,
                container,
                iface,
            });
        }
        Err(shape())
    }

    /// A short name for titles and error messages.
    pub fn label(&self) -> String {
        match self {
            RemoteSpec::Ssh { host, iface, .. } => format!("ssh {host}:{iface}"),
            RemoteSpec::Kube { pod, iface, .. } => format!("pod {pod}:{iface}"),
            RemoteSpec::Command(c) => format!("command `{c}`"),
        }
    }

    /// The program and its arguments, as they are executed (no local shell, except the
    /// `sh -c` of `cmd://`).
    pub fn argv(&self, opts: &RemoteOptions) -> Vec<String> {
        let tcpdump = |iface: &str| -> Vec<String> {
            let mut words: Vec<String> = ["tcpdump", "-U", "-w", "-", "-i", iface]
                .iter()
                .map(|s| s.to_string())
                .collect();
            if let Some(f) = &opts.remote_filter {
                words.push(f.clone());
            }
            words
        };
        match self {
            RemoteSpec::Ssh {
                user,
                host,
                port,
                iface,
            } => {
                let mut argv = vec![
                    opts.ssh.clone().unwrap_or_else(|| "ssh".into()),
                    // Never stop to ask for a password on a terminal the UI owns.
                    "-o".into(),
                    "BatchMode=yes".into(),
                ];
                if let Some(p) = port {
                    argv.push("-p".into());
                    argv.push(p.to_string());
                }
                argv.push(match user {
                    Some(u) => format!("{u}@{host}"),
                    None => host.clone(),
                });
                argv.push("--".into());
                // ssh joins its arguments into one line for the remote shell: quote every
                // word ourselves.
                argv.push(match &opts.remote_command {
                    Some(template) => template.replace("{iface}", &quote(iface)).replace(
                        "{filter}",
                        &quote(opts.remote_filter.as_deref().unwrap_or("")),
                    ),
                    None => tcpdump(iface)
                        .iter()
                        .map(|w| quote(w))
                        .collect::<Vec<_>>()
                        .join(" "),
                });
                argv
            }
            RemoteSpec::Kube {
                namespace,
                pod,
                container,
                iface,
            } => {
                let mut argv = vec![
                    opts.kubectl.clone().unwrap_or_else(|| "kubectl".into()),
                    "exec".into(),
                ];
                if let Some(ns) = namespace {
                    argv.extend(["-n".into(), ns.clone()]);
                }
                argv.push(pod.clone());
                if let Some(c) = container {
                    argv.extend(["-c".into(), c.clone()]);
                }
                argv.push("--".into());
                match &opts.remote_command {
                    // kubectl passes argv straight through: a template is run by sh there.
                    Some(template) => argv.extend([
                        "sh".into(),
                        "-c".into(),
                        template.replace("{iface}", &quote(iface)).replace(
                            "{filter}",
                            &quote(opts.remote_filter.as_deref().unwrap_or("")),
                        ),
                    ]),
                    None => argv.extend(tcpdump(iface)),
                }
                argv
            }
            RemoteSpec::Command(c) => vec!["sh".into(), "-c".into(), c.clone()],
        }
    }
}

/// Why a capture filter bound for a remote tcpdump was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("--remote-filter {filter:?} is not allowed: {why}")]
pub struct FilterError {
    filter: String,
    why: &'static str,
}

/// Checks a BPF filter before it goes on a remote command line. The filter is passed as
/// one shell-quoted word, so the remote shell never reads it as syntax; this refuses what
/// quoting cannot help with — a word tcpdump would read as an option (`-z cmd` runs a
/// program), line breaks and control characters — and anything outside the BPF alphabet,
/// so a filter that is not one fails here with a clear line rather than on the remote side.
pub fn check_bpf(filter: &str) -> Result<(), FilterError> {
    let bad = |why| FilterError {
        filter: filter.to_string(),
        why,
    };
    if filter.trim_start().starts_with('-') {
        return Err(bad(
            "it starts with '-', which tcpdump would read as an option",
        ));
    }
    if filter.chars().any(char::is_control) {
        return Err(bad("it contains a control character (a line break?)"));
    }
    if !filter
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " ._:/[]()&|!=<>+-*%^~\\".contains(c))
    {
        return Err(bad(
            "only letters, digits, spaces and the BPF operators . _ : / [ ] ( ) & | ! = < > + - * % ^ ~ \\ are allowed",
        ));
    }
    Ok(())
}

/// One word for a POSIX shell. shlex refuses only words with a NUL byte, which cannot be in
/// an argument anyway; those become an empty word.
fn quote(word: &str) -> String {
    shlex::try_quote(word).map_or_else(|_| "''".to_string(), |q| q.into_owned())
}

/// Where a producer's capture stands: its header is read by a thread of its own, so a
/// producer that never writes one (a stalled ssh, a tcpdump waiting for a password) blocks
/// neither opening nor a stop request.
enum Stage {
    Waiting(Receiver<Result<FileSource, SourceError>>),
    Open(Box<FileSource>),
    /// The producer failed or ended before its header; the error was reported.
    Over,
}

/// A producer process and the capture it writes.
pub struct RemoteSource {
    stage: Stage,
    child: Child,
    stderr: Arc<Mutex<Vec<String>>>,
    stderr_thread: Option<JoinHandle<()>>,
    label: String,
    /// The producer's failure, reported once when its output ends.
    reported: bool,
    /// The interfaces its capture describes (filled once the header has come).
    interfaces: InterfaceTable,
    /// The producer's exit status was collected.
    reaped: bool,
}

impl RemoteSource {
    /// Starts the producer. Returns at once: the capture's header is awaited by
    /// [`PacketSource::next_within`] (or [`RemoteSource::wait_open`]), never here.
    pub fn open(spec: &RemoteSpec, opts: &RemoteOptions) -> Result<RemoteSource, SourceError> {
        let label = spec.label();
        if let Some(filter) = &opts.remote_filter {
            check_bpf(filter).map_err(|e| SourceError::Live(format!("{label}: {e}")))?;
        }
        let argv = spec.argv(opts);
        let (program, args) = argv
            .split_first()
            .ok_or_else(|| SourceError::Live(format!("{label}: empty command")))?;
        // A group of its own, so the producer and everything it starts end with it (see
        // Drop), and a Ctrl-C meant for sockeye does not kill it mid-record.
        let mut child = Command::new(program)
            .args(args)
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| SourceError::Live(format!("{label}: cannot run {program}: {e}")))?;
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let stderr_thread = child.stderr.take().map(|err| {
            let lines = Arc::clone(&stderr);
            std::thread::spawn(move || keep_last_lines(err, &lines))
        });
        let Some(stdout) = child.stdout.take() else {
            return Err(SourceError::Live(format!("{label}: no output pipe")));
        };
        let interfaces = InterfaceTable::new();
        let (tx, rx) = mpsc::channel();
        let table = interfaces.clone();
        // Not joined: a producer's child may hold the pipe open after the producer is
        // killed; the thread ends when the pipe closes, whenever that is.
        std::thread::spawn(move || {
            let _ = tx.send(FileSource::from_pipe_into(stdout, table));
        });
        Ok(RemoteSource {
            stage: Stage::Waiting(rx),
            child,
            stderr,
            stderr_thread,
            label,
            reported: false,
            interfaces,
            reaped: false,
        })
    }

    /// Whether the producer's capture header is still awaited.
    pub fn is_waiting(&self) -> bool {
        matches!(self.stage, Stage::Waiting(_))
    }

    /// Waits for the capture header, at most `timeout`: `Ok(true)` once it has come.
    fn await_header(&mut self, timeout: Duration) -> Result<bool, SourceError> {
        let Stage::Waiting(rx) = &self.stage else {
            return Ok(matches!(self.stage, Stage::Open(_)));
        };
        let opened = match rx.recv_timeout(timeout) {
            Ok(Ok(source)) => source,
            Err(RecvTimeoutError::Timeout) => return Ok(false),
            Ok(Err(err)) => return Err(self.failed_to_open(Some(err))),
            Err(RecvTimeoutError::Disconnected) => return Err(self.failed_to_open(None)),
        };
        self.stage = Stage::Open(Box::new(opened));
        Ok(true)
    }

    /// Nothing readable came out: the producer's own words say why.
    fn failed_to_open(&mut self, err: Option<SourceError>) -> SourceError {
        self.stage = Stage::Over;
        self.reported = true;
        let status = wait_briefly(&mut self.child);
        self.reaped = status.is_some();
        if let Some(t) = self.stderr_thread.take() {
            let _ = t.join();
        }
        failure_message(&self.label, &self.stderr, status, err)
    }

    /// Waits for the producer's capture header until it comes, the producer fails, or
    /// `stop` is set (`Ok(false)`). `slow` is called once if the wait passes a second.
    pub fn wait_open(
        &mut self,
        stop: &AtomicBool,
        slow: impl FnOnce(&str),
    ) -> Result<bool, SourceError> {
        let started = Instant::now();
        let mut slow = Some(slow);
        while !stop.load(Ordering::Relaxed) {
            if self.await_header(POLL_INTERVAL)? {
                return Ok(true);
            }
            if started.elapsed() >= Duration::from_secs(1) {
                if let Some(say) = slow.take() {
                    say(&self.label);
                }
            }
        }
        Ok(false)
    }

    /// The producer's failure once its output has ended, if it failed.
    fn failure(&mut self) -> Option<SourceError> {
        if self.reported {
            return None;
        }
        self.reported = true;
        let status = wait_briefly(&mut self.child);
        self.reaped = status.is_some();
        if let Some(t) = self.stderr_thread.take() {
            let _ = t.join();
        }
        if status.is_some_and(|s| s.success()) {
            return None;
        }
        Some(failure_message(&self.label, &self.stderr, status, None))
    }

    pub fn label(&self) -> &str {
        &self.label
    }
}

impl Drop for RemoteSource {
    /// The producer must not outlive sockeye (a remote tcpdump would keep capturing), nor
    /// anything it started. Its group is killed only while the producer is unreaped (its
    /// id, and so its group's, cannot have been reused yet).
    fn drop(&mut self) {
        if !self.reaped {
            crate::sys::kill_process_group(self.child.id());
            let _ = self.child.wait();
        }
    }
}

impl PacketSource for RemoteSource {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, SourceError> {
        while !self.await_header(POLL_INTERVAL)? {
            if matches!(self.stage, Stage::Over) {
                return Ok(None);
            }
        }
        let Stage::Open(inner) = &mut self.stage else {
            return Ok(None);
        };
        match inner.step_blocking()? {
            Step::Record(r) => {
                let Stage::Open(inner) = &self.stage else {
                    return Ok(None);
                };
                Ok(Some(inner.frame(&r).1))
            }
            _ => self.failure().map_or(Ok(None), Err),
        }
    }

    fn next_within(&mut self, timeout: Duration) -> Result<Next<'_>, SourceError> {
        if matches!(self.stage, Stage::Over) {
            return Ok(Next::End);
        }
        if !self.await_header(timeout)? {
            return Ok(Next::Idle);
        }
        let Stage::Open(inner) = &mut self.stage else {
            return Ok(Next::End);
        };
        match inner.step()? {
            Step::Record(r) => {
                let Stage::Open(inner) = &self.stage else {
                    return Ok(Next::End);
                };
                Ok(Next::Frame(inner.frame(&r).1))
            }
            Step::Idle => Ok(Next::Idle),
            Step::End => self.failure().map_or(Ok(Next::End), Err),
        }
    }

    fn link_type(&self) -> LinkType {
        match &self.stage {
            Stage::Open(inner) => inner.link_type(),
            _ => LinkType::ETHERNET,
        }
    }

    fn stats(&self) -> SourceStats {
        match &self.stage {
            Stage::Open(inner) => inner.stats(),
            Stage::Waiting(_) => SourceStats {
                waiting: true,
                ..SourceStats::default()
            },
            Stage::Over => SourceStats::default(),
        }
    }

    fn interfaces(&self) -> InterfaceTable {
        self.interfaces.clone()
    }
}

/// One line saying why the producer failed: the last thing it said on standard error
/// (ssh's "Connection refused", "Permission denied", a shell's "tcpdump: not found") and its
/// exit status.
fn failure_message(
    label: &str,
    stderr: &Mutex<Vec<String>>,
    status: Option<std::process::ExitStatus>,
    err: Option<SourceError>,
) -> SourceError {
    let said = stderr.lock().ok().and_then(|lines| {
        lines
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim().to_string())
    });
    let code = status.and_then(|s| s.code());
    let why = match (said, code, err) {
        (Some(s), Some(c), _) => format!("{s} (exit {c})"),
        (Some(s), None, _) => s,
        (None, Some(c), _) => {
            format!("the command exited with status {c} without writing a capture")
        }
        (None, None, Some(e)) => e.to_string(),
        (None, None, None) => "the command ended".to_string(),
    };
    SourceError::Live(format!("{label}: {why}"))
}

/// The exit status, waiting up to a second for the process to end by itself.
fn wait_briefly(child: &mut Child) -> Option<std::process::ExitStatus> {
    let until = Instant::now() + Duration::from_secs(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(10)),
            _ => return None,
        }
    }
}

fn keep_last_lines(input: impl Read, lines: &Mutex<Vec<String>>) {
    for line in BufReader::new(input).lines().map_while(Result::ok) {
        if let Ok(mut kept) = lines.lock() {
            if kept.len() == STDERR_LINES {
                kept.remove(0);
            }
            // A hostile producer cannot flood the message: one line, cut.
            kept.push(line.chars().take(300).collect());
        }
    }
}

#[cfg(test)]
#[path = "remote_tests.rs"]
mod tests;
