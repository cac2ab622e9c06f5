//! `sockeye run`: real Python socket programs traced in a private network namespace, their
//! calls checked against the packets they caused (`--trace` output), with pids and tids.
//! Prints `SKIPPED: reason` when no user+network namespace can be made here.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::kit::{root, stderr, stdout};

/// One line of `sockeye run --trace`.
#[derive(Debug, Clone)]
struct Line {
    text: String,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// `python3[pid/tid] name() fd N`.
    Call {
        pid: u32,
        tid: u32,
        name: String,
        fd: i32,
    },
    Packet,
    /// `name() fd N returned -> result`.
    Return {
        name: String,
        fd: i32,
    },
    Other,
}

fn parse(line: &str) -> Line {
    let kind = if line.contains("        | ") {
        Kind::Packet
    } else if let Some((head, _)) = line.split_once("() fd ") {
        let fd: i32 = line
            .split("() fd ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(-99);
        let name = head.rsplit(' ').next().unwrap_or("").to_string();
        if line.contains(" returned -> ") {
            Kind::Return { name, fd }
        } else if !head.contains(" python") {
            // The shell that starts the programs makes calls of its own (a machine whose
            // name service goes through nscd connects AF_UNIX sockets); these tests are
            // about the Python programs' calls.
            Kind::Other
        } else {
            // "... python3[12/13] connect" → pid 12, tid 13.
            let ids = head
                .split('[')
                .nth(1)
                .and_then(|r| r.split(']').next())
                .unwrap_or("0");
            let (pid, tid) = match ids.split_once('/') {
                Some((p, t)) => (p.parse().unwrap_or(0), t.parse().unwrap_or(0)),
                None => {
                    let p = ids.parse().unwrap_or(0);
                    (p, p)
                }
            };
            Kind::Call { pid, tid, name, fd }
        }
    } else {
        Kind::Other
    };
    Line {
        text: line.to_string(),
        kind,
    }
}

/// Runs `sh -c script` under `sockeye run --trace` from the project root, bounded in time.
/// `None` (after printing SKIPPED) where this machine cannot give it a namespace or ptrace.
fn run_traced(script: &str) -> Option<(Output, Vec<Line>)> {
    let out = run_sockeye(&["run", "--trace", "--", "sh", "-c", script]);
    let err = stderr(&out);
    if err.contains("needs a private network namespace") || err.contains("Operation not permitted")
    {
        println!("SKIPPED: sockeye run cannot trace here: {}", err.trim());
        return None;
    }
    let lines = stdout(&out).lines().map(parse).collect();
    Some((out, lines))
}

fn run_sockeye(args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_sockeye"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sockeye");
    let pid = child.id();
    // A hung trace must not hang the suite: kill it after 60 s (the tests take ~1 s).
    let watchdog = std::thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(60);
        while Instant::now() < until {
            std::thread::sleep(Duration::from_millis(100));
            if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                return;
            }
        }
        let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
    });
    let out = child.wait_with_output().expect("wait for sockeye");
    let _ = watchdog.join();
    out
}

/// Shell that waits (bounded) until something listens on `port` in this namespace.
fn wait_listen(proto: &str, port: u16) -> String {
    format!(
        "i=0; until grep -qi ':{port:04X} ' /proc/net/{proto} || [ $i -ge 250 ]; do sleep 0.02; i=$((i+1)); done"
    )
}

fn find(lines: &[Line], pred: impl Fn(&Line) -> bool) -> usize {
    lines
        .iter()
        .position(pred)
        .unwrap_or_else(|| panic!("line not found in:\n{}", dump(lines)))
}

fn dump(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_call(l: &Line, want: &str) -> bool {
    matches!(&l.kind, Kind::Call { name, .. } if name == want)
}

fn is_return(l: &Line, want: &str) -> bool {
    matches!(&l.kind, Kind::Return { name, .. } if name == want)
}

fn packet(l: &Line, needle: &str) -> bool {
    l.kind == Kind::Packet && l.text.contains(needle)
}

fn pid_of(l: &Line) -> (u32, u32) {
    match l.kind {
        Kind::Call { pid, tid, .. } => (pid, tid),
        _ => panic!("not a call: {}", l.text),
    }
}

const EX: &str = "examples/python";

#[test]
fn tcp_echo_calls_sit_in_causal_order_with_their_packets() {
    let script = format!(
        "python3 {EX}/tcp_echo_server.py 7007 & {}; python3 {EX}/tcp_echo_client.py 7007; wait",
        wait_listen("tcp", 7007)
    );
    let Some((out, l)) = run_traced(&script) else {
        return;
    };
    let all = dump(&l);
    assert!(out.status.success(), "{all}\n{}", stderr(&out));
    assert!(
        stdout(&out).contains("received b'hello, sockeye\\n'"),
        "the program's own output passes through: {all}"
    );
    // Decoded arguments and results. The calls on the programs' inet sockets: with HOME
    // unset (as in CI) python first asks nscd for the user over unix sockets.
    let socket = find(&l, |x| is_call(x, "socket") && !x.text.contains("AF_UNIX"));
    assert!(l[socket].text.contains("AF_INET, SOCK_STREAM"), "{all}");
    let bind = find(&l, |x| is_call(x, "bind"));
    assert!(l[bind].text.contains("to 127.0.0.1:7007"), "{all}");
    assert!(
        l[bind].text.contains(" server "),
        "bind is the server's: {all}"
    );
    let listen = find(&l, |x| is_call(x, "listen"));
    assert!(l[listen].text.contains("-> ok"), "{all}");
    let setsockopt = find(&l, |x| is_call(x, "setsockopt"));
    assert!(l[setsockopt].text.contains("SO_REUSEADDR=1"), "{all}");
    let server_pid = pid_of(&l[listen]).0;

    // connect() above the SYN, its return below the SYN-ACK.
    let connect = find(&l, |x| {
        is_call(x, "connect") && x.text.contains("127.0.0.1:7007")
    });
    assert!(l[connect].text.contains("-> ok"), "{all}");
    let client_pid = pid_of(&l[connect]).0;
    assert_ne!(client_pid, server_pid, "two programs, two pids: {all}");
    let syn = find(&l, |x| packet(x, "Flags [S],"));
    let syn_ack = find(&l, |x| packet(x, "Flags [S.]"));
    let final_ack = syn_ack + 1;
    assert!(packet(&l[final_ack], "Flags [.]"), "{all}");
    let connect_ret = find(&l, |x| is_return(x, "connect"));
    assert!(
        connect < syn && syn < syn_ack && syn_ack < connect_ret,
        "{all}"
    );
    // accept() was called before the SYN and returned after the final ACK, with the new fd.
    let accept = find(&l, |x| is_call(x, "accept"));
    assert!(accept < syn, "{all}");
    assert!(l[accept].text.contains("new fd 4"), "{all}");
    let accept_ret = find(&l, |x| is_return(x, "accept"));
    assert!(accept_ret > final_ack, "{all}");

    // send() above its data segment with the bytes and their start; recv() below it.
    let send = find(&l, |x| is_call(x, "send") && pid_of(x).0 == client_pid);
    assert!(
        l[send].text.contains("15 bytes \"hello, sockeye\\n\""),
        "{all}"
    );
    let data = find(&l, |x| packet(x, "> 127.0.0.1.7007: Flags [P.]"));
    assert!(send < data, "{all}");
    let server_recv = find(&l, |x| is_call(x, "recv") && pid_of(x).0 == server_pid);
    assert!(l[server_recv].text.contains("15 bytes"), "{all}");
    let recv_fd = match l[server_recv].kind {
        Kind::Call { fd, .. } => fd,
        _ => unreachable!(),
    };
    assert_eq!(recv_fd, 4, "the server reads the accepted fd: {all}");
    // The client's recv() waited for the echo: it returns after the server's data segment.
    let echo = find(&l, |x| {
        packet(x, "127.0.0.1.7007 > ") && x.text.contains("[P.]")
    });
    // It returns after the echo: either its call waited (a `returned` line follows the
    // echo) or the echo had already arrived when it was made (the call line follows it).
    let client_recv = find(&l, |x| is_call(x, "recv") && pid_of(x).0 == client_pid);
    let client_recv_done = l
        .iter()
        .position(|x| is_return(x, "recv") && x.text.contains(" client recv() "))
        .unwrap_or(client_recv);
    assert!(client_recv_done > echo, "{all}");

    // close() above the FIN it sends; the server sees EOF.
    let close = find(&l, |x| is_call(x, "close") && pid_of(x).0 == client_pid);
    let fin = find(&l, |x| packet(x, "Flags [F.]"));
    assert!(close < fin, "{all}");
    assert!(
        l.iter()
            .any(|x| is_call(x, "recv") && x.text.contains("0 bytes") && x.text.contains("EOF")),
        "{all}"
    );
    assert!(
        stderr(&out).contains("exited with status 0"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn udp_sendto_precedes_its_datagram_and_recvfrom_follows_it() {
    let script = format!(
        "python3 {EX}/udp_echo_server.py 7008 & {}; python3 {EX}/udp_echo_client.py 7008 ping; wait",
        wait_listen("udp", 7008)
    );
    let Some((out, l)) = run_traced(&script) else {
        return;
    };
    let all = dump(&l);
    assert!(out.status.success(), "{all}\n{}", stderr(&out));
    let sendto = find(&l, |x| {
        is_call(x, "sendto") && x.text.contains("<-> 127.0.0.1:7008")
    });
    assert!(l[sendto].text.contains("4 bytes \"ping\""), "{all}");
    let datagram = find(&l, |x| packet(x, "> 127.0.0.1.7008: UDP, length 4"));
    assert!(sendto < datagram, "{all}");
    let server_recvfrom = find(&l, |x| {
        is_call(x, "recvfrom") && x.text.contains("127.0.0.1:7008 <->")
    });
    assert!(
        l[server_recvfrom].text.contains("4 bytes \"ping\""),
        "{all}"
    );
    let recvfrom_ret = find(&l, |x| is_return(x, "recvfrom"));
    assert!(recvfrom_ret > datagram, "{all}");
    let bind = find(&l, |x| is_call(x, "bind"));
    assert!(
        l[bind].text.contains(" server "),
        "a UDP server binds its port: {all}"
    );
}

#[test]
fn refused_connect_returns_econnrefused_after_the_rst() {
    let Some((out, l)) = run_traced(&format!("python3 {EX}/connect_refused.py 7009")) else {
        return;
    };
    let all = dump(&l);
    assert!(out.status.success(), "{all}");
    let connect = find(&l, |x| {
        is_call(x, "connect") && x.text.contains("127.0.0.1:7009")
    });
    assert!(l[connect].text.contains("-> ECONNREFUSED"), "{all}");
    let syn = find(&l, |x| packet(x, "Flags [S],"));
    let rst = find(&l, |x| packet(x, "Flags [R.]"));
    let ret = find(&l, |x| is_return(x, "connect"));
    assert!(connect < syn && syn < rst && rst < ret, "{all}");
    assert!(l[ret].text.contains("ECONNREFUSED"), "{all}");
}

#[test]
fn forked_children_and_threads_carry_their_own_pid_and_tid() {
    let script = format!(
        "python3 {EX}/forking_server.py 7010 1 & {w}; python3 {EX}/tcp_echo_client.py 7010; wait; \
         python3 {EX}/threaded_server.py 7011 1 & {w2}; python3 {EX}/tcp_echo_client.py 7011; wait",
        w = wait_listen("tcp", 7010),
        w2 = wait_listen("tcp", 7011)
    );
    let Some((out, l)) = run_traced(&script) else {
        return;
    };
    let all = dump(&l);
    assert!(out.status.success(), "{all}\n{}", stderr(&out));
    // Forking server: the parent accepts, the child (another process) echoes on the
    // inherited descriptor.
    let accept = find(&l, |x| {
        is_call(x, "accept") && x.text.contains("127.0.0.1:7010")
    });
    let (parent, _) = pid_of(&l[accept]);
    let echo = find(&l, |x| {
        is_call(x, "recv") && x.text.contains("127.0.0.1:7010 <->") && x.text.contains("15 bytes")
    });
    let (child, child_tid) = pid_of(&l[echo]);
    assert_ne!(child, parent, "the forked child echoes: {all}");
    assert_eq!(child, child_tid, "{all}");
    // Threaded server: same process, another thread.
    let accept = find(&l, |x| {
        is_call(x, "accept") && x.text.contains("127.0.0.1:7011")
    });
    let (server, main_tid) = pid_of(&l[accept]);
    let echo = find(&l, |x| {
        is_call(x, "recv") && x.text.contains("127.0.0.1:7011 <->") && x.text.contains("15 bytes")
    });
    let (pid, tid) = pid_of(&l[echo]);
    assert_eq!(pid, server, "{all}");
    assert_ne!(tid, main_tid, "a thread per client: {all}");
    assert!(l[echo].text.contains(&format!("[{pid}/{tid}]")), "{all}");
}

#[test]
fn half_close_shutdown_precedes_the_fin_and_reads_go_on_to_eof() {
    let script = format!(
        "python3 {EX}/tcp_echo_server.py 7012 & {}; python3 {EX}/half_close_client.py 7012; wait",
        wait_listen("tcp", 7012)
    );
    let Some((out, l)) = run_traced(&script) else {
        return;
    };
    let all = dump(&l);
    assert!(out.status.success(), "{all}");
    let shutdown = find(&l, |x| is_call(x, "shutdown"));
    assert!(l[shutdown].text.contains("SHUT_WR"), "{all}");
    let fin = find(&l, |x| packet(x, "Flags [F.]"));
    assert!(shutdown < fin, "{all}");
    let (client, _) = pid_of(&l[shutdown]);
    let eof = find(&l, |x| {
        is_call(x, "recv") && pid_of(x).0 == client && x.text.contains("EOF")
    });
    assert!(eof > fin, "{all}");
}

/// Marker in the command line of the programs these tests start, to find leftovers.
fn leftovers(marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) {
            let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            // sockeye's own command line carries the marker too; only the program counts.
            let ours = text
                .split(' ')
                .next()
                .is_some_and(|w| w.ends_with("/sockeye"));
            if text.contains(marker) && !ours {
                found.push(format!("{}: {text}", entry.file_name().to_string_lossy()));
            }
        }
    }
    found
}

#[test]
fn a_crashing_program_is_reported_and_what_it_did_is_kept() {
    let script = "python3 -c 'import socket, os, signal; s = socket.socket(); os.kill(os.getpid(), signal.SIGSEGV)' crash-marker";
    let out = run_sockeye(&["run", "--trace", "--", "sh", "-c", script]);
    let err = stderr(&out);
    if err.contains("needs a private network namespace") {
        println!("SKIPPED: {err}");
        return;
    }
    let l: Vec<Line> = stdout(&out).lines().map(parse).collect();
    assert!(l.iter().any(|x| is_call(x, "socket")), "{}", dump(&l));
    assert!(err.contains("killed by SIGSEGV"), "{err}");
}

#[test]
fn stopping_sockeye_kills_the_program_and_leaves_nothing_behind() {
    let marker = "trace-stop-marker-7013";
    let script = format!(
        "python3 -c 'import socket, time; s = socket.socket(); s.bind((\"127.0.0.1\", 7013)); s.listen(); s.accept()' {marker}"
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_sockeye"))
        .args(["run", "--trace", "--", "sh", "-c", &script])
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sockeye");
    // Wait (bounded) until the program is blocked in accept(), then ask sockeye to stop.
    let until = Instant::now() + Duration::from_secs(20);
    while leftovers(marker).is_empty() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    if leftovers(marker).is_empty() {
        let _ = child.kill();
        let out = child.wait_with_output().expect("wait");
        println!(
            "SKIPPED: the program never started: {}",
            stderr(&out).trim()
        );
        return;
    }
    // Then until it listens: a process's /proc/PID/net/tcp shows its namespace's sockets.
    let listening = || {
        leftovers(marker).iter().any(|l| {
            let pid = l.split(':').next().unwrap_or_default();
            std::fs::read_to_string(format!("/proc/{pid}/net/tcp"))
                .is_ok_and(|t| t.to_uppercase().contains(":1B65 "))
        })
    };
    while !listening() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let started = Instant::now();
    let pid = child.id();
    // Bounded: if sockeye ignored the signal, kill it so the suite goes on (and fail).
    let guard = std::thread::spawn(move || {
        while started.elapsed() < Duration::from_secs(15) {
            if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    });
    let out = child.wait_with_output().expect("wait");
    let _ = guard.join();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "sockeye ignored SIGTERM"
    );
    let err = stderr(&out);
    assert!(err.contains("stopped on request"), "{err}");
    let l: Vec<Line> = stdout(&out).lines().map(parse).collect();
    assert!(
        l.iter().any(|x| is_call(x, "listen")),
        "kept what it recorded: {}",
        dump(&l)
    );
    // The accept() it was blocked in is reported as cut short.
    assert!(
        l.iter()
            .any(|x| is_call(x, "accept") && x.text.contains("the process ended during the call")),
        "{}",
        dump(&l)
    );
    assert!(
        leftovers(marker).is_empty(),
        "left behind: {:?}",
        leftovers(marker)
    );
}
