#!/usr/bin/env bash
# Seeds the fuzz corpora from the shipped captures (captures/textbook/*.pcap*, and the
# 802.3, tunnel and malformed-length frames of captures/*.pcapng):
#   corpus/read_capture/  every capture file as it is
#   corpus/decode_frame/  every frame, prefixed with its link-type selector byte
#   corpus/tcp_analysis/  every capture as one frame sequence (format: harness::split_frames)
#   corpus/filter_parse/  every filter expression of tests/data/filters*.tsv
#   corpus/app_*/         every TCP/UDP payload of the Ethernet/IPv4 frames, by the
#                         application its port names; app_stream: each capture's TCP
#                         payloads on an application port (format: harness::app_stream)
# Seeds are generated, not committed: run this before `fuzz/run.sh` (run.sh does it).
set -euo pipefail
cd "$(dirname "$0")"
exec python3 - ../captures/textbook/*.pcap* ../captures/*.pcapng <<'PY'
import hashlib, os, struct, sys

LINKS = [0, 1, 101, 113, 228, 229, 276, 105]  # harness::LINKS, same order

def frames(path):
    """(link, ts_us, bytes) for each packet of a pcap or pcapng file."""
    b = open(path, "rb").read()
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic[0] in (0xD4, 0x4D) else ">"
        nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        link = struct.unpack(e + "I", b[20:24])[0] & 0xFFFF
        off = 24
        while off + 16 <= len(b):
            sec, frac, incl, _ = struct.unpack(e + "IIII", b[off:off + 16])
            yield link, sec * 1_000_000 + (frac // 1000 if nano else frac), b[off + 16:off + 16 + incl]
            off += 16 + incl
        return
    off, e, links = 0, "<", []
    while off + 12 <= len(b):
        btype = struct.unpack("<I", b[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if b[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        blen = struct.unpack(e + "I", b[off + 4:off + 8])[0]
        body = b[off + 8:off + blen - 4]
        if btype == 1:
            links.append(struct.unpack(e + "H", body[:2])[0])
        elif btype == 6:
            iface, hi, lo, cap, _ = struct.unpack(e + "IIIII", body[:20])
            yield links[iface], (hi << 32) | lo, body[20:20 + cap]
        off += max(blen, 12)

def save(target, data):
    d = os.path.join("corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

APP_PORTS = {53: "app_dns", 5353: "app_dns", 5355: "app_dns", 80: "app_http",
             443: "app_tls", 143: "app_text", 25: "app_text", 21: "app_text",
             67: "app_dhcp", 68: "app_dhcp", 546: "app_dhcp", 547: "app_dhcp"}
STREAM_PORTS = [21, 25, 53, 80, 143, 443, 5001, 9]  # harness::app_stream, same order
STREAM_MAX_FRAMES = 24  # harness::APP_STREAM_MAX_FRAMES

def transport(link, data):
    """(proto, sport, dport, payload) of an Ethernet/IPv4 TCP or UDP frame, else None."""
    if link != 1 or len(data) < 34 or data[12:14] != b"\x08\x00":
        return None
    ihl = (data[14] & 15) * 4
    proto = data[23]
    total = struct.unpack(">H", data[16:18])[0]
    l4 = data[14 + ihl:14 + total]
    if proto == 6 and len(l4) >= 20:
        return 6, *struct.unpack(">HH", l4[:4]), l4[(l4[12] >> 4) * 4:]
    if proto == 17 and len(l4) >= 8:
        return 17, *struct.unpack(">HH", l4[:4]), l4[8:]
    return None

for path in sys.argv[1:]:
    save("read_capture", open(path, "rb").read())
    streams = {}
    for link, ts, data in frames(path):
        t = transport(link, data)
        if not t or not t[3]:
            continue
        proto, sport, dport, payload = t
        for port in (sport, dport):
            if port in APP_PORTS:
                save(APP_PORTS[port], payload)
        if payload[0] in range(20, 25) and payload[1:2] == b"\x03":
            save("app_tls", payload)
        if proto == 6:
            server = next((p for p in (sport, dport) if p in STREAM_PORTS), None)
            if server is not None:
                recs = streams.setdefault(server, [])
                for i in range(0, len(payload), 255):
                    chunk = payload[i:i + 255]
                    recs.append(bytes([1 if sport == server else 0, len(chunk)]) + chunk)
    # The harness reads at most STREAM_MAX_FRAMES records: a long stream becomes several
    # seeds (its first windows), the first also with name resolution on (selector bit 3).
    for server, recs in streams.items():
        sel = STREAM_PORTS.index(server)
        for w, at in enumerate(range(0, min(len(recs), 8 * STREAM_MAX_FRAMES), STREAM_MAX_FRAMES)):
            body = b"".join(recs[at:at + STREAM_MAX_FRAMES])
            save("app_stream", bytes([sel]) + body)
            if w == 0:
                save("app_stream", bytes([sel | 8]) + body)
    seq, prev = bytearray(), None
    for link, ts, data in frames(path):
        if link not in LINKS:
            continue
        sel = LINKS.index(link)
        save("decode_frame", bytes([sel]) + data)
        if not seq:
            seq.append(sel)
        step = 0 if prev is None else max(-32768, min(32767, ts - prev))
        prev = ts
        data = data[:0xFFFF]
        seq += struct.pack(">Hh", len(data), step) + data
    if seq:
        save("tcp_analysis", bytes(seq))
# filter_parse: every filter expression of the recorded tshark tables.
for table in ("../tests/data/filters.tsv", "../tests/data/filters_analysis.tsv"):
    for line in open(table, encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        if len(cols) > 1 and not line.startswith("#"):
            save("filter_parse", cols[1].encode())
for t in ("read_capture", "decode_frame", "tcp_analysis", "filter_parse", "app_dns",
          "app_http", "app_tls", "app_dhcp", "app_text", "app_stream"):
    os.makedirs(os.path.join("corpus", t), exist_ok=True)
    print(f"seed.sh: corpus/{t}: {len(os.listdir(os.path.join('corpus', t)))} inputs")
PY
