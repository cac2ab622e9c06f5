//! The packet list's Process column: which program made each packet, as the pipeline found
//! it (`sockeye.process`), on a file `sockeye run -w` wrote; shown by default only where
//! packets can name their processes, and worked by the same keys as every column.

use std::path::PathBuf;
use std::time::Duration;

use sockeye::tui::app::App;
use sockeye::tui::{replay_app, ReplayOptions};

use crate::kit;
use crate::ui::{keys, screen};

/// `sockeye run -w` on the Python echo server and client (see the README beside it).
fn run_capture() -> PathBuf {
    kit::root().join("tests/data/attribution/run_echo.pcapng")
}

/// The replay UI as `sockeye -r FILE` opens it, fully indexed.
fn opened(path: &std::path::Path, width: u16, height: u16) -> App {
    let (job, mut app) = replay_app(path.to_str().unwrap(), ReplayOptions::default()).unwrap();
    job.wait();
    // The title is the path, which differs between checkouts.
    app.title = path.file_name().unwrap().to_string_lossy().into_owned();
    app.resize(width, height);
    app.tick(Duration::ZERO);
    app
}

/// The list's rows as drawn, between its header and the details pane.
fn list_rows(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().map(|l| l.trim_matches('"')).collect();
    let header = lines
        .iter()
        .position(|l| l.contains("No.") && l.contains("Info"))
        .expect("a list header");
    lines[header + 1..]
        .iter()
        .take_while(|l| !l.contains("Details ─") && !l.trim().is_empty())
        .map(|l| l.to_string())
        .collect()
}

#[test]
fn a_run_capture_shows_who_sent_each_packet() {
    let mut app = opened(&run_capture(), 120, 30);
    let text = screen(&app);
    insta::assert_snapshot!("process_column_run_120x30", text);

    // One truth: each row's cell is what `-T fields` prints for the same packet.
    let fields = kit::sockeye(&[
        "-r",
        run_capture().to_str().unwrap(),
        "-T",
        "fields",
        "-e",
        "sockeye.process.name",
        "-e",
        "sockeye.process.pid",
    ]);
    let expected: Vec<String> = kit::stdout(&fields)
        .lines()
        .map(|line| {
            let (names, pids) = line.split_once('\t').unwrap_or((line, ""));
            names
                .split(',')
                .zip(pids.split(','))
                .map(|(n, p)| format!("{n} ({p})"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    assert!(
        expected.iter().all(|e| e.starts_with("python3 (")),
        "{expected:?}"
    );
    let rows = list_rows(&text);
    assert!(rows.len() >= expected.len().min(10), "{text}");
    for (row, cell) in rows.iter().zip(&expected) {
        assert!(row.contains(cell.as_str()), "{cell:?} not in {row:?}");
    }

    // The column keys: the cursor reaches Process, `s` sorts by it, `c` hides it, `C`
    // shows it again.
    keys(&mut app, ">>>>>>");
    assert_eq!(app.columns.cursor().title(), "Process");
    keys(&mut app, "s");
    let sorted = screen(&app);
    assert!(sorted.contains("sorted by Process ▲"), "{sorted}");
    keys(&mut app, "c");
    assert!(!screen(&app).contains("Process"), "hidden");
    keys(&mut app, "C");
    assert!(screen(&app).contains("Process"), "shown again");
}

#[test]
fn a_file_without_owners_opens_without_the_column() {
    let mut app = opened(&kit::textbook("tcp_handshake.pcapng"), 120, 30);
    assert!(!screen(&app).contains("Process"));
    // Shown on request, it is empty rather than wrong.
    keys(&mut app, "C");
    let text = screen(&app);
    assert!(text.contains("Process"), "{text}");
    assert!(!text.contains("not found"), "{text}");
}
