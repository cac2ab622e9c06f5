//! Fuzz target `app_dns`: see `harness::app_dns` (shared with the regression replay test, so a
//! crash found here is replayed by `cargo test` from tests/data/regressions/app_dns/).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::app_dns(data));
