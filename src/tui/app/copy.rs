//! Copy (`y`) and copy as filter (`Y`): what is copied depends on where the user is — the
//! packet list copies the summary line, the details a field's value, the hex pane the
//! selected bytes as hex, the follow view the whole stream text. The state only says what
//! to copy ([`super::Effect::Copy`]); the run loop writes it to the terminal as OSC 52, which
//! reaches the local clipboard through ssh and tmux.

use std::fmt::Write as _;

use super::{App, Effect, Pane, View};
use crate::decode::FieldList;
use crate::field::ValueFormatter;
use crate::store::lock;

impl App {
    /// The text `y` copies here, or why there is none.
    pub fn copy_text(&self) -> Result<String, String> {
        match self.view {
            // The shown mode's text, as `-z follow,…` prints it.
            View::Follow => self
                .follow
                .as_ref()
                .map(|f| f.text())
                .ok_or_else(|| "no stream followed".to_string()),
            View::Packets => match self.focus {
                Pane::List => self.summary_line(),
                Pane::Details => self.field_value(),
                Pane::Hex => self.bytes_hex(),
            },
            _ => self.summary_line(),
        }
    }

    /// `y`: copies [`App::copy_text`].
    pub fn copy(&mut self, what: &str) {
        match self.copy_text() {
            Ok(text) => self.copy_out(what, text),
            Err(why) => self.message = Some(why),
        }
    }

    /// `Y`: copies the selected thing's filter expression.
    pub fn copy_filter(&mut self) {
        match self.selected_expr() {
            Ok(text) => self.copy_out("filter", text),
            Err(why) => self.message = Some(why),
        }
    }

    fn copy_out(&mut self, what: &str, text: String) {
        self.message = Some(format!("copied {what}: {}", first_line(&text)));
        self.effects.push(Effect::Copy(text));
    }

    /// The list row as tshark prints it: number, time, source, destination, protocol,
    /// length, info, tab-separated.
    fn summary_line(&self) -> Result<String, String> {
        let store = lock(&self.store);
        let d = (self.selected < self.visible)
            .then(|| store.dissect(self.selected))
            .flatten()
            .ok_or_else(|| "no packet selected".to_string())?;
        let r = super::row::row(&d);
        Ok(format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.number,
            self.time_text(&store, self.selected),
            r.source,
            r.destination,
            r.protocol,
            r.length,
            r.info
        ))
    }

    /// The selected field's value as `-T fields` prints it (the line's text where the
    /// field has no value of its own).
    fn field_value(&self) -> Result<String, String> {
        let tree = self.selected_tree();
        let row = tree
            .get(self.detail_cursor)
            .ok_or_else(|| "no field selected".to_string())?;
        let store = lock(&self.store);
        let d = store
            .dissect(self.selected)
            .ok_or_else(|| "no packet selected".to_string())?;
        let mut scratch = String::new();
        let mut fields = FieldList::new();
        d.emit_fields(&mut scratch, &mut fields);
        let value = row
            .field
            .and_then(|i| fields.fields.get(i))
            .map(|f| ValueFormatter(f.def(), &f.value).to_string())
            .filter(|v| !v.is_empty());
        Ok(value.unwrap_or_else(|| row.text.trim().to_string()))
    }

    /// The selected field's bytes (the whole frame when none is), as `0646…` hex.
    fn bytes_hex(&self) -> Result<String, String> {
        // The range first: it locks the store itself.
        let range = self.selected_range();
        let store = lock(&self.store);
        let frame = store
            .frame(self.selected)
            .ok_or_else(|| "no packet selected".to_string())?;
        let bytes = range
            .and_then(|r| frame.data.get(r.start as usize..r.end()))
            .unwrap_or(frame.data);
        let mut out = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            let _ = write!(out, "{b:02x}");
        }
        Ok(out)
    }
}

/// The start of the copied text, for the status line.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let short: String = line.chars().take(40).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}
