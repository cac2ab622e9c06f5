//! Fuzz target `tcp_analysis`: see `harness::tcp_analysis` (shared with the regression replay test, so a
//! crash found here is replayed by `cargo test` from tests/data/regressions/tcp_analysis/).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::tcp_analysis(data));
