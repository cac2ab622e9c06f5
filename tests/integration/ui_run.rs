//! The UI as a person runs it: the real binary inside tmux (drawn, driven by keys, and the
//! terminal restored after `q` and after SIGTERM), the live loop on a slow source, and the
//! rule that decides between the UI and the headless reader.

use std::process::Command;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::support;

/// Waits up to `secs` for `pred` on the tmux pane text.
pub(crate) fn wait_pane(session: &str, secs: u64, pred: impl Fn(&str) -> bool) -> Option<String> {
    let until = Instant::now() + Duration::from_secs(secs);
    loop {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", session])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        if pred(&text) {
            return Some(text);
        }
        if Instant::now() > until {
            eprintln!("pane was:\n{text}");
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn binary_in_tmux_opens_and_restores_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let session = format!("sockeye-ui-{}", std::process::id());
    let bin = env!("CARGO_BIN_EXE_sockeye");
    let capture = support::textbook("tcp_handshake.pcapng");
    // A shell first, so that after `q` the pane shows the shell again.
    let ok = support::retry(|| {
        Command::new("tmux")
            .args(["new-session", "-d", "-x", "120", "-y", "40", "-s", &session])
            .arg("env PS1='prompt$ ' TERM=xterm-256color bash --norc --noprofile")
            .status()
            .is_ok_and(|s| s.success())
    });
    assert!(ok, "tmux new-session failed");
    let send = |keys: &[&str]| {
        Command::new("tmux")
            .args(["send-keys", "-t", &session])
            .args(keys)
            .status()
            .unwrap();
    };
    let cleanup = || {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &session])
            .status();
    };
    send(&[
        &format!("{bin} -r {} --ui; echo EXITED=$?", capture.display()),
        "Enter",
    ]);
    let seen = wait_pane(&session, 20, |t| t.contains("2826 → 80 [SYN]"));
    if seen.is_none() {
        cleanup();
        panic!("the UI did not show the handshake");
    }
    let text = seen.unwrap_or_default();
    assert!(text.contains("Packets"), "{text}");
    assert!(
        text.contains("[SYN] Seq=0 Win=8192 Len=0 MSS=1460"),
        "{text}"
    );
    send(&["2"]);
    let ladder = wait_pane(&session, 10, |t| t.contains("handshake") && t.contains("▶"));
    send(&["q"]);
    let back = wait_pane(&session, 10, |t| t.contains("EXITED=0"));
    cleanup();
    assert!(ladder.is_some(), "ladder view did not appear");
    let back = back.expect("sockeye did not exit on q");
    // Back on the normal screen: the shell's prompt line, no UI chrome left.
    assert!(back.contains("prompt$"), "{back}");
    assert!(
        !back.contains("Packets"),
        "alternate screen still shown:\n{back}"
    );
}

/// A live source that trickles frames of a shipped capture, like a quiet interface.
struct SlowSource {
    frames: Vec<sockeye::frame::OwnedFrame>,
    next: usize,
    delay: Duration,
}

impl sockeye::source::PacketSource for SlowSource {
    fn next_frame(
        &mut self,
    ) -> Result<Option<sockeye::frame::Frame<'_>>, sockeye::source::SourceError> {
        std::thread::sleep(self.delay);
        let frame = self.frames.get(self.next);
        self.next += 1;
        Ok(frame.map(|f| f.as_frame()))
    }

    fn link_type(&self) -> sockeye::frame::LinkType {
        sockeye::frame::LinkType::ETHERNET
    }

    fn stats(&self) -> sockeye::source::SourceStats {
        sockeye::source::SourceStats {
            delivered: self.next as u64,
            kernel_received: Some(self.next as u64),
            kernel_dropped: Some(0),
        }
    }
}

fn capture_frames(name: &str, copies: usize) -> Vec<sockeye::frame::OwnedFrame> {
    use sockeye::source::{FileSource, PacketSource};
    let mut src = FileSource::open(support::textbook(name).to_str().unwrap()).unwrap();
    let mut one = Vec::new();
    while let Some(f) = src.next_frame().unwrap() {
        one.push(f.to_owned());
    }
    let span = 1_000_000_000;
    (0..copies)
        .flat_map(|k| {
            one.iter().map(move |f| {
                let mut f = f.clone();
                f.ts_ns += k as i64 * span;
                f
            })
        })
        .collect()
}

#[test]
fn run_live_on_a_slow_source() {
    use sockeye::endpoints::events::{CallResult, Side, SocketCall, SocketEvent};
    use sockeye::tui::{run_live_on, LiveOptions, UiEvent};
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc;

    let source = SlowSource {
        frames: capture_frames("tcp_handshake.pcapng", 10),
        next: 0,
        delay: Duration::from_millis(2),
    };
    let (ev_tx, ev_rx) = mpsc::channel();
    ev_tx
        .send(SocketEvent {
            ts_ns: 0,
            ret_ns: 0,
            side: Side::Client,
            call: SocketCall::Connect,
            fd: 3,
            local: None,
            peer: None,
            bytes: None,
            result: CallResult::Ok,
            detail: "to 212.58.226.142:80".into(),
        })
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let keys = std::thread::spawn(move || {
        let key = |c| UiEvent::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        std::thread::sleep(Duration::from_millis(600));
        let _ = tx.send(key('5'));
        std::thread::sleep(Duration::from_millis(300));
        let _ = tx.send(key('q'));
    });
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let stop = AtomicBool::new(false);
    let opts = LiveOptions {
        title: "test0".into(),
        ..LiveOptions::default()
    };
    run_live_on(
        &mut terminal,
        Box::new(source),
        Some(ev_rx),
        opts,
        &rx,
        &stop,
    )
    .unwrap();
    keys.join().unwrap();
    let screen = terminal.backend().to_string();
    assert!(screen.contains("test0 │ 30 packets"), "{screen}");
    assert!(screen.contains("live ● capturing │ drops 0"), "{screen}");
    assert!(screen.contains("Dropped (UI channel full): 0"), "{screen}");
    assert!(screen.contains("Dropped by the kernel: 0"), "{screen}");
    assert!(
        screen.contains("client connect to 212.58.226.142:80"),
        "{screen}"
    );
    assert!(screen.contains("30  100.0%"), "{screen}");
}

#[test]
fn cli_rule_for_the_ui() {
    // Piped stdout: the headless reader, as before.
    let out = support::sockeye(&[
        "-r",
        support::textbook("tcp_handshake.pcapng").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(
        support::stdout(&out).contains("Flags [S]"),
        "{}",
        support::stdout(&out)
    );
    // --ui on an interface that does not exist says so in one line, before any terminal
    // set-up.
    let out = support::sockeye(&["--ui", "-i", "nosuchiface0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = support::stderr(&out);
    assert!(
        err.contains("nosuchiface0") && err.lines().count() == 1,
        "{err}"
    );
    let help = support::stdout(&support::sockeye(&["--help"]));
    assert!(
        help.contains("--headless") && help.contains("--ui"),
        "{help}"
    );
    assert!(help.contains("opens the interactive UI when standard output is a terminal"));
}

/// SIGTERM ends the UI and restores the terminal too.
#[test]
fn sigterm_restores_the_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let session = format!("sockeye-term-{}", std::process::id());
    let bin = env!("CARGO_BIN_EXE_sockeye");
    let capture = support::textbook("tcp_retransmissions.pcapng");
    let shell = "env PS1='prompt$ ' TERM=xterm-256color bash --norc --noprofile";
    let ok = support::retry(|| {
        Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-x",
                "100",
                "-y",
                "30",
                "-s",
                &session,
                shell,
            ])
            .status()
            .is_ok_and(|s| s.success())
    });
    assert!(ok, "tmux new-session failed");
    let tmux = |args: &[&str]| Command::new("tmux").args(args).output().unwrap();
    let line = format!("{bin} -r {} --ui; echo EXITED=$?", capture.display());
    tmux(&["send-keys", "-t", &session, &line, "Enter"]);
    let up = wait_pane(&session, 20, |t| t.contains("[TCP Retransmission]"));
    // The shell's child is sockeye: signal exactly that process.
    let shell_pid =
        String::from_utf8_lossy(&tmux(&["list-panes", "-t", &session, "-F", "#{pane_pid}"]).stdout)
            .trim()
            .to_string();
    let child = Command::new("ps")
        .args(["--ppid", &shell_pid, "-o", "pid="])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if !child.is_empty() {
        let _ = Command::new("kill").args(["-TERM", &child]).status();
    }
    let back = wait_pane(&session, 10, |t| t.contains("EXITED="));
    let _ = Command::new("tmux")
        .args(["kill-session", "-t", &session])
        .status();
    assert!(up.is_some(), "the UI did not start");
    assert!(!child.is_empty(), "no sockeye process under the shell");
    let back = back.expect("sockeye did not exit on SIGTERM");
    assert!(
        back.contains("prompt$") && !back.contains("Packets "),
        "{back}"
    );
}
