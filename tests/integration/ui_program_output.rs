//! `sockeye run`'s ladder view with the traced program's own output under it: the whole
//! screen on `TestBackend`, driven by keys, compared with an insta snapshot.

use std::sync::{mpsc, Arc};
use std::time::Duration;

use sockeye::endpoints::events::{CallResult, Side, SocketCall, SocketEvent, Traced};
use sockeye::store::spawn_file_indexer;
use sockeye::trace::output::ProgramOutput;
use sockeye::tui::app::{App, AppOptions};

use crate::kit;
use crate::ui::{keys, screen};

#[test]
fn run_ladder_shows_the_program_output_pane() {
    let path = kit::textbook("tcp_handshake.pcapng");
    let store = spawn_file_indexer(path.to_str().unwrap()).unwrap().wait();
    let first_ts = store
        .lock()
        .unwrap()
        .entries()
        .first()
        .map(|e| e.ts_ns)
        .unwrap();
    let (tx, rx) = mpsc::channel();
    tx.send(SocketEvent {
        ts_ns: first_ts - 1_000,
        ret_ns: first_ts + 1_000,
        side: Side::Client,
        call: SocketCall::Connect,
        fd: 3,
        local: None,
        peer: Some("212.58.226.142:80".parse().unwrap()),
        bytes: None,
        result: CallResult::Ok,
        detail: "to 212.58.226.142:80".into(),
        traced: Some(Traced {
            pid: 4242,
            tid: 4242,
            comm: "python3".into(),
            data: Vec::new(),
        }),
    })
    .unwrap();
    drop(tx);
    let output = ProgramOutput::default();
    for line in [
        "connecting to 212.58.226.142:80",
        "connected\tfrom 192.168.1.2:2826",
        "Traceback (most recent call last):",
        "  ConnectionResetError: [Errno 104] Connection reset by peer",
    ] {
        output.push(line.to_string());
    }
    let mut app = App::new(
        Arc::clone(&store),
        AppOptions {
            title: "run: python3 client.py".into(),
            events: Some(rx),
            program_output: Some(output),
            ..AppOptions::default()
        },
    );
    app.resize(100, 30);
    app.tick(Duration::ZERO);
    keys(&mut app, "2");
    let shown = screen(&app);
    assert!(shown.contains("Program output"), "{shown}");
    assert!(shown.contains("ConnectionResetError"), "{shown}");
    insta::assert_snapshot!("run_ladder_program_output_100x30", shown);
}
