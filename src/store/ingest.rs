//! The threads that fill a [`Store`]: a file indexer (reads the capture once, in the
//! background, while the UI already shows the first packets) and the live pair (capture
//! thread → bounded channel → ingest thread), with every drop counted.

use std::fs::File;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::{Backing, Batch, ConvRow, Store};
use crate::analysis::ConvProto;
use crate::dissect::Dissector;
use crate::filter::Filter;
use crate::frame::{Frame, LinkType, OwnedFrame};
use crate::pcapio::CaptureWriter;
use crate::source::{
    FileSource, FileStep as Step, OpenOptions, PacketSource, SourceError, SourceStats,
};

/// Batches are handed to the UI this often (or when this large), so the first screen
/// appears within milliseconds and the mutex is taken rarely.
const FLUSH_EVERY: Duration = Duration::from_millis(20);
const FLUSH_BATCH: usize = 8192;
/// A copied batch is handed over at this size too, so one batch stays far below the
/// smallest store limit (`--store-limit` 8 MiB) and eviction works in small steps.
const FLUSH_BYTES: usize = 1024 * 1024;
/// Conversation tables are copied for the UI at most this often (they can be large: a copy
/// coexists with the analysis tables, which dominates peak memory while indexing a file).
const CONVS_EVERY: Duration = Duration::from_millis(500);
const CONVS_EVERY_FILE: Duration = Duration::from_secs(2);
/// Frames in flight between the capture and ingest threads.
pub const LIVE_CHANNEL: usize = 8192;

pub type SharedStore = Arc<Mutex<Store>>;

/// Locks the store, tolerating a poisoned mutex: a panicked indexer leaves a store that is
/// still consistent at batch granularity, and the UI must keep drawing to restore the
/// terminal.
pub fn lock(store: &SharedStore) -> std::sync::MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Accumulates entries and hands them over in batches.
struct Batcher {
    store: SharedStore,
    dissector: Dissector,
    batch: Batch,
    copy: bool,
    last_flush: Instant,
    last_convs: Instant,
    convs_every: Duration,
    /// Host names learned from DNS answers; copied to the store when they change.
    hosts: crate::names::HostTable,
    hosts_changed: bool,
}

impl Batcher {
    fn new(store: SharedStore, copy: bool, convs_every: Duration) -> Self {
        Batcher {
            store,
            dissector: Dissector::new(),
            batch: Batch::default(),
            copy,
            last_flush: Instant::now(),
            last_convs: Instant::now(),
            convs_every,
            hosts: crate::names::HostTable::new(),
            hosts_changed: false,
        }
    }

    /// Dissects and stores `frame`; with `comment`, returns the process comment a `-w`
    /// recording writes with it (as `sockeye -i -w` does).
    fn push(
        &mut self,
        frame: &Frame<'_>,
        file_offset: u64,
        progress: (u64, u64),
        comment: bool,
    ) -> Option<String> {
        let (batch, hosts, copy) = (&mut self.batch, &mut self.hosts, self.copy);
        let mut hosts_changed = false;
        // Lent, not returned: see `Dissector::dissect_with`.
        let comment = self.dissector.dissect_with(frame, |d| {
            for placed in &d.app.messages {
                if let crate::dissect::app::Message::Dns(dns) = &placed.message {
                    hosts_changed |= hosts.learn(dns, d.info.number);
                }
            }
            let offset = if copy {
                let at = batch.bytes.len() as u64;
                batch.bytes.extend_from_slice(frame.data);
                at
            } else {
                file_offset
            };
            batch.push(d, offset, frame.link);
            comment
                .then(|| d.process.as_ref().map(|p| p.comment()))
                .flatten()
        });
        self.hosts_changed |= hosts_changed;
        if self.batch.len() >= FLUSH_BATCH
            || self.batch.bytes.len() >= FLUSH_BYTES
            || (self.batch.len() % 64 == 0 && self.last_flush.elapsed() >= FLUSH_EVERY)
        {
            self.flush(progress, false);
        }
        comment
    }

    fn flush(&mut self, progress: (u64, u64), final_flush: bool) {
        let convs = (final_flush || self.last_convs.elapsed() >= self.convs_every).then(|| {
            self.last_convs = Instant::now();
            conv_rows(&self.dissector)
        });
        let mut store = lock(&self.store);
        store.append(&mut self.batch);
        store.progress = progress;
        if std::mem::take(&mut self.hosts_changed) {
            store.hosts = self.hosts.clone();
        }
        if let Some(convs) = convs {
            store.convs = convs;
        }
        drop(store);
        self.last_flush = Instant::now();
    }

    fn finish(&mut self, progress: (u64, u64), error: Option<String>) {
        self.flush(progress, true);
        let mut store = lock(&self.store);
        store.done = true;
        store.error = error;
    }
}

fn conv_rows(dissector: &Dissector) -> Vec<ConvRow> {
    let a = dissector.analyzer();
    let tcp = a.tcp_conversations().enumerate().map(|(i, s)| ConvRow {
        proto: ConvProto::Tcp,
        stream: i as u64,
        stats: s.clone(),
    });
    let udp = a.udp_conversations().enumerate().map(|(i, s)| ConvRow {
        proto: ConvProto::Udp,
        stream: i as u64,
        stats: s.clone(),
    });
    tcp.chain(udp).collect()
}

/// A background indexing job over a capture file.
pub struct IndexJob {
    pub store: SharedStore,
    pub cancel: Arc<AtomicBool>,
    pub thread: Option<JoinHandle<()>>,
}

impl IndexJob {
    /// Blocks until the whole input is indexed (tests, benchmarks).
    pub fn wait(mut self) -> SharedStore {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        Arc::clone(&self.store)
    }
}

impl Drop for IndexJob {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Opens `path` and indexes it on a thread. A regular file is memory-mapped (its bytes are
/// never copied); standard input (`-`) is copied into an arena.
pub fn spawn_file_indexer(path: &str) -> Result<IndexJob, SourceError> {
    spawn_file_indexer_with(path, None)
}

/// [`spawn_file_indexer`] keeping only the frames `capture_filter` (`-f`) accepts: the
/// others are skipped as if they had never been captured, as `-r FILE -f EXPR` does.
pub fn spawn_file_indexer_with(
    path: &str,
    capture_filter: Option<Filter>,
) -> Result<IndexJob, SourceError> {
    spawn_indexer(path, capture_filter, OpenOptions::default())
}

/// [`spawn_file_indexer_with`] with the open options (`--follow`).
pub fn spawn_indexer(
    path: &str,
    capture_filter: Option<Filter>,
    opts: OpenOptions,
) -> Result<IndexJob, SourceError> {
    let open_err = |source| SourceError::Open {
        path: path.to_string(),
        source,
    };
    let mut source = FileSource::open_with(path, opts)?;
    // A stream (pipe, FIFO, followed file) is copied into an arena as it arrives; a file
    // that is all there is memory-mapped.
    let (backing, total) = if source.is_streaming() {
        (Backing::arena(super::DEFAULT_STORE_LIMIT), 0)
    } else {
        let file = File::open(path).map_err(open_err)?;
        let total = file.metadata().map_err(open_err)?.len();
        // Offsets are bounds-checked against the map's length (see `map_read_only`).
        let map = crate::sys::map_read_only(&file).map_err(open_err)?;
        (Backing::Mapped(map), total)
    };
    let streaming = source.is_streaming().then(|| match path {
        "-" => "reading stdin".to_string(),
        _ if opts.follow => format!("following {path}"),
        _ => format!("reading {path}"),
    });
    let copy = matches!(backing, Backing::Arena(_));
    let mut store = Store::new(backing, source.link_type()).with_interfaces(source.interfaces());
    store.streaming = streaming;
    let store = Arc::new(Mutex::new(store));
    let cancel = Arc::new(AtomicBool::new(false));
    let thread = {
        let store = Arc::clone(&store);
        let cancel = Arc::clone(&cancel);
        thread::Builder::new()
            .name("sockeye-index".into())
            .spawn(move || {
                let capture_filter = capture_filter;
                let mut batcher = Batcher::new(store, copy, CONVS_EVERY_FILE);
                // Packet comments (and the process owners sockeye wrote there) reach the
                // details pane as they reach -V.
                // The interfaces name the frames and pair a two-vantage capture's sightings.
                batcher.dissector = Dissector::with_comments(source.comments())
                    .with_interfaces(source.interfaces());
                let error = loop {
                    if cancel.load(Ordering::Relaxed) {
                        break None;
                    }
                    let progress = (source.offset(), total);
                    match source.step() {
                        // A stream is idle: show what arrived so far.
                        Ok(Step::Idle) => {
                            if !batcher.batch.is_empty() {
                                batcher.flush(progress, false);
                            }
                        }
                        Ok(Step::Record(record)) => {
                            let (offset, frame) = source.frame(&record);
                            if capture_filter
                                .as_ref()
                                .is_none_or(|f| f.matches_frame(&frame))
                            {
                                batcher.push(&frame, offset, progress, false);
                            }
                        }
                        Ok(Step::End) => break None,
                        Err(err) => break Some(err.to_string()),
                    }
                };
                let end = (total, total);
                batcher.finish(end, error);
            })
            .map_err(|e| SourceError::Live(format!("cannot start the indexing thread: {e}")))?
    };
    Ok(IndexJob {
        store,
        cancel,
        thread: Some(thread),
    })
}

/// Handles of a live session: start/stop, counters, and the threads.
pub struct LiveControl {
    pub store: SharedStore,
    /// Capture paused (the capture thread stops reading from the source).
    pub paused: Arc<AtomicBool>,
    pub cancel: Arc<AtomicBool>,
    /// Frames lost because the channel to the ingest thread was full.
    pub channel_dropped: Arc<AtomicU64>,
    /// The source's own counters (kernel drops), refreshed by the capture thread.
    pub source_stats: Arc<Mutex<SourceStats>>,
    /// Every packet is also written to a `-w` file.
    pub recording: bool,
    ingest: Option<JoinHandle<()>>,
}

impl Drop for LiveControl {
    /// Stops the session. Only the ingest thread is joined (it flushes the `-w` file): the
    /// capture thread may be blocked in `next_frame` on an idle interface, which has no
    /// timeout, so it is left to notice `cancel` at its next frame (or to end with the
    /// process) rather than hang the quit.
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        if let Some(ingest) = self.ingest.take() {
            let _ = ingest.join();
        }
    }
}

/// How a live store is kept.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// Frames in flight between the capture and ingest threads.
    pub channel: usize,
    /// Memory limit of the store in bytes; the oldest packets are evicted beyond it.
    pub store_limit: usize,
    /// Also write every stored packet to this capture file (`-w` in the live UI). The
    /// ingest thread flushes it when the session ends, signals included.
    pub record: Option<String>,
    /// `-f`: frames it rejects are neither stored, recorded nor counted.
    pub capture_filter: Option<Filter>,
    /// Attribute each new conversation to the processes owning its sockets (live capture
    /// on this machine); the ingest thread takes the lookup.
    pub owners: Option<crate::dissect::process::SharedLookup>,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            channel: LIVE_CHANNEL,
            store_limit: super::DEFAULT_STORE_LIMIT,
            record: None,
            capture_filter: None,
            owners: None,
        }
    }
}

/// `--anonymize` live: `source` rewritten frame by frame before the store (and a `-w`
/// recording) sees it, while the owners of conversations are still looked up by the
/// addresses the frames had on this machine (the anonymised ones name no local socket).
pub fn anonymized_live(
    source: Box<dyn PacketSource + Send>,
    config: &LiveConfig,
) -> std::io::Result<Box<dyn PacketSource + Send>> {
    use crate::dissect::anonymize::{AnonymizedSource, Anonymizer, Deanonymized};
    let anonymizer = Anonymizer::random()?;
    if let Some(shared) = &config.owners {
        let mut slot = shared.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(inner) = slot.take() {
            *slot = Some(Box::new(Deanonymized {
                inner,
                originals: anonymizer.originals(),
            }));
        }
    }
    Ok(Box::new(AnonymizedSource::new(source, anonymizer)))
}

/// [`spawn_live_with`] with the default store limit and no recording.
pub fn spawn_live(
    source: Box<dyn PacketSource + Send>,
    capacity: usize,
) -> Result<LiveControl, SourceError> {
    spawn_live_with(
        source,
        LiveConfig {
            channel: capacity,
            ..LiveConfig::default()
        },
    )
}

/// Starts the capture thread (reads `source`, never blocks on the UI) and the ingest
/// thread (dissects and stores). The channel between them is bounded; a full channel
/// drops the frame and counts it.
pub fn spawn_live_with(
    mut source: Box<dyn PacketSource + Send>,
    config: LiveConfig,
) -> Result<LiveControl, SourceError> {
    let capacity = config.channel;
    let store = Store::new(Backing::arena(config.store_limit), source.link_type())
        .with_limit(config.store_limit)
        .with_interfaces(source.interfaces());
    let mut recorder = match &config.record {
        Some(path) => Some(
            CaptureWriter::create(path, 262_144, source.link_type())
                .map_err(|e| SourceError::Live(e.to_string()))?
                .with_interfaces(source.interfaces()),
        ),
        None => None,
    };
    let recording = recorder.is_some();
    let interfaces = source.interfaces();
    let store = Arc::new(Mutex::new(store));
    let paused = Arc::new(AtomicBool::new(false));
    let cancel = Arc::new(AtomicBool::new(false));
    let channel_dropped = Arc::new(AtomicU64::new(0));
    let source_stats = Arc::new(Mutex::new(SourceStats::default()));
    let (tx, rx) = mpsc::sync_channel::<OwnedFrame>(capacity.max(1));
    let spawn_err = |e: std::io::Error| SourceError::Live(format!("cannot start a thread: {e}"));

    // Detached: see `LiveControl::drop`.
    let _capture = {
        let (paused, cancel) = (Arc::clone(&paused), Arc::clone(&cancel));
        let (dropped, stats) = (Arc::clone(&channel_dropped), Arc::clone(&source_stats));
        let keep = config.capture_filter.clone();
        thread::Builder::new()
            .name("sockeye-capture".into())
            .spawn(move || {
                let pipe = Pipe {
                    tx: &tx,
                    keep: keep.as_ref(),
                    paused: &paused,
                    cancel: &cancel,
                    dropped: &dropped,
                    stats: &stats,
                };
                capture_loop(&mut *source, &pipe)
            })
            .map_err(spawn_err)?
    };
    let ingest = {
        let owners = config.owners.clone();
        let store = Arc::clone(&store);
        let cancel = Arc::clone(&cancel);
        thread::Builder::new()
            .name("sockeye-ingest".into())
            .spawn(move || {
                let mut batcher = Batcher::new(store, true, CONVS_EVERY);
                let lookup = owners.and_then(|o| o.lock().ok()?.take());
                if let Some(lookup) = lookup {
                    batcher.dissector = Dissector::with_owners(lookup);
                }
                // A merge's sources pair a two-vantage capture's sightings (the ladder).
                batcher.dissector =
                    std::mem::take(&mut batcher.dissector).with_interfaces(interfaces);
                let mut record_error = None;
                loop {
                    match rx.recv_timeout(FLUSH_EVERY) {
                        // A flood never lets the channel time out: look at `cancel` here too.
                        Ok(_) if cancel.load(Ordering::Relaxed) => break,
                        Ok(frame) => {
                            let frame = frame.as_frame();
                            let comment = batcher.push(&frame, 0, (0, 0), recorder.is_some());
                            if let Some(w) = &mut recorder {
                                // The owners the pipeline found go with the packet, as
                                // `sockeye -i -w` writes them.
                                let written = match &comment {
                                    Some(text) => w.write_frame_commented(&frame, text),
                                    None => w.write_frame(&frame),
                                };
                                if let Err(e) = written {
                                    record_error = Some(format!("recording stopped: {e}"));
                                    recorder = None;
                                }
                            }
                        }
                        Err(RecvTimeoutError::Timeout) => {
                            if cancel.load(Ordering::Relaxed) {
                                break;
                            }
                            if !batcher.batch.is_empty()
                                || batcher.last_convs.elapsed() >= CONVS_EVERY
                            {
                                batcher.flush((0, 0), false);
                            }
                        }
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
                // The session is over (quit, signal, source end): what was recorded stays
                // a complete file.
                if let Some(w) = &mut recorder {
                    if let Err(e) = w.flush() {
                        record_error = Some(format!("recording: {e}"));
                    }
                }
                batcher.finish((0, 0), record_error);
            })
            .map_err(spawn_err)?
    };
    Ok(LiveControl {
        store,
        paused,
        cancel,
        channel_dropped,
        source_stats,
        recording,
        ingest: Some(ingest),
    })
}

/// What the capture thread hands frames to, and the flags and counters it shares.
struct Pipe<'a> {
    tx: &'a SyncSender<OwnedFrame>,
    /// The capture filter, judged here so rejected frames never cross the channel.
    keep: Option<&'a Filter>,
    paused: &'a AtomicBool,
    cancel: &'a AtomicBool,
    dropped: &'a AtomicU64,
    stats: &'a Mutex<SourceStats>,
}

fn capture_loop(source: &mut dyn PacketSource, pipe: &Pipe<'_>) {
    let Pipe {
        tx,
        keep,
        paused,
        cancel,
        dropped,
        stats,
    } = *pipe;
    let mut n = 0u64;
    while !cancel.load(Ordering::Relaxed) {
        if paused.load(Ordering::Relaxed) {
            thread::sleep(Duration::from_millis(50));
            continue;
        }
        // A bounded wait, so a source that has not started (a remote producer awaiting
        // its header) shows as waiting and a quit is noticed.
        let frame = match source.next_within(crate::source::POLL_INTERVAL) {
            Ok(crate::source::Next::Frame(frame))
                if keep.is_some_and(|f| !f.matches_frame(&frame)) =>
            {
                continue
            }
            Ok(crate::source::Next::Frame(frame)) => frame.to_owned(),
            Ok(crate::source::Next::Idle) => {
                *stats.lock().unwrap_or_else(PoisonError::into_inner) = source.stats();
                continue;
            }
            Ok(crate::source::Next::End) | Err(_) => break,
        };
        match tx.try_send(frame) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                dropped.fetch_add(1, Ordering::Relaxed);
            }
            Err(TrySendError::Disconnected(_)) => break,
        }
        n += 1;
        if n % 256 == 0 {
            *stats.lock().unwrap_or_else(PoisonError::into_inner) = source.stats();
        }
    }
    *stats.lock().unwrap_or_else(PoisonError::into_inner) = source.stats();
}

/// The link type to write when saving (first packet's, else the store's).
pub fn save_link(store: &Store) -> LinkType {
    store
        .entries()
        .first()
        .map_or(store.link, |e| LinkType(u32::from(e.link)))
}
