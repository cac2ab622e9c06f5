//! Fuzz target `read_capture`: see `harness::read_capture` (shared with the regression replay test, so a
//! crash found here is replayed by `cargo test` from tests/data/regressions/read_capture/).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::read_capture(data));
