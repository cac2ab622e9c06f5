//! The field table itself. One line per field: enum variant, Wireshark name, title, display.
//! The enum and the `FIELDS` array are generated from the same list, so they cannot drift.

use super::{Display, Display::*, FieldDef};

macro_rules! field_table {
    ($($id:ident = $name:literal, $title:literal, $display:expr;)*) => {
        /// Identifies a field; index into [`FIELDS`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u16)]
        pub enum FieldId { $($id),* }

        /// Every field sockeye knows, in `FieldId` order.
        pub static FIELDS: &[FieldDef] = &[
            $(FieldDef { id: FieldId::$id, name: $name, title: $title, display: $display }),*
        ];
    };
}

const H2: Display = Hex(2);
const H4: Display = Hex(4);
const H8: Display = Hex(8);

field_table! {
    // Frame metadata.
    Frame = "frame", "Frame", Protocol;
    FrameInterfaceId = "frame.interface_id", "Interface id", Dec;
    FrameEncapType = "frame.encap_type", "Encapsulation type", Dec;
    FrameTimeEpoch = "frame.time_epoch", "Epoch Time", Epoch;
    FrameTimeDelta = "frame.time_delta", "Time delta from previous captured frame", Seconds;
    FrameTimeRelative = "frame.time_relative", "Time since first frame", Seconds;
    FrameNumber = "frame.number", "Frame Number", Dec;
    FrameLen = "frame.len", "Frame Length", Dec;
    FrameCapLen = "frame.cap_len", "Capture Length", Dec;
    FrameProtocols = "frame.protocols", "Protocols in frame", Text;
    FrameDirection = "frame.p2p_dir", "Direction (0 = sent, 1 = received)", Dec;
    // Link layers other than Ethernet.
    Null = "null", "Null/Loopback", Protocol;
    NullFamily = "null.family", "Family", Dec;
    Sll = "sll", "Linux cooked capture", Protocol;
    SllPktType = "sll.pkttype", "Packet type", Dec;
    SllHaType = "sll.hatype", "Link-layer address type", Dec;
    SllHaLen = "sll.halen", "Link-layer address length", Dec;
    SllSrcEth = "sll.src.eth", "Source", Mac;
    SllIfIndex = "sll.ifindex", "Interface index", Dec;
    SllEtype = "sll.etype", "Protocol", H4;
    // Ethernet and VLAN.
    Eth = "eth", "Ethernet II", Protocol;
    EthDst = "eth.dst", "Destination", Mac;
    EthSrc = "eth.src", "Source", Mac;
    EthType = "eth.type", "Type", H4;
    EthPadding = "eth.padding", "Padding", Bytes;
    Vlan = "vlan", "802.1Q Virtual LAN", Protocol;
    VlanPriority = "vlan.priority", "Priority", Dec;
    VlanDei = "vlan.dei", "DEI", Bool;
    VlanId = "vlan.id", "ID", Dec;
    VlanEtype = "vlan.etype", "Type", H4;
    // ARP.
    Arp = "arp", "Address Resolution Protocol", Protocol;
    ArpHwType = "arp.hw.type", "Hardware type", Dec;
    ArpProtoType = "arp.proto.type", "Protocol type", H4;
    ArpHwSize = "arp.hw.size", "Hardware size", Dec;
    ArpProtoSize = "arp.proto.size", "Protocol size", Dec;
    ArpOpcode = "arp.opcode", "Opcode", Dec;
    ArpSrcHwMac = "arp.src.hw_mac", "Sender MAC address", Mac;
    ArpSrcProtoIpv4 = "arp.src.proto_ipv4", "Sender IP address", Ipv4;
    ArpDstHwMac = "arp.dst.hw_mac", "Target MAC address", Mac;
    ArpDstProtoIpv4 = "arp.dst.proto_ipv4", "Target IP address", Ipv4;
    // IPv4.
    Ip = "ip", "Internet Protocol Version 4", Protocol;
    IpVersion = "ip.version", "Version", Dec;
    IpHdrLen = "ip.hdr_len", "Header Length", Dec;
    IpDsfield = "ip.dsfield", "Differentiated Services Field", H2;
    IpDsfieldDscp = "ip.dsfield.dscp", "Differentiated Services Codepoint", Dec;
    IpDsfieldEcn = "ip.dsfield.ecn", "Explicit Congestion Notification", Dec;
    IpLen = "ip.len", "Total Length", Dec;
    IpId = "ip.id", "Identification", H4;
    IpFlags = "ip.flags", "Flags", H2;
    IpFlagsRb = "ip.flags.rb", "Reserved bit", Bool;
    IpFlagsDf = "ip.flags.df", "Don't fragment", Bool;
    IpFlagsMf = "ip.flags.mf", "More fragments", Bool;
    IpFragOffset = "ip.frag_offset", "Fragment Offset", Dec;
    IpTtl = "ip.ttl", "Time to Live", Dec;
    IpProto = "ip.proto", "Protocol", Dec;
    IpChecksum = "ip.checksum", "Header Checksum", H4;
    IpChecksumStatus = "ip.checksum.status", "Header checksum status", Dec;
    IpChecksumCalculated = "ip.checksum_calculated", "Calculated Checksum", H4;
    IpSrc = "ip.src", "Source Address", Ipv4;
    IpDst = "ip.dst", "Destination Address", Ipv4;
    IpOptions = "ip.options", "Options", Bytes;
    IpReassembledLength = "ip.reassembled.length", "Reassembled IPv4 length", Dec;
    IpReassembledIn = "ip.reassembled_in", "Reassembled IPv4 in frame", Dec;
    // IPv6.
    Ipv6 = "ipv6", "Internet Protocol Version 6", Protocol;
    Ipv6Version = "ipv6.version", "Version", Dec;
    Ipv6Tclass = "ipv6.tclass", "Traffic Class", H8;
    Ipv6TclassDscp = "ipv6.tclass.dscp", "Differentiated Services Codepoint", Dec;
    Ipv6TclassEcn = "ipv6.tclass.ecn", "Explicit Congestion Notification", Dec;
    Ipv6Flow = "ipv6.flow", "Flow Label", Hex(5);
    Ipv6Plen = "ipv6.plen", "Payload Length", Dec;
    Ipv6Nxt = "ipv6.nxt", "Next Header", Dec;
    Ipv6Hlim = "ipv6.hlim", "Hop Limit", Dec;
    Ipv6Src = "ipv6.src", "Source Address", Ipv6;
    Ipv6Dst = "ipv6.dst", "Destination Address", Ipv6;
    Ipv6Hopopts = "ipv6.hopopts", "Hop-by-Hop Options", Protocol;
    Ipv6Routing = "ipv6.routing", "Routing Header", Protocol;
    Ipv6Dstopts = "ipv6.dstopts", "Destination Options", Protocol;
    Ipv6ExtNxt = "ipv6.opt.nxt", "Next Header", Dec;
    Ipv6ExtLen = "ipv6.opt.len", "Length", Dec;
    Ipv6Fragment = "ipv6.fragment", "Fragment Header", Protocol;
    Ipv6FragmentOffset = "ipv6.fragment.offset", "Offset", Dec;
    Ipv6FragmentMore = "ipv6.fragment.more", "More Fragments", Bool;
    Ipv6FragmentId = "ipv6.fragment.id", "Identification", H8;
    // TCP.
    Tcp = "tcp", "Transmission Control Protocol", Protocol;
    TcpSrcport = "tcp.srcport", "Source Port", Dec;
    TcpDstport = "tcp.dstport", "Destination Port", Dec;
    TcpStream = "tcp.stream", "Stream index", Dec;
    TcpLen = "tcp.len", "TCP Segment Len", Dec;
    TcpSeq = "tcp.seq", "Sequence Number", Dec;
    TcpSeqRaw = "tcp.seq_raw", "Sequence Number (raw)", Dec;
    TcpNxtseq = "tcp.nxtseq", "Next Sequence Number", Dec;
    TcpAck = "tcp.ack", "Acknowledgment Number", Dec;
    TcpAckRaw = "tcp.ack_raw", "Acknowledgment number (raw)", Dec;
    TcpHdrLen = "tcp.hdr_len", "Header Length", Dec;
    TcpFlags = "tcp.flags", "Flags", H4;
    TcpFlagsRes = "tcp.flags.res", "Reserved", Bool;
    TcpFlagsAe = "tcp.flags.ae", "Accurate ECN", Bool;
    TcpFlagsCwr = "tcp.flags.cwr", "Congestion Window Reduced", Bool;
    TcpFlagsEce = "tcp.flags.ece", "ECN-Echo", Bool;
    TcpFlagsUrg = "tcp.flags.urg", "Urgent", Bool;
    TcpFlagsAck = "tcp.flags.ack", "Acknowledgment", Bool;
    TcpFlagsPush = "tcp.flags.push", "Push", Bool;
    TcpFlagsReset = "tcp.flags.reset", "Reset", Bool;
    TcpFlagsSyn = "tcp.flags.syn", "Syn", Bool;
    TcpFlagsFin = "tcp.flags.fin", "Fin", Bool;
    TcpFlagsStr = "tcp.flags.str", "TCP Flags", Text;
    TcpWindowSizeValue = "tcp.window_size_value", "Window", Dec;
    TcpWindowSize = "tcp.window_size", "Calculated window size", Dec;
    TcpWindowSizeScalefactor = "tcp.window_size_scalefactor", "Window size scaling factor", Int;
    TcpChecksum = "tcp.checksum", "Checksum", H4;
    TcpChecksumStatus = "tcp.checksum.status", "Checksum Status", Dec;
    TcpChecksumCalculated = "tcp.checksum_calculated", "Calculated Checksum", H4;
    TcpUrgentPointer = "tcp.urgent_pointer", "Urgent Pointer", Dec;
    TcpOptions = "tcp.options", "Options", Bytes;
    TcpOptionKind = "tcp.option_kind", "Kind", Dec;
    TcpOptionLen = "tcp.option_len", "Length", Dec;
    TcpOptionsMssVal = "tcp.options.mss_val", "MSS Value", Dec;
    TcpOptionsWscaleShift = "tcp.options.wscale.shift", "Shift count", Dec;
    TcpOptionsWscaleMultiplier = "tcp.options.wscale.multiplier", "Multiplier", Dec;
    TcpOptionsSackPerm = "tcp.options.sack_perm", "SACK permitted", Protocol;
    TcpOptionsSackLe = "tcp.options.sack_le", "left edge", Dec;
    TcpOptionsSackRe = "tcp.options.sack_re", "right edge", Dec;
    TcpOptionsTimestampTsval = "tcp.options.timestamp.tsval", "Timestamp value", Dec;
    TcpOptionsTimestampTsecr = "tcp.options.timestamp.tsecr", "Timestamp echo reply", Dec;
    TcpPayload = "tcp.payload", "TCP payload", Bytes;
    TcpAnalysis = "tcp.analysis", "SEQ/ACK analysis", Protocol;
    TcpAnalysisFlags = "tcp.analysis.flags", "TCP Analysis Flags", Protocol;
    TcpAnalysisRetransmission = "tcp.analysis.retransmission", "This frame is a (suspected) retransmission", Protocol;
    TcpAnalysisFastRetransmission = "tcp.analysis.fast_retransmission", "This frame is a (suspected) fast retransmission", Protocol;
    TcpAnalysisSpuriousRetransmission = "tcp.analysis.spurious_retransmission", "This frame is a (suspected) spurious retransmission", Protocol;
    TcpAnalysisOutOfOrder = "tcp.analysis.out_of_order", "This frame is a (suspected) out-of-order segment", Protocol;
    TcpAnalysisLostSegment = "tcp.analysis.lost_segment", "Previous segment(s) not captured (common at capture start)", Protocol;
    TcpAnalysisAckLostSegment = "tcp.analysis.ack_lost_segment", "ACKed segment that wasn't captured (common at capture start)", Protocol;
    TcpAnalysisDuplicateAck = "tcp.analysis.duplicate_ack", "Duplicate ACK", Protocol;
    TcpAnalysisZeroWindowProbeAck = "tcp.analysis.zero_window_probe_ack", "ACK to a TCP zero-window-probe", Protocol;
    TcpAnalysisReusedPorts = "tcp.analysis.reused_ports", "A new tcp session is started with the same ports as an earlier session in this trace", Protocol;
    TcpAnalysisDuplicateAckNum = "tcp.analysis.duplicate_ack_num", "Duplicate ACK #", Dec;
    TcpAnalysisDuplicateAckFrame = "tcp.analysis.duplicate_ack_frame", "Duplicate to the ACK in frame", Dec;
    TcpAnalysisZeroWindow = "tcp.analysis.zero_window", "This is a zero-window", Protocol;
    TcpAnalysisZeroWindowProbe = "tcp.analysis.zero_window_probe", "This is a TCP zero-window-probe", Protocol;
    TcpAnalysisKeepAlive = "tcp.analysis.keep_alive", "This is a TCP keep-alive segment", Protocol;
    TcpAnalysisKeepAliveAck = "tcp.analysis.keep_alive_ack", "ACK to a TCP keep-alive segment", Protocol;
    TcpAnalysisWindowUpdate = "tcp.analysis.window_update", "This is a TCP window update", Protocol;
    TcpAnalysisWindowFull = "tcp.analysis.window_full", "The transmission window is now completely full", Protocol;
    TcpAnalysisAcksFrame = "tcp.analysis.acks_frame", "This is an ACK to the segment in frame", Dec;
    TcpAnalysisAckRtt = "tcp.analysis.ack_rtt", "The RTT to ACK the segment was", Seconds;
    TcpAnalysisInitialRtt = "tcp.analysis.initial_rtt", "iRTT", Seconds;
    TcpAnalysisReason = "tcp.analysis.reason", "Why sockeye set the analysis flags", Text;
    // UDP.
    Udp = "udp", "User Datagram Protocol", Protocol;
    UdpSrcport = "udp.srcport", "Source Port", Dec;
    UdpDstport = "udp.dstport", "Destination Port", Dec;
    UdpLength = "udp.length", "Length", Dec;
    UdpChecksum = "udp.checksum", "Checksum", H4;
    UdpChecksumStatus = "udp.checksum.status", "Checksum Status", Dec;
    UdpChecksumCalculated = "udp.checksum_calculated", "Calculated Checksum", H4;
    UdpStream = "udp.stream", "Stream index", Dec;
    UdpPayload = "udp.payload", "UDP payload", Bytes;
    // ICMP.
    Icmp = "icmp", "Internet Control Message Protocol", Protocol;
    IcmpType = "icmp.type", "Type", Dec;
    IcmpCode = "icmp.code", "Code", Dec;
    IcmpChecksum = "icmp.checksum", "Checksum", H4;
    IcmpChecksumStatus = "icmp.checksum.status", "Checksum Status", Dec;
    IcmpIdent = "icmp.ident", "Identifier (BE)", Dec;
    IcmpSeq = "icmp.seq", "Sequence Number (BE)", Dec;
    Icmpv6 = "icmpv6", "Internet Control Message Protocol v6", Protocol;
    Icmpv6Type = "icmpv6.type", "Type", Dec;
    Icmpv6Code = "icmpv6.code", "Code", Dec;
    Icmpv6Checksum = "icmpv6.checksum", "Checksum", H4;
    Icmpv6ChecksumStatus = "icmpv6.checksum.status", "Checksum Status", Dec;
    Icmpv6EchoIdentifier = "icmpv6.echo.identifier", "Identifier", H4;
    Icmpv6EchoSequenceNumber = "icmpv6.echo.sequence_number", "Sequence", Dec;
    Icmpv6NdTargetAddress = "icmpv6.nd.ns.target_address", "Target Address", Ipv6;
    // Undissected payload and decode problems.
    Data = "data", "Data", Protocol;
    DataData = "data.data", "Data", Bytes;
    DataLen = "data.len", "Length", Dec;
    WsExpertMessage = "_ws.expert.message", "Expert Info", Text;
    WsMalformed = "_ws.malformed", "Malformed Packet", Text;
    WsUndecoded = "_ws.undecoded", "Not decoded", Text;
    // Fields the details tree shows that the layers above do not emit everywhere.
    TcpCompleteness = "tcp.completeness", "Conversation completeness", Dec;
    TcpTimeRelative = "tcp.time_relative", "Time since first frame in this TCP stream", Seconds;
    TcpTimeDelta = "tcp.time_delta", "Time since previous frame in this TCP stream", Seconds;
    TcpConnectionFinActive = "tcp.connection.fin_active", "This frame initiates the connection closing", Protocol;
    TcpConnectionFinPassive = "tcp.connection.fin_passive", "This frame undergoes the connection closing", Protocol;
}
