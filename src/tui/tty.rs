//! Noticing that the terminal went away. A pty whose other end closed (window closed, ssh
//! dropped, `tmux kill-session`) reports POLLHUP; reads from it give EOF or EIO. crossterm
//! treats neither as an error (its reader loops on them), so the UI asks the kernel itself.

use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

/// The terminal the UI reads keys from, and whether it has been found gone.
#[derive(Clone)]
pub struct TtyWatch {
    fd: Arc<OwnedFd>,
    gone: Arc<AtomicBool>,
}

impl TtyWatch {
    /// The tty crossterm reads: standard input when it is a terminal, else `/dev/tty`.
    pub fn open() -> Option<TtyWatch> {
        let stdin = std::io::stdin();
        let fd: OwnedFd = if std::io::IsTerminal::is_terminal(&stdin) {
            stdin.as_fd_owned()?
        } else {
            std::fs::File::open("/dev/tty").ok()?.into()
        };
        Some(TtyWatch {
            fd: Arc::new(fd),
            gone: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Whether the terminal hung up (or the descriptor broke). Never blocks.
    pub fn gone(&self) -> bool {
        if self.gone.load(Ordering::Relaxed) {
            return true;
        }
        let gone = hung_up(self.fd.as_raw_fd(), 0);
        if gone {
            self.gone.store(true, Ordering::Relaxed);
        }
        gone
    }

    /// Whether [`Self::gone`] has ever been seen true.
    pub fn was_gone(&self) -> bool {
        self.gone.load(Ordering::Relaxed)
    }

    /// A thread that sleeps in `poll` until the terminal hangs up (or `done`), then sets
    /// `stop`, which the run loop checks at least every 250 ms.
    pub fn spawn_watcher(
        &self,
        stop: Arc<AtomicBool>,
        done: Arc<AtomicBool>,
    ) -> Option<thread::JoinHandle<()>> {
        let me = self.clone();
        thread::Builder::new()
            .name("sockeye-tty-watch".into())
            .spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    if hung_up(me.fd.as_raw_fd(), 200) {
                        me.gone.store(true, Ordering::Relaxed);
                        stop.store(true, Ordering::Relaxed);
                        return;
                    }
                }
            })
            .ok()
    }
}

/// A duplicate of standard input's descriptor, so dropping the watch never closes fd 0.
trait DupFd {
    fn as_fd_owned(&self) -> Option<OwnedFd>;
}

impl DupFd for std::io::Stdin {
    fn as_fd_owned(&self) -> Option<OwnedFd> {
        use std::os::fd::AsFd;
        self.as_fd().try_clone_to_owned().ok()
    }
}

/// Polls `fd` for no event at all: poll(2) reports POLLHUP, POLLERR and POLLNVAL whatever
/// is asked, so this wakes only when the terminal is gone (or after `timeout_ms`).
fn hung_up(fd: i32, timeout_ms: i32) -> bool {
    crate::sys::hung_up(fd, timeout_ms)
}
