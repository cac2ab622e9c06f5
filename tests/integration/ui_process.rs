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
    assert!(!header(&screen(&app)).contains("Process"), "hidden");
    keys(&mut app, "C");
    assert!(header(&screen(&app)).contains("Process"), "shown again");
}

/// The list's header line.
fn header(text: &str) -> String {
    text.lines()
        .find(|l| l.contains("No.") && l.contains("Info"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_file_without_owners_opens_without_the_column() {
    let mut app = opened(&kit::textbook("tcp_handshake.pcapng"), 120, 30);
    assert!(!header(&screen(&app)).contains("Process"));
    // Shown on request, it is empty rather than wrong.
    keys(&mut app, "C");
    let text = screen(&app);
    assert!(header(&text).contains("Process"), "{text}");
    assert!(!text.contains("not found"), "{text}");
}

/// `W` records a hidden Process column only where hiding it was a choice: a session that
/// cannot name processes opens with it hidden, and saving that would hide it from the next
/// live capture too.
#[test]
fn w_saves_a_hidden_process_column_only_when_it_was_a_choice() {
    use sockeye::prefs::load_path;
    use sockeye::tui::app::AppOptions;

    let dir = std::env::temp_dir().join(format!("sockeye-prefs-process-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("preferences.toml");
    let store =
        sockeye::store::spawn_file_indexer(kit::textbook("tcp_handshake.pcapng").to_str().unwrap())
            .unwrap()
            .wait();
    let session = |process_column: bool| {
        let mut app = App::new(
            std::sync::Arc::clone(&store),
            AppOptions {
                prefs: Some(load_path(file.clone())),
                process_column,
                ..AppOptions::default()
            },
        );
        app.resize(120, 30);
        app.tick(Duration::ZERO);
        app
    };
    let saved = || std::fs::read_to_string(&file).unwrap_or_default();

    let mut files_only = session(false);
    keys(&mut files_only, "W");
    assert!(saved().contains("[columns]"), "{}", saved());
    assert!(!saved().contains("Process"), "{}", saved());

    let mut live = session(true);
    assert!(header(&screen(&live)).contains("Process"));
    keys(&mut live, ">>>>>>cW");
    assert!(saved().contains("\"Process\""), "{}", saved());
    assert!(
        !header(&screen(&session(true))).contains("Process"),
        "the choice holds"
    );
    // A session without owners saving again keeps the choice it did not make.
    keys(&mut session(false), "W");
    assert!(saved().contains("\"Process\""), "{}", saved());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The live UI with process attribution opens with the column, filled from the
/// pipeline's lookup (this test process owns both ends of a real connection; the frame
/// carries their addresses).
#[test]
fn the_live_ui_names_the_processes_of_its_conversations() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    use sockeye::frame::OwnedFrame;
    use sockeye::source::MemorySource;
    use sockeye::tui::{run_live_on, LiveOptions, UiEvent};

    let Some(owners) = sockeye::capture::owners::shared() else {
        println!("SKIPPED: no sock_diag netlink here");
        return;
    };
    let conn = crate::kit::live::loopback_connection();
    let syn = conn.syn.clone();
    let source = MemorySource::new(vec![OwnedFrame::ethernet(1_000_000_000, syn)]);
    let (tx, rx) = std::sync::mpsc::channel();
    let quit = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        // Quit, and quit anyway (the packet is unsaved).
        for _ in 0..2 {
            let _ = tx.send(UiEvent::Key(KeyEvent::new(
                KeyCode::Char('q'),
                KeyModifiers::NONE,
            )));
        }
    });
    let mut terminal = Terminal::new(TestBackend::new(160, 30)).unwrap();
    let opts = LiveOptions {
        title: "lo".into(),
        store: sockeye::store::LiveConfig {
            owners: Some(owners),
            ..Default::default()
        },
        ..LiveOptions::default()
    };
    let stop = std::sync::atomic::AtomicBool::new(false);
    run_live_on(&mut terminal, Box::new(source), None, opts, &rx, &stop).unwrap();
    quit.join().unwrap();
    let text = terminal.backend().to_string();
    let me = std::process::id();
    let row = text
        .lines()
        .find(|l| l.contains("[SYN]"))
        .unwrap_or_else(|| panic!("no SYN row:\n{text}"));
    assert!(text.contains(" Process "), "{text}");
    assert!(
        row.matches(&format!(" ({me})")).count() == 2,
        "both ends are this process ({me}):\n{text}"
    );
}
