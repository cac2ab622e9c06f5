//! Hostile captures: the shipped captures truncated and bit-flipped, and hand-made files and
//! frames whose lengths lie. Through the library and the real binary, every one must end in
//! a sensible, explained result: no panic (exit 101), exit 0 or 2, the packets before the
//! damage printed as if undamaged, the damage named with its byte offset, bounded memory.
//!
//! `cargo test --test hostile -- --nocapture` prints how many cases each test ran.

#[path = "hostile/build.rs"]
mod build;
#[path = "hostile/cases.rs"]
mod cases;
#[path = "hostile/damage.rs"]
mod damage;
#[path = "hostile/kit.rs"]
mod kit;

/// Reports a test's case count (visible with --nocapture; the suite's size is part of its
/// claim).
fn counted(what: &str, n: usize) {
    eprintln!("hostile: {n} cases: {what}");
}
