//! Several sources as one, merged by time: repeated `-r` (as mergecap merges files) and
//! repeated `-i` (local interfaces, remote producers, pipes, in any mix).
//!
//! Each frame keeps where it came from: every source's interfaces get ids of their own in
//! the merged [`InterfaceTable`] (source 0's first, as `mergecap -I none` numbers them), so
//! `frame.interface_id` and `frame.interface_name` tell the sources apart and a pcapng `-w`
//! file gets one IDB per source.
//!
//! Order: the frame with the earliest timestamp goes first; equal timestamps go in the
//! order the sources were given (stable, as mergecap). A small heap keyed by (timestamp,
//! source index) holds one waiting frame per source.
//!
//! Sources that have every frame already (capture files) are read in place, one frame
//! ahead. Sources whose frames arrive over time (interfaces, pipes, remote producers) are
//! read by a thread each into a bounded channel, so a quiet one never blocks the others.
//! The policy for them: the earliest waiting frame is handed out once every live source
//! has a frame waiting, or once it was captured [`HOLD`] ago by the wall clock (sources on
//! one clock: any frame captured before it has been delivered by then), or once the
//! sources it waits for have been silent for [`QUIET`] (clocks that disagree). A frame a
//! source delivers later than that with an earlier timestamp is handed out when it arrives
//! (out of order, as in any live capture of several interfaces); the hold bounds how far
//! the merged stream runs behind live.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Next, PacketSource, SourceError, SourceStats, POLL_INTERVAL};
use crate::frame::{Frame, InterfaceDesc, InterfaceTable, LinkType, OwnedFrame};

/// How long after its capture a frame is held for the other live sources: well above the
/// capture ring's block timeout (100 ms) plus a pipe's hop, so a frame any source captured
/// earlier has arrived by then.
pub const HOLD: Duration = Duration::from_millis(500);

/// How long sources must be silent before a frame goes regardless of its timestamp (a
/// remote clock ahead of ours would otherwise hold frames for as long as it is ahead).
pub const QUIET: Duration = Duration::from_secs(2);

/// Frames a live source's reader may run ahead of the merge (then it waits, and the kernel
/// ring or the pipe buffers, as for a single source).
const CHANNEL_FRAMES: usize = 8192;

/// One source of a merge, with what to call it when its capture names no interface.
pub struct MergeInput {
    pub source: Box<dyn PacketSource + Send>,
    /// How errors name it (a file's path, an interface, a remote label).
    pub label: String,
    /// `frame.interface_name` for interfaces the source leaves unnamed (a remote
    /// producer's pcap has no names: its label says where it came from). `None` keeps them
    /// unnamed, as tshark reads a merged file.
    pub fallback_name: Option<String>,
    /// Frames arrive over time (an interface, a pipe, a remote producer) rather than all
    /// being there (a capture file).
    pub live: bool,
}

/// What a live source's reader thread sends.
enum Msg {
    Frame(usize, OwnedFrame),
    End(usize),
    Failed(usize, SourceError),
}

/// One source as the merge sees it.
struct Lane {
    /// A file, read in place (`None` for live sources, whose thread owns them).
    file: Option<Box<dyn PacketSource + Send>>,
    /// Frames waiting, timestamps in arrival order (files keep at most one).
    queue: VecDeque<OwnedFrame>,
    ended: bool,
    live: bool,
    /// When this live source last delivered a frame (or was opened).
    last_heard: Instant,
    table: InterfaceTable,
    fallback_name: Option<String>,
    /// Local interface id → merged id, filled as the source describes interfaces.
    ids: Vec<u32>,
    label: String,
    /// A file lane's buffer to read its next frame into (the one lent last).
    spare: Option<OwnedFrame>,
    stats: Arc<Mutex<SourceStats>>,
}

pub struct MergedSource {
    lanes: Vec<Lane>,
    /// (timestamp, lane) of the front frame of every lane that has one.
    heap: BinaryHeap<Reverse<(i64, usize)>>,
    table: InterfaceTable,
    rx: Option<Receiver<Msg>>,
    threads: Vec<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
    /// The frame lent by the last call.
    current: OwnedFrame,
    delivered: u64,
    /// A live source's failure, reported once the frames before it are out.
    failed: Option<SourceError>,
    /// Stopping: hand out what was received, in time order, then end.
    draining: bool,
}

impl MergedSource {
    /// Merges `inputs` in the order given (that order breaks timestamp ties and numbers
    /// the interfaces). Capture files are read up to their first frame here, so a damaged
    /// file fails now, naming itself through the caller.
    pub fn new(inputs: Vec<MergeInput>) -> Result<Self, (usize, SourceError)> {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::sync_channel(CHANNEL_FRAMES);
        let mut merged = MergedSource {
            lanes: Vec::with_capacity(inputs.len()),
            heap: BinaryHeap::new(),
            table: InterfaceTable::new(),
            rx: None,
            threads: Vec::new(),
            stop: Arc::clone(&stop),
            current: OwnedFrame::ethernet(0, Vec::new()),
            delivered: 0,
            failed: None,
            draining: false,
        };
        let mut any_live = false;
        for (index, input) in inputs.into_iter().enumerate() {
            let table = input.source.interfaces();
            let stats = Arc::new(Mutex::new(SourceStats::default()));
            let file = if input.live {
                any_live = true;
                let thread = spawn_reader(
                    index,
                    input.source,
                    tx.clone(),
                    Arc::clone(&stop),
                    Arc::clone(&stats),
                );
                merged.threads.push(thread);
                None
            } else {
                Some(input.source)
            };
            merged.lanes.push(Lane {
                file,
                queue: VecDeque::new(),
                ended: false,
                live: input.live,
                last_heard: Instant::now(),
                table,
                fallback_name: input.fallback_name,
                ids: Vec::new(),
                label: input.label,
                spare: None,
                stats,
            });
            // A file's interfaces are described before its first frame: read up to it so
            // they are numbered in the order the files were given, as mergecap does.
            if !input.live {
                merged.refill_file(index).map_err(|e| (index, e))?;
            }
            merged.map_known_interfaces(index);
        }
        if any_live {
            merged.rx = Some(rx);
        }
        Ok(merged)
    }

    /// The merged interface table's ids for what `lane` has described so far.
    fn map_known_interfaces(&mut self, lane: usize) {
        let Some(l) = self.lanes.get_mut(lane) else {
            return;
        };
        let described = l.table.snapshot();
        for desc in described.into_iter().skip(l.ids.len()) {
            let name = desc
                .name
                .clone()
                .or_else(|| l.fallback_name.as_deref().map(std::sync::Arc::<str>::from));
            let id = self.table.push(InterfaceDesc { name, ..desc });
            l.ids.push(id);
        }
    }

    /// The merged id of `lane`'s local interface `local`.
    fn global_id(&mut self, lane: usize, local: u32) -> u32 {
        let known = self
            .lanes
            .get(lane)
            .is_some_and(|l| (local as usize) < l.ids.len());
        if !known {
            self.map_known_interfaces(lane);
        }
        let Some(l) = self.lanes.get_mut(lane) else {
            return local;
        };
        // A frame on an interface its source never described (a pcap-less source): give
        // it one, described from the frame.
        while l.ids.len() <= local as usize {
            let id = self.table.push(InterfaceDesc {
                name: l.fallback_name.as_deref().map(Arc::<str>::from),
                link: LinkType::ETHERNET,
                snaplen: 0,
                tsresol: 9,
            });
            l.ids.push(id);
        }
        l.ids.get(local as usize).copied().unwrap_or(local)
    }

    /// Reads a file lane's next frame into its queue (or marks it ended).
    fn refill_file(&mut self, lane: usize) -> Result<(), SourceError> {
        let Some(l) = self.lanes.get_mut(lane) else {
            return Ok(());
        };
        let Some(source) = l.file.as_mut() else {
            return Ok(());
        };
        match source.next_frame()? {
            Some(frame) => {
                let mut owned = l.spare.take().unwrap_or_else(empty_frame);
                copy_into(&frame, &mut owned);
                l.queue.push_back(owned);
            }
            None => l.ended = true,
        }
        self.push_front_of(lane);
        Ok(())
    }

    /// Puts `lane`'s front frame (if any) on the heap.
    fn push_front_of(&mut self, lane: usize) {
        let front = self
            .lanes
            .get(lane)
            .and_then(|l| l.queue.front())
            .map(|f| f.ts_ns);
        if let Some(ts) = front {
            self.heap.push(Reverse((ts, lane)));
        }
    }

    /// Takes what the live readers sent, waiting at most `timeout` for the first message.
    fn receive(&mut self, timeout: Duration) {
        let Some(rx) = self.rx.as_ref() else {
            return;
        };
        let mut messages = Vec::new();
        match rx.recv_timeout(timeout) {
            Ok(msg) => messages.push(msg),
            Err(RecvTimeoutError::Timeout) => return,
            Err(RecvTimeoutError::Disconnected) => {
                // Every reader has gone: their lanes have ended.
                for lane in self.lanes.iter_mut().filter(|l| l.live) {
                    lane.ended = true;
                }
                return;
            }
        }
        messages.extend(rx.try_iter().take(CHANNEL_FRAMES));
        for msg in messages {
            match msg {
                Msg::Frame(lane, frame) => {
                    let Some(l) = self.lanes.get_mut(lane) else {
                        continue;
                    };
                    l.last_heard = Instant::now();
                    let was_empty = l.queue.is_empty();
                    l.queue.push_back(frame);
                    if was_empty {
                        self.push_front_of(lane);
                    }
                }
                Msg::End(lane) => {
                    if let Some(l) = self.lanes.get_mut(lane) {
                        l.ended = true;
                    }
                }
                Msg::Failed(lane, err) => {
                    if let Some(l) = self.lanes.get_mut(lane) {
                        l.ended = true;
                        let named = SourceError::Live(format!("{}: {err}", l.label));
                        self.failed.get_or_insert(named);
                    }
                }
            }
        }
    }

    /// How long until the earliest waiting frame may go (zero: now). It may go once no
    /// live source that could still deliver an earlier frame is awaited: every live source
    /// has a frame waiting (or has ended); or the frame was captured [`HOLD`] ago by the
    /// wall clock (a source that has sent nothing captured before it by now has nothing
    /// earlier: its delivery takes less than that); or, for clocks that disagree, every
    /// source without a frame has been silent for [`QUIET`].
    fn wait_before_hand_out(&self, earliest_ts: i64) -> Duration {
        if self.draining {
            return Duration::ZERO;
        }
        let awaited: Vec<&Lane> = self
            .lanes
            .iter()
            .filter(|l| l.live && !l.ended && l.queue.is_empty())
            .collect();
        if awaited.is_empty() {
            return Duration::ZERO;
        }
        let wall_now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        let held_ns = wall_now.saturating_sub(earliest_ts);
        let hold_ns = i64::try_from(HOLD.as_nanos()).unwrap_or(i64::MAX);
        let by_clock = Duration::from_nanos(u64::try_from(hold_ns - held_ns).unwrap_or(0));
        let now = Instant::now();
        let by_silence = awaited
            .iter()
            .map(|l| (l.last_heard + QUIET).saturating_duration_since(now))
            .max()
            .unwrap_or(Duration::ZERO);
        by_clock.min(by_silence)
    }

    /// The next frame in time order: `Idle` while a live source is awaited.
    fn next_merged(&mut self, timeout: Duration) -> Result<Next<'_>, SourceError> {
        let deadline = Instant::now() + timeout;
        loop {
            // Take whatever has arrived without waiting, so the heap sees it.
            self.receive(Duration::ZERO);
            let mut wait = POLL_INTERVAL;
            if let Some(&Reverse((ts, lane))) = self.heap.peek() {
                wait = self.wait_before_hand_out(ts);
                if wait.is_zero() {
                    self.heap.pop();
                    return self.hand_out(lane);
                }
            }
            let over = self.draining
                && self
                    .lanes
                    .iter()
                    .all(|l| !l.live || l.ended || l.queue.is_empty());
            if self.heap.is_empty() && (over || self.lanes.iter().all(|l| l.ended)) {
                return match self.failed.take() {
                    Some(err) => Err(err),
                    None => Ok(Next::End),
                };
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(Next::Idle);
            }
            let wait = (deadline - now).min(wait).max(Duration::from_millis(1));
            self.receive(wait);
        }
    }

    /// Lends `lane`'s front frame (its interface renumbered) and reads the lane on.
    fn hand_out(&mut self, lane: usize) -> Result<Next<'_>, SourceError> {
        let Some(mut frame) = self.lanes.get_mut(lane).and_then(|l| l.queue.pop_front()) else {
            return Ok(Next::Idle);
        };
        frame.interface = self.global_id(lane, frame.interface);
        let spent = std::mem::replace(&mut self.current, frame);
        let is_file = self.lanes.get(lane).is_some_and(|l| !l.live);
        if is_file && self.draining {
            // Stopping: a file is not read on.
            if let Some(l) = self.lanes.get_mut(lane) {
                l.ended = true;
            }
        } else if is_file {
            // The lent frame's buffer goes back to the file's lane, so a file merge
            // allocates nothing per frame.
            if let Some(l) = self.lanes.get_mut(lane) {
                l.spare = Some(spent);
            }
            if let Err(err) = self.refill_file(lane) {
                // The frames before the damage (this one included) still go out; the
                // error is reported when everything else has been merged.
                if let Some(l) = self.lanes.get_mut(lane) {
                    l.ended = true;
                    let named = SourceError::Live(format!("{}: {err}", l.label));
                    self.failed.get_or_insert(named);
                }
            }
        } else {
            self.push_front_of(lane);
        }
        self.delivered += 1;
        Ok(Next::Frame(self.current.as_frame()))
    }
}

impl Drop for MergedSource {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // The readers block on a full channel at most until it is gone.
        self.rx = None;
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl PacketSource for MergedSource {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, SourceError> {
        loop {
            match self.next_merged(POLL_INTERVAL)? {
                Next::Idle => {}
                Next::End => return Ok(None),
                Next::Frame(_) => break,
            }
        }
        Ok(Some(self.current.as_frame()))
    }

    fn next_within(&mut self, timeout: Duration) -> Result<Next<'_>, SourceError> {
        self.next_merged(timeout)
    }

    fn drain(&mut self) -> bool {
        self.draining = true;
        // The readers stop; what they sent is still in the channel.
        self.stop.store(true, Ordering::Relaxed);
        true
    }

    fn link_type(&self) -> LinkType {
        self.table.get(0).map_or_else(
            || {
                self.lanes.first().map_or(LinkType::ETHERNET, |l| {
                    l.table.get(0).map_or(LinkType::ETHERNET, |d| d.link)
                })
            },
            |d| d.link,
        )
    }

    fn stats(&self) -> SourceStats {
        let mut total = SourceStats {
            delivered: self.delivered,
            ..SourceStats::default()
        };
        for lane in &self.lanes {
            let stats = lane.stats.lock().map_or_else(|p| *p.into_inner(), |s| *s);
            if let Some(received) = stats.kernel_received {
                *total.kernel_received.get_or_insert(0) += received;
            }
            if let Some(dropped) = stats.kernel_dropped {
                *total.kernel_dropped.get_or_insert(0) += dropped;
            }
        }
        total
    }

    fn interfaces(&self) -> InterfaceTable {
        self.table.clone()
    }
}

fn empty_frame() -> OwnedFrame {
    OwnedFrame::ethernet(0, Vec::new())
}

/// Copies `frame` into `owned`, reusing its buffer.
fn copy_into(frame: &Frame<'_>, owned: &mut OwnedFrame) {
    owned.ts_ns = frame.ts_ns;
    owned.data.clear();
    owned.data.extend_from_slice(frame.data);
    owned.orig_len = frame.orig_len;
    owned.link = frame.link;
    owned.interface = frame.interface;
    owned.direction = frame.direction;
}

/// A live source's reader: frames into the channel until the end, a failure, or the
/// merge is dropped.
fn spawn_reader(
    lane: usize,
    mut source: Box<dyn PacketSource + Send>,
    tx: SyncSender<Msg>,
    stop: Arc<AtomicBool>,
    stats: Arc<Mutex<SourceStats>>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let publish = |source: &dyn PacketSource| {
            if let Ok(mut s) = stats.lock() {
                *s = source.stats();
            }
        };
        let mut since_publish = 0u32;
        while !stop.load(Ordering::Relaxed) {
            let msg = match source.next_within(POLL_INTERVAL) {
                Ok(Next::Frame(frame)) => Msg::Frame(lane, frame.to_owned()),
                Ok(Next::Idle) => {
                    publish(source.as_ref());
                    continue;
                }
                Ok(Next::End) => Msg::End(lane),
                Err(err) => Msg::Failed(lane, err),
            };
            let last = !matches!(msg, Msg::Frame(..));
            since_publish += 1;
            if last || since_publish >= 1024 {
                since_publish = 0;
                publish(source.as_ref());
            }
            if tx.send(msg).is_err() || last {
                break;
            }
        }
        publish(source.as_ref());
    })
}
