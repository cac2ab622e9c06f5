#!/usr/bin/env python3
"""Records what tshark 4.0 prints for resolved names in its details tree (-V) and its JSON,
on the textbook captures and tests/data/names/dns_names.pcap, with names on (-N mntd) and
off (-n). tests/integration/names_tree.rs compares sockeye with these files; run this only
to re-record (needs tshark).

tests/data/names/tree/NAME.verbose.tsv: every line of tshark's -V tree that names change,
    FRAME <TAB> the line with -n <TAB> the line with -N mntd
  (the two trees have the same lines in the same order; only those that differ are kept, so
  the file holds exactly what name resolution does to the tree).
tests/data/names/tree/NAME.json.tsv: tshark's -T json name fields,
    FRAME <TAB> PATH <TAB> value with -n <TAB> value with -N mntd
  PATH being the keys from the packet's layers down (eth/eth.dst_tree/eth.dst_resolved), for
  the fields sockeye fills: eth.{dst,src}_resolved, eth.{dst,src}.oui[_resolved],
  ip(v6).{src,dst}_host.

Checksums are verified and TZ=UTC, as tests/data/verbose/ is recorded."""
import glob, json, os, subprocess

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out_dir = os.path.join(root, "tests/data/names/tree")
NAMES = {"eth.dst_resolved", "eth.src_resolved", "eth.dst.oui", "eth.src.oui",
         "eth.dst.oui_resolved", "eth.src.oui_resolved", "ip.src_host", "ip.dst_host",
         "ipv6.src_host", "ipv6.dst_host"}
CHECKS = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
          "-o", "udp.check_checksum:TRUE"]


def tshark(args):
    env = dict(os.environ, TZ="UTC")
    return subprocess.run(["tshark", *args], capture_output=True, text=True, env=env,
                          check=True).stdout


def packets(text):
    frames = []
    for line in text.splitlines():
        if line.startswith("Frame "):
            frames.append([])
        if frames and line.strip():
            frames[-1].append(line.rstrip())
    return frames


def walk(obj, path, out):
    # tshark's JSON repeats keys; json.loads keeps the last, so read pairs.
    for key, value in obj:
        here = f"{path}/{key}" if path else key
        if isinstance(value, list) and value and isinstance(value[0], tuple):
            walk(value, here, out)
        elif key in NAMES:
            out.append((here, value))


captures = sorted(glob.glob(os.path.join(root, "captures/textbook/*.pcap*")))
captures.append(os.path.join(root, "tests/data/names/dns_names.pcap"))
for cap in captures:
    name = os.path.basename(cap).split(".")[0]
    if name == "80211beacon":
        continue
    plain = packets(tshark(["-n", "-V", *CHECKS, "-r", cap]))
    named = packets(tshark(["-N", "mntd", "-V", *CHECKS, "-r", cap]))
    rows = []
    for number, (a, b) in enumerate(zip(plain, named), 1):
        assert len(a) == len(b), f"{name} frame {number}: names changed the line count"
        rows += [f"{number}\t{x}\t{y}" for x, y in zip(a, b) if x != y]
    with open(os.path.join(out_dir, f"{name}.verbose.tsv"), "w") as f:
        f.write("".join(r + "\n" for r in rows))
    docs = [json.loads(tshark([*mode, "-T", "json", "-r", cap]), object_pairs_hook=lambda p: p)
            for mode in (["-n"], ["-N", "mntd"])]
    rows = []
    for number, (a, b) in enumerate(zip(*docs), 1):
        fields = []
        for doc in (a, b):
            layers = dict(dict(doc)["_source"])["layers"]
            found = []
            walk(layers, "", found)
            fields.append(found)
        assert [p for p, _ in fields[0]] == [p for p, _ in fields[1]], name
        rows += [f"{number}\t{p}\t{x}\t{y}" for (p, x), (_, y) in zip(*fields)]
    with open(os.path.join(out_dir, f"{name}.json.tsv"), "w") as f:
        f.write("".join(r + "\n" for r in rows))
    print(name, len(plain), "frames")
