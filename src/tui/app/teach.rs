//! State and keys of the teaching screens (issue 7): the encapsulation view, the RFC header
//! diagrams with a field cursor, and the narration pane. The field cursor *is* the details
//! tree's cursor (`App::detail_cursor`), so the diagram, the tree and the hex bytes always
//! highlight the same field, whichever screen moved it.

use std::sync::Arc;

use super::{tree, Action, App, View};
use crate::decode::FieldList;
use crate::field::FieldId;
use crate::store::lock;
use crate::teach::diagram;

/// Scroll positions and toggles of the teaching screens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TeachState {
    /// The narration pane under the packet list is shown.
    pub explain: bool,
    /// The narration of a packet (by index), computed when the selection changes.
    /// The narration of a packet, with the number of packets visible when it was made.
    pub narration: Option<(usize, usize, String)>,
    /// First line shown of the encapsulation text.
    pub encap_top: usize,
    /// First line shown of the header diagrams.
    pub diagram_top: usize,
}

/// Handles `action` when it means something special on a teaching screen; returns whether
/// it did (otherwise the normal navigation runs).
pub(super) fn handle(app: &mut App, action: Action) -> bool {
    match (app.view, action) {
        (_, Action::Explain) => {
            app.teach.explain = !app.teach.explain;
            true
        }
        (_, Action::Show(View::Encap)) => {
            app.view = View::Encap;
            app.teach.encap_top = 0;
            true
        }
        (_, Action::Show(View::Diagram)) => {
            app.view = View::Diagram;
            app.teach.diagram_top = 0;
            reveal_field(app);
            true
        }
        (View::Encap | View::Diagram, Action::Collapse | Action::Expand) => {
            other_packet(app, if action == Action::Expand { 1 } else { -1 });
            true
        }
        (View::Encap, _) => {
            let page = crate::tui::app::layout::encap_rows(app.size).max(1) as i64;
            let delta = match action {
                Action::Down => 1,
                Action::Up => -1,
                Action::PageDown => page,
                Action::PageUp => -page,
                Action::Top => i64::MIN / 2,
                _ => return false,
            };
            app.teach.encap_top = shift(app.teach.encap_top, delta);
            true
        }
        (View::Diagram, _) => {
            let page = crate::tui::app::layout::diagram_rows(app.size).max(1) as i64;
            match action {
                Action::Down => move_field(app, 1),
                Action::Up => move_field(app, -1),
                Action::Top => move_field(app, i64::MIN / 2),
                Action::Bottom => move_field(app, i64::MAX / 2),
                Action::PageDown => app.teach.diagram_top = shift(app.teach.diagram_top, page),
                Action::PageUp => app.teach.diagram_top = shift(app.teach.diagram_top, -page),
                _ => return false,
            }
            true
        }
        _ => false,
    }
}

fn shift(v: usize, delta: i64) -> usize {
    (v as i64).saturating_add(delta).max(0) as usize
}

/// The fields drawn in the diagrams of the selected packet, in reading order (each once),
/// and the first grid line of each (for scrolling).
pub fn diagram_fields(app: &App) -> Vec<(usize, usize)> {
    let store = Arc::clone(&app.store);
    let store = lock(&store);
    let Some(d) = (app.selected < app.visible)
        .then(|| store.dissect(app.selected))
        .flatten()
    else {
        return Vec::new();
    };
    let mut scratch = String::new();
    let mut fields = FieldList::new();
    d.emit_fields(&mut scratch, &mut fields);
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut line = 0;
    for dia in diagram::diagrams_of(&d, &fields) {
        // Title, two ruler lines and the top border come before the first row.
        for (r, row) in dia.rows.iter().enumerate() {
            for cell in row.iter().filter(|c| !c.continued) {
                if let Some(i) = cell.field.filter(|i| !out.iter().any(|(f, _)| f == i)) {
                    out.push((i, line + 4 + 3 * r));
                }
            }
        }
        // Rows of three lines each, the legend, then the blank line between diagrams.
        line += 4 + 3 * dia.rows.len() + dia.legend.len() + 1;
    }
    out
}

/// The field index under the details cursor.
fn current_field(app: &App) -> Option<usize> {
    super::nav::detail_rows(app)
        .get(app.detail_cursor)
        .and_then(|r| r.field)
}

/// Moves the field cursor `delta` fields through the diagrams.
fn move_field(app: &mut App, delta: i64) {
    let fields = diagram_fields(app);
    if fields.is_empty() {
        return;
    }
    let last = fields.len() as i64 - 1;
    let next = match current_field(app).and_then(|c| fields.iter().position(|(f, _)| *f == c)) {
        Some(pos) => (pos as i64).saturating_add(delta).clamp(0, last),
        // The tree cursor is on a layer or a field without a cell: start at the first
        // cell after it in field order.
        None => {
            let cur = current_field(app).unwrap_or(0);
            let after = fields.iter().position(|(f, _)| *f > cur).unwrap_or(0) as i64;
            if delta > 0 {
                after.saturating_add(delta - 1).clamp(0, last)
            } else {
                after.saturating_add(delta).clamp(0, last)
            }
        }
    };
    let (field, line) = fields[next as usize];
    select_field(app, field);
    keep_line_visible(app, line);
}

/// Puts the details cursor on field `index`, expanding its layer if it is collapsed.
pub fn select_field(app: &mut App, index: usize) {
    let layer = {
        let store = lock(&app.store);
        store.dissect(app.selected).and_then(|d| {
            tree::rows(&d, &Default::default())
                .into_iter()
                .find(|r| r.field == Some(index))
                .map(|r| r.layer)
        })
    };
    if let Some(layer) = layer {
        app.collapsed.remove(&layer);
    }
    let rows = super::nav::detail_rows(app);
    if let Some(i) = rows.iter().position(|r| r.field == Some(index)) {
        app.detail_cursor = i;
    }
}

/// Scrolls the diagram so the label and value lines at `line` show.
fn keep_line_visible(app: &mut App, line: usize) {
    let rows = crate::tui::app::layout::diagram_rows(app.size).max(2);
    let top = &mut app.teach.diagram_top;
    if line < *top {
        *top = line.saturating_sub(4);
    } else if line + 2 > *top + rows {
        *top = line + 2 - rows;
    }
}

/// On entering the diagrams: scroll to the field under the cursor.
fn reveal_field(app: &mut App) {
    let cur = current_field(app);
    if let Some((_, line)) = diagram_fields(app)
        .into_iter()
        .find(|(f, _)| Some(*f) == cur)
    {
        keep_line_visible(app, line);
    }
}

/// Selects the next/previous packet, keeping the same kind of field under the cursor.
fn other_packet(app: &mut App, delta: i64) {
    let id = field_ids(app).get(app.detail_cursor).copied().flatten();
    let n = app.visible;
    if n == 0 {
        return;
    }
    app.selected = (app.selected as i64 + delta).clamp(0, n as i64 - 1) as usize;
    app.follow_tail = false;
    app.teach.encap_top = 0;
    app.teach.diagram_top = 0;
    let ids = field_ids(app);
    app.detail_cursor = id
        .and_then(|id| ids.iter().position(|r| *r == Some(id)))
        .unwrap_or(0)
        .min(ids.len().saturating_sub(1));
    if app.view == View::Diagram {
        reveal_field(app);
    }
}

/// The field id of each visible tree row of the selected packet.
fn field_ids(app: &App) -> Vec<Option<FieldId>> {
    let store = lock(&app.store);
    let Some(d) = store.dissect(app.selected) else {
        return Vec::new();
    };
    let mut scratch = String::new();
    let mut fields = FieldList::new();
    d.emit_fields(&mut scratch, &mut fields);
    let ids: Vec<FieldId> = fields.iter().map(|f| f.id).collect();
    tree::rows(&d, &app.collapsed)
        .iter()
        .map(|r| r.field.and_then(|i| ids.get(i).copied()))
        .collect()
}

/// The TCP stream of packet `i` over the first `visible` packets, for the narration; None
/// for other packets and for streams too long to lay out.
pub fn stream_timeline(
    store: &crate::store::Store,
    i: usize,
    visible: usize,
) -> Option<crate::teach::StreamTimeline> {
    stream_context(store, i, visible).0
}

/// The TCP timeline of packet `i`'s stream (as [`stream_timeline`]) and the DNS/HTTP
/// exchanges of its TCP stream or UDP conversation (which frame answers which, and when),
/// over the first `visible` packets: what `--export narrate` reads from the whole capture.
pub fn stream_context(
    store: &crate::store::Store,
    i: usize,
    visible: usize,
) -> (
    Option<crate::teach::StreamTimeline>,
    crate::teach::Exchanges,
) {
    use crate::store::Kind;
    let mut exchanges = crate::teach::Exchanges::new();
    let Some(e) = store
        .entry(i)
        .filter(|e| matches!(e.kind, Kind::Tcp | Kind::Udp))
    else {
        return (None, exchanges);
    };
    let mut packets = Vec::new();
    store.scan_stream(e.kind, e.stream, 0..visible, &mut packets);
    if packets.len() > crate::teach::timeline::MAX_SEGMENTS {
        return (None, exchanges);
    }
    let mut timeline =
        (e.kind == Kind::Tcp).then(|| crate::teach::StreamTimeline::new(u64::from(e.stream)));
    for p in packets {
        if let Some(d) = store.dissect(p as usize) {
            if let Some(timeline) = timeline.as_mut() {
                timeline.push(&d);
            }
            exchanges.push(&d);
        }
    }
    (timeline, exchanges)
}
