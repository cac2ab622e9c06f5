#!/bin/sh
# `make bench-run`: a bulk TCP transfer over loopback (SIZE_MIB, default 1024) untraced, then
# under `sockeye run` (calls traced, printed to a file), both in a private network namespace,
# with the release build. Prints each throughput, the ratio, the traced calls and calls/s,
# and the machine's load (the figures mean little on a busy machine).
set -eu
SIZE_MIB=${SIZE_MIB:-1024}
BIN=${BIN:-${CARGO_TARGET_DIR:-./target}/release/sockeye}
PY=benches/bulk_tcp.py
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
untraced=$(unshare --user --map-root-user --net sh -c "ip link set lo up && python3 $PY $SIZE_MIB")
traced_out=$(mktemp)
"$BIN" run -H -- python3 "$PY" "$SIZE_MIB" > "$traced_out" 2> "$traced_out.err"
# The program's own line: MiB/s and seconds.
traced=$(grep -E '^[0-9]+ [0-9.]+$' "$traced_out" | tail -n 1)
calls=$(grep -c '() fd' "$traced_out" || true)
echo "bulk TCP ${SIZE_MIB} MiB over loopback"
echo "  untraced:           ${untraced%% *} MiB/s (${untraced##* } s)"
echo "  under sockeye run:  ${traced%% *} MiB/s (${traced##* } s, $calls socket calls traced)"
awk -v a="${traced%% *}" -v b="${untraced%% *}" -v n="$calls" -v s="${traced##* }" 'BEGIN {
    printf "  ratio traced/untraced: %.2f\n", a / b
    printf "  traced calls/s: %.0f\n", n / s
}'
tail -n 1 "$traced_out.err"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$traced_out" "$traced_out.err"
