#!/usr/bin/env python3
"""Writes tests/data/names/macs.pcap: Ethernet frames whose source and destination addresses
sample every kind of entry in the packed vendor table (exact well-known addresses, prefixes
of 8 to 47 bits, 24-bit manufacturer prefixes and their multicast twins, addresses no entry
covers), then records tshark's names for them:
    tshark -r macs.pcap -N m -T fields -e frame.number -e eth.src_resolved \
        -e eth.src.oui_resolved -e eth.dst_resolved -e eth.dst.oui_resolved -e _ws.col.Source
into tests/data/names/macs_tshark.tsv. Deterministic (fixed seed)."""
import random, struct, subprocess, zlib

rng = random.Random(20261129)
text = zlib.decompressobj(-15).decompress(open("src/names/data/manuf.deflate", "rb").read()).decode()
keys = []
for line in text.splitlines():
    key = line.split("\t")[0]
    hexdigits, _, bits = key.partition("/")
    bits = int(bits) if bits else 4 * len(hexdigits)
    value = int(hexdigits.ljust(12, "0"), 16)
    keys.append((value, bits))


def fill(value, bits):
    """An address inside the prefix: the bits past it random."""
    free = 48 - bits
    return value | (rng.getrandbits(free) if free else 0)


addresses = []
by_bits = {}
for value, bits in keys:
    by_bits.setdefault(bits, []).append(value)
for bits, values in sorted(by_bits.items()):
    take = values if len(values) <= 40 or bits == 48 else rng.sample(values, 40 if bits != 24 else 300)
    for v in take:
        addresses.append(fill(v, bits))
for v in rng.sample(by_bits[24], 100):
    addresses.append(fill(v, 24) | (1 << 40))  # the multicast twin of a vendor prefix
for _ in range(200):
    addresses.append(rng.getrandbits(48))
addresses.append(0)
addresses.append(0xFFFFFFFFFFFF)
if len(addresses) % 2:
    addresses.append(0x020000000001)

frames = []
for i in range(0, len(addresses), 2):
    dst, src = addresses[i].to_bytes(6, "big"), addresses[i + 1].to_bytes(6, "big")
    frames.append(dst + src + b"\x88\xb5" + bytes(46))
with open("tests/data/names/macs.pcap", "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for n, f in enumerate(frames):
        out.write(struct.pack("<IIII", 1_700_000_000 + n, 0, len(f), len(f)) + f)
cols = ["frame.number", "eth.src_resolved", "eth.src.oui_resolved", "eth.dst_resolved",
        "eth.dst.oui_resolved", "_ws.col.Source", "_ws.col.Destination"]
args = ["tshark", "-r", "tests/data/names/macs.pcap", "-N", "m", "-T", "fields", "-E", "header=y"]
for c in cols:
    args += ["-e", c]
tsv = subprocess.run(args, check=True, capture_output=True, text=True).stdout
open("tests/data/names/macs_tshark.tsv", "w").write(tsv)
print(f"{len(frames)} frames, {len(addresses)} addresses")
