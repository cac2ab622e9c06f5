#!/bin/sh
# Live UI memory benchmark (not a test): the terminal UI captures `lo` under tmux, in a
# private user+network namespace, while a bounded loopback UDP flood runs; every 10 s it
# prints sockeye's RSS (VmRSS from /proc/PID/status), its store status and the flood's
# progress. With `--store-limit MiB` the store evicts its oldest packets, so RSS levels
# off near the limit (plus the kernel ring, -B, and the binary) instead of growing.
#
# usage: benches/ui_flood.sh [SECS=120] [LIMIT_MIB=64] [PAYLOAD=64]
# needs: a release build of sockeye and the udp_flood example (built here), unshare, ip,
#        tmux.
set -eu
SECS=${1:-120}
LIMIT=${2:-64}
PAYLOAD=${3:-64}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
# SKIP_BUILD=1: use the release binaries already built.
[ "${SKIP_BUILD:-}" = 1 ] || (cd "$ROOT" && cargo build --release --quiet --bin sockeye --example udp_flood)
export SOCKEYE="$TARGET/release/sockeye" FLOOD="$TARGET/release/examples/udp_flood"
export SECS LIMIT PAYLOAD
if [ "$(id -u)" = 0 ]; then NS="unshare --net"; else NS="unshare --user --map-root-user --net"; fi

$NS sh -c '
    set -eu
    ip link set lo up
    sock="sockeye-ui-flood-$$"
    # A private tmux server (its own socket) inside this namespace.
    tmux -L "$sock" new-session -d -x 160 -y 45 \
        "$SOCKEYE -i lo --ui --store-limit $LIMIT -B 32"
    trap "tmux -L $sock kill-server 2>/dev/null || true" EXIT
    sleep 1
    pid=$(tmux -L "$sock" list-panes -F "#{pane_pid}")
    echo "sockeye pid $pid, store limit ${LIMIT} MiB, flood ${SECS}s of ${PAYLOAD}-byte datagrams"
    "$FLOOD" "$SECS" 2000000000 "$PAYLOAD" >/tmp/ui_flood_sent.$$ &
    flood=$!
    t=0
    printf "%6s %12s %12s  %s\n" "t(s)" "VmRSS(MiB)" "VmHWM(MiB)" "status bar"
    while kill -0 "$flood" 2>/dev/null; do
        rss=$(awk "/^VmRSS:/ {printf \"%.1f\", \$2/1024}" /proc/$pid/status)
        hwm=$(awk "/^VmHWM:/ {printf \"%.1f\", \$2/1024}" /proc/$pid/status)
        bar=$(tmux -L "$sock" capture-pane -p | head -1 | cut -c1-160)
        printf "%6s %12s %12s  %s\n" "$t" "$rss" "$hwm" "$bar"
        sleep 10
        t=$((t + 10))
    done
    rss=$(awk "/^VmRSS:/ {printf \"%.1f\", \$2/1024}" /proc/$pid/status)
    hwm=$(awk "/^VmHWM:/ {printf \"%.1f\", \$2/1024}" /proc/$pid/status)
    bar=$(tmux -L "$sock" capture-pane -p | head -1 | cut -c1-160)
    printf "%6s %12s %12s  %s\n" "end" "$rss" "$hwm" "$bar"
    echo "datagrams sent: $(cat /tmp/ui_flood_sent.$$)"
    rm -f /tmp/ui_flood_sent.$$
    kill -TERM "$pid" 2>/dev/null || true
' </dev/null
