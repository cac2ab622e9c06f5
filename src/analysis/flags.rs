//! The `tcp.analysis.*` verdicts: one table row per flag (its field and Info tag, read by
//! the field tree, the Info column and the teaching views), and a compact bitset of them per
//! packet (no allocation). Each case's explanation carries its numbers, so the analysis
//! writes it where it sets the flag (`tcp::sequence`), kept with the facts as its reason.

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
}

/// The one table of TCP analysis flags, in [`AnalysisFlag`] order.
pub const FLAG_TABLE: [FlagRow; 15] = {
    use AnalysisFlag as A;
    use FieldId as F;
    const fn row(flag: AnalysisFlag, field: FieldId, info_tag: &'static str) -> FlagRow {
        FlagRow {
            flag,
            field,
            info_tag,
        }
    }
    [
        row(
            A::Retransmission,
            F::TcpAnalysisRetransmission,
            "TCP Retransmission",
        ),
        row(
            A::FastRetransmission,
            F::TcpAnalysisFastRetransmission,
            "TCP Fast Retransmission",
        ),
        row(
            A::SpuriousRetransmission,
            F::TcpAnalysisSpuriousRetransmission,
            "TCP Spurious Retransmission",
        ),
        row(A::OutOfOrder, F::TcpAnalysisOutOfOrder, "TCP Out-Of-Order"),
        row(
            A::LostSegment,
            F::TcpAnalysisLostSegment,
            "TCP Previous segment not captured",
        ),
        row(
            A::AckLostSegment,
            F::TcpAnalysisAckLostSegment,
            "TCP ACKed unseen segment",
        ),
        row(A::DuplicateAck, F::TcpAnalysisDuplicateAck, "TCP Dup ACK"),
        row(A::ZeroWindow, F::TcpAnalysisZeroWindow, "TCP ZeroWindow"),
        row(
            A::ZeroWindowProbe,
            F::TcpAnalysisZeroWindowProbe,
            "TCP ZeroWindowProbe",
        ),
        row(
            A::ZeroWindowProbeAck,
            F::TcpAnalysisZeroWindowProbeAck,
            "TCP ZeroWindowProbeAck",
        ),
        row(A::KeepAlive, F::TcpAnalysisKeepAlive, "TCP Keep-Alive"),
        row(
            A::KeepAliveAck,
            F::TcpAnalysisKeepAliveAck,
            "TCP Keep-Alive ACK",
        ),
        row(
            A::WindowUpdate,
            F::TcpAnalysisWindowUpdate,
            "TCP Window Update",
        ),
        row(A::WindowFull, F::TcpAnalysisWindowFull, "TCP Window Full"),
        row(
            A::ReusedPorts,
            F::TcpAnalysisReusedPorts,
            "TCP Port numbers reused",
        ),
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
        }
        assert_eq!(
            AnalysisFlag::Retransmission.field_name(),
            "tcp.analysis.retransmission"
        );
        assert_eq!(AnalysisFlag::DuplicateAck.info_tag(), "TCP Dup ACK");
    }
}
