//! The TCP stream graph, Stevens style (Wireshark's Statistics → TCP Stream Graphs →
//! Stevens): one point per segment one end of a connection sent, its relative sequence
//! number (as `tcp.seq` prints it) against its time since the first packet (as
//! `frame.time_relative`). Both numbers are the pipeline's, read from the store's
//! dissection of each segment; the addresses only say which end sent it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Action, App, View};
use crate::dissect::process::source_end;
use crate::store::{lock, Kind, Store};

/// How long one tick may read segments (each is decoded again to know its sender).
const SLICE: Duration = Duration::from_millis(20);

/// The graph of one direction of one TCP stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Stevens {
    pub stream: u32,
    /// The end whose segments are plotted, and the end they go to.
    pub sender: SocketAddr,
    pub receiver: SocketAddr,
    /// (seconds since the first packet, relative sequence number), one per segment.
    pub points: Vec<(f64, f64)>,
    /// The packet (store index) of each point.
    pub packets: Vec<usize>,
    /// The stream's packets among the visible ones, and how many of them were read.
    stream_packets: Vec<u32>,
    read: usize,
    scanned_upto: usize,
}

impl Stevens {
    fn new(stream: u32, sender: SocketAddr, receiver: SocketAddr) -> Stevens {
        Stevens {
            stream,
            sender,
            receiver,
            points: Vec::new(),
            packets: Vec::new(),
            stream_packets: Vec::new(),
            read: 0,
            scanned_upto: 0,
        }
    }

    /// The same stream, the other way.
    fn reversed(&self) -> Stevens {
        Stevens::new(self.stream, self.receiver, self.sender)
    }

    /// Whether every visible segment has been read.
    pub fn complete(&self) -> bool {
        self.read >= self.stream_packets.len()
    }

    /// Reads the stream's segments that became visible (within a time slice). Returns
    /// whether points were added.
    pub fn sync(&mut self, store: &Store, visible: usize) -> bool {
        let visible = visible.min(store.len());
        if visible < self.scanned_upto {
            *self = Stevens::new(self.stream, self.sender, self.receiver);
        }
        store.scan_stream(
            Kind::Tcp,
            self.stream,
            self.scanned_upto..visible,
            &mut self.stream_packets,
        );
        self.scanned_upto = visible;
        let clock = Instant::now();
        let before = self.points.len();
        while let Some(&i) = self.stream_packets.get(self.read) {
            self.read += 1;
            let i = i as usize;
            let Some(d) = store.dissect(i) else { continue };
            let (Some(tcp), Some(from)) = (&d.tcp, source_end(&d.packet)) else {
                continue;
            };
            if from == self.sender {
                self.points
                    .push((d.info.relative_ns as f64 / 1e9, f64::from(tcp.seq_rel)));
                self.packets.push(i);
            }
            if self.read % 64 == 0 && clock.elapsed() >= SLICE {
                break;
            }
        }
        self.points.len() != before
    }
}

/// The graph's keys; returns whether `action` meant something here.
pub(super) fn handle(app: &mut App, action: Action) -> bool {
    match (app.view, action) {
        (_, Action::Show(View::Stevens)) => open(app),
        (View::Stevens, Action::GraphUnit) => {
            if let Some(g) = &app.stevens {
                app.stevens = Some(g.reversed());
                app.sync_stevens();
            }
        }
        _ => return false,
    }
    true
}

/// After the store was replaced: the graph showing is drawn again from the new store (for
/// the selected packet); one not showing is forgotten.
pub(super) fn reopen(app: &mut App) {
    app.stevens = None;
    if app.view == View::Stevens {
        open(app);
    }
}

/// Opens the graph of the selected packet's stream, in the direction that packet went.
fn open(app: &mut App) {
    let store = Arc::clone(&app.store);
    let store = lock(&store);
    let picked = (app.selected < app.visible)
        .then(|| store.dissect(app.selected))
        .flatten()
        .and_then(|d| {
            let stream = d.tcp.as_ref()?.stream;
            let (src, dst) = crate::dissect::ip_addresses(&d.packet)?;
            let tcp = d.packet.tcp()?;
            Some(Stevens::new(
                u32::try_from(stream).ok()?,
                SocketAddr::new(src, tcp.source_port()),
                SocketAddr::new(dst, tcp.destination_port()),
            ))
        });
    drop(store);
    match picked {
        Some(g) => {
            app.stevens = Some(g);
            app.view = View::Stevens;
            app.sync_stevens();
        }
        None => {
            app.message =
                Some("select a TCP packet: the graph is of its stream's sequence numbers".into())
        }
    }
}

impl App {
    /// Brings the stream graph up to the visible packets (while it shows).
    pub fn sync_stevens(&mut self) -> bool {
        if self.view != View::Stevens {
            return false;
        }
        let store = Arc::clone(&self.store);
        let store = lock(&store);
        let visible = self.visible;
        self.stevens
            .as_mut()
            .is_some_and(|g| g.sync(&store, visible))
    }
}
