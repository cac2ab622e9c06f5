#!/usr/bin/env bash
# Merging by time (not a test): `sockeye -r A -r B` over two generated 500,000-packet
# captures whose packets interleave, against `sockeye -r AB` over one 1,000,000-packet file
# holding the same packets already in order. Prints packets/s of each and the ratio
# (target: merging runs at >= 80% of reading the single file), for -q and -T fields
# (with and without the two-vantage pairing).
#
# usage: benches/merge_bench.sh [RUNS=3]   (COUNT=N for another size of each half)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
HALF=${COUNT:-500000}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin sockeye --bin sockeye-gen
SOCKEYE=$TARGET/release/sockeye
DATA=bench-data
mkdir -p "$DATA"
A=$DATA/merge-a-$HALF.pcap
B=$DATA/merge-b-$HALF.pcap
AB=$DATA/merge-ab-$HALF.pcap
[[ -s $A ]] || "$TARGET/release/sockeye-gen" "$A" "$HALF" 1
[[ -s $B ]] || "$TARGET/release/sockeye-gen" "$B" "$HALF" 2
# The single file: the same packets in merged order (written by the merge itself, and
# checked to hold all of them).
[[ -s $AB ]] || "$SOCKEYE" -r "$A" -r "$B" -w "$AB" 2>/dev/null
total=$("$SOCKEYE" -r "$AB" -T fields -e frame.number | tail -1)
echo "inputs: 2 x $HALF packets ($A, $B); single file $AB: $total packets"

# best-of-RUNS wall time of a command, in seconds
best() {
    local best=""
    for _ in $(seq "$RUNS"); do
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s.%N)
        best=$(awk -v a="$t0" -v b="$t1" -v best="$best" \
            'BEGIN { t = b - a; if (best == "" || t < best) print t; else print best }')
    done
    echo "$best"
}

# The last mode reads sockeye.vantage.*, so the merge also pairs the two sources'
# sightings (the others skip it: nothing they print reads it).
for mode in "-q" "-T fields -e frame.number -e ip.src -e tcp.seq" \
    "-T fields -e frame.number -e ip.src -e tcp.seq -e sockeye.vantage.delay"; do
    # shellcheck disable=SC2086
    single=$(best "$SOCKEYE" -r "$AB" $mode)
    # shellcheck disable=SC2086
    merged=$(best "$SOCKEYE" -r "$A" -r "$B" $mode)
    awk -v s="$single" -v m="$merged" -v n="$total" -v mode="$mode" 'BEGIN {
        printf "%-70s one file %6.2f s (%7.0f pkt/s)  merged %6.2f s (%7.0f pkt/s)  merge/one = %3.0f%%\n",
            mode, s, n / s, m, n / m, 100 * s / m }'
done
