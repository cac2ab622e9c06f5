//! Byte-fixture tests per protocol, and every truncation length of every fixture.

use etherparse::{PacketBuilder, TcpOptionElement};

use super::*;
use crate::field::{FieldId, Value};
use crate::frame::{Direction, OwnedFrame};

fn frame(link: LinkType, data: Vec<u8>) -> OwnedFrame {
    OwnedFrame {
        ts_ns: 1_000_000_000,
        orig_len: data.len() as u32,
        data,
        link,
        interface: 0,
        direction: Direction::Unknown,
    }
}

const A: [u8; 6] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55];
const B: [u8; 6] = [0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb];

fn tcp_syn_with_options() -> Vec<u8> {
    let builder = PacketBuilder::ethernet2(A, B)
        .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
        .tcp(40000, 80, 0xfffffff0, 65535)
        .syn()
        .options(&[
            TcpOptionElement::MaximumSegmentSize(1460),
            TcpOptionElement::SelectiveAcknowledgementPermitted,
            TcpOptionElement::Timestamp(100, 0),
            TcpOptionElement::Noop,
            TcpOptionElement::WindowScale(7),
        ])
        .unwrap();
    let mut out = Vec::new();
    builder.write(&mut out, &[]).unwrap();
    out
}

fn tcp_sack_data() -> Vec<u8> {
    let builder = PacketBuilder::ethernet2(A, B)
        .ipv4([10, 0, 0, 2], [10, 0, 0, 1], 64)
        .tcp(80, 40000, 1000, 501)
        .ack(2000)
        .psh()
        .options(&[
            TcpOptionElement::Noop,
            TcpOptionElement::Noop,
            TcpOptionElement::SelectiveAcknowledgement(
                (3000, 3100),
                [Some((3200, 3300)), None, None],
            ),
        ])
        .unwrap();
    let mut out = Vec::new();
    builder.write(&mut out, b"hello").unwrap();
    out
}

fn udp_v6_vlan() -> Vec<u8> {
    let builder = PacketBuilder::ethernet2(A, B)
        .single_vlan(42.try_into().unwrap())
        .ipv6(
            [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
            64,
        )
        .udp(5353, 53);
    let mut out = Vec::new();
    builder.write(&mut out, b"query").unwrap();
    out
}

fn icmp_echo() -> Vec<u8> {
    let builder = PacketBuilder::ethernet2(A, B)
        .ipv4([192, 0, 2, 1], [192, 0, 2, 2], 64)
        .icmpv4_echo_request(7, 9);
    let mut out = Vec::new();
    builder.write(&mut out, b"ping-data").unwrap();
    out
}

fn icmpv6_echo() -> Vec<u8> {
    let builder = PacketBuilder::ethernet2(A, B)
        .ipv6(
            [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
            64,
        )
        .icmpv6_echo_request(1, 2);
    let mut out = Vec::new();
    builder.write(&mut out, b"v6 ping").unwrap();
    out
}

fn arp_request() -> Vec<u8> {
    let mut out = vec![0xff; 6];
    out.extend_from_slice(&A);
    out.extend_from_slice(&[0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1]);
    out.extend_from_slice(&A);
    out.extend_from_slice(&[192, 168, 0, 114]);
    out.extend_from_slice(&[0; 6]);
    out.extend_from_slice(&[192, 168, 0, 1]);
    out
}

/// IPv4 + UDP with 4 bytes of IP options (NOP NOP NOP EOL), checksum recomputed.
fn ipv4_with_options() -> Vec<u8> {
    let builder = PacketBuilder::ethernet2(A, B)
        .ipv4([10, 1, 1, 1], [10, 1, 1, 2], 5)
        .udp(1, 2);
    let mut out = Vec::new();
    builder.write(&mut out, b"opt").unwrap();
    out.splice(34..34, [1, 1, 1, 0]);
    out[14] = 0x46;
    let total = u16::from_be_bytes([out[16], out[17]]) + 4;
    out[16..18].copy_from_slice(&total.to_be_bytes());
    out[24..26].copy_from_slice(&[0, 0]);
    let header = etherparse::Ipv4HeaderSlice::from_slice(&out[14..38])
        .unwrap()
        .to_header();
    out[24..26].copy_from_slice(&header.calc_header_checksum().to_be_bytes());
    out
}

fn fields_of(frame: &OwnedFrame) -> Vec<(FieldId, String)> {
    let packet = decode(&frame.as_frame());
    let mut list = FieldList::new();
    let info = FrameInfo {
        direction: frame.direction,
        ..FrameInfo::default()
    };
    emit(&packet, &info, "", &(), &mut list);
    list.iter()
        .map(|f| {
            (
                f.id,
                crate::field::ValueFormatter(f.def(), &f.value).to_string(),
            )
        })
        .collect()
}

fn value(fields: &[(FieldId, String)], id: FieldId) -> Option<&str> {
    fields
        .iter()
        .find(|(f, _)| *f == id)
        .map(|(_, v)| v.as_str())
}

#[test]
fn tcp_options_and_fields() {
    let fields = fields_of(&frame(LinkType::ETHERNET, tcp_syn_with_options()));
    assert_eq!(value(&fields, FieldId::TcpSeqRaw), Some("4294967280"));
    assert_eq!(value(&fields, FieldId::TcpFlags), Some("0x0002"));
    assert_eq!(value(&fields, FieldId::TcpFlagsSyn), Some("1"));
    assert_eq!(value(&fields, FieldId::TcpOptionsMssVal), Some("1460"));
    assert_eq!(value(&fields, FieldId::TcpOptionsWscaleShift), Some("7"));
    assert_eq!(
        value(&fields, FieldId::TcpOptionsWscaleMultiplier),
        Some("128")
    );
    assert_eq!(
        value(&fields, FieldId::TcpOptionsTimestampTsval),
        Some("100")
    );
    assert!(value(&fields, FieldId::TcpOptionsSackPerm).is_some());
    assert_eq!(
        value(&fields, FieldId::TcpChecksumStatus),
        Some("1"),
        "builder checksums are good"
    );
    assert_eq!(value(&fields, FieldId::IpChecksumStatus), Some("1"));
}

#[test]
fn tcp_sack_blocks_and_payload() {
    let data = tcp_sack_data();
    let fields = fields_of(&frame(LinkType::ETHERNET, data.clone()));
    let sack: Vec<_> = fields
        .iter()
        .filter(|(f, _)| *f == FieldId::TcpOptionsSackLe)
        .collect();
    assert_eq!(sack.len(), 2);
    assert_eq!(value(&fields, FieldId::TcpOptionsSackRe), Some("3100"));
    assert_eq!(value(&fields, FieldId::TcpLen), Some("5"));
    assert_eq!(value(&fields, FieldId::TcpPayload), Some("68656c6c6f"));
    // Flipping a payload byte makes the TCP checksum bad, and says what it should be.
    let mut bad = data;
    let last = bad.len() - 1;
    bad[last] ^= 0xff;
    let owned = frame(LinkType::ETHERNET, bad);
    let packet = decode(&owned.as_frame());
    let check = check_transport(&packet, 2, Direction::Unknown);
    assert_eq!(check.status, ChecksumStatus::Bad);
    assert!(check.expected.is_some());
}

#[test]
fn vlan_ipv6_udp() {
    let fields = fields_of(&frame(LinkType::ETHERNET, udp_v6_vlan()));
    assert_eq!(value(&fields, FieldId::VlanId), Some("42"));
    assert_eq!(value(&fields, FieldId::VlanEtype), Some("0x86dd"));
    assert_eq!(value(&fields, FieldId::Ipv6Src), Some("2001:db8::1"));
    assert_eq!(value(&fields, FieldId::UdpLength), Some("13"));
    assert_eq!(value(&fields, FieldId::UdpChecksumStatus), Some("1"));
}

#[test]
fn icmp_v4_and_v6_echo() {
    let fields = fields_of(&frame(LinkType::ETHERNET, icmp_echo()));
    assert_eq!(value(&fields, FieldId::IcmpType), Some("8"));
    assert_eq!(value(&fields, FieldId::IcmpIdent), Some("7"));
    assert_eq!(value(&fields, FieldId::IcmpSeq), Some("9"));
    assert_eq!(value(&fields, FieldId::IcmpChecksumStatus), Some("1"));
    let fields = fields_of(&frame(LinkType::ETHERNET, icmpv6_echo()));
    assert_eq!(value(&fields, FieldId::Icmpv6Type), Some("128"));
    assert_eq!(value(&fields, FieldId::Icmpv6ChecksumStatus), Some("1"));
}

#[test]
fn arp_fields() {
    let fields = fields_of(&frame(LinkType::ETHERNET, arp_request()));
    assert_eq!(value(&fields, FieldId::ArpOpcode), Some("1"));
    assert_eq!(
        value(&fields, FieldId::ArpSrcProtoIpv4),
        Some("192.168.0.114")
    );
    assert_eq!(
        value(&fields, FieldId::ArpDstProtoIpv4),
        Some("192.168.0.1")
    );
    assert_eq!(value(&fields, FieldId::ArpProtoType), Some("0x0800"));
}

#[test]
fn ipv4_options() {
    let fields = fields_of(&frame(LinkType::ETHERNET, ipv4_with_options()));
    assert_eq!(value(&fields, FieldId::IpHdrLen), Some("24"));
    assert_eq!(value(&fields, FieldId::IpOptions), Some("01010100"));
    assert_eq!(value(&fields, FieldId::IpChecksumStatus), Some("1"));
    assert_eq!(value(&fields, FieldId::UdpSrcport), Some("1"));
}

#[test]
fn linux_cooked_and_raw_and_null_links() {
    let eth = icmp_echo();
    let ip = eth[14..].to_vec();
    // SLL: pkttype 0, hatype 1, halen 6, addr (8), protocol 0x0800.
    let mut sll = vec![0, 0, 0, 1, 0, 6];
    sll.extend_from_slice(&A);
    sll.extend_from_slice(&[0, 0, 0x08, 0x00]);
    sll.extend_from_slice(&ip);
    // SLL2: protocol, reserved, ifindex, hatype, pkttype, halen, addr (8).
    let mut sll2 = vec![0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6];
    sll2.extend_from_slice(&A);
    sll2.extend_from_slice(&[0, 0]);
    sll2.extend_from_slice(&ip);
    let mut null = 2u32.to_le_bytes().to_vec();
    null.extend_from_slice(&ip);
    for (link, data) in [
        (LinkType::LINUX_SLL, sll),
        (LinkType::LINUX_SLL2, sll2.clone()),
        (LinkType::RAW, ip.clone()),
        (LinkType::IPV4, ip.clone()),
        (LinkType::NULL, null),
    ] {
        let fields = fields_of(&frame(link, data));
        assert_eq!(value(&fields, FieldId::IpSrc), Some("192.0.2.1"), "{link}");
        assert_eq!(value(&fields, FieldId::IcmpType), Some("8"), "{link}");
    }
    let fields = fields_of(&frame(LinkType::LINUX_SLL2, sll2));
    assert_eq!(value(&fields, FieldId::SllIfIndex), Some("3"));
    assert_eq!(value(&fields, FieldId::SllPktType), Some("4"));
}

#[test]
fn unknown_link_type_is_noted_not_decoded() {
    let owned = frame(LinkType::IEEE802_11, vec![0x80, 0, 0, 0]);
    let packet = decode(&owned.as_frame());
    assert!(packet.layers.is_empty());
    let stop = packet.stop.expect("a note");
    assert!(!stop.is_malformed());
    assert!(
        stop.to_string().contains("IEEE802_11 (105) is not decoded"),
        "{stop}"
    );
}

#[test]
fn hostile_headers_stop_with_a_reason() {
    // IHL 4: below the minimum. tshark shows the version and header length, says why in
    // an expert error, and decodes nothing further (without calling the packet malformed).
    let mut data = icmp_echo();
    data[14] = 0x44;
    let owned = frame(LinkType::ETHERNET, data);
    let packet = decode(&owned.as_frame());
    assert!(packet.stop.is_none());
    assert_eq!(packet.top_protocol(), "ip");
    assert_eq!(packet.layers.last().map(|l| l.offset), Some(14));
    assert_eq!(
        packet
            .notes
            .iter()
            .map(|n| n.expert.as_str())
            .collect::<Vec<_>>(),
        ["Bogus IP header length (16, must be at least 20)"]
    );
    assert!(!packet.notes[0].malformed);
    // TCP data offset past the end of the segment.
    let mut data = tcp_syn_with_options();
    data[46] = 0xf0;
    let owned = frame(LinkType::ETHERNET, data);
    let packet = decode(&owned.as_frame());
    let stop = packet.stop.clone().expect("stopped");
    assert_eq!(stop.layer, "tcp");
    assert!(
        packet.ipv4().is_some(),
        "layers before the damage stay decoded"
    );
    // 200 nested VLAN tags: bounded, explained.
    let mut data = A.to_vec();
    data.extend_from_slice(&B);
    for _ in 0..200 {
        data.extend_from_slice(&[0x81, 0x00, 0x00, 0x01]);
    }
    data.extend_from_slice(&[0x08, 0x00]);
    let owned = frame(LinkType::ETHERNET, data);
    let packet = decode(&owned.as_frame());
    assert_eq!(packet.layers.len(), MAX_LAYERS);
    assert!(matches!(
        packet.stop.map(|s| s.reason),
        Some(StopReason::TooManyLayers(_))
    ));
}

#[test]
fn zero_length_udp_is_explained() {
    let mut data = udp_v6_vlan();
    let udp_len_at = 18 + 40 + 4;
    data[udp_len_at..udp_len_at + 2].copy_from_slice(&[0, 0]);
    let owned = frame(LinkType::ETHERNET, data);
    let packet = decode(&owned.as_frame());
    assert!(packet.udp().is_some());
    // tshark: "Bad length value 0 < 8", a malformed packet, nothing after the header.
    let note = packet.notes.first().expect("a note");
    assert_eq!(note.expert, "Bad length value 0 < 8");
    assert_eq!(note.info.as_deref(), Some("[BAD UDP LENGTH 0 < 8]"));
    assert!(note.malformed);
    assert_eq!(packet.payload, None);
}

/// Every prefix of every fixture decodes without panicking, keeps a prefix of the full
/// packet's layers, explains any header it could not finish, and never points a field range
/// outside the captured bytes.
#[test]
fn every_truncation_length() {
    let fixtures = [
        tcp_syn_with_options(),
        tcp_sack_data(),
        udp_v6_vlan(),
        icmp_echo(),
        icmpv6_echo(),
        arp_request(),
        ipv4_with_options(),
    ];
    let mut checked = 0;
    for full in fixtures {
        let whole = frame(LinkType::ETHERNET, full.clone());
        let full_packet = decode(&whole.as_frame());
        assert!(full_packet.stop.is_none(), "{:?}", full_packet.stop);
        let full_names: Vec<_> = full_packet.layers.iter().map(|l| l.header.name()).collect();
        for len in 0..full.len() {
            let mut cut = frame(LinkType::ETHERNET, full[..len].to_vec());
            cut.orig_len = full.len() as u32;
            let packet = decode(&cut.as_frame());
            let names: Vec<_> = packet.layers.iter().map(|l| l.header.name()).collect();
            assert!(
                full_names.starts_with(&names),
                "len {len}: {names:?} vs {full_names:?}"
            );
            let last_header_end = packet.layers.last().map_or(0, |l| l.offset + l.len);
            if names.len() < full_names.len() {
                let stop = packet
                    .stop
                    .clone()
                    .unwrap_or_else(|| panic!("len {len}: no reason given"));
                assert!(stop.offset >= last_header_end.min(stop.offset));
                assert!(!stop.to_string().is_empty());
            }
            let mut list = FieldList::new();
            emit(&packet, &FrameInfo::default(), "", &(), &mut list);
            for field in list.iter() {
                if let Some(range) = field.range {
                    assert!(
                        range.end() <= len,
                        "len {len}: {} range {range:?}",
                        field.name()
                    );
                }
                if let Value::Bytes(b) = field.value {
                    assert!(b.len() <= len);
                }
            }
            let mut line = Vec::new();
            crate::headless::write_summary(&packet, None, &mut line);
            checked += 1;
        }
    }
    assert!(checked > 400, "{checked} prefixes");
}

#[test]
fn bad_checksum_says_what_it_should_be_and_why() {
    let mut data = tcp_sack_data();
    // Corrupt the TCP checksum field itself.
    data[50] ^= 0x55;
    let mut owned = frame(LinkType::ETHERNET, data);
    let fields = fields_of(&owned);
    assert_eq!(value(&fields, FieldId::TcpChecksumStatus), Some("0"));
    assert!(value(&fields, FieldId::TcpChecksumCalculated).is_some());
    assert!(value(&fields, FieldId::WsExpertMessage).is_some_and(|m| m.contains("damaged")));
    // The same bytes captured on the way out: checksum offload is the likely cause.
    owned.direction = Direction::Outbound;
    let fields = fields_of(&owned);
    assert!(value(&fields, FieldId::WsExpertMessage).is_some_and(|m| m.contains("offload")));
}

/// IPv6 with a hop-by-hop header and a first fragment (M=1) carrying the start of a UDP
/// datagram: the fragment header's fields and the extension header's.
fn ipv6_hop_by_hop_fragment() -> Vec<u8> {
    let mut out = B.to_vec();
    out.extend_from_slice(&A);
    out.extend_from_slice(&[0x86, 0xdd]);
    let payload_len: u16 = 8 + 8 + 16;
    out.extend_from_slice(&[0x60, 0x00, 0x00, 0x00]);
    out.extend_from_slice(&payload_len.to_be_bytes());
    out.extend_from_slice(&[0, 64]); // next header: hop-by-hop, hop limit 64
    out.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    out.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    out.extend_from_slice(&[44, 0, 1, 4, 0, 0, 0, 0]); // hop-by-hop → fragment, PadN
    out.extend_from_slice(&[17, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef]); // offset 0, M=1
    out.extend_from_slice(&[0x13, 0x88, 0x00, 0x35, 0x00, 0x40, 0x00, 0x00]);
    out.extend_from_slice(&[0xab; 8]);
    out
}

/// An ICMPv6 neighbour solicitation (its target follows the 8-byte header).
fn icmpv6_neighbour_solicitation() -> Vec<u8> {
    let mut message = vec![135, 0, 0, 0, 0, 0, 0, 0];
    message.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    let builder = PacketBuilder::ethernet2(A, B).ipv6(
        [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 2],
        255,
    );
    let mut out = Vec::new();
    builder
        .write(&mut out, IpNumber::IPV6_ICMP, &message)
        .unwrap();
    out
}

/// The layout declarations of the protocol that decoded `header`: (always-read, others).
fn declared(header: &Header<'_>) -> Vec<crate::field::Layout> {
    use crate::field::layout::*;
    let mut all: Vec<_> = header.layout().to_vec();
    let others: &[&[crate::field::Layout]] = match header {
        Header::Null { .. } => &[null::OTHERS],
        Header::Sll(_) => &[sll::OTHERS],
        Header::Sll2(_) => &[sll2::OTHERS],
        Header::Arp(_) => &[arp::ether_ipv4::OTHERS],
        Header::Tcp(_) => &[tcp::OTHERS],
        Header::Icmpv4(_) => &[icmp::OTHERS],
        Header::Icmpv6(_) => &[icmpv6::OTHERS, icmpv6::nd::OTHERS],
        Header::Llc(_) => &[llc::OTHERS],
        Header::Stp(_) => &[stp::OTHERS],
        _ => &[],
    };
    all.extend(others.iter().flat_map(|o| o.iter().copied()));
    all
}

/// For one protocol's fixture: every field its layout always reads is emitted, and every
/// emitted field of a layer that the layout declares sits exactly where the layout says,
/// with the value read there. So the emitters cannot drift from the declarations.
pub(super) fn assert_emitted_as_laid_out(protocol: &str, link: LinkType, data: Vec<u8>) {
    let owned = frame(link, data);
    let packet = decode(&owned.as_frame());
    assert!(packet.stop.is_none(), "{protocol}: {:?}", packet.stop);
    let mut list = FieldList::new();
    emit(&packet, &FrameInfo::default(), "", &(), &mut list);
    let mut layers_checked = 0;
    for (index, layer) in packet.layers.iter().enumerate() {
        let start = layer.offset;
        // This layer's fields: after its protocol line, before the next layer's.
        let next_start = packet.layers.get(index + 1).map(|l| l.offset);
        let mine: Vec<_> = list
            .iter()
            .filter(|f| {
                f.range.is_some_and(|r| {
                    r.start as usize >= start && next_start.is_none_or(|n| (r.start as usize) < n)
                })
            })
            .collect();
        let declarations = declared(&layer.header);
        for layout in layer.header.layout() {
            let expected = layout.value(layer.header.bytes());
            assert!(
                mine.iter().any(|f| f.id == layout.id
                    && f.range == Some(layout.range(start))
                    && Some(f.value) == expected),
                "{protocol}: {} not emitted at {:?} with {expected:?}",
                layout.id.name(),
                layout.range(start)
            );
        }
        for field in &mine {
            if let Some(layout) = declarations.iter().find(|l| l.id == field.id) {
                assert_eq!(
                    field.range,
                    Some(layout.range(start)),
                    "{protocol}: {} emitted away from its layout",
                    field.name()
                );
            }
        }
        layers_checked += 1;
    }
    assert!(layers_checked > 0, "{protocol}: nothing decoded");
}

#[test]
fn null_link_fields_follow_the_layout() {
    let mut data = 2u32.to_le_bytes().to_vec();
    data.extend_from_slice(icmp_echo().get(14..).unwrap());
    assert_emitted_as_laid_out("null", LinkType::NULL, data);
}

#[test]
fn sll_fields_follow_the_layout() {
    let ip = icmp_echo().get(14..).unwrap().to_vec();
    let mut sll = vec![0, 0, 0, 1, 0, 6];
    sll.extend_from_slice(&A);
    sll.extend_from_slice(&[0, 0, 0x08, 0x00]);
    sll.extend_from_slice(&ip);
    assert_emitted_as_laid_out("sll", LinkType::LINUX_SLL, sll);
    let mut sll2 = vec![0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6];
    sll2.extend_from_slice(&A);
    sll2.extend_from_slice(&[0, 0]);
    sll2.extend_from_slice(&ip);
    assert_emitted_as_laid_out("sll2", LinkType::LINUX_SLL2, sll2);
}

#[test]
fn ethernet_vlan_ipv6_udp_fields_follow_the_layout() {
    assert_emitted_as_laid_out("eth/vlan/ipv6/udp", LinkType::ETHERNET, udp_v6_vlan());
}

#[test]
fn arp_fields_follow_the_layout() {
    assert_emitted_as_laid_out("arp", LinkType::ETHERNET, arp_request());
}

#[test]
fn ipv4_tcp_fields_follow_the_layout() {
    assert_emitted_as_laid_out("ipv4/tcp", LinkType::ETHERNET, tcp_syn_with_options());
    assert_emitted_as_laid_out("ipv4/tcp sack", LinkType::ETHERNET, tcp_sack_data());
    assert_emitted_as_laid_out("ipv4 options", LinkType::ETHERNET, ipv4_with_options());
}

#[test]
fn ipv6_extension_and_fragment_fields_follow_the_layout() {
    let data = ipv6_hop_by_hop_fragment();
    assert_emitted_as_laid_out("ipv6 ext/fragment", LinkType::ETHERNET, data.clone());
    let fields = fields_of(&frame(LinkType::ETHERNET, data));
    assert_eq!(value(&fields, FieldId::Ipv6FragmentId), Some("0xdeadbeef"));
    assert_eq!(value(&fields, FieldId::Ipv6FragmentMore), Some("1"));
    assert_eq!(value(&fields, FieldId::Ipv6ExtLen), Some("0"));
}

#[test]
fn icmp_fields_follow_the_layout() {
    assert_emitted_as_laid_out("icmp", LinkType::ETHERNET, icmp_echo());
    assert_emitted_as_laid_out("icmpv6 echo", LinkType::ETHERNET, icmpv6_echo());
    let ns = icmpv6_neighbour_solicitation();
    assert_emitted_as_laid_out("icmpv6 nd", LinkType::ETHERNET, ns.clone());
    let fields = fields_of(&frame(LinkType::ETHERNET, ns));
    assert_eq!(
        value(&fields, FieldId::Icmpv6NdTargetAddress),
        Some("fe80::2")
    );
}
