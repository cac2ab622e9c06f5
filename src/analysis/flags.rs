//! The `tcp.analysis.*` verdicts: one table row per flag (its field, Info tag and
//! explanation, read by the field tree, the Info column and the teaching views), and a
//! compact bitset of them per packet (no allocation).

use std::fmt;

use crate::field::FieldId;

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

/// One row of the flag table: everything each consumer says about a flag.
#[derive(Debug, Clone, Copy)]
pub struct FlagRow {
    pub flag: AnalysisFlag,
    /// The Wireshark field (`tcp.analysis.retransmission`).
    pub field: FieldId,
    /// The Info-column tag tshark prepends (`[TCP Retransmission]`).
    pub info_tag: &'static str,
    /// What the flag means in general, one sentence (the analysis adds the exact numbers
    /// of each case as its reason).
    pub explanation: &'static str,
}

/// The one table of TCP analysis flags, in [`AnalysisFlag`] order.
pub const FLAG_TABLE: [FlagRow; 15] = {
    use AnalysisFlag as A;
    use FieldId as F;
    const fn row(
        flag: AnalysisFlag,
        field: FieldId,
        info_tag: &'static str,
        explanation: &'static str,
    ) -> FlagRow {
        FlagRow {
            flag,
            field,
            info_tag,
            explanation,
        }
    }
    [
        row(A::Retransmission, F::TcpAnalysisRetransmission, "TCP Retransmission",
            "It carries sequence numbers already sent and not yet acknowledged."),
        row(A::FastRetransmission, F::TcpAnalysisFastRetransmission, "TCP Fast Retransmission",
            "Sent again right after duplicate ACKs reported the gap, without waiting for the timer."),
        row(A::SpuriousRetransmission, F::TcpAnalysisSpuriousRetransmission, "TCP Spurious Retransmission",
            "The receiver had already acknowledged these bytes."),
        row(A::OutOfOrder, F::TcpAnalysisOutOfOrder, "TCP Out-Of-Order",
            "It fills a gap sooner than a retransmission could have been sent."),
        row(A::LostSegment, F::TcpAnalysisLostSegment, "TCP Previous segment not captured",
            "Its seq is beyond the next expected one, so bytes in between were lost or not captured."),
        row(A::AckLostSegment, F::TcpAnalysisAckLostSegment, "TCP ACKed unseen segment",
            "It acknowledges bytes the capture never saw being sent."),
        row(A::DuplicateAck, F::TcpAnalysisDuplicateAck, "TCP Dup ACK",
            "The same acknowledgement again, the receiver's way of saying a segment is missing."),
        row(A::ZeroWindow, F::TcpAnalysisZeroWindow, "TCP ZeroWindow",
            "The receiver's buffer is full; the sender must stop."),
        row(A::ZeroWindowProbe, F::TcpAnalysisZeroWindowProbe, "TCP ZeroWindowProbe",
            "One byte sent to see whether the receiver's window opened."),
        row(A::ZeroWindowProbeAck, F::TcpAnalysisZeroWindowProbeAck, "TCP ZeroWindowProbeAck",
            "The receiver answers the probe, its window still closed."),
        row(A::KeepAlive, F::TcpAnalysisKeepAlive, "TCP Keep-Alive",
            "An empty segment one byte behind, to check the peer is still there."),
        row(A::KeepAliveAck, F::TcpAnalysisKeepAliveAck, "TCP Keep-Alive ACK",
            "The peer answers the keep-alive."),
        row(A::WindowUpdate, F::TcpAnalysisWindowUpdate, "TCP Window Update",
            "Only the advertised window changed, nothing new is acknowledged."),
        row(A::WindowFull, F::TcpAnalysisWindowFull, "TCP Window Full",
            "This segment fills the receiver's whole advertised window."),
        row(A::ReusedPorts, F::TcpAnalysisReusedPorts, "TCP Port numbers reused",
            "A new SYN on a port pair an earlier connection used."),
    ]
};

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

    /// This flag's row of [`FLAG_TABLE`].
    pub fn row(self) -> &'static FlagRow {
        // The table is in discriminant order (a test checks it); the fallback is never taken.
        FLAG_TABLE.get(self as usize).unwrap_or(&FLAG_TABLE[0])
    }

    /// The Wireshark field carrying this flag.
    pub fn field(self) -> FieldId {
        self.row().field
    }

    /// The Wireshark display-filter field name.
    pub fn field_name(self) -> &'static str {
        self.row().field.name()
    }

    /// The Info-column tag tshark prepends (`[TCP Retransmission]`).
    pub fn info_tag(self) -> &'static str {
        self.row().info_tag
    }

    /// What the flag means in general, one sentence.
    pub fn explanation(self) -> &'static str {
        self.row().explanation
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

    #[test]
    fn one_row_per_flag_in_order() {
        for (index, flag) in AnalysisFlag::ALL.into_iter().enumerate() {
            let row = &FLAG_TABLE[index];
            assert_eq!(row.flag, flag);
            assert_eq!(flag as usize, index);
            assert!(row.field.name().starts_with("tcp.analysis."));
            assert!(row.info_tag.starts_with("TCP "));
            assert!(row.explanation.ends_with('.'));
        }
        assert_eq!(
            AnalysisFlag::Retransmission.field_name(),
            "tcp.analysis.retransmission"
        );
        assert_eq!(AnalysisFlag::DuplicateAck.info_tag(), "TCP Dup ACK");
    }
}
