#!/bin/sh
# `make bench-run`: a bulk TCP transfer over loopback (SIZE_MIB, default 1024) untraced, then
# under `sockeye run` (calls traced, printed to /dev/null), both in a private network
# namespace. Prints each throughput, the ratio and the traced call count.
set -eu
SIZE_MIB=${SIZE_MIB:-1024}
BIN=${BIN:-./target/release/sockeye}
PY=benches/bulk_tcp.py
untraced=$(unshare --user --map-root-user --net sh -c "ip link set lo up && python3 $PY $SIZE_MIB")
traced_out=$(mktemp)
"$BIN" run -H -- python3 "$PY" "$SIZE_MIB" > "$traced_out" 2> "$traced_out.err"
traced=$(grep -E '^[0-9]+$' "$traced_out" | tail -n 1)
calls=$(grep -c '() fd' "$traced_out" || true)
echo "bulk TCP ${SIZE_MIB} MiB over loopback"
echo "  untraced:           ${untraced} MiB/s"
echo "  under sockeye run:  ${traced} MiB/s ($calls socket calls traced)"
awk -v a="$traced" -v b="$untraced" 'BEGIN { printf "  ratio traced/untraced: %.2f\n", a / b }'
tail -n 1 "$traced_out.err"
rm -f "$traced_out" "$traced_out.err"
