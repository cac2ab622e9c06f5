//! A read-only summary of one TCP stream for the UI (per-direction ISN, window scale,
//! handshake, roles, state), built on demand from the analysis state.

use super::{ConnState, Handshake, Role, TcpConv, WindowScale};
use crate::analysis::key::{Endpoint, KeySide};

/// What one side of a stream has done so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectionInfo {
    pub from: Endpoint,
    pub role: Role,
    /// Raw ISN, when this side's SYN or SYN-ACK was captured.
    pub isn: Option<u32>,
    /// Raw number relative sequence numbers count from (ISN, or first seq - 1).
    pub base_seq: Option<u32>,
    pub window_scale: WindowScale,
    /// Next sequence number expected from this side, relative.
    pub next_seq_rel: u32,
    pub syn_frame: Option<u64>,
    pub fin_frame: Option<u64>,
    pub rst_frame: Option<u64>,
}

/// Summary of one `tcp.stream`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpStreamInfo {
    pub stream: u64,
    pub state: ConnState,
    pub handshake: Handshake,
    /// `[from A, from B]`, A being the source of the stream's first packet.
    pub directions: [DirectionInfo; 2],
}

impl TcpConv {
    pub(crate) fn info(&self) -> TcpStreamInfo {
        let a_side = self.stats.a_side;
        let dir = |side: KeySide, from: Endpoint| {
            let f = side.of(&self.flows);
            DirectionInfo {
                from,
                role: self.conn.role_of(side),
                isn: f.isn.map(|s| s.0),
                base_seq: f.base_seq.map(|s| s.0),
                window_scale: f.win_scale,
                next_seq_rel: f.rel(f.nextseq),
                syn_frame: f.syn_frame.map(std::num::NonZeroU64::get),
                fin_frame: f.fin_frame.map(std::num::NonZeroU64::get),
                rst_frame: f.rst_frame.map(std::num::NonZeroU64::get),
            }
        };
        let b_side = if a_side == KeySide::Lo {
            KeySide::Hi
        } else {
            KeySide::Lo
        };
        TcpStreamInfo {
            stream: self.stats.stream,
            state: self.conn.state,
            handshake: self.conn.handshake,
            directions: [dir(a_side, self.stats.a), dir(b_side, self.stats.b)],
        }
    }
}
