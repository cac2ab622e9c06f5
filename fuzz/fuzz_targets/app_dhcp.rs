//! Fuzz target `app_dhcp`: see `harness::app_dhcp` (shared with the regression replay test, so a
//! crash found here is replayed by `cargo test` from tests/data/regressions/app_dhcp/).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::app_dhcp(data));
