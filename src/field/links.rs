//! Fields whose value is another frame's number (Wireshark's FT_FRAMENUM): the tree lines
//! `[This is an ACK to the segment in frame: 2]`, `[Request in frame: 1]`, `[Reassembled
//! PDU in frame: 9]` that the UI follows on Enter. The table's displays say how a value
//! prints, not what it points at, so the pointing fields are listed here, once.

use super::FieldId;

pub const FRAME_LINKS: &[FieldId] = &[
    FieldId::IpReassembledIn,
    FieldId::TcpAnalysisDuplicateAckFrame,
    FieldId::TcpAnalysisAcksFrame,
    FieldId::TcpReassembledIn,
    FieldId::IcmpRespIn,
    FieldId::IcmpRespTo,
    FieldId::Icmpv6RespIn,
    FieldId::Icmpv6RespTo,
    FieldId::DnsResponseIn,
    FieldId::DnsResponseTo,
    FieldId::HttpResponseIn,
    FieldId::HttpRequestIn,
];

/// Whether `id`'s value names a frame.
pub fn is_frame_link(id: FieldId) -> bool {
    FRAME_LINKS.contains(&id)
}
