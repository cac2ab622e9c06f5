//! The codebase's own guard rails, checked on the sources and the shipped binary: `unsafe`
//! only where the crate allows it, the no-panic lints in force where packet bytes are
//! touched, and no test-only hook left in the binary's interface.

use std::path::{Path, PathBuf};

use crate::kit::{root, sockeye, stderr, stdout, SOCKEYE};

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read source dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Lines of `text` that are code (not comments), with their numbers.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_start()))
        .filter(|(_, l)| !l.starts_with("//"))
}

#[test]
fn unsafe_code_lives_only_in_the_system_call_modules_and_the_ring() {
    let src = root().join("src");
    let allowed = |p: &Path| {
        p == src.join("sys.rs")
            || p == src.join("trace/sys.rs")
            || p.starts_with(src.join("source/ring"))
    };
    let mut found = Vec::new();
    for file in rust_files(&src) {
        let text = std::fs::read_to_string(&file).expect("read source");
        for (n, line) in code_lines(&text) {
            let says_unsafe = line.contains("unsafe ") || line.contains("unsafe{");
            // The only places that may lift the crate-wide deny are the module
            // declarations that name the allowed modules.
            let lifts_deny = line.contains("allow(unsafe_code)");
            if (says_unsafe && !allowed(&file)) || lifts_deny {
                found.push(format!("{}:{n}: {line}", file.display()));
            }
        }
    }
    let lifts: Vec<&String> = found
        .iter()
        .filter(|l| l.contains("allow(unsafe_code)"))
        .collect();
    assert_eq!(
        lifts.len(),
        3,
        "allow(unsafe_code) only on `mod sys`, `trace::sys` and `mod ring`: {lifts:#?}"
    );
    let stray: Vec<&String> = found
        .iter()
        .filter(|l| !l.contains("allow(unsafe_code)"))
        .collect();
    assert!(
        stray.is_empty(),
        "unsafe outside sys and the ring: {stray:#?}"
    );
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    assert!(
        lib.contains("#![deny(unsafe_code)]"),
        "the crate denies unsafe"
    );
}

#[test]
fn every_unsafe_block_states_why_it_is_safe() {
    let src = root().join("src");
    let mut missing = Vec::new();
    for file in rust_files(&src) {
        let text = std::fs::read_to_string(&file).expect("read source");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//")
                || !(code.contains("unsafe {") || code.contains("unsafe impl"))
            {
                continue;
            }
            // The SAFETY comment sits in the comment block right above the statement.
            let above = lines[..i]
                .iter()
                .rev()
                .take_while(|l| !l.trim().is_empty() && !l.trim_start().ends_with('{'))
                .take(8)
                .any(|l| l.contains("SAFETY:"));
            let same = line.contains("SAFETY:");
            if !above && !same {
                missing.push(format!("{}:{}: {}", file.display(), i + 1, code));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "unsafe without a SAFETY comment: {missing:#?}"
    );
}

#[test]
fn packet_touching_modules_deny_panicking_access() {
    for root_file in [
        "src/pcapio/mod.rs",
        "src/source/mod.rs",
        "src/analysis/mod.rs",
    ] {
        let text = std::fs::read_to_string(root().join(root_file)).expect("module root");
        for lint in [
            "clippy::unwrap_used",
            "clippy::expect_used",
            "clippy::panic",
            "clippy::indexing_slicing",
        ] {
            let deny = text.find("#![deny(").map(|at| &text[at..]);
            let listed = deny
                .and_then(|d| d.find(')').map(|end| &d[..end]))
                .is_some_and(|d| d.contains(lint));
            assert!(listed, "{root_file} does not deny {lint}");
        }
    }
}

#[test]
fn test_hooks_are_not_in_the_shipped_binary() {
    let help = sockeye(&["--help"]);
    assert!(help.status.success());
    let help = stdout(&help);
    assert!(!help.contains("bench"), "{help}");
    let out = sockeye(&["--bench-draw", "x.pcap"]);
    assert_eq!(out.status.code(), Some(2), "--bench-draw is not an option");
    assert!(stderr(&out).contains("--bench-draw"), "{}", stderr(&out));
    // Nothing in the binary reads a test-only environment variable.
    let binary = std::fs::read(SOCKEYE).expect("read the binary");
    for hook in [&b"SOCKEYE_TEST_PANIC"[..], b"bench-draw"] {
        assert!(
            !binary.windows(hook.len()).any(|w| w == hook),
            "{} is still in the binary",
            String::from_utf8_lossy(hook)
        );
    }
}
