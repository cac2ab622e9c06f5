//! `sockeye demo --lesson`: a fixed walk through seven screens (handshake, data and acks,
//! teardown, UDP vs TCP, encapsulation, a refused connection, a retransmission), each a
//! title, a few sentences and the view that shows it, over captures compiled into the
//! binary — so it runs anywhere, from any directory, with no privileges.

mod steps;
mod view;

pub use steps::{Step, StepView, STEPS};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::backend::Backend;
use ratatui::Terminal;

use crate::source::SourceError;
use crate::store::{lock, spawn_file_indexer};
use crate::tui::app::{Action, App, AppOptions, View};
use crate::tui::{UiError, UiEvent};

/// The lesson: the step shown and an app over that step's capture.
pub struct Lesson {
    pub step: usize,
    pub app: App,
    no_color: bool,
    pub quit: bool,
}

impl Lesson {
    /// Starts at step 1 (index 0), drawn for a `width`×`height` terminal.
    pub fn new(no_color: bool, width: u16, height: u16) -> Result<Self, UiError> {
        let app = load(0, no_color, width, height)?;
        Ok(Lesson {
            step: 0,
            app,
            no_color,
            quit: false,
        })
    }

    /// Shows step `index` (clamped to the lesson).
    pub fn go(&mut self, index: usize) -> Result<(), UiError> {
        let index = index.min(STEPS.len() - 1);
        if index != self.step {
            let size = self.app.size;
            self.app = load(index, self.no_color, size.width, size.height)?;
            self.step = index;
        }
        Ok(())
    }

    pub fn handle_key(&mut self, ev: KeyEvent) -> Result<(), UiError> {
        if ev.kind == KeyEventKind::Release {
            return Ok(());
        }
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match ev.code {
            KeyCode::Char('c') if ctrl => self.quit = true,
            KeyCode::Char('q') | KeyCode::Esc => self.quit = true,
            KeyCode::Right | KeyCode::Char('n') | KeyCode::Char(' ') | KeyCode::Enter => {
                self.go(self.step + 1)?
            }
            KeyCode::Left | KeyCode::Char('p') | KeyCode::Backspace => {
                self.go(self.step.saturating_sub(1))?
            }
            // Within a step, j/k move through the packets (the narration follows); in the
            // encapsulation view that is ←/→ of the normal UI, since j/k scroll there.
            KeyCode::Down | KeyCode::Char('j') if self.app.view == View::Encap => {
                self.app.handle(Action::Expand)
            }
            KeyCode::Up | KeyCode::Char('k') if self.app.view == View::Encap => {
                self.app.handle(Action::Collapse)
            }
            KeyCode::Down | KeyCode::Char('j') => self.app.handle(Action::Down),
            KeyCode::Up | KeyCode::Char('k') => self.app.handle(Action::Up),
            KeyCode::PageDown => self.app.handle(Action::PageDown),
            KeyCode::PageUp => self.app.handle(Action::PageUp),
            _ => {}
        }
        self.app.refresh_narration();
        Ok(())
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.app.resize(width, height);
    }
}

/// Writes the embedded capture of a step to a private temporary file and indexes it (the
/// store maps files; the map stays valid after the file is removed).
fn load(index: usize, no_color: bool, width: u16, height: u16) -> Result<App, UiError> {
    let step = &STEPS[index];
    let path = std::env::temp_dir().join(format!(
        "sockeye-lesson-{}-{}-{}",
        std::process::id(),
        index,
        step.file
    ));
    let text = path.to_string_lossy().to_string();
    let open_err = |source| SourceError::Open {
        path: text.clone(),
        source,
    };
    std::fs::write(&path, step.bytes).map_err(open_err)?;
    let job = spawn_file_indexer(&text);
    let _ = std::fs::remove_file(&path);
    let store = job?.wait();
    let mut app = App::new(
        Arc::clone(&store),
        AppOptions {
            title: step.file.to_string(),
            no_color,
            ..AppOptions::default()
        },
    );
    app.resize(width, height);
    app.tick(Duration::ZERO);
    let focus = {
        let store = lock(&store);
        (0..store.len())
            .find(|&i| store.dissect(i).is_some_and(|d| (step.focus)(&d)))
            .unwrap_or(0)
    };
    app.selected = focus;
    app.follow_tail = false;
    app.view = match step.view {
        StepView::Ladder => View::Ladder,
        StepView::Encap => View::Encap,
        StepView::List => View::Packets,
    };
    app.list_top = focus.saturating_sub(2);
    app.sync_stream();
    // The lesson always shows the narration, explain pane or not.
    app.refresh_narration();
    Ok(app)
}

/// The lesson's loop on any backend (tests drive it with `TestBackend`).
pub fn run_on<B: Backend>(
    terminal: &mut Terminal<B>,
    lesson: &mut Lesson,
    input: &Receiver<UiEvent>,
    stop: &AtomicBool,
) -> Result<(), UiError> {
    let size = terminal
        .size()
        .map_err(|e| UiError::Terminal(e.to_string()))?;
    lesson.resize(size.width, size.height);
    let mut dirty = true;
    while !lesson.quit && !stop.load(Ordering::Relaxed) {
        if dirty {
            terminal
                .draw(|f| f.render_widget(&*lesson, f.area()))
                .map_err(|e| UiError::Terminal(e.to_string()))?;
        }
        dirty = true;
        match input.recv_timeout(Duration::from_millis(250)) {
            Ok(UiEvent::Key(k)) => lesson.handle_key(k)?,
            Ok(UiEvent::Resize(w, h)) => {
                lesson.resize(w, h);
                terminal
                    .autoresize()
                    .map_err(|e| UiError::Terminal(e.to_string()))?;
            }
            Ok(UiEvent::Mouse(_)) => dirty = false,
            Err(RecvTimeoutError::Timeout) => dirty = false,
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    Ok(())
}

/// The lesson in the real terminal (restored on every exit path by `tui`).
pub fn run(no_color: bool) -> Result<(), UiError> {
    let (w, h) = crossterm::terminal::size().unwrap_or((80, 24));
    let mut lesson = Lesson::new(no_color, w, h)?;
    crate::tui::with_terminal(|terminal, input, stop| run_on(terminal, &mut lesson, input, stop))
}
