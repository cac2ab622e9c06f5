//! Filters from what the user points at, as Wireshark's right-click menu writes them:
//! a details field (Apply/Prepare as Filter and the …and/…or/…and not Selected variants),
//! a byte range in the hex pane (`frame[34:2] == 06:46`), a conversation row or the
//! ladder's stream (`tcp.stream == 4`). The text comes from `filter::build`, so it is the
//! one vocabulary's and parses back.

use super::{App, Pane, Prompt, PromptKind, View};
use crate::decode::FieldList;
use crate::filter::build::{bytes_expr, field_expr, Combine};
use crate::store::{lock, Kind};

impl App {
    /// The filter expression of what is selected, or why there is none.
    pub fn selected_expr(&self) -> Result<String, String> {
        match self.view {
            View::Conversations => {
                let store = lock(&self.store);
                let line = self
                    .conversation_lines(&store)
                    .get(self.conv_cursor)
                    .copied();
                line.and_then(|l| stream_expr(l.kind, l.stream))
                    .ok_or_else(|| "no conversation selected".to_string())
            }
            View::Ladder => {
                let store = lock(&self.store);
                store
                    .entry(self.selected)
                    .and_then(|e| stream_expr(e.kind, e.stream))
                    .ok_or_else(|| "select a TCP or UDP packet for its stream".to_string())
            }
            View::Packets if self.focus == Pane::Details => self.field_expr_at_cursor(),
            View::Packets if self.focus == Pane::Hex => {
                let range = self
                    .selected_range()
                    .ok_or_else(|| "select bytes in the hex pane first".to_string())?;
                let store = lock(&self.store);
                let frame = store
                    .frame(self.selected)
                    .ok_or_else(|| "no packet selected".to_string())?;
                bytes_expr(frame.data, range.start as usize, range.len as usize)
                    .ok_or_else(|| "these bytes are not in the frame".to_string())
            }
            _ => Err("select a field (Tab to the details), bytes or a conversation".into()),
        }
    }

    /// The expression of the details row under the cursor.
    fn field_expr_at_cursor(&self) -> Result<String, String> {
        let row = self
            .selected_tree()
            .get(self.detail_cursor)
            .and_then(|r| r.field)
            .ok_or_else(|| "this line has no field to filter on".to_string())?;
        let store = lock(&self.store);
        let d = store
            .dissect(self.selected)
            .ok_or_else(|| "no packet selected".to_string())?;
        let mut scratch = String::new();
        let mut fields = FieldList::new();
        d.emit_fields(&mut scratch, &mut fields);
        fields
            .fields
            .get(row)
            .map(field_expr)
            .ok_or_else(|| "this line has no field to filter on".to_string())
    }

    /// Apply as Filter: the selected expression, joined as `how` says, in force at once.
    pub fn apply_selected(&mut self, how: Combine) {
        match self.selected_expr() {
            Ok(expr) => {
                let current = self.filter.as_ref().map(|f| f.text.clone());
                let text = how.apply(current.as_deref(), &expr);
                self.view = View::Packets;
                if self.apply_bar(&text) {
                    self.message = Some(format!("filter {text}"));
                }
            }
            Err(why) => self.message = Some(why),
        }
    }

    /// Prepare as Filter: the bar opens on the joined expression, to edit before Enter.
    pub fn prepare_selected(&mut self, how: Combine) {
        match self.selected_expr() {
            Ok(expr) => {
                let current = self.filter.as_ref().map(|f| f.text.clone());
                let text = how.apply(current.as_deref(), &expr);
                self.prompt = Some(Prompt {
                    kind: PromptKind::Search,
                    text,
                });
            }
            Err(why) => self.message = Some(why),
        }
    }
}

/// `tcp.stream == 4` / `udp.stream == 0`.
fn stream_expr(kind: Kind, stream: u32) -> Option<String> {
    match kind {
        Kind::Tcp => Some(format!("tcp.stream == {stream}")),
        Kind::Udp => Some(format!("udp.stream == {stream}")),
        Kind::Other => None,
    }
}
