//! What each [`Action`] does to the state.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::{replay, tree, Action, App, Effect, Pane, Prompt, PromptKind, View};
use crate::filter::build::Combine;
use crate::store::lock;

pub(super) fn handle(app: &mut App, action: Action) {
    if app.picker.is_some() {
        return picker(app, action);
    }
    let page = crate::tui::app::layout::list_rows(app.size, &app.split).max(1);
    match action {
        Action::Quit => app.request_quit(),
        Action::Back => back(app),
        Action::Up => step(app, -1),
        Action::Down => step(app, 1),
        Action::PageUp => step(app, -(page as i64)),
        Action::PageDown => step(app, page as i64),
        Action::Top => step(app, i64::MIN / 2),
        Action::Bottom => {
            step(app, i64::MAX / 2);
            if app.view == View::Packets && app.focus == Pane::List {
                app.follow_tail = true;
            }
        }
        Action::NextPane | Action::PrevPane => {
            let order = [Pane::List, Pane::Details, Pane::Hex];
            let at = order.iter().position(|p| *p == app.focus).unwrap_or(0);
            let next = if action == Action::NextPane { 1 } else { 2 };
            app.focus = order[(at + next) % 3];
            app.view = View::Packets;
        }
        Action::Activate => activate(app),
        Action::Collapse | Action::Expand => set_collapsed(app, action == Action::Collapse),
        Action::Search => open_prompt(app, PromptKind::Search),
        Action::Goto => open_prompt(app, PromptKind::Goto),
        Action::Save => open_prompt(app, PromptKind::Save),
        Action::NextMatch => find(app, true),
        Action::PrevMatch => find(app, false),
        Action::Show(view) => app.view = view,
        Action::FollowStream => app.follow_stream(),
        Action::PlayPause => play_pause(app),
        Action::Step => {
            if app.replay.mode == replay::Mode::Off {
                app.replay.horizon = 0;
            }
            app.replay.pause();
            app.replay.horizon += 1;
            app.follow_tail = true;
            app.tick(app.now);
        }
        Action::Faster | Action::Slower => {
            let i = app.replay.speed_index;
            let i = if action == Action::Faster {
                i + 1
            } else {
                i.saturating_sub(1)
            };
            app.replay.set_speed(i, app.now);
            app.message = Some(format!("replay speed ×{}", app.replay.speed()));
        }
        Action::Restart => {
            app.replay.horizon = 0;
            app.replay.play(app.now, lock(&app.store).first_ts());
            app.follow_tail = true;
            app.tick(app.now);
        }
        Action::ToggleCapture => match &app.live {
            Some(live) => {
                let paused = !live.paused.load(Ordering::Relaxed);
                live.paused.store(paused, Ordering::Relaxed);
                let what = if paused { "stopped" } else { "started" };
                app.message = Some(format!("capture {what}"));
            }
            None => app.message = Some("not a live capture".into()),
        },
        Action::PickInterface => {
            if app.interfaces.is_empty() {
                app.message = Some("no interfaces to capture on".into());
            } else {
                app.picker = Some((app.interfaces.clone(), 0));
            }
        }
        Action::Help => {
            app.help = true;
            app.help_top = 0;
        }
        // Handled by `super::teach` (and `follow`) before this function runs.
        Action::Explain | Action::Quiz | Action::Privacy | Action::FollowWrap => {}
        Action::StopReplay => stop_replay(app),
        Action::ColumnLeft => app.move_column_cursor(-1),
        Action::ColumnRight => app.move_column_cursor(1),
        Action::Sort => app.sort_by_cursor(),
        Action::HideColumn => app.hide_column(),
        Action::SavePrefs => app.save_prefs(),
        Action::ShowColumns => app.show_all_columns(),
        Action::NarrowColumn => app.resize_column(-2),
        Action::WidenColumn => app.resize_column(2),
        Action::TimeFormat => app.next_time_format(),
        Action::ResolveNames => {
            app.set_resolve_names(!app.resolve_names);
            app.message = Some(if app.resolve_names {
                "Names: MAC vendors, port names, hosts from the capture's DNS answers (R: off)"
                    .to_string()
            } else {
                "Names off: addresses and port numbers (R: on)".to_string()
            });
        }
        Action::Zoom => zoom(app),
        Action::GrowPane => resize_pane(app, 5),
        Action::ShrinkPane => resize_pane(app, -5),
        Action::ApplyFilter => app.apply_selected(Combine::Selected),
        Action::PrepareFilter => app.prepare_selected(Combine::Selected),
        Action::PrepareAnd => app.prepare_selected(Combine::AndSelected),
        Action::PrepareOr => app.prepare_selected(Combine::OrSelected),
        Action::PrepareAndNot => app.prepare_selected(Combine::AndNotSelected),
        Action::Mark => app.toggle_mark(),
        Action::NextMark => app.next_mark(true),
        Action::PrevMark => app.next_mark(false),
        Action::Ignore => app.toggle_ignore(),
        Action::Export => app.open_export(),
        Action::GoBack => app.go_back(),
        Action::Copy => app.copy("text"),
        Action::CopyFilter => app.copy_filter(),
        // The graphs take these in their views (`super::io_graph`, `super::stevens`).
        Action::GraphInterval
        | Action::GraphUnit
        | Action::AddGraphLine
        | Action::DropGraphLine => {
            app.message = Some("graph keys: o opens the IO graph, S the TCP stream graph".into());
        }
    }
}

/// `x`: the replay ends and the whole capture is back, the selection kept.
fn stop_replay(app: &mut App) {
    if app.replay.mode == replay::Mode::Off {
        app.message = Some("no replay to stop (Space starts one)".into());
        return;
    }
    app.replay.mode = replay::Mode::Off;
    app.follow_tail = false;
    app.message = Some("replay stopped: every packet shown".into());
    app.tick(app.now);
}

/// `z`: the focused pane of the packets view takes the whole body, or gives it back.
fn zoom(app: &mut App) {
    if app.view != View::Packets {
        app.view = View::Packets;
    }
    app.split.zoom = match app.split.zoom {
        Some(_) => None,
        None => Some(app.focus),
    };
}

/// `K`/`J`: the focused pane grows or shrinks by `delta` percent of the body, taken from
/// (or given to) its neighbour below (the hex pane's neighbour is the details pane).
fn resize_pane(app: &mut App, delta: i16) {
    const MIN: i16 = 10;
    let s = &mut app.split;
    let (list, details) = (s.list as i16, s.details as i16);
    let hex = 100 - list - details;
    let (list, details) = match app.focus {
        Pane::List => {
            let d = delta.clamp(MIN - list, details - MIN);
            (list + d, details - d)
        }
        Pane::Details => {
            let d = delta.clamp(MIN - details, hex - MIN);
            (list, details + d)
        }
        Pane::Hex => {
            let d = delta.clamp(MIN - hex, details - MIN);
            (list, details - d)
        }
    };
    s.list = list as u16;
    s.details = details as u16;
    s.zoom = None;
    app.ensure_visible();
}

/// Esc backs out one step at a time and, with nothing left to close, says how to quit:
/// a stray Esc (after an error message, a paused replay, a cleared filter) must never
/// end the session.
fn back(app: &mut App) {
    if app.split.zoom.is_some() {
        app.split.zoom = None;
    } else if app.view != View::Packets {
        app.view = View::Packets;
    } else if app.focus != Pane::List {
        app.focus = Pane::List;
    } else if app.search.is_some() {
        app.search = None;
    } else if app.filter.is_some() {
        app.clear_filter();
    } else {
        app.message = Some("nothing to close: q quits".into());
    }
}

fn picker(app: &mut App, action: Action) {
    let Some((names, cursor)) = &mut app.picker else {
        return;
    };
    match action {
        Action::Up => *cursor = cursor.saturating_sub(1),
        Action::Down => *cursor = (*cursor + 1).min(names.len().saturating_sub(1)),
        Action::Activate => {
            let picked = names.get(*cursor).cloned();
            app.picker = None;
            if let Some(name) = picked {
                app.remember_interface(&name);
                app.effects.push(Effect::OpenInterface(name));
            }
        }
        Action::Quit => app.quit = true,
        _ => app.picker = None,
    }
}

fn open_prompt(app: &mut App, kind: PromptKind) {
    // The bar opens on the filter in force (from `-Y` or typed earlier), ready to edit, as
    // Wireshark's filter toolbar keeps showing the applied filter.
    let text = match (kind, &app.filter) {
        (PromptKind::Search, Some(f)) => f.text.clone(),
        _ => String::new(),
    };
    app.prompt = Some(Prompt { kind, text });
}

/// Moves the cursor of the focused pane/view by `delta` rows.
fn step(app: &mut App, delta: i64) {
    let clamp = |v: usize, d: i64, len: usize| -> usize {
        (v as i64)
            .saturating_add(d)
            .clamp(0, len.saturating_sub(1) as i64) as usize
    };
    match app.view {
        View::Packets => match app.focus {
            Pane::List => {
                app.step_rows(delta);
                app.follow_tail = false;
                app.detail_cursor = app.detail_cursor.min(detail_len(app).saturating_sub(1));
            }
            Pane::Details => app.detail_cursor = clamp(app.detail_cursor, delta, detail_len(app)),
            Pane::Hex => app.hex_top = clamp(app.hex_top, delta, hex_lines(app)),
        },
        View::Ladder => {
            app.sync_stream();
            let store = Arc::clone(&app.store);
            let store = lock(&store);
            let stream = store.entry(app.selected).filter(|e| e.kind.has_ladder());
            if let Some(all) = stream.and_then(|e| app.stream.get(e.kind, e.stream)) {
                let shown = all.partition_point(|&i| (i as usize) < app.visible);
                let pos = all[..shown].partition_point(|&i| (i as usize) < app.selected);
                app.selected = all[clamp(pos, delta, shown)] as usize;
            } else {
                // Not on a TCP/UDP packet: move through the capture until one is selected.
                app.selected = clamp(app.selected, delta, app.visible);
            }
            app.follow_tail = false;
        }
        View::Conversations => {
            let n = app.conversation_lines(&lock(&app.store)).len();
            app.conv_cursor = clamp(app.conv_cursor, delta, n);
        }
        // The follow and expert views move in their own modules.
        View::Follow
        | View::Expert
        | View::Stats
        | View::Encap
        | View::Diagram
        | View::IoGraph
        | View::Stevens => {}
    }
}

/// Rows of the details tree of the selected packet.
pub(super) fn detail_rows(app: &App) -> Vec<tree::TreeRow> {
    let store = lock(&app.store);
    if app.selected >= app.visible {
        return Vec::new();
    }
    store
        .dissect(app.selected)
        .map_or_else(Vec::new, |d| tree::rows(&d, &app.collapsed))
}

fn detail_len(app: &App) -> usize {
    detail_rows(app).len()
}

fn hex_lines(app: &App) -> usize {
    let store = lock(&app.store);
    let len = store.entry(app.selected).map_or(0, |e| e.cap_len as usize);
    len.div_ceil(crate::tui::app::layout::hex_width(app.size))
}

fn activate(app: &mut App) {
    // A `[… in frame: N]` line goes there; any other line opens or closes its layer.
    if app.view == View::Packets && app.focus == Pane::Details && app.follow_link() {
        return;
    }
    match app.view {
        View::Packets if app.focus == Pane::List => app.focus = Pane::Details,
        View::Packets => {
            let rows = detail_rows(app);
            if let Some(row) = rows.get(app.detail_cursor) {
                let layer = row.layer;
                if !app.collapsed.remove(&layer) {
                    app.collapsed.insert(layer);
                }
                let rows = detail_rows(app);
                app.detail_cursor = rows.iter().position(|r| r.layer == layer).unwrap_or(0);
                clamp_detail_scroll(app, rows.len());
            }
        }
        View::Conversations => {
            let store = Arc::clone(&app.store);
            let store = lock(&store);
            let Some(line) = app.conversation_lines(&store).get(app.conv_cursor).copied() else {
                return;
            };
            if let Some(first) = store.first_of_stream(line.kind, line.stream) {
                app.selected = first.min(app.visible.saturating_sub(1));
                app.follow_tail = false;
                app.view = View::Ladder;
            }
        }
        _ => {}
    }
}

fn set_collapsed(app: &mut App, collapse: bool) {
    if app.view != View::Packets || app.focus != Pane::Details {
        return;
    }
    let rows = detail_rows(app);
    let Some(layer) = rows.get(app.detail_cursor).map(|r| r.layer) else {
        return;
    };
    if collapse {
        app.collapsed.insert(layer);
    } else {
        app.collapsed.remove(&layer);
    }
    let rows = detail_rows(app);
    if collapse {
        app.detail_cursor = rows.iter().position(|r| r.layer == layer).unwrap_or(0);
    }
    clamp_detail_scroll(app, rows.len());
}

/// After the tree shrank: no scrolling past its last row into blank space.
fn clamp_detail_scroll(app: &mut App, rows: usize) {
    let shown = crate::tui::app::layout::details_rows(app.size, &app.split).max(1);
    app.detail_top = app.detail_top.min(rows.saturating_sub(shown));
}

/// Moves to the next (or previous) row the search matches, wrapping around; with only a
/// filter applied every row matches, so n/N walk the filtered rows.
fn find(app: &mut App, forward: bool) {
    if app.search.is_none() && app.filter.is_none() {
        app.message = Some("no search: press / to search".into());
        return;
    }
    let store = Arc::clone(&app.store);
    let store = lock(&store);
    let n = app.row_count();
    let at = app.row_at_or_after(app.selected).min(n.saturating_sub(1));
    // From a selection that is not a row, the row after it is the first candidate going
    // forward, the row before it going back.
    let start = if app.is_row(app.selected) || !forward || n == 0 {
        at
    } else {
        (at + n - 1) % n
    };
    let found = (1..=n).find_map(|k| {
        let r = if forward {
            (start + k) % n
        } else {
            (start + n - k % n) % n
        };
        let i = app.row_packet(r)?;
        let Some(search) = &app.search else {
            return Some(i);
        };
        store.dissect(i).filter(|d| (search.matches)(d)).map(|_| i)
    });
    let label = app
        .search
        .as_ref()
        .map_or_else(|| "the filter".to_string(), |s| s.label.clone());
    match found {
        Some(i) => {
            app.selected = i;
            app.follow_tail = false;
        }
        None => app.message = Some(format!("no packet matches {label}")),
    }
}

fn play_pause(app: &mut App) {
    let store = Arc::clone(&app.store);
    let store = lock(&store);
    match app.replay.mode {
        replay::Mode::Playing { .. } => {
            app.replay.pause();
            app.message = Some("replay paused".into());
        }
        replay::Mode::Off => {
            app.replay.horizon = 0;
            app.replay.play(app.now, store.first_ts());
            app.follow_tail = true;
        }
        replay::Mode::Paused => {
            let last = app
                .replay
                .horizon
                .checked_sub(1)
                .and_then(|i| store.entry(i))
                .map_or(store.first_ts(), |e| e.ts_ns);
            app.replay.play(app.now, last);
            app.follow_tail = true;
        }
    }
    drop(store);
    app.tick(app.now);
}
