#!/bin/sh
# A pipe source under a loopback flood (not a test): a producer captures `lo` and writes
# pcap to a pipe (`sockeye -i lo -w -`, as a remote tcpdump -U -w - would), sockeye reads
# the pipe (`-r -`) while a UDP flood paced at RATE datagrams/s runs for SECS seconds
# (bounded: at most RATE x SECS datagrams), in a private network namespace. Prints what was
# sent, what the producer captured (and the kernel dropped), and what the reader read: a
# pipe loses nothing, so read = captured; the producer keeps up when captured = sent.
# Where the sender cannot reach RATE on the machine, it says so and states the rate
# the run did test. SENDERS threads share the flood (one thread's loopback sends stop near
# 250k/s on a small machine).
#
# usage: benches/pipe_flood.sh [SECS=5] [RATE=300000] [SENDERS=2]
set -eu
SECS=${1:-5}
RATE=${2:-300000}
SENDERS=${3:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
(cd "$ROOT" && cargo build --release --quiet --bin sockeye --example udp_flood)
SOCKEYE=$TARGET/release/sockeye
FLOOD=$TARGET/release/examples/udp_flood
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
if [ "$(id -u)" = 0 ]; then NS="unshare --net"; else NS="unshare --user --map-root-user --net"; fi
MAX=$((RATE * SECS))
export OUT SOCKEYE FLOOD SECS RATE MAX SENDERS
$NS sh -c '
    ip link set lo up
    mkfifo "$OUT/pipe"
    "$SOCKEYE" -r "$OUT/pipe" -T fields -e frame.number >"$OUT/read" 2>"$OUT/reader" &
    reader=$!
    "$SOCKEYE" -i lo -w - >"$OUT/pipe" 2>"$OUT/producer" &
    producer=$!
    sleep 1
    start=$(date +%s.%N)
    "$FLOOD" "$SECS" "$MAX" 64 "$RATE" "$SENDERS" >"$OUT/sent"
    end=$(date +%s.%N)
    echo "$start $end" >"$OUT/times"
    sleep 1
    # Ended by pid: the producer on SIGINT, the reader at the end of the pipe.
    kill -INT "$producer"
    wait "$producer" || true
    wait "$reader" || true
' </dev/null
sent=$(cat "$OUT/sent")
captured=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured.*/\1/p' "$OUT/producer")
dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$OUT/producer")
read=$(wc -l <"$OUT/read")
set -- $(cat "$OUT/times")
awk -v s="$sent" -v c="${captured:-0}" -v d="${dropped:-?}" -v r="$read" -v t0="$1" -v t1="$2" \
    -v target="$RATE" -v secs="$SECS" 'BEGIN {
    rate = s / (t1 - t0)
    printf "flood: %d datagrams in %.2f s (%.0f/s)\n", s, t1 - t0, rate
    printf "producer (sockeye -i lo -w -): captured %d (%.1f%% of sent), kernel drops %s\n", c, 100 * c / s, d
    printf "reader (sockeye -r -):         read %d (%.1f%% of captured, %.1f%% of sent)\n", r, 100 * r / (c ? c : 1), 100 * r / s
    # What the run shows, said plainly: the rate asked for is only tested if it was sent.
    printf "target %d/s for %d s: the sender reached %.0f/s (%.0f%% of it)", target, secs, rate, 100 * rate / target
    if (rate < 0.95 * target)
        printf "; the sender is the limit here, so this run tests %.0f/s, not %d/s\n", rate, target
    else
        printf "\n"
    printf "lost between producer and reader (the pipe): %d of %d (%.2f%%)%s\n", c - r, c, 100 * (c - r) / (c ? c : 1), (c == r ? ": none" : "")
    printf "lost before the pipe (capture): %d of %d sent (%.2f%%)\n", s - c, s, 100 * (s - c) / s
}'
