//! tcpdump-style lines and `-T fields` rows formatted on a second thread while the first
//! reads, decodes and analyses the next frames.
//!
//! Reading a capture to summary lines is the busiest thing sockeye does, and formatting
//! the lines is about a third of it (for `-T fields` rows, half). The analysis must see
//! frames in order on one thread, but a line needs only the frame's bytes and what the
//! analysis computed: so the reading thread copies each frame into a batch with the two
//! relative sequence numbers a line needs (for a row, the dissection's computed facts,
//! moved, not copied), and a formatting thread decodes the frame again with the same
//! decoder and writes the same line [`super::Printer`] would. One formatting thread and
//! first-in-first-out channels keep the lines in capture order; at most [`IN_FLIGHT`]
//! batches are out, so memory stays bounded. Only capture files use it: a live source's
//! lines must appear as their packets do, not a batch later.

use std::io::{self, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::{Scope, ScopedJoinHandle};

use super::clock::Clock;
use super::fields_out;
use super::options::{Columns, FieldOptions};
use super::summary::{write_summary, RelativeSeq};
use crate::decode;
use crate::dissect::{Computed, Dissection};
use crate::frame::{Direction, Frame, LinkType, TimestampNs};

/// Frames per batch: big enough that the channel costs nothing per frame, small enough
/// that the first lines come at once.
const BATCH_FRAMES: usize = 512;
/// Batches handed over and not yet written back.
const IN_FLIGHT: usize = 2;

/// What a line needs of one frame besides its bytes.
#[derive(Debug, Clone, Copy)]
struct Meta {
    end: usize,
    ts_ns: TimestampNs,
    orig_len: u32,
    link: LinkType,
    interface: u32,
    direction: Direction,
    rel: Option<RelativeSeq>,
}

/// What the formatting thread writes for each frame.
#[derive(Debug, Clone)]
pub(super) enum Work {
    /// A tcpdump-style line.
    Summary,
    /// A `-T fields` row.
    Fields {
        columns: Columns,
        options: FieldOptions,
    },
}

#[derive(Debug, Default)]
struct Batch {
    bytes: Vec<u8>,
    frames: Vec<Meta>,
    /// For rows: each frame's computed facts, in the order of `frames`.
    computed: Vec<Computed>,
    text: Vec<u8>,
}

impl Batch {
    fn clear(&mut self) {
        self.bytes.clear();
        self.frames.clear();
        self.computed.clear();
        self.text.clear();
    }

    /// Writes every frame's line or row into `text`, as [`super::Printer`] writes it.
    fn format(&mut self, work: &Work, clock: &mut Clock, scratch: &mut String) {
        let mut start = 0;
        for (i, meta) in self.frames.iter().enumerate() {
            let frame = Frame {
                ts_ns: meta.ts_ns,
                data: self.bytes.get(start..meta.end).unwrap_or_default(),
                orig_len: meta.orig_len,
                link: meta.link,
                interface: meta.interface,
                direction: meta.direction,
            };
            start = meta.end;
            // Decoded where it lies: `decode::decode` returns the packet (about 1.4 kB with
            // its layers inline), and that copy was a tenth of this thread's time.
            match work {
                Work::Summary => {
                    let mut packet = decode::Packet::undecoded(&frame);
                    decode::decode_in_place(&mut packet);
                    clock.write_time(meta.ts_ns, &mut self.text);
                    self.text.push(b' ');
                    write_summary(&packet, meta.rel, &mut self.text);
                    self.text.push(b'\n');
                }
                Work::Fields { columns, options } => {
                    let Some(slot) = self.computed.get_mut(i) else {
                        continue;
                    };
                    let mut d = Dissection::undecoded_with(&frame, std::mem::take(slot));
                    decode::decode_in_place(&mut d.packet);
                    fields_out::write_packet(&d, columns, options, scratch, &mut self.text);
                    // Back into the batch: the reading thread, which allocated the facts'
                    // text, frees it when it reuses the batch. Freed here, each string went
                    // back to the other thread's malloc arena under its lock, and the two
                    // threads spent a fifth of their time waking each other.
                    *slot = d.take_computed();
                }
            }
        }
    }
}

/// The reading side: batches frames, hands them to the formatting thread and writes the
/// lines that come back, in order.
pub(super) struct ParallelLines<'scope> {
    batch: Batch,
    spare: Vec<Batch>,
    in_flight: usize,
    to_worker: Option<SyncSender<Batch>>,
    from_worker: Receiver<Batch>,
    worker: Option<ScopedJoinHandle<'scope, ()>>,
    /// The work is `-T fields` rows: each frame's computed facts go with it.
    rows: bool,
}

impl<'scope> ParallelLines<'scope> {
    /// Starts the formatting thread in `scope`, writing what `work` says.
    pub(super) fn start<'env>(scope: &'scope Scope<'scope, 'env>, work: Work) -> io::Result<Self> {
        let rows = matches!(work, Work::Fields { .. });
        let (to_worker, batches) = sync_channel::<Batch>(IN_FLIGHT);
        let (done, from_worker) = sync_channel::<Batch>(IN_FLIGHT);
        let worker = std::thread::Builder::new()
            .name("sockeye-lines".into())
            .spawn_scoped(scope, move || {
                let mut clock = Clock::default();
                let mut scratch = String::new();
                for mut batch in batches {
                    batch.format(&work, &mut clock, &mut scratch);
                    if done.send(batch).is_err() {
                        break;
                    }
                }
            })?;
        Ok(ParallelLines {
            batch: Batch::default(),
            spare: Vec::new(),
            in_flight: 0,
            to_worker: Some(to_worker),
            from_worker,
            worker: Some(worker),
            rows,
        })
    }

    /// Queues `d`'s line (its frame is `frame`); writes finished lines to `out`. For rows,
    /// `d`'s computed facts move to the batch: `d` is done with after this.
    pub(super) fn push(
        &mut self,
        frame: &Frame<'_>,
        d: &mut Dissection<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        self.batch.bytes.extend_from_slice(frame.data);
        self.batch.frames.push(Meta {
            end: self.batch.bytes.len(),
            ts_ns: frame.ts_ns,
            orig_len: frame.orig_len,
            link: frame.link,
            interface: frame.interface,
            direction: frame.direction,
            rel: super::relative_seq(d),
        });
        if self.rows {
            self.batch.computed.push(d.take_computed());
        }
        if self.batch.frames.len() >= BATCH_FRAMES {
            self.hand_over(out)?;
        }
        Ok(())
    }

    fn hand_over(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let next = self.spare.pop().unwrap_or_default();
        let full = std::mem::replace(&mut self.batch, next);
        let sent = self.to_worker.as_ref().map(|tx| tx.send(full).is_ok());
        if sent != Some(true) {
            return Err(worker_gone());
        }
        self.in_flight += 1;
        while self.in_flight >= IN_FLIGHT {
            self.write_back(out)?;
        }
        Ok(())
    }

    fn write_back(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let mut batch = self.from_worker.recv().map_err(|_| worker_gone())?;
        self.in_flight -= 1;
        out.write_all(&batch.text)?;
        batch.clear();
        self.spare.push(batch);
        Ok(())
    }

    /// Writes every queued line to `out` and ends the formatting thread.
    pub(super) fn finish(mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.batch.frames.is_empty() {
            self.hand_over(out)?;
        }
        while self.in_flight > 0 {
            self.write_back(out)?;
        }
        self.stop()
    }

    fn stop(&mut self) -> io::Result<()> {
        self.to_worker = None;
        match self.worker.take().map(ScopedJoinHandle::join) {
            Some(Err(_)) => Err(worker_gone()),
            _ => Ok(()),
        }
    }
}

impl Drop for ParallelLines<'_> {
    /// An early end (a failed stdout): the thread is told to stop, lines not yet written
    /// are dropped with it (the scope joins it).
    fn drop(&mut self) {
        self.to_worker = None;
    }
}

fn worker_gone() -> io::Error {
    io::Error::other("the line-formatting thread ended early")
}
