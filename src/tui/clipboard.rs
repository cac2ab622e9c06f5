//! Copying to the user's clipboard with OSC 52 (`ESC ] 52 ; c ; BASE64 BEL`): the terminal
//! itself sets the clipboard, so it works over ssh and inside tmux (with `set-clipboard
//! on`), where no local clipboard program could be reached. The sequence goes to the same
//! writer the screen is drawn on. Terminals that cannot take it get a status message.

use std::io::{self, Write};

use base64::Engine as _;
use ratatui::backend::{CrosstermBackend, TestBackend};

/// Larger selections are refused: many terminals drop an OSC 52 over ~100 kB silently.
const MAX_BYTES: usize = 74_994;

/// A backend that may carry an escape sequence to the terminal.
pub trait Clipboard {
    /// The writer behind the screen, if the backend has one.
    fn writer(&mut self) -> Option<&mut dyn Write>;
}

impl<W: Write> Clipboard for CrosstermBackend<W> {
    fn writer(&mut self) -> Option<&mut dyn Write> {
        Some(self)
    }
}

/// A test screen has no terminal behind it.
impl Clipboard for TestBackend {
    fn writer(&mut self) -> Option<&mut dyn Write> {
        None
    }
}

/// The OSC 52 sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

/// Why `term` (the `TERM` variable) cannot take OSC 52, if it cannot.
pub fn refusal(term: Option<&str>) -> Option<&'static str> {
    match term {
        Some("linux") => Some("the Linux console has no clipboard sequence"),
        Some("dumb") | Some("") | None => Some("this terminal (TERM) has no clipboard sequence"),
        _ => None,
    }
}

/// Copies `text` through `backend`; the result is the status line's message.
pub fn copy(backend: &mut dyn Clipboard, term: Option<&str>, text: &str) -> Result<(), String> {
    if let Some(why) = refusal(term) {
        return Err(why.into());
    }
    if text.len() > MAX_BYTES {
        return Err(format!(
            "too long for the terminal's clipboard ({} bytes; at most {MAX_BYTES})",
            text.len()
        ));
    }
    let Some(w) = backend.writer() else {
        return Err("no terminal to copy through".into());
    };
    let write = |w: &mut dyn Write| -> io::Result<()> {
        w.write_all(osc52(text).as_bytes())?;
        w.flush()
    };
    write(w).map_err(|e| format!("copy failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_and_refusals() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
        assert!(refusal(Some("xterm-256color")).is_none());
        assert!(refusal(Some("tmux-256color")).is_none());
        assert!(refusal(Some("linux")).is_some());
        assert!(refusal(None).is_some());
        let mut screen = TestBackend::new(10, 2);
        assert!(copy(&mut screen, Some("xterm"), "x").is_err());
        let mut out = CrosstermBackend::new(Vec::new());
        assert_eq!(copy(&mut out, Some("xterm"), "x"), Ok(()));
        assert!(copy(&mut out, Some("linux"), "x").is_err());
        let long = "x".repeat(MAX_BYTES + 1);
        assert!(copy(&mut out, Some("xterm"), &long).is_err());
    }
}
