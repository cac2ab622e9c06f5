//! `sockeye run` never outlives its purpose: when whoever started it exits, when the traced
//! program is killed mid-call, or when the program leaves children running, sockeye and
//! every traced process end within seconds, and nothing spins meanwhile (CPU time read from
//! /proc/PID/stat over a bounded interval). Prints `SKIPPED: reason` where no private
//! namespace or ptrace is available.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::kit::process::{signal, wait_output};
use crate::kit::{root, stderr, stdout, SOCKEYE};

/// How long an ending may take before the test calls it a leftover.
const ENDS_WITHIN: Duration = Duration::from_secs(6);
/// Clock ticks (1/100 s on Linux) an idle sockeye may use in [`SAMPLE`]; a spinning loop
/// uses close to all of them.
const IDLE_TICKS: u64 = 15;
const SAMPLE: Duration = Duration::from_secs(1);

/// State letter and utime+stime (clock ticks) of `pid`, from /proc/PID/stat. `None` when
/// the process is gone.
fn stat(pid: u32) -> Option<(char, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: count after the last ')'.
    let rest = text.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let state = f.first()?.chars().next()?;
    let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some((state, ticks))
}

/// Running (a zombie has finished: only its parent's bookkeeping is left).
fn alive(pid: u32) -> bool {
    stat(pid).is_some_and(|(state, _)| state != 'Z' && state != 'X')
}

fn ends_within(pid: u32, limit: Duration) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    !alive(pid)
}

/// CPU ticks `pid` used over [`SAMPLE`].
fn ticks_over_sample(pid: u32) -> u64 {
    let before = stat(pid).map_or(0, |s| s.1);
    std::thread::sleep(SAMPLE);
    let after = stat(pid).map_or(before, |s| s.1);
    after.saturating_sub(before)
}

/// The direct children of `pid` (every thread's), from /proc/PID/task/*/children.
fn children(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("children")).ok())
        .flat_map(|s| {
            s.split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect()
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// The traced python3 under `sockeye` (its child once the program has exec'd), waited for.
fn traced_python(sockeye: u32) -> Option<u32> {
    let until = Instant::now() + Duration::from_secs(20);
    while Instant::now() < until {
        if let Some(p) = children(sockeye)
            .into_iter()
            .find(|p| comm(*p) == "python3")
        {
            return Some(p);
        }
        if !alive(sockeye) {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// Why this machine cannot run the test, from what sockeye said.
fn skip_reason(err: &str) -> Option<String> {
    (err.contains("needs a private network namespace") || err.contains("Operation not permitted"))
        .then(|| err.trim().to_string())
}

/// Kills what a failed test may have left (only pids this test started or traced).
struct Leftovers(Vec<u32>);

impl Drop for Leftovers {
    fn drop(&mut self) {
        for pid in &self.0 {
            if alive(*pid) {
                let _ = signal(*pid, libc::SIGKILL);
            }
        }
    }
}

/// Lines of `child`'s stdout as they come (so a test can wait for one).
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    if let Some(out) = child.stdout.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
    }
    rx
}

fn first_line(rx: &mpsc::Receiver<String>, pred: impl Fn(&str) -> bool) -> Option<String> {
    let until = Instant::now() + Duration::from_secs(20);
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(l) if pred(&l) => return Some(l),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

#[test]
fn run_ends_with_the_process_that_started_it() {
    // A shell starts sockeye in the background and reports its pid; the test then kills
    // the shell, as a closed ssh session or a killed script would.
    let mut parent = Command::new("sh")
        .args(["-c", r#""$0" "$@" & echo "sockeye=$!"; wait"#, SOCKEYE])
        .args(["run", "-H", "--", "python3"])
        .arg(root().join("examples/python/tcp_echo_server.py"))
        .arg("7031")
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sh");
    let lines = lines_of(&mut parent);
    let pid: u32 = first_line(&lines, |l| l.starts_with("sockeye="))
        .and_then(|l| l.trim_start_matches("sockeye=").parse().ok())
        .expect("the shell reports sockeye's pid");
    let mut left = Leftovers(vec![pid]);
    let Some(program) = traced_python(pid) else {
        let _ = signal(parent.id(), libc::SIGKILL);
        let out = wait_output(parent, Duration::from_secs(5));
        match skip_reason(&stderr(&out)) {
            Some(why) => return println!("SKIPPED: sockeye run cannot trace here: {why}"),
            None => panic!("the traced program never started: {}", stderr(&out)),
        }
    };
    left.0.push(program);
    assert!(
        first_line(&lines, |l| l.contains("listening on")).is_some(),
        "the server started"
    );
    let idle = ticks_over_sample(pid);
    assert!(
        idle <= IDLE_TICKS,
        "sockeye used {idle} ticks in 1 s while the program waited"
    );

    let _ = signal(parent.id(), libc::SIGKILL);
    let _ = parent.wait();
    assert!(
        ends_within(pid, ENDS_WITHIN),
        "sockeye (pid {pid}) still runs {ENDS_WITHIN:?} after its parent died ({:?}, {} ticks in 1 s)",
        stat(pid),
        ticks_over_sample(pid)
    );
    assert!(
        ends_within(program, Duration::from_secs(1)),
        "the traced program (pid {program}) outlived sockeye"
    );
}

#[test]
fn run_ends_when_the_program_is_killed_mid_call() {
    let mut child = Command::new(SOCKEYE)
        .args(["run", "-H", "--", "python3"])
        .arg(root().join("examples/python/tcp_echo_server.py"))
        .arg("7032")
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sockeye");
    let pid = child.id();
    let mut left = Leftovers(vec![pid]);
    let lines = lines_of(&mut child);
    let Some(program) = traced_python(pid) else {
        let out = wait_output(child, Duration::from_secs(5));
        match skip_reason(&stderr(&out)) {
            Some(why) => return println!("SKIPPED: sockeye run cannot trace here: {why}"),
            None => panic!("the traced program never started: {}", stderr(&out)),
        }
    };
    left.0.push(program);
    assert!(
        first_line(&lines, |l| l.contains("listening on")).is_some(),
        "the server started"
    );
    // Blocked in accept(): sockeye waits without spinning.
    let idle = ticks_over_sample(pid);
    assert!(
        idle <= IDLE_TICKS,
        "sockeye used {idle} ticks in 1 s while the program waited"
    );

    signal(program, libc::SIGKILL).expect("kill the program");
    let status = crate::kit::process::wait_status(&mut child, ENDS_WITHIN);
    let printed: Vec<String> = lines.try_iter().collect();
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut err);
    }
    let status =
        status.unwrap_or_else(|| panic!("sockeye did not end after its program was killed"));
    assert_eq!(status.code(), Some(137), "a killed program's status: {err}");
    assert!(err.contains("was killed by SIGKILL"), "{err}");
    assert!(
        printed
            .iter()
            .any(|l| l.contains("accept()") && l.contains("ended during the call")),
        "the interrupted accept() is kept: {printed:?}"
    );
    assert!(!alive(program), "the program is gone");
}

#[test]
fn run_ends_when_the_program_leaves_children_running() {
    // The shell exits at once; its background sleep would keep a plain waitpid loop (and
    // sockeye) alive for 30 s.
    let child = Command::new(SOCKEYE)
        .args(["run", "-H", "--", "sh", "-c"])
        .arg("sleep 30 & echo leftover=$!; exit 0")
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sockeye");
    let pid = child.id();
    let start = Instant::now();
    let out = wait_output(child, Duration::from_secs(15));
    let took = start.elapsed();
    let (text, err) = (stdout(&out), stderr(&out));
    if let Some(why) = skip_reason(&err) {
        return println!("SKIPPED: sockeye run cannot trace here: {why}");
    }
    let leftover: Option<u32> = text
        .lines()
        .find_map(|l| l.strip_prefix("leftover="))
        .and_then(|n| n.trim().parse().ok());
    let _left = Leftovers(leftover.into_iter().chain([pid]).collect());
    let leftover = leftover.unwrap_or_else(|| panic!("no pid printed: {text}\n{err}"));
    assert!(took < ENDS_WITHIN, "sockeye took {took:?}: {err}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "the program's own status: {err}"
    );
    assert!(
        err.contains(&format!("process {leftover} (sleep) was still running")),
        "the leftover is named: {err}"
    );
    assert!(!alive(leftover), "the leftover sleep was killed");
}
