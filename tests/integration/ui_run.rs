//! The UI as a person runs it: the real binary inside tmux (drawn, driven by keys, and the
//! terminal restored after `q` and after SIGTERM), the live loop on a slow source, and the
//! rule that decides between the UI and the headless reader.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::kit;
use crate::kit::process::signal;
use crate::kit::tmux::Tmux;

#[test]
fn binary_in_tmux_opens_and_restores_terminal() {
    // A shell first, so that after `q` the pane shows the shell again.
    let Some(tmux) = Tmux::start("ui", 120, 40, &[]) else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_sockeye");
    let capture = kit::textbook("tcp_handshake.pcapng");
    tmux.send(&[
        &format!("{bin} -r {} --ui; echo EXITED=$?", capture.display()),
        "Enter",
    ]);
    let text = tmux
        .wait(20, |t| t.contains("2826 → 80 [SYN]"))
        .expect("the UI did not show the handshake");
    assert!(text.contains("Packets"), "{text}");
    assert!(
        text.contains("[SYN] Seq=0 Win=8192 Len=0 MSS=1460"),
        "{text}"
    );
    tmux.send(&["2"]);
    let ladder = tmux.wait(10, |t| t.contains("handshake") && t.contains("▶"));
    tmux.send(&["q"]);
    let back = tmux.wait(10, |t| t.contains("EXITED=0"));
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
            waiting: false,
        }
    }
}

fn capture_frames(name: &str, copies: usize) -> Vec<sockeye::frame::OwnedFrame> {
    use sockeye::source::{FileSource, PacketSource};
    let mut src = FileSource::open(kit::textbook(name).to_str().unwrap()).unwrap();
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
            traced: None,
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
    let out = kit::sockeye(&[
        "-r",
        kit::textbook("tcp_handshake.pcapng").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(
        kit::stdout(&out).contains("Flags [S]"),
        "{}",
        kit::stdout(&out)
    );
    // --ui on an interface that does not exist says so in one line, before any terminal
    // set-up.
    let out = kit::sockeye(&["--ui", "-i", "nosuchiface0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = kit::stderr(&out);
    assert!(
        err.contains("nosuchiface0") && err.lines().count() == 1,
        "{err}"
    );
    let help = kit::stdout(&kit::sockeye(&["--help"]));
    assert!(
        help.contains("--headless") && help.contains("--ui"),
        "{help}"
    );
    assert!(help.contains("opens the interactive UI when standard output is a terminal"));
}

/// SIGTERM ends the UI and restores the terminal too.
#[test]
fn sigterm_restores_the_terminal() {
    let Some(tmux) = Tmux::start("term", 100, 30, &[]) else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_sockeye");
    let capture = kit::textbook("tcp_retransmissions.pcapng");
    tmux.send(&[
        &format!("{bin} -r {} --ui; echo EXITED=$?", capture.display()),
        "Enter",
    ]);
    let up = tmux.wait(20, |t| t.contains("[TCP Retransmission]"));
    // The shell's child is sockeye: signal exactly that process.
    let child = tmux.foreground_pid();
    if let Some(pid) = child {
        signal(pid, libc::SIGTERM).expect("SIGTERM sockeye");
    }
    let back = tmux.wait_exited(10);
    assert!(up.is_some(), "the UI did not start");
    assert!(child.is_some(), "no sockeye process under the shell");
    let back = back.expect("sockeye did not exit on SIGTERM");
    assert!(
        back.contains("prompt$") && !back.contains("Packets "),
        "{back}"
    );
}
