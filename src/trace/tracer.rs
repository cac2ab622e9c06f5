//! The tracing loop: start the program stopped at its first instruction, then wait for its
//! threads and children to stop — only at the calls the seccomp filter selects, at the
//! return of those we follow, and at fork/clone/exec — and turn each into a SocketEvent.
//!
//! Every thread of the program is traced by this one thread (ptrace requires it), so the
//! loop runs on the thread that started the program.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::{ChildStderr, ChildStdout, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::ptrace::{self, Event, Options};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;
use seccompiler::{BpfProgram, SeccompAction, SeccompFilter, TargetArch};

use super::calls::{self, Caller, Pending};
use super::sockets::FdTable;
use super::sys::{self, SyscallInfo};
use super::syscalls;
use super::TraceError;
use crate::endpoints::events::{now_ns, CallResult, EventSink};

/// How long what the program left running may go on after it exited.
pub const LEFTOVER_GRACE: Duration = Duration::from_secs(1);
/// How often the grace period looks for exits (a bounded, short phase).
const GRACE_POLL: Duration = Duration::from_millis(10);

/// How the traced program ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Exited(i32),
    Killed(String),
}

/// What a trace produced besides its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The program sockeye started (its children and threads may end differently).
    pub ending: Ending,
    pub events: u64,
    /// Stops the filter caused (a measure of the tracing cost).
    pub stops: u64,
    /// One line per other process that was killed by a signal, and per stop on request.
    pub notes: Vec<String>,
}

struct Task {
    /// Thread-group id: the process whose descriptors this thread uses.
    tgid: Pid,
    comm: String,
    /// Attached by a clone/fork event: its first SIGSTOP is ours, not the program's.
    fresh: bool,
    pending: Option<Pending>,
}

/// The seccomp filter: trace the socket calls, allow everything else at full speed.
fn filter() -> Result<BpfProgram, TraceError> {
    let arch = if cfg!(target_arch = "aarch64") {
        TargetArch::aarch64
    } else {
        TargetArch::x86_64
    };
    let rules: BTreeMap<i64, Vec<seccompiler::SeccompRule>> = syscalls::table()
        .iter()
        .map(|(nr, _)| (*nr, Vec::new()))
        .collect();
    let f = SeccompFilter::new(rules, SeccompAction::Allow, SeccompAction::Trace(0), arch)
        .map_err(|e| TraceError::Filter(e.to_string()))?;
    BpfProgram::try_from(f).map_err(|e| TraceError::Filter(e.to_string()))
}

fn comm_of(tid: Pid) -> String {
    std::fs::read_to_string(format!("/proc/{tid}/comm"))
        .map(|s| s.trim_end().to_string())
        .unwrap_or_else(|_| "?".into())
}

/// `Tgid` and `PPid` from `/proc/TID/status`.
fn ids_of(tid: Pid) -> Option<(Pid, Pid)> {
    let status = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse::<i32>().ok())
            .map(Pid::from_raw)
    };
    Some((field("Tgid:")?, field("PPid:")?))
}

/// Kills every traced thread when `stop` is set, so a blocked `waitpid` returns; ends when
/// `done` is set. SIGKILL, not SIGTERM: a stopped tracee would otherwise wait for us.
fn watchdog(
    stop: Arc<AtomicBool>,
    done: Arc<AtomicBool>,
    live: Arc<Mutex<HashSet<i32>>>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("trace-watchdog".into())
        .spawn(move || {
            while !done.load(Ordering::SeqCst) {
                if stop.load(Ordering::SeqCst) {
                    let tids: Vec<i32> = live
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .iter()
                        .copied()
                        .collect();
                    for tid in tids {
                        let _ = kill(Pid::from_raw(tid), Signal::SIGKILL);
                    }
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
}

/// Starts `cmd` traced and reports each socket call to `sink` until the program and all
/// its children have exited (or `stop` is set: then they are killed). `cmd`'s standard
/// streams are the caller's choice.
pub fn run(
    cmd: Command,
    sink: Arc<dyn EventSink>,
    stop: Arc<AtomicBool>,
) -> Result<Outcome, TraceError> {
    run_with_pipes(cmd, sink, stop, |_, _| {})
}

/// [`run`] for a `cmd` whose stdout and stderr are piped: `pipes` gets them as soon as the
/// program is started (the tracing loop must run on this thread, so someone else reads).
pub fn run_with_pipes(
    mut cmd: Command,
    sink: Arc<dyn EventSink>,
    stop: Arc<AtomicBool>,
    pipes: impl FnOnce(Option<ChildStdout>, Option<ChildStderr>),
) -> Result<Outcome, TraceError> {
    if !syscalls::supported() {
        return Err(TraceError::Unsupported);
    }
    sys::trace_on_exec(&mut cmd, filter()?);
    let mut child = cmd.spawn().map_err(TraceError::Spawn)?;
    pipes(child.stdout.take(), child.stderr.take());
    let root = Pid::from_raw(child.id() as i32);
    let live = Arc::new(Mutex::new(HashSet::from([root.as_raw()])));
    let done = Arc::new(AtomicBool::new(false));
    let dog = watchdog(stop.clone(), done.clone(), live.clone()).map_err(TraceError::Spawn)?;
    let mut tracer = Tracer {
        sink,
        tasks: HashMap::new(),
        tables: HashMap::new(),
        live,
        root,
        ending: None,
        root_gone_at: None,
        events: 0,
        stops: 0,
        notes: Vec::new(),
    };
    let r = tracer.start().and_then(|()| tracer.run_loop());
    if r.is_err() {
        // Never leave the program behind, stopped or running, when tracing fails.
        tracer.kill_all();
        tracer.reap();
    }
    done.store(true, Ordering::SeqCst);
    let _ = dog.join();
    r?;
    if stop.load(Ordering::SeqCst) {
        tracer
            .notes
            .push("stopped on request: the program was killed".into());
    }
    Ok(Outcome {
        ending: tracer.ending.unwrap_or(Ending::Killed("?".into())),
        events: tracer.events,
        stops: tracer.stops,
        notes: tracer.notes,
    })
}

struct Tracer {
    sink: Arc<dyn EventSink>,
    tasks: HashMap<Pid, Task>,
    tables: HashMap<Pid, FdTable>,
    live: Arc<Mutex<HashSet<i32>>>,
    root: Pid,
    ending: Option<Ending>,
    /// When the program sockeye started exited (its leftovers' grace starts then).
    root_gone_at: Option<Instant>,
    events: u64,
    stops: u64,
    notes: Vec<String>,
}

impl Tracer {
    /// Waits for the exec stop of the program and sets the tracing options.
    fn start(&mut self) -> Result<(), TraceError> {
        match waitpid(self.root, Some(WaitPidFlag::__WALL)) {
            Ok(WaitStatus::Stopped(_, Signal::SIGTRAP)) => {}
            Ok(WaitStatus::Exited(_, code)) => {
                self.ending = Some(Ending::Exited(code));
                return Err(TraceError::Start(format!(
                    "the program exited with status {code} before it started"
                )));
            }
            Ok(other) => return Err(TraceError::Start(format!("unexpected {other:?}"))),
            Err(e) => return Err(TraceError::Ptrace("waitpid", e)),
        }
        let options = Options::PTRACE_O_TRACESYSGOOD
            | Options::PTRACE_O_TRACESECCOMP
            | Options::PTRACE_O_TRACEFORK
            | Options::PTRACE_O_TRACEVFORK
            | Options::PTRACE_O_TRACECLONE
            | Options::PTRACE_O_TRACEEXEC
            | Options::PTRACE_O_EXITKILL;
        ptrace::setoptions(self.root, options).map_err(|e| TraceError::Ptrace("setoptions", e))?;
        // Fail early and clearly on kernels without PTRACE_GET_SYSCALL_INFO (before 5.3).
        sys::syscall_info(self.root)
            .map_err(|e| TraceError::Start(format!("PTRACE_GET_SYSCALL_INFO (Linux 5.3+): {e}")))?;
        self.tasks.insert(
            self.root,
            Task {
                tgid: self.root,
                comm: comm_of(self.root),
                fresh: false,
                pending: None,
            },
        );
        self.tables.insert(self.root, FdTable::new());
        ptrace::cont(self.root, None).map_err(|e| TraceError::Ptrace("cont", e))
    }

    /// Runs until no traced thread is left. Ending on ECHILD alone is not enough: sockeye
    /// may have children of its own that are not traced (then waitpid would block for
    /// them), and a thread that vanished without a report (a thread that was replaced by
    /// another's exec) must not keep the loop alive. Once the program sockeye started has
    /// exited, what it left running (a background server, a daemon) gets
    /// [`LEFTOVER_GRACE`] to finish and is then killed, so nothing traced outlives the run.
    fn run_loop(&mut self) -> Result<(), TraceError> {
        let mut leftovers_killed = false;
        loop {
            if let Some(since) = self.root_gone_at {
                if self.tasks.is_empty() {
                    return Ok(());
                }
                if !leftovers_killed && since.elapsed() >= LEFTOVER_GRACE {
                    self.kill_leftovers();
                    leftovers_killed = true;
                }
            }
            // During the grace period the wait must not block past its end: poll.
            let polling = self.root_gone_at.is_some() && !leftovers_killed;
            let flags = if polling {
                WaitPidFlag::__WALL | WaitPidFlag::WNOHANG
            } else {
                WaitPidFlag::__WALL
            };
            let status = match waitpid(None::<Pid>, Some(flags)) {
                Ok(WaitStatus::StillAlive) => {
                    std::thread::sleep(GRACE_POLL);
                    continue;
                }
                Ok(s) => s,
                Err(Errno::ECHILD) => return Ok(()),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(TraceError::Ptrace("waitpid", e)),
            };
            self.on_status(status);
        }
    }

    /// Kills what is still traced after the program ended, with a note per process.
    fn kill_leftovers(&mut self) {
        let mut procs: Vec<(Pid, String)> = self
            .tasks
            .iter()
            .filter(|(tid, t)| **tid == t.tgid)
            .map(|(tid, t)| (*tid, t.comm.clone()))
            .collect();
        procs.sort();
        for (pid, comm) in procs {
            self.notes.push(format!(
                "process {pid} ({comm}) was still running {} s after the program ended: killed",
                LEFTOVER_GRACE.as_secs()
            ));
        }
        self.kill_all();
    }

    /// One stop. Errors resuming a thread mean it died meanwhile (killed, exit_group in
    /// another thread): its exit status arrives next, so they are ignored.
    fn on_status(&mut self, status: WaitStatus) {
        match status {
            WaitStatus::PtraceEvent(tid, _, ev) if ev == libc::PTRACE_EVENT_SECCOMP => {
                self.stops += 1;
                self.on_seccomp(tid);
            }
            WaitStatus::PtraceSyscall(tid) => self.on_exit(tid),
            WaitStatus::PtraceEvent(tid, _, ev)
                if ev == Event::PTRACE_EVENT_FORK as i32
                    || ev == Event::PTRACE_EVENT_VFORK as i32
                    || ev == Event::PTRACE_EVENT_CLONE as i32 =>
            {
                if let Ok(new) = ptrace::getevent(tid) {
                    self.register(Pid::from_raw(new as i32), true);
                }
                let _ = ptrace::cont(tid, None);
            }
            WaitStatus::PtraceEvent(tid, _, ev) if ev == Event::PTRACE_EVENT_EXEC as i32 => {
                // A thread other than the leader that calls exec takes the leader's id; its
                // own id vanishes without an exit report, so forget it here.
                if let Ok(former) = ptrace::getevent(tid) {
                    let former = Pid::from_raw(former as i32);
                    if former != tid {
                        self.forget(former);
                    }
                }
                if let Some(t) = self.tasks.get_mut(&tid) {
                    t.comm = comm_of(tid);
                }
                let _ = ptrace::cont(tid, None);
            }
            WaitStatus::PtraceEvent(tid, _, _) => {
                let _ = ptrace::cont(tid, None);
            }
            WaitStatus::Stopped(tid, sig) => {
                let first = match self.tasks.get_mut(&tid) {
                    Some(t) if t.fresh && sig == Signal::SIGSTOP => {
                        t.fresh = false;
                        true
                    }
                    Some(_) => false,
                    // A new thread's stop can arrive before its parent's clone event.
                    None => {
                        self.register(tid, false);
                        sig == Signal::SIGSTOP
                    }
                };
                let deliver = if first { None } else { Some(sig) };
                let _ = ptrace::cont(tid, deliver);
            }
            WaitStatus::Exited(tid, code) => {
                self.unfinished(tid);
                self.forget(tid);
                if tid == self.root {
                    self.ending = Some(Ending::Exited(code));
                    self.root_gone_at = Some(Instant::now());
                }
            }
            WaitStatus::Signaled(tid, sig, _) => {
                self.unfinished(tid);
                let was = self.forget(tid);
                if tid == self.root {
                    self.ending = Some(Ending::Killed(sig.as_str().to_string()));
                    self.root_gone_at = Some(Instant::now());
                } else if was.is_some_and(|t| t.tgid == tid) && sig != Signal::SIGKILL {
                    self.notes
                        .push(format!("process {tid} was killed by {}", sig.as_str()));
                }
            }
            _ => {}
        }
    }

    /// A thread or process appeared: find its process and give a new process a copy of its
    /// parent's sockets. `by_event`: its initial SIGSTOP is still to come.
    fn register(&mut self, tid: Pid, by_event: bool) {
        if let Some(t) = self.tasks.get_mut(&tid) {
            // Its SIGSTOP came first; nothing more is pending.
            if by_event {
                t.fresh = false;
            }
            return;
        }
        let (tgid, ppid) = ids_of(tid).unwrap_or((tid, self.root));
        if !self.tables.contains_key(&tgid) {
            let parent = self.tasks.get(&ppid).map_or(ppid, |t| t.tgid);
            let copy = self.tables.get(&parent).cloned().unwrap_or_default();
            self.tables.insert(tgid, copy);
        }
        self.tasks.insert(
            tid,
            Task {
                tgid,
                comm: comm_of(tid),
                fresh: by_event,
                pending: None,
            },
        );
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(tid.as_raw());
    }

    /// A thread that ended inside a traced call (killed while blocked in accept(), say):
    /// the call is still reported, as interrupted, so the trace shows where it waited.
    fn unfinished(&mut self, tid: Pid) {
        let Some(task) = self.tasks.get_mut(&tid) else {
            return;
        };
        let Some(p) = task.pending.take() else {
            return;
        };
        let (tgid, comm) = (task.tgid, task.comm.clone());
        let table = self.tables.entry(tgid).or_default();
        let who = Caller {
            pid: tgid,
            tid,
            comm: &comm,
        };
        if let Some(mut ev) = calls::exit(who, p, -i64::from(libc::EINTR), true, table) {
            ev.result = CallResult::Err {
                errno: libc::EINTR,
                message: "the process ended during the call".into(),
            };
            self.events += 1;
            self.sink.emit(ev);
        }
    }

    fn forget(&mut self, tid: Pid) -> Option<Task> {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&tid.as_raw());
        let task = self.tasks.remove(&tid)?;
        if !self.tasks.values().any(|t| t.tgid == task.tgid) {
            self.tables.remove(&task.tgid);
        }
        Some(task)
    }

    fn on_seccomp(&mut self, tid: Pid) {
        let ts = now_ns();
        if !self.tasks.contains_key(&tid) {
            self.register(tid, false);
        }
        let follow = match (sys::syscall_info(tid), self.tasks.get(&tid)) {
            (Ok(SyscallInfo::Seccomp { nr, args }), Some(task)) => match syscalls::lookup(nr) {
                Some(sys) => {
                    let tgid = task.tgid;
                    let comm = task.comm.clone();
                    let table = self.tables.entry(tgid).or_default();
                    let who = Caller {
                        pid: tgid,
                        tid,
                        comm: &comm,
                    };
                    calls::enter(who, sys, args, table, ts)
                }
                None => None,
            },
            _ => None,
        };
        match (follow, self.tasks.get_mut(&tid)) {
            (Some(p), Some(task)) => {
                task.pending = Some(p);
                let _ = ptrace::syscall(tid, None);
            }
            _ => {
                let _ = ptrace::cont(tid, None);
            }
        }
    }

    fn on_exit(&mut self, tid: Pid) {
        let Some(task) = self.tasks.get_mut(&tid) else {
            let _ = ptrace::cont(tid, None);
            return;
        };
        let pending = task.pending.take();
        let (tgid, comm) = (task.tgid, task.comm.clone());
        if let (Some(p), Ok(SyscallInfo::Exit { rval, is_error })) =
            (pending, sys::syscall_info(tid))
        {
            let table = self.tables.entry(tgid).or_default();
            let who = Caller {
                pid: tgid,
                tid,
                comm: &comm,
            };
            if let Some(ev) = calls::exit(who, p, rval, is_error, table) {
                self.events += 1;
                self.sink.emit(ev);
            }
        }
        let _ = ptrace::cont(tid, None);
    }

    fn kill_all(&self) {
        for tid in self.tasks.keys() {
            let _ = kill(*tid, Signal::SIGKILL);
        }
        let _ = kill(self.root, Signal::SIGKILL);
    }

    /// Collects the killed program so no zombie or stopped thread outlives the trace.
    fn reap(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            match waitpid(None::<Pid>, Some(WaitPidFlag::__WALL)) {
                Err(Errno::ECHILD) => return,
                Err(Errno::EINTR) => continue,
                Err(_) => return,
                Ok(WaitStatus::Exited(tid, _)) | Ok(WaitStatus::Signaled(tid, _, _)) => {
                    self.forget(tid);
                }
                Ok(_) => {}
            }
        }
    }
}
