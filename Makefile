# sockeye — the two commands a newcomer needs are `make demo` and `make test`.
CARGO ?= cargo

.PHONY: demo test fmt lint unit bench bench-ui bench-live fuzz clean

## Watch sockeye work: the terminal UI on a shipped capture with retransmissions (press 2
## for the TCP ladder, ? for every key, q to quit), then the headless reader's lines and
## layer tree of the TCP handshake.
demo:
	$(CARGO) build --release --quiet
	./target/release/sockeye -r captures/textbook/tcp_retransmissions.pcapng
	./target/release/sockeye -r captures/textbook/tcp_handshake.pcapng -H
	./target/release/sockeye -r captures/textbook/tcp_handshake.pcapng -V -c 1

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

## The terminal UI on the 1,000,000-packet capture: first screen, indexing, memory, draw
## time, idle CPU.
bench-ui:
	./benches/ui_bench.sh

clean:
	$(CARGO) clean
