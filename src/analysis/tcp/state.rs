//! Connection state per stream: who is client and server, the three-way handshake and its
//! RTT, and how the connection ended. This is sockeye's own summary (tshark only has the
//! `tcp.completeness` bitmask); it never influences the `tcp.analysis.*` verdicts.

use std::fmt;

use super::tcp_flags::{ACK, FIN, RST, SYN};
use crate::analysis::key::KeySide;

/// Which end of the connection a segment's sender is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    Client,
    Server,
    /// The handshake was not captured, so nobody is known to have opened the connection.
    #[default]
    Unknown,
}

/// Where a TCP connection stands after a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConnState {
    /// Traffic without a captured handshake: the capture joined an open connection.
    #[default]
    MidStream,
    SynSent,
    /// SYN-ACK seen, waiting for the client's ACK.
    SynReceived,
    Established,
    /// One side sent FIN (it may still receive; the other may still send).
    HalfClosed {
        first_fin: Role,
    },
    /// Both sides sent FIN; the last one not yet acknowledged.
    Closing,
    /// Both FINs sent and acknowledged.
    Closed,
    /// Aborted by a RST.
    Reset {
        by: Role,
    },
    /// The server answered the SYN with a RST.
    Refused,
}

impl fmt::Display for ConnState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let role = |r: Role| match r {
            Role::Client => "client",
            Role::Server => "server",
            Role::Unknown => "peer",
        };
        match self {
            ConnState::MidStream => f.write_str("MID-STREAM"),
            ConnState::SynSent => f.write_str("SYN-SENT"),
            ConnState::SynReceived => f.write_str("SYN-RECEIVED"),
            ConnState::Established => f.write_str("ESTABLISHED"),
            ConnState::HalfClosed { first_fin } => write!(f, "HALF-CLOSED({})", role(*first_fin)),
            ConnState::Closing => f.write_str("CLOSING"),
            ConnState::Closed => f.write_str("CLOSED"),
            ConnState::Reset { by } => write!(f, "RESET({})", role(*by)),
            ConnState::Refused => f.write_str("REFUSED"),
        }
    }
}

/// Handshake timing, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Handshake {
    pub syn_frame: Option<u64>,
    pub synack_frame: Option<u64>,
    pub ack_frame: Option<u64>,
    /// SYN → final ACK, as seen at the capture point (tshark's `tcp.analysis.initial_rtt`
    /// is the same quantity).
    pub rtt_ns: Option<i64>,
}

/// State machine of one stream.
#[derive(Debug, Clone, Default)]
pub(crate) struct Connection {
    pub state: ConnState,
    /// Key side of the client, once known.
    pub client: Option<KeySide>,
    pub handshake: Handshake,
    syn_ts: i64,
    fin_sent: [bool; 2],
}

impl Connection {
    pub fn role_of(&self, side: KeySide) -> Role {
        match self.client {
            Some(c) if c == side => Role::Client,
            Some(_) => Role::Server,
            None => Role::Unknown,
        }
    }

    /// Advances the state with one segment from `side`. `fin_acked` tells whether both
    /// FINs are now acknowledged.
    pub fn on_segment(
        &mut self,
        side: KeySide,
        frame: u64,
        ts_ns: i64,
        flags: u16,
        fins_acked: bool,
    ) {
        let syn = flags & SYN != 0;
        let ack = flags & ACK != 0;
        if syn && !ack {
            if self.client.is_none() {
                self.client = Some(side);
            }
            if matches!(self.state, ConnState::MidStream | ConnState::SynSent) {
                self.state = ConnState::SynSent;
                if self.handshake.syn_frame.is_none() {
                    self.handshake.syn_frame = Some(frame);
                }
                // A retransmitted SYN restarts the clock, like tshark's `ts_mru_syn`.
                self.syn_ts = ts_ns;
            }
        } else if syn && ack {
            if self.client.is_none() {
                self.client = Some(other(side));
            }
            if matches!(
                self.state,
                ConnState::MidStream | ConnState::SynSent | ConnState::SynReceived
            ) {
                self.state = ConnState::SynReceived;
                self.handshake.synack_frame.get_or_insert(frame);
            }
        } else if ack && self.state == ConnState::SynReceived && self.client == Some(side) {
            self.state = ConnState::Established;
            self.handshake.ack_frame = Some(frame);
            if self.handshake.syn_frame.is_some() {
                self.handshake.rtt_ns = Some(ts_ns.wrapping_sub(self.syn_ts));
            }
        }
        if flags & RST != 0 {
            let by = self.role_of(side);
            let refused =
                self.client.is_some_and(|c| c != side) && matches!(self.state, ConnState::SynSent);
            self.state = if refused {
                ConnState::Refused
            } else {
                ConnState::Reset { by }
            };
            return;
        }
        if flags & FIN != 0 && !matches!(self.state, ConnState::Reset { .. } | ConnState::Refused) {
            *side.of_mut(&mut self.fin_sent) = true;
            self.state = if *other(side).of(&self.fin_sent) {
                ConnState::Closing
            } else {
                ConnState::HalfClosed {
                    first_fin: self.role_of(side),
                }
            };
        }
        if self.state == ConnState::Closing && fins_acked {
            self.state = ConnState::Closed;
        }
    }
}

fn other(side: KeySide) -> KeySide {
    match side {
        KeySide::Lo => KeySide::Hi,
        KeySide::Hi => KeySide::Lo,
    }
}
