//! The `tcp.analysis.*` verdicts as a compact bitset (no allocation per packet).

use std::fmt;

/// One TCP analysis verdict. The discriminant is the bit in [`AnalysisFlags`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum AnalysisFlag {
    Retransmission = 0,
    FastRetransmission,
    SpuriousRetransmission,
    OutOfOrder,
    LostSegment,
    AckLostSegment,
    DuplicateAck,
    ZeroWindow,
    ZeroWindowProbe,
    ZeroWindowProbeAck,
    KeepAlive,
    KeepAliveAck,
    WindowUpdate,
    WindowFull,
    ReusedPorts,
}

impl AnalysisFlag {
    pub const ALL: [AnalysisFlag; 15] = [
        AnalysisFlag::Retransmission,
        AnalysisFlag::FastRetransmission,
        AnalysisFlag::SpuriousRetransmission,
        AnalysisFlag::OutOfOrder,
        AnalysisFlag::LostSegment,
        AnalysisFlag::AckLostSegment,
        AnalysisFlag::DuplicateAck,
        AnalysisFlag::ZeroWindow,
        AnalysisFlag::ZeroWindowProbe,
        AnalysisFlag::ZeroWindowProbeAck,
        AnalysisFlag::KeepAlive,
        AnalysisFlag::KeepAliveAck,
        AnalysisFlag::WindowUpdate,
        AnalysisFlag::WindowFull,
        AnalysisFlag::ReusedPorts,
    ];

    /// The Wireshark display-filter field name.
    pub fn field_name(self) -> &'static str {
        match self {
            AnalysisFlag::Retransmission => "tcp.analysis.retransmission",
            AnalysisFlag::FastRetransmission => "tcp.analysis.fast_retransmission",
            AnalysisFlag::SpuriousRetransmission => "tcp.analysis.spurious_retransmission",
            AnalysisFlag::OutOfOrder => "tcp.analysis.out_of_order",
            AnalysisFlag::LostSegment => "tcp.analysis.lost_segment",
            AnalysisFlag::AckLostSegment => "tcp.analysis.ack_lost_segment",
            AnalysisFlag::DuplicateAck => "tcp.analysis.duplicate_ack",
            AnalysisFlag::ZeroWindow => "tcp.analysis.zero_window",
            AnalysisFlag::ZeroWindowProbe => "tcp.analysis.zero_window_probe",
            AnalysisFlag::ZeroWindowProbeAck => "tcp.analysis.zero_window_probe_ack",
            AnalysisFlag::KeepAlive => "tcp.analysis.keep_alive",
            AnalysisFlag::KeepAliveAck => "tcp.analysis.keep_alive_ack",
            AnalysisFlag::WindowUpdate => "tcp.analysis.window_update",
            AnalysisFlag::WindowFull => "tcp.analysis.window_full",
            AnalysisFlag::ReusedPorts => "tcp.analysis.reused_ports",
        }
    }

    /// The Info-column tag tshark prepends (`[TCP Retransmission]`).
    pub fn info_tag(self) -> &'static str {
        match self {
            AnalysisFlag::Retransmission => "TCP Retransmission",
            AnalysisFlag::FastRetransmission => "TCP Fast Retransmission",
            AnalysisFlag::SpuriousRetransmission => "TCP Spurious Retransmission",
            AnalysisFlag::OutOfOrder => "TCP Out-Of-Order",
            AnalysisFlag::LostSegment => "TCP Previous segment not captured",
            AnalysisFlag::AckLostSegment => "TCP ACKed unseen segment",
            AnalysisFlag::DuplicateAck => "TCP Dup ACK",
            AnalysisFlag::ZeroWindow => "TCP ZeroWindow",
            AnalysisFlag::ZeroWindowProbe => "TCP ZeroWindowProbe",
            AnalysisFlag::ZeroWindowProbeAck => "TCP ZeroWindowProbeAck",
            AnalysisFlag::KeepAlive => "TCP Keep-Alive",
            AnalysisFlag::KeepAliveAck => "TCP Keep-Alive ACK",
            AnalysisFlag::WindowUpdate => "TCP Window Update",
            AnalysisFlag::WindowFull => "TCP Window Full",
            AnalysisFlag::ReusedPorts => "TCP Port numbers reused",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u8)
    }
}

impl fmt::Display for AnalysisFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field_name())
    }
}

/// A set of [`AnalysisFlag`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AnalysisFlags(u16);

impl AnalysisFlags {
    pub const EMPTY: AnalysisFlags = AnalysisFlags(0);

    pub fn contains(self, flag: AnalysisFlag) -> bool {
        self.0 & flag.bit() != 0
    }

    pub fn insert(&mut self, flag: AnalysisFlag) {
        self.0 |= flag.bit();
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = AnalysisFlag> {
        AnalysisFlag::ALL
            .into_iter()
            .filter(move |f| self.contains(*f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_and_iterate() {
        let mut f = AnalysisFlags::EMPTY;
        assert!(f.is_empty());
        f.insert(AnalysisFlag::WindowFull);
        f.insert(AnalysisFlag::Retransmission);
        let v: Vec<_> = f.iter().collect();
        assert_eq!(
            v,
            vec![AnalysisFlag::Retransmission, AnalysisFlag::WindowFull]
        );
        assert!(!f.contains(AnalysisFlag::KeepAlive));
    }
}
