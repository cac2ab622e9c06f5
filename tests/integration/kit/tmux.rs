//! A shell in a detached tmux session, for the tests that run the real binary in a real
//! terminal: type into it, wait for the pane to show something, signal the program it
//! runs. On drop, whatever the test's outcome, the program in the pane is killed by pid and
//! the session removed.

use std::process::Command;
use std::time::{Duration, Instant};

use super::retry;

pub struct Tmux(String);

impl Tmux {
    /// A `width`×`height` session running a bare bash (prompt `prompt$ `) with `env` set;
    /// None, with the reason printed, when tmux is not installed.
    pub fn start(tag: &str, width: u16, height: u16, env: &[&str]) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipped: tmux is not installed");
            return None;
        }
        let name = format!("sockeye-{tag}-{}", std::process::id());
        // The user's own preferences never shape a test's screen: an empty config
        // directory unless the test names one (later assignments win in `env`).
        let config = std::env::temp_dir().join("sockeye-tests-no-config");
        let shell = format!(
            "env PS1='prompt$ ' TERM=xterm-256color SOCKEYE_CONFIG_DIR={} {} bash --norc --noprofile",
            config.display(),
            env.join(" ")
        );
        let (w, h) = (width.to_string(), height.to_string());
        let ok = retry(|| {
            Command::new("tmux")
                .args(["new-session", "-d", "-x", &w, "-y", &h, "-s", &name, &shell])
                .status()
                .is_ok_and(|s| s.success())
        });
        assert!(ok, "tmux new-session failed");
        Some(Tmux(name))
    }

    /// `tmux send-keys` (key names such as "Enter", or `-l` and literal text).
    pub fn send(&self, keys: &[&str]) {
        Command::new("tmux")
            .args(["send-keys", "-t", &self.0])
            .args(keys)
            .status()
            .unwrap();
    }

    /// Waits up to `secs` for `pred` on the pane text (wrapped lines joined); prints the
    /// pane and returns None on timeout.
    pub fn wait(&self, secs: u64, pred: impl Fn(&str) -> bool) -> Option<String> {
        let until = Instant::now() + Duration::from_secs(secs);
        loop {
            let out = Command::new("tmux")
                .args(["capture-pane", "-p", "-J", "-t", &self.0])
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

    /// Waits up to `secs` for the line `EXITED=<status>` that a command typed as
    /// `…; echo EXITED=$?` prints when it ends. The typed command itself contains
    /// `EXITED=` too, so only a line that starts with it counts.
    pub fn wait_exited(&self, secs: u64) -> Option<String> {
        self.wait(secs, |t| t.lines().any(|l| l.starts_with("EXITED=")))
    }

    /// Kills the session only, as a closed terminal window does: the program in the pane
    /// must notice by itself (the tests of the UI ending with its terminal).
    pub fn hang_up(&self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .status();
    }

    /// The pid of the program the pane's shell is running, if any.
    pub fn foreground_pid(&self) -> Option<u32> {
        let shell = Command::new("tmux")
            .args(["list-panes", "-t", &self.0, "-F", "#{pane_pid}"])
            .output()
            .ok()?;
        let shell = String::from_utf8_lossy(&shell.stdout).trim().to_string();
        let child = Command::new("ps")
            .args(["--ppid", &shell, "-o", "pid="])
            .output()
            .ok()?;
        String::from_utf8_lossy(&child.stdout)
            .lines()
            .next()?
            .trim()
            .parse()
            .ok()
    }
}

impl Drop for Tmux {
    /// Ends the program still running in the pane by pid (killing the session alone does
    /// not end it), then the session.
    fn drop(&mut self) {
        if let Some(pid) = self.foreground_pid() {
            let _ = super::process::signal(pid, libc::SIGKILL);
        }
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .status();
    }
}
