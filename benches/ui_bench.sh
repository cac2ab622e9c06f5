#!/usr/bin/env bash
# Terminal UI numbers on the generated 1,000,000-packet capture. A benchmark, not a test.
#   1. in-process (`examples/ui_draw.rs`, TestBackend 120x40): first screen, fully indexed
#      and analysed, frame draw time p50/p99 while scrolling, peak RssAnon;
#   2. the real binary in tmux (120x40): first screen seen in the pane, indexed, peak
#      RssAnon sampled from /proc/PID/status, and idle CPU over 5 s once indexed.
# Targets: first screen <= 0.3 s, indexed <= 2 s, RssAnon <= 150 MB, draw p99 <= 5 ms,
# idle CPU <= 2 %.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-1000000}
BIG=${BIG:-/tmp/big.pcap}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bins --example ui_draw
BIN=$TARGET/release/sockeye
if [[ ! -s $BIG ]]; then
    echo "generating $BIG ($COUNT packets)"
    "$TARGET/release/sockeye-gen" "$BIG" "$COUNT" 1
fi

echo "== in-process (TestBackend 120x40)"
"$TARGET/release/examples/ui_draw" "$BIG"

echo "== real binary in tmux (120x40)"
command -v tmux >/dev/null || { echo "skipped: tmux not installed"; exit 0; }
S=sockeye-ui-bench-$$
start=$(date +%s.%N)
tmux new-session -d -x 120 -y 40 -s "$S" "$BIN -r $BIG --ui"
trap 'tmux kill-session -t "$S" 2>/dev/null || true' EXIT
PID=$(tmux list-panes -t "$S" -F '#{pane_pid}')
peak=0 first="" indexed=""
sample() {
    local kb
    kb=$(awk '/^RssAnon:/ {print $2}' "/proc/$PID/status" 2>/dev/null || echo 0)
    ((kb > peak)) && peak=$kb
    return 0
}
while :; do
    sample
    pane=$(tmux capture-pane -p -t "$S")
    now=$(date +%s.%N)
    if [[ -z $first && $pane == *"Packets "* && $pane == *"TCP"* ]]; then
        first=$(echo "$now - $start" | bc)
    fi
    if [[ -n $first && $pane != *"indexing"* && $pane == *"$COUNT packets"* ]]; then
        indexed=$(echo "$now - $start" | bc)
        break
    fi
    if (($(echo "$now - $start > 60" | bc))); then
        echo "gave up after 60 s"
        break
    fi
    sleep 0.01
done
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
c0=$(cpu)
for _ in $(seq 50); do sample; sleep 0.1; done
c1=$(cpu)
idle=$(echo "scale=2; ($c1 - $c0) * 100 / ($tick * 5)" | bc)
tmux send-keys -t "$S" q
printf 'first screen (pane)   %s s\n' "$first"
printf 'indexed (pane)        %s s\n' "$indexed"
printf 'peak RssAnon          %d MB\n' $((peak / 1024))
printf 'idle CPU              %s %%\n' "$idle"
