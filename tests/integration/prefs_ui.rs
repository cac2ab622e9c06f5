//! Preferences in the UI: a file's columns and time format shape the list when the UI
//! opens, `W` writes what the UI shows back (to the profile's own file with `--profile`),
//! and a broken file is named once, in one line, and never replaced.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sockeye::prefs::load_path;
use sockeye::store::spawn_file_indexer;
use sockeye::tui::app::{App, AppOptions};

use crate::kit;
use crate::kit::tmux::Tmux;
use crate::ui::{keys, screen};

/// A fresh config directory for one test.
fn config_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sockeye-prefs-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The handshake capture in a 150×30 UI (wide enough for a temporary directory's path in
/// the status line) opened with the preferences file at `path`.
fn app_with_prefs(path: &Path) -> App {
    let capture = kit::textbook("tcp_handshake.pcapng");
    let store = spawn_file_indexer(capture.to_str().unwrap())
        .unwrap()
        .wait();
    let mut app = App::new(
        Arc::clone(&store),
        AppOptions {
            title: "tcp_handshake.pcapng".into(),
            prefs: Some(load_path(path.to_path_buf())),
            ..AppOptions::default()
        },
    );
    app.resize(150, 30);
    app.tick(Duration::ZERO);
    app
}

/// The packet list's header line.
fn header(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains("No.") || l.contains("Source"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_preferences_file_shapes_the_list_and_w_writes_the_ui_back() {
    let dir = config_dir("apply");
    let file = dir.join("preferences.toml");
    std::fs::write(
        &file,
        "# mine\nresolve_names = false\ntime_format = \"e\"\n\n[columns]\nhidden = [\"Length\"]\nwidths = { Info = -3 }\n",
    )
    .unwrap();
    let mut app = app_with_prefs(&file);
    let shown = screen(&app);
    let head = header(&shown);
    assert!(!head.contains("Len"), "Length hidden by the file: {head}");
    assert!(head.contains("Time"), "{head}");
    // Epoch seconds (the file's `e`): the handshake was captured in January 2010.
    assert!(
        shown.contains("1262893114.341715"),
        "epoch time from the file:\n{shown}"
    );

    // Hide the column under the cursor (No.), cycle the time format, save.
    keys(&mut app, "ctW");
    let saved = std::fs::read_to_string(&file).unwrap();
    let back = load_path(file.clone());
    assert!(back.problem.is_none(), "{saved}");
    let p = back.prefs;
    assert_eq!(p.columns.hidden, ["No.", "Len"], "{saved}");
    assert_eq!(p.columns.widths.get("Info"), Some(&-3), "{saved}");
    assert_ne!(p.time_format.as_deref(), Some("e"), "t changed it: {saved}");
    assert!(!p.resolve_names, "{saved}");
    // R turns name resolution on; W keeps it, and the next session opens with it.
    keys(&mut app, "RW");
    assert!(load_path(file.clone()).prefs.resolve_names);
    assert!(app_with_prefs(&file).resolve_names);
    assert!(
        screen(&app).contains("preferences saved to"),
        "{}",
        screen(&app)
    );

    // A new session opens as the last one was saved.
    let again = screen(&app_with_prefs(&file));
    let head = header(&again);
    assert!(!head.contains("No.") && !head.contains("Len"), "{head}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_command_line_time_format_wins_over_the_file() {
    let dir = config_dir("cli-time");
    let file = dir.join("preferences.toml");
    std::fs::write(&file, "time_format = \"e\"\n").unwrap();
    let capture = kit::textbook("tcp_handshake.pcapng");
    let store = spawn_file_indexer(capture.to_str().unwrap())
        .unwrap()
        .wait();
    let mut app = App::new(
        store,
        AppOptions {
            prefs: Some(load_path(file)),
            time_format: Some(sockeye::headless::TimeFormat::Relative),
            ..AppOptions::default()
        },
    );
    app.resize(120, 30);
    app.tick(Duration::ZERO);
    let shown = screen(&app);
    assert!(
        !shown.contains("1262893114"),
        "-t r, not the file's e:\n{shown}"
    );
    assert!(shown.contains("0.000000"), "{shown}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_broken_file_is_named_once_with_its_line_and_never_replaced() {
    let dir = config_dir("broken");
    let file = dir.join("preferences.toml");
    let text = "# hand-edited\n[columns]\nhidden = \"Time\"\n";
    std::fs::write(&file, text).unwrap();
    let mut app = app_with_prefs(&file);
    let shown = screen(&app);
    let line = shown
        .lines()
        .find(|l| l.contains("preferences.toml"))
        .unwrap_or_else(|| panic!("the file is not named:\n{shown}"));
    assert!(line.contains("line 3"), "{line}");
    assert!(line.contains("defaults"), "{line}");
    assert!(header(&shown).contains("Time"), "defaults in force");
    // Said once: the next key press replaces the message.
    keys(&mut app, "j");
    assert!(!screen(&app).contains("line 3"), "{}", screen(&app));
    keys(&mut app, "cW");
    let after = screen(&app);
    assert!(after.contains("not saved"), "{after}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "file kept");

    // Keys the UI cannot use are named too, and the rest still applies.
    std::fs::write(
        &file,
        "theme = \"pink\"\n[columns]\nhidden = [\"Colour\", \"Time\"]\n",
    )
    .unwrap();
    let shown = screen(&app_with_prefs(&file));
    assert!(shown.contains("no column \"Colour\""), "{shown}");
    assert!(!header(&shown).contains("Time"), "{shown}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_profile_is_its_own_file_in_the_real_binary() {
    let dir = config_dir("profile");
    std::fs::create_dir_all(dir.join("profiles")).unwrap();
    let profile = dir.join("profiles/class.toml");
    std::fs::write(&profile, "[columns]\nhidden = [\"Time\"]\n").unwrap();
    let env = format!("SOCKEYE_CONFIG_DIR={}", dir.display());
    let Some(tmux) = Tmux::start("prefs", 120, 30, &[&env]) else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_sockeye");
    let capture = kit::textbook("tcp_handshake.pcapng");
    tmux.send(&[
        &format!(
            "{bin} -r {} --ui --profile class; echo EXITED=$?",
            capture.display()
        ),
        "Enter",
    ]);
    let text = tmux
        .wait(20, |t| t.contains("[SYN]"))
        .expect("the UI did not open");
    assert!(!header(&text).contains("Time"), "{text}");
    tmux.send(&["c", "W"]);
    tmux.wait(10, |t| t.contains("preferences saved to"))
        .expect("W did not save");
    tmux.send(&["q"]);
    tmux.wait(10, |t| t.contains("EXITED=0"))
        .expect("sockeye did not exit on q");
    let saved = load_path(profile).prefs;
    assert_eq!(saved.columns.hidden, ["No.", "Time"]);
    assert!(
        !dir.join("preferences.toml").exists(),
        "the default file is not touched by a profile session"
    );

    // A profile name that is not a plain name is refused before anything opens.
    let out = kit::sockeye(&["-r", capture.to_str().unwrap(), "--ui", "--profile", "../x"]);
    assert_eq!(out.status.code(), Some(2), "{}", kit::stderr(&out));
    let err = kit::stderr(&out);
    assert!(
        err.contains("--profile") && err.contains("\"../x\""),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_interface_column_follows_the_capture_until_saved_shown_or_hidden() {
    let dir = config_dir("interface");
    let file = dir.join("preferences.toml");
    std::fs::write(&file, "[columns]\nhidden = [\"Len\"]\n").unwrap();
    // One interface: no Interface column, and saving leaves it to follow the capture.
    let mut app = app_with_prefs(&file);
    assert!(!header(&screen(&app)).contains("Interface"));
    keys(&mut app, "W");
    let p = load_path(file.clone()).prefs;
    assert_eq!(p.columns.hidden, ["Len"]);
    assert!(p.columns.shown.is_empty());
    // C shows every column, Interface too; W keeps it shown on the next one-interface
    // capture.
    keys(&mut app, "CW");
    let p = load_path(file.clone()).prefs;
    assert_eq!(p.columns.shown, ["Interface"]);
    assert!(p.columns.hidden.is_empty());
    assert!(header(&screen(&app_with_prefs(&file))).contains("Interface"));
    // Hidden with c (cursor: No., Time, Interface) it is saved hidden.
    let mut app = app_with_prefs(&file);
    keys(&mut app, ">>cW");
    let p = load_path(file.clone()).prefs;
    assert_eq!(p.columns.hidden, ["Interface"]);
    assert!(p.columns.shown.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
