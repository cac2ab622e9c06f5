#!/bin/sh
# Live-capture benchmark (not a test): a bounded loopback UDP flood (SECS seconds, at most
# 20M datagrams) captured to /dev/null by sockeye's ring backend, by tcpdump and by
# sockeye's pnet backend — one after the other, each in its own private user+network
# namespace so nothing else is on `lo`. Prints captured/sent and kernel drops.
#
# usage: benches/live_flood.sh [SECS=5]
# needs: release builds of sockeye and the udp_flood example (built here), unshare, ip;
#        tcpdump optional (skipped with a note when missing).
set -eu
SECS=${1:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
(cd "$ROOT" && cargo build --release --quiet --bin sockeye --example udp_flood)
SOCKEYE=$TARGET/release/sockeye
FLOOD=$TARGET/release/examples/udp_flood
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# A private network namespace. As real root, a network namespace alone: tcpdump's
# setgroups() (part of -Z) is refused inside a user namespace. Otherwise a user namespace
# too, where tcpdump may refuse to start (reported as "?").
if [ "$(id -u)" = 0 ]; then
    NS="unshare --net"
else
    NS="unshare --user --map-root-user --net"
fi

# run NAME COPIES CAPTURE-COMMAND...: capture in a fresh namespace while the flood runs.
# COPIES: how many frames a lossless capture records per datagram (2 for pnet on lo).
run() {
    name=$1; copies=$2; shift 2
    $NS sh -c '
        ip link set lo up
        "$@" 2>"$OUT_DIR/err" &
        cap=$!
        sleep 1
        "$FLOOD" "$SECS" 20000000 64 >"$OUT_DIR/sent"
        sleep 1
        kill -INT $cap 2>/dev/null || cat "$OUT_DIR/err" >&2
        wait $cap || true
    ' sh "$@" </dev/null
    sent=$(cat "$OUT/sent")
    captured=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured.*/\1/p' "$OUT/err")
    dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$OUT/err")
    received=$(sed -n 's/^\([0-9]*\) packets\{0,1\} received by filter.*/\1/p' "$OUT/err")
    pct=$(awk -v c="${captured:-0}" -v s="$sent" -v k="$copies" \
        'BEGIN { if (s > 0) printf "%.1f", 100 * c / (s * k); else print "n/a" }')
    printf '%-16s sent %9s  captured %9s (%5s%%)  received by filter %9s  kernel drops %s\n' \
        "$name" "$sent" "${captured:-?}" "$pct" "${received:--}" "${dropped:--}"
}

export OUT_DIR="$OUT" FLOOD SECS
echo "loopback UDP flood, ${SECS}s, 64-byte payloads, capture to /dev/null"
run "sockeye ring" 1 "$SOCKEYE" -i lo -w /dev/null -B 32
if command -v tcpdump >/dev/null 2>&1; then
    # -Z root: stay uid 0 of the namespace (tcpdump's default user is not mapped there);
    # -B 32768 KiB: the same ring size as sockeye's default.
    run "tcpdump" 1 tcpdump -i lo -w /dev/null -B 32768 -Z root -n
else
    echo "tcpdump          not installed: skipped (apt-get install -y tcpdump)"
fi
run "sockeye pnet" 2 "$SOCKEYE" -i lo -w /dev/null --backend pnet
echo "pnet records every lo datagram twice (outgoing + incoming copy): its % is of 2 x sent."
