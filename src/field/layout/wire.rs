//! Fixed fields of the 802.3/LLC family and of the tunnel headers (see the parent module for
//! what `FIELDS` and `OTHERS` mean). Kept apart from the IP-stack layouts so each file stays
//! small; the same rules hold.

use super::{FieldId as F, Layout};

/// IEEE 802.3: the same 14 bytes as Ethernet II, but the last two hold the length of the
/// LLC frame that follows (a value ≤ 1500), which tshark shows as `eth.len`, not `eth.type`.
pub mod eth_dot3 {
    use super::*;
    pub const LEN: usize = 14;
    pub const LENGTH: Layout = Layout::bytes(F::EthLen, 12, 2);
    pub const FIELDS: &[Layout] = &[super::super::eth::DST, super::super::eth::SRC, LENGTH];
    pub const OTHERS: &[Layout] = &[];
    /// Type/length values up to this are lengths (IEEE 802.3 clause 3.2.6).
    pub const MAX_LENGTH: u16 = 1500;
}

/// IEEE 802.2 LLC: DSAP, SSAP, a 1-byte (unnumbered) or 2-byte control field; SNAP adds a
/// 3-byte OUI and a 2-byte protocol id.
pub mod llc {
    use super::*;
    pub const LEN: usize = 3;
    pub const SNAP_LEN: usize = 8;
    pub const DSAP: Layout = Layout::bytes(F::LlcDsap, 0, 1);
    pub const SSAP: Layout = Layout::bytes(F::LlcSsap, 1, 1);
    /// One byte for unnumbered frames; two for information and supervisory frames.
    pub const CONTROL: Layout = Layout::bytes(F::LlcControl, 2, 1);
    pub const CONTROL_LONG: Layout = Layout::bytes(F::LlcControl, 2, 2);
    pub const OUI: Layout = Layout::bytes(F::LlcOui, 3, 3);
    pub const FIELDS: &[Layout] = &[DSAP, SSAP];
    pub const OTHERS: &[Layout] = &[CONTROL, OUI];
}

/// Spanning tree BPDU (IEEE 802.1D/802.1w). A topology change notification is only the
/// first 4 bytes; a configuration BPDU 35, a rapid one 36.
pub mod stp {
    use super::*;
    pub const LEN: usize = 4;
    pub const CONFIG_LEN: usize = 35;
    pub const PROTOCOL: Layout = Layout::bytes(F::StpProtocol, 0, 2);
    pub const VERSION: Layout = Layout::bytes(F::StpVersion, 2, 1);
    pub const TYPE: Layout = Layout::bytes(F::StpType, 3, 1);
    pub const FLAGS: Layout = Layout::bytes(F::StpFlags, 4, 1);
    pub const FLAG_TCACK: Layout = Layout::bits(F::StpFlagsTcack, 4, 1, 0x80);
    pub const FLAG_TC: Layout = Layout::bits(F::StpFlagsTc, 4, 1, 0x01);
    pub const ROOT_PRIO: Layout = Layout::bits(F::StpRootPrio, 5, 2, 0xf000);
    pub const ROOT_EXT: Layout = Layout::bits(F::StpRootExt, 5, 2, 0x0fff);
    pub const ROOT_HW: Layout = Layout::bytes(F::StpRootHw, 7, 6).at_depth(2);
    pub const ROOT_COST: Layout = Layout::bytes(F::StpRootCost, 13, 4);
    pub const BRIDGE_PRIO: Layout = Layout::bits(F::StpBridgePrio, 17, 2, 0xf000);
    pub const BRIDGE_EXT: Layout = Layout::bits(F::StpBridgeExt, 17, 2, 0x0fff);
    pub const BRIDGE_HW: Layout = Layout::bytes(F::StpBridgeHw, 19, 6).at_depth(2);
    pub const PORT: Layout = Layout::bytes(F::StpPort, 25, 2);
    pub const MSG_AGE: Layout = Layout::bytes(F::StpMsgAge, 27, 2);
    pub const MAX_AGE: Layout = Layout::bytes(F::StpMaxAge, 29, 2);
    pub const HELLO: Layout = Layout::bytes(F::StpHello, 31, 2);
    pub const FORWARD: Layout = Layout::bytes(F::StpForward, 33, 2);
    pub const VERSION_1_LENGTH: Layout = Layout::bytes(F::StpVersion1Length, 35, 1);
    pub const FIELDS: &[Layout] = &[PROTOCOL, VERSION, TYPE];
    /// A configuration or rapid BPDU's fields. The priorities (the top 4 bits of the
    /// identifier, not shifted) and the times (in 1/256 s) are computed from their bytes.
    pub const OTHERS: &[Layout] = &[
        FLAGS,
        FLAG_TCACK,
        FLAG_TC,
        ROOT_EXT,
        ROOT_HW,
        ROOT_COST,
        BRIDGE_EXT,
        BRIDGE_HW,
        PORT,
        VERSION_1_LENGTH,
    ];
}

/// GRE (RFC 2784/2890): flags and version, protocol type, then the optional checksum (with
/// 2 reserved bytes), key and sequence number, each present when its flag bit says so.
pub mod gre {
    use super::*;
    pub const LEN: usize = 4;
    pub const FLAGS_AND_VERSION: Layout = Layout::bytes(F::GreFlagsAndVersion, 0, 2);
    pub const FLAG_CHECKSUM: Layout = Layout::bits(F::GreFlagsChecksum, 0, 2, 0x8000);
    pub const FLAG_ROUTING: Layout = Layout::bits(F::GreFlagsRouting, 0, 2, 0x4000);
    pub const FLAG_KEY: Layout = Layout::bits(F::GreFlagsKey, 0, 2, 0x2000);
    pub const FLAG_SEQUENCE: Layout = Layout::bits(F::GreFlagsSequenceNumber, 0, 2, 0x1000);
    pub const VERSION: Layout = Layout::bits(F::GreFlagsVersion, 0, 2, 0x0007);
    pub const PROTO: Layout = Layout::bytes(F::GreProto, 2, 2);
    pub const FIELDS: &[Layout] = &[
        FLAGS_AND_VERSION,
        FLAG_CHECKSUM,
        FLAG_ROUTING,
        FLAG_KEY,
        FLAG_SEQUENCE,
        VERSION,
        PROTO,
    ];
    pub const OTHERS: &[Layout] = &[];
}

/// VXLAN (RFC 7348): flags (2), group policy id (2), VNI (3), reserved (1).
pub mod vxlan {
    use super::*;
    pub const LEN: usize = 8;
    pub const FLAGS: Layout = Layout::bytes(F::VxlanFlags, 0, 2);
    pub const GBP: Layout = Layout::bytes(F::VxlanGbp, 2, 2);
    pub const VNI: Layout = Layout::bytes(F::VxlanVni, 4, 3);
    pub const FIELDS: &[Layout] = &[FLAGS, GBP, VNI];
    pub const OTHERS: &[Layout] = &[];
}

/// Geneve (RFC 8926): version (2 bits) and options length (6 bits, 4-byte words), flags,
/// protocol type, VNI (3), reserved; then the options.
pub mod geneve {
    use super::*;
    pub const LEN: usize = 8;
    pub const VERSION: Layout = Layout::bits(F::GeneveVersion, 0, 1, 0xc0).at_depth(1);
    pub const OPTIONS_LEN: Layout = Layout::bits(F::GeneveOptionLength, 0, 1, 0x3f)
        .at_depth(1)
        .times(4);
    pub const FLAGS: Layout = Layout::bytes(F::GeneveFlags, 1, 1);
    pub const PROTO_TYPE: Layout = Layout::bytes(F::GeneveProtoType, 2, 2);
    pub const VNI: Layout = Layout::bytes(F::GeneveVni, 4, 3);
    /// The options length is not declared: each option repeats its name
    /// (`geneve.option.length`) at its own place.
    pub const FIELDS: &[Layout] = &[VERSION, FLAGS, PROTO_TYPE, VNI];
    pub const OTHERS: &[Layout] = &[];
}

/// One MPLS label stack entry (RFC 3032): label (20 bits), traffic class (3), bottom of
/// stack (1), TTL (8). A stack repeats it, so these are read per entry (`OTHERS`).
pub mod mpls {
    use super::*;
    pub const LEN: usize = 4;
    pub const LABEL: Layout = Layout::bits(F::MplsLabel, 0, 4, 0xffff_f000).at_depth(1);
    pub const EXP: Layout = Layout::bits(F::MplsExp, 0, 4, 0x0000_0e00).at_depth(1);
    pub const BOTTOM: Layout = Layout::bits(F::MplsBottom, 0, 4, 0x0000_0100).at_depth(1);
    pub const TTL: Layout = Layout::bits(F::MplsTtl, 0, 4, 0x0000_00ff).at_depth(1);
    pub const FIELDS: &[Layout] = &[];
    pub const OTHERS: &[Layout] = &[LABEL, EXP, BOTTOM, TTL];
}
