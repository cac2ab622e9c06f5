//! Fuzz target `app_http`: see `harness::app_http` (shared with the regression replay test, so a
//! crash found here is replayed by `cargo test` from tests/data/regressions/app_http/).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::app_http(data));
