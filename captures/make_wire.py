#!/usr/bin/env python3
"""Builds the link-layer, tunnel and malformed-length captures in captures/.

Every frame is written byte by byte here (no capture tool, no network), so the files are
reproducible and their contents documented in one place:

    python3 captures/make_wire.py   # writes captures/{link_layers,tunnels,malformed}.pcapng

tests/data/wire/*.tsv hold what tshark 4.0 says about these files (see tests/data/README.md);
tests/integration/wire.rs compares sockeye with them.
"""
import os
import struct

OUT = os.path.dirname(os.path.abspath(__file__))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def ip4(text):
    return bytes(int(x) for x in text.split("."))


def ip6(text):
    import ipaddress

    return ipaddress.IPv6Address(text).packed


def eth(dst, src, ether_type, payload, pad=True):
    frame = mac(dst) + mac(src) + struct.pack("!H", ether_type) + payload
    if pad and len(frame) < 60:
        frame += b"\0" * (60 - len(frame))
    return frame


def dot3(dst, src, payload):
    """802.3: the type field holds the length of what follows."""
    frame = mac(dst) + mac(src) + struct.pack("!H", len(payload)) + payload
    if len(frame) < 60:
        frame += b"\0" * (60 - len(frame))
    return frame


def ipv4(src, dst, proto, payload, ident=1, ttl=64, total=None, ihl=5, options=b""):
    length = 20 + len(options) + len(payload) if total is None else total
    head = struct.pack(
        "!BBHHHBBH4s4s", 0x40 | ihl, 0, length, ident, 0x4000, ttl, proto, 0, ip4(src), ip4(dst)
    ) + options
    head = head[:10] + struct.pack("!H", csum(head)) + head[12:]
    return head + payload


def ipv6(src, dst, nxt, payload, plen=None, hlim=64):
    length = len(payload) if plen is None else plen
    return struct.pack("!IHBB", 0x60000000, length, nxt, hlim) + ip6(src) + ip6(dst) + payload


def pseudo(src, dst, proto, length):
    if ":" in src:
        return ip6(src) + ip6(dst) + struct.pack("!IxxxB", length, proto)
    return ip4(src) + ip4(dst) + struct.pack("!xBH", proto, length)


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", window=64240, doff=None, options=None):
    if options is None:
        options = b"\x02\x04\x05\xb4\x01\x01\x04\x02" if flags & 0x02 else b""
    words = (20 + len(options)) // 4 if doff is None else doff
    head = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, words << 4, flags, window, 0, 0)
    head += options
    seg = head + payload
    check = csum(pseudo(src, dst, 6, len(seg)) + seg)
    return seg[:16] + struct.pack("!H", check) + seg[18:]


def udp(src, dst, sport, dport, payload, length=None):
    size = 8 + len(payload) if length is None else length
    seg = struct.pack("!HHHH", sport, dport, size, 0) + payload
    # The checksum covers the bytes the length field claims (when they are all there).
    covered = seg[: max(size, 8)] if size <= len(seg) else seg
    check = csum(pseudo(src, dst, 17, len(covered)) + covered) or 0xFFFF
    return seg[:6] + struct.pack("!H", check) + seg[8:]


def handshake(src, dst, sport, dport, wrap):
    """A TCP three-way handshake between src and dst, each segment wrapped by `wrap`."""
    isn_c, isn_s = 0x1000 + sport, 0x9000 + dport
    return [
        wrap(tcp(src, dst, sport, dport, isn_c, 0, 0x02), src, dst, True),
        wrap(tcp(dst, src, dport, sport, isn_s, isn_c + 1, 0x12), dst, src, False),
        wrap(tcp(src, dst, sport, dport, isn_c + 1, isn_s + 1, 0x10), src, dst, True),
    ]


def pcapng(frames):
    shb_body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
    out = struct.pack("<II", 0x0A0D0D0A, 12 + len(shb_body)) + shb_body + struct.pack("<I", 12 + len(shb_body))
    idb_body = struct.pack("<HHI", 1, 0, 0)
    out += struct.pack("<II", 1, 12 + len(idb_body)) + idb_body + struct.pack("<I", 12 + len(idb_body))
    ts = 1_700_000_000_000_000
    for frame in frames:
        ts += 1000
        pad = (-len(frame)) % 4
        body = struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(frame), len(frame)) + frame + b"\0" * pad
        out += struct.pack("<II", 6, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))
    return out


# ---- 802.3, LLC/SNAP, STP, LLDP, CDP ----

STP_DST = "01:80:c2:00:00:00"
SW = "00:1c:0e:87:85:04"


def bpdu_config(flags=0x00, version=0, bpdu_type=0x00, rstp=False):
    body = struct.pack("!HBBB", 0, version, bpdu_type, flags)
    body += struct.pack("!H", 0x8000) + mac("00:1c:0e:87:78:00")  # root
    body += struct.pack("!I", 4)  # root path cost
    body += struct.pack("!H", 0x8000) + mac("00:1c:0e:87:85:00")  # bridge
    body += struct.pack("!HHHHH", 0x8004, 1 * 256, 20 * 256, 2 * 256, 15 * 256)
    if rstp:
        body += b"\x00"  # version 1 length
    return b"\x42\x42\x03" + body


def tlv(kind, value):
    return struct.pack("!H", (kind << 9) | len(value)) + value


def lldp():
    body = tlv(1, b"\x04" + mac("00:1c:0e:87:85:00"))  # chassis id: MAC address
    body += tlv(2, b"\x05" + b"Gi0/4")  # port id: interface name
    body += tlv(3, struct.pack("!H", 120))  # time to live
    body += tlv(4, b"uplink to core")  # port description
    body += tlv(5, b"access-sw1")  # system name
    body += tlv(6, b"Example switch OS 1.2")  # system description
    body += tlv(0, b"")
    return eth("01:80:c2:00:00:0e", SW, 0x88CC, body)


def cdp():
    def t(kind, value):
        return struct.pack("!HH", kind, 4 + len(value)) + value

    tlvs = t(1, b"access-sw1") + t(3, b"GigabitEthernet0/4")
    tlvs += t(5, b"Example IOS Software, Version 15.2(2)E") + t(6, b"example WS-C2960")
    head = struct.pack("!BBH", 2, 180, 0)
    check = csum(head + tlvs)
    body = struct.pack("!BBH", 2, 180, check) + tlvs
    llc = b"\xaa\xaa\x03" + b"\x00\x00\x0c" + struct.pack("!H", 0x2000)
    return dot3("01:00:0c:cc:cc:cc", SW, llc + body)


def link_frames():
    return [
        dot3(STP_DST, SW, bpdu_config()),
        dot3(STP_DST, SW, bpdu_config(flags=0x01)),  # topology change
        dot3(STP_DST, SW, bpdu_config(flags=0x3C, version=2, bpdu_type=0x02, rstp=True)),
        dot3(STP_DST, SW, b"\x42\x42\x03" + struct.pack("!HBB", 0, 0, 0x80)),  # TCN
        lldp(),
        cdp(),
    ]


# ---- Tunnels, each carrying a TCP handshake ----

A, B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
C, D = "02:00:00:00:00:0c", "02:00:00:00:00:0d"


def over_ipv4(outer_src, outer_dst, proto, wrap_inner):
    def wrap(seg, src, dst, forward):
        o_src, o_dst = (outer_src, outer_dst) if forward else (outer_dst, outer_src)
        inner = wrap_inner(seg, src, dst)
        return eth(B if forward else A, A if forward else B, 0x0800, ipv4(o_src, o_dst, proto, inner))

    return wrap


def over_ipv6(outer_src, outer_dst, nxt, wrap_inner):
    def wrap(seg, src, dst, forward):
        o_src, o_dst = (outer_src, outer_dst) if forward else (outer_dst, outer_src)
        inner = wrap_inner(seg, src, dst)
        return eth(B if forward else A, A if forward else B, 0x86DD, ipv6(o_src, o_dst, nxt, inner))

    return wrap


def inner_v4(seg, src, dst):
    return ipv4(src, dst, 6, seg)


def inner_v6(seg, src, dst):
    return ipv6(src, dst, 6, seg)


def inner_eth_v4(seg, src, dst):
    forward = src.endswith(".1")
    return eth(D if forward else C, C if forward else D, 0x0800, ipv4(src, dst, 6, seg), pad=False)


def gre(proto, key=None, seq=None):
    def wrap_inner(inner):
        flags = (0x2000 if key is not None else 0) | (0x1000 if seq is not None else 0)
        head = struct.pack("!HH", flags, proto)
        if key is not None:
            head += struct.pack("!I", key)
        if seq is not None:
            head += struct.pack("!I", seq)
        return head + inner

    return wrap_inner


def gre_wrap(inner_fn, proto, key=None, seq=None):
    counter = [0]

    def f(seg, src, dst):
        counter[0] += 1
        return gre(proto, key, None if seq is None else seq + counter[0])(inner_fn(seg, src, dst))

    return f


def vxlan(vni, inner_fn, outer_src, outer_dst):
    def f(seg, src, dst):
        forward = src.endswith(".1")
        body = struct.pack("!BxxxI", 0x08, vni << 8) + inner_fn(seg, src, dst)
        s, d = (outer_src, outer_dst) if forward else (outer_dst, outer_src)
        return udp(s, d, 49152 + (vni & 0xFF), 4789, body)

    return f


def geneve(vni, inner_fn, outer_src, outer_dst):
    def f(seg, src, dst):
        forward = src.endswith(".1")
        option = struct.pack("!HBB", 0x0102, 0x80, 1) + b"\x00\x00\x00\x2a"  # 8 bytes
        head = struct.pack("!BBH", len(option) // 4, 0x00, 0x6558) + struct.pack("!I", vni << 8)
        s, d = (outer_src, outer_dst) if forward else (outer_dst, outer_src)
        return udp(s, d, 49300, 6081, head + option + inner_fn(seg, src, dst))

    return f


def mpls(labels, inner_fn, ether_type=0x8847):
    def wrap(seg, src, dst, forward):
        stack = b""
        for i, (label, tc) in enumerate(labels):
            bottom = 1 if i == len(labels) - 1 else 0
            stack += struct.pack("!I", (label << 12) | (tc << 9) | (bottom << 8) | 63)
        return eth(B if forward else A, A if forward else B, ether_type, stack + inner_fn(seg, src, dst))

    return wrap


def tunnel_frames():
    frames = []
    # IP in IP: 4in4, 6in4, 4in6, 6in6.
    frames += handshake("10.1.0.1", "10.1.0.2", 40001, 80, over_ipv4("192.0.2.1", "192.0.2.2", 4, inner_v4))
    frames += handshake("2001:db8:1::1", "2001:db8:1::2", 40002, 80, over_ipv4("192.0.2.1", "192.0.2.2", 41, inner_v6))
    frames += handshake("10.2.0.1", "10.2.0.2", 40003, 80, over_ipv6("2001:db8::1", "2001:db8::2", 4, inner_v4))
    frames += handshake("2001:db8:2::1", "2001:db8:2::2", 40004, 80, over_ipv6("2001:db8::1", "2001:db8::2", 41, inner_v6))
    # GRE: IPv4 with key and sequence number, transparent Ethernet bridging, IPv6.
    frames += handshake("10.3.0.1", "10.3.0.2", 40005, 443, over_ipv4("192.0.2.1", "192.0.2.2", 47, gre_wrap(inner_v4, 0x0800, key=42, seq=100)))
    frames += handshake("10.4.0.1", "10.4.0.2", 40006, 22, over_ipv4("192.0.2.1", "192.0.2.2", 47, gre_wrap(inner_eth_v4, 0x6558)))
    frames += handshake("2001:db8:3::1", "2001:db8:3::2", 40007, 80, over_ipv4("192.0.2.1", "192.0.2.2", 47, gre_wrap(inner_v6, 0x86DD)))
    # VXLAN and Geneve over UDP, inner Ethernet.
    vx = vxlan(5001, inner_eth_v4, "192.0.2.11", "192.0.2.12")
    frames += handshake("10.5.0.1", "10.5.0.2", 40008, 80, over_ipv4("192.0.2.11", "192.0.2.12", 17, lambda s, a, b: vx(s, a, b)))
    gn = geneve(7001, inner_eth_v4, "192.0.2.21", "192.0.2.22")
    frames += handshake("10.6.0.1", "10.6.0.2", 40009, 80, over_ipv4("192.0.2.21", "192.0.2.22", 17, lambda s, a, b: gn(s, a, b)))
    # MPLS: a two-label stack over IPv4, one label over IPv6.
    frames += handshake("10.7.0.1", "10.7.0.2", 40010, 80, mpls([(16001, 0), (24, 5)], inner_v4))
    frames += handshake("2001:db8:4::1", "2001:db8:4::2", 40011, 80, mpls([(17, 0)], inner_v6))
    return frames


# The outer UDP of VXLAN/Geneve needs its checksum over the real outer addresses: udp() got
# them through the closures above (vxlan()/geneve() take the outer addresses).


# ---- Headers that lie about their length ----


def malformed_frames():
    s, d = "192.0.2.1", "192.0.2.2"
    seg = tcp(s, d, 40100, 80, 1, 0, 0x02)
    dgram = udp(s, d, 40200, 9, b"hello")
    v6s, v6d = "2001:db8::1", "2001:db8::2"
    return [
        # IPv4 total length larger than the frame holds.
        eth(B, A, 0x0800, ipv4(s, d, 6, seg, total=200)),
        # IPv4 total length smaller than its header.
        eth(B, A, 0x0800, ipv4(s, d, 6, seg, total=12)),
        # IPv4 total length shorter than the TCP header it carries.
        eth(B, A, 0x0800, ipv4(s, d, 6, seg, total=30)),
        # IHL below the minimum.
        eth(B, A, 0x0800, ipv4(s, d, 6, seg, ihl=3)),
        # IHL beyond the data (60-byte header claimed, 20 present and nothing after).
        eth(B, A, 0x0800, ipv4(s, d, 6, b"", ihl=15, total=20), pad=False),
        # TCP data offset beyond the segment (60-byte header claimed in a 20-byte segment).
        eth(B, A, 0x0800, ipv4(s, d, 6, tcp(s, d, 40101, 80, 1, 0, 0x10, doff=15, options=b""))),
        # TCP data offset below the minimum.
        eth(B, A, 0x0800, ipv4(s, d, 6, tcp(s, d, 40102, 80, 1, 0, 0x10, doff=3, options=b""))),
        # UDP length larger than the IP payload.
        eth(B, A, 0x0800, ipv4(s, d, 17, udp(s, d, 40201, 9, b"hello", length=40))),
        # UDP length smaller than the UDP header.
        eth(B, A, 0x0800, ipv4(s, d, 17, udp(s, d, 40202, 9, b"hello", length=4))),
        # UDP length shorter than the IP payload (trailing bytes).
        eth(B, A, 0x0800, ipv4(s, d, 17, udp(s, d, 40203, 9, b"hello", length=10))),
        # IPv6 payload length larger than the frame holds.
        eth(B, A, 0x86DD, ipv6(v6s, v6d, 17, udp(v6s, v6d, 40204, 9, b"hello"), plen=100)),
        # IPv6 payload length smaller than the UDP datagram.
        eth(B, A, 0x86DD, ipv6(v6s, v6d, 17, udp(v6s, v6d, 40205, 9, b"hello"), plen=4)),
        # A whole, correct frame after them: decoding goes on.
        eth(B, A, 0x0800, ipv4(s, d, 17, dgram)),
    ]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, frames in [("link_layers", link_frames()), ("tunnels", tunnel_frames()), ("malformed", malformed_frames())]:
        with open(os.path.join(OUT, name + ".pcapng"), "wb") as f:
            f.write(pcapng(frames))


if __name__ == "__main__":
    main()
