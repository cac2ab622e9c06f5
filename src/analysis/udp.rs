//! UDP conversations: `udp.stream` numbering and per-conversation counters.

use std::net::IpAddr;

use crate::analysis::chunked::Chunked;
use crate::analysis::conv_index::ConvIndex;
use crate::analysis::conversations::ConvStats;
use crate::analysis::key::{ConvKey, Endpoint};

/// One UDP datagram as the decoder hands it to the analysis.
#[derive(Debug, Clone, Copy)]
pub struct UdpDatagram<'a> {
    /// 1-based frame number.
    pub frame: u64,
    pub ts_ns: i64,
    /// `frame.len`, for the conversation byte counts.
    pub frame_len: u32,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub src_port: u16,
    pub dst_port: u16,
    /// Captured payload.
    pub payload: &'a [u8],
}

/// What the analysis says about one datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpFacts {
    /// `udp.stream`
    pub stream: u64,
    /// True when the sender is the endpoint that sent the conversation's first datagram.
    pub from_first_sender: bool,
}

#[derive(Debug, Default)]
pub(crate) struct UdpTable {
    by_key: ConvIndex,
    pub convs: Chunked<ConvStats>,
}

impl UdpTable {
    pub fn process(&mut self, d: &UdpDatagram<'_>) -> UdpFacts {
        let src = Endpoint {
            addr: d.src,
            port: d.src_port,
        };
        let dst = Endpoint {
            addr: d.dst,
            port: d.dst_port,
        };
        let (key, side) = ConvKey::new(src, dst);
        let convs = &self.convs;
        let found = self.by_key.get(&key, |i| convs.get(i).map(ConvStats::key));
        let idx = match found {
            Some(i) => i,
            None => {
                let i = self.convs.len();
                self.convs
                    .push(ConvStats::new(i as u64, &key, side, d.ts_ns));
                let convs = &self.convs;
                self.by_key
                    .set(&key, i, |j| convs.get(j).map(ConvStats::key));
                i
            }
        };
        // `idx` came from `by_key` or was just pushed, so it is in `convs`.
        let from_first_sender = match self.convs.get_mut(idx) {
            Some(stats) => {
                stats.count(side, d.frame_len, d.ts_ns);
                stats.a == src
            }
            None => true,
        };
        UdpFacts {
            stream: idx as u64,
            from_first_sender,
        }
    }
}
