#!/usr/bin/env python3
"""Records which name tshark 4.0 gives every TCP and UDP port with `-N t`:
tests/data/names/ports_tshark.tsv, one line per port tshark names (`PROTO<TAB>PORT<TAB>NAME`),
ports it leaves as numbers absent. tests/integration/names_ports.rs checks sockeye's table
against it, port by port.

How: a capture holding, for every port 0-65535, one TCP SYN and one empty UDP datagram from
that port to itself (built here, in a temporary directory, not kept), read by
`tshark -N t -O tcp,udp`; the name is taken from the `Source Port: NAME (PORT)` lines.

Usage: tools/ports_record.py   (needs tshark; run from anywhere)"""
import os, re, struct, subprocess, sys, tempfile

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out = os.path.join(root, "tests/data/names/ports_tshark.tsv")


def frame(proto, port):
    l4 = (struct.pack(">HHIIBBHHH", port, port, 0, 0, 0x50, 0x02, 1024, 0, 0) if proto == 6
          else struct.pack(">HHHH", port, port, 8, 0))
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000, 64, proto, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + l4


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "ports.pcap")
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        n = 0
        for proto in (6, 17):
            for port in range(65536):
                data = frame(proto, port)
                f.write(struct.pack("<IIII", n // 1000, n % 1000, len(data), len(data)) + data)
                n += 1
    text = subprocess.run(["tshark", "-N", "t", "-r", path, "-O", "tcp,udp"],
                          capture_output=True, text=True, check=True).stdout

names = []
proto = None
for line in text.splitlines():
    if line.startswith("Transmission Control Protocol"):
        proto = "tcp"
    elif line.startswith("User Datagram Protocol"):
        proto = "udp"
    m = re.match(r"    Source Port: (.*) \((\d+)\)$", line)
    if m and proto and m.group(1) != m.group(2):
        names.append((proto, int(m.group(2)), m.group(1)))
with open(out, "w") as f:
    f.write("# tshark 4.0.17 -N t: the name of every TCP/UDP port it names (tools/ports_record.py)\n")
    for proto, port, name in names:
        f.write(f"{proto}\t{port}\t{name}\n")
print(f"{len(names)} named ports -> {out}", file=sys.stderr)
