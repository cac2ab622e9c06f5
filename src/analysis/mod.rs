//! Conversation analysis: a pure, streaming engine over minimal per-packet inputs
//! ([`TcpSegment`], [`UdpDatagram`]) that the decoder fills. Same input, same output, live
//! or replayed; memory grows with the number of conversations, never with packets.
//!
//! Semantics follow tshark 4.0 with its default preferences (relative sequence numbers,
//! sequence analysis on): `tcp.stream`/`udp.stream`, relative seq/ack/nxtseq, scaled
//! window, the `tcp.analysis.*` flags (each with a one-sentence reason), acks_frame/ack_rtt,
//! the `-z conv,tcp|udp` table and `-z follow,tcp|udp,ascii` output.
//!
//! # Contract for the decoder
//! - Call [`Analyzer::tcp`] / [`Analyzer::udp`] once per frame, in capture order, with
//!   1-based frame numbers.
//! - Fragmented IP datagrams: call once, with the reassembled datagram, on the frame that
//!   completes it (tshark shows the transport fields there); never with a lone first
//!   fragment. Never with TCP/UDP headers quoted inside ICMP errors.
//! - `payload_len` is `tcp.len` from the IP lengths (not the captured length). When the IP
//!   total length is shorter than the TCP header, call [`Analyzer::tcp_stream_only`].
//!
//! ```
//! use std::net::{IpAddr, Ipv4Addr};
//! use sockeye::analysis::{tcp_flags, Analyzer, TcpSegment};
//!
//! let client = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
//! let server = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
//! let syn = TcpSegment {
//!     frame: 1, ts_ns: 1, frame_len: 74, src: client, dst: server, src_port: 40000,
//!     dst_port: 80, seq: 1000, ack: 0, flags: tcp_flags::SYN, window: 64240, payload: &[],
//!     payload_len: 0, window_scale: Some(7), sack_permitted: true, sack_blocks: &[],
//!     mss: Some(1460),
//! };
//! let mut analyzer = Analyzer::new();
//! let facts = analyzer.tcp(&syn);
//! assert_eq!((facts.stream, facts.seq_rel, facts.nxtseq_rel), (0, 0, 1));
//! let again = analyzer.tcp(&TcpSegment { frame: 2, ts_ns: 1_000_000_000, ..syn });
//! assert!(again.flags.contains(sockeye::analysis::AnalysisFlag::Retransmission));
//! assert_eq!(again.reasons[0].1, "seq 0 was already sent in frame 1 and not acknowledged");
//! ```
// Segment fields come from hostile packets: no access here may panic on them.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod chunked;
mod conv_index;
pub mod conversations;
pub mod flags;
pub mod follow;
pub mod follow_dump;
mod hash;
pub mod key;
pub mod seq;
pub mod tcp;
pub mod udp;
pub mod vantage;

pub use conversations::{render_tshark, ConvProto, ConvStats, RenderOptions};
pub use flags::{AnalysisFlag, AnalysisFlags};
pub use key::Endpoint;
pub use seq::SeqNum;
pub use tcp::{
    tcp_flags, ConnState, DirectionInfo, Handshake, Role, TcpFacts, TcpSegment, TcpStreamInfo,
    WindowScale,
};
pub use udp::{UdpDatagram, UdpFacts};

/// The analysis state of one capture (or live session).
#[derive(Debug, Default)]
pub struct Analyzer {
    tcp: tcp::TcpTable,
    udp: udp::UdpTable,
}

impl Analyzer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Analyzes the next TCP segment (call in capture order).
    pub fn tcp(&mut self, seg: &TcpSegment<'_>) -> TcpFacts {
        let mut out = None;
        self.tcp.process_into(seg, &mut out);
        // `process_into` always fills `out`; the fallback only keeps this total.
        out.unwrap_or_else(|| TcpFacts::unanalysed(0, seg))
    }

    /// [`Self::tcp`] writing the facts into `out` (the dissection's slot) rather than
    /// returning them.
    pub fn tcp_into(&mut self, seg: &TcpSegment<'_>, out: &mut Option<TcpFacts>) {
        self.tcp.process_into(seg, out);
    }

    /// A TCP segment whose length cannot be known (the IP total length is shorter than
    /// the TCP header): only `tcp.stream` is assigned, as tshark does.
    pub fn tcp_stream_only(&mut self, seg: &TcpSegment<'_>) -> u64 {
        self.tcp.stream_only(seg)
    }

    /// Analyzes the next UDP datagram (call in capture order).
    pub fn udp(&mut self, datagram: &UdpDatagram<'_>) -> UdpFacts {
        self.udp.process(datagram)
    }

    /// TCP conversations by stream index.
    pub fn tcp_conversations(&self) -> impl Iterator<Item = &ConvStats> {
        self.tcp.convs.iter().map(|c| &c.stats)
    }

    /// UDP conversations by stream index.
    pub fn udp_conversations(&self) -> impl Iterator<Item = &ConvStats> {
        self.udp.convs.iter()
    }

    /// Connection state of a TCP stream, if it exists.
    pub fn tcp_state(&self, stream: u64) -> Option<ConnState> {
        let i = usize::try_from(stream).ok()?;
        self.tcp.convs.get(i).map(|c| c.state())
    }

    /// Per-direction details of a TCP stream (ISNs, window scales, handshake, state).
    pub fn tcp_stream_info(&self, stream: u64) -> Option<tcp::TcpStreamInfo> {
        let i = usize::try_from(stream).ok()?;
        self.tcp.convs.get(i).map(|c| c.info())
    }

    pub fn tcp_stream_count(&self) -> u64 {
        self.tcp.convs.len() as u64
    }

    pub fn udp_stream_count(&self) -> u64 {
        self.udp.convs.len() as u64
    }
}
