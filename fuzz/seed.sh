#!/usr/bin/env bash
# Seeds the fuzz corpora from the shipped captures (captures/textbook/*.pcap*):
#   corpus/read_capture/  every capture file as it is
#   corpus/decode_frame/  every frame, prefixed with its link-type selector byte
#   corpus/tcp_analysis/  every capture as one frame sequence (format: harness::split_frames)
#   corpus/filter_parse/  every filter expression of tests/data/filters*.tsv
# Seeds are generated, not committed: run this before `fuzz/run.sh` (run.sh does it).
set -euo pipefail
cd "$(dirname "$0")"
exec python3 - ../captures/textbook/*.pcap* <<'PY'
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

for path in sys.argv[1:]:
    save("read_capture", open(path, "rb").read())
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
for t in ("read_capture", "decode_frame", "tcp_analysis", "filter_parse"):
    print(f"seed.sh: corpus/{t}: {len(os.listdir(os.path.join('corpus', t)))} inputs")
PY
