//! Fuzz target `app_tls`: see `harness::app_tls` (shared with the regression replay test, so a
//! crash found here is replayed by `cargo test` from tests/data/regressions/app_tls/).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::app_tls(data));
