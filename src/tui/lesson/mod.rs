//! The lesson player: `sockeye lesson FILE` and `sockeye demo --lesson` (the built-in
//! lessons/tcp-basics.toml). Each step is a title, the lecturer's text and one view of one
//! packet of its capture (a file, or a capture compiled into the binary — so the built-in
//! lesson runs anywhere, from any directory, with no privileges); a quiz step asks its
//! question as soon as it shows.

mod view;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::backend::Backend;
use ratatui::Terminal;

use crate::decode::FieldList;
use crate::source::SourceError;
use crate::store::{lock, spawn_file_indexer};
use crate::teach::builtin;
use crate::teach::lesson_file::{self, CaptureRef, LessonFile, LessonStep, LessonView};
use crate::tui::app::{Action, App, AppOptions, Pane, View};
use crate::tui::{UiError, UiEvent};

/// The lesson: its steps, the step shown and an app over that step's capture.
pub struct Lesson {
    pub file: LessonFile,
    pub step: usize,
    pub app: App,
    no_color: bool,
    pub quit: bool,
    /// Digits typed so far of a step number to jump to (Enter or g jumps).
    pub jump: String,
}

impl Lesson {
    /// The built-in lesson at step 1, drawn for a `width`×`height` terminal.
    pub fn new(no_color: bool, width: u16, height: u16) -> Result<Self, UiError> {
        let file = lesson_file::parse(builtin::TCP_BASICS, Path::new(".")).map_err(|p| {
            UiError::Lesson(format!(
                "the built-in lesson: {}",
                p.iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        })?;
        Self::open(file, no_color, width, height)
    }

    /// `file` at step 1.
    pub fn open(
        file: LessonFile,
        no_color: bool,
        width: u16,
        height: u16,
    ) -> Result<Self, UiError> {
        let first = file
            .steps
            .first()
            .ok_or_else(|| UiError::Lesson("the lesson has no steps".into()))?;
        let app = load(first, 0, no_color, width, height)?;
        Ok(Lesson {
            file,
            step: 0,
            app,
            no_color,
            quit: false,
            jump: String::new(),
        })
    }

    pub fn len(&self) -> usize {
        self.file.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.file.steps.is_empty()
    }

    /// The step shown.
    pub fn current(&self) -> Option<&LessonStep> {
        self.file.steps.get(self.step)
    }

    /// Shows step `index` (clamped to the lesson); the quiz score carries over.
    pub fn go(&mut self, index: usize) -> Result<(), UiError> {
        let index = index.min(self.len().saturating_sub(1));
        if index != self.step {
            let Some(step) = self.file.steps.get(index) else {
                return Ok(());
            };
            let size = self.app.size;
            let mut app = load(step, index, self.no_color, size.width, size.height)?;
            app.quiz.right = self.app.quiz.right;
            app.quiz.answered = self.app.quiz.answered;
            self.app = app;
            self.step = index;
        }
        Ok(())
    }

    pub fn handle_key(&mut self, ev: KeyEvent) -> Result<(), UiError> {
        if ev.kind == KeyEventKind::Release {
            return Ok(());
        }
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        // An open question takes the typing (Enter checks, Esc closes); arrows still move.
        if self.app.quiz.typing()
            && !matches!(
                ev.code,
                KeyCode::Left | KeyCode::Right | KeyCode::Home | KeyCode::End
            )
            && !ctrl
        {
            self.app.handle_key(ev);
            return Ok(());
        }
        if let KeyCode::Char(c @ '0'..='9') = ev.code {
            if self.jump.len() < 4 {
                self.jump.push(c);
            }
            return Ok(());
        }
        let jump = std::mem::take(&mut self.jump);
        match ev.code {
            KeyCode::Char('c') if ctrl => self.quit = true,
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Esc if self.app.quiz.open.is_some() => self.app.quiz_close(),
            KeyCode::Esc if !jump.is_empty() => {}
            KeyCode::Esc => self.quit = true,
            KeyCode::Enter | KeyCode::Char('g') if !jump.is_empty() => {
                let n: usize = jump.parse().unwrap_or(1);
                self.go(n.saturating_sub(1))?
            }
            KeyCode::Char('Q') => self.app.start_quiz(None),
            KeyCode::Right | KeyCode::Char('n') | KeyCode::Char(' ') | KeyCode::Enter => {
                self.go(self.step + 1)?
            }
            KeyCode::Left | KeyCode::Char('p') | KeyCode::Backspace => {
                self.go(self.step.saturating_sub(1))?
            }
            KeyCode::Home => self.go(0)?,
            KeyCode::End => self.go(self.len())?,
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

/// Indexes a step's capture: a file as it is, a built-in one through a private temporary
/// copy (the store maps files; the map stays valid after the file is removed).
fn index_capture(capture: &CaptureRef, index: usize) -> Result<crate::store::SharedStore, UiError> {
    match capture {
        CaptureRef::File(path) => Ok(spawn_file_indexer(&path.to_string_lossy())?.wait()),
        CaptureRef::Builtin(b) => {
            let path = std::env::temp_dir().join(format!(
                "sockeye-lesson-{}-{}-{}",
                std::process::id(),
                index,
                b.file
            ));
            let text = path.to_string_lossy().to_string();
            let open_err = |source| SourceError::Open {
                path: text.clone(),
                source,
            };
            std::fs::write(&path, b.bytes).map_err(open_err)?;
            let job = spawn_file_indexer(&text);
            let _ = std::fs::remove_file(&path);
            Ok(job?.wait())
        }
    }
}

/// An app over `step`'s capture, on its packet and view, its field highlighted.
fn load(
    step: &LessonStep,
    index: usize,
    no_color: bool,
    width: u16,
    height: u16,
) -> Result<App, UiError> {
    let store = index_capture(&step.capture, index)?;
    let mut app = App::new(
        Arc::clone(&store),
        AppOptions {
            title: step.capture.label(),
            no_color,
            // The socket calls saved with the capture, on the ladder as in the handout.
            events: crate::tui::saved_calls(step.capture.calls()),
            ..AppOptions::default()
        },
    );
    app.resize(width, height);
    app.tick(Duration::ZERO);
    let focus = usize::try_from(step.packet.saturating_sub(1))
        .unwrap_or(0)
        .min(app.visible.saturating_sub(1));
    app.selected = focus;
    app.follow_tail = false;
    app.view = match step.view {
        LessonView::Ladder => View::Ladder,
        LessonView::Encap => View::Encap,
        LessonView::Diagram => View::Diagram,
        LessonView::List | LessonView::Tree | LessonView::Hex | LessonView::Explain => {
            View::Packets
        }
    };
    if step.view == LessonView::Tree {
        app.focus = Pane::Details;
    }
    app.list_top = focus.saturating_sub(2);
    if let Some(field) = step.field {
        highlight(&mut app, field);
    }
    app.sync_stream();
    // The lesson always shows the narration, explain pane or not.
    app.refresh_narration();
    if let Some(kind) = step.quiz {
        app.start_quiz(Some(kind));
    }
    // The highlighted (or quizzed) field's row in view.
    if step.field.is_some() || step.quiz.is_some() {
        app.ensure_visible();
    }
    Ok(app)
}

/// Puts the details cursor (and so the hex and diagram highlight) on `field`, opening its
/// layer if it was collapsed.
fn highlight(app: &mut App, field: crate::field::FieldId) {
    let found = {
        let store = lock(&app.store);
        store.dissect(app.selected).and_then(|d| {
            let mut scratch = String::new();
            let mut fields = FieldList::new();
            d.emit_fields(&mut scratch, &mut fields);
            let at = fields.fields.iter().position(|f| f.id == field)?;
            let layer = fields
                .fields
                .get(..=at)?
                .iter()
                .rev()
                .find(|f| f.depth == 0)
                .map(|f| f.id);
            Some((at, layer))
        })
    };
    let Some((at, layer)) = found else {
        return;
    };
    if let Some(layer) = layer {
        app.collapsed.remove(&layer);
    }
    if let Some(row) = app.selected_tree().iter().position(|r| r.field == Some(at)) {
        app.detail_cursor = row;
    }
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

/// The built-in lesson in the real terminal (restored on every exit path by `tui`).
pub fn run(no_color: bool) -> Result<(), UiError> {
    let (w, h) = crossterm::terminal::size().unwrap_or((80, 24));
    let lesson = Lesson::new(no_color, w, h)?;
    play(lesson)
}

/// A lesson file in the real terminal.
pub fn run_file(file: LessonFile, no_color: bool) -> Result<(), UiError> {
    let (w, h) = crossterm::terminal::size().unwrap_or((80, 24));
    play(Lesson::open(file, no_color, w, h)?)
}

fn play(mut lesson: Lesson) -> Result<(), UiError> {
    crate::tui::with_terminal(|terminal, input, stop| run_on(terminal, &mut lesson, input, stop))
}
