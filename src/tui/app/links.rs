//! Going where the tree points: on `[This is an ACK to the segment in frame: 2]`,
//! `[Request in frame: 1]`, `[Reassembled PDU in frame: 9]`, Enter selects that frame; Back
//! returns, a stack of places as in a browser. The Expert Information view jumps the same
//! way, and Back returns to it.

use super::analyst::Place;
use super::{App, View};
use crate::decode::FieldList;
use crate::field::links::is_frame_link;
use crate::field::Value;
use crate::store::lock;

/// Places kept for Back.
const MAX_BACK: usize = 200;

impl App {
    /// The frame number the details row under the cursor points at, if it is a link.
    pub fn link_at_cursor(&self) -> Option<u64> {
        let index = self.selected_tree().get(self.detail_cursor)?.field?;
        let store = lock(&self.store);
        let d = store.dissect(self.selected)?;
        let mut scratch = String::new();
        let mut fields = FieldList::new();
        d.emit_fields(&mut scratch, &mut fields);
        let field = fields.fields.get(index)?;
        match (is_frame_link(field.id), field.value) {
            (true, Value::U64(n)) => Some(n),
            _ => None,
        }
    }

    /// Follows the link under the cursor. Returns false when the row is not a link.
    pub(super) fn follow_link(&mut self) -> bool {
        let Some(number) = self.link_at_cursor() else {
            return false;
        };
        self.jump_to_frame(number);
        true
    }

    /// Selects frame `number` in the packet list, remembering the place it leaves (view,
    /// packet and tree line) for Back; says why when the frame is not there to select.
    pub(super) fn jump_to_frame(&mut self, number: u64) {
        let target = (number as usize).saturating_sub(1);
        if number == 0 || target >= self.visible {
            self.message = Some(format!("frame {number} is not in the capture (yet)"));
        } else if !self.is_row(target) {
            self.message = Some(format!("frame {number} is hidden by the filter"));
        } else {
            self.analyst.back.push(Place {
                view: self.view,
                packet: self.selected,
                detail_cursor: self.detail_cursor,
            });
            let extra = self.analyst.back.len().saturating_sub(MAX_BACK);
            self.analyst.back.drain(..extra);
            self.selected = target;
            self.detail_cursor = 0;
            self.detail_top = 0;
            self.follow_tail = false;
            self.view = View::Packets;
            self.message = Some(format!("frame {number} (b goes back)"));
        }
    }

    /// Back: the place the last jump left.
    pub fn go_back(&mut self) {
        match self.analyst.back.pop() {
            Some(place) if place.packet < self.visible => {
                self.selected = place.packet;
                self.detail_cursor = place.detail_cursor;
                self.follow_tail = false;
                self.view = place.view;
            }
            _ => self.message = Some("nothing to go back to".into()),
        }
    }
}
