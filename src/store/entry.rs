//! One packet of the UI's index: the fixed-size entry, and how a dissection fills it.

use super::*;

/// What kind of transport analysis an entry carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum Kind {
    #[default]
    Other,
    Tcp,
    Udp,
}

impl Kind {
    /// Packets of a TCP connection or UDP conversation: the ladder can draw their stream.
    pub fn has_ladder(self) -> bool {
        matches!(self, Kind::Tcp | Kind::Udp)
    }
}

/// One packet of the index (56 bytes). Everything the list row, the ladder and the
/// statistics need without touching the packet bytes, and the analysis facts every TCP
/// packet has; the rarer ones are a row of the side tables ([`facts`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Entry {
    /// Offset of the captured bytes in the backing (file or arena).
    pub offset: u64,
    pub ts_ns: i64,
    pub cap_len: u32,
    pub orig_len: u32,
    /// `tcp.stream` / `udp.stream` (meaningful when `kind` is Tcp/Udp).
    pub stream: u32,
    pub seq_rel: u32,
    pub ack_rel: u32,
    /// Scaled window (`tcp.window_size`), saturated to u32.
    pub window: u32,
    /// Row of the [`facts::Extra`] side table, or [`facts::NONE`].
    pub extra: u32,
    pub aflags: AnalysisFlags,
    pub link: u16,
    /// Capture interface (pcapng interface id, saturated).
    pub interface: u16,
    /// Window scale that applied ([`facts::wscale_code`]).
    pub wscale: u8,
    /// TCP connection state after this packet ([`facts::state_code`]).
    pub state: u8,
    /// `tcp.completeness` before this packet.
    pub completeness: u8,
    pub kind: Kind,
    /// Innermost protocol, an index into [`PROTOCOLS`].
    pub proto: u8,
    /// Bit 0: ACK valid; bits 1-2: sender role (0 unknown, 1 client, 2 server) for TCP,
    /// bit 1 = from first sender for UDP; bits 3-4: direction.
    pub bits: u8,
}

impl Entry {
    pub fn ack_valid(&self) -> bool {
        self.bits & 1 != 0
    }

    pub fn role(&self) -> Role {
        match (self.bits >> 1) & 3 {
            1 => Role::Client,
            2 => Role::Server,
            _ => Role::Unknown,
        }
    }

    pub fn direction(&self) -> Direction {
        match (self.bits >> 3) & 3 {
            1 => Direction::Inbound,
            2 => Direction::Outbound,
            _ => Direction::Unknown,
        }
    }

    /// The entry of `d`, and its side-table rows (their links are batch-relative until the
    /// store appends them).
    pub(super) fn from_dissection(
        d: &Dissection<'_>,
        offset: u64,
        link: LinkType,
        batch: &mut facts::FactBatch,
    ) -> Entry {
        let data = d.packet.data;
        let dir = match d.info.direction {
            Direction::Inbound => 1u8,
            Direction::Outbound => 2,
            Direction::Unknown => 0,
        };
        let mut e = Entry {
            offset,
            ts_ns: d.info.ts_ns,
            cap_len: data.len() as u32,
            orig_len: d.packet.orig_len,
            link: u16::try_from(link.0).unwrap_or(u16::MAX),
            interface: u16::try_from(d.info.interface).unwrap_or(u16::MAX),
            extra: facts::NONE,
            bits: dir << 3,
            proto: proto_code(d.packet.top_protocol()),
            ..Entry::default()
        };
        if let Some(t) = &d.tcp {
            e.kind = Kind::Tcp;
            e.stream = t.stream as u32;
            e.seq_rel = t.seq_rel;
            e.ack_rel = t.ack_rel;
            e.window = u32::try_from(t.window_size).unwrap_or(u32::MAX);
            e.aflags = t.flags;
            e.wscale = facts::wscale_code(t.window_scale);
            e.state = facts::state_code(t.state);
            e.completeness = t.completeness;
            let role = match t.role {
                Role::Client => 1u8,
                Role::Server => 2,
                Role::Unknown => 0,
            };
            e.bits |= u8::from(t.ack_valid) | (role << 1);
        } else if let Some(u) = &d.udp {
            e.kind = Kind::Udp;
            e.stream = u.stream as u32;
            e.bits |= u8::from(u.from_first_sender) << 1;
        }
        let usual = e
            .seq_rel
            .wrapping_add(d.packet.tcp_len.unwrap_or(0))
            .wrapping_add(phantom(&d.packet));
        // The application facts are kept only where a packet re-decoded alone would say
        // something else (links, reassembled PDUs, segment tags, session state).
        let alone = crate::dissect::app::AppFacts::standalone(
            &d.packet,
            d.info.number,
            d.tcp.as_ref(),
            d.udp.as_ref(),
            d.reassembled.as_ref(),
        );
        let app = (alone != d.app).then_some(&d.app);
        let split = facts::split(
            d.tcp.as_ref(),
            d.reassembled.as_ref(),
            app,
            usual,
            d.info.delta_ns,
        );
        if let Some(mut extra) = split.extra {
            if let Some(heavy) = split.heavy {
                extra.heavy = batch.heavy.len() as u32;
                batch.heavy.push(heavy);
            }
            e.extra = batch.extras.len() as u32;
            batch.extras.push(extra);
        }
        e
    }

    /// Every TCP fact of this packet, as the pipeline computed it.
    pub(super) fn tcp_facts(
        &self,
        table: &facts::FactTable,
        packet: &decode::Packet<'_>,
        number: u64,
        frame_delta_ns: i64,
    ) -> TcpFacts {
        let extra = table.extra(self.extra).copied().unwrap_or_default();
        let reasons = table
            .heavy(extra.heavy)
            .map(|h| h.reasons.clone())
            .unwrap_or_default();
        let usual = self
            .seq_rel
            .wrapping_add(packet.tcp_len.unwrap_or(0))
            .wrapping_add(phantom(packet));
        TcpFacts {
            stream: u64::from(self.stream),
            seq_rel: self.seq_rel,
            ack_rel: self.ack_rel,
            ack_valid: self.ack_valid(),
            nxtseq_rel: if extra.nxtseq == facts::NONE {
                usual
            } else {
                extra.nxtseq
            },
            window_size: u64::from(self.window),
            window_scale: facts::wscale_of(self.wscale),
            flags: self.aflags,
            dup_ack_num: extra.dup_ack_num,
            dup_ack_frame: extra.dup_ack_frame,
            acks_frame: (extra.acks_frame != 0).then_some(extra.acks_frame),
            ack_rtt_ns: (extra.ack_rtt_ns != i64::MIN).then_some(extra.ack_rtt_ns),
            rto_frame: (extra.rto_frame != 0).then_some(extra.rto_frame),
            reasons,
            role: self.role(),
            state: facts::state_of(self.state),
            handshake: facts::handshake_at(&table.handshake(self.stream), number),
            completeness: self.completeness,
            stream_rel_ns: table
                .stream_start(self.stream)
                .map_or(0, |start| self.ts_ns.wrapping_sub(start)),
            stream_delta_ns: if extra.stream_delta_ns == i64::MIN {
                frame_delta_ns
            } else {
                extra.stream_delta_ns
            },
        }
    }
}

/// The sequence number a SYN or FIN uses up, as the analysis counts it (one for either).
fn phantom(packet: &decode::Packet<'_>) -> u32 {
    packet.tcp().map_or(0, |t| u32::from(t.syn() || t.fin()))
}

/// Protocol column names, indexed by [`Entry::proto`].
pub const PROTOCOLS: [&str; 12] = [
    "Frame", "Null", "SLL", "Ethernet", "VLAN", "ARP", "IPv4", "IPv6", "TCP", "UDP", "ICMP",
    "ICMPv6",
];

fn proto_code(name: &str) -> u8 {
    match name {
        "null" => 1,
        "sll" => 2,
        "eth" => 3,
        "vlan" => 4,
        "arp" => 5,
        "ip" => 6,
        "ipv6" => 7,
        "tcp" => 8,
        "udp" => 9,
        "icmp" => 10,
        "icmpv6" => 11,
        _ => 0,
    }
}

impl Entry {
    /// The Protocol column text.
    pub fn protocol(&self) -> &'static str {
        PROTOCOLS
            .get(usize::from(self.proto))
            .copied()
            .unwrap_or("Frame")
    }
}
