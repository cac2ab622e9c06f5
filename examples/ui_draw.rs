//! The UI's numbers measured in-process on a `TestBackend` — first screen, full index, draw
//! time while scrolling, anonymous memory: `cargo run --release --example ui_draw -- FILE`
//! (what `benches/ui_bench.sh` runs). Idle CPU needs the real binary in a terminal; the
//! script measures that too. A benchmark, kept out of the shipped binary's interface.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::backend::TestBackend;
use ratatui::Terminal;

use anyhow::Context;
use sockeye::store::{lock, spawn_file_indexer, Kind};
use sockeye::sys::thread_cpu_time as thread_cpu;
use sockeye::tui::app::{Action, App, AppOptions, Pane, View};

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .context("usage: ui_draw CAPTURE_FILE")?;
    print!("{}", run(&path)?);
    Ok(())
}

/// `RssAnon` of this process in kB, from /proc (Linux).
fn rss_anon_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("RssAnon:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn run(path: &str) -> anyhow::Result<String> {
    let start = Instant::now();
    let job = spawn_file_indexer(path)?;
    let mut app = App::new(Arc::clone(&job.store), AppOptions::default());
    let mut terminal =
        Terminal::new(TestBackend::new(120, 40)).context("drawing on the test backend")?;
    app.resize(120, 40);
    let mut peak_anon = 0;
    // First screen: the first draw that shows packets.
    let first_screen = loop {
        app.tick(start.elapsed());
        terminal
            .draw(|f| f.render_widget(&app, f.area()))
            .context("drawing on the test backend")?;
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
            .context("drawing on the test backend")?;
        times.push(t.elapsed());
        cpu_times.push(thread_cpu().saturating_sub(c));
    }
    // The ladder: opening it scans the index once for the stream's packets.
    app.focus = Pane::List;
    let first_tcp = lock(&app.store)
        .entries()
        .iter()
        .position(|e| e.kind == Kind::Tcp);
    app.selected = first_tcp.unwrap_or(0);
    let t = Instant::now();
    app.handle(Action::Show(View::Ladder));
    terminal
        .draw(|f| f.render_widget(&app, f.area()))
        .context("drawing on the test backend")?;
    let ladder_open = t.elapsed();
    let mut ladder_times = Vec::new();
    for _ in 0..200 {
        app.handle(Action::Down);
        let t = Instant::now();
        terminal
            .draw(|f| f.render_widget(&app, f.area()))
            .context("drawing on the test backend")?;
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
