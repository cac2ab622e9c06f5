//! Title bar (source, counts, indexing progress, replay and capture state), footer (prompt,
//! message or key hints) and the interface picker.

use std::sync::atomic::Ordering;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::store::lock;
use crate::tui::app::{replay::Mode, App, PromptKind, View};

pub fn title(app: &App, area: Rect, buf: &mut Buffer) {
    let store = lock(&app.store);
    let mut parts = vec![format!(" sockeye │ {}", app.title)];
    parts.push(format!("{} packets", store.len()));
    match (&store.streaming, store.done) {
        (Some(what), false) => parts.push(format!("live ● {what}")),
        (Some(_), true) => parts.push("complete".into()),
        (None, false) => {
            let (at, total) = store.progress;
            if let Some(pct) = (at * 100).checked_div(total) {
                parts.push(format!("indexing {pct}%"));
            } else if app.live.is_none() {
                parts.push("indexing…".into());
            }
        }
        (None, true) => {}
    }
    if store.first_kept() > 0 {
        parts.push(format!(
            "{} oldest packets evicted",
            crate::tui::app::group(store.first_kept() as u64)
        ));
    }
    if let Some(err) = &store.error {
        parts.push(format!("stopped: {err}"));
    }
    drop(store);
    match app.replay.mode {
        Mode::Off => {}
        Mode::Paused => parts.push(format!(
            "replay ⏸ {} ×{}",
            app.replay.horizon,
            app.replay.speed()
        )),
        Mode::Playing { .. } => parts.push(format!("replay ▶ ×{}", app.replay.speed())),
    }
    if let Some(live) = &app.live {
        let waiting = live.source_stats.lock().is_ok_and(|s| s.waiting);
        let state = if app.capture_paused() {
            "live ■ stopped".to_string()
        } else if waiting {
            format!("live ○ waiting for {}…", app.title)
        } else {
            "live ● capturing".to_string()
        };
        let dropped = live.channel_dropped.load(Ordering::Relaxed);
        let kernel = live
            .source_stats
            .lock()
            .map(|s| s.kernel_dropped.unwrap_or(0))
            .unwrap_or(0);
        parts.push(format!("{state} │ drops {}", dropped + kernel));
    }
    let mut tabs: Vec<String> = View::ALL
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if *v == app.view {
                format!("[{} {}]", i + 1, v.title())
            } else {
                format!("{}", i + 1)
            }
        })
        .collect();
    // A view beyond the numbered tabs shows as one while it is open: Expert Info with
    // its key (8), the graphs by name.
    if !View::ALL.contains(&app.view) {
        tabs.push(match app.view {
            View::Expert => format!("[{} {}]", View::ALL.len() + 1, app.view.title()),
            _ => format!("[{}]", app.view.title()),
        });
    }
    parts.push(tabs.join(" "));
    let text = super::fit(&parts.join(" │ "), usize::from(area.width));
    Paragraph::new(Line::styled(
        format!("{text:<w$}", w = usize::from(area.width)),
        crate::tui::ui::palette(app).title,
    ))
    .render(area, buf);
}

pub fn footer(app: &App, area: Rect, buf: &mut Buffer) {
    let text = if let Some(q) = app.confirm_text() {
        q
    } else if let Some(p) = &app.prompt {
        let export = app.export_label(&p.text);
        let follow_save = format!(
            "save stream ({}) as: ",
            app.follow.as_ref().map_or("", |f| f.mode.word())
        );
        let label = match p.kind {
            PromptKind::Search => "/",
            PromptKind::Goto => "go to packet: ",
            PromptKind::Save => "save as (pcapng): ",
            PromptKind::Export => export.as_str(),
            PromptKind::FollowFind => "find in stream: ",
            PromptKind::FollowSave => follow_save.as_str(),
            PromptKind::GraphLine => "graph line (filter, or SUM(field)filter): ",
        };
        format!("{label}{}█", p.text)
    } else if let Some(m) = &app.message {
        m.clone()
    } else {
        let mut search = app
            .search
            .as_ref()
            .map_or(String::new(), |s| format!("search {} (n/N) │ ", s.label));
        if let Some(f) = &app.filter {
            search = format!("filter {} (Esc clears) │ {search}", f.text);
        }
        let note = app
            .note
            .as_ref()
            .and_then(|n| n.lock().ok().map(|n| n.clone()))
            .filter(|n| !n.is_empty())
            .map_or(String::new(), |n| format!("▶ {n} │ "));
        format!("{note}{search}{}", hints(app))
    };
    Paragraph::new(Line::styled(
        super::fit(&text, usize::from(area.width)),
        crate::tui::ui::palette(app).status,
    ))
    .render(area, buf);
}

/// The keys that matter in the current view, most useful first (the rest are under `?`).
fn hints(app: &App) -> &'static str {
    match app.view {
        View::Packets => "? help  q quit  / filter  : go to  Tab pane  s sort  t time  z zoom  2 ladder  e explain  Space replay",
        View::Ladder => "? help  q quit  j/k segment  e explain  f follow  3 conversations  Esc back",
        View::Conversations => "? help  q quit  j/k move  Enter ladder  f follow  Esc back",
        View::Follow => "? help  j/k scroll  f mode  L wrap  / find  n/N  w save  y copy  Esc back",
        View::Stats => "? help  q quit  / filter (counts follow it)  o IO graph  Esc back",
        View::Encap => "? help  q quit  h/l packet  j/k scroll  7 diagrams  Esc back",
        View::Diagram => "? help  q quit  j/k field  h/l packet  6 encapsulation  Esc back",
        View::Expert => "? help  q quit  j/k move  Enter open/go to packet  h/l close/open  b back",
        View::IoGraph => "? help  v interval  u packets/bytes  O add line  Enter edit  D drop  j/k line  Esc back",
        View::Stevens => "? help  u other direction  S this packet's stream  Esc back",
    }
}

pub fn picker(app: &App, area: Rect, buf: &mut Buffer) {
    let Some((names, cursor)) = &app.picker else {
        return;
    };
    let h = (names.len() as u16 + 2).min(area.height);
    let w = 40.min(area.width);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let lines: Vec<Line> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if i == *cursor {
                Line::styled(format!("> {n}"), crate::tui::ui::palette(app).selected)
            } else {
                Line::raw(format!("  {n}"))
            }
        })
        .collect();
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .block(Block::new().borders(Borders::ALL).title(" Capture on "))
        .render(popup, buf);
}
