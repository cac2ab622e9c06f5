#!/usr/bin/env python3
"""Packs Wireshark's `services` file into src/names/data/services.deflate: the TCP and UDP
service names tshark prints with `-N t` (`http(80)`, `Src Port: slm-api (1606)`).

Source: Debian's wireshark-common 4.0.17-0+deb12u3 (Wireshark v4.0.17), whose
/usr/share/wireshark/services is IANA's Service Name and Transport Protocol Port Number
Registry as Wireshark ships it: the same table the tshark the differential tests were
recorded with uses (tests/data/names/ports_tshark.tsv, tools/ports_record.py).

Output, before raw-deflate compression (zlib level 9, no header): one line per named port,
sorted by port,
    PORT <TAB> TCP name <TAB> UDP name
an empty cell where that transport has no name. Port ranges (`x11 6000-6063/tcp/udp`) are
expanded; when a port is listed twice, the first name wins, as in tshark (SCTP and DCCP
entries are left out: sockeye resolves TCP and UDP ports).

Usage: tools/ports_table.py [SERVICES [OUT]]"""
import sys, zlib

services = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wireshark/services"
out = sys.argv[2] if len(sys.argv) > 2 else "src/names/data/services.deflate"

names = {"tcp": {}, "udp": {}}
for raw in open(services, encoding="utf-8"):
    cols = raw.split("#", 1)[0].split()
    if len(cols) < 2:
        continue
    name, spec = cols[0], cols[1]
    ports, *protos = spec.split("/")
    low, _, high = ports.partition("-")
    if not low.isdigit() or not (high or low).isdigit():
        continue
    for proto in protos:
        if proto in names:
            for port in range(int(low), int(high or low) + 1):
                names[proto].setdefault(port, name)

ports = sorted(set(names["tcp"]) | set(names["udp"]))
text = "".join(f"{p}\t{names['tcp'].get(p, '')}\t{names['udp'].get(p, '')}\n" for p in ports).encode()
packer = zlib.compressobj(9, zlib.DEFLATED, -15)
packed = packer.compress(text) + packer.flush()
open(out, "wb").write(packed)
print(f"{len(ports)} ports ({len(names['tcp'])} TCP, {len(names['udp'])} UDP names), "
      f"{len(text)} bytes of text, {len(packed)} bytes packed -> {out}")
