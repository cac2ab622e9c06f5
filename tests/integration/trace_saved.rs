//! `sockeye run -w FILE.pcapng` keeps the program's socket calls beside its packets: read
//! back, they give the very trace `--trace` printed during the run (same lines, same
//! order, same times), and the replay UI has them for its ladder. Prints `SKIPPED: reason`
//! where no private namespace or ptrace is available.

use std::process::{Command, Stdio};
use std::time::Duration;

use sockeye::endpoints::capture::{packet_lines, TapFrame};
use sockeye::endpoints::events::SocketCall;
use sockeye::endpoints::saved::read_calls;
use sockeye::endpoints::trace::merge_by_start;
use sockeye::frame::Direction;
use sockeye::source::{FileSource, PacketSource};

use crate::kit::process::wait_output;
use crate::kit::{root, stderr, stdout, Scratch, SOCKEYE};

#[test]
fn calls_saved_with_the_packets_give_back_the_same_ladder() {
    let dir = Scratch::new("run-w");
    let file = dir.join("echo.pcapng");
    let file_arg = file.to_string_lossy().to_string();
    let script = "python3 examples/python/tcp_echo_server.py 7062 & \
         i=0; until grep -qi ':1B96 ' /proc/net/tcp || [ $i -ge 250 ]; do sleep 0.02; i=$((i+1)); done; \
         python3 examples/python/tcp_echo_client.py 7062; wait";
    let child = Command::new(SOCKEYE)
        .args(["run", "--trace", "-w", &file_arg, "--", "sh", "-c", script])
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sockeye run");
    let out = wait_output(child, Duration::from_secs(60));
    let err = stderr(&out);
    if err.contains("needs a private network namespace") || err.contains("Operation not permitted")
    {
        return println!("SKIPPED: sockeye run cannot trace here: {}", err.trim());
    }
    assert!(out.status.success(), "{err}");
    assert!(err.contains("socket calls to"), "{err}");

    // Read back: the calls from the file's section comments, the packets as a reader sees
    // them, merged as the run merged them.
    let calls = read_calls(&file_arg);
    assert!(calls.len() >= 10, "calls saved: {}", calls.len());
    let mut source = FileSource::open(&file_arg).expect("open the file");
    let mut frames = Vec::new();
    while let Some(f) = source.next_frame().expect("read") {
        frames.push(TapFrame {
            ts_ns: f.ts_ns,
            outgoing: f.direction == Direction::Outbound,
            orig_len: f.orig_len,
            data: f.data.to_vec(),
        });
    }
    let refs: Vec<&TapFrame> = frames.iter().collect();
    let again: Vec<String> = merge_by_start(&calls, &packet_lines(&refs))
        .into_iter()
        .map(|l| l.text)
        .collect();
    // The trace is printed when the program has ended: the last lines of stdout (the
    // program's own output came before).
    let printed = stdout(&out);
    let lines: Vec<&str> = printed.lines().collect();
    let tail = &lines[lines.len().saturating_sub(again.len())..];
    assert_eq!(tail, again.as_slice(), "printed:\n{printed}");
    assert!(
        again.iter().any(|l| l.contains("connect()"))
            && again.iter().any(|l| l.contains("Flags [S]")),
        "{again:#?}"
    );

    // The replay UI loads them for its ladder.
    let (_job, mut app) =
        sockeye::tui::replay_app(&file_arg, Default::default()).expect("replay the file");
    app.tick(Duration::ZERO);
    assert_eq!(app.events, calls);

    // tshark-readable: the file is plain pcapng whose packets read as before.
    let packets = crate::kit::sockeye(&["-r", &file_arg, "-c", "1"]);
    assert!(
        stdout(&packets).contains("Flags [S]"),
        "{}",
        stdout(&packets)
    );

    // Every packet names the processes that sent and received it, from the traced calls:
    // the server's port is the listener's pid, the other end the connecting client's.
    let server = crate::kit::traced::pid_of(&calls, SocketCall::Listen, 7062);
    let client = crate::kit::traced::pid_of(&calls, SocketCall::Connect, 7062);
    let owners = crate::kit::sockeye(&[
        "-r",
        &file_arg,
        "-Y",
        "tcp",
        "-T",
        "fields",
        "-e",
        "tcp.srcport",
        "-e",
        "sockeye.process.pid",
    ]);
    let owners = stdout(&owners);
    assert!(owners.lines().count() >= 8, "{owners}");
    for line in owners.lines() {
        let want = if line.starts_with("7062\t") {
            format!("\t{server},{client}")
        } else {
            format!("\t{client},{server}")
        };
        assert!(line.ends_with(&want), "{line:?}, want {want:?}:\n{owners}");
    }
}
