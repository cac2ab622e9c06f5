#!/usr/bin/env bash
# Records what tshark 4.0 prints for the name-resolution fields on the textbook captures and
# on tests/data/names/dns_names.pcap, with names on (-N mntd: tshark needs n for host names;
# sockeye's -N mtd is the same) and off (-n). tests/integration/names.rs compares sockeye
# with these files; run this only to re-record (needs tshark).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=tests/data/names
FIELDS=(frame.number _ws.col.Protocol _ws.col.Source _ws.col.Destination _ws.col.Info
        eth.src_resolved eth.dst_resolved eth.addr_resolved eth.src.oui eth.dst.oui
        eth.src.oui_resolved eth.addr.oui_resolved ip.src_host ip.dst_host ip.host
        ipv6.src_host ipv6.dst_host ipv6.host)
args=()
for f in "${FIELDS[@]}"; do args+=(-e "$f"); done
for cap in captures/textbook/*.pcap* "$OUT/dns_names.pcap"; do
    name=$(basename "${cap%.*}")
    for mode in on off; do
        flag=(-N mntd); [[ $mode == off ]] && flag=(-n)
        tshark "${flag[@]}" -r "$cap" -T fields -E header=y -E occurrence=a -E aggregator=, \
            "${args[@]}" > "$OUT/$name.$mode.tsv" 2>/dev/null
    done
done
ls "$OUT" | wc -l
