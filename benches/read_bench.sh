#!/usr/bin/env bash
# Headless read throughput: sockeye vs tcpdump on the same generated 1,000,000-packet capture.
# Prints packets/s for both, the ratio, and sockeye's peak RSS; then -T fields against the
# summary lines and (when installed) against tshark on the same columns. A benchmark, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-1000000}
DATA=bench-data
BIG=$DATA/big.pcap
mkdir -p "$DATA"
if ! command -v tcpdump >/dev/null; then
    echo "installing tcpdump for the comparison"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcpdump
fi
if [[ ! -s $BIG ]]; then
    echo "generating $BIG ($COUNT packets)"
    ./target/release/sockeye-gen "$BIG" "$COUNT" 1
fi
python3 benches/measure.py "$BIG" "$COUNT" "$@"
