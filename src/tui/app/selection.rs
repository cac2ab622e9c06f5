//! What is selected in the packets view, as the state sees it: the selected packet's tree
//! rows, the selected field's bytes and where the hex pane scrolls to show them. Drawing
//! and mouse hit-testing both read these, so they always agree.

use super::{tree, App, Pane};
use crate::field::ByteRange;
use crate::store::lock;

impl App {
    /// The visible tree rows of the selected packet.
    pub fn selected_tree(&self) -> Vec<tree::TreeRow> {
        let store = lock(&self.store);
        let d = (self.selected < self.visible)
            .then(|| store.dissect(self.selected))
            .flatten();
        d.map_or_else(Vec::new, |d| {
            let mut rows = tree::rows(&d, &self.collapsed);
            self.quiz.mask_rows(self.selected, &d, &mut rows);
            rows
        })
    }

    /// The selected field's byte range in the selected packet.
    pub fn selected_range(&self) -> Option<ByteRange> {
        self.selected_tree().get(self.detail_cursor)?.range
    }

    /// First hex line shown: the user's scroll position, unless that hides the selected field.
    pub fn hex_top_line(&self, height: usize, width: usize, range: Option<ByteRange>) -> usize {
        match range {
            Some(r) if self.focus != Pane::Hex => {
                let line = r.start as usize / width;
                if line < self.hex_top || line >= self.hex_top + height.max(1) {
                    line
                } else {
                    self.hex_top
                }
            }
            _ => self.hex_top,
        }
    }
}
