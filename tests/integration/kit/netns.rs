//! Private network namespaces: a test re-runs itself (this very test binary) inside
//! `unshare --user --map-root-user --net` with `lo` up, so it sees only its own loopback
//! traffic and needs no root; or runs the real binary in one. Where no namespace can be made,
//! the test prints `SKIPPED <test>: <reason>` — it never passes silently.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use super::process::wait_output;
use super::SOCKEYE;

/// Set in the environment of the inner run.
const IN_NETNS: &str = "SOCKEYE_TEST_IN_NETNS";
const LO_UP: &str = r#"ip link set lo up && exec "$0" "$@""#;

/// Whether a user + network namespace with `lo` up can be made here (the probe does what the
/// real run does, so a missing `ip` is a reason too).
fn probe() -> Result<(), String> {
    let out = Command::new("unshare")
        .args(["--user", "--map-root-user", "--net", "sh", "-c"])
        .arg("ip link set lo up")
        .output()
        .map_err(|e| format!("cannot run unshare: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "no user+network namespace with lo up: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The name libtest knows a test by: `module` as `module_path!()` gives it, without the
/// crate's name, then `::test`.
fn test_name(module: &str, test: &str) -> String {
    match module.split_once("::") {
        Some((_, inner)) => format!("{inner}::{test}"),
        None => test.to_string(),
    }
}

/// True when running inside the namespace (run the body); false in the outer process,
/// after the inner run finished and its result was asserted (or the test was skipped).
/// Call as `enter(module_path!(), "the_test_fn")`.
pub fn enter(module: &str, test: &str) -> bool {
    if std::env::var_os(IN_NETNS).is_some() {
        return true;
    }
    let name = test_name(module, test);
    if let Err(why) = probe() {
        eprintln!("SKIPPED {name}: {why}");
        return false;
    }
    let exe = std::env::current_exe().expect("test binary path");
    let child = Command::new("unshare")
        .args(["--user", "--map-root-user", "--net", "sh", "-c", LO_UP])
        .arg(exe)
        .args(["--exact", &name, "--nocapture", "--test-threads=1"])
        .env(IN_NETNS, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn unshare");
    let out = wait_output(child, Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("--- inner run of {name} ---\n{stdout}\n{stderr}");
    assert!(out.status.success(), "inner run of {name} failed");
    assert!(stdout.contains("1 passed"), "inner run did not run {name}");
    false
}

/// Runs the real binary with `args` in a fresh network namespace with `lo` up (a user
/// namespace, or as root a plain network namespace). `Err` = none can be made here (the
/// skip reason), or the binary said it runs without packets.
pub fn run_sockeye(args: &[&str]) -> Result<Output, String> {
    let mut attempts: Vec<Vec<&str>> = vec![vec!["--user", "--map-root-user", "--net"]];
    if sockeye::sys::is_root() {
        attempts.push(vec!["--net"]);
    }
    let mut why = String::new();
    for flags in attempts {
        let out = Command::new("unshare")
            .args(&flags)
            .args(["sh", "-c", LO_UP, SOCKEYE])
            .args(args)
            .output()
            .map_err(|e| format!("cannot run unshare: {e}"))?;
        let err = String::from_utf8_lossy(&out.stderr);
        if out.status.success() && !err.contains("running without packets") {
            return Ok(out);
        }
        why = format!("unshare {}: {}", flags.join(" "), err.trim());
    }
    Err(why)
}

/// Whether `unshare ARGS true` works here; `Err` is unshare's complaint (the skip reason).
pub fn unshare_works(args: &[&str]) -> Result<(), String> {
    let out = Command::new("unshare")
        .args(args)
        .arg("true")
        .output()
        .map_err(|e| format!("cannot run unshare: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}
