//! The capture loop against a scripted live source: stop flag, `-c`, timeouts, sink errors.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::*;
use crate::frame::{LinkType, OwnedFrame};
use crate::source::{MemorySource, PacketSource, SourceError, SourceStats};

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

#[test]
fn count_limit_stops_the_loop() {
    let mut src = Scripted {
        inner: frames(10),
        tick: 0,
        stop_at: None,
        served: 0,
    };
    let stop = AtomicBool::new(false);
    let mut seen = Vec::new();
    let mut sink = |f: &Frame<'_>| -> anyhow::Result<()> {
        seen.push(f.ts_ns);
        Ok(())
    };
    let n = capture_loop(&mut src, &stop, Some(3), &|_| true, &mut sink).expect("loop");
    assert_eq!(n, 3);
    assert_eq!(seen, vec![0, 1, 2]);
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
    let mut count = 0;
    let mut sink = |_: &Frame<'_>| -> anyhow::Result<()> {
        count += 1;
        Ok(())
    };
    let n = capture_loop(&mut src, &STOP, None, &|_| true, &mut sink).expect("loop");
    assert_eq!(n, 4);
    assert_eq!(count, 4);
}

#[test]
fn sink_error_is_returned() {
    let mut src = Scripted {
        inner: frames(10),
        tick: 0,
        stop_at: None,
        served: 0,
    };
    let stop = AtomicBool::new(false);
    let mut sink = |_: &Frame<'_>| -> anyhow::Result<()> { anyhow::bail!("disk full") };
    let err = capture_loop(&mut src, &stop, None, &|_| true, &mut sink).expect_err("must fail");
    assert_eq!(err.to_string(), "disk full");
}

#[test]
fn options_come_from_the_shared_flags() {
    let io = IoArgs {
        interface: Some("lo".into()),
        count: Some(5),
        snaplen: 96,
        no_promiscuous: true,
        buffer_mib: 4,
        ..IoArgs::default()
    };
    let opts = CaptureOptions::from_io(&io).expect("-i given");
    assert_eq!(opts.interface, "lo");
    assert_eq!(opts.count, Some(5));
    assert!(!opts.promiscuous);
    assert_eq!(opts.buffer_mib, 4);
    assert!(CaptureOptions::from_io(&IoArgs::default()).is_none());
}
