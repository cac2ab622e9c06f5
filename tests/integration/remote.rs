//! Remote capture through stand-in `ssh` and `kubectl` programs (never a real remote host):
//! the arguments they get (options, host, a shell-quoted remote command), the capture they
//! write read as any source, and their failures reported as one line with exit code 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::kit;

const BIN: &str = env!("CARGO_BIN_EXE_sockeye");

fn dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sockeye-remote-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A stand-in program: records its arguments one per line in `argv`, then runs `body`.
fn stand_in(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n{body}\n",
        dir.join("argv").display()
    );
    std::fs::write(&path, script).unwrap();
    let ok = Command::new("chmod").arg("+x").arg(&path).status().unwrap();
    assert!(ok.success());
    path
}

/// An ssh stand-in that runs the remote command line here, as the remote shell would.
const RUN_REMOTE_COMMAND: &str = r#"for last; do :; done
exec sh -c "$last""#;

fn sockeye(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn argv(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("argv"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn ssh_source_reads_the_remote_capture_and_quotes_the_remote_command() {
    let d = dir("ssh");
    let ssh = stand_in(&d, "ssh", RUN_REMOTE_COMMAND);
    let capture = kit::textbook("http_google.pcapng");
    // The remote side replays a capture file to stdout; {iface} proves the interface
    // arrives shell-quoted (as a comment here).
    let remote = format!("{BIN} -r {} -w - # {{iface}}", capture.display());
    let out = sockeye(&[
        "-i",
        "ssh://tester@example.invalid:2222/eth0",
        "--ssh-command",
        ssh.to_str().unwrap(),
        "--remote-capture-command",
        &remote,
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "tcp.stream",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: Vec<String> = (1..=12).map(|n| format!("{n}\t0")).collect();
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected);
    let args = argv(&d);
    assert_eq!(
        &args[..6],
        [
            "-o",
            "BatchMode=yes",
            "-p",
            "2222",
            "tester@example.invalid",
            "--"
        ]
    );
    assert!(args[6].ends_with("# eth0"), "{args:?}");
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn the_default_remote_command_is_tcpdump_with_a_quoted_filter() {
    let d = dir("default");
    // The stand-in only records what it was asked to run, then fails like a host without
    // tcpdump.
    let ssh = stand_in(&d, "ssh", "echo 'sh: 1: tcpdump: not found' >&2\nexit 127");
    let out = sockeye(&[
        "-i",
        "ssh://gw/eth1",
        "--ssh-command",
        ssh.to_str().unwrap(),
        "--remote-filter",
        "tcp port 80 and not host 10.0.0.1",
    ]);
    let remote = argv(&d).last().cloned().unwrap();
    assert_eq!(
        shlex::split(&remote).unwrap(),
        [
            "tcpdump",
            "-U",
            "-w",
            "-",
            "-i",
            "eth1",
            "tcp port 80 and not host 10.0.0.1"
        ]
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("ssh gw:eth1: sh: 1: tcpdump: not found (exit 127)"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn ssh_failures_are_one_clear_line() {
    for (tag, said, code) in [
        (
            "refused",
            "ssh: connect to host nohost port 22: Connection refused",
            255,
        ),
        ("denied", "tester@gw: Permission denied (publickey).", 255),
    ] {
        let d = dir(tag);
        let ssh = stand_in(&d, "ssh", &format!("echo '{said}' >&2\nexit {code}"));
        let out = sockeye(&[
            "-i",
            "ssh://gw/eth0",
            "--ssh-command",
            ssh.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{tag}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&format!("{said} (exit {code})")),
            "{stderr}"
        );
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn hostile_remote_names_never_reach_a_command_line() {
    let d = dir("hostile");
    let ssh = stand_in(&d, "ssh", "exit 0");
    for spec in [
        "ssh://-oProxyCommand=touch${IFS}pwned/eth0",
        "ssh://host/eth0;touch${IFS}pwned",
        "k8s://ns/$(touch pwned)",
    ] {
        let out = sockeye(&["-i", spec, "--ssh-command", ssh.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{spec}");
        assert!(!d.join("argv").exists(), "{spec} ran the stand-in");
    }
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn kubectl_source_passes_namespace_pod_container_and_interface() {
    let d = dir("kube");
    let capture = kit::textbook("tcp_handshake.pcapng");
    // kubectl exec passes the words after `--` straight to the container: run them here.
    let kubectl = stand_in(
        &d,
        "kubectl",
        &format!("exec {BIN} -r {} -w -", capture.display()),
    );
    let out = Command::new(BIN)
        .args([
            "-i",
            "k8s://web/api-0/app/eth0",
            "-T",
            "fields",
            "-e",
            "frame.number",
        ])
        .env("SOCKEYE_KUBECTL", &kubectl)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n2\n3\n");
    assert_eq!(
        argv(&d),
        [
            "exec", "-n", "web", "api-0", "-c", "app", "--", "tcpdump", "-U", "-w", "-", "-i",
            "eth0"
        ]
    );
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn cmd_source_reads_any_commands_capture() {
    let capture = kit::textbook("tcp_handshake.pcapng");
    let out = sockeye(&[
        "-i",
        &format!("cmd://cat {}", capture.display()),
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n2\n3\n");
}

/// Whether a process whose command line is exactly `words` is still running.
fn running(words: &[&str]) -> bool {
    let wanted: Vec<u8> = words
        .iter()
        .flat_map(|w| [w.as_bytes(), b"\0"].concat())
        .collect();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| std::fs::read(e.path().join("cmdline")).is_ok_and(|c| c == wanted))
}

#[test]
fn a_producer_that_never_sends_a_header_is_waited_for_and_sigint_ends_it_at_once() {
    // A stand-in producer that starts and then says nothing, ever (a stalled ssh). The
    // sleep's length is unique to this run, so the check below finds only ours.
    let secs = format!("{}.5", 300 + std::process::id() % 1000);
    let spec = format!("cmd://sleep {secs}");
    let d = dir("stalled");
    let err_file = d.join("stderr");
    let mut child = Command::new(BIN)
        .args(["-i", &spec, "-H"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&err_file).unwrap())
        .spawn()
        .unwrap();
    let said = |text: &str| {
        std::fs::read_to_string(&err_file)
            .unwrap_or_default()
            .contains(text)
    };
    let waiting = (0..40).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        said("waiting for command `sleep")
    });
    assert!(
        waiting,
        "{}",
        std::fs::read_to_string(&err_file).unwrap_or_default()
    );
    assert!(running(&["sleep", &secs]), "the producer runs");
    kit::process::signal(child.id(), libc::SIGINT).unwrap();
    let start = std::time::Instant::now();
    let status = kit::process::wait_status(&mut child, std::time::Duration::from_secs(5));
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(!running(&["sleep", &secs]), "the producer was left behind");
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn the_ui_opens_at_once_and_says_what_it_waits_for() {
    let Some(tmux) = kit::tmux::Tmux::start("stalled-ui", 120, 20, &[]) else {
        return;
    };
    let secs = format!("{}.25", 300 + std::process::id() % 1000);
    tmux.send(&[&format!("{BIN} --ui -i 'cmd://sleep {secs}'"), "Enter"]);
    let screen = tmux.wait(10, |t| t.contains("waiting for command `sleep"));
    assert!(screen.is_some(), "the UI did not say what it waits for");
    tmux.send(&["q"]);
    let back = tmux.wait(5, |t| t.trim_end().ends_with("prompt$"));
    assert!(back.is_some(), "q did not end the UI");
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(!running(&["sleep", &secs]), "the producer was left behind");
}

#[test]
fn filters_that_would_reach_a_command_line_as_something_else_are_refused() {
    let d = dir("bpf");
    let ssh = stand_in(&d, "ssh", "exit 0");
    for filter in [
        "-z /tmp/x",
        "  -w/etc/passwd",
        "port 80\nreboot",
        "port 80; reboot",
        "port `id`",
        "host $(hostname)",
        "port 80' 'x",
    ] {
        let out = sockeye(&[
            "-i",
            "ssh://gw/eth0",
            "--ssh-command",
            ssh.to_str().unwrap(),
            &format!("--remote-filter={filter}"),
        ]);
        assert_eq!(out.status.code(), Some(2), "{filter:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--remote-filter"), "{filter:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!d.join("argv").exists(), "{filter:?} ran the stand-in");
    }
    // Real BPF passes, quoted as one word for the remote shell.
    let ssh = stand_in(&d, "ssh", "exit 0");
    let _ = sockeye(&[
        "-i",
        "ssh://gw/eth0",
        "--ssh-command",
        ssh.to_str().unwrap(),
        "--remote-filter",
        "tcp port 80 and (host 10.0.0.1 or net 192.168.0.0/16) and tcp[13] & 2 != 0",
    ]);
    let args = argv(&d);
    assert_eq!(
        args.last().map(String::as_str),
        Some("tcpdump -U -w - -i eth0 'tcp port 80 and (host 10.0.0.1 or net 192.168.0.0/16) and tcp[13] & 2 != 0'")
    );
    let _ = std::fs::remove_dir_all(d);
}
