//! The one headless loop against a scripted live source: stop flag, `-c`, idle waits,
//! output errors.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::*;
use crate::frame::{Frame, LinkType, OwnedFrame};
use crate::headless::{Printer, ReadConfig};
use crate::source::{MemorySource, Next, PacketSource, SourceError, SourceStats};

/// Alternates "nothing yet" and a frame, like a quiet interface; sets `stop_after` frames.
struct Scripted {
    inner: MemorySource,
    tick: u32,
    stop_at: Option<(u64, &'static AtomicBool)>,
    served: u64,
}

impl PacketSource for Scripted {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, SourceError> {
        self.inner.next_frame()
    }
    fn next_within(&mut self, timeout: Duration) -> Result<Next<'_>, SourceError> {
        Ok(self.poll_frame(timeout)?.map_or(Next::Idle, Next::Frame))
    }
    fn link_type(&self) -> LinkType {
        LinkType::ETHERNET
    }
    fn stats(&self) -> SourceStats {
        self.inner.stats()
    }
}

impl LiveSource for Scripted {
    fn poll_frame(&mut self, _timeout: Duration) -> Result<Option<Frame<'_>>, SourceError> {
        self.tick += 1;
        if self.tick % 2 == 1 {
            return Ok(None);
        }
        if let Some((n, flag)) = self.stop_at {
            if self.served == n {
                flag.store(true, Ordering::Relaxed);
                return Ok(None);
            }
        }
        self.served += 1;
        self.inner.next_frame()
    }
    fn interface_name(&self) -> &str {
        "test0"
    }
    fn snaplen(&self) -> u32 {
        65535
    }
}

fn frames(n: usize) -> MemorySource {
    MemorySource::new(
        (0..n)
            .map(|i| OwnedFrame::ethernet(i as i64, vec![i as u8; 60]))
            .collect(),
    )
}

/// Runs the headless loop printing summary lines (one per packet) and returns the frame
/// count and the lines printed.
fn run(src: &mut Scripted, stop: &AtomicBool, count: Option<u64>) -> (u64, usize) {
    let mut printer = Printer::new(ReadConfig::summary());
    let mut out = Vec::new();
    let outcome =
        crate::headless::run(src, &mut printer, None, None, count, stop, &mut out).expect("run");
    let lines = String::from_utf8(out).unwrap().lines().count();
    (outcome.frames, lines)
}

#[test]
fn count_limit_stops_the_loop() {
    let mut src = Scripted {
        inner: frames(10),
        tick: 0,
        stop_at: None,
        served: 0,
    };
    let stop = AtomicBool::new(false);
    assert_eq!(run(&mut src, &stop, Some(3)), (3, 3));
}

#[test]
fn stop_flag_ends_the_loop_between_polls() {
    static STOP: AtomicBool = AtomicBool::new(false);
    let mut src = Scripted {
        inner: frames(10),
        tick: 0,
        stop_at: Some((4, &STOP)),
        served: 0,
    };
    assert_eq!(run(&mut src, &STOP, None), (4, 4));
}

/// A writer that fails, like a full disk or a closed pipe.
struct Full;

impl std::io::Write for Full {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("disk full"))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Err(std::io::Error::other("disk full"))
    }
}

#[test]
fn output_error_is_returned() {
    let mut src = Scripted {
        inner: frames(10),
        tick: 0,
        stop_at: None,
        served: 0,
    };
    let stop = AtomicBool::new(false);
    let mut printer = Printer::new(ReadConfig::summary());
    let err = crate::headless::run(&mut src, &mut printer, None, None, None, &stop, &mut Full)
        .expect_err("must fail");
    let err = anyhow::Error::from(err);
    assert!(format!("{err:#}").contains("disk full"), "{err:#}");
}
