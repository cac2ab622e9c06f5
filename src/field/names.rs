//! Named values, as Wireshark's value_string tables spell them: `Type: IPv4 (0x0800)`,
//! `Protocol: TCP (6)`, `Type: 8 (Echo (ping) request)`. One place for every such table, so
//! the details tree, the summaries and the teaching views name a number the same way.
//! Only the values tshark 4.0 prints for the protocols sockeye decodes; anything else is
//! `None` and the caller prints the number alone (as tshark does for unknown values).

/// `eth.type` / `sll.etype` / `vlan.etype` / `arp.proto.type`.
pub fn ether_type(value: u64) -> Option<&'static str> {
    Some(match value {
        0x0800 => "IPv4",
        0x0806 => "ARP",
        0x8100 => "802.1Q Virtual LAN",
        0x86dd => "IPv6",
        0x8035 => "RARP",
        0x88a8 => "802.1ad Provider Bridge (Q-in-Q)",
        0x8847 => "MPLS label switched packet",
        0x8863 => "PPPoE Discovery",
        0x8864 => "PPPoE Session",
        0x888e => "802.1X Authentication",
        0x88cc => "802.1 Link Layer Discovery Protocol (LLDP)",
        _ => return None,
    })
}

/// `ip.proto` / `ipv6.nxt`.
pub fn ip_proto(value: u64) -> Option<&'static str> {
    Some(match value {
        0 => "IPv6 Hop-by-Hop Option",
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPIP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        43 => "Routing Header for IPv6",
        44 => "Fragment Header for IPv6",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        59 => "IPv6 No Next Header",
        60 => "Destination Options for IPv6",
        89 => "OSPF IGP",
        103 => "PIM",
        112 => "VRRP",
        132 => "SCTP",
        _ => return None,
    })
}

/// `frame.encap_type` (Wireshark's WTAP_ENCAP names, keyed by the capture's link type).
pub fn encapsulation(link_type: u64) -> Option<(&'static str, u64)> {
    // tshark prints Wireshark's internal encapsulation number, not the pcap link type.
    Some(match link_type {
        0 => ("NULL/Loopback", 15),
        1 => ("Ethernet", 1),
        101 => ("Raw IP", 7),
        105 => ("IEEE 802.11 Wireless LAN", 20),
        113 => ("Linux cooked-mode capture v1", 25),
        228 => ("Raw IPv4", 129),
        229 => ("Raw IPv6", 130),
        276 => ("Linux cooked-mode capture v2", 210),
        _ => return None,
    })
}

/// `arp.hw.type`.
pub fn arp_hw_type(value: u64) -> Option<&'static str> {
    Some(match value {
        1 => "Ethernet",
        6 => "IEEE 802 Networks",
        _ => return None,
    })
}

/// `arp.opcode`.
pub fn arp_opcode(value: u64) -> Option<&'static str> {
    Some(match value {
        1 => "request",
        2 => "reply",
        3 => "reverse request",
        4 => "reverse reply",
        _ => return None,
    })
}

/// `ip.dsfield.dscp` (the long name in the field line).
pub fn dscp(value: u64) -> Option<&'static str> {
    Some(match value {
        0 => "Default",
        8 => "Class Selector 1",
        10 => "Assured Forwarding 11",
        12 => "Assured Forwarding 12",
        14 => "Assured Forwarding 13",
        16 => "Class Selector 2",
        18 => "Assured Forwarding 21",
        20 => "Assured Forwarding 22",
        22 => "Assured Forwarding 23",
        24 => "Class Selector 3",
        26 => "Assured Forwarding 31",
        28 => "Assured Forwarding 32",
        30 => "Assured Forwarding 33",
        32 => "Class Selector 4",
        34 => "Assured Forwarding 41",
        36 => "Assured Forwarding 42",
        38 => "Assured Forwarding 43",
        40 => "Class Selector 5",
        44 => "Voice Admit",
        46 => "Expedited Forwarding",
        48 => "Class Selector 6",
        56 => "Class Selector 7",
        _ => return None,
    })
}

/// `ip.dsfield.dscp` (the short name in the DS field's summary).
pub fn dscp_short(value: u64) -> Option<&'static str> {
    Some(match value {
        0 => "CS0",
        8 => "CS1",
        10 => "AF11",
        12 => "AF12",
        14 => "AF13",
        16 => "CS2",
        18 => "AF21",
        20 => "AF22",
        22 => "AF23",
        24 => "CS3",
        26 => "AF31",
        28 => "AF32",
        30 => "AF33",
        32 => "CS4",
        34 => "AF41",
        36 => "AF42",
        38 => "AF43",
        40 => "CS5",
        44 => "VOICE-ADMIT",
        46 => "EF",
        48 => "CS6",
        56 => "CS7",
        _ => return None,
    })
}

/// `ip.dsfield.ecn`: (long name, short name).
pub fn ecn(value: u64) -> (&'static str, &'static str) {
    match value & 3 {
        0 => ("Not ECN-Capable Transport", "Not-ECT"),
        1 => ("ECN-Capable Transport codepoint '01'", "ECT(1)"),
        2 => ("ECN-Capable Transport codepoint '10'", "ECT(0)"),
        _ => ("Congestion Experienced", "CE"),
    }
}

/// `icmp.type`.
pub fn icmp_type(value: u64) -> Option<&'static str> {
    Some(match value {
        0 => "Echo (ping) reply",
        3 => "Destination unreachable",
        4 => "Source quench (flow control)",
        5 => "Redirect",
        8 => "Echo (ping) request",
        9 => "Router advertisement",
        10 => "Router solicitation",
        11 => "Time-to-live exceeded",
        12 => "Parameter problem",
        13 => "Timestamp request",
        14 => "Timestamp reply",
        17 => "Address mask request",
        18 => "Address mask reply",
        _ => return None,
    })
}

/// `icmp.code` for the types whose codes have names.
pub fn icmp_code(ty: u64, code: u64) -> Option<&'static str> {
    Some(match (ty, code) {
        (3, 0) => "Network unreachable",
        (3, 1) => "Host unreachable",
        (3, 2) => "Protocol unreachable",
        (3, 3) => "Port unreachable",
        (3, 4) => "Fragmentation needed",
        (3, 5) => "Source route failed",
        (3, 9) => "Destination network administratively prohibited",
        (3, 10) => "Destination host administratively prohibited",
        (3, 13) => "Communication administratively filtered",
        (11, 0) => "Time to live exceeded in transit",
        (11, 1) => "Fragment reassembly time exceeded",
        (5, 0) => "Redirect for network",
        (5, 1) => "Redirect for host",
        _ => return None,
    })
}

/// `icmpv6.type`.
pub fn icmpv6_type(value: u64) -> Option<&'static str> {
    Some(match value {
        1 => "Destination Unreachable",
        2 => "Packet Too Big",
        3 => "Time Exceeded",
        4 => "Parameter Problem",
        128 => "Echo (ping) request",
        129 => "Echo (ping) reply",
        130 => "Multicast Listener Query",
        131 => "Multicast Listener Report",
        132 => "Multicast Listener Done",
        133 => "Router Solicitation",
        134 => "Router Advertisement",
        135 => "Neighbor Solicitation",
        136 => "Neighbor Advertisement",
        137 => "Redirect",
        143 => "Multicast Listener Report Message v2",
        _ => return None,
    })
}

/// `tcp.option_kind`.
pub fn tcp_option_kind(value: u64) -> Option<&'static str> {
    Some(match value {
        0 => "End of Option List",
        1 => "No-Operation",
        2 => "Maximum Segment Size",
        3 => "Window Scale",
        4 => "SACK Permitted",
        5 => "SACK",
        8 => "Time Stamp Option",
        19 => "MD5 signature",
        28 => "User Timeout",
        29 => "TCP Authentication Option",
        30 => "Multipath TCP",
        34 => "TCP Fast Open Cookie",
        _ => return None,
    })
}

/// `sll.pkttype`.
pub fn sll_pkttype(value: u64) -> Option<&'static str> {
    Some(match value {
        0 => "Unicast to us",
        1 => "Broadcast",
        2 => "Multicast",
        3 => "Unicast to another host",
        4 => "Sent by us",
        _ => return None,
    })
}

/// `sll.hatype` (ARPHRD_* values).
pub fn arphrd(value: u64) -> Option<&'static str> {
    Some(match value {
        1 => "Ethernet",
        772 => "Loopback",
        776 => "IPv6-in-IPv4",
        65534 => "None",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_wireshark_spells_them() {
        assert_eq!(ether_type(0x0800), Some("IPv4"));
        assert_eq!(ip_proto(6), Some("TCP"));
        assert_eq!(ip_proto(3), None);
        assert_eq!(icmp_type(8), Some("Echo (ping) request"));
        assert_eq!(icmpv6_type(135), Some("Neighbor Solicitation"));
        assert_eq!(ecn(0), ("Not ECN-Capable Transport", "Not-ECT"));
        assert_eq!(dscp_short(0), Some("CS0"));
        assert_eq!(encapsulation(1), Some(("Ethernet", 1)));
    }
}
