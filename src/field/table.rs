//! The field table itself. One line per field: enum variant, Wireshark name, title, display.
//! The enum and the `FIELDS` array are generated from the same list, so they cannot drift.

use super::{Display, Display::*, FieldDef};

macro_rules! field_table {
    ($($id:ident = $name:literal, $title:literal, $display:expr;)*) => {
        /// Identifies a field; index into [`FIELDS`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u16)]
        pub enum FieldId { $($id),* }

        /// How many fields the table has.
        pub const FIELD_COUNT: usize = [$(FieldId::$id),*].len();

        /// The rows as a fixed-size array (so a constant index into it cannot fail).
        pub(super) static FIELD_DEFS: [FieldDef; FIELD_COUNT] = [
            $(FieldDef { id: FieldId::$id, name: $name, title: $title, display: $display }),*
        ];

        /// Every field sockeye knows, in `FieldId` order.
        pub static FIELDS: &[FieldDef] = &FIELD_DEFS;
    };
}

const H2: Display = Hex(2);
const H4: Display = Hex(4);
const H8: Display = Hex(8);

field_table! {
    // Frame metadata.
    Frame = "frame", "Frame", Protocol;
    FrameInterfaceId = "frame.interface_id", "Interface id", Dec;
    // Which source of a merged capture the frame came from (the interface's IDB name).
    FrameInterfaceName = "frame.interface_name", "Interface name", Text;
    FrameEncapType = "frame.encap_type", "Encapsulation type", Dec;
    FrameTimeEpoch = "frame.time_epoch", "Epoch Time", Epoch;
    FrameTimeDelta = "frame.time_delta", "Time delta from previous captured frame", Seconds;
    FrameTimeRelative = "frame.time_relative", "Time since first frame", Seconds;
    FrameNumber = "frame.number", "Frame Number", Dec;
    FrameLen = "frame.len", "Frame Length", Dec;
    FrameCapLen = "frame.cap_len", "Capture Length", Dec;
    FrameProtocols = "frame.protocols", "Protocols in frame", Text;
    FrameDirection = "frame.p2p_dir", "Direction (0 = sent, 1 = received)", Dec;
    // The analyst's marks (UI state, not the pipeline's: the UI's filter supplies them).
    FrameMarked = "frame.marked", "Frame is marked", Bool;
    FrameIgnored = "frame.ignored", "Frame is ignored", Bool;
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

    // ---- 802.3 length, LLC/SNAP and the bridge protocols (STP, LLDP, CDP), then tunnels
    // (GRE, VXLAN, Geneve, MPLS); parsers in src/decode/llc.rs and src/decode/tunnel.rs. ----
    EthLen = "eth.len", "Length", Dec;
    Llc = "llc", "Logical-Link Control", Protocol;
    LlcDsap = "llc.dsap", "DSAP", H2;
    LlcSsap = "llc.ssap", "SSAP", H2;
    LlcControl = "llc.control", "Control field", H4;
    LlcOui = "llc.oui", "Organization Code", Dec;
    LlcPid = "llc.pid", "PID", H4;
    LlcCiscoPid = "llc.cisco_pid", "PID", H4;
    LlcType = "llc.type", "Type", H4;
    Stp = "stp", "Spanning Tree Protocol", Protocol;
    StpProtocol = "stp.protocol", "Protocol Identifier", H4;
    StpVersion = "stp.version", "Protocol Version Identifier", Dec;
    StpType = "stp.type", "BPDU Type", H2;
    StpFlags = "stp.flags", "BPDU flags", H2;
    StpFlagsTcack = "stp.flags.tcack", "Topology Change Acknowledgment", Bool;
    StpFlagsTc = "stp.flags.tc", "Topology Change", Bool;
    StpRootPrio = "stp.root.prio", "Root Bridge Priority", Dec;
    StpRootExt = "stp.root.ext", "Root Bridge System ID Extension", Dec;
    StpRootHw = "stp.root.hw", "Root Bridge System ID", Mac;
    StpRootCost = "stp.root.cost", "Root Path Cost", Dec;
    StpBridgePrio = "stp.bridge.prio", "Bridge Priority", Dec;
    StpBridgeExt = "stp.bridge.ext", "Bridge System ID Extension", Dec;
    StpBridgeHw = "stp.bridge.hw", "Bridge System ID", Mac;
    StpPort = "stp.port", "Port identifier", H4;
    StpMsgAge = "stp.msg_age", "Message Age", Dec;
    StpMaxAge = "stp.max_age", "Max Age", Dec;
    StpHello = "stp.hello", "Hello Time", Dec;
    StpForward = "stp.forward", "Forward Delay", Dec;
    StpVersion1Length = "stp.version_1_length", "Version 1 Length", Dec;
    Lldp = "lldp", "Link Layer Discovery Protocol", Protocol;
    LldpTlvType = "lldp.tlv.type", "TLV Type", Dec;
    LldpTlvLen = "lldp.tlv.len", "TLV Length", Dec;
    LldpChassisSubtype = "lldp.chassis.subtype", "Chassis Id Subtype", Dec;
    LldpChassisIdMac = "lldp.chassis.id.mac", "Chassis Id", Mac;
    LldpChassisId = "lldp.chassis.id", "Chassis Id", Text;
    LldpPortSubtype = "lldp.port.subtype", "Port Id Subtype", Dec;
    LldpPortIdMac = "lldp.port.id.mac", "Port Id", Mac;
    LldpPortId = "lldp.port.id", "Port Id", Text;
    LldpTimeToLive = "lldp.time_to_live", "Seconds", Dec;
    LldpPortDesc = "lldp.port.desc", "Port Description", Text;
    LldpSystemName = "lldp.tlv.system.name", "System Name", Text;
    LldpSystemDesc = "lldp.tlv.system.desc", "System Description", Text;
    Cdp = "cdp", "Cisco Discovery Protocol", Protocol;
    CdpVersion = "cdp.version", "Version", Dec;
    CdpTtl = "cdp.ttl", "TTL", Dec;
    CdpChecksum = "cdp.checksum", "Checksum", H4;
    CdpChecksumStatus = "cdp.checksum.status", "Checksum Status", Dec;
    CdpTlvType = "cdp.tlv.type", "Type", H4;
    CdpTlvLen = "cdp.tlv.len", "Length", Dec;
    CdpDeviceid = "cdp.deviceid", "Device ID", Text;
    CdpPortid = "cdp.portid", "Sent through Interface", Text;
    CdpSoftwareVersion = "cdp.software_version", "Software version", Text;
    CdpPlatform = "cdp.platform", "Platform", Text;
    Gre = "gre", "Generic Routing Encapsulation", Protocol;
    GreFlagsAndVersion = "gre.flags_and_version", "Flags and Version", H4;
    GreFlagsChecksum = "gre.flags.checksum", "Checksum Bit", Bool;
    GreFlagsRouting = "gre.flags.routing", "Routing Bit", Bool;
    GreFlagsKey = "gre.flags.key", "Key Bit", Bool;
    GreFlagsSequenceNumber = "gre.flags.sequence_number", "Sequence Number Bit", Bool;
    GreFlagsVersion = "gre.flags.version", "Version", Dec;
    GreProto = "gre.proto", "Protocol Type", H4;
    GreChecksum = "gre.checksum", "Checksum", H4;
    GreKey = "gre.key", "Key", H8;
    GreSequenceNumber = "gre.sequence_number", "Sequence Number", Dec;
    Vxlan = "vxlan", "Virtual eXtensible Local Area Network", Protocol;
    VxlanFlags = "vxlan.flags", "Flags", H4;
    VxlanGbp = "vxlan.gbp", "Group Policy ID", Dec;
    VxlanVni = "vxlan.vni", "VXLAN Network Identifier (VNI)", Dec;
    Geneve = "geneve", "Generic Network Virtualization Encapsulation", Protocol;
    GeneveVersion = "geneve.version", "Version", Dec;
    GeneveOptionLength = "geneve.option.length", "Length", Dec;
    GeneveFlags = "geneve.flags", "Flags", H2;
    GeneveProtoType = "geneve.proto_type", "Protocol Type", H4;
    GeneveVni = "geneve.vni", "Virtual Network Identifier (VNI)", Hex(6);
    GeneveOptions = "geneve.options", "Options", Bytes;
    GeneveOptionClass = "geneve.option.class", "Class", H4;
    GeneveOptionType = "geneve.option.type", "Type", H2;
    Mpls = "mpls", "MultiProtocol Label Switching Header", Protocol;
    MplsLabel = "mpls.label", "MPLS Label", Dec;
    MplsExp = "mpls.exp", "MPLS Experimental Bits", Dec;
    MplsBottom = "mpls.bottom", "MPLS Bottom Of Label Stack", Dec;
    MplsTtl = "mpls.ttl", "MPLS TTL", Dec;

    // ---- Packet-list columns and application protocols (computed by the pipeline's
    // application stage, src/dissect/app.rs; parsers in src/decode/app/). ----
    WsColProtocol = "_ws.col.Protocol", "Protocol", Text;
    WsColInfo = "_ws.col.Info", "Info", Text;
    TcpReassembledIn = "tcp.reassembled_in", "Reassembled PDU in frame", Dec;
    TcpReassembledLength = "tcp.reassembled.length", "Reassembled TCP length", Dec;
    TcpSegmentData = "tcp.segment_data", "TCP segment data", Bytes;
    IcmpRespIn = "icmp.resp_in", "Response frame", Dec;
    IcmpRespTo = "icmp.resp_to", "Request frame", Dec;
    Icmpv6RespIn = "icmpv6.resp_in", "Response In", Dec;
    Icmpv6RespTo = "icmpv6.resp_to", "Response To", Dec;
    // DNS (also mDNS and LLMNR, which share its fields).
    Dns = "dns", "Domain Name System", Protocol;
    Mdns = "mdns", "Multicast Domain Name System", Protocol;
    Llmnr = "llmnr", "Link-local Multicast Name Resolution", Protocol;
    DnsLength = "dns.length", "Length", Dec;
    DnsId = "dns.id", "Transaction ID", H4;
    DnsFlags = "dns.flags", "Flags", H4;
    DnsFlagsResponse = "dns.flags.response", "Response", Bool;
    DnsFlagsOpcode = "dns.flags.opcode", "Opcode", Dec;
    DnsFlagsAuthoritative = "dns.flags.authoritative", "Authoritative", Bool;
    DnsFlagsTruncated = "dns.flags.truncated", "Truncated", Bool;
    DnsFlagsRecdesired = "dns.flags.recdesired", "Recursion desired", Bool;
    DnsFlagsRecavail = "dns.flags.recavail", "Recursion available", Bool;
    DnsFlagsRcode = "dns.flags.rcode", "Reply code", Dec;
    DnsCountQueries = "dns.count.queries", "Questions", Dec;
    DnsCountAnswers = "dns.count.answers", "Answer RRs", Dec;
    DnsCountAuthRr = "dns.count.auth_rr", "Authority RRs", Dec;
    DnsCountAddRr = "dns.count.add_rr", "Additional RRs", Dec;
    DnsQryName = "dns.qry.name", "Name", Text;
    DnsQryType = "dns.qry.type", "Type", Dec;
    DnsQryClass = "dns.qry.class", "Class", H4;
    DnsRespName = "dns.resp.name", "Name", Text;
    DnsRespType = "dns.resp.type", "Type", Dec;
    DnsRespClass = "dns.resp.class", "Class", H4;
    DnsRespTtl = "dns.resp.ttl", "Time to live", Dec;
    DnsRespLen = "dns.resp.len", "Data length", Dec;
    DnsA = "dns.a", "Address", Ipv4;
    DnsAaaa = "dns.aaaa", "AAAA Address", Ipv6;
    DnsCname = "dns.cname", "CNAME", Text;
    DnsPtrDomainName = "dns.ptr.domain_name", "Domain Name", Text;
    DnsNs = "dns.ns", "Name Server", Text;
    DnsMxPreference = "dns.mx.preference", "Preference", Dec;
    DnsMxMailExchange = "dns.mx.mail_exchange", "Mail Exchange", Text;
    DnsSoaMname = "dns.soa.mname", "Primary name server", Text;
    DnsSoaRname = "dns.soa.rname", "Responsible authority's mailbox", Text;
    DnsTxt = "dns.txt", "TXT", Text;
    DnsResponseIn = "dns.response_in", "Response In", Dec;
    DnsResponseTo = "dns.response_to", "Request In", Dec;
    DnsTime = "dns.time", "Time", Seconds;
    // HTTP/1.x.
    Http = "http", "Hypertext Transfer Protocol", Protocol;
    HttpRequest = "http.request", "Request", Bool;
    HttpResponse = "http.response", "Response", Bool;
    HttpRequestMethod = "http.request.method", "Request Method", Text;
    HttpRequestUri = "http.request.uri", "Request URI", Text;
    HttpRequestVersion = "http.request.version", "Request Version", Text;
    HttpResponseVersion = "http.response.version", "Response Version", Text;
    HttpResponseCode = "http.response.code", "Status Code", Dec;
    HttpResponsePhrase = "http.response.phrase", "Response Phrase", Text;
    HttpHost = "http.host", "Host", Text;
    HttpUserAgent = "http.user_agent", "User-Agent", Text;
    HttpContentType = "http.content_type", "Content-Type", Text;
    HttpContentLength = "http.content_length", "Content length", Dec;
    HttpServer = "http.server", "Server", Text;
    HttpCookie = "http.cookie", "Cookie", Text;
    HttpReferer = "http.referer", "Referer", Text;
    HttpLocation = "http.location", "Location", Text;
    HttpAuthorization = "http.authorization", "Authorization", Text;
    HttpFileData = "http.file_data", "File Data", Bytes;
    HttpResponseIn = "http.response_in", "Response in frame", Dec;
    HttpRequestIn = "http.request_in", "Request in frame", Dec;
    UrlencodedForm = "urlencoded-form", "HTML Form URL Encoded", Protocol;
    UrlencodedFormKey = "urlencoded-form.key", "Key", Text;
    UrlencodedFormValue = "urlencoded-form.value", "Value", Text;
    // TLS: the record layer and the handshake messages in clear.
    Tls = "tls", "Transport Layer Security", Protocol;
    TlsRecord = "tls.record", "TLS Record Layer", Protocol;
    TlsRecordContentType = "tls.record.content_type", "Content Type", Dec;
    TlsRecordVersion = "tls.record.version", "Version", H4;
    TlsRecordLength = "tls.record.length", "Length", Dec;
    TlsHandshake = "tls.handshake", "Handshake Protocol", Protocol;
    TlsHandshakeType = "tls.handshake.type", "Handshake Type", Dec;
    TlsHandshakeLength = "tls.handshake.length", "Length", Dec;
    TlsHandshakeVersion = "tls.handshake.version", "Version", H4;
    TlsHandshakeCiphersuite = "tls.handshake.ciphersuite", "Cipher Suite", H4;
    TlsHandshakeExtensionsServerName = "tls.handshake.extensions_server_name", "Server Name", Text;
    TlsHandshakeExtensionsAlpnStr = "tls.handshake.extensions_alpn_str", "ALPN Next Protocol", Text;
    TlsAppData = "tls.app_data", "Encrypted Application Data", Bytes;
    // DHCP/BOOTP and DHCPv6.
    Dhcp = "dhcp", "Dynamic Host Configuration Protocol", Protocol;
    DhcpType = "dhcp.type", "Message type", Dec;
    DhcpHwType = "dhcp.hw.type", "Hardware type", H2;
    DhcpHwLen = "dhcp.hw.len", "Hardware address length", Dec;
    DhcpHops = "dhcp.hops", "Hops", Dec;
    DhcpId = "dhcp.id", "Transaction ID", H8;
    DhcpSecs = "dhcp.secs", "Seconds elapsed", Dec;
    DhcpFlagsBc = "dhcp.flags.bc", "Broadcast flag", Bool;
    DhcpIpClient = "dhcp.ip.client", "Client IP address", Ipv4;
    DhcpIpYour = "dhcp.ip.your", "Your (client) IP address", Ipv4;
    DhcpIpServer = "dhcp.ip.server", "Next server IP address", Ipv4;
    DhcpIpRelay = "dhcp.ip.relay", "Relay agent IP address", Ipv4;
    DhcpHwMacAddr = "dhcp.hw.mac_addr", "Client MAC address", Mac;
    DhcpServer = "dhcp.server", "Server host name", Text;
    DhcpFile = "dhcp.file", "Boot file name", Text;
    DhcpCookie = "dhcp.cookie", "Magic cookie", Ipv4;
    DhcpOption = "dhcp.option.type", "Option", Dec;
    DhcpOptionDhcp = "dhcp.option.dhcp", "DHCP", Dec;
    DhcpOptionRequestedIpAddress = "dhcp.option.requested_ip_address", "Requested IP Address", Ipv4;
    DhcpOptionHostname = "dhcp.option.hostname", "Host Name", Text;
    DhcpOptionDhcpServerId = "dhcp.option.dhcp_server_id", "DHCP Server Identifier", Ipv4;
    DhcpOptionIpAddressLeaseTime = "dhcp.option.ip_address_lease_time", "IP Address Lease Time", Dec;
    DhcpOptionSubnetMask = "dhcp.option.subnet_mask", "Subnet Mask", Ipv4;
    DhcpOptionRouter = "dhcp.option.router", "Router", Ipv4;
    DhcpOptionDomainNameServer = "dhcp.option.domain_name_server", "Domain Name Server", Ipv4;
    DhcpOptionDomainName = "dhcp.option.domain_name", "Domain Name", Text;
    Dhcpv6 = "dhcpv6", "DHCPv6", Protocol;
    Dhcpv6Msgtype = "dhcpv6.msgtype", "Message type", Dec;
    Dhcpv6Xid = "dhcpv6.xid", "Transaction ID", Hex(6);
    Dhcpv6OptionType = "dhcpv6.option.type", "Option", Dec;
    Dhcpv6OptionLength = "dhcpv6.option.length", "Length", Dec;
    // SMTP and the message it carries (IMF).
    Smtp = "smtp", "Simple Mail Transfer Protocol", Protocol;
    SmtpReq = "smtp.req", "Request", Bool;
    SmtpRsp = "smtp.rsp", "Response", Bool;
    SmtpReqCommand = "smtp.req.command", "Command", Text;
    SmtpReqParameter = "smtp.req.parameter", "Request parameter", Text;
    SmtpResponseCode = "smtp.response.code", "Response code", Dec;
    SmtpRspParameter = "smtp.rsp.parameter", "Response parameter", Text;
    SmtpDataFragment = "smtp.data.fragment", "DATA fragment", Bytes;
    Imf = "imf", "Internet Message Format", Protocol;
    ImfFrom = "imf.from", "From", Text;
    ImfTo = "imf.to", "To", Text;
    ImfSubject = "imf.subject", "Subject", Text;
    ImfDate = "imf.date", "Date", Text;
    ImfMessageId = "imf.message_id", "Message-ID", Text;
    // FTP and the data connections it announces.
    Ftp = "ftp", "File Transfer Protocol (FTP)", Protocol;
    FtpRequest = "ftp.request", "Request", Bool;
    FtpResponse = "ftp.response", "Response", Bool;
    FtpRequestCommand = "ftp.request.command", "Request command", Text;
    FtpRequestArg = "ftp.request.arg", "Request arg", Text;
    FtpResponseCode = "ftp.response.code", "Response code", Dec;
    FtpResponseArg = "ftp.response.arg", "Response arg", Text;
    FtpData = "ftp-data", "FTP Data", Protocol;
    // IMAP.
    Imap = "imap", "Internet Message Access Protocol", Protocol;
    ImapIsrequest = "imap.isrequest", "Request", Bool;
    ImapLine = "imap.line", "Line", Text;
    ImapRequestTag = "imap.request_tag", "Request Tag", Text;
    ImapRequestCommand = "imap.request.command", "Request Command", Text;
    ImapResponseTag = "imap.response_tag", "Response Tag", Text;
    ImapResponseStatus = "imap.response.status", "Response Status", Text;
    // Text bodies (text/*, SMTP DATA): one field per line, as tshark's data-text-lines.
    DataTextLines = "data-text-lines", "Line-based text data", Protocol;
    // Two vantage points in one merged capture (both ends of a link): the arriving copy of
    // a TCP segment names its departure on the other interface and the one-way delay.
    SockeyeVantageDelay = "sockeye.vantage.delay", "One-way delay since the departure", Seconds;
    SockeyeVantageDeparture = "sockeye.vantage.departure", "Departure frame", Dec;
    SockeyeVantageDepartureInterface = "sockeye.vantage.departure_interface", "Departure interface id", Dec;
    // ---- Process attribution (live capture; `sockeye run`): the processes owning a
    // conversation's sockets, and the pcapng packet comment that carries them. ----
    FrameComment = "frame.comment", "Comment", Text;
    SockeyeProcess = "sockeye.process", "Process", Text;
    SockeyeProcessPid = "sockeye.process.pid", "Process ID", Dec;
    SockeyeProcessName = "sockeye.process.name", "Process name", Text;

    // ---- Name resolution (src/names/): what tshark prints with -N; without it they hold
    // the plain addresses, as tshark's do. Emitted with the packet-list columns, not in
    // the details tree (see FieldId::is_name). ----
    WsColSource = "_ws.col.Source", "Source", Text;
    WsColDestination = "_ws.col.Destination", "Destination", Text;
    EthDstResolved = "eth.dst_resolved", "Destination (resolved)", Text;
    EthDstOui = "eth.dst.oui", "Destination OUI", Dec;
    EthDstOuiResolved = "eth.dst.oui_resolved", "Destination OUI (resolved)", Text;
    EthSrcResolved = "eth.src_resolved", "Source (resolved)", Text;
    EthSrcOui = "eth.src.oui", "Source OUI", Dec;
    EthSrcOuiResolved = "eth.src.oui_resolved", "Source OUI (resolved)", Text;
    IpSrcHost = "ip.src_host", "Source Host", Text;
    IpDstHost = "ip.dst_host", "Destination Host", Text;
    Ipv6SrcHost = "ipv6.src_host", "Source Host", Text;
    Ipv6DstHost = "ipv6.dst_host", "Destination Host", Text;
}
