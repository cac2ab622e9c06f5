//! The follow-stream view's state and keys: the followed stream in ASCII, hex or raw (the
//! lines `-z follow,…` prints, from the same code), wrapping, a search inside the text
//! with n/N, and saving the shown text to a file.

use std::sync::Arc;

use super::{Action, App, Prompt, PromptKind, View};
use crate::analysis::follow::{FollowedStream, TcpFollower, UdpFollower};
use crate::analysis::follow_dump::{follow_lines, join_lines, FollowLine, FollowMode};
use crate::dissect::{tcp_segment, udp_datagram, SackBlocks};
use crate::store::{lock, Kind, Store};

/// Columns `h`/`l` move the text sideways when lines are not wrapped.
const SIDE_STEP: usize = 8;

/// A search inside the followed text: every hit as (line, byte offset), and the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowFind {
    pub needle: String,
    pub hits: Vec<(usize, usize)>,
    pub at: usize,
}

/// The follow view: one stream, shown in one mode.
#[derive(Debug, Clone)]
pub struct FollowView {
    /// `TCP stream 3`.
    pub title: String,
    pub stream: FollowedStream,
    pub mode: FollowMode,
    /// The text of `mode`, as `-z follow,…,MODE,N` prints it.
    pub lines: Vec<FollowLine>,
    /// First line shown.
    pub top: usize,
    /// Columns scrolled sideways (without wrapping).
    pub left: usize,
    pub wrap: bool,
    pub find: Option<FollowFind>,
}

impl FollowView {
    fn new(title: String, stream: FollowedStream, wrap: bool) -> Self {
        let mode = FollowMode::Ascii;
        FollowView {
            title,
            lines: follow_lines(&stream, mode),
            stream,
            mode,
            top: 0,
            left: 0,
            wrap,
            find: None,
        }
    }

    /// The text of the shown mode, byte for byte what `-z follow,…` prints.
    pub fn text(&self) -> String {
        join_lines(&self.lines)
    }

    fn set_mode(&mut self, mode: FollowMode) {
        self.mode = mode;
        self.lines = follow_lines(&self.stream, mode);
        self.top = 0;
        self.left = 0;
        if let Some(find) = self.find.take() {
            self.find = Some(search(&self.lines, find.needle));
        }
    }

    /// Brings the current hit to the top of the view (with a line of context above).
    fn show_hit(&mut self) {
        if let Some((line, col)) = self.find.as_ref().and_then(|f| f.hits.get(f.at)) {
            self.top = line.saturating_sub(1);
            if !self.wrap {
                self.left = col.saturating_sub(SIDE_STEP);
            }
        }
    }
}

/// Every place `needle` occurs, ignoring ASCII case (the text is ASCII).
fn search(lines: &[FollowLine], needle: String) -> FollowFind {
    let lower = needle.to_ascii_lowercase();
    let mut hits = Vec::new();
    if !lower.is_empty() {
        for (i, line) in lines.iter().enumerate() {
            let hay = line.text.to_ascii_lowercase();
            let mut from = 0;
            while let Some(at) = hay.get(from..).and_then(|rest| rest.find(&lower)) {
                hits.push((i, from + at));
                from += at + lower.len().max(1);
            }
        }
    }
    FollowFind {
        needle,
        hits,
        at: 0,
    }
}

/// Handles `action` in the follow view; returns whether it did (otherwise the normal
/// navigation runs). `L` (wrap) answers everywhere, since nothing else uses it.
pub(super) fn handle(app: &mut App, action: Action) -> bool {
    if action == Action::FollowWrap {
        match &mut app.follow {
            Some(view) => {
                view.wrap = !view.wrap;
                view.left = 0;
                app.message = Some(if view.wrap {
                    "follow: long lines wrap (L: cut them)".into()
                } else {
                    "follow: long lines cut, h/l scroll sideways (L: wrap)".into()
                });
            }
            None => app.message = Some("L wraps the follow view's lines: f follows first".into()),
        }
        return true;
    }
    if app.view != View::Follow {
        return false;
    }
    let Some(view) = &mut app.follow else {
        return false;
    };
    let page = crate::tui::app::layout::follow_rows(app.size).max(1);
    let last = view.lines.len().saturating_sub(1);
    match action {
        // f again: the next way of showing the same bytes.
        Action::FollowStream => {
            view.set_mode(view.mode.next());
            app.message = Some(format!(
                "follow as {} (f: {})",
                view.mode.word(),
                view.mode.next().word()
            ));
        }
        Action::Down => view.top = (view.top + 1).min(last),
        Action::Up => view.top = view.top.saturating_sub(1),
        Action::PageDown => view.top = (view.top + page).min(last),
        Action::PageUp => view.top = view.top.saturating_sub(page),
        Action::Top => view.top = 0,
        Action::Bottom => view.top = last.saturating_sub(page.saturating_sub(1)),
        Action::Expand if !view.wrap => view.left += SIDE_STEP,
        Action::Collapse if !view.wrap => view.left = view.left.saturating_sub(SIDE_STEP),
        Action::Search => {
            app.prompt = Some(Prompt {
                kind: PromptKind::FollowFind,
                text: String::new(),
            });
        }
        Action::NextMatch | Action::PrevMatch => {
            let forward = action == Action::NextMatch;
            match &mut view.find {
                Some(find) if !find.hits.is_empty() => {
                    let n = find.hits.len();
                    find.at = if forward {
                        (find.at + 1) % n
                    } else {
                        (find.at + n - 1) % n
                    };
                    let said = format!("{} {} of {n}", find.needle, find.at + 1);
                    view.show_hit();
                    app.message = Some(said);
                }
                Some(find) => app.message = Some(format!("no match for {}", find.needle)),
                None => app.message = Some("no search: press / to search the stream".into()),
            }
        }
        Action::Save => {
            app.prompt = Some(Prompt {
                kind: PromptKind::FollowSave,
                text: String::new(),
            });
        }
        // Esc drops the search's highlight before it leaves the view.
        Action::Back if view.find.is_some() => view.find = None,
        _ => return false,
    }
    true
}

impl App {
    /// `f`: follows the selected packet's (or conversation's) stream, in ASCII.
    pub(super) fn follow_stream(&mut self) {
        let store = Arc::clone(&self.store);
        let store = lock(&store);
        let target = if self.view == View::Conversations {
            self.conversation_lines(&store)
                .get(self.conv_cursor)
                .map(|l| (l.kind, l.stream))
        } else {
            store
                .entry(self.selected)
                .filter(|e| e.kind != Kind::Other)
                .map(|e| (e.kind, e.stream))
        };
        let Some((kind, stream)) = target else {
            self.message = Some("select a TCP or UDP packet to follow its stream".into());
            return;
        };
        let followed = follow(&store, kind, stream, self.visible);
        let title = format!(
            "{} stream {stream}",
            if kind == Kind::Tcp { "TCP" } else { "UDP" }
        );
        let wrap = self.follow.as_ref().is_none_or(|f| f.wrap);
        self.follow = Some(FollowView::new(title, followed, wrap));
        self.view = View::Follow;
    }

    /// Enter in the follow view's `/` prompt: finds `needle` and shows the first hit at or
    /// after the top line.
    pub(super) fn follow_find(&mut self, needle: &str) {
        let Some(view) = &mut self.follow else {
            return;
        };
        if needle.is_empty() {
            view.find = None;
            return;
        }
        let mut find = search(&view.lines, needle.to_string());
        let n = find.hits.len();
        if n == 0 {
            self.message = Some(format!("no match for {needle}"));
        } else {
            find.at = find
                .hits
                .iter()
                .position(|&(line, _)| line >= view.top)
                .unwrap_or(0);
            self.message = Some(format!("{needle} {} of {n} (n/N)", find.at + 1));
        }
        view.find = Some(find);
        view.show_hit();
    }

    /// Enter in the follow view's save prompt: writes the shown text, whole or not at all.
    pub(super) fn follow_save(&mut self, path: &str) {
        let Some(view) = &self.follow else {
            return;
        };
        if path.is_empty() {
            return;
        }
        let mode = view.mode.word();
        let message = match super::save::write_text(path, &view.text()) {
            Ok(shown) => format!("saved the stream ({mode}) to {shown}"),
            Err(why) => format!("save failed: {why}"),
        };
        self.message = Some(message);
    }
}

/// The followed stream over the visible packets, reassembled by the same followers as
/// `-z follow,…`.
fn follow(store: &Store, kind: Kind, stream: u32, visible: usize) -> FollowedStream {
    let mut packets = Vec::new();
    store.scan_stream(kind, stream, 0..visible, &mut packets);
    let shown = packets.iter().take_while(|&&i| (i as usize) < visible);
    if kind == Kind::Tcp {
        let mut sack = SackBlocks::new();
        let mut f = TcpFollower::new(u64::from(stream));
        for d in shown.filter_map(|&i| store.dissect(i as usize)) {
            let seg = tcp_segment(&d.packet, d.info.number, d.info.ts_ns, &mut sack);
            if let (Some(seg), Some(facts)) = (seg, &d.tcp) {
                f.push(&seg, facts);
            }
        }
        f.finish()
    } else {
        let mut f = UdpFollower::new(u64::from(stream));
        for d in shown.filter_map(|&i| store.dissect(i as usize)) {
            let dg = udp_datagram(&d.packet, d.info.number, d.info.ts_ns);
            if let (Some(dg), Some(facts)) = (dg, &d.udp) {
                f.push(&dg, facts);
            }
        }
        f.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> FollowLine {
        FollowLine {
            sender: Some(0),
            indent: false,
            text: text.into(),
        }
    }

    #[test]
    fn search_finds_every_hit_ignoring_case() {
        let lines = [line("GET / HTTP/1.1"), line("no"), line("http http")];
        let find = search(&lines, "http".into());
        assert_eq!(find.hits, vec![(0, 6), (2, 0), (2, 5)]);
        assert!(search(&lines, String::new()).hits.is_empty());
        // Overlapping needles advance past each hit.
        let find = search(&[line("aaaa")], "aa".into());
        assert_eq!(find.hits, vec![(0, 0), (0, 2)]);
    }
}
