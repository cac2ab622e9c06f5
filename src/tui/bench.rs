//! `sockeye --bench-draw FILE` (hidden): the UI's numbers measured in-process on a
//! `TestBackend` — first screen, full index, draw time while scrolling, anonymous memory.
//! Idle CPU needs the real binary in a terminal; `benches/ui_bench.sh` measures that.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::{term_err, UiError};
use crate::app::{Action, App, AppOptions, Pane};
use crate::store::{lock, spawn_file_indexer};

/// `RssAnon` of this process in kB, from /proc (Linux).
pub fn rss_anon_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("RssAnon:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time of the calling thread: draw cost without time spent preempted.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant Linux knows.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(
        ts.tv_sec.max(0) as u64,
        ts.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

pub fn run(path: &str) -> Result<String, UiError> {
    let start = Instant::now();
    let job = spawn_file_indexer(path)?;
    let mut app = App::new(Arc::clone(&job.store), AppOptions::default());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).map_err(term_err)?;
    app.resize(120, 40);
    let mut peak_anon = 0;
    // First screen: the first draw that shows packets.
    let first_screen = loop {
        app.tick(start.elapsed());
        terminal
            .draw(|f| f.render_widget(&app, f.area()))
            .map_err(term_err)?;
        if app.visible > 0 || lock(&app.store).done {
            break start.elapsed();
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    while !lock(&app.store).done {
        peak_anon = peak_anon.max(rss_anon_kb().unwrap_or(0));
        std::thread::sleep(Duration::from_millis(10));
    }
    let indexed = start.elapsed();
    // The indexer thread frees the analysis tables as it exits.
    std::thread::sleep(Duration::from_millis(100));
    let settled = rss_anon_kb().unwrap_or(0);
    app.tick(start.elapsed());
    let packets = app.visible;
    // Scroll: lines, pages, jumps, and the same with the details pane focused.
    let mut times = Vec::new();
    let mut cpu_times = Vec::new();
    let script = [Action::Down, Action::PageDown, Action::Down, Action::Up];
    for i in 0..2000 {
        if i == 1000 {
            app.handle(Action::Bottom);
            app.focus = Pane::Details;
        }
        app.handle(script[i % script.len()]);
        let c = thread_cpu();
        let t = Instant::now();
        terminal
            .draw(|f| f.render_widget(&app, f.area()))
            .map_err(term_err)?;
        times.push(t.elapsed());
        cpu_times.push(thread_cpu().saturating_sub(c));
    }
    // The ladder: opening it scans the index once for the stream's packets.
    app.focus = Pane::List;
    let first_tcp = lock(&app.store)
        .entries()
        .iter()
        .position(|e| e.kind == crate::store::Kind::Tcp);
    app.selected = first_tcp.unwrap_or(0);
    let t = Instant::now();
    app.handle(Action::Show(crate::app::View::Ladder));
    terminal
        .draw(|f| f.render_widget(&app, f.area()))
        .map_err(term_err)?;
    let ladder_open = t.elapsed();
    let mut ladder_times = Vec::new();
    for _ in 0..200 {
        app.handle(Action::Down);
        let t = Instant::now();
        terminal
            .draw(|f| f.render_widget(&app, f.area()))
            .map_err(term_err)?;
        ladder_times.push(t.elapsed());
    }
    ladder_times.sort();
    peak_anon = peak_anon.max(rss_anon_kb().unwrap_or(0));
    times.sort();
    cpu_times.sort();
    let mut out = String::new();
    let _ = writeln!(out, "packets              {packets}");
    let _ = writeln!(
        out,
        "conversations        {}",
        lock(&app.store).conversations().len()
    );
    let _ = writeln!(
        out,
        "first screen         {:.3} s",
        first_screen.as_secs_f64()
    );
    let _ = writeln!(out, "indexed + analysed   {:.3} s", indexed.as_secs_f64());
    let _ = writeln!(
        out,
        "draw p50             {:.3} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3
    );
    let _ = writeln!(
        out,
        "draw p99             {:.3} ms",
        percentile(&times, 0.99).as_secs_f64() * 1e3
    );
    let _ = writeln!(
        out,
        "draw p99 (CPU time)  {:.3} ms   (wall time above includes preemption on a busy machine)",
        percentile(&cpu_times, 0.99).as_secs_f64() * 1e3
    );
    let _ = writeln!(
        out,
        "ladder open          {:.3} ms (one scan of the index), draw p99 {:.3} ms",
        ladder_open.as_secs_f64() * 1e3,
        percentile(&ladder_times, 0.99).as_secs_f64() * 1e3
    );
    let _ = writeln!(out, "peak RssAnon         {} MB", peak_anon / 1024);
    let _ = writeln!(out, "RssAnon when indexed {} MB", settled / 1024);
    Ok(out)
}
