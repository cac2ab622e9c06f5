//! Fuzz target `filter_parse`: see `harness::filter_parse` (shared with the regression replay
//! test, so a crash found here is replayed by `cargo test` from
//! tests/data/regressions/filter_parse/).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::filter_parse(data));
