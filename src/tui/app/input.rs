//! Keys and mouse into actions: the keymap for normal keys, line editing while a prompt is
//! open, hit-testing for clicks and the wheel.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use super::{keymap, nav, tree, Action, App, Pane, PromptKind, View};
use crate::store::lock;

impl App {
    pub fn handle_key(&mut self, ev: KeyEvent) {
        if ev.kind == KeyEventKind::Release {
            return;
        }
        // A terminal sends Esc and a quickly following key as one sequence, which reads as
        // Alt+key; nothing here is bound to Alt, so it is what was typed: Esc, then the key.
        if ev.modifiers.contains(KeyModifiers::ALT) {
            if let KeyCode::Char(_) = ev.code {
                self.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
                let mut plain = ev;
                plain.modifiers.remove(KeyModifiers::ALT);
                return self.handle_key(plain);
            }
        }
        if self.confirm_quit.is_some() {
            return self.confirm_key(ev);
        }
        if self.prompt.is_some() {
            return self.prompt_key(ev);
        }
        if self.quiz_key(ev) {
            return;
        }
        // The help scrolls with the moving keys; any other key closes it, letters without a
        // binding too; q still quits.
        if self.help {
            return self.help_key(keymap::lookup(&ev));
        }
        if let Some(action) = keymap::lookup(&ev) {
            self.handle(action);
        }
    }

    fn prompt_key(&mut self, ev: KeyEvent) {
        if self.bar_key(&ev) {
            return;
        }
        if ev.code == KeyCode::Tab
            && self
                .prompt
                .as_ref()
                .is_some_and(|p| p.kind == PromptKind::Export)
        {
            self.analyst.export = self.analyst.export.next();
            return;
        }
        let Some(prompt) = &mut self.prompt else {
            return;
        };
        match ev.code {
            KeyCode::Esc => {
                self.prompt = None;
                self.quit_after_save = false;
            }
            KeyCode::Backspace => {
                prompt.text.pop();
            }
            // Readline's line editing: C-u clears the line, C-w the word before the caret.
            KeyCode::Char('u') if ev.modifiers.contains(KeyModifiers::CONTROL) => {
                prompt.text.clear();
            }
            KeyCode::Char('w') if ev.modifiers.contains(KeyModifiers::CONTROL) => {
                let kept = prompt.text.trim_end().len();
                let cut = prompt.text[..kept]
                    .char_indices()
                    .rev()
                    .find(|(_, c)| c.is_whitespace())
                    .map_or(0, |(i, c)| i + c.len_utf8());
                prompt.text.truncate(cut);
            }
            KeyCode::Char(_) if ev.modifiers.contains(KeyModifiers::CONTROL) => {}
            KeyCode::Char(c) => prompt.text.push(c),
            // An invalid filter keeps the bar open (red, with the caret) to be fixed.
            KeyCode::Enter if prompt.kind == PromptKind::Search => {
                let text = prompt.text.clone();
                self.prompt = None;
                if !self.apply_bar(&text) {
                    self.prompt = Some(super::Prompt {
                        kind: PromptKind::Search,
                        text,
                    });
                }
            }
            KeyCode::Enter => {
                if let Some(p) = self.prompt.take() {
                    // A search in the stream may look for spaces too.
                    let text = match p.kind {
                        PromptKind::FollowFind => p.text.as_str(),
                        _ => p.text.trim(),
                    };
                    self.submit(p.kind, text);
                }
            }
            _ => {}
        }
    }

    fn submit(&mut self, kind: PromptKind, text: &str) {
        match kind {
            PromptKind::Search => {
                self.apply_bar(text);
            }
            PromptKind::Goto => match text.parse::<usize>() {
                Ok(n) if n >= 1 && n <= self.visible && !self.is_row(n - 1) => {
                    self.message = Some(format!("packet {n} is hidden by the filter"));
                }
                Ok(n) if n >= 1 && n <= self.visible => {
                    self.selected = n - 1;
                    self.follow_tail = false;
                    self.view = View::Packets;
                    self.ensure_visible();
                }
                _ if self.visible == 0 => self.message = Some("no packets yet".into()),
                _ => {
                    self.message = Some(format!(
                        "no packet {text}: the packets are numbered 1 to {}",
                        self.visible
                    ))
                }
            },
            PromptKind::Export => self.submit_export(text),
            PromptKind::FollowFind => self.follow_find(text),
            PromptKind::FollowSave => self.follow_save(text),
            PromptKind::GraphLine => self.submit_graph_line(text),
            PromptKind::Save if text.is_empty() => self.quit_after_save = false,
            PromptKind::Save => {
                let (message, ok) = self.save(text);
                self.message = Some(message);
                if ok && self.quit_after_save {
                    self.quit = true;
                }
                self.quit_after_save = false;
            }
        }
    }

    pub fn handle_mouse(&mut self, ev: MouseEvent) {
        // Over the help the wheel scrolls it and a click closes it, as a key does: nothing
        // underneath is touched.
        if self.help {
            match ev.kind {
                MouseEventKind::ScrollDown => self.help_key(Some(Action::Down)),
                MouseEventKind::ScrollUp => self.help_key(Some(Action::Up)),
                MouseEventKind::Down(_) => self.help_key(None),
                _ => {}
            }
            return;
        }
        let at = Position::new(ev.column, ev.row);
        let panes = crate::tui::app::layout::packets(self.size, &self.split);
        let inside = |r: Rect| r.contains(at);
        match ev.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let down = ev.kind == MouseEventKind::ScrollDown;
                if self.view == View::Packets {
                    for (rect, pane) in [
                        (panes.list, Pane::List),
                        (panes.details, Pane::Details),
                        (panes.hex, Pane::Hex),
                    ] {
                        if inside(rect) {
                            self.focus = pane;
                        }
                    }
                }
                for _ in 0..3 {
                    self.handle(if down { Action::Down } else { Action::Up });
                }
            }
            MouseEventKind::Down(MouseButton::Left) if self.view == View::Packets => {
                if inside(panes.list) {
                    self.focus = Pane::List;
                    // Two lines above the rows: the pane title and the column header.
                    let row = usize::from(at.y.saturating_sub(panes.list.y + 2));
                    let packet = self.row_packet(self.list_top + row);
                    if let Some(p) = packet.filter(|_| at.y >= panes.list.y + 2) {
                        self.selected = p;
                        self.follow_tail = false;
                    }
                } else if inside(panes.details) {
                    self.focus = Pane::Details;
                    let row = usize::from(at.y.saturating_sub(panes.details.y + 1));
                    let n = nav::detail_rows(self).len();
                    if at.y > panes.details.y && self.detail_top + row < n {
                        self.detail_cursor = self.detail_top + row;
                    }
                } else if inside(panes.hex) {
                    // Map the click with the scroll position it was made on, then keep it.
                    let hit = self.hex_offset_at(panes.hex, at);
                    self.focus = Pane::Hex;
                    if let Some((offset, top)) = hit {
                        self.hex_top = top;
                        self.select_byte(offset);
                    }
                }
                self.ensure_visible();
            }
            _ => {}
        }
    }

    /// The frame byte under a click in the hex pane (hex or ASCII column).
    fn hex_offset_at(&self, pane: Rect, at: Position) -> Option<(usize, usize)> {
        let width = crate::tui::app::layout::hex_width(self.size);
        let height = usize::from(pane.height.saturating_sub(1));
        let range = self.selected_range();
        let top = self.hex_top_line(height, width, range);
        let line = usize::from(at.y.checked_sub(pane.y + 1)?) + top;
        let x = usize::from(at.x.checked_sub(pane.x)?);
        let col = crate::tui::app::layout::column_at(x, width)?;
        let offset = line * width + col;
        let len = lock(&self.store).entry(self.selected)?.cap_len as usize;
        (offset < len).then_some((offset, top))
    }

    /// Selects the innermost field covering byte `offset`, expanding its layer.
    pub fn select_byte(&mut self, offset: usize) {
        let rows = {
            let store = lock(&self.store);
            let Some(d) = store.dissect(self.selected) else {
                return;
            };
            if let Some(layer) = tree::layer_at_byte(&d, offset) {
                self.collapsed.remove(&layer);
            }
            tree::rows(&d, &self.collapsed)
        };
        if let Some(i) = tree::row_at_byte(&rows, offset) {
            self.detail_cursor = i;
        }
        self.ensure_visible();
    }
}
