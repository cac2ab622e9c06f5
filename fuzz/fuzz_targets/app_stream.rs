//! Fuzz target `app_stream`: see `harness::app_stream` (shared with the regression replay test, so a
//! crash found here is replayed by `cargo test` from tests/data/regressions/app_stream/).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::app_stream(data));
