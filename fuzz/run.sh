#!/usr/bin/env bash
# Runs each fuzz target for FUZZ_SECONDS (default 60), one after the other, niced, on the
# stable toolchain. Usage: fuzz/run.sh [TARGET...]   (default: every target)
#
# Stable Rust: cargo-fuzz's default AddressSanitizer needs `-Zsanitizer`, a nightly flag, so
# we build with `--sanitizer none` (libFuzzer's coverage instrumentation is stable codegen).
# sockeye is safe Rust; what we hunt is panics, overflows (-a keeps debug assertions and
# overflow checks on), hangs and runaway allocations (-rss_limit_mb), none of which need
# ASan. FUZZ_SANITIZER=address runs ASan on stable through RUSTC_BOOTSTRAP=1 (works, ~9x
# slower: 4k vs 36k execs/s on read_capture).
#
# Crashes land in fuzz/artifacts/TARGET/; keep each one, after the fix, under
# tests/data/regressions/TARGET/ (see its README) so `cargo test` replays it.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${FUZZ_SECONDS:-60}
sanitizer=${FUZZ_SANITIZER:-none}
target_dir=${FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-target}/fuzz}
all=(decode_frame read_capture tcp_analysis filter_parse app_dns app_http app_tls app_dhcp app_text app_stream)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz/run.sh: cargo-fuzz is not installed: cargo install cargo-fuzz --locked" >&2
    exit 2
fi
if [ "$sanitizer" != none ]; then
    export RUSTC_BOOTSTRAP=1
fi

./seed.sh
mkdir -p logs
build=(-s "$sanitizer" -a --target-dir "$target_dir")
nice -n 19 cargo fuzz build "${build[@]}"

status=0
for target in "${targets[@]}"; do
    log=logs/$target.log
    echo "fuzz/run.sh: $target for ${seconds}s (log: fuzz/$log)"
    # -rss_limit_mb: a hostile length must never turn into a big allocation.
    # -timeout: one input taking seconds is a hang worth reporting.
    if ! nice -n 19 cargo fuzz run "${build[@]}" "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 \
        >"$log" 2>&1; then
        status=1
        echo "fuzz/run.sh: $target CRASHED; input in fuzz/artifacts/$target/:" >&2
        grep -E "panicked|ERROR: libFuzzer|Test unit written" "$log" >&2 || tail -20 "$log" >&2
    fi
    grep -E "^Done [0-9]+ runs|stat::number_of_executed_units" "$log" || true
done
exit $status
