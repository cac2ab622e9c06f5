# sockeye — the two commands a newcomer needs are `make demo` and `make test`.
CARGO ?= cargo

.PHONY: demo test fmt lint unit bench bench-ui bench-live bench-run bench-merge bench-pipe fuzz captures clean man sockeye-bin

## Watch sockeye work: the terminal UI watching the built-in TCP/UDP endpoints run every
## teaching scenario in a loop, in a private network namespace (no sudo where user
## namespaces are allowed). Press ? for keys, 2 for the ladder, q to quit.
## `cargo run` finds the binary wherever CARGO_TARGET_DIR puts it.
demo:
	$(CARGO) run --release --quiet --bin sockeye -- demo

## Everything CI checks: formatting, lints (warnings are errors), all tests.
test: fmt lint unit

fmt:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --all-targets -- -D warnings

unit:
	$(CARGO) test --all-targets

## Throughput against tcpdump on a generated 1,000,000-packet capture (prints ratios, RSS).
bench:
	$(CARGO) build --release --quiet --bin sockeye --bin sockeye-gen
	./benches/read_bench.sh

## Several sources merged by time: 2 x 500,000 packets merged vs one 1,000,000-packet file
## (ratio, target >= 80%).
bench-merge:
	./benches/merge_bench.sh

## A pipe source (`sockeye -i lo -w - | sockeye -r -`) under a 300,000 packets/s loopback
## flood, bounded: sent, captured by the producer, read by the reader.
bench-pipe:
	./benches/pipe_flood.sh 5 300000

## Live capture under a bounded loopback UDP flood: sockeye's ring vs tcpdump vs pnet.
bench-live:
	./benches/live_flood.sh 5

## A 1 GiB bulk TCP transfer over loopback, untraced and under `sockeye run` (SIZE_MIB=N for
## another size): throughput of each and their ratio.
bench-run:
	$(CARGO) build --release --quiet --bin sockeye
	./benches/run_bench.sh

## The terminal UI on the 1,000,000-packet capture: first screen, indexing, memory, draw
## time, idle CPU.
bench-ui:
	./benches/ui_bench.sh

## Fuzz each target for FUZZ_SECONDS (default 60) on stable (see fuzz/run.sh); needs
## `cargo install cargo-fuzz --locked`. Not part of `make test`: crashes found become
## regression inputs under tests/data/regressions/, which `make test` replays.
FUZZ_SECONDS ?= 60
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./fuzz/run.sh

## The manual page, from the same definitions as --help: `man -l sockeye.1` to read it.
man:
	$(CARGO) run --release --quiet -- man > sockeye.1

clean:
	$(CARGO) clean

## Re-record captures/scenarios/ (needs root for the two-host lab; each scenario is run by
## sockeye itself and saved with -w). Loopback variants run in a private network namespace.
SCENARIOS = handshake echo bulk half-close reset refused udp udp-vs-tcp
## The binary's path is asked of cargo (it honours CARGO_TARGET_DIR and .cargo/config).
SOCKEYE_BIN = $$($(CARGO) metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/release/sockeye
## Where the release binary is (for scripts, and the test that CARGO_TARGET_DIR is honoured).
sockeye-bin:
	@echo $(SOCKEYE_BIN)

captures:
	$(CARGO) build --release --quiet --bin sockeye
	mkdir -p captures/scenarios
	bin=$(SOCKEYE_BIN); test -x "$$bin" || { echo "no sockeye binary at $$bin"; exit 1; }; \
	for s in $(SCENARIOS); do \
	  unshare --net sh -c "ip link set lo up && \"$$bin\" lab run $$s -w captures/scenarios/$$s-loopback.pcapng" >/dev/null && \
	  "$$bin" lab run $$s --netns -w captures/scenarios/$$s-lab.pcapng >/dev/null || exit 1; \
	done
