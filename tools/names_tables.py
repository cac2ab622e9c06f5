#!/usr/bin/env python3
"""Builds sockeye's packed MAC-vendor table (src/names/data/manuf.deflate) from Wireshark's
`manuf` and `wka` files.

Usage: tools/names_tables.py [MANUF [WKA]]   (default: /usr/share/wireshark/manuf and wka,
as installed by Debian's wireshark-common 4.0.17-0+deb12u3 = Wireshark v4.0.17, whose manuf
carries the IEEE registries of 2024-08-25).

Output, before raw-deflate compression (zlib level 9, no header), one entry per line, sorted:
    HEX[/BITS] <TAB> short name [<TAB> long name]
the prefix in hex digits (as many as it covers; `/BITS` when that is not a whole number of
digits, the bits past it zero), Wireshark's short name and,
for 24-bit manufacturer prefixes, the long name tshark prints in eth.*.oui_resolved. Lines
from `manuf` come first, then `wka` (well-known addresses: Broadcast, IPv4mcast, ...), in
file order within each, so the reader can apply Wireshark's "later entry wins" rule.
"""
import re, sys, zlib

manuf = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wireshark/manuf"
wka = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/wireshark/wka"
out = sys.argv[3] if len(sys.argv) > 3 else "src/names/data/manuf.deflate"


def entries(path, with_long):
    for raw in open(path, encoding="utf-8"):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        cols = [c for c in re.split(r"\t+", line) if c != ""]
        if len(cols) < 2:
            continue
        # Wireshark keeps the first word of the name column (wka's "HP (Compaq) ProLiant
        # NIC teaming" is printed "HP").
        addr, short = cols[0].strip(), cols[1].split()[0]
        # A manuf entry without a long name is called by its short one in
        # eth.*.oui_resolved; wka's 24-bit entries have none there.
        long_name = (cols[2].strip() if len(cols) > 2 else short) if with_long else ""
        bits = None
        if "/" in addr:
            addr, b = addr.split("/")
            bits = int(b)
        octets = [int(x, 16) for x in re.split(r"[:.-]", addr) if x]
        if bits is None:
            bits = 8 * len(octets)
        octets += [0] * (6 - len(octets))
        nibbles = (bits + 3) // 4
        prefix = "".join(f"{o:02x}" for o in octets[:6])[:nibbles]
        # The prefix's hex digits say its length; "/BITS" only when that is not a whole
        # number of digits (01005e8/25 = IPv4mcast).
        yield (prefix if bits % 4 == 0 else f"{prefix}/{bits}"), short, long_name


lines = []
for key, short, long_name in entries(manuf, True):
    lines.append(f"{key}\t{short}\t{long_name}" if long_name and len(key) == 6 else f"{key}\t{short}")
for key, short, _ in entries(wka, False):
    lines.append(f"{key}\t{short}")
text = ("\n".join(lines) + "\n").encode()
packer = zlib.compressobj(9, zlib.DEFLATED, -15)
packed = packer.compress(text) + packer.flush()
open(out, "wb").write(packed)
print(f"{len(lines)} entries, {len(text)} bytes of text, {len(packed)} bytes packed -> {out}")
