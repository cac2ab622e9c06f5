//! Terminal setup and restore, the input thread, and the run loop (generic over ratatui's
//! `Backend`, so tests drive the real loop on `TestBackend`).
//!
//! The terminal is restored on every exit path: normal return and errors (the guard's
//! `Drop`), panics (the hook restores before the message prints) and SIGTERM/SIGHUP/SIGINT
//! (a signal-hook flag the loop checks at least every 250 ms).
//!
//! A terminal that goes away (window closed, ssh dropped, `tmux kill-session`) ends the UI
//! too: the loop looks at the terminal itself every iteration ([`TtyWatch`]), because
//! crossterm's reader spins for ever on a tty that reads EOF or EIO and never reports it.

pub mod app;
pub mod clipboard;
pub mod lesson;
mod tty;
pub mod ui;

pub use tty::TtyWatch;

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::Terminal;

use crate::endpoints::events::SocketEvent;
use crate::filter::Filter;
use crate::source::{PacketSource, SourceError};
use crate::store::{self, lock, LiveControl};
use crate::tui::app::{App, AppOptions, Effect, LiveLink};

#[derive(Debug, thiserror::Error)]
pub enum UiError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("terminal: {0}")]
    Terminal(String),
    /// A lesson that cannot be played (no steps).
    #[error("lesson: {0}")]
    Lesson(String),
}

fn term_err(e: impl std::fmt::Display) -> UiError {
    UiError::Terminal(e.to_string())
}

/// Input as the loop sees it.
#[derive(Debug, Clone)]
pub enum UiEvent {
    Key(event::KeyEvent),
    Mouse(event::MouseEvent),
    Resize(u16, u16),
}

#[derive(Debug, Default, Clone)]
pub struct ReplayOptions {
    pub no_color: bool,
    /// `-Y`: applied when the UI opens, and shown in the filter bar.
    pub display_filter: Option<Filter>,
    /// `-f`: the frames it rejects are not loaded at all.
    pub capture_filter: Option<Filter>,
    /// `-t`: the Time column's format.
    pub time_format: Option<crate::headless::TimeFormat>,
    /// `--follow`: at the end of the file, wait for more.
    pub follow: bool,
    /// The preferences (`--profile`) the UI opens with and `W` saves.
    pub prefs: Option<crate::prefs::Loaded>,
    /// The title bar's name for the capture, when the file's own name would not say what
    /// it holds (the lab's temporary file).
    pub title: Option<String>,
    /// Open on the two-vantage ladder at the first segment seen at both vantage points.
    pub open_first_crossing: bool,
}

/// Opens a live source by interface name (the interface picker uses it).
pub type OpenInterface =
    Box<dyn Fn(&str) -> Result<Box<dyn PacketSource + Send>, SourceError> + Send>;

#[derive(Default)]
pub struct LiveOptions {
    /// Title bar text (interface name, "demo"…).
    pub title: String,
    pub no_color: bool,
    /// How to open another interface from the picker; `None` = the picker only lists.
    pub open_interface: Option<OpenInterface>,
    /// Store limit, `-w` recording and `-f` capture filter of the session.
    pub store: store::LiveConfig,
    /// `-Y`: applied when the UI opens, and shown in the filter bar.
    pub display_filter: Option<Filter>,
    /// `-t`: the Time column's format.
    pub time_format: Option<crate::headless::TimeFormat>,
    /// A line kept current by the caller, shown in the footer (the demo's scenario).
    pub note: Option<Arc<std::sync::Mutex<String>>>,
    /// The preferences (`--profile`) the UI opens with and `W` saves.
    pub prefs: Option<crate::prefs::Loaded>,
    /// `sockeye run`: the traced program's output, shown under the ladder.
    pub program_output: Option<crate::trace::output::ProgramOutput>,
}

/// Interface names for the picker (pnet's view of the system).
pub fn interface_names() -> Vec<String> {
    pnet::datalink::interfaces()
        .into_iter()
        .map(|i| i.name)
        .collect()
}

/// Calls saved beside a capture's packets, as the app's event stream (none: no stream).
pub(crate) fn saved_calls(
    calls: Vec<crate::endpoints::events::SocketEvent>,
) -> Option<std::sync::mpsc::Receiver<crate::endpoints::events::SocketEvent>> {
    (!calls.is_empty()).then(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        for call in calls {
            let _ = tx.send(call);
        }
        rx
    })
}

/// `sockeye -r FILE` in a terminal: open at once, index in the background.
pub fn run_replay(path: &str, opts: ReplayOptions) -> Result<(), UiError> {
    let (_job, mut app) = replay_app(path, opts)?;
    run_app(&mut app)
}

/// The UI on the terminal over an app already opened (the lab removes its temporary file
/// and drops its privileges between [`replay_app`] and this).
pub fn run_app(app: &mut App) -> Result<(), UiError> {
    with_terminal(|terminal, input, stop| run_loop(terminal, app, input, stop, None))
}

/// The app of a replay session, with the command line's filters in force; the job indexes
/// the file in the background for as long as it lives.
pub fn replay_app(path: &str, opts: ReplayOptions) -> Result<(store::IndexJob, App), UiError> {
    let job = store::spawn_indexer(
        path,
        opts.capture_filter,
        crate::source::OpenOptions {
            follow: opts.follow,
        },
    )?;
    // Socket calls `sockeye run -w` saved beside the packets, for the ladder.
    let calls = crate::endpoints::saved::read_calls(path);
    // A file `sockeye run -w` wrote (its calls name the traced program; the built-in
    // endpoints' calls in a lab's file name none), or one whose packets name their
    // processes.
    let process_column = calls.iter().any(|c| c.traced.is_some())
        || crate::dissect::process::file_names_processes(path);
    let events = saved_calls(calls);
    let mut app = App::new(
        Arc::clone(&job.store),
        AppOptions {
            title: opts.title.unwrap_or_else(|| path.to_string()),
            interfaces: interface_names(),
            events,
            no_color: opts.no_color || crate::tui::ui::theme::Theme::no_color_env(),
            time_format: opts.time_format,
            prefs: opts.prefs,
            process_column,
            open_first_crossing: opts.open_first_crossing,
            ..AppOptions::default()
        },
    );
    if let Some(filter) = opts.display_filter {
        app.set_filter(filter);
    }
    Ok((job, app))
}

/// Live capture in the UI: `source` is read on its own thread; `events` (socket calls of
/// the built-in endpoints) are shown next to the packets.
pub fn run_live(
    source: Box<dyn PacketSource + Send>,
    events: Option<Receiver<SocketEvent>>,
    opts: LiveOptions,
) -> Result<(), UiError> {
    with_terminal(|terminal, input, stop| run_live_on(terminal, source, events, opts, input, stop))
}

/// [`run_live`] on any backend with any input (tests).
pub fn run_live_on<B: Backend + clipboard::Clipboard>(
    terminal: &mut Terminal<B>,
    source: Box<dyn PacketSource + Send>,
    events: Option<Receiver<SocketEvent>>,
    opts: LiveOptions,
    input: &Receiver<UiEvent>,
    stop: &AtomicBool,
) -> Result<(), UiError> {
    let config = opts.store.clone();
    let control = store::spawn_live_with(source, config.clone())?;
    let mut app = App::new(
        Arc::clone(&control.store),
        AppOptions {
            title: opts.title.clone(),
            live: Some(link(&control)),
            interfaces: interface_names(),
            no_color: opts.no_color || crate::tui::ui::theme::Theme::no_color_env(),
            events,
            time_format: opts.time_format,
            note: opts.note.clone(),
            program_output: opts.program_output.clone(),
            prefs: opts.prefs.clone(),
            process_column: config.owners.is_some(),
            ..AppOptions::default()
        },
    );
    if let Some(filter) = opts.display_filter {
        app.set_filter(filter);
    }
    let mut session = Some(control);
    let opener = opts.open_interface;
    let mut on_effect = |app: &mut App, effect: Effect| match effect {
        // The run loop copies before effects reach here.
        Effect::Copy(_) => {}
        Effect::OpenInterface(name) => match &opener {
            Some(open) => match open(&name).and_then(|s| {
                // A new interface gets a new store; the `-w` file belongs to the first.
                let config = store::LiveConfig {
                    record: None,
                    ..config.clone()
                };
                store::spawn_live_with(s, config)
            }) {
                Ok(control) => {
                    app.store = Arc::clone(&control.store);
                    app.live = Some(link(&control));
                    app.title = name;
                    app.selected = 0;
                    app.visible = 0;
                    app.stats = Default::default();
                    app.follow_tail = true;
                    session = Some(control);
                }
                Err(err) => app.message = Some(format!("{name}: {err}")),
            },
            None => {
                app.message = Some(format!(
                    "cannot capture on {name}: no live capture source in this build"
                ))
            }
        },
    };
    run_loop(terminal, &mut app, input, stop, Some(&mut on_effect))
}

fn link(control: &LiveControl) -> LiveLink {
    LiveLink {
        paused: Arc::clone(&control.paused),
        channel_dropped: Arc::clone(&control.channel_dropped),
        source_stats: Arc::clone(&control.source_stats),
        recording: control.recording,
    }
}

type EffectHandler<'a> = &'a mut dyn FnMut(&mut App, Effect);

/// The loop: take in new packets, draw when something changed, wait for input.
pub fn run_loop<B: Backend + clipboard::Clipboard>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    input: &Receiver<UiEvent>,
    stop: &AtomicBool,
    mut on_effect: Option<EffectHandler<'_>>,
) -> Result<(), UiError> {
    let clock = Instant::now();
    let size = terminal.size().map_err(term_err)?;
    app.resize(size.width, size.height);
    let mut dirty = true;
    while !app.quit && !stop.load(Ordering::Relaxed) {
        dirty |= app.tick(clock.elapsed());
        if dirty {
            terminal
                .draw(|f| f.render_widget(&*app, f.area()))
                .map_err(term_err)?;
            dirty = false;
        }
        // Wake often only while something moves; idle, a quiet 4 Hz poll for signals.
        let busy = app.replay.is_playing()
            || app.live.is_some()
            || app.filter_pending()
            || app.expert_counting()
            || !lock(&app.store).done;
        let timeout = Duration::from_millis(if busy { 40 } else { 250 });
        let first = match input.recv_timeout(timeout) {
            Ok(ev) => ev,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        app.now = clock.elapsed();
        for ev in std::iter::once(first).chain(input.try_iter()) {
            match ev {
                UiEvent::Key(k) => app.handle_key(k),
                UiEvent::Mouse(m) => app.handle_mouse(m),
                UiEvent::Resize(w, h) => {
                    app.resize(w, h);
                    terminal.autoresize().map_err(term_err)?;
                }
            }
        }
        for effect in std::mem::take(&mut app.effects) {
            if let Effect::Copy(text) = &effect {
                let term = app.analyst.term.clone();
                if let Err(why) = clipboard::copy(terminal.backend_mut(), term.as_deref(), text) {
                    app.message = Some(format!("cannot copy: {why}"));
                }
                continue;
            }
            match (on_effect.as_deref_mut(), effect) {
                (Some(handler), effect) => handler(app, effect),
                (None, Effect::Copy(_)) => {}
                (None, Effect::OpenInterface(name)) => {
                    app.message = Some(format!(
                        "cannot capture on {name} from a replay: start `sockeye -i {name}`"
                    ))
                }
            }
        }
        dirty = true;
    }
    Ok(())
}

/// Restores the terminal when dropped (normal return, `?` errors, unwinding).
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

pub fn restore() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Sets up the real terminal, the panic hook, signals and the input thread, runs `body`,
/// and restores everything whatever happens (tests run the real loop inside it).
pub fn with_terminal<F>(body: F) -> Result<(), UiError>
where
    F: FnOnce(
        &mut Terminal<CrosstermBackend<io::Stdout>>,
        &Receiver<UiEvent>,
        &AtomicBool,
    ) -> Result<(), UiError>,
{
    let stop = crate::capture::stop_flag().map_err(term_err)?;
    let previous = Arc::new(std::panic::take_hook());
    {
        let previous = Arc::clone(&previous);
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    }
    terminal::enable_raw_mode().map_err(term_err)?;
    let _restore = Restore;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture).map_err(term_err)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout())).map_err(term_err)?;
    let (tx, rx) = mpsc::channel();
    let input_done = Arc::new(AtomicBool::new(false));
    let watch = TtyWatch::open();
    let reader = spawn_input(tx, Arc::clone(&input_done), watch.clone());
    let _watcher = watch
        .as_ref()
        .map(|w| w.spawn_watcher(Arc::clone(&stop), Arc::clone(&input_done)));
    let result = body(&mut terminal, &rx, &stop);
    input_done.store(true, Ordering::Relaxed);
    // A reader stuck in crossterm on a dead terminal never returns: leave it to end with
    // the process rather than hang the exit.
    if !watch.as_ref().is_some_and(TtyWatch::was_gone) {
        let _ = reader.map(|t| t.join());
    }
    result
}

/// Reads terminal events on their own thread; polls so it notices when the UI ends. It
/// asks the terminal itself first whether it is still there: once crossterm is handed a
/// hung-up tty it loops inside `poll` for ever.
fn spawn_input(
    tx: Sender<UiEvent>,
    done: Arc<AtomicBool>,
    watch: Option<TtyWatch>,
) -> Option<thread::JoinHandle<()>> {
    thread::Builder::new()
        .name("sockeye-input".into())
        .spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if watch.as_ref().is_some_and(TtyWatch::gone) {
                    break;
                }
                match event::poll(Duration::from_millis(100)) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(_) => break,
                }
                let ev = match event::read() {
                    Ok(Event::Key(k)) => UiEvent::Key(k),
                    Ok(Event::Mouse(m)) => UiEvent::Mouse(m),
                    Ok(Event::Resize(w, h)) => UiEvent::Resize(w, h),
                    Ok(_) => continue,
                    Err(_) => break,
                };
                if tx.send(ev).is_err() {
                    break;
                }
            }
        })
        .ok()
}

#[cfg(test)]
mod cli_filter_tests;
