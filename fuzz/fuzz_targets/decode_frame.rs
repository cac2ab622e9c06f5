//! Fuzz target `decode_frame`: see `harness::decode_frame` (shared with the regression replay test, so a
//! crash found here is replayed by `cargo test` from tests/data/regressions/decode_frame/).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::decode_frame(data));
