//! What the application stage may leave out when no consumer of the run reads it.

use super::AppTracker;
use crate::decode::Interest;

/// The parts of the application stage a run can do without. A tcpdump-style line needs
/// none of them, and they were most of the per-packet cost of `sockeye -r`: building the
/// Info text, the `frame.protocols` text, and reassembling every TCP stream.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Skip {
    pub(super) columns: bool,
    pub(super) protocols: bool,
    pub(super) payloads: bool,
}

impl AppTracker {
    /// Computes from now on only what a consumer reading the layers in `interest` can see:
    /// the Protocol/Info columns for [`Interest::COLUMNS`], `frame.protocols` for
    /// [`Interest::FRAME`], and the transport payloads (reassembly, application messages,
    /// `data`) for any of those or [`Interest::APP`]/[`Interest::DATA`]. Set it before the
    /// first frame: a stream's reassembly cannot start in its middle. ICMP's echo links
    /// and quoted datagrams are always kept (the IP and transport fields read them).
    pub fn limit_to(&mut self, interest: Interest) {
        let columns = interest.contains(Interest::COLUMNS);
        let protocols = interest.contains(Interest::FRAME);
        let payloads = columns
            || protocols
            || interest.contains(Interest::APP)
            || interest.contains(Interest::DATA);
        self.skip = Skip {
            columns: !columns,
            protocols: !protocols,
            payloads: !payloads,
        };
    }
}
