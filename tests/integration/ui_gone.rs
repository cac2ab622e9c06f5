//! The UI ends with its terminal: a killed tmux session (SIGHUP plus a hung-up tty) and a
//! pseudo-terminal whose other end closes without any signal (EOF/EIO on every read) each
//! stop sockeye within a second; a live session's `-w` file is complete afterwards.

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::kit as support;
use crate::kit::tmux::Tmux;

/// Whether `pid` has ended (gone, or a zombie nobody reaped yet).
fn ended(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // `pid (comm) S …`: the state follows the last ')'.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

/// Waits up to `limit` for `pid` to end; kills it (by pid) if it did not, so no test
/// leaves a process behind. Returns how long it took, None on timeout.
fn wait_end(pid: i32, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ended(pid) {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: a signal to the sockeye process this test started.
    let _ = crate::kit::process::signal(pid as u32, libc::SIGKILL);
    None
}

#[test]
fn killing_the_tmux_session_ends_the_replay_ui() {
    let Some(tmux) = Tmux::start("gone", 100, 30, &[]) else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_sockeye");
    let capture = support::textbook("tcp_retransmissions.pcapng");
    tmux.send(&[&format!("{bin} -r {} --ui", capture.display()), "Enter"]);
    let up = tmux.wait(20, |t| t.contains("[TCP Retransmission]"));
    let pid = tmux.foreground_pid();
    tmux.hang_up();
    assert!(up.is_some(), "the UI did not start");
    let pid = pid.expect("no sockeye process under the shell");
    let took = wait_end(pid as i32, Duration::from_secs(3));
    assert!(
        took.is_some_and(|t| t <= Duration::from_secs(1)),
        "sockeye outlived its terminal: {took:?}"
    );
}

/// A pty pair of `cols`×`rows`: (master, slave).
#[allow(unsafe_code)] // openpty/fcntl: no safe wrapper in std or the kit
fn pty(cols: u16, rows: u16) -> (OwnedFd, OwnedFd) {
    let mut master = -1;
    let mut slave = -1;
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors into the ints we pass; the name and termios
    // pointers may be null, the winsize pointer is valid for the call.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty failed");
    // Close-on-exec at once: a process another test spawns meanwhile (a tmux server) must
    // not inherit the master and keep the pty alive.
    for fd in [master, slave] {
        // SAFETY: fcntl on descriptors openpty just gave us.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    }
    // SAFETY: openpty succeeded, so both are open descriptors this process owns.
    unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) }
}

#[test]
fn a_closed_pty_without_any_signal_ends_the_ui() {
    // Within a second, as the issue asks; a machine too busy to schedule sockeye in time
    // gets two more tries, but a UI that never notices fails every one.
    let mut tries = Vec::new();
    for _ in 0..3 {
        let took = close_the_pty_under_the_ui();
        tries.push(took);
        if took.is_some_and(|t| t <= Duration::from_secs(1)) {
            return;
        }
    }
    panic!("sockeye did not end within a second of its pty closing: {tries:?}");
}

/// Starts the replay UI on a pty, closes the pty once it drew, and returns how long sockeye
/// took to end (None: still running after 3 s, then killed).
// The child is reaped by `try_wait` when it ends, or killed and waited for.
#[allow(clippy::zombie_processes)]
#[allow(unsafe_code)] // openpty/fcntl: no safe wrapper in std or the kit
fn close_the_pty_under_the_ui() -> Option<Duration> {
    let (master, slave) = pty(100, 30);
    let capture = support::textbook("tcp_retransmissions.pcapng");
    // No new session: the pty is not sockeye's controlling terminal, so closing it sends
    // no SIGHUP — only reads that return EOF/EIO and a POLLHUP tell that it is gone.
    let mut child = Command::new(env!("CARGO_BIN_EXE_sockeye"))
        .args(["-r", capture.to_str().unwrap(), "--ui"])
        .env("TERM", "xterm-256color")
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave))
        .spawn()
        .expect("spawn sockeye");
    let pid = child.id() as i32;
    // Read what it draws (so it never blocks on a full pty) until the list shows.
    // SAFETY: fcntl on a descriptor we own.
    unsafe {
        let flags = libc::fcntl(master.as_raw_fd(), libc::F_GETFL);
        libc::fcntl(master.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
    let mut reader = std::fs::File::from(master);
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline && !String::from_utf8_lossy(&seen).contains("Retransmission") {
        match reader.read(&mut buf) {
            Ok(n) if n > 0 => seen.extend_from_slice(&buf[..n]),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let drew = String::from_utf8_lossy(&seen).contains("Retransmission");
    drop(reader);
    let start = Instant::now();
    let mut status = None;
    while start.elapsed() < Duration::from_secs(3) && status.is_none() {
        status = child.try_wait().ok().flatten();
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = start.elapsed();
    if status.is_none() {
        // SAFETY: a signal to the process this test started.
        let _ = crate::kit::process::signal(pid as u32, libc::SIGKILL);
        let _ = child.wait();
    }
    assert!(drew, "the UI did not draw on the pty");
    status.map(|_| took)
}

#[test]
fn killing_the_session_of_a_live_ui_leaves_a_complete_file() {
    let probe = Command::new("unshare")
        .args(["--user", "--map-root-user", "--net", "true"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED: no user+network namespace (unshare --user --net failed)");
        return;
    }
    let Some(tmux) = Tmux::start("gone-live", 100, 30, &[]) else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("sockeye-gone-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("live.pcapng");
    let bin = env!("CARGO_BIN_EXE_sockeye");
    // Five datagrams to a closed port (each answered by ICMP), sent once the UI is up:
    // bounded, and only on the namespace's own loopback.
    let inner = format!(
        "ip link set lo up || exit 1; (sleep 1; for i in 1 2 3 4 5; do echo x >/dev/udp/127.0.0.1/9; done) & exec {bin} -i lo --ui -w {}",
        file.display()
    );
    tmux.send(&[
        &format!("unshare --user --map-root-user --net bash -c '{inner}'"),
        "Enter",
    ]);
    let up = tmux.wait(20, |t| t.matches("Len=2").count() >= 5);
    let pid = tmux.foreground_pid();
    // Let the kernel retire the last partly filled ring block (100 ms timer).
    std::thread::sleep(Duration::from_millis(400));
    tmux.hang_up();
    assert!(up.is_some(), "the live UI did not show the datagrams");
    let pid = pid.expect("no sockeye process under the shell");
    let took = wait_end(pid as i32, Duration::from_secs(3));
    assert!(
        took.is_some_and(|t| t <= Duration::from_secs(1)),
        "the live UI outlived its terminal: {took:?}"
    );
    let read = support::sockeye(&["-r", file.to_str().unwrap()]);
    let lines = support::stdout(&read);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(read.status.success(), "{}", support::stderr(&read));
    assert!(
        lines.matches("length 2").count() >= 5,
        "every datagram in the file:\n{lines}"
    );
}
