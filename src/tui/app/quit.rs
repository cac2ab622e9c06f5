//! Quitting a live session that holds packets no file has: ask first ("N unsaved
//! packets: save (w) / quit anyway (q) / cancel (Esc)"), like Wireshark's "Unsaved
//! packets" dialog. A replay or a recorded (`-w`) session quits at once.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Prompt, PromptKind};

impl App {
    /// Live packets that are in no file yet.
    pub fn unsaved(&self) -> u64 {
        if self.live.as_ref().is_none_or(|l| l.recording) {
            return 0;
        }
        (self.available.saturating_sub(self.saved_upto)) as u64
    }

    /// `q`, `Ctrl-C`, or Esc on the bare list: quit, or ask when packets would be lost.
    pub fn request_quit(&mut self) {
        match self.unsaved() {
            0 => self.quit = true,
            n => self.confirm_quit = Some(n),
        }
    }

    /// A key while the quit question is open.
    pub(super) fn confirm_key(&mut self, ev: KeyEvent) {
        let ctrl_c = ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL);
        match ev.code {
            _ if ctrl_c => self.quit = true,
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('w') => {
                self.confirm_quit = None;
                self.quit_after_save = true;
                self.prompt = Some(Prompt {
                    kind: PromptKind::Save,
                    text: String::new(),
                });
            }
            KeyCode::Esc => self.confirm_quit = None,
            _ => {}
        }
    }

    /// The question as the footer shows it.
    pub fn confirm_text(&self) -> Option<String> {
        self.confirm_quit.map(|n| {
            format!(
                "{} unsaved packet{}: save (w) / quit anyway (q) / cancel (Esc)",
                super::group(n),
                if n == 1 { "" } else { "s" }
            )
        })
    }
}

/// `12345` → `12,345`.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
