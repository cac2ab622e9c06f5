//! Hostile captures: the shipped captures truncated and bit-flipped, and hand-made files and
//! frames whose lengths lie. Through the library and the real binary, every one must end in
//! a sensible, explained result: no panic (exit 101), exit 0 or 2, the packets before the
//! damage printed as if undamaged, the damage named with its byte offset, bounded memory.
//!
//! `cargo test --test integration hostile -- --nocapture` prints how many cases each test
//! ran.

mod build;
mod cases;
mod damage;
mod harness;

/// Reports a test's case count (visible with --nocapture; the suite's size is part of its
/// claim).
fn counted(what: &str, n: usize) {
    eprintln!("hostile: {n} cases: {what}");
}
